"""The auditors' reads that the case repositories do not have: the list of all cases, the account
names behind recorded usernames, and every event of a period read as a stream."""
from __future__ import annotations

from datetime import datetime
from typing import Iterator

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Row

from engine.db.tables import event, event_personal, human_task, instance, process_definition, user_account

PERIOD_BATCH = 500  # rows fetched at a time while a period export streams

_CASE_COLUMNS = (instance.c.id, instance.c.ticket_code, instance.c.status, instance.c.outcome,
                 instance.c.display_name, instance.c.started_at, instance.c.completed_at, instance.c.event_seq,
                 process_definition.c.process_key, process_definition.c.version)


class Trail:
    def __init__(self, connection: Connection):
        self.c = connection

    def full_names(self, usernames: set[str]) -> dict[str, str]:
        if not usernames:
            return {}
        q = select(user_account.c.username, user_account.c.full_name).where(
            user_account.c.username.in_(sorted(usernames)))
        return dict(self.c.execute(q).all())

    def cases(self, status: str | None, limit: int, offset: int) -> tuple[list[Row], int]:
        """The newest cases first (any process, any version), and how many match in all."""
        q = select(*_CASE_COLUMNS).join(process_definition, process_definition.c.id == instance.c.definition_id)
        counted = select(func.count()).select_from(instance)
        if status:
            q = q.where(instance.c.status == status)
            counted = counted.where(instance.c.status == status)
        rows = list(self.c.execute(q.order_by(instance.c.started_at.desc(), instance.c.id.desc())
                                   .limit(limit).offset(offset)))
        return rows, self.c.execute(counted).scalar_one()

    def definition_ids(self) -> list[int]:
        return list(self.c.execute(select(process_definition.c.id)).scalars())

    def events_between(self, start: datetime, end: datetime) -> Iterator[Row]:
        """Events with start <= occurred_at < end (UTC), oldest first, with their case's ticket
        code and definition and their personal fields; fetched in batches (a server-side cursor on
        PostgreSQL), so a year of events never sits in memory at once."""
        q = (select(event.c.instance_id, event.c.seq, event.c.occurred_at, event.c.actor, event.c.kind,
                    event.c.task_id, event.c.data_json, event.c.hash,
                    # A cancellation names only its task: the inbox row says which step it was.
                    func.coalesce(event.c.bpmn_id, human_task.c.bpmn_id).label("bpmn_id"),
                    func.coalesce(event.c.lane_id, human_task.c.lane_id).label("lane_id"),
                    instance.c.ticket_code, instance.c.definition_id,
                    event_personal.c.data_json.label("personal_json"))
             .join(instance, instance.c.id == event.c.instance_id)
             .outerjoin(event_personal, event_personal.c.event_id == event.c.id)
             .outerjoin(human_task, human_task.c.id == event.c.task_id)
             .where(event.c.occurred_at >= start, event.c.occurred_at < end)
             .order_by(event.c.occurred_at, event.c.instance_id, event.c.seq))
        result = self.c.execution_options(yield_per=PERIOD_BATCH).execute(q)
        yield from result
