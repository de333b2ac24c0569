"""Deploy-time checks of a BPMN upload: :func:`inspect_definition`.

Pure (no database): bytes in, an :class:`InspectedDefinition` or a
:class:`DefinitionRejected` listing every problem found out. Order of the checks:
safe XML -> XSD -> dangling references -> one executable process -> SpiffWorkflow parse
-> lanes and roles -> user task properties -> expressions -> gateways. Only unreadable
XML, an XSD-invalid document or a missing executable process stop the checks early.
"""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Collection
from datetime import timedelta

from lxml import etree

from .expressions import check_expression, check_script, same_expression
from .model import DefinitionRejected, InspectedDefinition, Lane, Problem, StepSpec
from .safe_xml import DEFAULT_MAX_BYTES, check_references, parse_safely, validate_xsd

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}


def _q(local: str, ns: str = BPMN) -> str:
    return f"{{{ns}}}{local}"


_p = Problem.at


def _properties(node: etree._Element) -> dict[str, str]:
    props = node.xpath("./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", namespaces=NS)
    return {p.get("name"): p.get("value", "") for p in props if p.get("name")}


# ---------------------------------------------------------------- 4. one executable process
def _find_process(root: etree._Element) -> tuple[etree._Element | None, list[Problem]]:
    processes = root.findall(_q("process"))
    executable = [p for p in processes if p.get("isExecutable") == "true"]
    if len(executable) == 1:
        return executable[0], []
    if not processes:
        return None, [_p("process.count", None, "berkas tidak memuat bpmn:process; gambar proses dalam satu pool.")]
    ids = ", ".join(p.get("id", "?") for p in (executable or processes))
    if not executable:
        return None, [_p("process.not_executable", processes[0].get("id"), f"tidak ada proses yang dapat "
                         f"dijalankan ({ids}); tandai tepat satu proses dengan isExecutable=\"true\".")]
    return None, [_p("process.count", executable[1].get("id"), f"ada {len(executable)} proses executable ({ids}); "
                     "satu definisi hanya boleh memuat satu, jadikan yang lain isExecutable=\"false\".")]


# ---------------------------------------------------------------- 5. SpiffWorkflow parse
_UNSUPPORTED = {  # tag -> advice (the engine offers no services, DMN or cross-file calls)
    _q("serviceTask"): "service task belum didukung (tidak ada layanan eksternal); ganti dengan userTask",
    _q("businessRuleTask"): "business rule task (DMN) belum didukung; ganti dengan gateway berkondisi",
    _q("callActivity"): "call activity belum didukung (satu definisi memuat satu proses); gunakan subProcess tertanam",
    _q("complexGateway"): "complex gateway belum didukung; ganti dengan exclusive atau parallel gateway",
}
_PARSE_HINTS = {  # SpiffWorkflow's English message (lower case fragment) -> Indonesian advice
    "no support implemented": "jenis elemen ini belum didukung mesin alur kerja; ganti dengan elemen yang didukung",
    "no start event": "proses tidak punya start event; tambahkan satu start event",
    "exactly one start event": "subproses harus punya tepat satu start event; tambahkan atau hapus start event",
    "must contain an end event": "subproses tidak punya end event; tambahkan satu end event",
    "multiple outgoing flows": "elemen ini punya beberapa jalur keluar; cabangkan lewat gateway",
    "without condition": "jalur keluar gateway tanpa kondisi; isi kondisi atau jadikan alur default",
    "data store": "data store belum didukung; simpan data di formulir tugas",
    "not executable": "proses yang dipanggil tidak executable; gunakan subProcess tertanam",
    "duplicate process id": "id proses ganda; beri setiap proses id yang unik",
    "unknown time specification": "timer tidak memuat timeDuration, timeDate atau timeCycle; isi salah satunya",
}


