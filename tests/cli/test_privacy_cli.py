"""`alur privacy export NIK` and `alur privacy purge [--dry-run]` (UU 27/2022), in-process with
click's CliRunner; one run of the real console script checks the exit status and the one-line
refusal of a bad NIK."""
from __future__ import annotations

import json
import os
import stat
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import cli
from engine.errors import InvalidData
from tests.conftest import AUDITOR, ROOT, make_alur
from tests.integration.personal_support import AGUS, SITI, Clock, closed_case, use_clock


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.sqlite3'}"


@pytest.fixture
def cases(url):
    """Siti's case closed 800 days ago (past the 730-day default), Agus's closed yesterday."""
    alur = make_alur(url)
    alur.deploy_shipped()
    clock = use_clock(alur, Clock(datetime.now(timezone.utc) - timedelta(days=800)))
    siti = closed_case(alur, SITI)
    clock.now = datetime.now(timezone.utc) - timedelta(days=1)
    agus = closed_case(alur, AGUS)
    yield alur, {"siti": siti, "agus": agus}
    alur.close()


@pytest.fixture
def run(url):
    runner = CliRunner()

    def _run(*args, input=None, expect: int = 0):
        result = runner.invoke(cli, ["--database", url, *args], input=input)
        assert result.exit_code == expect, (args, result.output, result.exception)
        return result
    return _run


def test_export_prints_the_subjects_data_as_json(cases, run):
    alur, ids = cases
    body = json.loads(run("privacy", "export", SITI["nik"]).stdout)
    assert body["nik"] == SITI["nik"] and body["generated_by"] == "cli"
    assert [c["instance_id"] for c in body["cases"]] == [ids["siti"]]
    given = {f["name"]: f["value"] for f in body["cases"][0]["given"][0]["fields"]}
    assert given["nama"] == SITI["nama"] and given["nik"] == SITI["nik"]
    log = body["cases"][0]["processing"]
    assert log[-1]["kind"] == "personal.exported" and log[-1]["actor"] == "cli"
    assert log[0]["kind_label"] == "Kasus dibuka"
    assert alur.history(AUDITOR, ids["siti"])[-1].kind == "personal.exported"
    assert alur.verify(ids["siti"]).intact


def test_export_to_a_file_readable_by_the_operator_only(cases, run, tmp_path):
    _, ids = cases
    out = tmp_path / "subjek.json"
    result = run("privacy", "export", AGUS["nik"], "--out", str(out))
    assert result.stdout.strip() == f"1 kasus ditemukan; ekspor ditulis ke {out}."
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [c["instance_id"] for c in json.loads(out.read_text())["cases"]] == [ids["agus"]]
    as_json = json.loads(run("--json", "privacy", "export", AGUS["nik"], "--out", str(out)).stdout)
    assert as_json == {"out": str(out), "cases": [ids["agus"]]}


def test_export_reads_the_nik_from_stdin_with_a_dash(cases, run):
    _, ids = cases
    body = json.loads(run("privacy", "export", "-", input=SITI["nik"] + "\n").stdout)
    assert [c["instance_id"] for c in body["cases"]] == [ids["siti"]]


def test_a_bad_nik_is_refused(cases, run):
    refused = run("privacy", "export", "12345", expect=1).exception
    assert isinstance(refused, InvalidData) and refused.errors == {"nik": "NIK harus 16 digit angka."}


def test_purge_dry_run_lists_then_purge_erases_then_nothing_is_left_to_do(cases, run):
    alur, ids = cases
    dry = run("privacy", "purge", "--dry-run").stdout
    assert "Masa retensi 730 hari" in dry and "1 kasus jatuh tempo (uji coba: tidak ada yang dihapus)." in dry
    assert f"#{ids['siti']} " in dry and f"#{ids['agus']} " not in dry
    assert alur.history(AUDITOR, ids["siti"])[-1].kind == "instance.completed"  # the dry run wrote nothing

    done = run("privacy", "purge").stdout
    assert "Data pribadi 1 kasus dihapus." in done
    assert f"#{ids['siti']} " in done and "5 nilai di riwayat, 5 kolom di status alur kerja, 0 draf" in done
    last = alur.history(AUDITOR, ids["siti"])[-1]
    assert (last.kind, last.actor) == ("personal.purged", "cli")
    assert alur.verify(ids["siti"]).intact and alur.verify(ids["agus"]).intact

    again = json.loads(run("--json", "privacy", "purge").stdout)
    assert (again["due"], again["purged"], again["already_purged"], again["dry_run"]) == ([], [], 1, False)
    assert json.loads(run("privacy", "export", SITI["nik"]).stdout)["cases"] == []


def test_the_console_script_refuses_a_bad_nik_in_one_line(tmp_path):
    env = {**os.environ, "ALUR_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}
    script = str(Path(ROOT) / ".venv" / "bin" / "alur")
    assert subprocess.run([script, "init", "--no-demo"], cwd=ROOT, env=env, capture_output=True,
                          timeout=60).returncode == 0
    done = subprocess.run([script, "privacy", "export", "9999011501900001"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr and done.stdout == ""
    assert done.stderr == ("Ditolak: NIK subjek data tidak sah.\n"
                           "  nik: NIK tidak valid: tanggal lahir atau kode wilayah salah.\n")
