"""The `alur` console script, run as operators run it: a real process on a real database."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.sop_data import VERIFIKASI, screening

ALUR = str(Path(ROOT) / ".venv" / "bin" / "alur")


@pytest.fixture
def run(tmp_path):
    env = {**os.environ, "ALUR_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}

    def _run(*args, expect: int = 0):
        done = subprocess.run([ALUR, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == expect, (args, done.returncode, done.stdout, done.stderr)
        return done
    return _run


def test_an_operator_works_a_case_from_the_command_line(run, tmp_path):
    assert "pelayanan_pengaduan v1 dipasang" in run("init").stdout
    assert "sudah ada" in run("init").stdout  # idempotent: the same content is the same version

    started = json.loads(run("--json", "start", "--as", "ani", "--role", "upp_kementerian",
                             "--data", json.dumps(screening())).stdout)
    assert started["definition_version"] == 1 and len(started["ticket_code"]) == 11
    task_id = started["ready"][0]["id"]

    inbox = json.loads(run("--json", "tasks", "--as", "budi", "--role", "upp_unit_kerja").stdout)
    assert [t["id"] for t in inbox] == [task_id] and inbox[0]["sop_step"] == 2
    assert "Tidak ada tugas." in run("tasks", "--as", "x", "--role", "sesdep").stdout

    assert "diambil oleh budi" in run("claim", task_id, "--as", "budi", "--role", "upp_unit_kerja").stdout
    conflict = run("claim", task_id, "--as", "citra", "--role", "upp_unit_kerja", expect=3)
    assert "Konflik" in conflict.stderr and "budi" in conflict.stderr

    invalid = run("complete", task_id, "--as", "budi", "--role", "upp_unit_kerja",
                  "--data", '{"dumas_ditemukan": "ya"}', expect=1)
    assert "ringkasan_verifikasi: Wajib diisi." in invalid.stderr
    as_json = json.loads(run("--json", "complete", task_id, "--as", "budi", "--role", "upp_unit_kerja",
                             "--data", '{"dumas_ditemukan": "ya"}', expect=1).stdout)
    assert as_json["error"] == "invalid_data" and as_json["errors"]["ringkasan_verifikasi"] == "Wajib diisi."

    data_file = tmp_path / "verifikasi.json"
    data_file.write_text(json.dumps(VERIFIKASI))
    done = run("complete", task_id, "--as", "budi", "--role", "upp_unit_kerja", "--data", f"@{data_file}")
    assert "langkah 3" in done.stdout

    shown = json.loads(run("--json", "show", started["ticket_code"]).stdout)
    assert [e["kind"] for e in shown["events"]][:2] == ["instance.started", "task.ready"]
    assert "Riwayat:" in run("show", str(started["instance_id"])).stdout
    verified = json.loads(run("--json", "verify", str(started["instance_id"])).stdout)
    assert verified["breaks"] == [] and verified["events"] == len(shown["events"])


def test_refusals_are_one_clear_line_each(run, tmp_path):
    run("init", "--no-deploy")
    hostile = tmp_path / "hostile.bpmn"
    hostile.write_text('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>')
    refused = run("deploy", str(hostile), expect=1)
    assert "ditolak" in refused.stderr.lower() and "root:" not in refused.stderr + refused.stdout
    assert "Traceback" not in refused.stderr
    missing = run("deploy", str(tmp_path / "nope.bpmn"), expect=1)
    assert "tidak ditemukan" in missing.stderr
    no_process = run("start", "--as", "ani", "--role", "upp_kementerian", expect=1)
    assert "belum dipasang" in no_process.stderr
    bad_json = run("complete", "x", "--as", "a", "--role", "sesdep", "--data", "{nope", expect=2)
    assert "bukan JSON" in bad_json.stderr


def test_worker_once_fires_nothing_on_an_idle_database(run):
    run("init")
    assert json.loads(run("--json", "worker", "--once").stdout) == {"fired": 0}