def parse_with_spiff(tree, proc):
    """Build the spec with SpiffBpmnParser (already XSD-validated: validator=None)."""
    from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
    from SpiffWorkflow.spiff.parser import SpiffBpmnParser

    problems = [_p("parse", el.get("id"), f"{_UNSUPPORTED[el.tag]}.") for el in proc.iter(*_UNSUPPORTED)]
    if problems:
        return None, {}, problems
    pid = proc.get("id")
    try:
        parser = SpiffBpmnParser(validator=None)
        parser.add_bpmn_xml(tree, filename=f"{pid}.bpmn")
        return parser.get_spec(pid), parser.get_subprocess_specs(pid), []
    except ValidationException as exc:
        raw = " ".join(str(exc.args[0] if exc.args else exc).split())[:300]
        hint = next((h for key, h in _PARSE_HINTS.items() if key in raw.lower()), None)
        text = f"{hint} ({raw})" if hint else f"SpiffWorkflow tidak dapat memuat elemen ini ({raw}); perbaiki elemennya"
        return None, {}, [_p("parse", getattr(exc, "id", "") or None, f"{text}.")]
    except Exception as exc:  # noqa: BLE001 - a parser traceback must never reach the user
        raw = " ".join(str(exc).split())[:200]
        return None, {}, [_p("parse", pid, f"SpiffWorkflow gagal memuat proses ({type(exc).__name__}: {raw}); "
                                           "periksa elemen yang tidak lazim dan simpan ulang dari modeler.")]


def _check_reserved_ids(proc) -> list[Problem]:
    """SpiffWorkflow names its own task specs 'Start', 'End' and '<process>.EndJoin'; an element
    with one of those ids silently replaces them and the process runs empty."""
    reserved = {"Start", "End", f"{proc.get('id')}.EndJoin"}
    return [_p("element.reserved_id", el.get("id"),
               f"id '{el.get('id')}' dipakai oleh mesin alur kerja; ganti id elemen ini (mis. {el.get('id')}Event_1).")
            for el in proc.iter() if el.get("id") in reserved]


# ---------------------------------------------------------------- 6. lanes
_LANE_TASKS = (_q("userTask"), _q("manualTask"))


def _check_lanes(proc: etree._Element, lane_roles: Collection[str]):
    lanes: list[Lane] = []
    lane_of: dict[str, etree._Element] = {}  # flow node id -> innermost lane
    depth: dict[str, int] = {}
    for lane in proc.iter(_q("lane")):
        level = sum(1 for a in lane.iterancestors(_q("lane")))
        for ref in lane.findall(_q("flowNodeRef")):
            node_id = (ref.text or "").strip()
            if node_id and depth.get(node_id, -1) < level:
                lane_of[node_id], depth[node_id] = lane, level
    problems, needs_role, placed = [], set(), {}
    for task in proc.iter(*_LANE_TASKS):
        lane, node = None, task
        while node is not None and node is not proc and lane is None:
            lane = lane_of.get(node.get("id"))
            node = node.getparent()
        if lane is None:
            problems.append(_p("task.not_in_lane", task.get("id"),
                               f"{etree.QName(task).localname} '{task.get('name', '')}' tidak berada di lane mana pun; "
                               "letakkan di lane yang mewakili peran pelaksananya."))
            continue
        placed[task.get("id")] = lane
        needs_role.add(lane.get("id"))
    known = ", ".join(sorted(lane_roles)) or "(belum ada peran terdaftar)"
    for lane in proc.iter(_q("lane")):
        role = _properties(lane).get("role") or None
        lanes.append(Lane(lane.get("id"), lane.get("name", ""), role))
        if lane.get("id") not in needs_role:
            continue
        if role is None:
            problems.append(_p("lane.role_missing", lane.get("id"), f"lane '{lane.get('name', '')}' berisi tugas "
                               f"tanpa properti 'role'; tambahkan property name=\"role\" dengan salah satu: {known}."))
        elif role not in lane_roles:
            problems.append(_p("lane.role_unknown", lane.get("id"),
                               f"peran '{role}' tidak dikenal; gunakan salah satu: {known}."))
    return tuple(lanes), placed, problems


