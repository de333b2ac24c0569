"""Helpers for the staff pages' tests: cases at a chosen step (worked through the facade), form
posts as a browser sends them, and reading task ids off the inbox page."""
from __future__ import annotations

import re

from engine.case import Actor
from tests.conftest import AUDITOR, SESDEP, UPP_KEMENTERIAN, UPP_UNIT_KERJA
from tests.sop_data import DATA_BY_FORM, keputusan, screening
from tests.webapp.conftest import csrf, login

ANA_ACTOR = Actor("ana", frozenset({"upp_kementerian"}))  # ani's colleague at the front desk
STAFF = {"upp_kementerian": UPP_KEMENTERIAN, "upp_unit_kerja": UPP_UNIT_KERJA, "sesdep": SESDEP}
NIK = screening()["nik"]
TASK_LINK = re.compile(r'href="/tugas/([^"]+)"')


def as_user(make_client, username: str):
    return login(make_client(), username)


def browser_values(data: dict) -> dict[str, str]:
    """Typed form data as a browser posts it: every value a string, a ticked box "true"."""
    return {name: ("true" if value is True else "false" if value is False else str(value))
            for name, value in data.items()}


def post(client, path: str, data: dict, *, action: str | None = None):
    form = {**browser_values(data), "csrf_token": csrf(client, "/kasus")}
    if action:
        form["action"] = action
    return client.post(path, data=form)


def ready_tasks(alur, instance_id: int):
    return [t for t in alur.case(AUDITOR, instance_id=instance_id).tasks if t.state == "ready"]


def open_task(alur, instance_id: int):
    ready = ready_tasks(alur, instance_id)
    assert len(ready) == 1, ready
    return ready[0]


def start(alur, *, tujuan: str = "konsultasi", nama: str = "Budi Santoso"):
    return alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening(tujuan, nama))


def advance_to(alur, instance_id: int, sop_step: int, *, disetujui: bool = True):
    """Complete the case's open staff tasks until the open task is this SOP step; that task."""
    while True:
        task = open_task(alur, instance_id)
        if task.sop_step == sop_step:
            return task
        data = keputusan(disetujui) if task.form_key == "keputusan_sesdep" else DATA_BY_FORM[task.form_key]
        alur.complete(STAFF[task.role], task.id, data)


def case_at_step(alur, sop_step: int, **kwargs):
    """(start result, the open task at this step) of a new case."""
    disetujui = kwargs.pop("disetujui", True)
    started = start(alur, **kwargs)
    return started, advance_to(alur, started.instance_id, sop_step, disetujui=disetujui)


def completed_events(alur, instance_id: int, task_id: str) -> list:
    return [e for e in alur.case(AUDITOR, instance_id=instance_id).events
            if e.kind == "task.completed" and e.task_id == task_id]


def inbox_task_ids(page: str) -> list[str]:
    return TASK_LINK.findall(page)
