"""An attacker with direct database access, for the tampering and digest tests: lift the
append-only guard, then edit, delete, insert, reorder or consistently rewrite a case's events."""
from __future__ import annotations

from dataclasses import replace

from sqlalchemy import delete, insert, select, text, update

from engine.db.append_only import remove_append_only_guard
from engine.db.tables import event, event_personal, instance
from engine.ledger import GENESIS, ChainedContent
from tests.conftest import UPP_KEMENTERIAN, UPP_UNIT_KERJA
from tests.sop_data import VERIFIKASI, screening


def case_with_events(alur, nama: str = "Budi Santoso") -> int:
    """A case at step 3: started with its screening, step 2 claimed and completed (7 events)."""
    started = alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening(nama=nama))
    task = started.ready[0]
    alur.claim(UPP_UNIT_KERJA, task.id)
    alur.complete(UPP_UNIT_KERJA, task.id, VERIFIKASI)
    return started.instance_id


def rows(connection, instance_id: int) -> list:
    return list(connection.execute(select(event).where(event.c.instance_id == instance_id).order_by(event.c.seq)))


def last_seq(alur, instance_id: int) -> int:
    with alur.ctx.db.connect() as c:
        return rows(c, instance_id)[-1].seq


def content(row, **changes) -> ChainedContent:
    plain = ChainedContent(instance_id=row.instance_id, seq=row.seq, occurred_at=row.occurred_at, actor=row.actor,
                           kind=row.kind, task_id=row.task_id, bpmn_id=row.bpmn_id, lane_id=row.lane_id,
                           data=row.data_json, personal_digest=row.personal_digest)
    return replace(plain, **changes)


class Attacker:
    def __init__(self, alur, instance_id: int):
        self.alur, self.id = alur, instance_id

    def __enter__(self):
        self._tx = self.alur.ctx.db.begin()
        self.c = self._tx.__enter__()
        remove_append_only_guard(self.c)
        return self

    def __exit__(self, *exc):
        return self._tx.__exit__(*exc)

    def rows(self) -> list:
        return rows(self.c, self.id)

    def _where(self, seq: int):
        return (event.c.instance_id == self.id) & (event.c.seq == seq)

    def edit_data(self, seq: int, data: dict) -> None:
        self.c.execute(update(event).where(self._where(seq)).values(data_json=data))

    def delete(self, seq: int) -> None:
        event_id = self.c.execute(select(event.c.id).where(self._where(seq))).scalar_one()
        self.c.execute(delete(event_personal).where(event_personal.c.event_id == event_id))
        self.c.execute(delete(event).where(event.c.id == event_id))

    def renumber(self, pairs: dict[int, int]) -> None:
        """Move events to new numbers in two steps (the (case, seq) pair is unique)."""
        for old in pairs:
            self.c.execute(update(event).where(self._where(old)).values(seq=-old))
        for old, new in pairs.items():
            self.c.execute(update(event).where(self._where(-old)).values(seq=new))

    def forge(self, seq: int, prev_hash: str, template_seq: int = 1, **changes) -> str:
        """Insert a self-consistent event at `seq` linked to prev_hash; its hash."""
        template = next(r for r in self.rows() if r.seq == template_seq)
        forged = content(template, seq=seq, actor="mallory", **changes)
        digest = forged.hash_after(prev_hash)
        self.c.execute(insert(event).values(
            instance_id=self.id, seq=seq, occurred_at=forged.occurred_at, actor=forged.actor, kind=forged.kind,
            task_id=forged.task_id, bpmn_id=forged.bpmn_id, lane_id=forged.lane_id, data_json=forged.data,
            personal_digest=forged.personal_digest, prev_hash=prev_hash, hash=digest))
        return digest

    def rewrite_one(self, seq: int, **changes) -> None:
        """Change event #seq and recompute its own hash (but nothing after it)."""
        row = next(r for r in self.rows() if r.seq == seq)
        changed = content(row, **changes)
        self.c.execute(update(event).where(event.c.id == row.id).values(
            actor=changed.actor, data_json=changed.data, hash=changed.hash_after(row.prev_hash)))

    def set_head(self, seq: int, head: str) -> None:
        self.c.execute(update(instance).where(instance.c.id == self.id).values(event_seq=seq, event_head=head))

    def rewrite_consistently(self, seq: int, data: dict) -> None:
        """Change event #seq's data and re-hash it and every event after it, and the case's head:
        a chain that verifies on its own."""
        prev = GENESIS
        for row in self.rows():
            if row.seq >= seq:
                changed = content(row, data=data) if row.seq == seq else content(row)
                digest = changed.hash_after(prev)
                self.c.execute(update(event).where(event.c.id == row.id).values(
                    data_json=changed.data, prev_hash=prev, hash=digest))
                prev = digest
            else:
                prev = row.hash
        self.set_head(self.rows()[-1].seq, prev)

    def delete_last_and_rewrite_head(self) -> int:
        found = self.rows()
        self.delete(found[-1].seq)
        self.set_head(found[-2].seq, found[-2].hash)
        return found[-1].seq

    def sql(self, statement: str) -> None:
        self.c.execute(text(statement))
