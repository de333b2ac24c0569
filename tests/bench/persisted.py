"""The project's persisted completion: engine.facade.Alur on a fresh SQLite database (WAL)."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from engine.case import Actor
from engine.facade import Alur
from engine.settings import Settings
from tests.bench.sop import PROCESS_KEY, data_for
from tests.bench.stats import now

STARTER = Actor("ani", frozenset({"upp_kementerian"}))
ACTORS = {
    "upp_kementerian": STARTER,
    "upp_unit_kerja": Actor("budi", frozenset({"upp_unit_kerja"})),
    "sesdep": Actor("sesdep", frozenset({"sesdep"})),
    "masyarakat": Actor("pengunjung", frozenset({"masyarakat"})),
}


class Database:
    """A fresh SQLite file in a temp directory with the shipped SOP deployed."""

    def __init__(self):
        self.directory = Path(tempfile.mkdtemp(prefix="alur-bench-"))
        self.path = self.directory / "bench.sqlite3"
        self.alur = Alur(Settings(database_url=f"sqlite:///{self.path}"))
        self.alur.init_db()
        self.alur.deploy_shipped()

    def close(self) -> None:
        self.alur.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def start_cases(alur: Alur, count: int) -> tuple[list, list[int]]:
    """Start `count` cases, each with its screening (step 1) done. Returns the ready tasks and
    the ns each start took."""
    ready, times = [], []
    for _ in range(count):
        t0 = now()
        started = alur.start(PROCESS_KEY, STARTER, first_task_data=data_for("screening_pengunjung"))
        times.append(now() - t0)
        ready.append(started.ready)
    return ready, times


def complete_all(alur: Alur, ready: list[list]) -> list[int]:
    """Work every case to its end, one step of every case at a time (as a busy office would:
    completions of different cases interleave). Returns each completion's ns."""
    times = []
    pending = [r for r in ready if r]
    while pending:
        following = []
        for tasks in pending:
            task = tasks[0]
            data = data_for(task.form_key)
            t0 = now()
            result = alur.complete(ACTORS[task.role], task.id, data)
            times.append(now() - t0)
            if result.ready:
                following.append(result.ready)
            else:
                assert result.status == "completed", result
        pending = following
    return times


def run_round(alur: Alur, count: int) -> tuple[list[int], list[int]]:
    ready, start_times = start_cases(alur, count)
    return complete_all(alur, ready), start_times
