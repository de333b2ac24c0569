"""The diff between two versions, pure: the shipped SOP against edited copies of its BPMN, each read
exactly as a deploy reads it (every deploy check runs), no database."""
from __future__ import annotations

from pathlib import Path

from engine.bpmn import inspect_definition
from engine.diff_views import ADDED, CHANGED, REMOVED
from engine.services.version_diff import compare, duration_words
from engine.settings import Settings
from engine.views import DefinitionInfo
from tests.sop_versions import replace_once as _replace_once, with_step_after_survey

ROOT = Path(__file__).resolve().parents[2]
SOP = (ROOT / "processes" / "pelayanan_pengaduan.bpmn").read_text(encoding="utf-8")
FORM_KEYS = {path.stem for path in (ROOT / "forms" / "schemas").glob("*.json")}

def with_new_step(text: str = SOP) -> str:
    return with_step_after_survey(text)


def with_step2_waktu(text: str = SOP, waktu: str = "PT5M") -> str:
    """Step 2 (Verifikasi Dumas) takes `waktu` instead of 2 minutes."""
    start = text.index('<bpmn:userTask id="Task_02_VerifikasiDumas"')
    head, tail = text[:start], text[start:]
    return head + tail.replace('value="PT2M"', f'value="{waktu}"', 1)


def info(text: str, version: int) -> DefinitionInfo:
    """A version as the facade returns it, from the same inspection a deploy runs."""
    inspected = inspect_definition(text.encode("utf-8"), form_keys=FORM_KEYS, lane_roles=Settings().lane_roles)
    steps = {bpmn_id: {"bpmn_id": bpmn_id, "name": s.name, "lane_id": s.lane_id, "lane_name": s.lane_name,
                       "role": s.role, "sop_step": s.sop_step, "kelengkapan": s.kelengkapan, "waktu": s.waktu_iso,
                       "waktu_seconds": int(s.waktu.total_seconds()), "output": s.output,
                       "keterangan": s.keterangan, "form_key": s.form_key, "documentation": s.documentation,
                       "symbol": s.symbol}
             for bpmn_id, s in inspected.steps.items()}
    return DefinitionInfo(id=version, process_key=inspected.process_id, version=version, sha256=inspected.sha256,
                          name=inspected.name, status="published", created_by="pemilik", created_at=None,
                          change_note=f"versi {version}", lanes=[{"id": lane.id, "name": lane.name, "role": lane.role}
                                                                  for lane in inspected.lanes],
                          steps=steps, sop_header=inspected.sop_header)


def diff(old: str, new: str):
    return compare(info(old, 1), old, info(new, 2), new)


def entry(result, kind: str, element_id: str | None):
    found = [e for e in result.entries if e.kind == kind and e.element_id == element_id]
    assert len(found) == 1, f"no single {kind} entry for {element_id}: {[e.sentence for e in result.entries]}"
    return found[0]


def test_identical_versions_say_nothing_changed():
    result = diff(SOP, SOP)
    assert result.identical and result.entries == ()
    assert "tidak ada perubahan" in result.summary
    assert result.markers() == {"from": {"removed": [], "changed": []}, "to": {"added": [], "changed": []}}


def test_a_changed_waktu_is_one_change_in_minutes():
    result = diff(SOP, with_step2_waktu())
    assert len(result.entries) == 1
    changed = entry(result, CHANGED, "Task_02_VerifikasiDumas")
    assert [(c.label, c.old, c.new) for c in changed.changes] == [("Waktu", "2 menit", "5 menit")]
    assert changed.sentence == "Langkah 2 'Verifikasi Dumas dan laporkan ke pimpinan' diubah: Waktu 2 menit → 5 menit."
    assert result.markers()["to"] == {"added": [], "changed": ["Task_02_VerifikasiDumas"]}


def test_the_same_length_written_otherwise_is_no_change():
    assert diff(with_step2_waktu(waktu="PT1H"), with_step2_waktu(waktu="PT60M")).identical


