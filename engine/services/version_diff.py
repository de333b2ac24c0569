"""What changed between two versions of a process, in words a process owner can read and as the
BPMN ids to mark on both diagrams.

Steps (user tasks) are compared on the Mutu Baku stored with each version (DefinitionInfo.steps,
keyed by BPMN id); the rest of the flow (gateways, events, other tasks, sequence flows and their
conditions) on the stored BPMN text, read with the hardened parser (parse_safely). Not
SpiffWorkflow's SpecDiff: it compares compiled task specs, aligns a deleted task with a new one
that has the same neighbours (a removal and an addition would read as a "change"), and knows
nothing of names, lanes or diagram ids; the owner thinks in the diagram's elements, so the diff
keys on BPMN ids exactly as the modeler shows them. Conditions are compared as written.
"""
from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from engine.bpmn.safe_xml import BPMN_NS, DEFAULT_MAX_BYTES, parse_safely
from engine.case import Actor
from engine.context import EngineContext
from engine.diff_views import ADDED, CHANGED, REMOVED, DiffEntry, PropertyChange, VersionDiff
from engine.services import modeling
from engine.views import DefinitionInfo

# Kinds of flow node other than the SOP's steps, with how an owner calls them.
NODE_KINDS = {
    "startEvent": "Event awal", "endEvent": "Event akhir", "intermediateCatchEvent": "Event antara",
    "intermediateThrowEvent": "Event antara (lempar)", "boundaryEvent": "Event batas",
    "exclusiveGateway": "Gateway eksklusif", "parallelGateway": "Gateway paralel",
    "inclusiveGateway": "Gateway inklusif", "eventBasedGateway": "Gateway berbasis event",
    "complexGateway": "Gateway kompleks", "task": "Tugas", "userTask": "Tugas pengguna",
    "manualTask": "Tugas manual", "scriptTask": "Tugas skrip", "serviceTask": "Tugas layanan",
    "sendTask": "Tugas kirim", "receiveTask": "Tugas terima", "businessRuleTask": "Tugas aturan bisnis",
    "callActivity": "Pemanggilan proses", "subProcess": "Subproses",
}
EVENT_DEFINITIONS = {
    "timerEventDefinition": "timer", "messageEventDefinition": "pesan", "signalEventDefinition": "sinyal",
    "errorEventDefinition": "galat", "escalationEventDefinition": "eskalasi",
    "terminateEventDefinition": "penghentian", "conditionalEventDefinition": "kondisi",
}
# The Mutu Baku and the rest of a step, in the order the SOP table reads (lane and waktu apart).
STEP_PROPERTIES = (("name", "Nama"), ("lane", "Lajur"), ("sop_step", "Nomor langkah"),
                   ("kelengkapan", "Kelengkapan"), ("waktu", "Waktu"), ("output", "Output"),
                   ("keterangan", "Keterangan"), ("form_key", "Formulir"), ("symbol", "Simbol"),
                   ("documentation", "Uraian"))
HEADER_LABELS = {
    "nomor": "Nomor SOP", "judul": "Judul", "unit": "Unit kerja", "instansi": "Instansi",
    "tanggal_pembuatan": "Tanggal pembuatan", "tanggal_revisi": "Tanggal revisi",
    "tanggal_efektif": "Tanggal efektif", "disahkan_oleh": "Disahkan oleh", "disahkan_jabatan": "Jabatan pengesah",
    "disahkan_nrp": "NRP pengesah", "dasar_hukum": "Dasar hukum", "kualifikasi_pelaksana": "Kualifikasi pelaksana",
    "keterkaitan": "Keterkaitan", "peralatan": "Peralatan/perlengkapan", "peringatan": "Peringatan",
    "pencatatan": "Pencatatan dan pendataan",
}
SUBJECT_ORDER = {"step": 0, "lane": 1, "node": 2, "flow": 3, "header": 4}
SHORT_CHANGE = 90  # old + new up to this many characters fit in the sentence itself


def _q(tag: str) -> str:
    return f"{{{BPMN_NS}}}{tag}"


