"""An auditor replays a finished case in the browser: the arrow keys, the previous / next links
and the jump form move through the events, and the diagram's bpmn-js markers follow."""
from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from e2e_server import PASSWORD, SETUP
from engine.facade import Alur
from engine.settings import Settings
from tests.conftest import AUDITOR as AUDITOR_ACTOR, PROCESS_OWNER
from tests.integration.test_sop_paths import run_case
from tests.integration.test_timers import STARTER, TIMERS_BPMN

AUDITOR = "auditor.putar"  # its own account: other tests on this server have theirs


@pytest.fixture(scope="module")
def finished_case(server):
    alur = Alur(Settings(database_url=server.database_url))
    try:
        alur.create_user(SETUP, AUDITOR, "Auditor Putar Ulang", {"auditor"}, PASSWORD)
        started, _result, _walked = run_case(alur, tujuan="konsultasi", disetujui=True)
    finally:
        alur.close()
    return started


def marker(page, bpmn_id: str):
    return page.locator(f'#case-diagram .djs-element[data-element-id="{bpmn_id}"]')


def at_frame(page, seq: int) -> None:
    page.wait_for_url(re.compile(rf"langkah={seq}$"))
    expect(page.locator("#replay-list [aria-current]")).to_have_text(re.compile(rf"#{seq} · "))
    expect(page.locator("#case-diagram")).to_have_class(re.compile(r"\bdiagram-ready\b"))


def test_auditor_steps_through_a_case_and_the_diagram_follows(browsing, shots, finished_case):
    base = f"/audit/kasus/{finished_case.instance_id}/putar-ulang"
    page = browsing.staff(AUDITOR, f"{base}?langkah=9")
    at_frame(page, 9)
    expect(page.locator("#replay-position")).to_contain_text("Peristiwa 9 dari 25")
    for done in ("Task_01_Screening", "Task_02_VerifikasiDumas", "Task_03_KeputusanSesdep"):
        expect(marker(page, done)).to_have_class(re.compile(r"\bis-done\b"))
    expect(marker(page, "Task_04_SampaikanKeputusan")).to_have_class(re.compile(r"\bis-current\b"))
    expect(marker(page, "Task_05_InformasikanPengunjung")).not_to_have_class(re.compile(r"\bis-(done|current)\b"))
    # The marks are words too, inside the diagram (bpmn-js overlays) and beside it.
    expect(page.locator("#case-diagram .diagram-badge-current")).to_have_text("● aktif")
    expect(page.locator("#state-active")).to_contain_text("4 · Sampaikan keputusan")
    shots(page, "replay-step-3", phone=True)

    # Right arrow: the next events, until step 4 is completed (its claim, then the completion).
    for seq in (10, 11, 12):
        page.keyboard.press("ArrowRight")
        at_frame(page, seq)
    expect(marker(page, "Task_04_SampaikanKeputusan")).to_have_class(re.compile(r"\bis-done\b"))
    expect(marker(page, "Task_05_InformasikanPengunjung")).to_have_class(re.compile(r"\bis-current\b"))

    # Left arrow goes back: step 4 is open again.
    page.keyboard.press("ArrowLeft")
    at_frame(page, 11)
    expect(marker(page, "Task_04_SampaikanKeputusan")).to_have_class(re.compile(r"\bis-current\b"))
    expect(marker(page, "Task_04_SampaikanKeputusan")).not_to_have_class(re.compile(r"\bis-done\b"))

    # The link does the same as the key.
    page.locator("#replay-next").click()
    at_frame(page, 12)

    # Jump to the end with the form: everything done, the end event reached, nothing open.
    page.locator("#replay-select").select_option("25")
    page.get_by_role("button", name="Tampilkan").click()
    at_frame(page, 25)
    for done in ("Task_07_Konsultasi", "Task_08_Survei", "EndEvent_Konsultasi"):
        expect(marker(page, done)).to_have_class(re.compile(r"\bis-done\b"))
    expect(page.locator("#case-diagram .djs-element.is-current")).to_have_count(0)
    expect(page.locator("#replay-next")).to_have_count(0)
    expect(page.locator("#state-end")).to_contain_text("Konsultasi selesai")
    shots(page, "replay-end", phone=True)

    # Arrow keys inside the jump select do not navigate: they belong to the select.
    page.locator("#replay-select").focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(300)
    assert page.url.endswith("langkah=25")