def test_an_added_task_with_its_flows():
    result = diff(SOP, with_new_step())
    added = entry(result, ADDED, "Task_09_Arsip")
    assert added.subject == "step"
    assert added.sentence == ("Langkah 9 'Arsipkan hasil survei' ditambahkan di lajur UPP Unit Kerja "
                              "(Waktu 5 menit, formulir catatan_langkah).")
    new_flow = entry(result, ADDED, "Flow_Arsip_GwHasil")
    assert "langkah 9 'Arsipkan hasil survei'" in new_flow.sentence
    assert "gateway eksklusif 'Layanan yang diterima?'" in new_flow.sentence
    rewired = entry(result, CHANGED, "Flow_Survei_GwHasil")
    assert [(c.label, c.old, c.new) for c in rewired.changes] == [
        ("Ke", "gateway eksklusif 'Layanan yang diterima?'", "langkah 9 'Arsipkan hasil survei'")]
    assert result.markers()["to"]["added"] == ["Flow_Arsip_GwHasil", "Task_09_Arsip"]
    assert (len(result.added), len(result.removed), len(result.changed)) == (2, 0, 1)


def test_a_removed_task_is_marked_on_the_older_diagram():
    result = diff(with_new_step(), SOP)
    removed = entry(result, REMOVED, "Task_09_Arsip")
    assert removed.sentence == "Langkah 9 'Arsipkan hasil survei' dihapus dari lajur UPP Unit Kerja."
    assert "Task_09_Arsip" in result.markers()["from"]["removed"]
    assert "Task_09_Arsip" not in result.markers()["to"]["added"]


def test_a_renamed_lane_is_one_change_not_one_per_step():
    renamed = SOP.replace('<bpmn:lane id="Lane_Sesdep" name="Sesdep">',
                          '<bpmn:lane id="Lane_Sesdep" name="Sekretaris Deputi">')
    result = diff(SOP, renamed)
    assert len(result.entries) == 1
    lane = entry(result, CHANGED, "Lane_Sesdep")
    assert lane.subject == "lane"
    assert [(c.label, c.old, c.new) for c in lane.changes] == [("Nama", "Sesdep", "Sekretaris Deputi")]
    assert lane.sentence == "Lajur 'Sesdep' diubah: Nama 'Sesdep' → 'Sekretaris Deputi'."


def test_a_changed_condition():
    changed = _replace_once(SOP, 'keputusan == "disetujui"', 'keputusan in ("disetujui", "dijadwalkan")')
    result = diff(SOP, changed)
    flow = entry(result, CHANGED, "Flow_Keputusan_Disetujui")
    assert [(c.label, c.old, c.new) for c in flow.changes] == [
        ("Kondisi", 'keputusan == "disetujui"', 'keputusan in ("disetujui", "dijadwalkan")')]
    assert flow.sentence.startswith("Alur 'Disetujui' dari gateway eksklusif 'Disetujui pimpinan?' ke langkah 6 ")
    assert len(result.entries) == 1


def test_a_step_moved_to_another_lane_shows_the_lane_names():
    moved = SOP.replace("<bpmn:flowNodeRef>Task_07_Progres</bpmn:flowNodeRef>\n", "")
    moved = _replace_once(moved, "<bpmn:flowNodeRef>Task_03_KeputusanSesdep</bpmn:flowNodeRef>",
                          "<bpmn:flowNodeRef>Task_03_KeputusanSesdep</bpmn:flowNodeRef>\n"
                          "        <bpmn:flowNodeRef>Task_07_Progres</bpmn:flowNodeRef>")
    result = diff(SOP, moved)
    step = entry(result, CHANGED, "Task_07_Progres")
    assert [(c.label, c.old, c.new) for c in step.changes] == [("Lajur", "UPP Unit Kerja", "Sesdep")]


def test_sop_header_changes_are_listed_by_their_labels():
    revised = _replace_once(SOP, '<spiffworkflow:property name="sop_tanggal_revisi" value="" />',
                            '<spiffworkflow:property name="sop_tanggal_revisi" value="2025-01-06" />')
    revised = _replace_once(revised, '<spiffworkflow:property name="sop_pencatatan_1" '
                                     'value="Disimpan sebagai data elektronik dan manual" />',
                            '<spiffworkflow:property name="sop_pencatatan_1" value="Disimpan sebagai data elektronik" />')
    header = entry(diff(SOP, revised), CHANGED, None)
    assert header.subject == "header"
    assert [(c.label, c.old, c.new) for c in header.changes] == [
        ("Tanggal revisi", "", "2025-01-06"),
        ("Pencatatan dan pendataan", "1. Disimpan sebagai data elektronik dan manual",
         "1. Disimpan sebagai data elektronik")]
    assert "Tanggal revisi (kosong) → 2025-01-06" in header.sentence


def test_durations_in_words():
    assert [duration_words(s) for s in (120, 300, 5400, 86400, 45)] == [
        "2 menit", "5 menit", "1 jam 30 menit", "1 hari", "45 detik"]
