"""The web part of `make bench` after the main rounds: runs the page, seeding and concurrency
measures and prints their table (figures, targets, and whether each was met; no assertions)."""
from __future__ import annotations

from tests.bench.stats import median, percentile, table
from tests.bench.web import OPEN_TASKS, WebBench, cores, ms

MS_TARGET = 5.0  # task form and inbox, p50
API_RATIO_TARGET = 10.0
BIG_INBOX_TARGET = 1.5
THROUGHPUT_TARGET = 200.0


def _mark(ok: bool | None) -> str:
    return "n/a" if ok is None else ("ok" if ok else "MISSED")


def _p50(times) -> str:
    return f"{ms(median(times)):.2f}" if times else "n/a"


def _row(label: str, times: list[int], local: list[int] | None = None, target: str = "",
         ok: bool | None = None, note: str = "") -> list:
    if not times:
        return [label, "n/a", "n/a", _p50(local), target, _mark(None) if target else "", note]
    return [label, _p50(times), f"{ms(percentile(times, 95)):.2f}", _p50(local) if local is not None else "",
            target, _mark(ok) if target else "", note]


def _pages(found: dict, raw_ns: float) -> list[list]:
    rows = []
    floor = found["floor"]
    rows.append(_row("floor: 401 without a token (GET /api/v1/tasks)", floor["http"], floor["local"],
                     note=f"HTTP {floor['status']}: routing + JSON error, no database"))
    (html, statuses), (local, _) = found["html complete"]["http"], found["html complete"]["local"]
    html_ok = bool(html) and set(statuses) <= {302, 303}
    rows.append(_row("HTML complete (POST /tugas/<id>, form + CSRF)", html if html_ok else [], local,
                     note=f"{median(html) / raw_ns:.1f}x raw" if html_ok else f"statuses {statuses}"))
    task = found["task"]
    task_p50 = ms(median(task["http"])) if task["status"] == 200 else None
    rows.append(_row("task form (GET /tugas/<id>)", task["http"] if task_p50 else [], task["local"],
                     f"p50 < {MS_TARGET:.0f} ms", task_p50 is not None and task_p50 < MS_TARGET,
                     "" if task_p50 else f"HTTP {task['status']}"))
    inbox = found["inbox"]
    small = ms(median(inbox["http"])) if inbox["status"] == 200 else None
    rows.append(_row(f"inbox (GET /kotak-masuk), {OPEN_TASKS} open tasks", inbox["http"] if small else [],
                     inbox["local"], f"p50 < {MS_TARGET:.0f} ms", small is not None and small < MS_TARGET,
                     "" if small else f"HTTP {inbox['status']}"))
    big = found["inbox big"]
    big_p50 = ms(median(big["http"])) if big["status"] == 200 and small else None
    rows.append(_row(f"inbox, same open tasks, {found['cases after'][1]:,} cases", big["http"] if big_p50 else [],
                     big["local"], f"<= {BIG_INBOX_TARGET}x the {OPEN_TASKS} one",
                     big_p50 is not None and big_p50 <= BIG_INBOX_TARGET * small,
                     f"{big_p50 / small:.2f}x the {OPEN_TASKS} one" if big_p50 else ""))
    return rows


def _crowd(crowd: dict, clients: int) -> list[list]:
    tally, race = crowd["tally"], crowd["race"]
    failures = tally["server error"] + tally["connection error"]
    rtally = race["tally"]
    race_failures = rtally["server error"] + rtally["connection error"]
    clean = race["won_once"] == race["tasks"] and not race["won_twice"] and race_failures == 0
    return [
        [f"{clients} clients, API completions per second", f"{crowd['per_second']:,.0f}/s", "", "",
         f">= {THROUGHPUT_TARGET:.0f}/s", _mark(crowd["per_second"] >= THROUGHPUT_TARGET),
         f"{tally['done']:,} in {crowd['elapsed']:.1f} s; each call p50 {ms(crowd['p50']):.2f} ms, "
         f"p95 {ms(crowd['p95']):.2f} ms"],
        [f"{clients} clients, errors (5xx, connection)", str(failures), "", "", "0", _mark(failures == 0),
         f"409 conflicts {tally['conflict']}, other 4xx {tally['other 4xx']}"
         + (f"; {crowd['ran_out']} client(s) ran out of tasks" if crowd["ran_out"] else "")],
        [f"{clients} clients racing on {race['tasks']} tasks", f"{race['won_once']}/{race['tasks']}", "", "",
         "each won once, 0 errors", _mark(clean),
         f"409 conflicts {rtally['conflict']}, other 4xx {rtally['other 4xx']}, errors {race_failures}"],
        [f"{clients} clients starting cases (POST /api/v1/cases)", f"{crowd['starts per second']:,.0f}/s",
         "", "", "", "", "to fill their queues"],
    ]


