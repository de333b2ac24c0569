"""The digest maths on its own: the canonical form (recomputed with the shell's sha256sum, as the
documentation tells an auditor to), WIB days, comparing heads and reading an exported file."""
from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, datetime, timezone

import pytest

from engine import digest as maths
from engine.ledger import GENESIS

END = datetime(2026, 11, 28, 17, 0, tzinfo=timezone.utc)  # midnight WIB, 29 Nov
HEADS = [(12, 27, "a" * 64), (3, 9, "b" * 64), (7, 1, "c" * 64)]


def test_the_canonical_form_is_the_documented_text():
    assert maths.canonical_text(END, GENESIS, HEADS) == (
        "alur-digest-v1\n2026-11-28T17:00:00Z\n" + GENESIS + "\n"
        "instance_id,seq,hash\n3,9," + "b" * 64 + "\n7,1," + "c" * 64 + "\n12,27," + "a" * 64 + "\n")


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs coreutils' sha256sum")
def test_sha256sum_of_the_exported_csv_gives_the_root(tmp_path):
    csv = tmp_path / "kepala.csv"
    csv.write_text(maths.heads_csv(HEADS), encoding="ascii", newline="")
    prev = "d" * 64
    shell = f"(printf 'alur-digest-v1\\n%s\\n%s\\n' 2026-11-28T17:00:00Z {prev}; cat {csv}) | sha256sum"
    out = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, check=True).stdout
    assert out.split()[0] == maths.root_hash(END, prev, HEADS)


def test_the_root_covers_every_part():
    root = maths.root_hash(END, GENESIS, HEADS)
    assert root != maths.root_hash(END.replace(hour=18), GENESIS, HEADS)
    assert root != maths.root_hash(END, "1" * 64, HEADS)
    assert root != maths.root_hash(END, GENESIS, HEADS[:2])
    assert root != maths.root_hash(END, GENESIS, [(12, 28, "a" * 64)] + HEADS[1:])
    assert root == maths.root_hash(END.replace(microsecond=999), GENESIS, list(reversed(HEADS)))


def test_a_wib_day_ends_at_17_utc():
    assert maths.day_end(date(2026, 11, 28)) == END
    assert maths.wib_day(datetime(2026, 11, 28, 16, 59, tzinfo=timezone.utc)) == date(2026, 11, 28)
    assert maths.wib_day(datetime(2026, 11, 28, 17, 0, tzinfo=timezone.utc)) == date(2026, 11, 29)


@pytest.mark.parametrize("moment, closes", [
    (datetime(2026, 11, 28, 16, 59, 59, 999999, tzinfo=timezone.utc), END),  # 23:59:59.999999 WIB
    (END, END),  # exactly midnight belongs to the day before (occurred_at <= period_end)
    (datetime(2026, 11, 28, 17, 0, 0, 1, tzinfo=timezone.utc), datetime(2026, 11, 29, 17, tzinfo=timezone.utc)),
    (datetime(2026, 11, 28, 0, 30, tzinfo=timezone.utc), END),  # 07:30 WIB, same day
])
def test_the_closing_midnight_of_a_moment(moment, closes):
    assert maths.closing_midnight(moment) == closes


def test_compare_heads_names_each_kind_of_change():
    recorded = [(1, 5, "h5"), (2, 5, "x5"), (3, 5, "y5"), (4, 5, "z5"), (5, 3, "w3")]
    found = [(1, 5, "h5"), (2, 5, "X5"), (3, 4, "y4"), (4, 7, "z7"), (6, 1, "n1")]
    hash_at = {(2, 5): "X5", (4, 5): "z5"}  # case 3's #5 is gone
    changes = {c.instance_id: c.kind for c in maths.compare_heads(recorded, found, hash_at)}
    assert changes == {2: "rewritten", 3: "deleted", 4: "inserted", 5: "missing", 6: "new_case"}


def test_compare_heads_message_names_the_event():
    [change] = maths.compare_heads([(4, 5, "z5")], [(4, 7, "z7")], {(4, 5): "z5"})
    assert change.message.startswith("peristiwa disisipkan: #6–#7")


def export(**changes) -> dict:
    doc = maths.export_document(digest_id=3, period_end=END, created_at=END, created_by="auditor", case_count=3,
                                event_count=37, prev_digest=GENESIS, digest=maths.root_hash(END, GENESIS, HEADS),
                                heads=HEADS)
    return {**json.loads(json.dumps(doc)), **changes}


def test_an_export_reads_back():
    parsed = maths.parse_export(json.dumps(export()).encode())
    assert (parsed.period_end, parsed.heads, parsed.digest_id) == (END, sorted(HEADS), 3)
    assert maths.root_hash(parsed.period_end, parsed.prev_digest, parsed.heads) == parsed.digest


@pytest.mark.parametrize("raw, says", [
    (b"not json", "bukan JSON"),
    (json.dumps({"format": "other"}).encode(), "bukan ekspor digest Alur"),
    (json.dumps(export(period_end="kemarin")).encode(), "period_end"),
    (json.dumps(export(digest="xyz")).encode(), "64 digit"),
    (json.dumps(export(heads=[[1, 2]])).encode(), "heads"),
    (json.dumps(export(heads=[[1, 2, "a" * 64], [1, 3, "b" * 64]])).encode(), "satu per kasus"),
])
def test_a_malformed_export_is_refused_in_indonesian(raw, says):
    with pytest.raises(maths.BadExport, match=says):
        maths.parse_export(raw)


def test_a_typed_root_may_have_spaces_and_capitals():
    root = "ab12cd34" * 8
    assert maths.normalise_root(" ".join(maths.groups_of_eight(root.upper()))) == root
    with pytest.raises(maths.BadExport, match="64 digit"):
        maths.normalise_root(root[:-1])


def test_the_exported_file_is_readable_json_one_head_a_line():
    doc = export()
    text = maths.export_text(doc)
    assert json.loads(text) == doc
    assert text.count("\n    [") == len(HEADS)
    assert json.loads(maths.export_text(export(heads=[]))) == export(heads=[])


def test_a_daily_digest_is_named_by_the_day_it_closes():
    from engine.integrity_views import DigestInfo
    info = DigestInfo(id=1, period_end=END, period_text=maths.period_text(END), created_at=END, created_by="system",
                      case_count=0, event_count=0, prev_digest=GENESIS, digest=GENESIS)
    assert info.day == date(2026, 11, 28) and info.daily and info.first
    on_demand = DigestInfo(**{**info.__dict__, "period_end": END.replace(minute=5), "created_by": "ani"})
    assert on_demand.day is None and not on_demand.daily
