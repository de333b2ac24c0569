"""Several clients at once over the JSON API: throughput on queues of their own, and races.

Each client is a thread with its own keep-alive connection and its own users' tokens (one user
per lane, so every completion is made by someone of that task's lane). Outcomes are counted
apart: done, clean conflicts (409), other refusals (4xx), server errors (5xx) and connection
errors; only the last two are failures.
"""
from __future__ import annotations

import http.client
import threading
import time
from collections import Counter

from tests.bench.http_client import Client
from tests.bench.sop import PROCESS_KEY, data_for
from tests.bench.stats import median, percentile


def classify(status: int) -> str:
    if status in (200, 201):
        return "done"
    if status == 409:
        return "conflict"
    return "server error" if status >= 500 else "other 4xx"


def start_cases(client: Client, token: str, count: int) -> list[list[dict]]:
    """Start `count` cases over the API (screening done); each case's ready tasks."""
    ready = []
    for _ in range(count):
        status, body = client.post_json("/api/v1/cases", {"process_key": PROCESS_KEY,
                                                          "data": data_for("screening_pengunjung")}, token=token)
        if status != 201:
            raise RuntimeError(f"POST /api/v1/cases answered {status}: {body!r:.300}")
        ready.append(body["ready"])
    return ready


def _run_threads(count: int, work) -> tuple[list, float]:
    """Run work(n, barrier) in `count` threads released together: (their results in order, the
    release time)."""
    barrier = threading.Barrier(count + 1, timeout=120)
    results: list = [None] * count
    errors: list = []

    def target(n):
        try:
            results[n] = work(n, barrier)
        except BaseException as error:  # reported by the caller, never swallowed
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=target, args=(n,), name=f"bench-client-{n}") for n in range(count)]
    for t in threads:
        t.start()
    began = time.perf_counter()
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        pass
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results, began


def prepare_queues(port: int, client_tokens: list[dict], cases_per_client: int) -> tuple[list, float]:
    """Each client starts its own cases, all at once; (queues, starts per second)."""
    def work(n, barrier):
        client = Client(port)
        barrier.wait()
        queue = start_cases(client, client_tokens[n]["upp_kementerian"], cases_per_client)
        client.close()
        return queue, time.perf_counter()

    results, began = _run_threads(len(client_tokens), work)
    elapsed = max(end for _, end in results) - began
    return [q for q, _ in results], len(client_tokens) * cases_per_client / elapsed


def throughput(port: int, client_tokens: list[dict], queues: list[list], seconds: float) -> dict:
    """Clients work their own cases (steps 2-5, case after case) until the deadline."""
    shared = {}

    def work(n, barrier):
        client, tokens, tally, times, ran_out = Client(port), client_tokens[n], Counter(), [], False
        barrier.wait()
        deadline = shared["deadline"]
        last = time.perf_counter()
        for ready in queues[n]:
            while ready and ready[0]["role"] in tokens and time.perf_counter() < deadline:
                task = ready[0]
                t0 = time.perf_counter_ns()
                try:
                    status, body = client.post_json(f"/api/v1/tasks/{task['id']}/complete",
                                                    {"data": data_for(task["form_key"])}, token=tokens[task["role"]])
                except (OSError, http.client.HTTPException):
                    tally["connection error"] += 1
                    client.reconnect()
                    break
                times.append(time.perf_counter_ns() - t0)
                last = time.perf_counter()
                tally[classify(status)] += 1
                ready = body["ready"] if status == 200 else []
            if time.perf_counter() >= deadline:
                break
        else:
            ran_out = True
        client.close()
        return tally, times, last, ran_out

    shared["deadline"] = time.perf_counter() + seconds
    results, began = _run_threads(len(queues), work)
    tally = sum((r[0] for r in results), Counter())
    times = [t for r in results for t in r[1]]
    elapsed = max(r[2] for r in results) - began
    return {"tally": tally, "per_second": tally["done"] / elapsed, "elapsed": elapsed,
            "p50": median(times), "p95": percentile(times, 95), "ran_out": sum(r[3] for r in results)}


def race(port: int, client_tokens: list[dict], tasks: list[dict]) -> dict:
    """Every client completes every task, all released together on each one: exactly one may
    win each task, the others must get a clean 409."""
    wins = Counter()
    lock = threading.Lock()
    barrier_box = {}

    def work(n, barrier):
        client, tally = Client(port), Counter()
        barrier.wait()
        for task in tasks:
            barrier_box["each"].wait()
            try:
                status, _ = client.post_json(f"/api/v1/tasks/{task['id']}/complete",
                                             {"data": data_for(task["form_key"])},
                                             token=client_tokens[n][task["role"]])
            except (OSError, http.client.HTTPException):
                tally["connection error"] += 1
                client.reconnect()
                continue
            tally[classify(status)] += 1
            if status == 200:
                with lock:
                    wins[task["id"]] += 1
        client.close()
        return tally

    barrier_box["each"] = threading.Barrier(len(client_tokens), timeout=60)  # never hang the bench
    results, _ = _run_threads(len(client_tokens), work)
    tally = sum(results, Counter())
    return {"tally": tally, "tasks": len(tasks), "won_once": sum(1 for t in tasks if wins[t["id"]] == 1),
            "won_twice": sum(1 for t in tasks if wins[t["id"]] > 1)}
