"""Failures that must leave nothing half-written: an engine error mid-step, a process killed in
the middle of a transaction."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import AUDITOR, PROCESS_OWNER, ROOT, SESDEP, UPP_KEMENTERIAN, UPP_UNIT_KERJA
from engine.errors import EngineFailure
from tests.sop_data import DATA_BY_FORM, VERIFIKASI, keputusan, screening

SOP = ROOT / "processes" / "pelayanan_pengaduan.bpmn"


def test_an_engine_error_rolls_the_step_back_and_is_recorded(alur):
    # A condition on a variable no form sets: safe to deploy, fails when the gateway runs.
    broken = SOP.read_text(encoding="utf-8").replace('keputusan == "disetujui"', 'belum_ada == "disetujui"')
    alur.deploy(broken.encode(), PROCESS_OWNER, change_note="Kondisi salah")
    started = alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening())
    task = started.ready[0]
    task = alur.complete(UPP_UNIT_KERJA, task.id, VERIFIKASI).ready[0]
    task = alur.complete(SESDEP, task.id, keputusan(True)).ready[0]
    task = alur.complete(UPP_UNIT_KERJA, task.id, DATA_BY_FORM["penyampaian_keputusan"]).ready[0]
    before = alur.case(AUDITOR, instance_id=started.instance_id)
    with pytest.raises(EngineFailure, match="belum_ada"):
        alur.complete(UPP_KEMENTERIAN, task.id, DATA_BY_FORM["pemberitahuan_pengunjung"])
    after = alur.case(AUDITOR, instance_id=started.instance_id)
    assert alur.task(UPP_KEMENTERIAN, task.id).state == "ready"  # the step can be retried
    assert [e.kind for e in after.events[len(before.events):]] == ["instance.error"]
    assert "belum_ada" in after.events[-1].data["error"]
    assert after.status == "running" and alur.verify(started.instance_id).intact


KILLER = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, "tests")
    from engine.case import Actor, Case
    from engine.facade import Alur
    from engine.settings import Settings
    from tests.sop_data import VERIFIKASI

    original = Case._append_events
    def append_then_die(self):
        result = original(self)          # events inserted, state not yet saved, nothing committed
        os._exit(9)                      # the server dies here, mid-transaction
    Case._append_events = append_then_die
    alur = Alur(Settings(database_url=os.environ["ALUR_DATABASE_URL"]))
    alur.complete(Actor("budi", frozenset({"upp_unit_kerja"})), sys.argv[1], VERIFIKASI)
""")


def test_a_process_killed_mid_transaction_leaves_the_case_as_it_was(alur, database_url):
    started = alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening())
    task_id = started.ready[0].id
    before = alur.case(AUDITOR, instance_id=started.instance_id)
    killed = subprocess.run([sys.executable, "-c", KILLER, task_id], cwd=ROOT, timeout=60,
                            env={**os.environ, "ALUR_DATABASE_URL": database_url}, capture_output=True)
    assert killed.returncode == 9, killed.stderr.decode()
    after = alur.case(AUDITOR, instance_id=started.instance_id)
    assert (after.revision, len(after.events)) == (before.revision, len(before.events))
    assert alur.task(UPP_UNIT_KERJA, task_id).state == "ready"
    assert alur.verify(started.instance_id).intact
    # And the work goes on from where it was.
    assert alur.complete(UPP_UNIT_KERJA, task_id, VERIFIKASI).ready[0].sop_step == 3
