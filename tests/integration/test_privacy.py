"""Personal fields on staff pages: in full for UPP Kementerian and UPP Unit Kerja, masked for every
other role; the visitor's name visible to all staff. On SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from tests.conftest import AUDITOR, PROCESS_OWNER, SESDEP, UPP_KEMENTERIAN, UPP_UNIT_KERJA
from engine.case import Actor
from engine.services import privacy
from tests.sop_data import screening

ADMIN = Actor("admin", frozenset({"admin"}))
NIK, TELEPON, ALAMAT = "3171011501900001", "+6281234567890", "Jl. Merdeka Barat No. 15, Jakarta Pusat"
EMAIL = "budi@example.id"


@pytest.fixture
def started(alur):
    return alur, alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN,
                            first_task_data={**screening(), "email": EMAIL}).instance_id


def screening_event(events):
    return next(e for e in events if e.kind == "task.completed")


@pytest.mark.parametrize("actor", [UPP_KEMENTERIAN, UPP_UNIT_KERJA], ids=lambda a: a.name)
def test_the_roles_that_need_personal_data_see_it(started, actor):
    alur, instance_id = started
    case = alur.case(actor, instance_id=instance_id)
    assert not case.personal_masked
    assert (case.data["nik"], case.data["telepon"], case.data["alamat"], case.data["email"]) == (
        NIK, TELEPON, ALAMAT, EMAIL)
    assert screening_event(case.events).personal["nik"] == NIK
    assert screening_event(alur.history(actor, instance_id)).personal["telepon"] == TELEPON


@pytest.mark.parametrize("actor", [SESDEP, AUDITOR, PROCESS_OWNER, ADMIN], ids=lambda a: a.name)
def test_every_other_role_sees_them_masked_but_the_name(started, actor):
    alur, instance_id = started
    case = alur.case(actor, instance_id=instance_id)
    assert case.personal_masked
    assert case.data["nik"] == "************0001"
    assert case.data["telepon"] == "+62*******7890"
    assert case.data["alamat"] == case.data["email"] == "•••"
    assert case.data["nama"] == case.display_name == "Budi Santoso"
    assert case.data["tujuan"] == "konsultasi" and case.data["nomor_dumas"] == "DUMAS-2026-0142"
    for events in (case.events, alur.history(actor, instance_id)):
        personal = screening_event(events).personal
        assert personal == {"nama": "Budi Santoso", "nik": "************0001", "telepon": "+62*******7890",
                            "alamat": "•••", "email": "•••"}
        for value in (NIK, TELEPON, ALAMAT, EMAIL, "3456"):
            assert value not in repr(events)
    for value in (NIK, TELEPON, ALAMAT, EMAIL):
        assert value not in repr(case)


def test_masking_leaves_the_record_intact(started):
    alur, instance_id = started
    alur.case(SESDEP, instance_id=instance_id)
    assert alur.verify(instance_id).intact
    assert alur.case(UPP_UNIT_KERJA, instance_id=instance_id).data["nik"] == NIK


def test_the_mask_format():
    assert privacy.mask_value("3171011501900001", True) == "************0001"
    assert privacy.mask_value("+6281234567890", True) == "+62*******7890"
    assert privacy.mask_value("081234567890", True) == "********7890"
    assert privacy.mask_value("123", True) == "•••"
    assert privacy.mask_value("Jl. Merdeka", False) == "•••"
    assert privacy.mask_value("", False) == "" and privacy.mask_value(None, True) is None


def test_personal_fields_come_from_the_pinned_forms(started):
    alur, instance_id = started
    definition_id = alur.case(AUDITOR, instance_id=instance_id).definition_id
    assert privacy.personal_fields(alur.ctx, definition_id) == {
        "nama": False, "nik": True, "telepon": True, "alamat": False, "email": False}
    assert privacy.PERSONAL_DATA_ROLES == {"upp_kementerian", "upp_unit_kerja"}
