"""The SLA and SKM reports on real cases, SQLite and PostgreSQL, with a controlled clock: the
durations are the minutes the test lets pass between a task becoming ready and its completion."""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from engine.case import Actor
from engine.cli import cli
from engine.errors import Forbidden, InvalidData, NotFound
from engine.facade import Alur
from engine.settings import Settings
from tests.conftest import (AUDITOR, PROCESS_OWNER, SESDEP, UPP_KEMENTERIAN, UPP_UNIT_KERJA, VISITOR, make_alur)
from tests.sop_data import DATA_BY_FORM, SURVEI, keputusan, screening
from tests.sop_versions import SOP, replace_once

ACTORS = {"upp_kementerian": UPP_KEMENTERIAN, "upp_unit_kerja": UPP_UNIT_KERJA, "sesdep": SESDEP,
          "masyarakat": VISITOR}
# 09.00 WIB on Wednesday 10 June 2026 (02.00 UTC).
T0 = datetime(2026, 6, 10, 2, 0, tzinfo=timezone.utc)
JUNE = (date(2026, 6, 1), date(2026, 6, 30))


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock():
    return Clock(T0)


@pytest.fixture
def clocked(database_url, clock):
    make_alur(database_url).close()  # migrate
    alur = Alur(Settings(database_url=database_url), clock=clock)
    alur.deploy_shipped()
    yield alur
    alur.close()


def walk(alur: Alur, clock: Clock, *, minutes: dict[int, float] | None = None, until_step: int | None = None,
         tujuan: str = "konsultasi", disetujui: bool = True, survey: dict | None = None):
    """Open a case now and work it: each step takes `minutes[step]` (default 1) from ready to done.
    Stops with the task of `until_step` open; returns (start result, the open task or None)."""
    minutes = minutes or {}
    started = alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening(tujuan))
    ready = started.ready
    while ready:
        task = ready[0]
        if task.sop_step == until_step:
            return started, task
        clock.advance(minutes=minutes.get(task.sop_step, 1))
        if task.form_key == "keputusan_sesdep":
            data = keputusan(disetujui)
        elif task.form_key == "survei_skm":
            data = survey or SURVEI
        else:
            data = DATA_BY_FORM[task.form_key]
        ready = alur.complete(ACTORS[task.role], task.id, data).ready
    return started, None


def step(report, number: int):
    return next(row for row in report.steps if row.sop_step == number)


def survey(*scores: int, **profile) -> dict:
    return {**SURVEI, **{f"u{i}": s for i, s in enumerate(scores, start=1)}, **profile}


# -- SLA --------------------------------------------------------------------------------------
def test_sla_per_step_and_lane_against_the_waktu(clocked, clock):
    # Step 2 (Waktu 2 minutes) takes 3 minutes in the first case (late) and 1 in the second.
    walk(clocked, clock, minutes={2: 3, 5: 4, 7: 12}, tujuan="konsultasi")
    walk(clocked, clock, minutes={2: 1}, tujuan="tanya_progres")
    report = clocked.sla_report(AUDITOR, *JUNE, "day")

    two = step(report, 2).figures
    assert (two.count, two.within, two.late) == (2, 1, 1)
    assert two.median_seconds == pytest.approx(120)  # 1 and 3 minutes
    assert two.p90_seconds == pytest.approx(60 + 0.9 * 120)  # 168 s
    assert two.standard_seconds == (120,) and not two.standard_changed
    assert step(report, 5).figures.within == 2  # 4 and 1 minutes against 5
    seven = step(report, 7)  # consultation and progress share step 7 (Waktu 10 minutes)
    assert set(seven.names) == {"Layanan konsultasi dengan pimpinan", "Layanan informasi progres Dumas"} or \
        len(seven.names) == 2
    assert (seven.figures.count, seven.figures.within) == (2, 1)
    assert seven.lane_names == ("UPP Unit Kerja",)
    assert step(report, 1).figures.max_seconds == 0  # recorded when the case opens
    assert any("Langkah 1 dicatat sekaligus" in note for note in report.notes)
    assert any("lajur Masyarakat" in note for note in report.notes)

    lanes = {row.lane_name: row.figures for row in report.lanes}
    assert list(lanes) == ["Masyarakat", "UPP Kementerian", "UPP Unit Kerja", "Sesdep"]
    # UPP Unit Kerja: steps 2, 4 and 7 of two cases; late: step 2 once, step 7 once.
    assert (lanes["UPP Unit Kerja"].count, lanes["UPP Unit Kerja"].late) == (6, 2)
    assert report.total.count == 16 and report.total.late == 2
    assert report.total.share_within == pytest.approx(14 / 16)

    assert [p.key for p in report.periods][:2] == ["2026-06-01", "2026-06-02"] and len(report.periods) == 30
    june10 = next(p for p in report.periods if p.key == "2026-06-10")
    assert june10.figures.count == 16 and dict(june10.steps)[2].late == 1
    assert report.overdue == () and report.overdue_count == 0
    assert "interpolasi linear" in report.method


