"""Repositories: the only place that builds SQL. Each wraps the unit of work's connection.

The statements on a task completion's path are built once, at import, with bound parameters:
SQLAlchemy then finds their compiled form in its cache without rebuilding the statement and its
cache key on every call (that rebuilding cost more than the SQL itself). On SQLite the hottest of
them also skip SQLAlchemy's per-execution bookkeeping (engine/db/prepared.py); PostgreSQL runs
them through SQLAlchemy as usual.
"""
from __future__ import annotations

from collections import namedtuple
from datetime import datetime, timezone

from sqlalchemy import and_, bindparam, func, insert, null, select, update
from sqlalchemy.engine import Connection, Row

from engine import inbox_repository as inbox_sql
from engine.db.prepared import Prepared, PreparedSelect
from engine.db.tables import event, event_personal, human_task, instance, process_definition, process_draft, timer
from engine.inbox_repository import INBOX_STATUSES  # noqa: F401  (services import it from here)


def utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=timezone.utc)


class _Repository:
    def __init__(self, connection: Connection):
        self.c = connection


class Definitions(_Repository):
    _listed = [c for c in process_definition.c if c.name not in ("bpmn_xml", "spec_json")]

    def by_sha(self, process_key: str, sha256: str) -> Row | None:
        q = select(*self._listed).where(process_definition.c.process_key == process_key,
                                        process_definition.c.sha256 == sha256)
        return self.c.execute(q).first()

    def next_version(self, process_key: str) -> int:
        q = select(func.max(process_definition.c.version)).where(process_definition.c.process_key == process_key)
        return (self.c.execute(q).scalar() or 0) + 1

    def add(self, **values) -> int:
        return self.c.execute(insert(process_definition).values(**values)).inserted_primary_key[0]

    def get(self, definition_id: int) -> Row | None:
        return self.c.execute(select(*self._listed).where(process_definition.c.id == definition_id)).first()

    def latest_published(self, process_key: str) -> Row | None:
        q = (select(*self._listed)
             .where(process_definition.c.process_key == process_key, process_definition.c.status == "published")
             .order_by(process_definition.c.version.desc()).limit(1))
        return self.c.execute(q).first()

    def all(self) -> list[Row]:
        q = select(*self._listed).order_by(process_definition.c.process_key, process_definition.c.version)
        return list(self.c.execute(q))

    def spec_json(self, definition_id: int) -> str:
        return self.c.execute(select(process_definition.c.spec_json)
                              .where(process_definition.c.id == definition_id)).scalar_one()

    def bpmn_xml(self, definition_id: int) -> str | None:
        return self.c.execute(select(process_definition.c.bpmn_xml)
                              .where(process_definition.c.id == definition_id)).scalar()

    def of_process(self, process_key: str) -> list[Row]:
        q = (select(*self._listed).where(process_definition.c.process_key == process_key)
             .order_by(process_definition.c.version.desc()))
        return list(self.c.execute(q))

    def by_version(self, process_key: str, version: int) -> Row | None:
        q = select(*self._listed).where(process_definition.c.process_key == process_key,
                                        process_definition.c.version == version)
        return self.c.execute(q).first()

    def retire_published(self, process_key: str, except_id: int) -> None:
        """Only the newest version takes new cases; older ones keep running the cases they have."""
        self.c.execute(update(process_definition)
                       .where(process_definition.c.process_key == process_key,
                              process_definition.c.status == "published", process_definition.c.id != except_id)
                       .values(status="retired"))

    def running_counts(self, process_key: str) -> dict[int, int]:
        """{definition id: its running cases} for every version of one process."""
        q = (select(instance.c.definition_id, func.count())
             .join(process_definition, process_definition.c.id == instance.c.definition_id)
             .where(process_definition.c.process_key == process_key, instance.c.status == "running")
             .group_by(instance.c.definition_id))
        return dict(self.c.execute(q).all())


class Drafts(_Repository):
    """The process owners' working copies, one per process (process_draft)."""

    def get(self, process_key: str, *, for_update: bool = False) -> Row | None:
        """for_update: lock the row until the transaction ends (PostgreSQL; SQLite's write
        transactions already exclude each other), so two publishes of one draft run one after the
        other and the second finds it gone."""
        q = select(process_draft).where(process_draft.c.process_key == process_key)
        return self.c.execute(q.with_for_update() if for_update else q).first()

    def all(self) -> list[Row]:
        q = select(*[c for c in process_draft.c if c.name != "bpmn_xml"]).order_by(process_draft.c.process_key)
        return list(self.c.execute(q))

    def insert(self, **values) -> None:
        self.c.execute(insert(process_draft).values(**values))

    def replace(self, process_key: str, expected_revision: int, **values) -> bool:
        """Overwrite the draft if nobody saved it since expected_revision; False otherwise."""
        result = self.c.execute(update(process_draft)
                                .where(process_draft.c.process_key == process_key,
                                       process_draft.c.revision == expected_revision)
                                .values(revision=expected_revision + 1, **values))
        return result.rowcount == 1

    def delete(self, process_key: str) -> None:
        self.c.execute(process_draft.delete().where(process_draft.c.process_key == process_key))