def test_auditor_reads_the_reexecution_report(browsing, shots, finished_case):
    page = browsing.staff(AUDITOR, f"/audit/kasus/{finished_case.instance_id}/eksekusi-ulang")
    expect(page.locator("#verdict")).to_contain_text("Cocok")
    expect(page.locator("#steps-check tbody tr")).to_have_count(9)
    shots(page, "reexecution", phone=True)
    page.get_by_role("link", name="Putar ulang langkah demi langkah").click()
    at_frame_first = re.compile(r"/putar-ulang$")
    page.wait_for_url(at_frame_first)
    expect(page.locator("#replay-position")).to_contain_text("Peristiwa 1 dari 25")


# The timer test process, drawn: its boundary timer cancels the task, which the replay marks.
_DIAGRAM = """  <bpmndi:BPMNDiagram id="Diagram_Timers"><bpmndi:BPMNPlane id="Plane_Timers" bpmnElement="proses_pengingat">
    <bpmndi:BPMNShape id="S_Mulai" bpmnElement="StartEvent_Mulai"><dc:Bounds x="100" y="100" width="36" height="36"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="S_Tunggu" bpmnElement="Timer_Tunggu"><dc:Bounds x="200" y="100" width="36" height="36"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="S_Task" bpmnElement="Task_Verifikasi"><dc:Bounds x="300" y="78" width="100" height="80"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="S_Batas" bpmnElement="Timer_Batas"><dc:Bounds x="332" y="140" width="36" height="36"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="S_Selesai" bpmnElement="End_Selesai"><dc:Bounds x="480" y="100" width="36" height="36"/></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="S_EndBatas" bpmnElement="End_Batas"><dc:Bounds x="480" y="220" width="36" height="36"/></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="E_F1" bpmnElement="F1"><di:waypoint x="136" y="118"/><di:waypoint x="200" y="118"/></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="E_F2" bpmnElement="F2"><di:waypoint x="236" y="118"/><di:waypoint x="300" y="118"/></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="E_F3" bpmnElement="F3"><di:waypoint x="400" y="118"/><di:waypoint x="480" y="118"/></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="E_F4" bpmnElement="F4"><di:waypoint x="350" y="176"/><di:waypoint x="350" y="238"/><di:waypoint x="480" y="238"/></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>"""
_NAMESPACES = ('xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
               'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" ')


def drawn_timers_bpmn() -> bytes:
    xml = TIMERS_BPMN.read_text(encoding="utf-8")
    return xml.replace("</bpmn:definitions>", _DIAGRAM).replace("xmlns:xsi=", _NAMESPACES + "xmlns:xsi=", 1).encode()


def test_a_cancelled_step_is_marked_on_the_diagram(browsing, server, finished_case):
    alur = Alur(Settings(database_url=server.database_url))
    try:
        alur.deploy(drawn_timers_bpmn(), PROCESS_OWNER)
        started = alur.start("proses_pengingat", STARTER)
        deadline = time.monotonic() + 20  # the server's own worker fires both timers (1 s, then 2 s)
        while alur.case(AUDITOR_ACTOR, instance_id=started.instance_id).status != "completed":
            assert time.monotonic() < deadline, "the timers did not fire"
            time.sleep(0.2)
        last = len(alur.history(AUDITOR_ACTOR, started.instance_id))
    finally:
        alur.close()
    page = browsing.staff(AUDITOR, f"/audit/kasus/{started.instance_id}/putar-ulang?langkah={last}")
    at_frame(page, last)
    task = marker(page, "Task_Verifikasi")
    expect(task).to_have_class(re.compile(r"\bis-cancelled\b"))
    expect(task.locator("text.replay-cancelled-mark")).to_have_text("✕ dibatalkan")
    expect(marker(page, "End_Batas")).to_have_class(re.compile(r"\bis-done\b"))
    expect(page.locator("#state-cancelled")).to_contain_text("Verifikasi Dumas")