def test_overdue_now_names_ticket_step_lane_and_lateness(clocked, clock):
    started, task = walk(clocked, clock, until_step=2)
    walk(clocked, clock, until_step=3)  # a second case: its step 2 takes a minute, step 3 is ready at T0 + 1
    clock.advance(minutes=5)  # T0 + 6: step 2 (due T0 + 2) is 4 minutes late, step 3 (due T0 + 3) 3 minutes
    clocked.claim(UPP_UNIT_KERJA, task.id)
    report = clocked.sla_report(PROCESS_OWNER, *JUNE, "week")
    assert report.overdue_count == 2
    late = {o.sop_step: o for o in report.overdue}
    assert late[2].ticket_code == started.ticket_code and late[2].lane_name == "UPP Unit Kerja"
    assert late[2].claimed_by == "budi" and late[2].late_seconds == pytest.approx(240)
    assert late[3].lane_name == "Sesdep" and late[3].late_seconds == pytest.approx(180)
    assert late[2].due_at == T0 + timedelta(minutes=2)
    assert [o.sop_step for o in report.overdue] == [2, 3]  # most late first
    # At T0 + 2 step 2 is exactly due (not late yet) and step 3 not yet due.
    clock.advance(minutes=-4)
    assert clocked.sla_report(SESDEP, *JUNE, "month").overdue_count == 0


def test_period_buckets_follow_the_wib_calendar_across_midnight(clocked, clock):
    # Step 2 completed at 23.59 WIB on 31 May and another at 00.01 WIB on 1 June.
    clock.now = datetime(2026, 5, 31, 16, 58, tzinfo=timezone.utc)
    walk(clocked, clock, minutes={2: 1}, until_step=3)
    clock.now = datetime(2026, 5, 31, 17, 0, tzinfo=timezone.utc)
    walk(clocked, clock, minutes={2: 1}, until_step=3)
    report = clocked.sla_report(AUDITOR, date(2026, 5, 31), date(2026, 6, 1), "day")
    counts = {p.key: dict(p.steps).get(2).count for p in report.periods}
    assert counts == {"2026-05-31": 1, "2026-06-01": 1}
    # Step 1 of the second case was recorded at 00.00 WIB on 1 June: June, not May.
    assert dict(report.periods[1].steps)[1].count == 1
    monthly = clocked.sla_report(AUDITOR, date(2026, 5, 1), date(2026, 6, 30), "month")
    assert [(p.key, p.figures.count) for p in monthly.periods] == [("2026-05", 2), ("2026-06", 2)]
    june_only = clocked.sla_report(AUDITOR, date(2026, 6, 1), date(2026, 6, 1), "day")
    assert step(june_only, 2).figures.count == 1


def test_a_changed_waktu_is_reported_not_averaged(clocked, clock):
    walk(clocked, clock, minutes={2: 2.5}, until_step=3)  # v1: 2 minutes, late
    block = SOP[SOP.index('id="Task_02_VerifikasiDumas"'):]
    block = block[:block.index("</bpmn:userTask>")]
    v2 = replace_once(SOP, block, block.replace('name="waktu" value="PT2M"', 'name="waktu" value="PT3M"'))
    clocked.deploy(v2.encode(), PROCESS_OWNER, change_note="Verifikasi 3 menit")
    walk(clocked, clock, minutes={2: 2.5}, until_step=3)  # v2: 3 minutes, within
    report = clocked.sla_report(AUDITOR, *JUNE, "day")
    row = step(report, 2)
    assert row.figures.standard_seconds == (120, 180) and row.figures.current_standard == 180
    assert (row.figures.count, row.figures.within) == (2, 1)
    assert [(p.standard_seconds, p.figures.count, p.figures.within) for p in row.by_standard] == \
        [(120, 1, 0), (180, 1, 1)]
    assert any(re.search(r"Langkah 2: Waktu baku berubah .*2 menit, 3 menit", n) for n in report.notes)


def test_reports_are_for_auditors_owners_and_sesdep_only(clocked):
    for actor in (UPP_KEMENTERIAN, UPP_UNIT_KERJA, VISITOR, Actor("admin", frozenset({"admin"}))):
        with pytest.raises(Forbidden, match="hanya untuk auditor"):
            clocked.sla_report(actor, *JUNE, "day")
        with pytest.raises(Forbidden):
            clocked.skm_report(actor, *JUNE, "month")
    clocked.skm_report(SESDEP, *JUNE, "month")


def test_bad_ranges_are_refused_in_indonesian(clocked):
    with pytest.raises(InvalidData) as caught:
        clocked.sla_report(AUDITOR, date(2026, 6, 30), date(2026, 6, 1), "day")
    assert "sebelum tanggal awal" in caught.value.errors["sampai"]
    with pytest.raises(InvalidData) as caught:
        clocked.skm_report(AUDITOR, date(2025, 1, 1), date(2026, 6, 1), "day")
    assert "paling panjang 366 hari" in caught.value.errors["sampai"]
    assert "bulan, triwulan, tahun" in caught.value.errors["periode"]
    with pytest.raises(NotFound):
        clocked.sla_report(AUDITOR, *JUNE, "day", process_key="tidak_ada")


