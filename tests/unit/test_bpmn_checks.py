"""Deploy-time BPMN checks (engine/bpmn): one valid fixture, one failing variant per rule,
hostile XML, and the real SOP file when it exists. No database."""
from __future__ import annotations

import copy
import re
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from lxml import etree

from engine.bpmn import DefinitionRejected, InspectedDefinition, Lane, Problem, inspect_definition, safe_xml

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "bpmn" / "valid_minimal.bpmn"
SOP_FILE = REPO / "processes" / "pelayanan_pengaduan.bpmn"
FORMS = {"periksa_berkas", "keputusan"}
ROLES = {"masyarakat", "upp_kementerian", "upp_unit_kerja", "sesdep"}
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
BPMN = "{%s}" % NS["bpmn"]
# Words that occur in every Indonesian message and in no English one.
INDONESIAN = re.compile(r"\b(tidak|isi|gunakan|yang|tambahkan|hapus|perbaiki|pilih|letakkan|tandai|berkas|"
                        r"baris|jadikan|buat|ganti|perkecil)\b")


# ------------------------------------------------------------------ helpers
def inspect(xml: bytes, **kwargs) -> InspectedDefinition:
    kwargs.setdefault("form_keys", FORMS)
    kwargs.setdefault("lane_roles", ROLES)
    return inspect_definition(xml, **kwargs)


def rejected(xml: bytes, **kwargs) -> DefinitionRejected:
    with pytest.raises(DefinitionRejected) as info:
        inspect(xml, **kwargs)
    return info.value


