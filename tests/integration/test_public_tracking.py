"""The visitor's pages by ticket code: status at every stage of the three SOP paths, check-in and
survey, and never a personal value. On SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from tests.conftest import AUDITOR, SESDEP, UPP_KEMENTERIAN, UPP_UNIT_KERJA
from engine.errors import Conflict, InvalidData, NotFound
from engine.services.public import UNKNOWN_CODE
from tests.sop_data import DATA_BY_FORM, PEMBERITAHUAN, SURVEI, keputusan, screening

STAFF = {"upp_kementerian": UPP_KEMENTERIAN, "upp_unit_kerja": UPP_UNIT_KERJA, "sesdep": SESDEP}
CHECK_IN = {"waktu_kedatangan": "2026-12-01T09:50:00+07:00", "dicatat_oleh": "pengunjung"}
SCREENING = screening()
# Every personal value of the screening, in the forms it is typed and stored, and the name's parts.
PERSONAL = [SCREENING[f] for f in ("nama", "nik", "telepon", "alamat")] + [
    "+6281234567890", "81234567890", "Budi", "Santoso", "Merdeka"]
JADWAL, TEMPAT = keputusan(True)["jadwal_konsultasi"], keputusan(True)["tempat_konsultasi"]
ALASAN = keputusan(False)["alasan_keputusan"]
PESAN = PEMBERITAHUAN["pesan_kepada_pengunjung"]


def assert_nothing_personal(thing):
    text = repr(thing)
    for value in PERSONAL:
        assert value.lower() not in text.lower(), value


def drive(alur, tujuan: str, disetujui: bool):
    """Walk one case, staff at their steps and the visitor at theirs, yielding (ready task or None,
    status) before each step and once at the end."""
    started = alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening(tujuan))
    code, ready = started.ticket_code, started.ready
    while True:
        status = alur.track(code)
        assert_nothing_personal(status)
        yield code, (ready[0] if ready else None), status
        if not ready:
            return
        task = ready[0]
        if task.role == "masyarakat":
            data = CHECK_IN if task.form_key == "kedatangan_pengunjung" else SURVEI
            result = alur.visitor_complete(code, task.form_key, data)
            assert_nothing_personal(result)
        else:
            data = keputusan(disetujui) if task.form_key == "keputusan_sesdep" else DATA_BY_FORM[task.form_key]
            result = alur.complete(STAFF[task.role], task.id, data)
        ready = result.ready


STAGES = {2: "diproses", 3: "diproses", 4: "keputusan_disampaikan", 5: "keputusan_disampaikan",
          6: "menunggu_kedatangan", 7: "dilayani", 8: "survei"}


@pytest.mark.parametrize("tujuan, disetujui", [("konsultasi", True), ("tanya_progres", True), ("konsultasi", False)],
                         ids=["approved-consultation", "approved-progress", "rejected"])
def test_the_status_at_every_stage(alur, tujuan, disetujui):
    seen = []
    for code, task, status in drive(alur, tujuan, disetujui):
        assert status.ticket_code == code and status.tujuan == tujuan
        told = task is None or task.sop_step > 5
        if task is not None:
            assert (status.stage, status.current_step) == (STAGES[task.sop_step], task.sop_step)
            assert status.visitor_form_key == (task.form_key if task.role == "masyarakat" else None)
        else:
            assert status.stage == ("selesai" if disetujui else "ditolak") and status.current_step is None
            assert status.visitor_form_key is None
        assert status.message == (PESAN if told else None)
        assert (status.scheduled_at, status.place) == ((JADWAL, TEMPAT) if told and disetujui else (None, None))
        assert status.reason == (ALASAN if told and not disetujui else None)
        seen.append(status.stage)
    expected = ["diproses", "diproses", "keputusan_disampaikan", "keputusan_disampaikan"]
    expected += ["menunggu_kedatangan", "dilayani", "survei", "selesai"] if disetujui else ["ditolak"]
    assert seen == expected


def test_check_in_and_survey_are_the_visitors_own_acts(alur):
    walk = drive(alur, "konsultasi", True)
    for code, task, _ in walk:
        if task is not None and task.form_key == "kedatangan_pengunjung":
            break
    detail = alur.visitor_task(code.lower().replace("-", ""), "kedatangan_pengunjung")
    assert (detail.task.id, detail.step.sop_step, detail.form.key) == (task.id, 6, "kedatangan_pengunjung")
    assert detail.step.lane_id == "Lane_Masyarakat" and detail.draft is None
    assert detail.case.personal_masked and detail.case.data["nama"] == "•••"
    assert detail.case.tasks == [] and detail.case.events == []
    assert_nothing_personal(detail)
    with pytest.raises(NotFound):
        alur.visitor_task(code, "survei_skm")  # not at that step
    with pytest.raises(InvalidData) as refused:
        alur.visitor_complete(code, "kedatangan_pengunjung", {"dicatat_oleh": "pengunjung"})
    assert "waktu_kedatangan" in refused.value.errors
    for _ in walk:  # check-in, step 7 and the survey, then the end
        pass
    history = alur.history(AUDITOR, detail.case.id)
    visitor_acts = [e for e in history if e.kind == "task.completed" and e.lane_id == "Lane_Masyarakat"]
    assert [e.actor for e in visitor_acts] == [f"pengunjung:{code}"] * 2
    assert alur.verify(detail.case.id).intact


def test_the_survey_is_sent_once(alur):
    for code, task, status in drive(alur, "tanya_progres", True):
        pass
    assert status.stage == "selesai"
    with pytest.raises(Conflict) as again:
        alur.visitor_complete(code, "survei_skm", SURVEI)
    assert again.value.message == "Formulir ini sudah dikirim. Terima kasih."
    with pytest.raises(NotFound):
        alur.visitor_task(code, "survei_skm")


def test_staff_forms_and_unknown_forms_are_not_the_visitors(alur):
    started = alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening())
    code = started.ticket_code
    for form_key in ("verifikasi_dumas", "kedatangan_pengunjung", "tidak_ada"):
        with pytest.raises(NotFound):
            alur.visitor_task(code, form_key)
        with pytest.raises(NotFound):
            alur.visitor_complete(code, form_key, CHECK_IN)
    assert alur.task(UPP_UNIT_KERJA, started.ready[0].id).state == "ready"


@pytest.mark.parametrize("code", ["", "ABC", "ABCDE-FGHJ0", "22222-22222", "lorem ipsum dolor", None])
def test_unknown_and_malformed_codes_answer_alike(alur, code):
    for call in (lambda: alur.track(code), lambda: alur.visitor_task(code, "survei_skm"),
                 lambda: alur.visitor_complete(code, "survei_skm", SURVEI)):
        with pytest.raises(NotFound) as refused:
            call()
        assert refused.value.message == UNKNOWN_CODE


def test_a_code_is_found_as_people_type_it(alur):
    code = alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening()).ticket_code
    for typed in (code, code.lower(), code.replace("-", ""), f" {code.replace('-', ' ')} "):
        assert alur.track(typed).ticket_code == code


def test_personal_values_typed_into_staff_texts_are_scrubbed(alur):
    started = alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening())
    ready = started.ready
    texts = {"pesan_kepada_pengunjung": "Bapak BUDI Santoso (NIK 3171011501900001), kunjungan disetujui.",
             "tempat_konsultasi": "Ruang rapat Deputi V"}
    while ready and ready[0].role != "masyarakat":
        task = ready[0]
        data = {"keputusan_sesdep": {**keputusan(True), "tempat_konsultasi": texts["tempat_konsultasi"]},
                "pemberitahuan_pengunjung": {**PEMBERITAHUAN,
                                             "pesan_kepada_pengunjung": texts["pesan_kepada_pengunjung"]},
                }.get(task.form_key, DATA_BY_FORM.get(task.form_key))
        ready = alur.complete(STAFF[task.role], task.id, data).ready
    status = alur.track(started.ticket_code)
    assert status.message == "Bapak ••• (NIK •••), kunjungan disetujui."  # the whole name first
    assert status.place == "Ruang rapat Deputi V"
    assert_nothing_personal(status)