# -- reading a version's BPMN ------------------------------------------------------------------
@dataclass(frozen=True)
class _Node:
    id: str
    kind: str  # localname, a key of NODE_KINDS
    name: str
    lane: str  # lane id, "" when in no lane
    event: str  # e.g. "timer PT5M", "" for none


@dataclass(frozen=True)
class _Flow:
    id: str
    name: str
    source: str
    target: str
    condition: str
    default: bool


@dataclass(frozen=True)
class _Side:
    """One version as the diff reads it."""
    info: DefinitionInfo
    nodes: dict[str, _Node]
    flows: dict[str, _Flow]

    def lane_name(self, lane_id: str) -> str:
        return next((lane["name"] for lane in self.info.lanes if lane["id"] == lane_id), lane_id)

    def describe(self, element_id: str) -> str:
        """How the sentence names an element of this version."""
        step = self.info.steps.get(element_id)
        if step is not None:
            return f"langkah {step['sop_step']} '{step['name']}'"
        node = self.nodes.get(element_id)
        if node is None:
            return element_id
        kind = NODE_KINDS.get(node.kind, node.kind).lower()
        return f"{kind} '{node.name}'" if node.name else f"{kind} {node.id}"


def _text(element) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""


def _read(info: DefinitionInfo, xml: str) -> _Side:
    data = xml.encode("utf-8")
    # A stored version passed the deploy checks under the configured size limit, which may exceed
    # the default one: size is the upload's concern, the safe parse (no DTD, no entities) is ours.
    _, tree = parse_safely(data, max_bytes=max(len(data), DEFAULT_MAX_BYTES))
    processes = tree.getroot().findall(_q("process"))
    proc = next((p for p in processes if p.get("id") == info.process_key), processes[0] if processes else None)
    if proc is None:
        return _Side(info, {}, {})
    lane_of = {_text(ref): lane.get("id") for lane in proc.iter(_q("lane")) for ref in lane.findall(_q("flowNodeRef"))}
    defaults = {element.get("default") for element in proc.iter(etree.Element) if element.get("default")}
    nodes, flows = {}, {}
    for element in proc.iter(etree.Element):
        kind = etree.QName(element).localname
        element_id = element.get("id")
        if not element_id or etree.QName(element).namespace != BPMN_NS:
            continue
        name = " ".join((element.get("name") or "").split())
        if kind in NODE_KINDS:
            nodes[element_id] = _Node(element_id, kind, name, lane_of.get(element_id, ""), _event(element))
        elif kind == "sequenceFlow":
            flows[element_id] = _Flow(element_id, name, element.get("sourceRef") or "", element.get("targetRef") or "",
                                      _text(element.find(_q("conditionExpression"))), element_id in defaults)
    return _Side(info, nodes, flows)


def _event(element) -> str:
    for child in element:
        kind = EVENT_DEFINITIONS.get(etree.QName(child).localname) if isinstance(child.tag, str) else None
        if kind:
            detail = " ".join(_text(part) for part in child if isinstance(part.tag, str) and _text(part))
            return f"{kind} {detail}".strip()
    return ""


# -- words -------------------------------------------------------------------------------------
def duration_words(seconds: int | None, iso: str = "") -> str:
    """PT2M -> "2 menit", 5400 s -> "1 jam 30 menit" (the SOP's Waktu column)."""
    if seconds is None:
        return iso
    if seconds == 0:
        return "0 menit"
    parts = []
    for size, unit in ((86400, "hari"), (3600, "jam"), (60, "menit"), (1, "detik")):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count} {unit}")
    return " ".join(parts)


def _shown(value: str) -> str:
    return value if value else "(kosong)"


def _part(change: PropertyChange) -> str:
    """One change inside a sentence: short values in full, long ones by their label (the table
    beside the sentence shows them)."""
    if len(change.old) + len(change.new) > SHORT_CHANGE:
        return change.label
    quote = (lambda v: f"'{v}'" if v else "(kosong)") if change.label == "Nama" else _shown
    return f"{change.label} {quote(change.old)} → {quote(change.new)}"


