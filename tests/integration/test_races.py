"""Two users on one task at the same moment: exactly one wins, the other gets a clear conflict,
and nothing is half-written. On SQLite and PostgreSQL, with real threads and connections."""
from __future__ import annotations

import threading

import pytest

from tests.conftest import AUDITOR, UPP_KEMENTERIAN
from engine.case import Actor
from engine.errors import Conflict
from tests.sop_data import VERIFIKASI, screening

RIVALS = [Actor("budi", frozenset({"upp_kementerian", "upp_unit_kerja"})),
          Actor("citra", frozenset({"upp_unit_kerja"}))]


def race(action, rounds_of: list) -> list:
    """Run action(actor) for each rival at once; return each outcome (a result or the exception)."""
    barrier = threading.Barrier(len(rounds_of))
    outcomes: list = [None] * len(rounds_of)

    def run(index, actor):
        barrier.wait()
        try:
            outcomes[index] = action(actor)
        except Exception as error:  # the loser's exception is the thing under test
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(rounds_of)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def fresh_task(alur):
    started = alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening())
    return started.instance_id, started.ready[0].id


@pytest.mark.parametrize("attempt", range(3))
def test_two_claims_one_winner(alur, attempt):
    instance_id, task_id = fresh_task(alur)
    outcomes = race(lambda actor: alur.claim(actor, task_id), RIVALS)
    winners = [o for o in outcomes if not isinstance(o, Exception)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert isinstance(losers[0], Conflict)
    assert "sudah diambil" in losers[0].message or "diubah" in losers[0].message
    holder = alur.task(RIVALS[1], task_id).claimed_by
    assert holder == winners[0].claimed_by
    claims = [e for e in alur.history(AUDITOR, instance_id) if e.kind == "task.claimed"]
    assert [e.actor for e in claims] == [holder]
    assert alur.verify(instance_id).intact


@pytest.mark.parametrize("attempt", range(3))
def test_two_completions_one_winner(alur, attempt):
    instance_id, task_id = fresh_task(alur)
    outcomes = race(lambda actor: alur.complete(actor, task_id, VERIFIKASI), RIVALS)
    winners = [o for o in outcomes if not isinstance(o, Exception)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert isinstance(losers[0], Conflict), repr(losers[0])
    case = alur.case(AUDITOR, instance_id=instance_id)
    assert [e.kind for e in case.events].count("task.completed") == 2  # screening + the winner's
    assert [t.sop_step for t in case.tasks if t.state == "ready"] == [3]  # one next step, not two
    assert alur.verify(instance_id).intact


def test_claimed_task_cannot_be_completed_by_another(alur):
    instance_id, task_id = fresh_task(alur)
    alur.claim(RIVALS[0], task_id)
    with pytest.raises(Conflict, match="budi"):
        alur.complete(RIVALS[1], task_id, VERIFIKASI)
    assert alur.case(AUDITOR, instance_id=instance_id).revision == 3  # start, step 1 save, claim