# ---------------------------------------------------------------- 7. user task properties
_DURATION = re.compile(r"P(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?(?:T(?=\d)(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?"
                       r"(?:(?P<s>\d+(?:[.,]\d+)?)S)?)?")
MAX_WAKTU = timedelta(days=30)
_REQUIRED = {
    "sop_step": "isi nomor langkah SOP (bilangan bulat positif, mis. 1)",
    "kelengkapan": "isi kelengkapan (dokumen/bahan yang diperlukan) dari Mutu Baku",
    "waktu": "isi durasi ISO 8601 seperti PT2M",
    "output": "isi output dari Mutu Baku",
    "keterangan": "tambahkan properti ini (boleh kosong)",
    "form_key": "isi nama formulir (berkas forms/schemas/<form_key>.json)",
}


def parse_iso_duration(text: str) -> timedelta | None:
    """PT2M, PT1H30M, P1D, P1W, PT45S -> timedelta; None when not a (day-based) ISO 8601 duration."""
    match = _DURATION.fullmatch(text.strip())
    if not match or not any(match.groupdict().values()) or text.strip().endswith("T"):
        return None
    g = {k: v or "0" for k, v in match.groupdict().items()}
    return timedelta(weeks=int(g["w"]), days=int(g["d"]), hours=int(g["h"]), minutes=int(g["m"]),
                     seconds=float(g["s"].replace(",", ".")))


# The printed SOP's flowchart symbol of a step (optional property; the first and last rows are
# drawn as terminators whatever this says).
SOP_SYMBOLS = ("kegiatan", "keputusan")


def _check_user_tasks(proc, placed, form_keys: Collection[str]):
    steps, problems = {}, []
    for task in proc.iter(_q("userTask")):
        tid, props, bad = task.get("id"), _properties(task), False
        for name, hint in _REQUIRED.items():
            if name not in props or (name != "keterangan" and not props[name].strip()):
                state = "tidak ada" if name not in props else "kosong"
                problems.append(_p("task.property_missing", tid, f"properti '{name}' {state}; {hint}."))
                bad = True
        step_text = props.get("sop_step", "").strip()
        if step_text and not (step_text.isdigit() and int(step_text) > 0):
            problems.append(_p("task.step_invalid", tid, f"properti 'sop_step' bernilai '{step_text}'; isi "
                                                          "bilangan bulat positif seperti 1."))
            bad = True
        waktu_iso = props.get("waktu", "").strip()
        waktu = parse_iso_duration(waktu_iso) if waktu_iso else None
        if waktu_iso and (waktu is None or not timedelta(0) < waktu <= MAX_WAKTU):
            problems.append(_p("task.waktu_invalid", tid, f"properti 'waktu' bernilai '{waktu_iso}'; isi durasi "
                                                           "ISO 8601 lebih dari nol dan paling lama 30 hari, "
                                                           "seperti PT2M, PT1H30M atau P1D."))
            bad = True
        form_key = props.get("form_key", "").strip()
        if form_key and form_key not in form_keys:
            shown = ", ".join(sorted(form_keys)[:12]) or "(belum ada formulir)"
            problems.append(_p("task.form_unknown", tid, f"formulir '{form_key}' tidak dikenal; pilih: {shown}."))
            bad = True
        symbol = props.get("sop_simbol", "").strip() or "kegiatan"
        if symbol not in SOP_SYMBOLS:
            problems.append(_p("task.symbol_invalid", tid, f"properti 'sop_simbol' bernilai '{symbol}'; isi "
                                                            "'kegiatan' (kotak) atau 'keputusan' (belah ketupat)."))
            bad = True
        lane = placed.get(tid)
        if bad or lane is None:
            continue
        steps[tid] = StepSpec(
            bpmn_id=tid, name=task.get("name", ""), lane_id=lane.get("id"), lane_name=lane.get("name", ""),
            role=_properties(lane).get("role", ""), sop_step=int(step_text), kelengkapan=props["kelengkapan"],
            waktu_iso=waktu_iso, waktu=waktu, output=props["output"], keterangan=props["keterangan"],
            form_key=form_key, documentation=(task.findtext(_q("documentation")) or "").strip(),
            symbol=symbol)
    return steps, problems


