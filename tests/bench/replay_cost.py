"""What replaying and re-executing one case cost (B's `make bench` report divides them by the
live completion cost). Median seconds over `repeats` runs of each, interleaved so that a noisy
moment of the shared machine hits both alike.

    python -m tests.bench.replay_cost          # one SOP case on a fresh SQLite file
"""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path


def measure_replay(alur, instance_id: int, actor, repeats: int) -> dict[str, float]:
    """{"replay": median s of alur.case_replay, "reexecute": median s of alur.reexecute}; one
    warm-up of each first (the definition's compiled spec and forms are cached per process,
    as in a running server)."""
    if repeats < 1:
        raise ValueError("repeats must be at least 1")
    alur.case_replay(actor, instance_id)
    if not alur.reexecute(actor, instance_id).matches:
        raise AssertionError(f"case {instance_id} does not re-execute cleanly; its cost would not be comparable")
    replay, reexecute = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        alur.case_replay(actor, instance_id)
        replay.append(time.perf_counter() - started)
        started = time.perf_counter()
        alur.reexecute(actor, instance_id)
        reexecute.append(time.perf_counter() - started)
    return {"replay": statistics.median(replay), "reexecute": statistics.median(reexecute)}


def main(repeats: int = 30) -> None:
    from tests.conftest import AUDITOR, make_alur
    from tests.integration.test_sop_paths import run_case

    with tempfile.TemporaryDirectory() as directory:
        alur = make_alur(f"sqlite:///{Path(directory) / 'replay.sqlite3'}")
        try:
            alur.deploy_shipped()
            started, _result, walked = run_case(alur, tujuan="konsultasi", disetujui=True)
            cost = measure_replay(alur, started.instance_id, AUDITOR, repeats)
        finally:
            alur.close()
    print(f"one case, {len(walked)} steps, 25 events, median of {repeats}: "
          f"replay {cost['replay'] * 1000:.2f} ms, re-execution {cost['reexecute'] * 1000:.2f} ms")


if __name__ == "__main__":
    main()
