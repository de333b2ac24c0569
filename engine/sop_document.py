"""The official SOP document of one version, as data: the identity block from the process's sop_*
properties and the matrix (one row per SOP step number) with its flowchart.

Pure: no database, no Flask. The web renders it as HTML (and WeasyPrint as PDF); the flowchart is
described cell by cell (which symbol, which line segments), so a renderer can draw it with per-cell
backgrounds that stay joined whatever height each row takes on paper.

Layout follows the usual Indonesian SOP (Permenpan RB 35/2012): the first and the last row are
terminators, a step marked `sop_simbol = keputusan` is a decision diamond, any other a box. A row
with several tasks (the two step-7 tasks) takes the longest Waktu, since the tasks of one step are
alternatives or run side by side: the total is then the standard time of the longest path.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from engine.views import DefinitionInfo

TERMINATOR, ACTIVITY, DECISION = "terminator", "kegiatan", "keputusan"

# Line segments of one actor cell. The elbow between two rows whose actors differ runs along the
# top of the lower row, a little below the cell border so the border does not hide it.
IN = "in"                    # top edge -> centre: the arrow into this row's symbol, same column
IN_ELBOW = "in_elbow"        # elbow line -> centre: the arrow into this row's symbol after an elbow
OUT = "out"                  # centre -> bottom edge: out of this row's symbol
STUB = "stub"                # top edge -> elbow line: the previous row's column, where the elbow turns
ELBOW_LEFT = "elbow_left"    # elbow line from the left edge to the centre
ELBOW_RIGHT = "elbow_right"  # elbow line from the centre to the right edge
ELBOW_FULL = "elbow_full"    # elbow line across a column it passes
JOIN_LEFT = "join_left"      # centre line joining symbols of one row (tasks of one step in several lanes)
JOIN_RIGHT = "join_right"
JOIN_FULL = "join_full"


@dataclass(frozen=True)
class SopDate:
    """A header date: parsed when it is ISO (YYYY-MM-DD), else the text as the modeler wrote it."""
    value: date | None
    text: str

    def __bool__(self) -> bool:
        return bool(self.value or self.text)


@dataclass(frozen=True)
class SopHeader:
    instansi: str
    unit: str
    judul: str
    jenis: str                   # e.g. "Mikro" (optional sop_jenis)
    nomor: str
    tanggal_pembuatan: SopDate
    tanggal_revisi: SopDate
    tanggal_efektif: SopDate
    disahkan_oleh: str
    disahkan_jabatan: str
    disahkan_id_label: str       # "NRP" (police, the shipped SOP) or "NIP" (civil servant)
    disahkan_id: str
    dasar_hukum: tuple[str, ...]
    kualifikasi_pelaksana: tuple[str, ...]
    keterkaitan: tuple[str, ...]
    peralatan: tuple[str, ...]
    peringatan: tuple[str, ...]
    pencatatan: tuple[str, ...]


@dataclass(frozen=True)
class SopActor:
    lane_id: str
    name: str
    role: str | None


@dataclass(frozen=True)
class FlowCell:
    """One actor column of one row: its symbol (None: empty) and the lines drawn through it."""
    symbol: str | None = None
    segments: frozenset[str] = frozenset()
    arrow: bool = False          # an arrowhead right above the symbol

    @property
    def empty(self) -> bool:
        return self.symbol is None and not self.segments


@dataclass(frozen=True)
class SopRow:
    number: int
    bpmn_ids: tuple[str, ...]
    names: tuple[str, ...]            # the tasks' names (what the staff see in their inbox)
    activities: tuple[str, ...]       # the SOP's own wording (documentation, else the name), distinct
    actor_ids: tuple[str, ...]        # lanes of the row's tasks, in lane order
    actor_names: tuple[str, ...]
    kelengkapan: tuple[str, ...]
    waktu_seconds: int                # the longest task of the row
    waktu_iso: str
    output: tuple[str, ...]
    keterangan: tuple[str, ...]       # non-empty ones only
    symbol: str                       # terminator | kegiatan | keputusan
    column: int                       # the actor column the connectors leave from and arrive at
    cells: tuple[FlowCell, ...]       # one per actor column

    @property
    def kegiatan(self) -> str:
        return " ".join(self.activities)


@dataclass(frozen=True)
class Connector:
    from_number: int
    to_number: int
    from_column: int
    to_column: int

    @property
    def kind(self) -> str:
        return "lurus" if self.from_column == self.to_column else "siku"


@dataclass(frozen=True)
class SopDocument:
    process_key: str
    version: int
    status: str
    name: str
    sha256: str
    created_at: datetime
    created_by: str
    change_note: str
    header: SopHeader
    actors: tuple[SopActor, ...]
    rows: tuple[SopRow, ...]
    connectors: tuple[Connector, ...]

    @property
    def total_waktu_seconds(self) -> int:
        return sum(row.waktu_seconds for row in self.rows)


def build(definition: DefinitionInfo) -> SopDocument:
    steps = list(definition.steps.values())
    lane_order = {lane["id"]: index for index, lane in enumerate(definition.lanes)}
    used_lanes = {step["lane_id"] for step in steps}
    # Lanes holding only events or gateways have nothing to mark in the matrix.
    actors = tuple(SopActor(lane["id"], lane["name"], lane.get("role"))
                   for lane in definition.lanes if lane["id"] in used_lanes)
    column_of = {actor.lane_id: index for index, actor in enumerate(actors)}

    by_number: dict[int, list[dict]] = {}
    for step in steps:
        by_number.setdefault(int(step["sop_step"]), []).append(step)
    numbers = sorted(by_number)
    grouped = [sorted(by_number[n], key=lambda s: (lane_order.get(s["lane_id"], len(lane_order)), s["bpmn_id"]))
               for n in numbers]

    columns = [sorted({column_of[s["lane_id"]] for s in group}) for group in grouped]
    primary = [cols[0] for cols in columns]
    cells = _flow_cells(len(actors), columns, primary)
    rows = tuple(_row(number, group, index, len(numbers), primary[index], cells[index], actors)
                 for index, (number, group) in enumerate(zip(numbers, grouped)))
    connectors = tuple(Connector(rows[i].number, rows[i + 1].number, primary[i], primary[i + 1])
                       for i in range(len(rows) - 1))
    return SopDocument(
        process_key=definition.process_key, version=definition.version, status=definition.status,
        name=definition.name, sha256=definition.sha256, created_at=definition.created_at,
        created_by=definition.created_by, change_note=definition.change_note,
        header=_header(definition.sop_header, definition.name), actors=actors, rows=rows, connectors=connectors)


def _row(number, group, index, count, column, cells, actors) -> SopRow:
    longest = max(group, key=lambda s: int(s["waktu_seconds"]))
    if index in (0, count - 1):
        symbol = TERMINATOR
    elif any(s.get("symbol") == DECISION for s in group):
        symbol = DECISION
    else:
        symbol = ACTIVITY
    actor_ids = _distinct(s["lane_id"] for s in group)
    names = {actor.lane_id: actor.name for actor in actors}
    return SopRow(
        number=number, bpmn_ids=tuple(s["bpmn_id"] for s in group), names=_distinct(s["name"] for s in group),
        activities=_distinct((s.get("documentation") or "").strip() or s["name"] for s in group),
        actor_ids=actor_ids, actor_names=tuple(names[lane] for lane in actor_ids),
        kelengkapan=_distinct(s["kelengkapan"] for s in group),
        waktu_seconds=int(longest["waktu_seconds"]), waktu_iso=longest["waktu"],
        output=_distinct(s["output"] for s in group),
        keterangan=_distinct(s["keterangan"] for s in group if (s.get("keterangan") or "").strip()),
        symbol=symbol, column=column,
        cells=tuple(FlowCell(symbol if c["symbol"] else None, frozenset(c["segments"]), c["arrow"])
                    for c in cells))


def _flow_cells(width: int, columns: list[list[int]], primary: list[int]) -> list[list[dict]]:
    grid = [[{"symbol": False, "segments": set(), "arrow": False} for _ in range(width)] for _ in columns]
    last = len(columns) - 1
    for r, cols in enumerate(columns):
        row, here = grid[r], primary[r]
        for c in cols:
            row[c]["symbol"] = True
        _span(row, cols[0], cols[-1], JOIN_LEFT, JOIN_RIGHT, JOIN_FULL)
        if r < last:
            row[here]["segments"].add(OUT)
        if r == 0:
            continue
        row[here]["arrow"] = True
        before = primary[r - 1]
        if before == here:
            row[here]["segments"].add(IN)
        else:
            row[before]["segments"].add(STUB)
            row[here]["segments"].add(IN_ELBOW)
            _span(row, min(before, here), max(before, here), ELBOW_LEFT, ELBOW_RIGHT, ELBOW_FULL)
    return grid


def _span(row, left: int, right: int, ends_left: str, starts_right: str, full: str) -> None:
    """A horizontal line from the centre of column `left` to the centre of column `right`."""
    if left == right:
        return
    row[left]["segments"].add(starts_right)
    row[right]["segments"].add(ends_left)
    for c in range(left + 1, right):
        row[c]["segments"].add(full)


def _distinct(values) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        text = " ".join(str(value).split())
        if text:
            seen.setdefault(text, None)
    return tuple(seen)


def _header(raw: dict, process_name: str) -> SopHeader:
    def text(key: str) -> str:
        return " ".join(str(raw.get(key) or "").split())

    def items(key: str) -> tuple[str, ...]:
        value = raw.get(key) or ()
        return _distinct([value] if isinstance(value, str) else value)

    id_label, id_value = ("NIP", text("disahkan_nip")) if text("disahkan_nip") else ("NRP", text("disahkan_nrp"))
    return SopHeader(
        instansi=text("instansi"), unit=text("unit"), judul=text("judul") or process_name, jenis=text("jenis"),
        nomor=text("nomor"), tanggal_pembuatan=_date(text("tanggal_pembuatan")),
        tanggal_revisi=_date(text("tanggal_revisi")), tanggal_efektif=_date(text("tanggal_efektif")),
        disahkan_oleh=text("disahkan_oleh"), disahkan_jabatan=text("disahkan_jabatan"),
        disahkan_id_label=id_label, disahkan_id=id_value,
        dasar_hukum=items("dasar_hukum"), kualifikasi_pelaksana=items("kualifikasi_pelaksana"),
        keterkaitan=items("keterkaitan"), peralatan=items("peralatan"), peringatan=items("peringatan"),
        pencatatan=items("pencatatan"))


def _date(value: str) -> SopDate:
    try:
        return SopDate(date.fromisoformat(value), value)
    except ValueError:
        return SopDate(None, value)
