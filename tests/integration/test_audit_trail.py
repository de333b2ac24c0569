"""The auditors' timeline and exports through the facade, on SQLite and PostgreSQL: durations
against the pinned Waktu with a controlled clock, lanes and steps, masking, the JSON export's
shape (recomputable chain), the period export across a WIB midnight, the case list."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from engine.case import Actor
from engine.errors import Forbidden, InvalidData, NotFound
from engine.ledger import GENESIS, ChainedContent
from tests.conftest import AUDITOR, PROCESS_OWNER, SESDEP, UPP_KEMENTERIAN, UPP_UNIT_KERJA
from tests.sop_data import PEMBERITAHUAN, PENYAMPAIAN, VERIFIKASI, keputusan, screening

ADMIN = Actor("admin", frozenset({"admin"}))
NOT_AUDITORS = [UPP_KEMENTERIAN, UPP_UNIT_KERJA, SESDEP, PROCESS_OWNER, ADMIN]
T0 = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)  # 09.00 WIB


class Clock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def at(self, minutes: float) -> None:
        self.now = T0 + timedelta(minutes=minutes)


@pytest.fixture
def clock(alur):
    fake = Clock(T0)
    alur.ctx.clock = fake
    return fake


@pytest.fixture
def named(alur):
    """Accounts for two of the staff, so the timeline can give their full names."""
    alur.create_user(ADMIN, "ani", "Ani Rahmawati", {"upp_kementerian"}, "Rahasia-Kuat-123!")
    alur.create_user(ADMIN, "budi", "Budi Hartono", {"upp_unit_kerja"}, "Rahasia-Kuat-123!")


def rejected_case(alur, clock):
    """Step 1 at 0', step 2 claimed at 1' and done at 3' (Waktu 2': one minute over), step 3 at
    4' (within), step 4 at 6', step 5 at 20' (Waktu 5': nine over). Ends rejected."""
    clock.at(0)
    started = alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening())
    step2 = started.ready[0]
    clock.at(1)
    alur.claim(UPP_UNIT_KERJA, step2.id)
    clock.at(3)
    step3 = alur.complete(UPP_UNIT_KERJA, step2.id, VERIFIKASI).ready[0]
    clock.at(4)
    step4 = alur.complete(SESDEP, step3.id, keputusan(False)).ready[0]
    clock.at(6)
    step5 = alur.complete(UPP_UNIT_KERJA, step4.id, PENYAMPAIAN).ready[0]
    clock.at(20)
    alur.complete(UPP_KEMENTERIAN, step5.id, PEMBERITAHUAN)
    return started


def test_durations_against_the_pinned_waktu(alur, clock, named):
    started = rejected_case(alur, clock)
    timeline = alur.case_timeline(AUDITOR, started.instance_id)
    done = {e.sop_step: e for e in timeline.events if e.kind == "task.completed"}
    assert sorted(done) == [1, 2, 3, 4, 5]
    step2 = done[2].duration
    assert (step2.ready_at, step2.completed_at) == (T0, T0 + timedelta(minutes=3))
    assert (step2.actual_seconds, step2.standard_seconds, step2.over_seconds) == (180, 120, 60)
    assert step2.within_standard is False
    assert (step2.claimed_at, step2.claimed_by) == (T0 + timedelta(minutes=1), "budi")
    assert done[3].duration.actual_seconds == 60 and done[3].duration.within_standard is True
    assert done[3].duration.claimed_at is None  # completed without claiming first
    assert (done[5].duration.actual_seconds, done[5].duration.standard_seconds) == (14 * 60, 300)
    assert done[5].duration.over_seconds == 9 * 60
    assert done[1].duration.actual_seconds == 0  # screening opens the case with its data
    # Only completions carry a duration.
    assert {e.kind for e in timeline.events if e.duration is not None} == {"task.completed"}

    h = timeline.header
    assert (h.status, h.outcome, h.outcome_name) == ("completed", "EndEvent_Ditolak", "Kunjungan ditolak")
    assert (h.started_at, h.completed_at, h.total_seconds) == (T0, T0 + timedelta(minutes=20), 1200)
    assert h.standard_total_seconds == (2 + 2 + 2 + 2 + 5 + 5 + 10 + 5) * 60  # the SOP's longest path
    assert h.path_standard_seconds == (2 + 2 + 2 + 2 + 5) * 60
    assert h.total_within_standard is True
    assert (h.version, h.process_key, h.event_count) == (1, "pelayanan_pengaduan", len(timeline.events))
    assert h.head_hash == timeline.events[-1].hash


def test_who_lane_and_step_of_every_event(alur, clock, named):
    started = rejected_case(alur, clock)
    events = alur.case_timeline(AUDITOR, started.instance_id).events
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    by_kind = {}
    for e in events:
        by_kind.setdefault(e.kind, []).append(e)
    first = by_kind["instance.started"][0]
    assert (first.actor, first.actor_name, first.actor_kind, first.sop_step) == ("ani", "Ani Rahmawati", "user", None)
    claim = by_kind["task.claimed"][0]
    assert (claim.actor, claim.actor_name, claim.lane_id, claim.lane_name) == (
        "budi", "Budi Hartono", "Lane_UPP_Unit_Kerja", "UPP Unit Kerja")
    assert (claim.sop_step, claim.step_name) == (2, "Verifikasi Dumas dan laporkan ke pimpinan")
    sesdep = [e for e in by_kind["task.completed"] if e.sop_step == 3][0]
    assert (sesdep.actor, sesdep.actor_name, sesdep.lane_name) == ("sesdep", None, "Sesdep")  # no account
    assert sesdep.data["keputusan"] == "ditolak" and sesdep.form_key == "keputusan_sesdep"
    ready = by_kind["task.ready"]
    assert all(e.actor_kind == "system" and e.actor_name is None for e in ready)
    assert [e.sop_step for e in ready] == [1, 2, 3, 4, 5]
    assert [e.lane_name for e in ready] == ["UPP Kementerian", "UPP Unit Kerja", "Sesdep", "UPP Unit Kerja",
                                            "UPP Kementerian"]
    assert by_kind["instance.completed"][0].data["outcome"] == "EndEvent_Ditolak"
    # Every event links to the one before it.
    assert [e.prev_hash for e in events] == [GENESIS] + [e.hash for e in events[:-1]]


def test_personal_fields_are_masked_and_named(alur, clock):
    started = rejected_case(alur, clock)
    screening_event = [e for e in alur.case_timeline(AUDITOR, started.instance_id).events
                       if e.kind == "task.completed" and e.sop_step == 1][0]
    assert screening_event.personal == {"nama": "Budi Santoso", "nik": "************0001",
                                        "telepon": "+62*******7890", "alamat": "•••"}
    assert set(screening_event.masked_fields) == {"nik", "telepon", "alamat"}  # the name stays visible
    assert "nik" not in screening_event.data and screening_event.data["tujuan"] == "konsultasi"
    assert screening_event.personal_digest and not screening_event.personal_purged
    others = [e for e in alur.case_timeline(AUDITOR, started.instance_id).events if e is not screening_event
              and e.seq != screening_event.seq]
    assert all(e.masked_fields == () for e in others)


def test_only_auditors_and_only_existing_cases(alur, clock):
    started = rejected_case(alur, clock)
    for actor in NOT_AUDITORS:
        for call in (lambda: alur.case_timeline(actor, started.instance_id),
                     lambda: alur.export_case(actor, started.instance_id),
                     lambda: alur.events_in_period(actor, date(2026, 3, 2), date(2026, 3, 2)),
                     lambda: alur.audit_cases(actor)):
            with pytest.raises(Forbidden):
                call()
    for call in (lambda: alur.case_timeline(AUDITOR, 999_999), lambda: alur.export_case(AUDITOR, 999_999)):
        with pytest.raises(NotFound):
            call()


def test_the_json_export_lets_anyone_recompute_the_chain(alur, clock, named):
    started = rejected_case(alur, clock)
    clock.at(60)
    exported = json.loads(json.dumps(alur.export_case(AUDITOR, started.instance_id)))  # JSON-able as it is
    assert set(exported) == {"format", "format_version", "exported_at", "exported_by", "case", "definition",
                             "chain", "verification", "personal_masked", "events"}
    assert (exported["format"], exported["format_version"]) == ("alur.riwayat-kasus", 1)
    assert exported["exported_by"] == "auditor"
    assert exported["exported_at"] == (T0 + timedelta(minutes=60)).isoformat()
    assert exported["case"]["ticket_code"] == started.ticket_code
    assert exported["case"]["total_seconds"] == 1200 and exported["case"]["outcome"] == "EndEvent_Ditolak"
    definition = alur.definition(alur.case(AUDITOR, instance_id=started.instance_id).definition_id)
    assert exported["definition"] == {"id": definition.id, "process_key": "pelayanan_pengaduan",
                                      "name": definition.name, "version": 1, "sha256": definition.sha256}
    assert exported["verification"]["intact"] is True and exported["verification"]["breaks"] == []
    assert exported["verification"]["events"] == len(exported["events"]) == exported["chain"]["head_seq"]
    events = exported["events"]
    assert set(events[0]) >= {"seq", "occurred_at", "actor", "kind", "step", "lane", "data", "prev_hash", "hash"}
    assert events[0]["occurred_at"] == T0.isoformat()
    step2 = [e for e in events if e["kind"] == "task.completed" and e["step"]["number"] == 2][0]
    assert step2["lane"] == {"id": "Lane_UPP_Unit_Kerja", "name": "UPP Unit Kerja"}
    assert step2["actor_name"] == "Budi Hartono"
    assert step2["duration"]["within_standard"] is False and step2["duration"]["over_seconds"] == 60
    first = [e for e in events if e["kind"] == "task.completed"][0]
    assert first["personal"]["nik"] == "************0001" and "3171011501900001" not in json.dumps(exported)

    # From the file alone: each hash over its content and the one before, up to the head.
    prev = exported["chain"]["genesis"]
    for e in events:
        content = ChainedContent(
            instance_id=exported["case"]["id"], seq=e["seq"], occurred_at=datetime.fromisoformat(e["occurred_at"]),
            actor=e["actor"], kind=e["kind"], task_id=e["task_id"], bpmn_id=e["bpmn_id"],
            lane_id=e["lane"]["id"] if e["lane"] else None, data=e["data"], personal_digest=e["personal_digest"])
        assert e["prev_hash"] == prev and content.hash_after(prev) == e["hash"], e["seq"]
        prev = e["hash"]
    assert prev == exported["chain"]["head_hash"]


def test_period_export_follows_wib_days_across_midnight(alur, clock):
    # 23.30 WIB on 1 March and 00.30 WIB on 2 March: one hour apart, two office days.
    clock.now = datetime(2026, 3, 1, 16, 30, tzinfo=timezone.utc)
    late = alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening())
    clock.now = datetime(2026, 3, 1, 17, 30, tzinfo=timezone.utc)
    early = alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening("tanya_progres", "Siti"))
    clock.now = datetime(2026, 3, 1, 17, 45, tzinfo=timezone.utc)
    alur.claim(UPP_UNIT_KERJA, late.ready[0].id)  # a later event of the first case, on the second day

    def codes(start, end):
        return [(e.ticket_code, e.kind) for e in alur.events_in_period(AUDITOR, start, end).events]

    march1 = codes(date(2026, 3, 1), date(2026, 3, 1))
    assert {code for code, _kind in march1} == {late.ticket_code}
    assert [kind for _code, kind in march1] == ["instance.started", "task.ready", "task.completed", "task.ready"]
    march2 = codes(date(2026, 3, 2), date(2026, 3, 2))
    assert march2[0] == (early.ticket_code, "instance.started") and march2[-1] == (late.ticket_code, "task.claimed")
    assert len(codes(date(2026, 3, 1), date(2026, 3, 2))) == len(march1) + len(march2) == 9
    assert codes(date(2026, 2, 28), date(2026, 2, 28)) == []

    rows = list(alur.events_in_period(AUDITOR, date(2026, 3, 1), date(2026, 3, 2)).events)
    assert [r.occurred_at for r in rows] == sorted(r.occurred_at for r in rows)
    screening_row = [r for r in rows if r.kind == "task.completed" and r.ticket_code == late.ticket_code][0]
    assert screening_row.data["nik"] == "************0001" and screening_row.data["alamat"] == "•••"
    assert screening_row.data["nama"] == "Budi Santoso" and screening_row.data["tujuan"] == "konsultasi"
    assert (screening_row.sop_step, screening_row.lane_name) == (1, "UPP Kementerian")
    claim = rows[-1]
    assert (claim.actor, claim.sop_step, claim.lane_name) == ("budi", 2, "UPP Unit Kerja")


def test_period_export_refuses_bad_ranges_before_reading(alur):
    with pytest.raises(InvalidData) as reversed_range:
        alur.events_in_period(AUDITOR, date(2026, 3, 2), date(2026, 3, 1))
    assert "sebelum" in reversed_range.value.message
    with pytest.raises(InvalidData) as too_long:
        alur.events_in_period(AUDITOR, date(2025, 1, 1), date(2026, 1, 2))  # 367 days
    assert "366" in too_long.value.message
    assert list(alur.events_in_period(AUDITOR, date(2024, 1, 1), date(2024, 12, 31)).events) == []  # 366: fine


def test_the_case_list_pages_and_filters(alur, clock):
    clock.at(0)
    running = [alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening()) for _ in range(3)]
    clock.at(5)
    finished = rejected_case(alur, clock)
    listing = alur.audit_cases(AUDITOR, limit=2)
    assert (listing.total, len(listing.items), listing.offset) == (4, 2, 0)
    assert listing.items[0].ticket_code == finished.ticket_code  # newest first
    rest = alur.audit_cases(AUDITOR, limit=2, offset=2)
    assert {c.ticket_code for c in listing.items + rest.items} == {s.ticket_code for s in running + [finished]}
    done = alur.audit_cases(AUDITOR, status="completed")
    assert [c.ticket_code for c in done.items] == [finished.ticket_code] and done.total == 1
    assert done.items[0].outcome == "EndEvent_Ditolak" and done.items[0].event_count > 10
    assert alur.audit_cases(AUDITOR, status="running").total == 3
    assert alur.audit_cases(AUDITOR, status="error").items == []
    with pytest.raises(InvalidData):
        alur.audit_cases(AUDITOR, status="hapus")


def test_reading_the_trail_writes_nothing(alur, clock):
    started = rejected_case(alur, clock)

    def counts():
        with alur.ctx.uow(write=False) as uow:
            return [uow.connection.execute(text(f"select count(*) from {t}")).scalar()
                    for t in ("instance", "event", "event_personal", "human_task")]
    before = counts()
    alur.case_timeline(AUDITOR, started.instance_id)
    alur.export_case(AUDITOR, started.instance_id)
    list(alur.events_in_period(AUDITOR, date(2026, 3, 1), date(2026, 3, 3)).events)
    assert counts() == before


def test_purged_personal_data_shows_as_purged_and_the_export_still_verifies(alur, clock):
    started = rejected_case(alur, clock)
    clock.now = T0 + timedelta(days=alur.settings.retention_days + 1)
    report = alur.purge_expired(ADMIN, dry_run=False)
    assert [c.instance_id for c in report.purged] == [started.instance_id]
    timeline = alur.case_timeline(AUDITOR, started.instance_id)
    screening_event = [e for e in timeline.events if e.kind == "task.completed" and e.sop_step == 1][0]
    assert screening_event.personal_purged and screening_event.personal is None
    assert screening_event.masked_fields == ()  # nothing left to reveal
    assert timeline.events[-1].kind == "personal.purged"
    exported = alur.export_case(AUDITOR, started.instance_id)
    assert exported["verification"]["intact"] is True
    assert [e["seq"] for e in exported["events"] if e["personal_purged"]] == [screening_event.seq]
