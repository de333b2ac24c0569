"""The personal-data use cases' SQL (reveal, data-subject export, retention purge).

Wraps a unit of work's connection like the other repositories. Erasing personal data touches only
event_personal (the chain holds their salted digest, not the values), the instance's display name
and the inbox rows' drafts: never the append-only event table.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, cast, func, null, select, update
from sqlalchemy.engine import Connection, Row

from engine.db.tables import event, event_personal, human_task, instance

_EVENT_COLUMNS = (event.c.id, event.c.instance_id, event.c.seq, event.c.occurred_at, event.c.actor, event.c.kind,
                  event.c.task_id, event.c.bpmn_id, event.c.lane_id, event.c.data_json,
                  event_personal.c.data_json.label("personal_json"), event_personal.c.purged_at,
                  event_personal.c.event_id.label("personal_event_id"))


class PersonalData:
    def __init__(self, connection: Connection):
        self.c = connection

    # -- reveal -------------------------------------------------------------------------------
    def event(self, instance_id: int, seq: int) -> Row | None:
        """One event with its personal data (personal_event_id is None when it has none)."""
        q = (select(*_EVENT_COLUMNS).outerjoin(event_personal, event_personal.c.event_id == event.c.id)
             .where(event.c.instance_id == instance_id, event.c.seq == seq))
        return self.c.execute(q).first()

    # -- data-subject export ------------------------------------------------------------------
    def personal_data_containing(self, text: str) -> list[Row]:
        """(instance_id, personal_json) of every unpurged personal record whose JSON text holds
        `text`, in one statement: the database narrows, the caller checks the field itself."""
        q = (select(event.c.instance_id, event_personal.c.data_json.label("personal_json"))
             .join(event, event.c.id == event_personal.c.event_id)
             .where(event_personal.c.data_json.isnot(None),
                    cast(event_personal.c.data_json, Text).contains(text, autoescape=True))
             .order_by(event.c.instance_id))
        return list(self.c.execute(q))

    def instances(self, instance_ids: list[int]) -> list[Row]:
        q = select(instance.c.id, instance.c.definition_id, instance.c.ticket_code, instance.c.status,
                   instance.c.started_at, instance.c.completed_at).where(instance.c.id.in_(instance_ids))
        return list(self.c.execute(q.order_by(instance.c.started_at, instance.c.id)))

    def events_of(self, instance_ids: list[int]) -> list[Row]:
        """Every event of these cases with its personal data, by case then sequence."""
        q = (select(*_EVENT_COLUMNS).outerjoin(event_personal, event_personal.c.event_id == event.c.id)
             .where(event.c.instance_id.in_(instance_ids)).order_by(event.c.instance_id, event.c.seq))
        return list(self.c.execute(q))

    # -- retention ----------------------------------------------------------------------------
    def due_for_purge(self, cutoff: datetime) -> list[Row]:
        """Closed cases completed before cutoff whose personal data is still there, oldest first
        (the index on instance(status, completed_at) serves it)."""
        q = (select(instance.c.id, instance.c.ticket_code, instance.c.outcome, instance.c.completed_at)
             .where(instance.c.status == "completed", instance.c.completed_at < cutoff,
                    instance.c.personal_purged_at.is_(None))
             .order_by(instance.c.completed_at, instance.c.id))
        return list(self.c.execute(q))

    def purged_count(self) -> int:
        return self.c.execute(select(func.count()).select_from(instance)
                              .where(instance.c.personal_purged_at.isnot(None))).scalar_one()

    def unpurged_personal(self, instance_id: int) -> list[Row]:
        """(event_id, personal_json) of the case's personal records not yet erased."""
        q = (select(event_personal.c.event_id, event_personal.c.data_json.label("personal_json"))
             .join(event, event.c.id == event_personal.c.event_id)
             .where(event.c.instance_id == instance_id, event_personal.c.purged_at.is_(None)))
        return list(self.c.execute(q))

    def erase_personal(self, event_ids: list[int], now: datetime) -> None:
        """The values go (SQL NULL, not the JSON text 'null'); the salt stays, so the digest in
        the chain still names what was there without revealing it."""
        if event_ids:
            self.c.execute(update(event_personal).where(event_personal.c.event_id.in_(event_ids))
                           .values(data_json=null(), purged_at=now))

    def clear_drafts(self, instance_id: int) -> int:
        result = self.c.execute(update(human_task)
                                .where(human_task.c.instance_id == instance_id, human_task.c.draft_json.isnot(None))
                                .values(draft_json=null()))
        return result.rowcount

    def mark_purged(self, instance_id: int, now: datetime) -> None:
        """After Case.save() in the same transaction (which bumped the revision and holds the row)."""
        self.c.execute(update(instance).where(instance.c.id == instance_id)
                       .values(display_name=None, personal_purged_at=now))
