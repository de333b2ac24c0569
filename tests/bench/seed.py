"""A big database without running the engine 100,000 times: a few real cases, cloned in bulk.

Bench code may use SQL (web/ may not). Templates are real cases run to their end through the
facade (the three SOP paths); each clone copies a template's instance, inbox (completed rows),
event and event_personal rows with new ids and a new unique ticket code. A hash covers the case
id and the task ids, so each clone's chain is hashed again (and its head set): `ChainTemplate`
writes each template event's canonical JSON once with blanks for those values, and a clone's
hash is one string join and one SHA-256, checked against engine.ledger on every template's first
clone. The seeded database verifies whole (`alur verify --all`). Open tasks already in the
database are left as they are.
"""
from __future__ import annotations

import hashlib
import json
import random
import time
import uuid

from sqlalchemy import create_engine, text

from engine.case import Actor
from engine.integrity_repository import Integrity
from engine.ledger import GENESIS, ChainedContent, canonical_json, timestamp
from engine.db.tables import event, event_personal, human_task, instance
from engine.repositories import Tasks
from engine.tickets import ALPHABET
from tests.bench.sop import PROCESS_KEY
from tests.sop_data import DATA_BY_FORM, keputusan, screening

CHUNK = 5000
STAFF = {role: Actor(name, frozenset({role})) for role, name in
         {"upp_kementerian": "ani", "upp_unit_kerja": "budi", "sesdep": "sesdep"}.items()}
PATHS = [("konsultasi", True), ("tanya_progres", True), ("konsultasi", False)]


def make_templates(alur) -> list[int]:
    """Run one case along each SOP path to its end; their instance ids."""
    ids = []
    for tujuan, approved in PATHS:
        started = alur.start(PROCESS_KEY, STAFF["upp_kementerian"], first_task_data=screening(tujuan))
        ready = started.ready
        while ready:
            task = ready[0]
            data = keputusan(approved) if task.form_key == "keputusan_sesdep" else DATA_BY_FORM[task.form_key]
            if task.role == "masyarakat":
                result = alur.visitor_complete(started.ticket_code, task.form_key, data)
            else:
                result = alur.complete(STAFF[task.role], task.id, data)
            ready = result.ready
        assert result.status == "completed", result
        ids.append(started.instance_id)
    return ids


def _columns(table) -> list[str]:
    return [c.name for c in table.columns]


def _insert_sql(table) -> str:
    names = _columns(table)
    return f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"


def _codes(existing: set[str], count: int, rng: random.Random) -> list[str]:
    codes = []
    while len(codes) < count:
        raw = "".join(rng.choices(ALPHABET, k=10))
        code = f"{raw[:5]}-{raw[5:]}"
        if code not in existing:
            existing.add(code)
            codes.append(code)
    return codes


_CASE_BLANK = 918273645546372819  # stands for the clone's case id in a template's canonical JSON
_TASK_BLANK = "@@alur-bench-task@@"
_PREV_BLANK = "@@alur-bench-prev@@"


class ChainTemplate:
    """A template case's events as canonical JSON with blanks for the case id, the task id and
    the previous hash: what engine.ledger.ChainedContent.hash_after hashes, minus those."""

    def __init__(self, rows):
        self.contents, self.pieces = [], []
        for r in rows:
            content = ChainedContent(instance_id=r.instance_id, seq=r.seq, occurred_at=r.occurred_at, actor=r.actor,
                                     kind=r.kind, task_id=r.task_id, bpmn_id=r.bpmn_id, lane_id=r.lane_id,
                                     data=r.data_json, personal_digest=r.personal_digest)
            self.contents.append(content)
            body = {"instance_id": _CASE_BLANK, "seq": r.seq, "occurred_at": timestamp(r.occurred_at),
                    "actor": r.actor, "kind": r.kind, "task_id": _TASK_BLANK if r.task_id else None,
                    "bpmn_id": r.bpmn_id, "lane_id": r.lane_id, "data": r.data_json,
                    "personal_digest": r.personal_digest, "prev_hash": _PREV_BLANK}
            text = canonical_json(body)
            blanks = [str(_CASE_BLANK), json.dumps(_PREV_BLANK)] + ([json.dumps(_TASK_BLANK)] if r.task_id else [])
            assert all(text.count(blank) == 1 for blank in blanks), text
            self.pieces.append(_split(text, blanks))

    def hashes(self, instance_id: int, task_ids: dict) -> list[str]:
        """The clone's event hashes, in sequence order."""
        out, prev = [], GENESIS
        for content, (parts, order) in zip(self.contents, self.pieces):
            values = {"case": str(instance_id), "prev": f'"{prev}"',
                      "task": json.dumps(task_ids.get(content.task_id, content.task_id))}
            joined = parts[0] + "".join(values[name] + part for name, part in zip(order, parts[1:]))
            prev = hashlib.sha256(joined.encode()).hexdigest()
            out.append(prev)
        return out

    def check(self, instance_id: int, task_ids: dict, hashes: list[str]) -> None:
        """The same hashes as the ledger computes (run once per template)."""
        prev = GENESIS
        for content, digest in zip(self.contents, hashes):
            moved = ChainedContent(**{**content.__dict__, "instance_id": instance_id,
                                      "task_id": task_ids.get(content.task_id, content.task_id)})
            assert moved.hash_after(prev) == digest, "the bench's hashing differs from engine.ledger"
            prev = digest


