"""Fire BPMN timers when they are due, exactly once, from any number of workers.

Each timer fires in its own transaction: the worker locks the earliest due row (SKIP LOCKED on
PostgreSQL, the write lock on SQLite), advances the case, marks the row fired, and commits.
A second worker never sees the same row as due, and the case's revision check catches any
other writer in between.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from typing import Callable

from engine import runtime
from engine.case import SYSTEM, Case
from engine.context import EngineContext
from engine.errors import Conflict, describe_error
from engine.repositories import utc

log = logging.getLogger("alur.timers")
POLL_SECONDS = 0.5  # upper bound on the sleep, so timers created by other processes are seen
HOUSEKEEPING_SECONDS = 600.0  # daily jobs are checked this often; each knows whether it is due


def fire_due(ctx: EngineContext, *, limit: int = 100) -> int:
    fired = 0
    while fired < limit:
        now = ctx.clock()
        with ctx.uow(write=True) as uow:
            row = uow.timers.lock_one_due(now)
            if row is None:
                return fired
            try:
                case = Case.load(uow, row.instance_id, ctx.compiled, now)
                case.fire_timers()
                if row.task_id in {t.task_id for t in runtime.pending_timers(case.workflow)}:
                    return fired  # the engine's clock has not reached it yet; next round
                uow.timers.deactivate(row.instance_id, [row.task_id], now)
                case.record("timer.fired", SYSTEM, data={"bpmn_id": row.bpmn_id,
                                                         "due_at": utc(row.due_at).isoformat()})
                case.save()
                uow.commit()
            except Conflict:
                log.info("timer %s: case %s changed meanwhile; retrying", row.id, row.instance_id)
                continue
            except Exception as error:  # an engine failure must not stop every other timer
                log.warning("timer %s of case %s failed: %s", row.id, row.instance_id, type(error).__name__)
                failed = (row.instance_id, row.task_id, row.bpmn_id, error)
            else:
                fired += 1
                continue
        record_timer_failure(ctx, *failed)
    return fired


def record_timer_failure(ctx: EngineContext, instance_id: int, task_id: str, bpmn_id: str, error) -> None:
    now = ctx.clock()
    with ctx.uow(write=True) as uow:
        uow.timers.deactivate(instance_id, [task_id], None)
        case = Case.load(uow, instance_id, ctx.compiled, now)
        case.record("instance.error", SYSTEM, data={"bpmn_id": bpmn_id, "error": describe_error(error)})
        case.save_events_only()
        uow.commit()


def next_due(ctx: EngineContext) -> datetime | None:
    with ctx.uow(write=False) as uow:
        return uow.timers.next_due()


def run_worker(ctx: EngineContext, stop: threading.Event | None = None, *,
               housekeeping: Callable[[datetime], None] | None = None,
               housekeeping_every: float = HOUSEKEEPING_SECONDS) -> None:
    """Sleep until the next due time (at most POLL_SECONDS), fire what is due, repeat.

    `housekeeping(now)` (the daily digest and the retention purge) runs at start and then every
    `housekeeping_every` seconds; its jobs are idempotent, so running it from several workers, or
    again after a restart, does no harm. A failure is logged and retried next round: it must never
    stop the timers."""
    stop = stop or threading.Event()
    log.info("timer worker started")
    next_housekeeping = 0.0
    while not stop.is_set():
        if housekeeping is not None and time.monotonic() >= next_housekeeping:
            next_housekeeping = time.monotonic() + housekeeping_every
            try:
                housekeeping(ctx.clock())
            except Exception as error:  # noqa: BLE001 - logged, retried next round
                log.warning("housekeeping failed: %s", describe_error(error))
        fire_due(ctx)
        due = next_due(ctx)
        pause = POLL_SECONDS
        if due is not None:
            pause = max(0.0, min(POLL_SECONDS, (due - ctx.clock()).total_seconds()))
        stop.wait(pause if pause > 0 else 0.01)
    log.info("timer worker stopped")
