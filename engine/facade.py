"""The one seam between the front ends (CLI, web) and the engine.

Every method is a use case: it checks the actor's roles, runs in one transaction and returns
plain data from engine.views. Nothing here hands out SpiffWorkflow or SQLAlchemy objects.
The auditors', reports' and personal-data use cases are written in facade_audit.py and are
methods of the same `Alur`.
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
from engine.diff_views import VersionDiff
from engine.facade_audit import AuditUseCases
from engine.errors import AlurError, EngineFailure, describe_error
from engine import sop_document
from engine.migration_views import MigrationCandidates, MigrationReport
from engine.services import (accounts, audit, cases, definitions, drafts, migration, modeling, privacy, public, tasks,
                             timers, version_diff)
from engine.settings import Settings
from engine.views import (ApiTokenInfo, CaseView, CompletionResult, DefinitionInfo, DraftInfo, EventRecord,
                          InboxPage, ProblemInfo, ProcessVersions, PublicStatus, StartResult, TaskDetail, TaskItem,
                          UserInfo, VerifyReport)


class Alur(AuditUseCases):
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

    def definition(self, definition_id: int) -> DefinitionInfo:
        return definitions.get(self.ctx, definition_id)

    def definition_xml(self, actor: Actor, definition_id: int) -> str:
        """The BPMN of one version (staff only): what the case page's diagram draws."""
        return definitions.xml(self.ctx, actor, definition_id)

    # -- process owners: drafts, checks, publishing, versions ---------------------------------
    def processes(self, actor: Actor) -> list[ProcessVersions]:
        """Every process with its versions (newest first) and draft: process owners and auditors."""
        return modeling.processes(self.ctx, actor)

    def process_versions(self, actor: Actor, process_key: str) -> ProcessVersions:
        return modeling.versions(self.ctx, actor, process_key)

    def process_version(self, actor: Actor, process_key: str, number: int) -> DefinitionInfo:
        return modeling.version(self.ctx, actor, process_key, number)

    def process_version_xml(self, actor: Actor, process_key: str, number: int) -> str:
        """The BPMN of one version, as published (download, the modeler's starting point)."""
        return modeling.version_xml(self.ctx, actor, process_key, number)

    def form_titles(self) -> dict[str, str]:
        """{form key: title} of the forms on disk, in SOP order: what a new step may use."""
        forms = self.ctx.current_forms()
        return {key: forms.get(key).title for key in forms.keys()}

    def lane_roles(self) -> list[str]:
        """The roles a lane may map to (the deploy checks refuse any other)."""
        return sorted(self.settings.lane_roles)

    def process_draft(self, actor: Actor, process_key: str) -> DraftInfo | None:
        return modeling.draft(self.ctx, actor, process_key)

    def save_process_draft(self, actor: Actor, process_key: str, xml: bytes | str, *,
                           expected_revision: int | None, base_version: int | None = None) -> DraftInfo:
        """Keep the working copy (may be invalid, never hostile); Conflict if another owner saved since."""
        return modeling.save_draft(self.ctx, actor, process_key, xml, expected_revision=expected_revision,
                                   base_version=base_version)

    def discard_process_draft(self, actor: Actor, process_key: str) -> None:
        modeling.discard_draft(self.ctx, actor, process_key)

    def check_process(self, actor: Actor, process_key: str | None, xml: bytes | str) -> list[ProblemInfo]:
        """The deploy checks on a BPMN text, as a list tied to element ids; [] when publishable."""
        return modeling.check(self.ctx, actor, process_key, xml)

    def upload_process(self, actor: Actor, data: bytes, *,
                       process_key: str | None = None) -> tuple[DraftInfo, list[ProblemInfo]]:
        """A .bpmn from another modeler becomes the draft, with what stands between it and publishing."""
        return modeling.upload(self.ctx, actor, data, process_key=process_key)

    def publish_process(self, actor: Actor, process_key: str, change_note: str, *,
                        expected_revision: int | None = None) -> DefinitionInfo:
        """The draft becomes the next version (new cases start on it); all or nothing."""
        return modeling.publish(self.ctx, actor, process_key, change_note, expected_revision=expected_revision)

    # -- process owners: version diff (version_diff.py) ------------------------------------
    def diff_versions(self, actor: Actor, process_key: str, from_number: int, to_number: int) -> VersionDiff:
        """What changed from one version to another, in words and as ids to mark: owners, auditors."""
        return version_diff.diff_versions(self.ctx, actor, process_key, from_number, to_number)

    # -- process owners: migrating running cases (migration.py) ------------------------------
    def migration_candidates(self, actor: Actor, process_key: str,
                             target_number: int | None = None) -> MigrationCandidates:
        """Running cases on versions older than the target (default: the published version):
        engine.migration_views.MigrationCandidates. Process owners only."""
        return migration.candidates(self.ctx, actor, process_key, target_number)

    def migration_dry_run(self, actor: Actor, process_key: str, instance_ids,
                          target_number: int | None) -> MigrationReport:
        """Per case: can it move to the target version, why not, what would happen. Writes nothing."""
        return migration.dry_run(self.ctx, actor, process_key, instance_ids, target_number)

    def migrate(self, actor: Actor, process_key: str, instance_ids, target_number: int | None, *,
                expected_revisions: dict[int, int] | None = None) -> MigrationReport:
        """Migrate the safe ones, each in its own transaction with the rules evaluated again; the
        rest are refused with reasons and left untouched. expected_revisions: {case id: revision
        the dry run saw}; a case changed since is refused as a conflict."""
        return migration.migrate(self.ctx, actor, process_key, instance_ids, target_number,
                                 expected_revisions=expected_revisions)

    # -- the printed SOP (sop_document.py) ---------------------------------------------------
    def sop_document(self, actor: Actor, process_key: str, number: int) -> sop_document.SopDocument:
        """The official SOP document of one version (identity block, actors, matrix rows with their
        flowchart symbols and connectors): process owners and auditors."""
        return sop_document.build(modeling.version(self.ctx, actor, process_key, number))

    # -- accounts ---------------------------------------------------------------------------
    def authenticate(self, username: str, password: str) -> Actor:
        """The actor for a correct login; LoginRefused (with locked_until when locked) otherwise."""
        return accounts.authenticate(self.ctx, username, password)

    def actor_for_user(self, username: str) -> Actor | None:
        """The actor of an active account, roles read afresh (a session's every request)."""
        return accounts.actor_for_user(self.ctx, username)

    def password_problems(self, password: str, *, username: str = "") -> list[str]:
        return accounts.password_problems(password, username=username)

    def users(self, actor: Actor) -> list[UserInfo]:
        return accounts.list_users(self.ctx, actor)

    def user(self, actor: Actor, username: str) -> UserInfo:
        return accounts.get_user(self.ctx, actor, username)

    def create_user(self, actor: Actor, username: str, full_name: str, roles: set[str], password: str) -> UserInfo:
        return accounts.create_user(self.ctx, actor, username, full_name, roles, password)

    def update_user(self, actor: Actor, username: str, *, full_name: str | None = None,
                    roles: set[str] | None = None, active: bool | None = None) -> UserInfo:
        return accounts.update_user(self.ctx, actor, username, full_name=full_name, roles=roles, active=active)

    def reset_password(self, actor: Actor, username: str, new_password: str) -> UserInfo:
        return accounts.reset_password(self.ctx, actor, username, new_password)

    def change_password(self, actor: Actor, old_password: str, new_password: str) -> None:
        accounts.change_password(self.ctx, actor, old_password, new_password)

    def ensure_demo_accounts(self) -> list[tuple[str, str, frozenset[str]]]:
        """One demo account per role; (username, password, roles) of those created just now."""
        return accounts.ensure_demo_accounts(self.ctx)

    def create_api_token(self, actor: Actor, name: str) -> tuple[ApiTokenInfo, str]:
        """A new token for the actor's own account; the plain token is returned this once only."""
        return accounts.create_api_token(self.ctx, actor, name)

    def api_tokens(self, actor: Actor) -> list[ApiTokenInfo]:
        return accounts.list_api_tokens(self.ctx, actor)

    def revoke_api_token(self, actor: Actor, token_id: int) -> None:
        accounts.revoke_api_token(self.ctx, actor, token_id)

    def actor_for_token(self, token: str) -> Actor | None:
        return accounts.actor_for_token(self.ctx, token)

    # -- cases ----------------------------------------------------------------------------
    def start(self, process_key: str, actor: Actor, *, first_task_data: dict | None = None) -> StartResult:
        return cases.start(self.ctx, process_key, actor, first_task_data=first_task_data)

    def start_form(self, process_key: str):
        """The forms.Form a new case opens with (its first step's, newest published version)."""
        return cases.start_form(self.ctx, process_key)

    def case_forms(self, actor: Actor, instance_id: int) -> dict:
        """{form key: forms.Form} pinned by the case's version: labels for its recorded data (staff)."""
        return cases.case_forms(self.ctx, actor, instance_id)

    def case(self, actor: Actor, *, instance_id: int | None = None, ticket_code: str | None = None) -> CaseView:
        """A case with its tasks and events; personal fields masked unless the actor's role needs them."""
        return privacy.mask_case(self.ctx, cases.get_case(self.ctx, actor, instance_id=instance_id,
                                                          ticket_code=ticket_code), actor)

    def history(self, actor: Actor, instance_id: int) -> list[EventRecord]:
        return privacy.mask_events(self.ctx, audit.history(self.ctx, actor, instance_id), actor, instance_id)

    # -- the visitor, by ticket code (no account) -------------------------------------------
    def track(self, ticket_code: str) -> PublicStatus:
        """The public status of one case; NotFound for an unknown or malformed code."""
        return public.track(self.ctx, ticket_code)

    def visitor_task(self, ticket_code: str, form_key: str) -> TaskDetail:
        """The Masyarakat-lane task of this case open now with this form (check-in, survey);
        NotFound if the case has no such task open (for instance the survey was already sent)."""
        return public.visitor_task(self.ctx, ticket_code, form_key)

    def visitor_complete(self, ticket_code: str, form_key: str, data: dict) -> CompletionResult:
        return public.visitor_complete(self.ctx, ticket_code, form_key, data)

    def verify(self, instance_id: int) -> VerifyReport:
        return audit.verify(self.ctx, instance_id)

    # -- tasks ----------------------------------------------------------------------------
    def inbox(self, actor: Actor, *, sop_step: int | None = None, mine_only: bool = False,
              status: str | None = None, search: str | None = None, limit: int = 200,
              offset: int = 0) -> list[TaskItem]:
        """Open tasks of the actor's lanes, oldest first. status: None (all), 'unclaimed', 'mine',
        'others'; search: part of a ticket code or of the visitor's name."""
        return tasks.inbox(self.ctx, actor, sop_step=sop_step, mine_only=mine_only, status=status, search=search,
                           limit=limit, offset=offset)

    def inbox_page(self, actor: Actor, *, sop_step: int | None = None, mine_only: bool = False,
                   status: str | None = None, search: str | None = None, limit: int = 50,
                   offset: int = 0) -> InboxPage:
        """inbox() a page at a time, with the number of tasks matching the filters in all."""
        return tasks.inbox_page(self.ctx, actor, sop_step=sop_step, mine_only=mine_only, status=status,
                                search=search, limit=limit, offset=offset)

    def task(self, actor: Actor, task_id: str) -> TaskItem:
        return tasks.get_task(self.ctx, actor, task_id)

    def task_detail(self, actor: Actor, task_id: str) -> TaskDetail:
        """The task page: the task, its step, its pinned forms, a draft, the case without history."""
        return drafts.task_detail(self.ctx, actor, task_id)

    def task_form(self, actor: Actor, task_id: str):
        """(TaskItem, forms.Form): the task and the form it is completed with (a form post's check)."""
        return drafts.task_form(self.ctx, actor, task_id)

    def save_draft(self, actor: Actor, task_id: str, raw: dict) -> TaskItem:
        """Keep unfinished form input on the task (claiming it if nobody holds it); not validated."""
        return drafts.save_draft(self.ctx, actor, task_id, raw)

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
        """Fire timers as they fall due; every few minutes also the daily jobs (housekeeping)."""
        timers.run_worker(self.ctx, stop, housekeeping=self.housekeeping)