# ---------------------------------------------------------------- 8. expressions
_EXPRESSION_KINDS = {
    _q("conditionExpression"): "kondisi", _q("condition"): "kondisi event",
    _q("timeDuration"): "ekspresi timer", _q("timeDate"): "ekspresi timer", _q("timeCycle"): "ekspresi timer",
    _q("completionCondition"): "kondisi selesai", _q("loopCardinality"): "kardinalitas perulangan",
    _q("loopCondition"): "kondisi perulangan", _q("messagePath"): "ekspresi korelasi pesan",
    _q("messagePayload", SPIFF): "payload pesan", _q("expression", SPIFF): "ekspresi korelasi",
}
_SCRIPT_KINDS = {_q("script"): "skrip", _q("preScript", SPIFF): "preScript", _q("postScript", SPIFF): "postScript"}
_MUST_HAVE_TEXT = {_q("timeDuration"), _q("timeDate"), _q("timeCycle"), _q("condition"), _q("script")}


def _owner(el) -> str | None:
    """Id of the flow element or flow that holds ``el`` (event definitions and loop markers skipped)."""
    node = el.getparent()
    skipped = ("EventDefinition", "Characteristics")
    while node is not None and (not node.get("id") or etree.QName(node).localname.endswith(skipped)):
        node = node.getparent()
    return node.get("id") if node is not None else None


def _expression_texts(root):
    """Yield (owner id, kind, text, is_script) for every text SpiffWorkflow would eval/exec."""
    for el in root.iter(etree.Element):
        kind, is_script = _EXPRESSION_KINDS.get(el.tag), False
        if kind is None and el.tag in _SCRIPT_KINDS:
            kind, is_script = _SCRIPT_KINDS[el.tag], True
        if el.getparent() is not None and el.getparent().tag == _q("correlationPropertyRetrievalExpression"):
            kind = "ekspresi korelasi pesan"
        if el.tag == _q("parameter", SPIFF) and el.get("value") is not None:
            yield _owner(el), f"parameter '{el.get('id', '')}'", el.get("value"), False
        elif kind is not None:
            text = el.text or ""
            if text.strip() or el.tag in _MUST_HAVE_TEXT:
                yield _owner(el), kind, text, is_script


def _check_expressions(root) -> list[Problem]:
    problems = []
    for owner, kind, text, is_script in _expression_texts(root):
        if not text.strip():
            problems.append(_p("expression.syntax", owner, f"{kind} kosong; isi ekspresi Python yang valid."))
            continue
        issue = check_script(text) if is_script else check_expression(text)
        if issue is None:
            continue
        snippet = " ".join(text.split())
        snippet = snippet if len(snippet) <= 60 else snippet[:57] + "..."
        fix = (f"perbaiki sintaks '{snippet}'" if issue.code == "expression.syntax" else
               "gunakan hanya variabel, konstanta, perbandingan, and/or/not dan fungsi len, str, int, "
               "float, bool, min, max, abs, round, sum, any, all, sorted")
        problems.append(_p(issue.code, owner, f"{kind} {issue.detail}; {fix}."))
    return problems


