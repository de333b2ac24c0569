"""The periodic worker's daily jobs: a digest for each finished WIB day, then the retention purge."""
from __future__ import annotations

import threading

from tests.conftest import AUDITOR
from tests.integration.personal_support import AGUS, closed_case, use_clock


def test_housekeeping_digests_the_finished_days_and_purges_what_is_past_retention(alur):
    clock = use_clock(alur)
    old = closed_case(alur, AGUS)
    clock.advance(days=alur.settings.retention_days + 1)
    alur.housekeeping(clock())
    days = alur.digests(AUDITOR)
    assert len(days) == 1 and days[0].case_count == 1  # only the day with events, not the empty ones
    assert alur.case(AUDITOR, instance_id=old).display_name is None
    assert alur.history(AUDITOR, old)[-1].kind == "personal.purged"
    assert alur.verify(old).intact
    assert alur.check_digest(AUDITOR, days[0].id).intact
    alur.housekeeping(clock())  # idempotent: a second round (another worker, a restart) adds nothing
    assert len(alur.digests(AUDITOR)) == 1
    assert [e.kind for e in alur.history(AUDITOR, old)].count("personal.purged") == 1


def test_the_timer_worker_runs_housekeeping_when_it_starts(alur):
    clock = use_clock(alur)
    closed_case(alur, AGUS)
    clock.advance(days=2)
    stop = threading.Event()
    worker = threading.Thread(target=alur.run_timer_worker, args=(stop,), daemon=True)
    worker.start()
    try:
        for _ in range(100):
            if alur.digests(AUDITOR):
                break
            stop.wait(0.05)
    finally:
        stop.set()
        worker.join(5)
    assert not worker.is_alive()
    assert len(alur.digests(AUDITOR)) == 1
