"""The survey index of PermenPANRB 14/2017: NRR, weights, IKM, the 25-100 value and its grade."""
from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import pytest

from engine import skm
from forms.catalog import SCHEMA_DIR

SURVEY = json.loads((SCHEMA_DIR / "survei_skm.json").read_text(encoding="utf-8"))
ELEMENTS = skm.elements_of(SURVEY)


def answers(*scores: int) -> dict:
    return {f"u{i}": score for i, score in enumerate(scores, start=1)}


def tally(*respondents: dict):
    t = skm.SkmTally(ELEMENTS)
    for data in respondents:
        t.add(data)
    return t.figures()


def test_the_survey_form_has_the_nine_elements_stored_by_code():
    assert [e.code for e in ELEMENTS] == [f"U{i}" for i in range(1, 10)]
    assert [e.field for e in ELEMENTS] == [f"u{i}" for i in range(1, 10)]
    assert ELEMENTS[0].name == "Persyaratan" and ELEMENTS[8].name == "Sarana dan Prasarana"


def test_elements_sort_by_number_not_by_text():
    schema = {"properties": {"u10": {"x-skm-unsur": "Sepuluh"}, "u2": {"x-skm-unsur": "Dua"},
                             "nama": {"type": "string"}}}
    assert [e.code for e in skm.elements_of(schema)] == ["U2", "U10"]


def test_worked_example_of_the_regulation_everyone_answers_3():
    # domain.md: every respondent answers 3 on every element -> IKM 3.0, unit value 75.00, mutu C.
    figures = tally(*[answers(*[3] * 9) for _ in range(5)])
    assert figures.respondents == 5
    assert all(e.nrr == 3.0 and e.answered == 5 and e.total_score == 15 for e in figures.elements)
    assert figures.weight == pytest.approx(1 / 9)
    assert figures.ikm == 3.0
    assert figures.unit_value == 75.00
    assert (figures.mutu, figures.kinerja) == ("C", "Kurang Baik")


def test_mixed_answers_computed_by_hand():
    # R1 answers 4 everywhere; R2 answers 1 on U1 and 3 elsewhere; R3 answers only U2, with 2.
    #   NRR U1 = (4 + 1) / 2 = 2.5        (R3 did not answer U1: the denominator is 2)
    #   NRR U2 = (4 + 3 + 2) / 3 = 3.0
    #   NRR U3..U9 = (4 + 3) / 2 = 3.5    (seven elements)
    #   IKM = (2.5 + 3.0 + 7 x 3.5) / 9 = 30 / 9 = 3.3333...
    #   unit value = 3.3333... x 25 = 83.333... -> 83.33, between 76.61 and 88.30: B, Baik.
    figures = tally(answers(*[4] * 9), answers(1, *[3] * 8), {"u2": 2})
    nrr = {e.code: e.nrr for e in figures.elements}
    assert nrr["U1"] == 2.5 and nrr["U2"] == 3.0 and all(nrr[f"U{i}"] == 3.5 for i in range(3, 10))
    assert [e.answered for e in figures.elements] == [2, 3] + [2] * 7
    assert figures.respondents == 3
    assert figures.ikm == pytest.approx(30 / 9)
    assert figures.elements[0].weighted == pytest.approx(2.5 / 9)
    assert figures.elements[0].unit_value == 62.5
    assert figures.unit_value == 83.33
    assert (figures.mutu, figures.kinerja) == ("B", "Baik")


def test_a_second_mixed_sample_reaching_grade_a():
    # Three respondents: 4,4,4 on U1..U8; on U9 4,4,1.
    #   NRR U1..U8 = 4.0; NRR U9 = 9 / 3 = 3.0
    #   IKM = (8 x 4 + 3) / 9 = 35 / 9 = 3.8888...; x 25 = 97.222... -> 97.22: A, Sangat Baik.
    figures = tally(answers(*[4] * 9), answers(*[4] * 9), answers(*[4] * 8, 1))
    assert figures.unit_value == 97.22 and figures.mutu == "A" and figures.kinerja == "Sangat Baik"


