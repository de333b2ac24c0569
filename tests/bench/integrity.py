"""The auditors' costs in `make bench`, as ratios to the live completion measured in the same run:
verifying the hash chains of every case (10,000 by default: three real cases run through the
facade, the rest cloned in bulk by seed.py with chains hashed again, so all of them verify), the
digest of their chain heads and its check, and replaying and re-executing one case
(tests/bench/replay_cost.py, helper A's).

    python -m tests.bench.integrity [cases]     # on its own, against a fixed 500 us completion
"""
from __future__ import annotations

import gc
import sys
import time
from datetime import timedelta

from engine.case import Actor
from tests.bench import persisted, seed
from tests.bench.stats import median, table

AUDITOR = Actor("auditor", frozenset({"auditor"}))


def _timed(call, repeats: int) -> tuple[float, object]:
    """(median seconds, the last result)."""
    times, result = [], None
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - t0)
    return median(times), result


def _ratio(seconds: float, completion_s: float) -> str:
    ratio = seconds / completion_s
    return f"{ratio:.2f}x" if ratio < 1 else f"{ratio:.1f}x" if ratio < 10 else f"{ratio:,.0f}x"


def run(completion_ns: float, cases: int, repeats: int = 3, replay_repeats: int = 10) -> str:
    completion_s = completion_ns / 1e9
    with persisted.Database() as db:
        alur = db.alur
        templates = seed.make_templates(alur)
        seeded = seed.clone(f"sqlite:///{db.path}", templates, max(0, cases - len(templates)))
        alur.verify_all(AUDITOR)  # warm: imports, SQLite pages
        verify_s, chains = _timed(lambda: alur.verify_all(AUDITOR), repeats)
        # The bench's own promise: every seeded clone's chain verifies.
        assert chains.cases == cases and chains.intact, (
            f"verify_all on the seeded database: {len(chains.broken)} of {chains.cases} cases broken, e.g. "
            f"{chains.broken[0].breaks[:2] if chains.broken else None}")
        moment = alur.ctx.clock() + timedelta(minutes=1)  # past the digest's settling time
        alur.ctx.clock = lambda: moment
        t0 = time.perf_counter()
        made = alur.create_digest(AUDITOR)
        digest_s = time.perf_counter() - t0
        check_s, check = _timed(lambda: alur.check_digest(AUDITOR, made.id), repeats)
        assert check.intact and made.case_count == cases, check
        replay = _replay(alur, templates[0], replay_repeats)

    per_case = verify_s / chains.cases
    rows = [
        [f"verify_all: {chains.cases:,} cases, {chains.events:,} events", f"{verify_s * 1000:,.0f} ms",
         _ratio(verify_s, completion_s), "one query, streamed; every hash recomputed"],
        ["  the same, per case", f"{per_case * 1e6:,.0f} us", _ratio(per_case, completion_s),
         f"{chains.events / chains.cases:.0f} events a case on average"],
        [f"digest of {made.case_count:,} chain heads", f"{digest_s * 1000:,.0f} ms", _ratio(digest_s, completion_s),
         "heads from the event rows, one grouped query"],
        ["check of that digest against today's events", f"{check_s * 1000:,.0f} ms",
         _ratio(check_s, completion_s), "intact"],
    ]
    if replay is None:
        rows.append(["replay one case", "n/a", "", "tests/bench/replay_cost.py not there yet"])
    else:
        for key, label in (("replay", "replay one case (every step)"), ("reexecute", "re-execute one case")):
            rows.append([f"{label}, {replay['events']} events", f"{replay[key] * 1000:,.1f} ms",
                         _ratio(replay[key], completion_s), f"median of {replay_repeats}"])
    out = [table("Auditing (ratio = time / one live task completion in this run)",
                 ["", "time", "ratio", "note"], rows, align="lrrl"),
           f"  live completion in this run: {completion_ns / 1e3:.0f} us (persisted complete(), median); "
           f"seeding {seeded['rows']['instance']:,} clones with their chains hashed again: {seeded['seconds']:.1f} s",
           f"  verify_all on the seeded database: {chains.cases:,} cases, "
           f"{'all intact' if chains.intact else f'{len(chains.broken)} BROKEN'}"]
    return "\n".join(out) + "\n"


def _replay(alur, instance_id: int, repeats: int) -> dict | None:
    """Helper A's measure (imported late: the bench runs without it while it is being written)."""
    try:
        from tests.bench.replay_cost import measure_replay
    except ImportError:
        return None
    cost = measure_replay(alur, instance_id, AUDITOR, repeats)
    return {**cost, "events": alur.verify_case(AUDITOR, instance_id).events}


if __name__ == "__main__":
    print(run(500_000, int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