# Prebuilt statements. Parameters named b_* are the WHERE values; for the UPDATEs without
# .values(), SQLAlchemy builds the SET clause from the other keys given at execution.
_INSTANCE_BY_ID = select(instance).where(instance.c.id == bindparam("b_id"))
_INSTANCE_SAVE = Prepared(update(instance).where(instance.c.id == bindparam("b_id"),
                                                  instance.c.revision == bindparam("b_revision")))
_INSERT_INSTANCE = insert(instance)
_TASK_BY_ID = select(human_task).where(human_task.c.id == bindparam("b_id"))
_TASK_WITH_CASE = PreparedSelect(select(human_task, *[c.label(f"case__{c.name}") for c in instance.c])
                                   .join(instance, instance.c.id == human_task.c.instance_id)
                                   .where(human_task.c.id == bindparam("b_id")))
_TASK_COLUMNS = len(human_task.c)
CaseRow = namedtuple("CaseRow", [c.name for c in instance.c])
CaseRow.__doc__ = "An instance row read together with one of its tasks (the same columns as Instances.get)."
_INSERT_TASKS = Prepared(insert(human_task))
_TASK_COMPLETE = Prepared(
    update(human_task).where(human_task.c.id == bindparam("b_id"), human_task.c.state == "ready")
    # The draft goes with completion, in the same statement: SQL NULL (a None here would be bound
    # as the JSON text 'null'), so no unfinished personal input outlives its task.
    .values(state="completed", completed_at=bindparam("b_now"), completed_by=bindparam("b_user"),
            draft_json=null()))
_TASK_CLAIM = Prepared(update(human_task)
                         .where(human_task.c.id == bindparam("b_id"), human_task.c.state == "ready",
                                human_task.c.claimed_by.is_(None))
                         .values(claimed_by=bindparam("b_user"), claimed_at=bindparam("b_now")))
_TASK_RELEASE = Prepared(update(human_task)
                           .where(human_task.c.id == bindparam("b_id"), human_task.c.state == "ready",
                                  human_task.c.claimed_by == bindparam("b_user"))
                           .values(claimed_by=None, claimed_at=None))
_TASKS_CANCEL = (update(human_task)
                 .where(human_task.c.id.in_(bindparam("b_ids", expanding=True)), human_task.c.state == "ready")
                 .values(state="cancelled", completed_at=bindparam("b_now")))
_TASKS_OF_INSTANCE = PreparedSelect(select(human_task).where(human_task.c.instance_id == bindparam("b_instance_id"))
                                    .order_by(human_task.c.created_at))
_INSERT_EVENT = Prepared(insert(event))
_INSERT_EVENT_PERSONAL = Prepared(insert(event_personal))
_INSERT_TIMERS = insert(timer)
_TIMERS_DEACTIVATE = (update(timer)
                      .where(timer.c.instance_id == bindparam("b_instance_id"),
                             timer.c.task_id.in_(bindparam("b_task_ids", expanding=True)),
                             timer.c.active.is_(True))
                      .values(active=False, fired_at=bindparam("b_fired_at")))


class Instances(_Repository):
    def add(self, **values) -> int:
        return self.c.execute(_INSERT_INSTANCE, values).inserted_primary_key[0]

    def get(self, instance_id: int) -> Row | None:
        return self.c.execute(_INSTANCE_BY_ID, {"b_id": instance_id}).first()

    def by_ticket(self, ticket_code: str) -> Row | None:
        return self.c.execute(select(instance).where(instance.c.ticket_code == ticket_code)).first()

    def save(self, instance_id: int, expected_revision: int, **values) -> bool:
        """Write only if nobody else wrote since we read: False means a lost race."""
        values.update(b_id=instance_id, b_revision=expected_revision, revision=expected_revision + 1)
        return _INSTANCE_SAVE.rowcount(self.c, values) == 1