def _changed_sentence(subject: str, changes: list[PropertyChange]) -> str:
    return f"{_capital(subject)} diubah: {'; '.join(_part(c) for c in changes)}."


def _property_changes(old: dict[str, str], new: dict[str, str], labels, old_key: dict | None = None,
                      new_key: dict | None = None) -> list[PropertyChange]:
    """The shown old -> new of each property that differs; compared on old_key / new_key when given
    (ids and lengths rather than the names and words shown)."""
    old_key, new_key = (old if old_key is None else old_key), (new if new_key is None else new_key)
    return [PropertyChange(label, old.get(key, ""), new.get(key, ""))
            for key, label in labels if old_key.get(key, "") != new_key.get(key, "")]


# -- steps -------------------------------------------------------------------------------------
def _step_values(step: dict) -> dict[str, str]:
    """A step's properties as shown; lane and waktu keyed so that only real changes differ: the lane
    by id (a renamed lane is one lane change, not one per step), the waktu by its length."""
    values = {key: str(step.get(key) or "") for key, _ in STEP_PROPERTIES}
    values["lane"] = step.get("lane_id") or ""
    values["waktu"] = str(step.get("waktu_seconds", step.get("waktu", "")))
    return values


def _step_shown(step: dict, values: dict[str, str], side: _Side) -> dict[str, str]:
    shown = dict(values)
    shown["lane"] = step.get("lane_name") or side.lane_name(values["lane"])
    shown["waktu"] = duration_words(step.get("waktu_seconds"), step.get("waktu", ""))
    return shown


def _step_key(step: dict) -> tuple:
    try:
        number = int(step.get("sop_step"))
    except (TypeError, ValueError):
        number = 0
    return (number, step.get("name") or "", step.get("bpmn_id") or "")


def _steps(old: _Side, new: _Side) -> list[tuple[tuple, DiffEntry]]:
    entries = []
    before, after = old.info.steps, new.info.steps
    for bpmn_id in after.keys() - before.keys():
        step = after[bpmn_id]
        extras = [f"Waktu {duration_words(step.get('waktu_seconds'), step.get('waktu', ''))}"]
        if step.get("form_key"):
            extras.append(f"formulir {step['form_key']}")
        lane = step.get("lane_name") or new.lane_name(step.get("lane_id", ""))
        sentence = f"Langkah {step['sop_step']} '{step['name']}' ditambahkan di lajur {lane} ({', '.join(extras)})."
        entries.append((_step_key(step), DiffEntry(ADDED, "step", bpmn_id, sentence)))
    for bpmn_id in before.keys() - after.keys():
        step = before[bpmn_id]
        lane = step.get("lane_name") or old.lane_name(step.get("lane_id", ""))
        sentence = f"Langkah {step['sop_step']} '{step['name']}' dihapus dari lajur {lane}."
        entries.append((_step_key(step), DiffEntry(REMOVED, "step", bpmn_id, sentence)))
    for bpmn_id in before.keys() & after.keys():
        was, now = before[bpmn_id], after[bpmn_id]
        was_values, now_values = _step_values(was), _step_values(now)
        changes = _property_changes(_step_shown(was, was_values, old), _step_shown(now, now_values, new),
                                    STEP_PROPERTIES, was_values, now_values)
        if not changes:
            continue
        # Named as it was: "Langkah 2 'old' diubah: Nama 'old' -> 'new'" reads as the edit did.
        subject = f"langkah {was['sop_step']} '{was['name']}'"
        entries.append((_step_key(now), DiffEntry(CHANGED, "step", bpmn_id, _changed_sentence(subject, changes),
                                                  tuple(changes))))
    return entries


