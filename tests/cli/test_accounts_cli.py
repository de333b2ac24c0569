"""`alur users` and `alur tokens`, and the demo accounts `alur init` prints once.

Most run in-process with click's CliRunner (a second each saved on start-up); one runs the real
console script to check the exit status and the one-line refusal on stderr."""
from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from engine.cli import cli
from engine.errors import Conflict, NotFound, PasswordPolicy
from engine.facade import Alur
from engine.settings import Settings

PASSWORD = "Rahasia-Kuat-2025"
DEMO_LINE = re.compile(r"^\s+(demo\.\S+)\s+(\S+)\s+(\S{4}-\S{4}-\S{4}-\S{4})$", re.M)


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.sqlite3'}"


@pytest.fixture
def alur_cli(url):
    runner = CliRunner()

    def _run(*args, input=None, expect: int = 0):
        result = runner.invoke(cli, ["--database", url, *args], input=input)
        assert result.exit_code == expect, (args, result.output, result.exception)
        return result
    _run("init", "--no-deploy", "--no-demo")
    return _run


@pytest.fixture
def engine(url):
    alur = Alur(Settings(database_url=url))
    yield alur
    alur.close()


def test_init_prints_the_demo_passwords_once(alur_cli, engine):
    first = alur_cli("init", "--no-deploy").stdout
    assert "Akun demo (dicetak sekali saja; simpan sekarang):" in first
    accounts = DEMO_LINE.findall(first)
    assert [username for username, _, _ in accounts] == [
        "demo.upp_kementerian", "demo.upp_unit_kerja", "demo.sesdep", "demo.process_owner", "demo.auditor",
        "demo.admin"]
    for username, role, password in accounts:
        assert engine.authenticate(username, password).roles == frozenset({role})
    again = alur_cli("init", "--no-deploy").stdout
    assert "Akun demo sudah ada" in again and "alur users reset-password demo.admin" in again
    assert not DEMO_LINE.findall(again) and accounts[0][2] not in again


def test_init_without_demo_makes_no_accounts(alur_cli, engine):
    out = alur_cli("init", "--no-deploy", "--no-demo").stdout
    assert "demo" not in out.lower()
    assert json.loads(alur_cli("--json", "users", "list").stdout) == []


def test_init_json_gives_the_demo_accounts_to_scripts(alur_cli, engine):
    body = json.loads(alur_cli("--json", "init", "--no-deploy").stdout)
    admin = [a for a in body["demo_accounts"] if a["username"] == "demo.admin"][0]
    assert admin["roles"] == ["admin"] and engine.authenticate("demo.admin", admin["password"]).name == "demo.admin"


def test_an_operator_manages_accounts(alur_cli, engine):
    made = alur_cli("users", "create", "budi", "--name", "Budi Santoso", "--role", "upp_unit_kerja",
                    "--role", "auditor", "--password-stdin", input=PASSWORD + "\n")
    assert "Akun budi dibuat (peran: auditor, upp_unit_kerja)." in made.stdout and PASSWORD not in made.output
    # Without --password-stdin the password is asked twice, hidden.
    alur_cli("users", "create", "citra", "--name", "Citra", "--role", "sesdep", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert engine.authenticate("citra", PASSWORD).roles == frozenset({"sesdep"})

    listed = alur_cli("users", "list").stdout
    assert "budi" in listed and "Budi Santoso" in listed and "auditor, upp_unit_kerja" in listed
    as_json = json.loads(alur_cli("--json", "users", "list").stdout)
    assert [(u["username"], u["roles"], u["active"]) for u in as_json] == [
        ("budi", ["auditor", "upp_unit_kerja"], True), ("citra", ["sesdep"], True)]

    assert "Peran budi: sesdep." in alur_cli("users", "set-roles", "budi", "--role", "sesdep").stdout
    assert engine.authenticate("budi", PASSWORD).roles == frozenset({"sesdep"})

    assert "dinonaktifkan" in alur_cli("users", "deactivate", "budi").stdout
    assert engine.actor_for_user("budi") is None
    assert "NONAKTIF" in alur_cli("users", "list").stdout
    alur_cli("users", "activate", "budi")
    assert engine.actor_for_user("budi").name == "budi"

    new_password = "Baru-Lagi-2026!"
    reset = alur_cli("users", "reset-password", "budi", "--password-stdin", input=new_password + "\n")
    assert "diatur ulang" in reset.stdout
    assert engine.authenticate("budi", new_password).name == "budi"


def test_refusals_come_back_as_engine_errors(alur_cli):
    weak = alur_cli("users", "create", "budi", "--name", "Budi", "--role", "sesdep", "--password-stdin",
                    input="lemah\n", expect=1)
    assert isinstance(weak.exception, PasswordPolicy) and "Minimal 12 karakter." in weak.exception.problems
    alur_cli("users", "create", "kepala", "--name", "Kepala", "--role", "admin", "--password-stdin",
             input=PASSWORD + "\n")
    last = alur_cli("users", "deactivate", "kepala", expect=1)
    assert isinstance(last.exception, Conflict) and "satu-satunya admin" in last.exception.message


def test_tokens_are_printed_once_and_listed_by_prefix(alur_cli, engine):
    alur_cli("users", "create", "budi", "--name", "Budi", "--role", "auditor", "--password-stdin",
             input=PASSWORD + "\n")
    made = alur_cli("tokens", "create", "budi", "--name", "laporan harian").stdout
    assert "dicetak sekali saja" in made
    token = re.search(r"^(alur_\S+)$", made, re.M).group(1)
    assert engine.actor_for_token(token).name == "budi"
    listed = alur_cli("tokens", "list", "budi").stdout
    assert token[:12] in listed and token not in listed and "laporan harian" in listed
    as_json = json.loads(alur_cli("--json", "tokens", "list", "budi").stdout)
    assert as_json[0]["prefix"] == token[:12] and "token" not in as_json[0]
    alur_cli("tokens", "revoke", str(as_json[0]["id"]))
    assert engine.actor_for_token(token) is None and "DICABUT" in alur_cli("tokens", "list", "budi").stdout
    assert isinstance(alur_cli("tokens", "list", "tidakada", expect=1).exception, NotFound)


def test_the_console_script_refuses_a_weak_password_in_one_line(tmp_path):
    env = {**os.environ, "ALUR_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}
    script = str(Path(ROOT) / ".venv" / "bin" / "alur")
    run = lambda *args, **kw: subprocess.run([script, *args], cwd=ROOT, env=env, capture_output=True,  # noqa: E731
                                             text=True, timeout=60, **kw)
    assert run("init", "--no-deploy", "--no-demo").returncode == 0
    done = run("users", "create", "budi", "--name", "Budi", "--role", "sesdep", "--password-stdin",
               input="budi-Lemah\n")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "Kata sandi tidak memenuhi kebijakan" in done.stderr and "Minimal 12 karakter" in done.stderr
    unknown = run("tokens", "list", "tidakada")
    assert unknown.returncode == 1 and "tidak ditemukan" in unknown.stderr
