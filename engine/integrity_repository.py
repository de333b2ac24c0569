"""The SQL of chain verification and of the digests of chain heads."""
from __future__ import annotations

from datetime import datetime
from typing import Iterator

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Connection, Row

from engine.db.tables import chain_digest, event, event_personal, instance
from engine.repositories import utc

STREAM_BATCH = 2000  # event rows fetched at a time while every chain is verified
_IDS_AT_ONCE = 500  # instance ids per IN list

# services/integrity.py unpacks these by position: keep the order.
_CHAIN_COLUMNS = (event.c.instance_id, event.c.seq, event.c.occurred_at, event.c.actor, event.c.kind,
                  event.c.task_id, event.c.bpmn_id, event.c.lane_id, event.c.data_json, event.c.personal_digest,
                  event.c.prev_hash, event.c.hash, event_personal.c.salt,
                  event_personal.c.data_json.label("personal_json"))
_DIGEST_LISTED = [c for c in chain_digest.c if c.name != "heads_json"]


class Integrity:
    def __init__(self, connection: Connection):
        self.c = connection

    # -- chains -------------------------------------------------------------------------------
    def case_heads(self) -> list[Row]:
        """Every case's id, ticket code and chain head as the case records it, by id."""
        q = select(instance.c.id, instance.c.ticket_code, instance.c.event_seq, instance.c.event_head)
        return list(self.c.execute(q.order_by(instance.c.id)))

    def case_head(self, instance_id: int) -> Row | None:
        q = select(instance.c.id, instance.c.ticket_code, instance.c.event_seq, instance.c.event_head)
        return self.c.execute(q.where(instance.c.id == instance_id)).first()

    def chain_rows(self, instance_id: int | None = None) -> Iterator[Row]:
        """Events with what their hashes cover and their personal fields, by case then sequence
        number: one statement for all cases, fetched in batches (a server-side cursor on
        PostgreSQL), never one query per case."""
        q = (select(*_CHAIN_COLUMNS).outerjoin(event_personal, event_personal.c.event_id == event.c.id)
             .order_by(event.c.instance_id, event.c.seq, event.c.id))
        if instance_id is not None:
            q = q.where(event.c.instance_id == instance_id)
        yield from self.c.execution_options(yield_per=STREAM_BATCH).execute(q)

    # -- heads as of a moment -----------------------------------------------------------------
    def heads_as_of(self, period_end: datetime) -> tuple[list[tuple[int, int, str]], int]:
        """Each case's last event with occurred_at <= period_end, from the event rows themselves
        (not instance.event_head, which a rewrite would change along), and how many events that
        period holds."""
        last = (select(event.c.instance_id, func.max(event.c.seq).label("seq"), func.count().label("n"))
                .where(event.c.occurred_at <= period_end).group_by(event.c.instance_id).subquery())
        q = (select(event.c.instance_id, event.c.seq, event.c.hash, last.c.n)
             .join(last, (last.c.instance_id == event.c.instance_id) & (last.c.seq == event.c.seq))
             .order_by(event.c.instance_id))
        rows = self.c.execute(q).all()
        return [(r.instance_id, r.seq, r.hash) for r in rows], sum(r.n for r in rows)

    def hashes_at(self, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
        """Today's hash of each (instance id, seq) asked for that still exists."""
        ids = sorted({i for i, _ in wanted})
        found = {}
        for at in range(0, len(ids), _IDS_AT_ONCE):
            q = select(event.c.instance_id, event.c.seq, event.c.hash).where(
                event.c.instance_id.in_(ids[at:at + _IDS_AT_ONCE]))
            found.update({(r.instance_id, r.seq): r.hash for r in self.c.execute(q)
                          if (r.instance_id, r.seq) in wanted})
        return found

    def tickets(self) -> dict[int, str]:
        return dict(self.c.execute(select(instance.c.id, instance.c.ticket_code)).all())

    def first_event_after(self, moment: datetime | None) -> datetime | None:
        q = select(func.min(event.c.occurred_at))
        if moment is not None:
            q = q.where(event.c.occurred_at > moment)
        return utc(self.c.execute(q).scalar())

    # -- digests ------------------------------------------------------------------------------
    def lock_digests(self) -> None:
        """One digest at a time, so two never chain to the same predecessor. SQLite's write
        transactions already queue (BEGIN IMMEDIATE); PostgreSQL takes a transaction lock."""
        if self.c.dialect.name == "postgresql":
            self.c.execute(text("SELECT pg_advisory_xact_lock(hashtext('alur.chain_digest'))"))

    def latest_digest(self) -> Row | None:
        return self.c.execute(select(*_DIGEST_LISTED).order_by(chain_digest.c.id.desc()).limit(1)).first()

    def digests(self) -> list[Row]:
        return list(self.c.execute(select(*_DIGEST_LISTED).order_by(chain_digest.c.id.desc())))

    def digest(self, digest_id: int) -> Row | None:
        return self.c.execute(select(chain_digest).where(chain_digest.c.id == digest_id)).first()

    def digest_by_hash(self, digest: str) -> Row | None:
        return self.c.execute(select(chain_digest).where(chain_digest.c.digest == digest)).first()

    def digest_by_period(self, period_end: datetime) -> Row | None:
        return self.c.execute(select(chain_digest).where(chain_digest.c.period_end == period_end)).first()

    def all_digests_with_heads(self) -> list[Row]:
        """Oldest first: the chain of digests as it was made."""
        return list(self.c.execute(select(chain_digest).order_by(chain_digest.c.id)))

    def add_digest(self, **values) -> int:
        return self.c.execute(insert(chain_digest).values(**values)).inserted_primary_key[0]