class Tasks(_Repository):
    def get(self, task_id: str) -> Row | None:
        return self.c.execute(_TASK_BY_ID, {"b_id": task_id}).first()

    def get_with_case(self, task_id: str) -> tuple[Row, CaseRow] | tuple[None, None]:
        """The task and its case in one round trip (what a completion reads first)."""
        row = _TASK_WITH_CASE.first(self.c, {"b_id": task_id})
        if row is None:
            return None, None
        return row, CaseRow(*row[_TASK_COLUMNS:])

    def add_many(self, rows: list[dict]) -> None:
        if rows:
            _INSERT_TASKS.insert_many(self.c, rows)

    def claim(self, task_id: str, user: str, now: datetime) -> bool:
        return _TASK_CLAIM.rowcount(self.c, {"b_id": task_id, "b_user": user, "b_now": now}) == 1

    def release(self, task_id: str, user: str) -> bool:
        return _TASK_RELEASE.rowcount(self.c, {"b_id": task_id, "b_user": user}) == 1

    def mark_completed(self, task_id: str, user: str, now: datetime) -> bool:
        return _TASK_COMPLETE.rowcount(self.c, {"b_id": task_id, "b_now": now, "b_user": user}) == 1

    def mark_cancelled(self, task_ids: list[str], now: datetime) -> None:
        if task_ids:
            self.c.execute(_TASKS_CANCEL, {"b_ids": list(task_ids), "b_now": now})

    def save_draft(self, task_id: str, user: str, draft: dict | None) -> bool:
        """Only on a ready task the user holds: False means it moved on or someone else holds it.
        No draft is SQL NULL (a bare None would be stored as the JSON text 'null')."""
        q = (update(human_task)
             .where(human_task.c.id == task_id, human_task.c.state == "ready", human_task.c.claimed_by == user)
             .values(draft_json=draft if draft is not None else null()))
        return self.c.execute(q).rowcount == 1

    def inbox(self, roles: list[str], user: str, *, include_others_claims: bool = True,
              sop_step: int | None = None, status: str | None = None, search: tuple[str, str] | None = None,
              limit: int = 200, offset: int = 0, with_total: bool = False) -> tuple[list, int | None]:
        """(rows in TaskItem's field order, oldest first; how many match in all, when with_total).
        search: (ticket code without its dash, upper case, possibly empty; part of the name as typed).
        Times are aware UTC on SQLite's direct path; pass them through utc() (engine/inbox_repository.py)."""
        key = inbox_sql.shape(roles, include_others_claims=include_others_claims, sop_step=sop_step,
                              status=status, search=search)
        values = inbox_sql.params(roles, user, sop_step, search)
        rows = inbox_sql.page(self.c, key, values, limit, offset)
        if not with_total:
            return rows, None
        # A short page that is not past the end tells the total without counting.
        if len(rows) < limit and (rows or not offset):
            return rows, offset + len(rows)
        return rows, inbox_sql.count(self.c, key, values)

    @staticmethod
    def inbox_query(roles: list[str], user: str, *, include_others_claims: bool = True,
                    sop_step: int | None = None, status: str | None = None,
                    search: tuple[str, str] | None = None, limit: int = 200, offset: int = 0):
        """The statement inbox() runs, with these values bound (for EXPLAIN QUERY PLAN)."""
        key = inbox_sql.shape(roles, include_others_claims=include_others_claims, sop_step=sop_step,
                              status=status, search=search)
        values = {**inbox_sql.params(roles, user, sop_step, search), "b_limit": limit, "b_offset": offset}
        return inbox_sql.statements(key)[0].statement.params(values)

    def of_instance(self, instance_id: int) -> list[Row]:
        return _TASKS_OF_INSTANCE.all(self.c, {"b_instance_id": instance_id})


class Events(_Repository):
    def add(self, values: dict, personal: dict | None) -> int:
        event_id = _INSERT_EVENT.insert(self.c, values)
        if personal is not None:
            _INSERT_EVENT_PERSONAL.insert(self.c, {"event_id": event_id, **personal})
        return event_id

    def of_instance(self, instance_id: int) -> list[Row]:
        q = (select(event, event_personal.c.salt, event_personal.c.data_json.label("personal_json"))
             .outerjoin(event_personal, event_personal.c.event_id == event.c.id)
             .where(event.c.instance_id == instance_id).order_by(event.c.seq, event.c.id))
        return list(self.c.execute(q))


class Timers(_Repository):
    def add_many(self, rows: list[dict]) -> None:
        if rows:
            self.c.execute(_INSERT_TIMERS, rows)

    def deactivate(self, instance_id: int, task_ids: list[str], fired_at: datetime | None) -> None:
        if task_ids:
            self.c.execute(_TIMERS_DEACTIVATE, {"b_instance_id": instance_id, "b_task_ids": list(task_ids),
                                                "b_fired_at": fired_at})

    def reschedule(self, instance_id: int, due_by_task: dict[str, datetime]) -> None:
        for task_id, due_at in due_by_task.items():
            self.c.execute(update(timer).where(timer.c.instance_id == instance_id, timer.c.task_id == task_id)
                           .values(active=True, due_at=due_at, fired_at=None))

    def next_due(self) -> datetime | None:
        return utc(self.c.execute(select(func.min(timer.c.due_at)).where(timer.c.active.is_(True))).scalar())

    def lock_one_due(self, now: datetime) -> Row | None:
        """The earliest due timer no other worker holds; SKIP LOCKED lets PostgreSQL workers share."""
        q = (select(timer).where(and_(timer.c.active.is_(True), timer.c.due_at <= now))
             .order_by(timer.c.due_at).limit(1).with_for_update(skip_locked=True))
        return self.c.execute(q).first()

    def of_instance(self, instance_id: int) -> list[Row]:
        return list(self.c.execute(select(timer).where(timer.c.instance_id == instance_id)))