# ---------------------------------------------------------------- 9. gateways
def _check_gateways(proc) -> list[Problem]:
    outgoing = defaultdict(list)
    for flow in proc.iter(_q("sequenceFlow")):
        outgoing[flow.get("sourceRef")].append(flow)
    problems = []
    for gw in proc.iter(_q("exclusiveGateway"), _q("inclusiveGateway")):
        gid, flows = gw.get("id"), outgoing.get(gw.get("id"), [])
        if len(flows) < 2:
            continue
        default = gw.get("default")
        if not default:
            problems.append(_p("gateway.no_default", gid, f"gateway dengan {len(flows)} jalur keluar tanpa alur "
                                                          "default; tandai satu jalur sebagai default."))
        elif default not in {f.get("id") for f in flows}:
            problems.append(_p("gateway.default_invalid", gid, f"alur default '{default}' bukan jalur keluar "
                                                               "gateway ini; pilih salah satu jalur keluarnya."))
        seen: list[tuple[str, str]] = []
        for flow in flows:
            fid, cond = flow.get("id"), (flow.findtext(_q("conditionExpression")) or "").strip()
            if fid == default and cond:
                problems.append(_p("gateway.default_has_condition", fid, f"alur default dari gateway '{gid}' "
                                                                         "memuat kondisi; hapus kondisinya."))
            elif fid != default and not cond:
                problems.append(_p("gateway.condition_missing", fid, f"jalur keluar gateway '{gid}' tanpa kondisi; "
                                                                     "isi kondisi atau jadikan alur default."))
            elif cond and gw.tag == _q("exclusiveGateway"):
                twin = next((other for other, text in seen if same_expression(text, cond)), None)
                if twin:
                    problems.append(_p("gateway.condition_duplicate", fid,
                                       f"kondisi sama dengan jalur '{twin}'; buat kondisi yang saling lepas."))
                seen.append((fid, cond))
    return problems


# ---------------------------------------------------------------- header and entry point
_NUMBERED = re.compile(r"(?P<base>.+)_(?P<n>\d+)")


def _sop_header(proc) -> dict:
    header, lists = {}, defaultdict(list)
    for name, value in _properties(proc).items():
        match = _NUMBERED.fullmatch(name[4:]) if name.startswith("sop_") else None
        if match:
            lists[match["base"]].append((int(match["n"]), value))
        elif name.startswith("sop_"):
            header[name[4:]] = value
    for base, items in lists.items():
        header[base] = [value for _, value in sorted(items)]
    return header


def inspect_definition(xml: bytes, *, form_keys: Collection[str], lane_roles: Collection[str],
                       max_bytes: int = DEFAULT_MAX_BYTES) -> InspectedDefinition:
    form_keys, lane_roles = frozenset(form_keys), frozenset(lane_roles)
    data, tree = parse_safely(xml, max_bytes=max_bytes)            # 1 (raises on its own)
    xsd_problems = validate_xsd(tree)                               # 2
    if xsd_problems:
        raise DefinitionRejected(xsd_problems)
    root = tree.getroot()
    ref_problems = check_references(root)                           # 3
    proc, proc_problems = _find_process(root)                       # 4
    if proc is None:
        raise DefinitionRejected(ref_problems + proc_problems)
    process_id = proc.get("id")
    expr_problems = _check_expressions(root)                        # 8 (run before any parse)
    lanes, placed, lane_problems = _check_lanes(proc, lane_roles)   # 6
    steps, task_problems = _check_user_tasks(proc, placed, form_keys)   # 7
    gateway_problems = _check_gateways(proc) + _check_reserved_ids(proc)   # 9
    spec, subprocess_specs, parse_problems = None, {}, []
    if not ref_problems and not expr_problems:                      # 5
        spec, subprocess_specs, parse_problems = parse_with_spiff(tree, proc)
    problems = (ref_problems + parse_problems + lane_problems + task_problems
                + expr_problems + gateway_problems)
    if problems:
        raise DefinitionRejected(problems)
    participant = root.find(f"{_q('collaboration')}/{_q('participant')}[@processRef='{process_id}']")
    name = proc.get("name") or (participant.get("name") if participant is not None else None) or process_id
    timers = tuple(el.get("id") for el in proc.iter(etree.Element)
                   if el.find(_q("timerEventDefinition")) is not None and el.get("id"))
    return InspectedDefinition(
        sha256=hashlib.sha256(data).hexdigest(), process_id=process_id, name=name, spec=spec,
        subprocess_specs=subprocess_specs, lanes=lanes, steps=steps, sop_header=_sop_header(proc),
        timers=timers)