def _split(text: str, blanks: list[str]) -> tuple[list[str], list[str]]:
    names = {str(_CASE_BLANK): "case", json.dumps(_PREV_BLANK): "prev", json.dumps(_TASK_BLANK): "task"}
    found = sorted((text.index(b), b) for b in blanks)
    parts, order, at = [], [], 0
    for index, blank in found:
        parts.append(text[at:index])
        order.append(names[blank])
        at = index + len(blank)
    parts.append(text[at:])
    return parts, order


def _read_templates(c, cols: dict, template_ids: list[int]) -> list[tuple]:
    raw = c.exec_driver_sql
    templates = []
    for template_id in map(int, template_ids):
        def rows(table: str, where: str):
            return [tuple(r) for r in raw(f"SELECT {', '.join(cols[table])} FROM {table} WHERE {where}")]
        inst = rows("instance", f"id = {template_id}")[0]
        assert inst[cols["instance"].index("status")] == "completed", "templates must be closed cases"
        templates.append((inst, rows("human_task", f"instance_id = {template_id}"),
                          rows("event", f"instance_id = {template_id} ORDER BY seq"),
                          rows("event_personal", f"event_id IN (SELECT id FROM event WHERE instance_id = {template_id})"),
                          ChainTemplate(list(Integrity(c).chain_rows(template_id)))))
    return templates


def clone(url: str, template_ids: list[int], count: int) -> dict:
    """Insert `count` completed cases copied from the templates (round robin), in one
    transaction, executemany in chunks of CHUNK rows. Returns row counts and the seconds taken."""
    began = time.perf_counter()
    engine = create_engine(url, connect_args={"timeout": 60})
    rng = random.Random(20261128)
    tables = (instance, human_task, event, event_personal)  # parents first
    cols = {t.name: _columns(t) for t in tables}
    inserted = {t.name: 0 for t in tables}
    i_id, i_code, i_head = (cols["instance"].index(n) for n in ("id", "ticket_code", "event_head"))
    e_id, e_inst, e_task, e_prev, e_hash = (cols["event"].index(n)
                                            for n in ("id", "instance_id", "task_id", "prev_hash", "hash"))
    checked = set()
    with engine.begin() as c:
        raw = c.exec_driver_sql  # values copied as stored: no decoding and re-encoding
        templates = _read_templates(c, cols, template_ids)
        next_instance = raw("SELECT coalesce(max(id), 0) + 1 FROM instance").scalar()
        next_event = raw("SELECT coalesce(max(id), 0) + 1 FROM event").scalar()
        existing = {r[0] for r in raw("SELECT ticket_code FROM instance")}
        made = 0
        while made < count:
            batch = {name: [] for name in inserted}
            for code in _codes(existing, min(CHUNK, count - made), rng):
                which = made % len(templates)
                inst, tasks, events, personal, chain = templates[which]
                made += 1
                new_id, next_instance = next_instance, next_instance + 1
                task_ids = {t[0]: str(uuid.UUID(int=rng.getrandbits(128), version=4)) for t in tasks}
                hashes = chain.hashes(new_id, task_ids)
                if which not in checked:
                    chain.check(new_id, task_ids, hashes)
                    checked.add(which)
                copy = list(inst)
                copy[i_id], copy[i_code], copy[i_head] = new_id, code, hashes[-1]
                batch["instance"].append(tuple(copy))
                batch["human_task"].extend((task_ids[t[0]], new_id) + t[2:] for t in tasks)
                event_ids, prev = {}, GENESIS
                for e, digest in zip(events, hashes):
                    copy = list(e)
                    event_ids[e[e_id]] = copy[e_id] = next_event
                    next_event += 1
                    copy[e_inst] = new_id
                    copy[e_task] = task_ids.get(e[e_task], e[e_task])
                    copy[e_prev], copy[e_hash], prev = prev, digest, digest
                    batch["event"].append(tuple(copy))
                batch["event_personal"].extend((event_ids[p[0]],) + p[1:] for p in personal)
            for table in tables:
                values = batch[table.name]
                for at in range(0, len(values), CHUNK):
                    raw(_insert_sql(table), values[at:at + CHUNK])
                inserted[table.name] += len(values)
    # One big transaction leaves a WAL as big as the data: fold it into the database file now,
    # not during the first timed requests.
    with engine.connect() as c:
        c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return {"seconds": time.perf_counter() - began, "rows": inserted}


def inbox_plan(url: str, role: str, user: str) -> tuple[list[str], list[str]]:
    """EXPLAIN QUERY PLAN of the inbox query as the engine builds it (default filters): as the
    database stands (the app never runs ANALYZE), and with statistics (ANALYZE in a transaction
    rolled back, so the server's plans stay as they were)."""
    engine = create_engine(url, connect_args={"timeout": 60})
    sql = str(Tasks.inbox_query([role], user).compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as c:
        raw = c.connection.dbapi_connection
        plan = [row[-1] for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}")]
        raw.execute("BEGIN")
        try:
            raw.execute("ANALYZE")
            analysed = [row[-1] for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}")]
        finally:
            raw.execute("ROLLBACK")
    engine.dispose()
    return plan, analysed


def counts(url: str, role: str) -> tuple[int, int]:
    """(open tasks of the role, cases in the database)."""
    engine = create_engine(url)
    with engine.connect() as c:
        n = c.execute(text("SELECT count(*) FROM human_task WHERE state = 'ready' AND role = :r"), {"r": role}).scalar()
        total = c.execute(text("SELECT count(*) FROM instance")).scalar()
    engine.dispose()
    return n, total
