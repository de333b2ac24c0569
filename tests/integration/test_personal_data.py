"""An auditor reveals one masked value on the record; a data subject's export by NIK (UU 27/2022
art. 32). On SQLite and PostgreSQL, with the engine's clock under the test's control."""
from __future__ import annotations

import pytest

from engine.errors import Conflict, Forbidden, InvalidData, NotFound
from engine.services import reveal as reveal_service
from tests.conftest import AUDITOR, PROCESS_OWNER, SESDEP, UPP_KEMENTERIAN, UPP_UNIT_KERJA
from tests.integration.personal_support import (ADMIN, AGUS, SITI, STORED_PHONE, closed_case, screening_seq,
                                                start_case, use_clock)

REASON = "Permintaan Ombudsman RI nomor 12/2026 atas kasus ini"


@pytest.fixture
def clock(alur):
    return use_clock(alur)


@pytest.fixture
def siti_case(alur, clock):
    started = start_case(alur, SITI)
    return started.instance_id, screening_seq(alur, started.instance_id)


def _kinds(alur, instance_id):
    return [e.kind for e in alur.history(AUDITOR, instance_id)]


# -- reveal ---------------------------------------------------------------------------------------

def test_reveal_returns_the_value_and_chains_the_reveal(alur, clock, siti_case):
    instance_id, seq = siti_case
    before = alur.history(AUDITOR, instance_id)
    clock.advance(minutes=3)
    revealed = alur.reveal_personal(AUDITOR, instance_id, seq, "nik", f"  {REASON}  ")
    assert (revealed.value, revealed.purged, revealed.field_label) == (SITI["nik"], False, "NIK")
    assert revealed.revealed_at == clock.now and revealed.reveal_seq == len(before) + 1

    after = alur.history(AUDITOR, instance_id)
    assert len(after) == len(before) + 1
    event = after[-1]
    assert (event.seq, event.kind, event.actor, event.occurred_at) == (
        len(before) + 1, "personal.revealed", "auditor", clock.now)
    assert event.data == {"seq": seq, "field": "nik", "reason": REASON}
    assert event.personal is None
    report = alur.verify(instance_id)
    assert report.intact, report.breaks
    assert report.events == len(after)
    # Revealing changed nothing else: the auditor still sees the value masked.
    assert alur.case(AUDITOR, instance_id=instance_id).data["nik"] == "************0002"


def test_reveal_of_the_phone_gives_the_stored_number(alur, siti_case):
    instance_id, seq = siti_case
    assert alur.reveal_personal(AUDITOR, instance_id, seq, "telepon", REASON).value == STORED_PHONE[SITI["telepon"]]


def test_the_reason_form_shows_the_field_masked_and_records_nothing(alur, siti_case):
    instance_id, seq = siti_case
    before = _kinds(alur, instance_id)
    target = alur.personal_field(AUDITOR, instance_id, seq, "alamat")
    assert (target.seq, target.field, target.field_label, target.event_kind) == (
        seq, "alamat", "Alamat", "task.completed")
    assert (target.masked_value, target.purged, target.sop_step, target.actor) == ("•••", False, 1, "ani")
    assert target.step_name and SITI["alamat"] not in repr(target)
    assert _kinds(alur, instance_id) == before


def test_the_case_lists_its_masked_fields_to_choose_from(alur, siti_case):
    instance_id, seq = siti_case
    targets = alur.personal_fields(AUDITOR, instance_id)
    # The name is shown to every staff role, so it is not offered: nothing to reveal.
    assert [(t.seq, t.field, t.masked_value) for t in targets] == [
        (seq, "nik", "************0002"), (seq, "telepon", "+62*******3333"), (seq, "alamat", "•••"),
        (seq, "email", "•••")]
    assert not any(t.purged for t in targets) and SITI["nik"] not in repr(targets)
    assert alur.personal_field(AUDITOR, instance_id, seq, "nama").masked_value == SITI["nama"]
    with pytest.raises(Forbidden):
        alur.personal_fields(SESDEP, instance_id)


@pytest.mark.parametrize("actor", [UPP_KEMENTERIAN, UPP_UNIT_KERJA, SESDEP, PROCESS_OWNER, ADMIN],
                         ids=lambda a: a.name)
def test_only_auditors_may_reveal(alur, siti_case, actor):
    instance_id, seq = siti_case
    before = _kinds(alur, instance_id)
    with pytest.raises(Forbidden, match="auditor"):
        alur.reveal_personal(actor, instance_id, seq, "nik", REASON)
    with pytest.raises(Forbidden):
        alur.personal_field(actor, instance_id, seq, "nik")
    assert _kinds(alur, instance_id) == before


