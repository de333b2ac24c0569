"""SQL for the SLA and SKM reports (engine/services/reports.py).

The database filters by period and joins; it also turns each completed task into numbers (its
duration, its standard, whether it met it, its WIB day), so a year of tasks comes back as a few
small columns rather than three timestamps to parse per row. Percentiles need every duration,
so the grouping into steps, lanes and periods happens in Python on that one pass.
Time arithmetic differs between the two databases; each expression has a SQLite and a
PostgreSQL form, and the integration tests run both.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, literal, select
from sqlalchemy.engine import Row

from engine.db.tables import event, human_task, instance, process_definition
from engine.repositories import _Repository

TIMEZONE = "Asia/Jakarta"


class ReportQueries(_Repository):
    @property
    def _sqlite(self) -> bool:
        return self.c.dialect.name == "sqlite"

    def _seconds(self, later, earlier):
        if self._sqlite:  # julianday keeps ~50 us at today's dates: plenty for minutes of work
            return (func.julianday(later) - func.julianday(earlier)) * literal(86400.0)
        return func.extract("epoch", later - earlier)

    def _wib_day(self, column):
        """The WIB calendar day of a stored UTC moment, as 'YYYY-MM-DD'."""
        if self._sqlite:  # stored as naive UTC text; WIB has no daylight saving
            return func.date(column, "+7 hours")
        return func.to_char(func.timezone(TIMEZONE, column), "YYYY-MM-DD")

    def definitions(self, process_key: str) -> list[Row]:
        """Every version of the process (names of steps and lanes, pinned forms), oldest first."""
        q = (select(process_definition.c.id, process_definition.c.version, process_definition.c.steps_json,
                    process_definition.c.lanes_json, process_definition.c.forms_json)
             .where(process_definition.c.process_key == process_key).order_by(process_definition.c.version))
        return list(self.c.execute(q))

    def completed_tasks(self, process_key: str, since: datetime, until: datetime) -> list[tuple]:
        """Tasks of the process completed in [since, until), in order of completion:
        (sop_step, lane_id, name, duration seconds, standard seconds, met it (0/1), WIB day)."""
        t = human_task
        q = (select(t.c.sop_step, t.c.lane_id, t.c.name,
                    self._seconds(t.c.completed_at, t.c.created_at),
                    self._seconds(t.c.due_at, t.c.created_at),
                    case((t.c.completed_at <= t.c.due_at, 1), else_=0),
                    self._wib_day(t.c.completed_at))
             .join(instance, instance.c.id == t.c.instance_id)
             .join(process_definition, process_definition.c.id == instance.c.definition_id)
             .where(process_definition.c.process_key == process_key, t.c.state == "completed",
                    t.c.completed_at >= since, t.c.completed_at < until)
             .order_by(t.c.completed_at, t.c.id))
        return [tuple(row) for row in self.c.execute(q)]

    def overdue_tasks(self, process_key: str, now: datetime, roles: list[str], limit: int) -> list[Row]:
        """Open tasks past their due time, most late first. Asking by lane role lets the inbox's
        (role, state, created_at) index find the open tasks without reading the closed ones."""
        t = human_task
        q = (select(t.c.id, t.c.instance_id, instance.c.ticket_code, t.c.sop_step, t.c.name, t.c.lane_id,
                    t.c.claimed_by, t.c.created_at, t.c.due_at)
             .join(instance, instance.c.id == t.c.instance_id)
             .join(process_definition, process_definition.c.id == instance.c.definition_id)
             .where(process_definition.c.process_key == process_key, t.c.role.in_(roles), t.c.state == "ready",
                    t.c.due_at < now)
             .order_by(t.c.due_at, t.c.id).limit(limit))
        return list(self.c.execute(q))  # SQLite's times come back naive: pass them through utc()

    def overdue_count(self, process_key: str, now: datetime, roles: list[str]) -> int:
        t = human_task
        q = (select(func.count()).select_from(t)
             .join(instance, instance.c.id == t.c.instance_id)
             .join(process_definition, process_definition.c.id == instance.c.definition_id)
             .where(process_definition.c.process_key == process_key, t.c.role.in_(roles), t.c.state == "ready",
                    t.c.due_at < now))
        return int(self.c.execute(q).scalar_one())

    def survey_answers(self, process_key: str, form_keys: list[str], since: datetime,
                       until: datetime) -> list[tuple[str, dict]]:
        """(WIB day, the chained data of the completion) of every survey sent in [since, until),
        in order. The answers are public fields: they sit whole in the task.completed event."""
        t = human_task
        q = (select(self._wib_day(event.c.occurred_at), event.c.data_json)
             .join(t, t.c.id == event.c.task_id)
             .join(instance, instance.c.id == event.c.instance_id)
             .join(process_definition, process_definition.c.id == instance.c.definition_id)
             .where(event.c.kind == "task.completed", event.c.occurred_at >= since, event.c.occurred_at < until,
                    t.c.form_key.in_(form_keys), process_definition.c.process_key == process_key)
             .order_by(event.c.occurred_at, event.c.id))
        return [(day, data or {}) for day, data in self.c.execute(q)]

    def surveys_opened(self, process_key: str, form_keys: list[str], since: datetime, until: datetime) -> int:
        """Survey tasks made ready in [since, until): the visitors asked, the survey's population."""
        t = human_task
        q = (select(func.count()).select_from(t)
             .join(instance, instance.c.id == t.c.instance_id)
             .join(process_definition, process_definition.c.id == instance.c.definition_id)
             .where(process_definition.c.process_key == process_key, t.c.form_key.in_(form_keys),
                    t.c.created_at >= since, t.c.created_at < until))
        return int(self.c.execute(q).scalar_one())
