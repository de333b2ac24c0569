"""Duration statistics of the SLA report and the report periods (WIB calendar)."""
from __future__ import annotations

import statistics
from datetime import date, datetime, timezone

import pytest

from engine import sla
from engine.errors import InvalidData
from engine.office_calendar import utc_bounds, wib_day
from engine.report_periods import BucketMap, bucket_of, buckets, check_range


@pytest.mark.parametrize("values", [[1.0, 2.0], [5.0], [3.0, 1.0, 2.0, 10.0], list(map(float, range(1, 12))),
                                    [120.0, 180.0, 95.0, 400.0, 61.5, 300.0, 119.0]])
def test_percentiles_match_statistics_quantiles_inclusive(values):
    ordered = sorted(values)
    if len(values) > 1:
        cuts = statistics.quantiles(values, n=10, method="inclusive")
        assert sla.percentile(ordered, 0.9) == pytest.approx(cuts[8])
        assert sla.percentile(ordered, 0.5) == pytest.approx(cuts[4])
    assert sla.percentile(ordered, 0.5) == pytest.approx(statistics.median(values))


def test_percentile_by_hand():
    # 10 values 1..10: the 90th percentile sits at rank 9 x 0.9 = 8.1 -> 9 + 0.1 x (10 - 9) = 9.1.
    assert sla.percentile([float(v) for v in range(1, 11)], 0.9) == pytest.approx(9.1)
    # Two durations, 2 and 4 minutes: the median is 3 minutes, the p90 3.8 minutes.
    assert sla.percentile([120.0, 240.0], 0.5) == 180.0
    assert sla.percentile([120.0, 240.0], 0.9) == pytest.approx(228.0)
    assert sla.percentile([7.0], 0.9) == 7.0


def test_percentile_refuses_nothing_and_bad_q():
    with pytest.raises(ValueError):
        sla.percentile([], 0.5)
    with pytest.raises(ValueError):
        sla.percentile([1.0], 1.5)


def test_tally_counts_within_and_remembers_changed_standards():
    tally = sla.Tally()
    tally.split_by_standard()
    tally.add_split(100.0, 120, True)
    tally.add_split(180.0, 120, False)
    tally.add_split(170.0, 180, True)
    figures = tally.figures()
    assert (figures.count, figures.within, figures.late) == (3, 2, 1)
    assert figures.share_within == pytest.approx(2 / 3)
    assert figures.median_seconds == 170.0 and figures.max_seconds == 180.0
    assert figures.p90_seconds == pytest.approx(178.0)
    assert figures.standard_seconds == (120, 180) and figures.standard_changed
    assert figures.current_standard == 180  # the last task completed was held to 3 minutes
    parts = tally.parts()
    assert [(p.standard_seconds, p.figures.count, p.figures.within) for p in parts] == [(120, 2, 1), (180, 1, 1)]


def test_an_empty_tally_has_no_figures():
    figures = sla.Tally().figures()
    assert figures.count == 0 and figures.share_within is None and figures.median_seconds is None


def test_duration_words():
    assert sla.duration_words(120) == "2 menit"
    assert sla.duration_words(45) == "45 detik"
    assert sla.duration_words(150) == "2 menit 30 detik"
    assert sla.duration_words(3900) == "1 jam 5 menit"
    assert sla.duration_words(90000) == "1 hari 1 jam"


# -- periods ----------------------------------------------------------------------------------
TODAY = date(2026, 6, 15)


def test_range_checks_in_indonesian():
    with pytest.raises(InvalidData) as caught:
        check_range(date(2026, 5, 31), date(2026, 5, 1), "day", ("day", "week", "month"), TODAY)
    assert "sebelum tanggal awal" in caught.value.errors["sampai"] and "1 Mei 2026" in caught.value.errors["sampai"]
    with pytest.raises(InvalidData) as caught:
        check_range(date(2025, 1, 1), date(2026, 1, 2), "month", ("day", "week", "month"), TODAY)
    assert "paling panjang 366 hari" in caught.value.errors["sampai"] and "367 hari" in caught.value.errors["sampai"]
    with pytest.raises(InvalidData) as caught:
        check_range(date(2026, 7, 1), date(2026, 7, 2), "fortnight", ("day", "week", "month"), TODAY)
    assert caught.value.errors["periode"] == "Periode harus salah satu dari: hari, minggu, bulan."
    assert "belum tiba" in caught.value.errors["dari"]
    with pytest.raises(InvalidData) as caught:
        check_range(None, "2026-01-01", "month", ("month",), TODAY)
    assert set(caught.value.errors) == {"dari", "sampai"}
    # A leap year's 366 days pass; so does a range ending in the future.
    check_range(date(2024, 1, 1), date(2024, 12, 31), "month", ("month",), TODAY)
    check_range(date(2026, 6, 1), date(2026, 6, 30), "day", ("day",), TODAY)


def test_utc_bounds_are_wib_midnights():
    since, until = utc_bounds(date(2026, 6, 1), date(2026, 6, 30))
    assert since == datetime(2026, 5, 31, 17, 0, tzinfo=timezone.utc)
    assert until == datetime(2026, 6, 30, 17, 0, tzinfo=timezone.utc)
    assert wib_day(datetime(2026, 5, 31, 16, 59, tzinfo=timezone.utc)) == date(2026, 5, 31)
    assert wib_day(datetime(2026, 5, 31, 17, 0, tzinfo=timezone.utc)) == date(2026, 6, 1)


def test_buckets():
    assert bucket_of(date(2026, 1, 1), "week").key == "2026-W01"
    assert bucket_of(date(2027, 1, 1), "week").key == "2026-W53"  # a Friday: ISO week of its Thursday
    assert bucket_of(date(2026, 5, 20), "quarter") == bucket_of(date(2026, 4, 1), "quarter")
    assert bucket_of(date(2026, 12, 31), "quarter").end == date(2026, 12, 31)
    assert bucket_of(date(2026, 2, 10), "month").end == date(2026, 2, 28)
    months = buckets(date(2026, 1, 15), date(2026, 3, 31), "month")
    assert [(b.key, b.partial) for b in months] == [("2026-01", True), ("2026-02", False), ("2026-03", False)]
    days = buckets(date(2026, 5, 30), date(2026, 6, 2), "day")
    assert [b.key for b in days] == ["2026-05-30", "2026-05-31", "2026-06-01", "2026-06-02"]
    weeks = buckets(date(2026, 6, 1), date(2026, 6, 14), "week")  # Monday 1 June to Sunday 14 June
    assert [(b.key, b.partial) for b in weeks] == [("2026-W23", False), ("2026-W24", False)]
    assert [b.key for b in buckets(date(2025, 7, 1), date(2026, 6, 30), "year")] == ["2025", "2026"]
    mapping = BucketMap("quarter")
    assert mapping.key("2026-08-17") == "2026-Q3" and mapping.key("2026-08-17") == "2026-Q3"
