"""The periodic digest of chain heads, as pure functions: no database, no clock.

A digest commits to the head (instance id, sequence number, hash) of every case's chain as of a
moment, `period_end`, and to the digest before it. Printed and kept outside the system, it makes
a consistent rewrite of a case's events *and* its chain head detectable: the heads recomputed
from today's events no longer give the printed hash.

The canonical form, byte for byte (UTF-8, which here is plain ASCII; every line ends in LF):

    alur-digest-v1
    <period_end: UTC, whole seconds, e.g. 2026-11-28T17:00:00Z>
    <prev_digest: 64 lowercase hex; 64 zeros for the first digest>
    instance_id,seq,hash
    <one line per case, by instance id ascending: 12,27,<64 hex>>

The digest is the SHA-256 of those bytes, in lowercase hex. The last four parts are exactly the
exported CSV file, so by hand:

    (printf 'alur-digest-v1\\n%s\\n%s\\n' 2026-11-28T17:00:00Z <prev_digest>; cat kepala.csv) | sha256sum
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from engine.ledger import GENESIS
from engine.office_calendar import WIB, utc_bounds

FORMAT = "alur-digest-v1"
FIRST_PREV = GENESIS  # what the first digest names as the one before it
CSV_HEADER = "instance_id,seq,hash"
HOW_TO_RECOMPUTE = ("(printf 'alur-digest-v1\\n%s\\n%s\\n' <period_end> <prev_digest>; cat <kepala.csv>) "
                    "| sha256sum")

Head = tuple[int, int, str]  # (instance id, seq, hash)

_HEX64 = re.compile(r"[0-9a-f]{64}")


def period_text(period_end: datetime) -> str:
    """The moment as the canonical form writes it: UTC, whole seconds, a Z."""
    return as_utc(period_end).strftime("%Y-%m-%dT%H:%M:%SZ")


def as_utc(moment: datetime) -> datetime:
    # SQLite hands datetimes back naive; everything stored is UTC.
    moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    return moment.replace(microsecond=0)


def heads_csv(heads: list[Head]) -> str:
    """The exported CSV: a header, then one line per case by instance id, LF line ends."""
    return CSV_HEADER + "\n" + "".join(f"{i},{s},{h}\n" for i, s, h in sorted(heads))


def canonical_text(period_end: datetime, prev_digest: str, heads: list[Head]) -> str:
    return f"{FORMAT}\n{period_text(period_end)}\n{prev_digest}\n" + heads_csv(heads)


def root_hash(period_end: datetime, prev_digest: str, heads: list[Head]) -> str:
    return hashlib.sha256(canonical_text(period_end, prev_digest, heads).encode("ascii")).hexdigest()


# -- the office's days ----------------------------------------------------------------------
def day_end(day: date) -> datetime:
    """The end of a WIB day (the midnight after it), in UTC: 28 Nov -> 2026-11-28T17:00:00Z."""
    return utc_bounds(day, day)[1]


def wib_day(moment: datetime) -> date:
    return as_utc(moment).astimezone(WIB).date()


def closing_midnight(moment: datetime) -> datetime:
    """The first WIB midnight at or after `moment` (UTC): the end of the day that holds it. An
    event exactly at midnight belongs to the day before, as a digest takes `occurred_at <= end`."""
    local = moment.astimezone(WIB)
    midnight = datetime.combine(local.date(), time(0), WIB)
    if local > midnight:
        midnight = datetime.combine(local.date() + timedelta(days=1), time(0), WIB)
    return midnight.astimezone(timezone.utc)


# -- comparing heads ------------------------------------------------------------------------
@dataclass(frozen=True)
class HeadChange:
    instance_id: int
    kind: str  # rewritten / deleted / inserted / missing / new_case
    recorded: tuple[int, str] | None  # (seq, hash) in the digest
    found: tuple[int, str] | None  # (seq, hash) recomputed from today's events, as of period_end
    found_at_recorded_seq: str | None = None  # today's hash of the event the digest recorded

    @property
    def detail(self) -> str:
        """What changed, in Indonesian, without the kind (the pages show that as a badge)."""
        seq = self.recorded[0] if self.recorded else None
        if self.kind == "rewritten":
            return (f"kepala rantai #{seq} kini ber-hash lain dari yang tercatat di digest: satu atau lebih peristiwa "
                    f"sampai #{seq} diubah lalu hash-nya dihitung ulang")
        if self.kind == "deleted":
            return (f"digest mencatat kepala #{seq}, kini rantai pada periode itu hanya sampai "
                    f"#{self.found[0] if self.found else 0}")
        if self.kind == "inserted":
            first, last = seq + 1, self.found[0]
            added = f"#{first}" if first == last else f"#{first}–#{last}"
            return f"{added} bertanggal dalam periode digest tetapi tidak tercatat di dalamnya"
        if self.kind == "missing":
            return "digest mencatatnya, kini tidak ada peristiwanya pada periode itu"
        return f"peristiwa #1–#{self.found[0]} bertanggal dalam periode digest tetapi kasusnya tidak tercatat di dalamnya"

    @property
    def message(self) -> str:
        return f"{CHANGE_WORDS[self.kind]}: {self.detail}"


CHANGE_WORDS = {"rewritten": "riwayat ditulis ulang", "deleted": "peristiwa dihapus", "inserted": "peristiwa disisipkan",
                "missing": "kasus hilang", "new_case": "kasus baru bertanggal lampau"}


def compare_heads(recorded: list[Head], found: list[Head], hash_at: dict[tuple[int, int], str]) -> list[HeadChange]:
    """What differs between the heads a digest recorded and those recomputed now for the same
    period_end. `hash_at` holds today's hash of each (instance id, seq) the digest recorded whose
    head differs, to tell a rewrite from a deletion. Later events (after period_end) are not
    here at all: they are expected."""
    was = {i: (s, h) for i, s, h in recorded}
    now = {i: (s, h) for i, s, h in found}
    changes = []
    for instance_id in sorted(was.keys() | now.keys()):
        before, after = was.get(instance_id), now.get(instance_id)
        if before == after:
            continue
        if after is None:
            changes.append(HeadChange(instance_id, "missing", before, None))
        elif before is None:
            changes.append(HeadChange(instance_id, "new_case", None, after))
        else:
            at_seq = hash_at.get((instance_id, before[0]))
            if after[0] < before[0] and at_seq is None:
                kind = "deleted"
            elif after[0] > before[0] and at_seq == before[1]:
                kind = "inserted"
            else:
                kind = "rewritten"
            changes.append(HeadChange(instance_id, kind, before, after, at_seq))
    return changes


# -- the exported file ----------------------------------------------------------------------
def export_document(*, digest_id: int, period_end: datetime, created_at: datetime, created_by: str,
                    case_count: int, event_count: int, prev_digest: str, digest: str, heads: list[Head]) -> dict:
    return {
        "format": FORMAT, "id": digest_id, "period_end": period_text(period_end),
        "created_at": as_utc(created_at).isoformat().replace("+00:00", "Z"), "created_by": created_by,
        "case_count": case_count, "event_count": event_count, "prev_digest": prev_digest, "digest": digest,
        "heads": [list(h) for h in sorted(heads)],
        "recompute": HOW_TO_RECOMPUTE,
    }


def export_text(doc: dict) -> str:
    """The document as the downloaded file: readable, one head per line (10,000 cases ~ 0.9 MB)."""
    head = {k: v for k, v in doc.items() if k != "heads"}
    lines = json.dumps(head, ensure_ascii=False, indent=2)[:-2]  # without the closing "\n}"
    heads = ",\n".join("    " + json.dumps(h, separators=(",", ":")) for h in doc["heads"])
    return f'{lines},\n  "heads": [\n{heads}\n  ]\n}}\n' if heads else f'{lines},\n  "heads": []\n}}\n'


@dataclass(frozen=True)
class ExportedDigest:
    period_end: datetime
    prev_digest: str
    digest: str
    heads: list[Head]
    digest_id: int | None


class BadExport(ValueError):
    """An uploaded file that is not a digest exported by Alur (the message is Indonesian)."""


def parse_export(raw: bytes | str | dict) -> ExportedDigest:
    """An exported JSON file, read strictly: anything malformed is refused with a clear reason."""
    try:
        doc = raw if isinstance(raw, dict) else json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadExport("Berkas bukan JSON yang sah.") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise BadExport(f"Berkas bukan ekspor digest Alur (format harus {FORMAT}).")
    try:
        period_end = datetime.strptime(str(doc["period_end"]), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except (KeyError, ValueError):
        raise BadExport("Berkas tidak memuat period_end yang sah (contoh: 2026-11-28T17:00:00Z).") from None
    prev, digest = doc.get("prev_digest"), doc.get("digest")
    if not (isinstance(prev, str) and _HEX64.fullmatch(prev) and isinstance(digest, str) and _HEX64.fullmatch(digest)):
        raise BadExport("prev_digest dan digest dalam berkas harus 64 digit heksadesimal.")
    heads, seen = [], set()
    for item in doc.get("heads") if isinstance(doc.get("heads"), list) else [None]:
        if not (isinstance(item, list) and len(item) == 3 and all(type(v) is int for v in item[:2])
                and isinstance(item[2], str) and _HEX64.fullmatch(item[2])) or item[0] in seen:
            raise BadExport("Daftar heads dalam berkas rusak: tiap baris harus [id kasus, nomor, hash], "
                            "satu per kasus.")
        seen.add(item[0])
        heads.append((item[0], item[1], item[2]))
    digest_id = doc.get("id") if type(doc.get("id")) is int else None
    return ExportedDigest(period_end, prev, digest, sorted(heads), digest_id)


def normalise_root(typed: str) -> str:
    """A hash typed from paper: spaces, dashes and case do not matter (the page prints it in
    groups of eight)."""
    cleaned = re.sub(r"[\s\-:]", "", typed or "").lower()
    if not _HEX64.fullmatch(cleaned):
        raise BadExport("Hash digest harus 64 digit heksadesimal (0-9, a-f); spasi di antaranya boleh.")
    return cleaned


def groups_of_eight(hex_digest: str) -> list[str]:
    return [hex_digest[i:i + 8] for i in range(0, len(hex_digest), 8)]

