"""The SOP process model (processes/pelayanan_pengaduan.bpmn) against the SOP seed and docs/CONVENTIONS.md."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import SpiffWorkflow
from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

ROOT = Path(__file__).resolve().parents[2]
BPMN_FILE = ROOT / "processes" / "pelayanan_pengaduan.bpmn"
XSD_FILE = Path(SpiffWorkflow.__file__).parent / "bpmn" / "parser" / "schema" / "BPMN20.xsd"
PROCESS_ID = "pelayanan_pengaduan"
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}

# lane id -> (name, role), top to bottom
LANES = {
    "Lane_Masyarakat": ("Masyarakat", "masyarakat"),
    "Lane_UPP_Kementerian": ("UPP Kementerian", "upp_kementerian"),
    "Lane_UPP_Unit_Kerja": ("UPP Unit Kerja", "upp_unit_kerja"),
    "Lane_Sesdep": ("Sesdep", "sesdep"),
}
# SOP row -> (waktu, lane id), from the SOP's Mutu Baku and actor columns
SOP_STEPS = {
    1: ("PT2M", "Lane_UPP_Kementerian"), 2: ("PT2M", "Lane_UPP_Unit_Kerja"), 3: ("PT2M", "Lane_Sesdep"),
    4: ("PT2M", "Lane_UPP_Unit_Kerja"), 5: ("PT5M", "Lane_UPP_Kementerian"), 6: ("PT5M", "Lane_Masyarakat"),
    7: ("PT10M", "Lane_UPP_Unit_Kerja"), 8: ("PT5M", "Lane_Masyarakat"),
}
# user task id -> (SOP row, form key)
USER_TASKS = {
    "Task_01_Screening": (1, "screening_pengunjung"),
    "Task_02_VerifikasiDumas": (2, "verifikasi_dumas"),
    "Task_03_KeputusanSesdep": (3, "keputusan_sesdep"),
    "Task_04_SampaikanKeputusan": (4, "penyampaian_keputusan"),
    "Task_05_InformasikanPengunjung": (5, "pemberitahuan_pengunjung"),
    "Task_06_Kedatangan": (6, "kedatangan_pengunjung"),
    "Task_07_Konsultasi": (7, "layanan_konsultasi"),
    "Task_07_Progres": (7, "layanan_progres"),
    "Task_08_Survei": (8, "survei_skm"),
}
TASK_PROPERTIES = {"sop_step", "kelengkapan", "waktu", "output", "keterangan", "form_key"}
ISO_DURATION = re.compile(r"^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$")
FLOW_NODE_TAGS = ("startEvent", "endEvent", "userTask", "exclusiveGateway")


@pytest.fixture(scope="module")
def tree():
    return etree.parse(str(BPMN_FILE))


@pytest.fixture(scope="module")
def spec():
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_file(str(BPMN_FILE))
    return parser.get_spec(PROCESS_ID)


def props(element):
    path = "./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property"
    return {p.get("name"): p.get("value") for p in element.xpath(path, namespaces=NS)}


def process(tree):
    return tree.find(f"bpmn:process[@id='{PROCESS_ID}']", NS)


def flow_nodes(tree):
    return [el for el in process(tree) if etree.QName(el).localname in FLOW_NODE_TAGS]


def lane_of(tree):
    return {ref.text: ref.getparent().get("id") for ref in tree.iterfind(".//bpmn:lane/bpmn:flowNodeRef", NS)}


def box(bounds):
    return tuple(float(bounds.get(k)) for k in ("x", "y", "width", "height"))


def shape_boxes(tree):
    return {s.get("bpmnElement"): box(s.find("dc:Bounds", NS)) for s in tree.iterfind(".//bpmndi:BPMNShape", NS)}


def label_boxes(tree):
    return {el.getparent().get("bpmnElement"): box(el.find("dc:Bounds", NS))
            for el in tree.iterfind(".//bpmndi:BPMNLabel", NS)}


def edge_segments(tree):
    """Each straight piece of every edge as a 2-unit-thick box."""
    for edge in tree.iterfind(".//bpmndi:BPMNEdge", NS):
        points = [(float(p.get("x")), float(p.get("y"))) for p in edge.iterfind("di:waypoint", NS)]
        for a, b in zip(points, points[1:]):
            yield edge.get("bpmnElement"), (min(a[0], b[0]) - 1, min(a[1], b[1]) - 1,
                                            abs(a[0] - b[0]) + 2, abs(a[1] - b[1]) + 2)


def overlaps(a, b):
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def inside(inner, outer):
    return (outer[0] <= inner[0] and inner[0] + inner[2] <= outer[0] + outer[2]
            and outer[1] <= inner[1] and inner[1] + inner[3] <= outer[1] + outer[3])


def test_valid_against_bpmn_xsd(tree):
    schema = etree.XMLSchema(etree.parse(str(XSD_FILE)))
    assert schema.validate(tree), str(schema.error_log)


def test_references_resolve(tree):
    ids = set(tree.xpath("//@id"))
    refs = tree.xpath("//bpmn:sequenceFlow/@sourceRef | //bpmn:sequenceFlow/@targetRef | //@processRef"
                      " | //@bpmnElement | //bpmn:exclusiveGateway/@default", namespaces=NS)
    refs += [el.text for el in tree.iterfind(".//bpmn:flowNodeRef", NS)]
    assert refs and set(refs) <= ids, set(refs) - ids


def test_bpmnlint_reports_no_problems():
    if not (ROOT / "node_modules" / ".bin" / "bpmnlint").exists() or shutil.which("npx") is None:
        pytest.fail("bpmnlint is not installed: run `npm ci` in the project root (needs Node.js and npm)")
    result = subprocess.run(["npx", "--no-install", "bpmnlint", str(BPMN_FILE.relative_to(ROOT))],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    report = (result.stdout + result.stderr).strip()
    assert result.returncode == 0 and report == "", report


def test_spiff_parser_loads_with_validation(spec):
    assert spec.name == PROCESS_ID
    user_tasks = {name for name, ts in spec.task_specs.items() if ts.manual}
    assert user_tasks == set(USER_TASKS)


def test_one_pool_four_lanes_with_roles(tree):
    assert len(tree.findall(".//bpmn:participant", NS)) == 1
    assert process(tree).get("isExecutable") == "true"
    lanes = tree.findall(".//bpmn:lane", NS)
    assert [(ln.get("id"), ln.get("name"), props(ln).get("role")) for ln in lanes] == \
        [(lane_id, name, role) for lane_id, (name, role) in LANES.items()]
    refs = [r.text for r in tree.iterfind(".//bpmn:flowNodeRef", NS)]
    assert sorted(refs) == sorted(el.get("id") for el in flow_nodes(tree)), "each node in exactly one lane"


def test_sop_header_on_process(tree):
    header = props(process(tree))
    assert header["sop_nomor"] == "OT.01.02-056-056.De.5"
    assert (header["sop_tanggal_pembuatan"], header["sop_tanggal_efektif"]) == ("2023-06-15", "2023-07-10")
    assert header["sop_tanggal_revisi"] == ""
    assert (header["sop_disahkan_oleh"], header["sop_disahkan_nrp"]) == ("Drs. Rudolf Albert Rodja", "66050431")
    assert header["sop_judul"].startswith("Pelayanan Pengaduan Masyarakat di Deputi")
    counts = {"dasar_hukum": 3, "kualifikasi_pelaksana": 5, "keterkaitan": 2, "peralatan": 4,
              "peringatan": 2, "pencatatan": 1}
    for key, count in counts.items():
        items = sorted(k for k in header if re.fullmatch(rf"sop_{key}_\d+", k))
        assert items == [f"sop_{key}_{n}" for n in range(1, count + 1)], key
        assert all(header[k].strip() for k in items), key


def test_user_tasks_carry_the_sop_rows(tree):
    lanes = lane_of(tree)
    tasks = tree.findall(".//bpmn:userTask", NS)
    assert {t.get("id") for t in tasks} == set(USER_TASKS)
    for task in tasks:
        task_id, p = task.get("id"), props(task)
        # sop_simbol is optional: only the decision step (Sesdep's, step 3) draws a diamond.
        assert set(p) - {"sop_simbol"} == TASK_PROPERTIES, task_id
        assert p.get("sop_simbol", "kegiatan") == ("keputusan" if task_id == "Task_03_KeputusanSesdep" else "kegiatan")
        assert ISO_DURATION.match(p["waktu"]), (task_id, p["waktu"])
        step = int(p["sop_step"])
        assert step in SOP_STEPS, task_id
        assert (step, p["form_key"]) == USER_TASKS[task_id]
        assert (p["waktu"], lanes[task_id]) == SOP_STEPS[step], task_id
        assert p["kelengkapan"].strip() and p["output"].strip() and task.get("name").strip(), task_id
        assert task.findtext("bpmn:documentation", "", NS).strip(), task_id
    assert {int(props(t)["sop_step"]) for t in tasks} == set(SOP_STEPS)


def test_splitting_gateways_have_default_and_conditions(tree):
    flows = {f.get("id"): f for f in tree.iterfind(".//bpmn:sequenceFlow", NS)}
    for gw in tree.iterfind(".//bpmn:exclusiveGateway", NS):
        out = [f for f in flows.values() if f.get("sourceRef") == gw.get("id")]
        if len(out) < 2:
            continue
        assert gw.get("default") in {f.get("id") for f in out}, gw.get("id")
        for flow in out:
            has_condition = flow.find("bpmn:conditionExpression", NS) is not None
            assert has_condition == (flow.get("id") != gw.get("default")), flow.get("id")
            assert flow.get("name"), flow.get("id")
    conditions = {c.text for c in tree.iterfind(".//bpmn:conditionExpression", NS)}
    assert conditions == {'keputusan == "disetujui"', 'tujuan == "konsultasi"'}


def test_di_covers_every_element_with_orthogonal_edges(tree):
    shapes = shape_boxes(tree)
    sizes = {"userTask": (100, 80), "exclusiveGateway": (50, 50), "startEvent": (36, 36), "endEvent": (36, 36)}
    for node in flow_nodes(tree):
        assert shapes[node.get("id")][2:] == sizes[etree.QName(node).localname], node.get("id")
    edges = {e.get("bpmnElement"): e for e in tree.iterfind(".//bpmndi:BPMNEdge", NS)}
    assert set(edges) == {f.get("id") for f in tree.iterfind(".//bpmn:sequenceFlow", NS)}
    for flow_id, edge in edges.items():
        points = [(float(p.get("x")), float(p.get("y"))) for p in edge.iterfind("di:waypoint", NS)]
        assert len(points) >= 2, flow_id
        assert all(a[0] == b[0] or a[1] == b[1] for a, b in zip(points, points[1:])), flow_id
    named = {el.get("id") for el in tree.iter() if el.get("name") and etree.QName(el).localname in
             ("startEvent", "endEvent", "exclusiveGateway", "sequenceFlow")}
    assert named <= set(label_boxes(tree)), named - set(label_boxes(tree))


def test_flow_node_shapes_do_not_overlap(tree):
    shapes = shape_boxes(tree)
    nodes = sorted(el.get("id") for el in flow_nodes(tree))
    clashes = [(a, b) for i, a in enumerate(nodes) for b in nodes[i + 1:] if overlaps(shapes[a], shapes[b])]
    assert clashes == []


def test_labels_clear_of_shapes_edges_and_each_other(tree):
    shapes, labels = shape_boxes(tree), label_boxes(tree)
    pool = shapes["Participant_Layanan"]
    nodes = [el.get("id") for el in flow_nodes(tree)]
    for owner, label in labels.items():
        assert inside(label, pool), owner
        assert [n for n in nodes if overlaps(label, shapes[n])] == [], owner
        assert [o for o in labels if o != owner and overlaps(label, labels[o])] == [], owner
        assert [f for f, seg in edge_segments(tree) if overlaps(label, seg)] == [], owner


def test_shapes_lie_inside_their_lane_band(tree):
    shapes = shape_boxes(tree)
    bands = [shapes[lane_id] for lane_id in LANES]
    assert all(upper[1] + upper[3] <= lower[1] for upper, lower in zip(bands, bands[1:])), "lanes stacked"
    for node, lane_id in lane_of(tree).items():
        assert inside(shapes[node], shapes[lane_id]), (node, lane_id)


def test_user_tasks_progress_left_to_right(tree):
    shapes = shape_boxes(tree)
    steps = {t.get("id"): int(props(t)["sop_step"]) for t in tree.iterfind(".//bpmn:userTask", NS)}
    for a in steps:
        for b in steps:
            if steps[a] < steps[b]:
                assert shapes[a][0] < shapes[b][0], (a, b)


STEP_1_TO_5 = [
    ("Task_01_Screening", "UPP Kementerian"), ("Task_02_VerifikasiDumas", "UPP Unit Kerja"),
    ("Task_03_KeputusanSesdep", "Sesdep"), ("Task_04_SampaikanKeputusan", "UPP Unit Kerja"),
    ("Task_05_InformasikanPengunjung", "UPP Kementerian"),
]


@pytest.mark.parametrize("tujuan, keputusan, expected_tasks, expected_end", [
    ("konsultasi", "disetujui", STEP_1_TO_5 + [
        ("Task_06_Kedatangan", "Masyarakat"), ("Task_07_Konsultasi", "UPP Unit Kerja"),
        ("Task_08_Survei", "Masyarakat")], "EndEvent_Konsultasi"),
    ("tanya_progres", "disetujui", STEP_1_TO_5 + [
        ("Task_06_Kedatangan", "Masyarakat"), ("Task_07_Progres", "UPP Unit Kerja"),
        ("Task_08_Survei", "Masyarakat")], "EndEvent_Progres"),
    ("konsultasi", "ditolak", STEP_1_TO_5, "EndEvent_Ditolak"),
], ids=["disetujui-konsultasi", "disetujui-tanya_progres", "ditolak"])
def test_sop_paths_run_in_spiffworkflow(tree, spec, tujuan, keputusan, expected_tasks, expected_end):
    form_data = {"Task_01_Screening": {"tujuan": tujuan}, "Task_03_KeputusanSesdep": {"keputusan": keputusan}}
    wf = BpmnWorkflow(spec)
    wf.do_engine_steps()
    done = []
    for _ in range(len(USER_TASKS) + 1):
        ready = wf.get_tasks(state=TaskState.READY, manual=True)
        if not ready:
            break
        assert len(ready) == 1, [t.task_spec.name for t in ready]
        task = ready[0]
        done.append((task.task_spec.name, task.task_spec.lane))
        task.set_data(**form_data.get(task.task_spec.name, {}))
        task.run()
        wf.do_engine_steps()
    assert wf.is_completed()
    assert done == expected_tasks
    end_ids = {e.get("id") for e in tree.iterfind(".//bpmn:endEvent", NS)}
    reached = [t.task_spec.name for t in wf.get_tasks(state=TaskState.COMPLETED) if t.task_spec.name in end_ids]
    assert reached == [expected_end]
