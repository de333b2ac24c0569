"""Duration statistics for the SLA report: pure, no database.

Percentiles use linear interpolation between closest ranks: for n sorted values the q-th
percentile sits at rank (n - 1) x q (0-based) and a fractional rank interpolates between its two
neighbours. It is the same as `statistics.quantiles(values, n=100, method="inclusive")`, numpy's
default and spreadsheets' PERCENTILE.INC, so an auditor can redo the figure in a spreadsheet; it
never reports a value outside the observed range (the median of 2 and 4 minutes is 3 minutes).
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from engine.report_views import SlaFigures, SlaStandardPart

METHOD = ("Median dan persentil ke-90 dihitung dengan interpolasi linear antarperingkat (metode "
          "\"inclusive\", sama dengan PERCENTILE.INC pada lembar kerja) atas durasi tiap tugas, dari saat "
          "tugas siap sampai diselesaikan. Tugas dalam standar bila selesai paling lambat pada batas "
          "waktunya (saat siap + Waktu Mutu Baku yang berlaku bagi tugas itu).")


def percentile(ordered: Sequence[float], q: float) -> float:
    """The q-quantile (0 <= q <= 1) of values sorted ascending; ValueError when there are none."""
    if not ordered:
        raise ValueError("no values")
    if not 0 <= q <= 1:
        raise ValueError("q must be within 0..1")
    rank = (len(ordered) - 1) * q
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


class Tally:
    """Completed tasks of one group, added one at a time in order of completion."""

    __slots__ = ("durations", "within", "standards", "last_standard", "per_standard")

    def __init__(self) -> None:
        self.durations: list[float] = []
        self.within = 0
        self.standards: set[int] = set()
        self.last_standard: int | None = None
        self.per_standard: dict[int, Tally] | None = None

    def add(self, duration: float, standard: int, within: bool) -> None:
        self.durations.append(duration)
        self.within += within
        self.standards.add(standard)
        self.last_standard = standard

    def split_by_standard(self) -> None:
        """Also keep a tally per Waktu (for steps, whose Waktu a version may have changed)."""
        self.per_standard = {}

    def add_split(self, duration: float, standard: int, within: bool) -> None:
        self.add(duration, standard, within)
        if self.per_standard is not None:
            self.per_standard.setdefault(standard, Tally()).add(duration, standard, within)

    def figures(self) -> SlaFigures:
        return figures(self.durations, self.within, self.standards, self.last_standard)

    def parts(self) -> tuple[SlaStandardPart, ...]:
        if not self.per_standard or len(self.per_standard) < 2:
            return ()
        return tuple(SlaStandardPart(standard, self.per_standard[standard].figures())
                     for standard in sorted(self.per_standard))


def figures(durations: list[float], within: int, standards, current_standard: int | None) -> SlaFigures:
    if not durations:
        return SlaFigures(count=0, within=0, median_seconds=None, p90_seconds=None, max_seconds=None,
                          standard_seconds=(), current_standard=None)
    ordered = sorted(durations)
    return SlaFigures(count=len(ordered), within=within, median_seconds=percentile(ordered, 0.5),
                      p90_seconds=percentile(ordered, 0.9), max_seconds=ordered[-1],
                      standard_seconds=tuple(sorted(standards)), current_standard=current_standard)


def duration_words(seconds: float) -> str:
    """A Waktu or a lateness in Indonesian words: "2 menit", "1 jam 5 menit", "45 detik"."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} detik"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{days} hari" if days else "", f"{hours} jam" if hours else "",
             f"{minutes} menit" if minutes else "", f"{secs} detik" if secs and not days and not hours else ""]
    return " ".join(p for p in parts if p)