# -- SKM --------------------------------------------------------------------------------------
def test_skm_worked_example_everyone_answers_3(clocked, clock):
    for _ in range(3):
        walk(clocked, clock, survey=survey(*[3] * 9))
    report = clocked.skm_report(AUDITOR, *JUNE, "month")
    assert report.total.respondents == 3
    assert report.total.ikm == 3.0 and report.total.unit_value == 75.0
    assert (report.total.mutu, report.total.kinerja) == ("C", "Kurang Baik")
    assert [e.code for e in report.total.elements] == [f"U{i}" for i in range(1, 10)]
    assert report.population == 3 and report.sample_needed == 3 and report.notes == ()


def test_skm_mixed_answers_per_period_with_profile(clocked, clock):
    # May: one respondent, all 4 -> IKM 4.0, 100.00, A.
    clock.now = datetime(2026, 5, 20, 2, 0, tzinfo=timezone.utc)
    walk(clocked, clock, survey=survey(*[4] * 9, jenis_kelamin="P", pendidikan="S2", pekerjaan="PNS"))
    # June: U1 = 1 and the rest 3, and all 4 (by hand):
    #   NRR U1 = (1 + 4) / 2 = 2.5, U2..U9 = (3 + 4) / 2 = 3.5; IKM = (2.5 + 8 x 3.5) / 9 = 3.3889;
    #   x 25 = 84.72 -> B, Baik.
    clock.now = T0
    walk(clocked, clock, survey=survey(1, *[3] * 8))
    walk(clocked, clock, survey=survey(*[4] * 9, pekerjaan="Swasta"))
    # A case rejected at step 3 never reaches the survey; one still at step 6 was not asked yet.
    walk(clocked, clock, disetujui=False)
    walk(clocked, clock, until_step=6)

    report = clocked.skm_report(PROCESS_OWNER, date(2026, 5, 1), date(2026, 6, 30), "month")
    may, june = report.periods
    assert (may.key, may.figures.respondents, may.figures.unit_value, may.figures.mutu) == ("2026-05", 1, 100.0, "A")
    assert (june.key, june.figures.respondents) == ("2026-06", 2)
    assert june.figures.elements[0].nrr == 2.5 and june.figures.elements[1].nrr == 3.5
    assert june.figures.ikm == pytest.approx(30.5 / 9) and june.figures.unit_value == 84.72
    assert (june.figures.mutu, june.figures.kinerja) == ("B", "Baik")
    # In total: U1 = (4 + 1 + 4) / 3 = 3.0, the rest (4 + 3 + 4) / 3 = 11/3;
    #   IKM = (3 + 8 x 11/3) / 9 = (9 + 88) / 27 = 97/27 = 3.5926; x 25 = 89.81 -> A.
    assert report.total.ikm == pytest.approx(97 / 27) and report.total.unit_value == 89.81
    assert report.total.mutu == "A"
    quarter = clocked.skm_report(PROCESS_OWNER, date(2026, 5, 1), date(2026, 6, 30), "quarter")
    assert [(p.key, p.partial, p.figures.respondents) for p in quarter.periods] == [("2026-Q2", True, 3)]

    profile = {p.field: {c.value: c.count for c in p.counts} for p in report.profile}
    assert profile["jenis_kelamin"] == {"L": 2, "P": 1}
    assert profile["pekerjaan"]["Swasta"] == 2 and profile["pekerjaan"]["PNS"] == 1
    assert report.population == 3


def test_skm_notes_a_sample_below_krejcie_and_morgan(clocked, clock):
    for _ in range(3):
        walk(clocked, clock, until_step=8)  # asked, not answered
    walk(clocked, clock)
    report = clocked.skm_report(AUDITOR, *JUNE, "month")
    assert report.population == 4 and report.sample_needed == 4 and report.total.respondents == 1
    assert any("Krejcie & Morgan" in note for note in report.notes)


# -- CLI --------------------------------------------------------------------------------------
def test_cli_reports_as_text_and_json(clocked, clock, database_url):
    walk(clocked, clock, minutes={2: 3}, survey=survey(*[3] * 9))
    runner = CliRunner()
    done = runner.invoke(cli, ["--database", database_url, "report", "sla", "--from", "2026-06-01",
                               "--to", "2026-06-30", "--period", "week"])
    assert done.exit_code == 0, done.output
    assert "Langkah" in done.output and "2026-W24" in done.output and "Dalam standar" in done.output
    done = runner.invoke(cli, ["--database", database_url, "--json", "report", "skm", "--from", "2026-06-01",
                               "--to", "2026-06-30"])
    assert done.exit_code == 0, done.output
    body = json.loads(done.output)
    assert body["total"]["unit_value"] == 75.0 and body["total"]["mutu"] == "C"
    done = runner.invoke(cli, ["--database", database_url, "report", "skm", "--from", "2026-06-01",
                               "--to", "2026-06-30"])
    assert "IKM" in done.output and "75,00" in done.output and "Kurang Baik" in done.output
    done = runner.invoke(cli, ["--database", database_url, "report", "sla", "--from", "2026-06-30",
                               "--to", "2026-06-01"])
    assert done.exit_code != 0
