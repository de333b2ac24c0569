"""Edited copies of the shipped SOP's BPMN, as a process owner would publish them: shared by the
engine, web and diff tests so that "v2" means the same diagram everywhere."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOP = (ROOT / "processes" / "pelayanan_pengaduan.bpmn").read_text(encoding="utf-8")

_STEP = """
    <bpmn:userTask id="Task_09_Arsip" name="{name}">{documentation}
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="sop_step" value="9" />
          <spiffworkflow:property name="kelengkapan" value="Hasil survei" />
          <spiffworkflow:property name="waktu" value="{waktu}" />
          <spiffworkflow:property name="output" value="{output}" />
          <spiffworkflow:property name="keterangan" value="" />
          <spiffworkflow:property name="form_key" value="catatan_langkah" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>Flow_Survei_GwHasil</bpmn:incoming>
      <bpmn:outgoing>Flow_Arsip_GwHasil</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="Flow_Arsip_GwHasil" sourceRef="Task_09_Arsip" targetRef="Gateway_HasilLayanan" />
"""
_SHAPES = """
      <bpmndi:BPMNShape id="Task_09_Arsip_di" bpmnElement="Task_09_Arsip">
        <dc:Bounds x="1850" y="530" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_Arsip_GwHasil_di" bpmnElement="Flow_Arsip_GwHasil">
        <di:waypoint x="1900" y="530" />
        <di:waypoint x="1900" y="185" />
      </bpmndi:BPMNEdge>
"""


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"expected exactly one {old!r} in the BPMN"
    return text.replace(old, new)


def with_step_after_survey(text: str = SOP, *, name: str = "Arsipkan hasil survei", waktu: str = "PT5M",
                           output: str = "Arsip survei", documentation: str = "") -> str:
    """Step 9 `name` (UPP Unit Kerja lane, form catatan_langkah) between the survey and the last
    gateway, drawn in the diagram."""
    doc = f"\n      <bpmn:documentation>{documentation}</bpmn:documentation>" if documentation else ""
    step = _STEP.format(name=name, waktu=waktu, output=output, documentation=doc)
    text = replace_once(text, '<bpmn:flowNodeRef>Gateway_GabungLayanan</bpmn:flowNodeRef>',
                        '<bpmn:flowNodeRef>Gateway_GabungLayanan</bpmn:flowNodeRef>\n'
                        '        <bpmn:flowNodeRef>Task_09_Arsip</bpmn:flowNodeRef>')
    text = replace_once(text, '<bpmn:sequenceFlow id="Flow_Survei_GwHasil" sourceRef="Task_08_Survei" '
                              'targetRef="Gateway_HasilLayanan" />',
                        '<bpmn:sequenceFlow id="Flow_Survei_GwHasil" sourceRef="Task_08_Survei" '
                        'targetRef="Task_09_Arsip" />' + step)
    text = replace_once(text, '<bpmn:incoming>Flow_Survei_GwHasil</bpmn:incoming>\n      '
                              '<bpmn:outgoing>Flow_Hasil_Konsultasi</bpmn:outgoing>',
                        '<bpmn:incoming>Flow_Arsip_GwHasil</bpmn:incoming>\n      '
                        '<bpmn:outgoing>Flow_Hasil_Konsultasi</bpmn:outgoing>')
    text = replace_once(text, '<di:waypoint x="1820" y="160" />\n        <di:waypoint x="1875" y="160" />',
                        '<di:waypoint x="1770" y="200" />\n        <di:waypoint x="1770" y="570" />\n'
                        '        <di:waypoint x="1850" y="570" />')
    return replace_once(text, "</bpmndi:BPMNPlane>", _SHAPES + "    </bpmndi:BPMNPlane>")