def test_out_of_scale_or_missing_scores_are_left_out_of_their_element():
    figures = tally(answers(*[3] * 9), {**answers(*[3] * 9), "u1": 7, "u2": True, "u3": "4"})
    by_code = {e.code: e for e in figures.elements}
    assert by_code["U1"].answered == 1 and by_code["U2"].answered == 1 and by_code["U3"].answered == 1
    assert by_code["U4"].answered == 2 and figures.ikm == 3.0


def test_no_respondents_has_no_index():
    figures = tally()
    assert figures.respondents == 0 and figures.ikm is None and figures.mutu is None
    assert all(e.nrr is None for e in figures.elements)


def test_an_element_nobody_answered_is_left_out_of_the_weights():
    figures = tally({f"u{i}": 4 for i in range(1, 9)})  # no U9
    assert figures.weight == pytest.approx(1 / 8) and figures.ikm == 4.0 and figures.unit_value == 100.0


@pytest.mark.parametrize("value, mutu, kinerja", [
    ("25.00", "D", "Tidak Baik"), ("64.99", "D", "Tidak Baik"),
    ("65.00", "C", "Kurang Baik"), ("76.60", "C", "Kurang Baik"),
    ("76.61", "B", "Baik"), ("88.30", "B", "Baik"),
    ("88.31", "A", "Sangat Baik"), ("100.00", "A", "Sangat Baik"),
])
def test_grade_boundaries_of_the_regulation_table(value, mutu, kinerja):
    assert skm.grade(Decimal(value)) == (mutu, kinerja)


@pytest.mark.parametrize("ikm, value, mutu", [
    (Fraction(25996, 10000), "64.99", "D"),  # 2.5996, the table's top of D
    (Fraction(26, 10), "65.00", "C"),  # exactly 2.60: never 64.9999 by float error
    (Fraction(3064, 1000), "76.60", "C"),
    (Fraction(30644, 10000), "76.61", "B"),
    (Fraction(3532, 1000), "88.30", "B"),
    (Fraction(35324, 10000), "88.31", "A"),
    (Fraction(1), "25.00", "D"), (Fraction(4), "100.00", "A"),
])
def test_the_one_to_four_column_lands_on_the_same_grades(ikm, value, mutu):
    assert skm.unit_value(ikm) == Decimal(value)
    assert skm.grade(skm.unit_value(ikm))[0] == mutu


def test_unit_value_rounds_half_up():
    assert skm.unit_value(Fraction(30642, 10000)) == Decimal("76.61")  # 76.605 -> 76.61 (B, not C)
    assert skm.unit_value(Fraction(30641, 10000)) == Decimal("76.60")  # 76.6025


def test_grade_refuses_a_value_below_the_scale():
    with pytest.raises(ValueError):
        skm.grade(Decimal("24.99"))


@pytest.mark.parametrize("population, sample", [(10, 10), (100, 80), (550, 226), (1000, 278),
                                                (10_000, 370), (1_000_000, 384)])
def test_krejcie_and_morgan_sample_sizes(population, sample):
    assert skm.krejcie_morgan(population) == sample


def test_profile_counts_each_option_in_the_form_order():
    rows = [{"jenis_kelamin": "P", "pendidikan": "S2", "pekerjaan": "PNS"},
            {"jenis_kelamin": "L", "pendidikan": "S2", "pekerjaan": "Dukun"},  # an option no longer offered
            {"jenis_kelamin": "P"}]
    profile = {p.field: p for p in skm.profile(rows, SURVEY)}
    gender = profile["jenis_kelamin"]
    assert gender.title == "Jenis kelamin"
    assert [(c.value, c.label, c.count) for c in gender.counts] == [("L", "Laki-laki", 1), ("P", "Perempuan", 2)]
    assert gender.unanswered == 0
    education = {c.value: c.count for c in profile["pendidikan"].counts}
    assert education["S2"] == 2 and education["SD"] == 0 and profile["pendidikan"].unanswered == 1
    jobs = [(c.value, c.count) for c in profile["pekerjaan"].counts]
    assert jobs[-1] == ("Dukun", 1) and ("PNS", 1) in jobs