# -- lanes, nodes, flows, header ----------------------------------------------------------------
def _lanes(old: _Side, new: _Side) -> list[tuple[tuple, DiffEntry]]:
    before = {lane["id"]: lane for lane in old.info.lanes}
    after = {lane["id"]: lane for lane in new.info.lanes}
    entries = []
    for lane_id, lane in after.items():
        if lane_id not in before:
            role = f" (peran {lane['role']})" if lane.get("role") else ""
            entries.append(((lane["name"],), DiffEntry(ADDED, "lane", lane_id,
                                                       f"Lajur '{lane['name']}' ditambahkan{role}.")))
            continue
        was = before[lane_id]
        changes = _property_changes({k: str(was.get(k) or "") for k in ("name", "role")},
                                    {k: str(lane.get(k) or "") for k in ("name", "role")},
                                    (("name", "Nama"), ("role", "Peran")))
        if changes:
            entries.append(((lane["name"],), DiffEntry(CHANGED, "lane", lane_id,
                                                       _changed_sentence(f"lajur '{was['name']}'", changes),
                                                       tuple(changes))))
    for lane_id in before.keys() - after.keys():
        entries.append(((before[lane_id]["name"],),
                        DiffEntry(REMOVED, "lane", lane_id, f"Lajur '{before[lane_id]['name']}' dihapus.")))
    return entries


def _node_values(node: _Node, side: _Side | None = None) -> dict[str, str]:
    """Without a side: what is compared (the lane by id); with one: what is shown (its name)."""
    lane = side.lane_name(node.lane) if side is not None and node.lane else node.lane
    return {"name": node.name, "kind": NODE_KINDS.get(node.kind, node.kind), "lane": lane, "event": node.event}


NODE_PROPERTIES = (("name", "Nama"), ("kind", "Jenis"), ("lane", "Lajur"), ("event", "Definisi event"))


def _nodes(old: _Side, new: _Side) -> list[tuple[tuple, DiffEntry]]:
    steps = old.info.steps.keys() | new.info.steps.keys()
    before = {k: v for k, v in old.nodes.items() if k not in steps}
    after = {k: v for k, v in new.nodes.items() if k not in steps}
    entries = []
    for node_id in after.keys() - before.keys():
        node = after[node_id]
        where = f" di lajur {new.lane_name(node.lane)}" if node.lane else ""
        sentence = f"{_capital(new.describe(node_id))} ditambahkan{where}."
        entries.append(((node.kind, node_id), DiffEntry(ADDED, "node", node_id, sentence)))
    for node_id in before.keys() - after.keys():
        entries.append(((before[node_id].kind, node_id),
                        DiffEntry(REMOVED, "node", node_id, f"{_capital(old.describe(node_id))} dihapus.")))
    for node_id in before.keys() & after.keys():
        changes = _property_changes(_node_values(before[node_id], old), _node_values(after[node_id], new),
                                    NODE_PROPERTIES, _node_values(before[node_id]), _node_values(after[node_id]))
        if changes:
            entries.append(((after[node_id].kind, node_id),
                            DiffEntry(CHANGED, "node", node_id,
                                      _changed_sentence(old.describe(node_id), changes), tuple(changes))))
    return entries


def _flow_words(flow: _Flow, side: _Side) -> str:
    named = f" '{flow.name}'" if flow.name else ""
    return f"alur{named} dari {side.describe(flow.source)} ke {side.describe(flow.target)}"


def _flows(old: _Side, new: _Side) -> list[tuple[tuple, DiffEntry]]:
    entries = []
    for flow_id in new.flows.keys() - old.flows.keys():
        flow = new.flows[flow_id]
        how = (f", dengan kondisi {flow.condition}" if flow.condition else "") + \
              (", sebagai alur default" if flow.default else "")
        entries.append(((flow_id,), DiffEntry(ADDED, "flow", flow_id,
                                              f"{_capital(_flow_words(flow, new))} ditambahkan{how}.")))
    for flow_id in old.flows.keys() - new.flows.keys():
        entries.append(((flow_id,), DiffEntry(REMOVED, "flow", flow_id,
                                              f"{_capital(_flow_words(old.flows[flow_id], old))} dihapus.")))
    for flow_id in old.flows.keys() & new.flows.keys():
        was, now = old.flows[flow_id], new.flows[flow_id]
        # Ends compared by id (a renamed step is not a rewired flow), shown by name.
        changes = _property_changes(_flow_shown(was, old), _flow_shown(now, new), FLOW_PROPERTIES,
                                    _flow_shown(was), _flow_shown(now))
        if not changes:
            continue
        entries.append(((flow_id,), DiffEntry(CHANGED, "flow", flow_id, _flow_changed_sentence(now, new, changes),
                                              tuple(changes))))
    return entries


