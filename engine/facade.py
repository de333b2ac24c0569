"""The one seam between the front ends (CLI, web) and the engine.

Every method is a use case: it checks the actor's roles, runs in one transaction and returns
plain data from engine.views. Nothing here hands out SpiffWorkflow or SQLAlchemy objects.
"""
from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from typing import Callable

from engine.case import SYSTEM, Actor, Case
from engine.context import EngineContext, utcnow
from engine.db.connect import make_engine
from engine.db.migrate import upgrade
from engine.errors import AlurError, EngineFailure, describe_error
from engine.services import audit, cases, definitions, tasks, timers
from engine.settings import Settings
from engine.views import (CaseView, CompletionResult, DefinitionInfo, EventRecord, StartResult, TaskItem,
                          VerifyReport)


class Alur:
    def __init__(self, settings: Settings | None = None, *, clock: Callable[[], datetime] = utcnow):
        settings = settings or Settings.from_env()
        self.ctx = EngineContext(settings=settings, db=make_engine(settings.database_url), clock=clock)

    @property
    def settings(self) -> Settings:
        return self.ctx.settings

    def close(self) -> None:
        self.ctx.db.dispose()

    # -- set-up ---------------------------------------------------------------------------
    def init_db(self) -> None:
        """Create or upgrade the schema (Alembic); safe to run again."""
        upgrade(self.ctx.db)

    # -- definitions ----------------------------------------------------------------------
    def deploy(self, xml: bytes, actor: Actor, *, change_note: str = "") -> DefinitionInfo:
        return definitions.deploy(self.ctx, xml, actor, change_note=change_note)

    def deploy_file(self, path: str | Path, actor: Actor, *, change_note: str = "") -> DefinitionInfo:
        return definitions.deploy_file(self.ctx, path, actor, change_note=change_note)

    def deploy_shipped(self) -> list[DefinitionInfo]:
        """Deploy every processes/*.bpmn as the system (make run, first start)."""
        return [definitions.deploy_file(self.ctx, path, SYSTEM, change_note="Versi awal dari repositori",
                                        require_role=False)
                for path in sorted(self.settings.processes_dir.glob("*.bpmn"))]

    def definitions(self) -> list[DefinitionInfo]:
        return definitions.list_definitions(self.ctx)

    def latest_definition(self, process_key: str) -> DefinitionInfo:
        return definitions.latest(self.ctx, process_key)

    # -- cases ----------------------------------------------------------------------------
    def start(self, process_key: str, actor: Actor, *, first_task_data: dict | None = None) -> StartResult:
        return cases.start(self.ctx, process_key, actor, first_task_data=first_task_data)

    def case(self, actor: Actor, *, instance_id: int | None = None, ticket_code: str | None = None) -> CaseView:
        return cases.get_case(self.ctx, actor, instance_id=instance_id, ticket_code=ticket_code)

    def history(self, actor: Actor, instance_id: int) -> list[EventRecord]:
        return audit.history(self.ctx, actor, instance_id)

    def verify(self, instance_id: int) -> VerifyReport:
        return audit.verify(self.ctx, instance_id)

    # -- tasks ----------------------------------------------------------------------------
    def inbox(self, actor: Actor, *, sop_step: int | None = None, mine_only: bool = False) -> list[TaskItem]:
        return tasks.inbox(self.ctx, actor, sop_step=sop_step, mine_only=mine_only)

    def task(self, actor: Actor, task_id: str) -> TaskItem:
        return tasks.get_task(self.ctx, actor, task_id)

    def claim(self, actor: Actor, task_id: str) -> TaskItem:
        return tasks.claim(self.ctx, actor, task_id)

    def release(self, actor: Actor, task_id: str) -> TaskItem:
        return tasks.release(self.ctx, actor, task_id)

    def complete(self, actor: Actor, task_id: str, data: dict) -> CompletionResult:
        try:
            return tasks.complete(self.ctx, actor, task_id, data)
        except AlurError:
            raise
        except Exception as error:
            # The engine failed mid-step (a condition raised, say): the completion rolled back
            # whole; the failure itself goes on the record.
            self._record_failure(actor, task_id, error)
            raise EngineFailure(f"Mesin alur kerja gagal menjalankan langkah ini: {describe_error(error)}") from error

    def _record_failure(self, actor: Actor, task_id: str, error: Exception) -> None:
        now = self.ctx.clock()
        with self.ctx.uow(write=True) as uow:
            row = uow.tasks.get(task_id)
            case = Case.load(uow, row.instance_id, self.ctx.compiled, now)
            case.record("instance.error", actor, task_row=row, data={"error": describe_error(error)})
            case.save_events_only()
            uow.commit()

    # -- timers ---------------------------------------------------------------------------
    def fire_due_timers(self) -> int:
        return timers.fire_due(self.ctx)

    def next_timer_due(self) -> datetime | None:
        return timers.next_due(self.ctx)

    def run_timer_worker(self, stop: threading.Event | None = None) -> None:
        timers.run_worker(self.ctx, stop)
