"""SQL for migrating running cases to a newer version of their process (engine/services/migration.py)."""
from __future__ import annotations

from sqlalchemy import null, select, update
from sqlalchemy.engine import Row

from engine.db.tables import human_task, instance, process_definition
from engine.repositories import _Repository


class Migrations(_Repository):
    def running_cases(self, process_key: str, below_version: int) -> list[Row]:
        """Running cases of the process on versions older than below_version: oldest version
        first, then by start (id, ticket_code, started_at, revision, definition_id, version)."""
        q = (select(instance.c.id, instance.c.ticket_code, instance.c.started_at, instance.c.revision,
                    instance.c.definition_id, process_definition.c.version)
             .join(process_definition, process_definition.c.id == instance.c.definition_id)
             .where(process_definition.c.process_key == process_key, instance.c.status == "running",
                    process_definition.c.version < below_version)
             .order_by(process_definition.c.version, instance.c.started_at, instance.c.id))
        return list(self.c.execute(q))

    def open_tasks_of_running(self, process_key: str, below_version: int) -> list[Row]:
        """The open inbox rows of those same cases (instance_id, sop_step, name), by step."""
        q = (select(human_task.c.instance_id, human_task.c.sop_step, human_task.c.name)
             .join(instance, instance.c.id == human_task.c.instance_id)
             .join(process_definition, process_definition.c.id == instance.c.definition_id)
             .where(process_definition.c.process_key == process_key, instance.c.status == "running",
                    process_definition.c.version < below_version, human_task.c.state == "ready")
             .order_by(human_task.c.instance_id, human_task.c.sop_step, human_task.c.name))
        return list(self.c.execute(q))

    def repin(self, instance_id: int, expected_revision: int, definition_id: int) -> bool:
        """Point the case at another definition if nobody wrote it since expected_revision. The
        revision is left for Case.save to bump in the same transaction (one change, one bump)."""
        result = self.c.execute(update(instance)
                                .where(instance.c.id == instance_id, instance.c.revision == expected_revision)
                                .values(definition_id=definition_id))
        return result.rowcount == 1

    def carry_task(self, task_id: str, **values) -> bool:
        """Bring an open inbox row in line with the new version's step (and, for a row the
        migration opened anew, the claim, draft and creation time of the one it replaces)."""
        result = self.c.execute(update(human_task)
                                .where(human_task.c.id == task_id, human_task.c.state == "ready")
                                .values(**values))
        return result.rowcount == 1

    def drop_draft(self, task_id: str) -> None:
        """A replaced row's draft lives on in its successor; no personal input outlives its task."""
        self.c.execute(update(human_task).where(human_task.c.id == task_id).values(draft_json=null()))