def _flow_changed_sentence(flow: _Flow, side: _Side, changes: list[PropertyChange]) -> str:
    """A rewired end reads as where the flow came from or went before; the rest as any change."""
    before = {"Dari": "sebelumnya dari", "Ke": "sebelumnya ke"}
    parts = [f"{before[c.label]} {c.old}" if c.label in before else _part(c) for c in changes]
    return f"{_capital(_flow_words(flow, side))} diubah: {'; '.join(parts)}."


FLOW_PROPERTIES = (("name", "Nama"), ("source", "Dari"), ("target", "Ke"), ("condition", "Kondisi"),
                   ("default", "Alur default"))


def _flow_shown(flow: _Flow, side: _Side | None = None) -> dict[str, str]:
    """Without a side: what is compared (ends by id); with one: what is shown (ends by name)."""
    name = side.describe if side is not None else str
    return {"name": flow.name, "source": name(flow.source), "target": name(flow.target),
            "condition": flow.condition, "default": "ya" if flow.default else "tidak"}


def _header_value(value) -> str:
    if isinstance(value, list):
        return "\n".join(f"{n}. {item}" for n, item in enumerate(value, 1))
    return "" if value is None else str(value)


def _header(old: _Side, new: _Side) -> list[tuple[tuple, DiffEntry]]:
    before = {"_name": old.info.name, **{k: _header_value(v) for k, v in (old.info.sop_header or {}).items()}}
    after = {"_name": new.info.name, **{k: _header_value(v) for k, v in (new.info.sop_header or {}).items()}}
    labels = [("_name", "Nama proses")] + [(key, HEADER_LABELS.get(key, key.replace("_", " ").capitalize()))
                                           for key in _ordered(before.keys() | after.keys())]
    changes = _property_changes(before, after, labels)
    if not changes:
        return []
    return [((0,), DiffEntry(CHANGED, "header", None, _changed_sentence("kepala SOP", changes), tuple(changes)))]


def _ordered(keys) -> list[str]:
    order = list(HEADER_LABELS)
    return sorted((k for k in keys if k != "_name"), key=lambda k: (order.index(k) if k in order else len(order), k))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# -- the comparison and the use case ------------------------------------------------------------
def compare(old: DefinitionInfo, old_xml: str, new: DefinitionInfo, new_xml: str) -> VersionDiff:
    """Pure: two versions (as the facade returns them, with their BPMN) -> what changed."""
    before, after = _read(old, old_xml), _read(new, new_xml)
    keyed = _steps(before, after) + _lanes(before, after) + _nodes(before, after) + _flows(before, after) \
        + _header(before, after)
    keyed.sort(key=lambda pair: (SUBJECT_ORDER[pair[1].subject], pair[0]))
    return VersionDiff(process_key=new.process_key, name=new.name, from_version=old.version,
                       to_version=new.version, from_note=old.change_note, to_note=new.change_note,
                       entries=tuple(entry for _, entry in keyed))


def diff_versions(ctx: EngineContext, actor: Actor, process_key: str, from_number: int,
                  to_number: int) -> VersionDiff:
    old = modeling.version(ctx, actor, process_key, from_number)  # checks the role; NotFound
    new = modeling.version(ctx, actor, process_key, to_number)
    # Versions never change once published, so reading their texts apart from their rows is safe.
    with ctx.uow(write=False) as uow:
        old_xml, new_xml = uow.definitions.bpmn_xml(old.id), uow.definitions.bpmn_xml(new.id)
    return compare(old, old_xml, new, new_xml)