def variant(edit) -> bytes:
    """The valid fixture after a small lxml edit ``edit(root)``."""
    root = etree.fromstring(FIXTURE.read_bytes())
    edit(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def by_id(root, element_id):
    return root.xpath(f"//*[@id='{element_id}']")[0]


def prop(root, owner_id, name):
    found = by_id(root, owner_id).xpath(f".//spiffworkflow:property[@name='{name}']", namespaces=NS)
    return found[0] if found else None


def drop(node):
    node.getparent().remove(node)


def assert_line(problem: Problem) -> None:
    assert problem.code and problem.message
    assert "\n" not in problem.message and "\r" not in problem.message and "Traceback" not in problem.message
    assert INDONESIAN.search(problem.message), problem.message
    assert "\n" not in str(problem)
    if problem.element_id:
        assert problem.message.startswith(f"{problem.element_id}: ")
        assert str(problem) == problem.message


def find(exc: DefinitionRejected, code: str, element_id: str | None = "*") -> Problem:
    for problem in exc.problems:
        assert_line(problem)
    matches = [p for p in exc.problems if p.code == code and (element_id == "*" or p.element_id == element_id)]
    assert matches, f"no {code} on {element_id}: {[str(p) for p in exc.problems]}"
    return matches[0]


# ------------------------------------------------------------------ the valid fixture
def test_valid_fixture_yields_the_inspected_definition():
    result = inspect(FIXTURE.read_bytes())
    assert result.process_id == "proses_contoh" and result.name == "Proses Contoh"
    assert re.fullmatch(r"[0-9a-f]{64}", result.sha256)
    assert result.spec is not None and result.spec.name == "proses_contoh"
    assert result.subprocess_specs == {}
    assert result.lanes == (Lane("Lane_Petugas", "Petugas", "upp_kementerian"),
                            Lane("Lane_Pimpinan", "Pimpinan", "sesdep"))
    assert list(result.steps) == ["Task_01_Periksa", "Task_02_Putuskan"]
    first, second = result.steps["Task_01_Periksa"], result.steps["Task_02_Putuskan"]
    assert (first.sop_step, first.lane_id, first.lane_name, first.role) == (1, "Lane_Petugas", "Petugas",
                                                                            "upp_kementerian")
    assert (first.waktu_iso, first.waktu, first.form_key) == ("PT5M", timedelta(minutes=5), "periksa_berkas")
    assert first.keterangan == "" and first.kelengkapan == "Formulir permohonan"
    assert first.documentation == "Petugas memeriksa kelengkapan berkas."
    assert (second.role, second.waktu, second.output) == ("sesdep", timedelta(hours=1, minutes=30), "Keputusan")
    assert result.sop_header == {
        "nomor": "SOP/01/2024", "judul": "Pelayanan Contoh",
        "dasar_hukum": ["Undang-Undang Nomor 1", "Peraturan Menteri Nomor 2"], "peralatan": ["Komputer"]}
    assert result.timers == ("Timer_Pengingat",)


def test_valid_fixture_runs_with_the_safe_engine():
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.util.task import TaskState

    from engine.bpmn import make_script_engine

    result = inspect(FIXTURE.read_bytes())
    workflow = BpmnWorkflow(result.spec, result.subprocess_specs, script_engine=make_script_engine())
    workflow.do_engine_steps()
    for data in ({}, {"keputusan": "disetujui"}):
        task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
        task.set_data(**data)
        task.run()
        workflow.do_engine_steps()
    assert workflow.is_completed()
    assert workflow.get_next_task(spec_name="EndEvent_Disetujui").data["hasil"] == "diterima"


# ------------------------------------------------------------------ 1. safe XML
def _no_lxml_parse(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("lxml must not even see this document")
    monkeypatch.setattr(safe_xml.etree, "fromstring", forbidden)


HOSTILE = {
    "file": b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;</bpmn:definitions>',
    "http": b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>'
            b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;</bpmn:definitions>',
    "billion_laughs": b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                      + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                                 for i in range(1, 10))
                      + b"]><lolz>&lol9;</lolz>",
    "utf16": '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
             "<d>&x;</d>".encode("utf-16"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_entities_are_refused_before_parsing(name, monkeypatch):
    _no_lxml_parse(monkeypatch)
    started = time.perf_counter()
    exc = rejected(HOSTILE[name])
    assert time.perf_counter() - started < 1.0
    problem = find(exc, "xml.entity", None)
    assert "ENTITY" in problem.message and "root:" not in problem.message


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hardened_parser_alone_expands_nothing(name, monkeypatch):
    """Defence in depth: with the raw-bytes scan switched off, lxml still expands and fetches nothing."""
    monkeypatch.setattr(safe_xml, "check_no_dtd", lambda data: None)
    started = time.perf_counter()
    exc = rejected(HOSTILE[name])
    assert time.perf_counter() - started < 1.0
    assert exc.problems[0].code in {"xml.doctype", "xml.entity", "xml.malformed"}
    assert "root:" not in str(exc) and "lollol" not in str(exc)


def test_external_dtd_is_refused():
    doc = b'<?xml version="1.0"?><!DOCTYPE d SYSTEM "http://127.0.0.1:9/x.dtd"><d/>'
    find(rejected(doc), "xml.doctype", None)


def test_ten_megabytes_is_refused_by_size_before_parsing(monkeypatch):
    _no_lxml_parse(monkeypatch)
    big = FIXTURE.read_bytes().replace(b"</bpmn:definitions>", b"<!--" + b"x" * 10_000_000 + b"--></bpmn:definitions>")
    started = time.perf_counter()
    problem = find(rejected(big), "xml.too_large", None)
    assert time.perf_counter() - started < 1.0
    assert "2.000.000" in problem.message


def test_malformed_xml_names_the_line():
    text = FIXTURE.read_bytes().replace(b'<bpmn:endEvent id="EndEvent_Ditolak" name="Ditolak">',
                                        b'<bpmn:endEvent id="EndEvent_Ditolak" name="Ditolak>')
    problem = find(rejected(text), "xml.malformed", None)
    assert re.search(r"Baris \d+", problem.message)


def test_empty_upload_is_refused():
    find(rejected(b""), "xml.malformed", None)


# ------------------------------------------------------------------ 2-4. XSD, references, process count
def test_xsd_error_names_the_element_and_line():
    exc = rejected(variant(lambda r: by_id(r, "Task_01_Periksa").set("startQuantity", "banyak")))
    problem = find(exc, "xsd", "Task_01_Periksa")
    assert "baris" in problem.message


@pytest.mark.parametrize(("element_id", "attr_or_text", "value"), [
    ("Flow_KePimpinan", "targetRef", "Task_Hilang"),
    ("Gateway_Keputusan", "default", "Flow_Hilang"),
    ("Timer_Pengingat", "attachedToRef", "Task_Hilang"),
    ("Participant_Minimal", "processRef", "proses_hilang"),
    ("Task_01_Periksa_di", "bpmnElement", "Task_Hilang"),
    ("Lane_Petugas", "flowNodeRef", "Task_Hilang"),
])
def test_dangling_references(element_id, attr_or_text, value):
    def edit(root):
        node = by_id(root, element_id)
        if attr_or_text == "flowNodeRef":
            etree.SubElement(node, BPMN + "flowNodeRef").text = value
        else:
            node.set(attr_or_text, value)
    problem = find(rejected(variant(edit)), "reference.dangling", element_id)
    assert value in problem.message


def test_not_executable():
    find(rejected(variant(lambda r: by_id(r, "proses_contoh").set("isExecutable", "false"))),
         "process.not_executable", "proses_contoh")


def test_two_executable_processes():
    def edit(root):
        extra = etree.Element(BPMN + "process", id="proses_lain", isExecutable="true")
        by_id(root, "proses_contoh").addnext(extra)
    find(rejected(variant(edit)), "process.count", "proses_lain")


# ------------------------------------------------------------------ 5. SpiffWorkflow parse
def test_spiffworkflow_parse_error_is_reported_not_raised():
    def edit(root):
        definition = by_id(root, "TimerDef_Pengingat")
        for child in list(definition):
            definition.remove(child)
    problem = find(rejected(variant(edit)), "parse", "Timer_Pengingat")
    assert "timer" in problem.message


def test_unsupported_element_is_refused_clearly():
    def edit(root):
        by_id(root, "Task_02_Putuskan").addnext(etree.Element(BPMN + "complexGateway", id="Gateway_Rumit"))
    find(rejected(variant(edit)), "parse", "Gateway_Rumit")


@pytest.mark.parametrize("reserved", ["Start", "End", "proses_contoh.EndJoin"])
def test_ids_the_engine_reserves_are_refused(reserved):
    def edit(root):
        for node in root.xpath("//*[@id='StartEvent_Mulai']"):
            node.set("id", reserved)
        for node in root.xpath("//*[@sourceRef='StartEvent_Mulai']"):
            node.set("sourceRef", reserved)
        for node in root.xpath("//*[@bpmnElement='StartEvent_Mulai']"):
            node.set("bpmnElement", reserved)
        for node in root.xpath("//bpmn:flowNodeRef[text()='StartEvent_Mulai']", namespaces=NS):
            node.text = reserved
    problem = find(rejected(variant(edit)), "element.reserved_id", reserved)
    assert "dipakai oleh mesin" in problem.message


# ------------------------------------------------------------------ 6. lanes and roles
def test_task_not_in_lane():
    def edit(root):
        drop(root.xpath("//bpmn:flowNodeRef[text()='Task_01_Periksa']", namespaces=NS)[0])
    find(rejected(variant(edit)), "task.not_in_lane", "Task_01_Periksa")


def test_lane_role_missing():
    problem = find(rejected(variant(lambda r: drop(prop(r, "Lane_Pimpinan", "role")))),
                   "lane.role_missing", "Lane_Pimpinan")
    assert "sesdep" in problem.message  # lists the known roles


def test_lane_role_unknown():
    problem = find(rejected(variant(lambda r: prop(r, "Lane_Pimpinan", "role").set("value", "kepala_dinas"))),
                   "lane.role_unknown", "Lane_Pimpinan")
    assert "kepala_dinas" in problem.message


# ------------------------------------------------------------------ 7. user task properties
def test_property_missing():
    problem = find(rejected(variant(lambda r: drop(prop(r, "Task_01_Periksa", "waktu")))),
                   "task.property_missing", "Task_01_Periksa")
    assert "'waktu'" in problem.message and "PT2M" in problem.message


@pytest.mark.parametrize("waktu", ["2 menit", "PT0M", "P31D", "P1M", "PT", "P"])
def test_waktu_invalid(waktu):
    problem = find(rejected(variant(lambda r: prop(r, "Task_01_Periksa", "waktu").set("value", waktu))),
                   "task.waktu_invalid", "Task_01_Periksa")
    assert waktu in problem.message


@pytest.mark.parametrize("step", ["0", "satu", "-1", "1.5"])
def test_sop_step_invalid(step):
    find(rejected(variant(lambda r: prop(r, "Task_02_Putuskan", "sop_step").set("value", step))),
         "task.step_invalid", "Task_02_Putuskan")


def test_form_unknown():
    problem = find(rejected(variant(lambda r: prop(r, "Task_02_Putuskan", "form_key").set("value", "tidak_ada"))),
                   "task.form_unknown", "Task_02_Putuskan")
    assert "tidak_ada" in problem.message and "keputusan" in problem.message


# ------------------------------------------------------------------ 8. expressions
def _set_condition(text):
    return lambda root: root.xpath("//bpmn:conditionExpression", namespaces=NS)[0].__setattr__("text", text)


def test_python_code_in_a_condition_is_refused_and_never_run():
    marker = Path(f"/tmp/pwned-{uuid.uuid4().hex}")
    exc = rejected(variant(_set_condition(f'__import__("os").system("touch {marker}")')))
    problem = find(exc, "expression.unsafe", "Flow_Disetujui")
    assert "'__import__'" in problem.message
    assert not marker.exists()


def test_code_in_a_post_script_is_refused():
    def edit(root):
        by_id(root, "Task_02_Putuskan").xpath(".//spiffworkflow:postScript", namespaces=NS)[0].text = \
            'data = open("/etc/passwd").read()'
    problem = find(rejected(variant(edit)), "expression.unsafe", "Task_02_Putuskan")
    assert "postScript" in problem.message and "'open'" in problem.message


def test_code_in_a_timer_expression_is_refused():
    def edit(root):
        root.xpath("//bpmn:timeDuration", namespaces=NS)[0].text = '().__class__.__bases__[0].__subclasses__()'
    problem = find(rejected(variant(edit)), "expression.unsafe", "Timer_Pengingat")
    assert "timer" in problem.message and "__class__" in problem.message


def test_code_in_a_script_task_is_refused():
    def edit(root):
        task = etree.Element(BPMN + "scriptTask", id="Script_Jahat")
        etree.SubElement(task, BPMN + "script").text = "import os\nos.system('id')"
        by_id(root, "Task_02_Putuskan").addnext(task)
    find(rejected(variant(edit)), "expression.unsafe", "Script_Jahat")


def test_condition_syntax_error():
    problem = find(rejected(variant(_set_condition("${disetujui}"))), "expression.syntax", "Flow_Disetujui")
    assert "${disetujui}" in problem.message


# ------------------------------------------------------------------ 9. gateways
def test_gateway_without_default():
    find(rejected(variant(lambda r: by_id(r, "Gateway_Keputusan").attrib.pop("default"))),
         "gateway.no_default", "Gateway_Keputusan")


def test_default_flow_with_condition():
    def edit(root):
        etree.SubElement(by_id(root, "Flow_Ditolak"), BPMN + "conditionExpression").text = 'keputusan != "disetujui"'
    find(rejected(variant(edit)), "gateway.default_has_condition", "Flow_Ditolak")


def test_non_default_flow_without_condition():
    find(rejected(variant(lambda r: drop(r.xpath("//bpmn:conditionExpression", namespaces=NS)[0]))),
         "gateway.condition_missing", "Flow_Disetujui")


def test_default_that_is_not_an_outgoing_flow():
    find(rejected(variant(lambda r: by_id(r, "Gateway_Keputusan").set("default", "Flow_KeGateway"))),
         "gateway.default_invalid", "Gateway_Keputusan")


def test_duplicate_conditions_on_an_exclusive_gateway():
    def edit(root):
        gateway = by_id(root, "Gateway_Keputusan")
        twin = copy.deepcopy(by_id(root, "Flow_Disetujui"))
        twin.set("id", "Flow_Kembar")
        twin.set("targetRef", "EndEvent_Ditolak")
        by_id(root, "Flow_Disetujui").addnext(twin)
        etree.SubElement(gateway, BPMN + "outgoing").text = "Flow_Kembar"
    find(rejected(variant(edit)), "gateway.condition_duplicate", "Flow_Kembar")


# ------------------------------------------------------------------ all problems at once
def test_all_problems_are_listed_together():
    def edit(root):
        drop(prop(root, "Task_01_Periksa", "waktu"))
        prop(root, "Lane_Pimpinan", "role").set("value", "kepala_dinas")
        _set_condition("__import__('os')")(root)
        by_id(root, "Gateway_Keputusan").attrib.pop("default")
        prop(root, "Task_02_Putuskan", "form_key").set("value", "tidak_ada")
    exc = rejected(variant(edit))
    assert {"task.property_missing", "lane.role_unknown", "expression.unsafe", "gateway.no_default",
            "task.form_unknown"} <= set(exc.codes)
    for problem in exc.problems:
        assert_line(problem)
    assert str(exc).startswith("Definisi BPMN ditolak (")


def test_problem_str_is_one_line_with_the_element_id():
    problem = Problem("task.waktu_invalid", "Task_03", "durasi\nsalah")
    assert problem.message == "durasi salah" and str(problem) == "Task_03: durasi salah"
    assert str(Problem.at("x", "Task_03", "isi PT2M.")) == "Task_03: isi PT2M."


# ------------------------------------------------------------------ the SOP itself
def _sop_form_keys() -> set[str]:
    schemas = REPO / "forms" / "schemas"
    stems = {p.stem for p in schemas.glob("*.json")} if schemas.is_dir() else set()
    return stems or {"screening_pengunjung", "verifikasi_dumas", "keputusan_sesdep", "penyampaian_keputusan",
                     "pemberitahuan_pengunjung", "kedatangan_pengunjung", "layanan_konsultasi",
                     "layanan_progres", "survei_skm"}


def test_the_sop_file_passes():
    if not SOP_FILE.exists():
        pytest.skip("processes/pelayanan_pengaduan.bpmn belum ada")
    result = inspect(SOP_FILE.read_bytes(), form_keys=_sop_form_keys())
    assert result.process_id == "pelayanan_pengaduan"
    roles = {lane.id: lane.role for lane in result.lanes}
    assert roles == {"Lane_Masyarakat": "masyarakat", "Lane_UPP_Kementerian": "upp_kementerian",
                     "Lane_UPP_Unit_Kerja": "upp_unit_kerja", "Lane_Sesdep": "sesdep"}
    assert result.steps and all(step.role == roles[step.lane_id] for step in result.steps.values())
    assert all(step.waktu > timedelta(0) for step in result.steps.values())