def run(bench: WebBench, *, raw_ns: float, persisted_ns: float, api_rounds: list[list[int]], api_starts: list[int],
        reps: int, seed_cases: int, seconds: float, race_tasks: int, instances: int) -> str:
    local_api, local_starts = bench.api_round(instances, local=True)
    found = bench.pages(reps, seed_cases)
    big_api, _ = bench.api_round(instances)
    # As for the persisted figure: the median of the rounds' medians (p95 over all of them).
    api_times = [t for r in api_rounds for t in r]
    api_p50 = median([median(r) for r in api_rounds if r]) if api_times else None
    crowd = bench.concurrency(seconds, race_tasks, api_p50) if api_p50 else None

    rows = []
    if api_p50:
        ratio = api_p50 / raw_ns
        row = _row("API complete (POST /api/v1/tasks/{id}/complete)", api_times, local_api,
                   f"<= {API_RATIO_TARGET:.0f}x raw", ratio <= API_RATIO_TARGET,
                   f"{ratio:.1f}x raw; facade complete() alone {persisted_ns / 1e3:.0f} us")
        row[1] = f"{ms(api_p50):.2f}"
        rows.append(row)
        rows.append(_row("API start + step 1 (POST /api/v1/cases)", api_starts, local_starts))
    else:
        rows.append(_row("API complete", [], None, f"<= {API_RATIO_TARGET:.0f}x raw", note="API not available"))
    rows += _pages(found, raw_ns)
    if big_api:
        rows.append(_row(f"API complete, {found['cases after'][1]:,} cases", big_api,
                         note=f"{median(big_api) / raw_ns:.1f}x raw"))
    if crowd:
        rows += _crowd(crowd, len(bench.server.client_tokens))

    out = [table(f"Over HTTP: alur serve (waitress, {bench.server.threads} threads) on loopback, "
                 f"keep-alive http.client; {cores()} cores",
                 ["", "p50 ms", "p95 ms", "in process p50", "target", "", "note"], rows, align="lrrrlll")]
    out.append(f"  in process = the same app and database through the Flask test client in the bench's process "
               f"(no socket, no waitress); raw engine per completion in this run (steps 2-8 median): "
               f"{raw_ns / 1e3:.1f} us; API completions are steps 2-5 (the staff's), one step of every case at a time")
    out += [f"  {note}" for note in bench.notes]
    seeded = found["seed"]
    rows_seeded = ", ".join(f"{n:,} {t}" for t, n in seeded["rows"].items())
    out.append(f"  seeding {seed_cases:,} closed cases in bulk: {seeded['seconds']:.1f} s ({rows_seeded}); "
               f"open tasks in the lane after: {found['cases after'][0]}")
    for when, plan in zip(("as stored", "after ANALYZE, rolled back"), found["plan"]):
        uses = any("ix_human_task_role_state_created" in line for line in plan)
        out.append(f"  inbox query plan, {when} ({'uses' if uses else 'DOES NOT use'} ix_human_task_role_state_created):")
        out += [f"    {line}" for line in plan]
    problems = bench.server.log_problems()
    out.append(f"  server log: {len(problems)} warning/error lines" + "".join(f"\n    {p}" for p in problems[:5]))
    return "\n".join(out) + "\n"