@pytest.mark.parametrize("reason", ["", "   ", "singkat", "a  b  c  d"])
def test_a_short_reason_is_refused_in_indonesian(alur, siti_case, reason):
    instance_id, seq = siti_case
    before = _kinds(alur, instance_id)
    with pytest.raises(InvalidData) as refused:
        alur.reveal_personal(AUDITOR, instance_id, seq, "nik", reason)
    assert refused.value.errors == {"alasan": "Tuliskan alasan membuka data ini, minimal 10 karakter."}
    assert _kinds(alur, instance_id) == before


def test_a_field_or_event_without_personal_data_is_not_found(alur, siti_case):
    instance_id, seq = siti_case
    with pytest.raises(NotFound, match="Kolom data pribadi itu tidak ada"):
        alur.reveal_personal(AUDITOR, instance_id, seq, "tujuan", REASON)
    with pytest.raises(NotFound, match="tidak memuat data pribadi"):
        alur.reveal_personal(AUDITOR, instance_id, 1, "nik", REASON)  # instance.started
    with pytest.raises(NotFound, match="tidak ada dalam riwayat"):
        alur.reveal_personal(AUDITOR, instance_id, 999, "nik", REASON)
    with pytest.raises(NotFound, match="Kasus tidak ditemukan"):
        alur.personal_field(AUDITOR, 424242, seq, "nik")


def test_a_lost_race_is_retried_once(alur, siti_case, monkeypatch):
    instance_id, seq = siti_case
    before = _kinds(alur, instance_id)
    real = reveal_service.Case.save_events_only
    calls = []

    def first_loses(case):
        calls.append(case.row.revision)
        if len(calls) == 1:  # a staff member completed a task at that very moment
            raise Conflict("Kasus ini baru saja diubah oleh pengguna lain; muat ulang dan coba lagi.")
        real(case)
    monkeypatch.setattr(reveal_service.Case, "save_events_only", first_loses)
    assert alur.reveal_personal(AUDITOR, instance_id, seq, "nik", REASON).value == SITI["nik"]
    assert len(calls) == 2
    assert _kinds(alur, instance_id) == before + ["personal.revealed"]
    assert alur.verify(instance_id).intact


def test_a_second_lost_race_is_a_conflict_and_reveals_nothing(alur, siti_case, monkeypatch):
    instance_id, seq = siti_case
    before = _kinds(alur, instance_id)

    def always_loses(case):
        raise Conflict("Kasus ini baru saja diubah oleh pengguna lain; muat ulang dan coba lagi.")
    monkeypatch.setattr(reveal_service.Case, "save_events_only", always_loses)
    with pytest.raises(Conflict, match="data belum dibuka"):
        alur.reveal_personal(AUDITOR, instance_id, seq, "nik", REASON)
    assert _kinds(alur, instance_id) == before


# -- data-subject export ----------------------------------------------------------------------

@pytest.fixture
def two_visitors(alur, clock):
    """Siti: two cases (one closed, one running); Agus: one closed case."""
    siti_closed = closed_case(alur, SITI)
    clock.advance(hours=1)
    agus = closed_case(alur, AGUS)
    clock.advance(hours=1)
    siti_running = start_case(alur, SITI, tujuan="tanya_progres").instance_id
    return {"siti": [siti_closed, siti_running], "agus": [agus]}


