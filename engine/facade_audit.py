"""The auditors' side of the facade: timeline and exports, replay and re-execution, hash chains
and digests, the SLA and SKM reports, and personal data (reveal, data-subject export, retention).

A part of `engine.facade.Alur` (its base class), kept apart only for size: the same rules hold,
each method a use case that checks the actor's roles and returns plain data.
"""
from __future__ import annotations

from datetime import date, datetime

from engine import personal_views
from engine.case import SYSTEM, Actor
from engine.context import EngineContext
from engine.integrity_views import ChainsReport, DigestCheck, DigestInfo
from engine.replay_views import CaseReplay, ReexecutionReport, ReexecutionSummary
from engine.report_views import SkmReport, SlaReport
from engine.services import (audit_trail, digest_check, digests, integrity, replay, reports, retention, reveal,
                             subject_access)
from engine.trail_views import CaseList, CaseTimeline, PeriodExport
from engine.views import VerifyReport


class AuditUseCases:
    ctx: EngineContext

    # -- auditors: timeline and exports (audit_trail.py) -------------------------------------
    def audit_cases(self, actor: Actor, *, status: str | None = None, limit: int = 25,
                    offset: int = 0) -> CaseList:
        """Every case, newest first, a page at a time (status: running, completed, error): auditors."""
        return audit_trail.cases(self.ctx, actor, status=status, limit=limit, offset=offset)

    def case_timeline(self, actor: Actor, instance_id: int) -> CaseTimeline:
        """Every event of a case with who, when, lane, step and the data (personal fields masked,
        their names kept), each completed step's duration against its Waktu: auditors."""
        return audit_trail.case_timeline(self.ctx, actor, instance_id)

    def export_case(self, actor: Actor, instance_id: int) -> dict:
        """The case's whole history as JSON-able data, with its verification now: auditors."""
        return audit_trail.export_case(self.ctx, actor, instance_id)

    def events_in_period(self, actor: Actor, start: date, end: date) -> PeriodExport:
        """Every event from start to end (WIB days, both included, at most 366), streamed as the
        result's .events is iterated: auditors."""
        return audit_trail.events_in_period(self.ctx, actor, start, end)

    # -- auditors: replay and deterministic re-execution (replay.py) --------------------------
    def case_replay(self, actor: Actor, instance_id: int) -> CaseReplay:
        """The case event by event, each frame with the steps done, open and cancelled then, the
        end reached, the data as it was (masked) and the version in force: auditors only."""
        return replay.case_replay(self.ctx, actor, instance_id)

    def reexecute(self, actor: Actor, instance_id: int) -> ReexecutionReport:
        """Run the case again from the version it started on and its recorded events, comparing at
        every step and with the stored state at the end; every divergence named. Writes nothing."""
        return replay.reexecute(self.ctx, actor, instance_id)

    def reexecute_all(self, actor: Actor) -> ReexecutionSummary:
        """reexecute() of every case: how many matched, and the reports of those that did not."""
        return replay.reexecute_all(self.ctx, actor)

    # -- auditors: hash chains of all cases and the daily digests (integrity.py) ---------------
    def verify_case(self, actor: Actor, instance_id: int) -> VerifyReport:
        """One case's hash chain, each break naming its event (auditors)."""
        return integrity.verify_case(self.ctx, actor, instance_id)

    def verify_all(self, actor: Actor) -> ChainsReport:
        """Every case's hash chain in one pass, broken cases first (auditors)."""
        return integrity.verify_all(self.ctx, actor)

    def create_digest(self, actor: Actor, period_end: datetime | None = None) -> DigestInfo:
        """A digest of every case's chain head as of period_end (default now), chained to the last one."""
        return digests.create_digest(self.ctx, actor, period_end)

    def ensure_daily_digests(self, now: datetime | None = None) -> list[DigestInfo]:
        """System use (the periodic worker): the digest of each finished WIB day since the last one."""
        return digests.ensure_daily_digests(self.ctx, now)

    def digests(self, actor: Actor) -> list[DigestInfo]:
        return digests.digests(self.ctx, actor)

    def digest(self, actor: Actor, digest_id: int) -> DigestInfo:
        """One digest with its heads and each case's ticket code."""
        return digests.digest(self.ctx, actor, digest_id)

    def digest_export(self, actor: Actor, digest_id: int) -> str:
        """The exported JSON file of a digest, heads included (engine/digest.py describes it)."""
        return digests.export(self.ctx, actor, digest_id)

    def digest_csv(self, actor: Actor, digest_id: int) -> str:
        """The heads as CSV: with the period end and prev digest, sha256sum of it gives the digest."""
        return digests.export_csv(self.ctx, actor, digest_id)

    def check_digest(self, actor: Actor, digest_id: int | None = None, exported: bytes | str | dict | None = None,
                     root: str | None = None) -> DigestCheck:
        """Today's events against a digest: the stored one (default the latest), an exported file, or a
        root hash typed from the printed page."""
        return digest_check.check_digest(self.ctx, actor, digest_id, exported, root)

    # -- reports: SLA against the Mutu Baku's Waktu, and the SKM survey index (reports.py) ------
    def sla_report(self, actor: Actor, start: date, end: date, period: str = "day", *,
                   process_key: str = reports.DEFAULT_PROCESS) -> SlaReport:
        """Tasks completed from start to end (WIB days, both included, at most 366) against their
        Waktu, per SOP step, per lane and per period (day, week, month), and what is overdue now:
        auditors, process owners and Sesdep. InvalidData (keys dari, sampai, periode) for a bad range."""
        return reports.sla_report(self.ctx, actor, start, end, period, process_key=process_key)

    def skm_report(self, actor: Actor, start: date, end: date, period: str = "month", *,
                   process_key: str = reports.DEFAULT_PROCESS) -> SkmReport:
        """The survey index (IKM, PermenPANRB 14/2017) of the surveys sent from start to end, per
        element, in total and per period (month, quarter, year), with the respondents' profile:
        auditors, process owners and Sesdep. InvalidData (keys dari, sampai, periode) for a bad range."""
        return reports.skm_report(self.ctx, actor, start, end, period, process_key=process_key)

    # -- personal data (UU 27/2022): reveal, data-subject export, retention purge ---------------
    def personal_field(self, actor: Actor, instance_id: int, seq: int, field: str) -> personal_views.RevealTarget:
        """One personal field of one event, masked, with its event: what an auditor is asked a
        reason for before revealing it. Auditors only; writes nothing."""
        return reveal.target(self.ctx, actor, instance_id, seq, field)

    def personal_fields(self, actor: Actor, instance_id: int) -> list[personal_views.RevealTarget]:
        """Every personal field recorded in a case, masked, by event: what an auditor may reveal."""
        return reveal.targets(self.ctx, actor, instance_id)

    def reveal_personal(self, actor: Actor, instance_id: int, seq: int, field: str,
                        reason: str) -> personal_views.RevealedValue:
        """The value of one personal field of one event, for an auditor with a reason (10+
        characters); a `personal.revealed` event is chained in the same transaction. A purged
        value answers purged=True and records nothing."""
        return reveal.reveal(self.ctx, actor, instance_id, seq, field, reason)

    def subject_export(self, actor: Actor, nik: str) -> personal_views.SubjectExport:
        """A data subject's data and processing log, every case found by their NIK (art. 32);
        chains a `personal.exported` event onto each. Admins only."""
        return subject_access.export(self.ctx, actor, nik)

    def purge_expired(self, actor: Actor, *, dry_run: bool) -> personal_views.PurgeReport:
        """Erase the personal data of cases completed more than settings.retention_days ago, one
        transaction per case (dry_run: only list them). Admins or the system."""
        return retention.purge_expired(self.ctx, actor, dry_run=dry_run)

    def ensure_retention(self, now: datetime | None = None) -> personal_views.PurgeReport:
        """The daily worker's purge, as the system; idempotent (purged cases are marked)."""
        return retention.purge_expired(self.ctx, SYSTEM, dry_run=False, now=now)

    # -- periodic jobs -----------------------------------------------------------------------
    def housekeeping(self, now: datetime | None = None) -> None:
        """The periodic jobs, all idempotent: a digest of the chain heads for each finished WIB
        day, then the retention purge of personal data past its period."""
        self.ensure_daily_digests(now)
        self.ensure_retention(now)
