"""The Indeks Kepuasan Masyarakat (IKM) of PermenPANRB 14/2017: pure maths, no database.

- NRR per element (unsur) = the sum of its scores / the respondents who answered it;
- weight = 1 / the number of elements (1/9 for the standard nine); IKM = sum of NRR x weight, 1..4;
- the unit's value = IKM x 25, 25..100, reported with two decimals (rounded half up);
- mutu and kinerja from that value by the regulation's table: 25.00-64.99 D Tidak Baik,
  65.00-76.60 C Kurang Baik, 76.61-88.30 B Baik, 88.31-100.00 A Sangat Baik.
The table's 1..4 column (2.60, 3.0644, 3.5324) is the same boundaries divided by 25; the grade is
read off the rounded two-decimal value, which has no gaps between the rows.

Sums are exact (fractions) until the one rounding of the unit value, so an IKM of exactly 2.6
is 65.00 and C, never 64.99999 and D.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from engine.report_views import ProfileBreakdown, ProfileCount, SkmElementRow, SkmFigures

SCORES = (1, 2, 3, 4)
SCALE = 25
# (lowest unit value, mutu, kinerja), best first.
GRADES = ((Decimal("88.31"), "A", "Sangat Baik"), (Decimal("76.61"), "B", "Baik"),
          (Decimal("65.00"), "C", "Kurang Baik"), (Decimal("25.00"), "D", "Tidak Baik"))
PROFILE_FIELDS = ("jenis_kelamin", "pendidikan", "pekerjaan", "waktu_survei")
UNSUR_KEY = "x-skm-unsur"


@dataclass(frozen=True)
class Element:
    code: str  # "U1"
    field: str  # the form's property, "u1"
    name: str  # the unsur


def elements_of(schema: Mapping) -> list[Element]:
    """The survey elements of a form: its properties marked x-skm-unsur, by element number.
    Answers are stored by element code (never by position on the screen)."""
    found = [Element(name.upper(), name, str(spec[UNSUR_KEY]))
             for name, spec in (schema.get("properties") or {}).items()
             if isinstance(spec, Mapping) and spec.get(UNSUR_KEY)]
    return sorted(found, key=element_order)


def element_order(element: Element) -> tuple[int, str]:
    """U2 before U10: by the element's number."""
    return int(re.sub(r"\D", "", element.code) or 0), element.code


def unit_value(ikm: Fraction) -> Decimal:
    """IKM x 25 with two decimals, rounded half up."""
    scaled = ikm * SCALE
    return (Decimal(scaled.numerator) / Decimal(scaled.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def grade(value: Decimal) -> tuple[str, str]:
    """(mutu, kinerja) of a unit value with two decimals."""
    for lowest, mutu, kinerja in GRADES:
        if value >= lowest:
            return mutu, kinerja
    raise ValueError(f"unit value {value} is below 25.00: scores run from 1 to 4")


def krejcie_morgan(population: int) -> int:
    """The sample size of Krejcie & Morgan's table (95 % confidence, 5 % margin, P = 0.5):
    s = X^2 N P(1-P) / (d^2 (N-1) + X^2 P(1-P)), rounded to the nearest whole respondent;
    550 -> 226, 1,000 -> 278, 1,000,000 -> 384."""
    if population <= 0:
        return 0
    chi2, p, d = 3.841, 0.5, 0.05
    size = chi2 * population * p * (1 - p) / (d * d * (population - 1) + chi2 * p * (1 - p))
    return min(population, int(Decimal(str(size)).quantize(Decimal(1), ROUND_HALF_UP)))


class SkmTally:
    """Answers of one group of respondents (a period, or all), added one respondent at a time."""

    def __init__(self, elements: list[Element]):
        self.elements = elements
        self.respondents = 0
        self.totals = {e.code: 0 for e in elements}
        self.answered = {e.code: 0 for e in elements}

    def add(self, answers: Mapping) -> None:
        """One respondent's stored answers ({"u1": 3, ...}); a missing or out-of-scale score is
        left out of that element's NRR (its denominator counts only those who answered)."""
        self.respondents += 1
        for element in self.elements:
            score = answers.get(element.field)
            if isinstance(score, int) and not isinstance(score, bool) and score in SCORES:
                self.totals[element.code] += score
                self.answered[element.code] += 1

    def figures(self) -> SkmFigures:
        return compute(self.elements, self.totals, self.answered, self.respondents)


def compute(elements: list[Element], totals: Mapping[str, int], answered: Mapping[str, int],
            respondents: int) -> SkmFigures:
    nrrs = {e.code: Fraction(totals[e.code], answered[e.code]) for e in elements if answered[e.code]}
    # Weight 1/n over the elements that have answers: an element nobody answered is left out
    # of the index (and named in the report's notes) rather than counted as zero.
    weight = Fraction(1, len(nrrs)) if nrrs else None
    rows = tuple(SkmElementRow(
        code=e.code, name=e.name, answered=answered[e.code], total_score=totals[e.code],
        nrr=float(nrrs[e.code]) if e.code in nrrs else None,
        weighted=float(nrrs[e.code] * weight) if e.code in nrrs else None,
        unit_value=float(nrrs[e.code] * SCALE) if e.code in nrrs else None) for e in elements)
    if not nrrs:
        return SkmFigures(respondents=respondents, elements=rows, weight=None, ikm=None, unit_value=None,
                          mutu=None, kinerja=None)
    ikm = sum(nrrs.values(), Fraction(0)) * weight
    value = unit_value(ikm)
    mutu, kinerja = grade(value)
    return SkmFigures(respondents=respondents, elements=rows, weight=float(weight), ikm=float(ikm),
                      unit_value=float(value), mutu=mutu, kinerja=kinerja)


def profile(answers: Iterable[Mapping], schema: Mapping) -> tuple[ProfileBreakdown, ...]:
    """The respondents by the questionnaire's profile fields that the form has, each option in
    the form's order with its label, plus how many left it empty."""
    properties = schema.get("properties") or {}
    fields = [f for f in PROFILE_FIELDS if f in properties]
    counters = {f: Counter() for f in fields}
    total = 0
    for data in answers:
        total += 1
        for f in fields:
            value = data.get(f)
            if value not in (None, ""):
                counters[f][str(value)] += 1
    out = []
    for f in fields:
        spec = properties[f]
        options = [(str(o["const"]), str(o.get("title", o["const"]))) for o in spec.get("oneOf", [])
                   if isinstance(o, Mapping) and "const" in o]
        known = {value for value, _ in options}
        extra = sorted(v for v in counters[f] if v not in known)  # from an older version's options
        counts = tuple(ProfileCount(value, label, counters[f][value]) for value, label in options)
        counts += tuple(ProfileCount(v, v, counters[f][v]) for v in extra)
        out.append(ProfileBreakdown(field=f, title=str(spec.get("title", f)), counts=counts,
                                    unanswered=total - sum(counters[f].values())))
    return tuple(out)