def test_export_finds_exactly_the_visitors_cases(alur, clock, two_visitors):
    clock.advance(minutes=5)
    export = alur.subject_export(ADMIN, SITI["nik"])
    assert [c.instance_id for c in export.cases] == two_visitors["siti"]
    assert (export.nik, export.generated_by, export.generated_at) == (SITI["nik"], "admin", clock.now)
    assert export.retention_days == alur.settings.retention_days
    for case in export.cases:
        screening = case.given[0]
        values = {f.name: f.value for f in screening.fields}
        assert values["nik"] == SITI["nik"] and values["nama"] == SITI["nama"]
        assert values["telepon"] == STORED_PHONE[SITI["telepon"]] and values["email"] == SITI["email"]
        assert {f.name for f in screening.fields if f.personal} == {"nama", "nik", "telepon", "alamat", "email"}
        assert not next(f for f in screening.fields if f.name == "tujuan").personal
        assert screening.sop_step == 1 and screening.recorded_by == "ani"
        assert next(f for f in screening.fields if f.name == "nik").label == "NIK"
        assert AGUS["nik"] not in repr(case) and AGUS["nama"] not in repr(case)
    closed = export.cases[0]
    # The visitor's own steps (check-in, survey) are theirs too; staff steps only in the log.
    assert [g.sop_step for g in closed.given] == [1, 6, 8]
    arrival = {f.name: f for f in closed.given[1].fields}["waktu_kedatangan"]
    assert (arrival.value, arrival.text) == ("2026-12-01T09:50:00+07:00", "1 Desember 2026 pukul 09.50 WIB")
    screened = {f.name: f.text for f in closed.given[0].fields}
    assert (screened["tujuan"], screened["persetujuan_data_pribadi"]) == ("Konsultasi dengan pimpinan", "Ya")
    assert [e.seq for e in closed.processing] == list(range(1, len(closed.processing) + 1))
    assert closed.processing[-1].kind == "personal.exported"
    assert closed.processing[-1].kind_label == "Data pribadi diekspor untuk subjek data"
    assert {e.sop_step for e in closed.processing if e.kind == "task.completed"} == {1, 2, 3, 4, 5, 6, 7, 8}

    agus = alur.subject_export(ADMIN, AGUS["nik"])
    assert [c.instance_id for c in agus.cases] == two_visitors["agus"]


def test_export_is_chained_on_each_case_and_the_chains_verify(alur, clock, two_visitors):
    alur.subject_export(ADMIN, SITI["nik"])
    for instance_id in two_visitors["siti"]:
        last = alur.history(AUDITOR, instance_id)[-1]
        assert (last.kind, last.actor, last.data) == ("personal.exported", "admin", {"cases": 2})
        assert SITI["nik"] not in repr(last)
        assert alur.verify(instance_id).intact
    assert "personal.exported" not in _kinds(alur, two_visitors["agus"][0])


def test_the_processing_log_includes_the_auditors_reveal(alur, clock, two_visitors):
    instance_id = two_visitors["siti"][0]
    seq = screening_seq(alur, instance_id)
    clock.advance(minutes=1)
    alur.reveal_personal(AUDITOR, instance_id, seq, "telepon", REASON)
    clock.advance(minutes=1)
    alur.subject_export(ADMIN, SITI["nik"])  # an earlier export is in the next one's log
    case = alur.subject_export(ADMIN, SITI["nik"]).cases[0]
    reveal = next(e for e in case.processing if e.kind == "personal.revealed")
    assert (reveal.actor, reveal.kind_label) == ("auditor", "Data pribadi dibuka oleh auditor")
    assert reveal.detail == f"Kolom Nomor telepon dari peristiwa #{seq} (Langkah diselesaikan); alasan: {REASON}"
    assert [e.kind for e in case.processing].count("personal.exported") == 2


@pytest.mark.parametrize("nik, message", [
    ("", "NIK wajib diisi."),
    ("31710115019000", "NIK harus 16 digit angka."),
    ("317101150190000X", "NIK harus 16 digit angka."),
    ("3171011513900001", "NIK tidak valid: tanggal lahir atau kode wilayah salah."),
    ("9999011501900001", "NIK tidak valid: tanggal lahir atau kode wilayah salah."),
])
def test_a_bad_nik_is_refused_in_indonesian(alur, nik, message):
    with pytest.raises(InvalidData) as refused:
        alur.subject_export(ADMIN, nik)
    assert refused.value.errors == {"nik": message}


def test_a_nik_typed_with_separators_is_found(alur, two_visitors):
    export = alur.subject_export(ADMIN, "3171 0155-0585.0002")
    assert [c.instance_id for c in export.cases] == two_visitors["siti"]


def test_an_unknown_nik_finds_nothing_and_records_nothing(alur, two_visitors):
    before = {i: _kinds(alur, i) for ids in two_visitors.values() for i in ids}
    assert alur.subject_export(ADMIN, "3171011501900001").cases == []
    assert before == {i: _kinds(alur, i) for i in before}


@pytest.mark.parametrize("actor", [AUDITOR, UPP_KEMENTERIAN, SESDEP, PROCESS_OWNER], ids=lambda a: a.name)
def test_only_admins_may_export(alur, two_visitors, actor):
    with pytest.raises(Forbidden, match="admin"):
        alur.subject_export(actor, SITI["nik"])
    assert "personal.exported" not in _kinds(alur, two_visitors["siti"][0])
