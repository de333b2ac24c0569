"""The forms the front desk and the case page read through the facade: the start form of the
newest version, and a case's pinned forms."""
from __future__ import annotations

import pytest

from tests.conftest import AUDITOR, SESDEP, UPP_KEMENTERIAN, VISITOR
from engine.errors import Forbidden, NotFound
from tests.sop_data import screening


def test_start_form_is_the_lowest_steps_form_of_the_latest_version(alur):
    definition = alur.latest_definition("pelayanan_pengaduan")
    first = min(definition.steps.values(), key=lambda step: int(step["sop_step"]))
    form = alur.start_form("pelayanan_pengaduan")
    assert form.key == first["form_key"] == "screening_pengunjung"
    assert form.sop_step == "1"
    names = [f.name for f in form.fields()]
    assert {"nama", "nik", "telepon", "tujuan"} <= set(names)
    assert "nik" in form.personal_fields


def test_what_the_start_form_accepts_starts_a_case(alur):
    form = alur.start_form("pelayanan_pengaduan")
    raw = {name: [str(value).lower() if isinstance(value, bool) else str(value)]
           for name, value in screening().items()}
    data = form.coerce(raw)
    assert form.validate(data).ok
    started = alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=data)
    assert [t.sop_step for t in started.ready] == [2]


def test_start_form_refuses_what_start_would_refuse(alur):
    form = alur.start_form("pelayanan_pengaduan")
    result = form.validate(form.coerce({"nama": ["Siti"], "nik": ["123"]}))
    assert not result.ok and "nik" in result.errors and "telepon" in result.errors


def test_start_form_of_an_unknown_process_is_not_found(alur):
    with pytest.raises(NotFound):
        alur.start_form("tidak_ada")


def test_case_forms_are_the_pinned_forms_of_every_step(alur):
    started = alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening())
    forms = alur.case_forms(AUDITOR, started.instance_id)
    step_forms = {step["form_key"] for step in alur.latest_definition("pelayanan_pengaduan").steps.values()}
    assert set(forms) == step_forms
    assert forms["keputusan_sesdep"].title == "Keputusan Sesdep"
    assert alur.case_forms(SESDEP, started.instance_id).keys() == forms.keys()


def test_case_forms_are_for_staff_and_existing_cases_only(alur):
    started = alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening())
    with pytest.raises(Forbidden):
        alur.case_forms(VISITOR, started.instance_id)
    with pytest.raises(NotFound):
        alur.case_forms(AUDITOR, started.instance_id + 1000)
