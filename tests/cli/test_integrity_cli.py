"""`alur verify` (one case, --all) and `alur digest ...` as an operator runs them: a real process on
a real database, exit status 4 when a chain or a digest does not hold."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.conftest import ROOT, make_alur
from tests.integration.chain_attacks import Attacker, case_with_events

ALUR = str(Path(ROOT) / ".venv" / "bin" / "alur")


@pytest.fixture
def setup(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    alur = make_alur(url)
    alur.deploy_shipped()
    # Cases dated two minutes ago, so that a digest "until now" (30 s settling) holds them.
    earlier = datetime.now(timezone.utc) - timedelta(minutes=2)
    alur.ctx.clock = lambda: earlier
    ids = [case_with_events(alur, nama=f"Tamu {n}") for n in range(2)]
    env = {**os.environ, "ALUR_DATABASE_URL": url}

    def run(*args, expect: int = 0):
        done = subprocess.run([ALUR, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == expect, (args, done.returncode, done.stdout, done.stderr)
        return done
    yield alur, ids, run
    alur.close()


def test_verify_one_and_all_with_exit_4_on_a_broken_chain(setup):
    alur, ids, run = setup
    assert "rantai hash utuh" in run("verify", str(ids[0])).stdout
    assert "2 kasus, 14 peristiwa" in run("verify", "--all").stdout
    with Attacker(alur, ids[1]) as attacker:
        attacker.renumber({3: 4, 4: 3})
    broken = run("verify", "--all", expect=4).stdout
    assert f"Kasus #{ids[1]}" in broken and "Peristiwa #3 dan #4 ditukar urutannya" in broken
    assert f"Kasus #{ids[0]}" not in broken and "1 kasus RUSAK" in broken
    as_json = json.loads(run("--json", "verify", "--all", expect=4).stdout)
    assert [b["instance_id"] for b in as_json["broken"]] == [ids[1]]
    assert as_json["broken"][0]["breaks"][0].startswith("event #3: reordered")
    assert "ditukar urutannya" in run("verify", str(ids[1]), expect=4).stdout
    assert "Sebutkan satu nomor kasus" in run("verify", expect=2).stderr
    assert "Kasus tidak ditemukan" in run("verify", "999", expect=1).stderr


def test_digest_create_list_show_and_check_by_id_file_and_hash(setup, tmp_path):
    alur, ids, run = setup
    made = json.loads(run("--json", "digest", "create").stdout)
    assert made["case_count"] == 2 and made["prev_digest"] == "0" * 64
    assert f"#{made['id']}" in run("digest", "list").stdout
    shown = run("digest", "show", str(made["id"])).stdout
    assert " ".join(made["digest"][i:i + 8] for i in range(0, 64, 8)) in shown
    csv = run("digest", "show", str(made["id"]), "--csv").stdout
    by_hand = f"alur-digest-v1\n{made['period_text']}\n{made['prev_digest']}\n{csv}".encode()
    assert hashlib.sha256(by_hand).hexdigest() == made["digest"]
    kept = tmp_path / "digest.json"
    kept.write_text(run("--json", "digest", "show", str(made["id"])).stdout)
    assert "UTUH." in run("digest", "check").stdout
    assert "UTUH." in run("digest", "check", "--hash", made["digest"].upper()).stdout
    with Attacker(alur, ids[0]) as attacker:
        attacker.rewrite_consistently(3, {"tujuan": "tanya_progres"})
    assert "rantai hash utuh" in run("verify", str(ids[0])).stdout  # the chain alone is fooled
    for how in (["--id", str(made["id"])], ["--file", str(kept)], ["--hash", made["digest"]]):
        found = run("digest", "check", *how, expect=4).stdout
        assert f"Kasus #{ids[0]}" in found and "riwayat ditulis ulang" in found and "TIDAK UTUH." in found
    assert "Pilih salah satu" in run("digest", "check", "--id", "1", "--hash", "x", expect=2).stderr
    assert "64 digit" in run("digest", "check", "--hash", "abc", expect=1).stderr


def test_digest_until_a_day_and_daily(setup):
    alur, ids, run = setup
    wib = timedelta(hours=7)
    events_day = (alur.ctx.clock() + wib).date()  # the WIB day the cases' events fall on
    yesterday = (events_day - timedelta(days=1)).isoformat()
    made = json.loads(run("--json", "digest", "create", "--until", yesterday).stdout)
    assert made["case_count"] == 0 and made["period_text"].endswith("T17:00:00Z")
    assert "masa depan" in run("digest", "create", "--until", "2999-01-01", expect=1).stderr
    daily = run("digest", "daily").stdout
    if (datetime.now(timezone.utc) - timedelta(seconds=30) + wib).date() == events_day:
        assert "Tidak ada digest harian baru." in daily  # the events' day has not ended yet
    else:  # run just after midnight WIB: that day is closed now
        assert "2 kasus" in daily
