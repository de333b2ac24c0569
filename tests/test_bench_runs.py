"""`make bench` keeps working: a tiny run must finish and end with the ratio line. Nothing is
timed or compared here; the figures themselves are for people to read."""
from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT


def test_the_benchmark_runs_and_ends_with_the_ratio_line():
    # --quick keeps the web part small too: 2,000 seeded cases, a 1 s concurrent run.
    done = subprocess.run([sys.executable, "-m", "tests.bench", "--quick", "--rounds", "1", "--instances", "5",
                           "--memory-cases", "0"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"completion cost vs raw engine: \d+\.\dx", done.stdout.strip().splitlines()[-1])
    assert "Where a persisted completion's time goes" in done.stdout
    # The auditors' figures: the seeded clones' chains all verify, and replay is measured.
    assert "verify_all on the seeded database: 1,000 cases, all intact" in done.stdout, done.stdout
    assert re.search(r"replay one case \(every step\), \d+ events +[\d.]+ ms +[\d.,]+x", done.stdout), done.stdout
    # The web part ran against the real server: its table is there, every row measured.
    web = done.stdout[done.stdout.index("Over HTTP: alur serve"):]
    assert "seeding 2,000 closed cases" in web
    assert not re.search(r"\bn/a\b", web), web
    assert "server log: 0 warning/error lines" in web, web
