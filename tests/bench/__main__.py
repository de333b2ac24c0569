"""`.venv/bin/python -m tests.bench`: raw SpiffWorkflow against the persisted completion.

One run, same process, same BPMN and data: the raw engine's and the project's rounds are
interleaved so both see the same machine noise; each figure is the median of the rounds'
medians. With --web (the default) the production server runs too, on loopback, and its API
rounds join the interleaving; the pages, a big database and concurrent clients come after
(tests/bench/web_report.py). The last line is the ratio the design tracks.
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import os
import platform
import sqlite3
import sys
import time
from importlib.metadata import version

from tests.bench import breakdown, integrity, persisted, raw, sizes, web_report
from tests.bench.server import SERVER_THREADS, Server
from tests.bench.stats import median, percentile, table, us
from tests.bench.web import WebBench


def _args(argv):
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--rounds", type=int, help="timed rounds of each kind (default 5)")
    parser.add_argument("--instances", type=int, help="instances per round (default 200)")
    parser.add_argument("--memory-cases", type=int,
                        help="cases for the memory figures, 0 to skip (default 1000)")
    parser.add_argument("--web", action=argparse.BooleanOptionalAction, default=True,
                        help="also measure over HTTP against `alur serve` on loopback (default on)")
    parser.add_argument("--server-threads", type=int, default=SERVER_THREADS,
                        help=f"alur serve --threads (default {SERVER_THREADS}, the command's own default)")
    parser.add_argument("--seed-cases", type=int, help="closed cases seeded for the big inbox (default 100,000)")
    parser.add_argument("--web-seconds", type=float, help="length of the concurrent run (default 8)")
    parser.add_argument("--verify-cases", type=int,
                        help="cases seeded for the hash-chain verification and replay figures, 0 to skip "
                             "(default 10,000)")
    parser.add_argument("--quick", action="store_true",
                        help="small everything (2 rounds of 50, memory on 200 cases, 2,000 seeded, 1 s concurrent, "
                             "1,000 cases verified); options given explicitly still win")
    args = parser.parse_args(argv)
    defaults = ({"rounds": 2, "instances": 50, "memory_cases": 200, "seed_cases": 2000, "web_seconds": 1.0,
                 "verify_cases": 1000}
                if args.quick else
                {"rounds": 5, "instances": 200, "memory_cases": 1000, "seed_cases": 100_000, "web_seconds": 8.0,
                 "verify_cases": 10_000})
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


def main(argv=None) -> int:
    args = _args(argv)
    with contextlib.ExitStack() as stack:  # the web server, when there is one, stops on any exit
        return _run(args, stack)


def _run(args, stack: contextlib.ExitStack) -> int:
    began = time.perf_counter()
    print(f"Alur bench: Python {platform.python_version()}, SpiffWorkflow {version('SpiffWorkflow')}, "
          f"SQLAlchemy {version('SQLAlchemy')}, SQLite {sqlite3.sqlite_version}")
    print(f"SOP processes/pelayanan_pengaduan.bpmn, approved + konsultasi path (8 user tasks); "
          f"{args.rounds} rounds x {args.instances} instances each kind\n")

    t0 = time.perf_counter()
    spec, subprocess_specs = raw.parse()
    parse_ms = (time.perf_counter() - t0) * 1000

    web = None
    if args.web:
        server = stack.enter_context(Server(threads=args.server_threads))
        web = WebBench(server)
        stack.callback(web.close)
        print(f"web: alur serve on 127.0.0.1:{server.port}, waitress {server.threads} threads, no timer worker; "
              f"{os.cpu_count()} cores; JSON API {'found' if web.has_api else 'NOT FOUND (API rows skipped)'}\n")

    with persisted.Database() as db:
        # Warm up: imports, caches (compiled spec, forms), SQLite pages, the allocator.
        raw.run_instances(spec, subprocess_specs, 30)
        persisted.run_round(db.alur, 30)
        if web:
            web.warm_up()

        workflows = getattr(db.alur.ctx.compiled, "workflows", None)  # the engine's WorkflowCache
        if workflows is not None:
            workflows.hits = workflows.misses = 0
        raw_every, raw_after, raw_whole, done, starts = [], [], [], [], []
        api_done, api_starts = [], []
        round_rows = []
        for n in range(args.rounds):
            gc.collect()
            every, after_first, whole = raw.run_instances(spec, subprocess_specs, args.instances)
            gc.collect()
            completions, start_times = persisted.run_round(db.alur, args.instances)
            if web:
                gc.collect()
                over_http, http_starts = web.api_round(args.instances)
                api_done.append(over_http)
                api_starts += http_starts
            raw_every.append(median(every))
            raw_after.append(median(after_first))
            raw_whole.append(median(whole))
            done.append(completions)
            starts.append(median(start_times))
            round_rows.append([n + 1, us(median(every)), us(median(after_first)), us(median(completions)),
                               us(percentile(completions, 95)), f"{median(completions) / median(after_first):.1f}x"]
                              + ([us(median(api_done[-1]))] if web else []))

        hit_rate = (f"{100 * workflows.hits / max(1, workflows.hits + workflows.misses):.0f}%"
                    if workflows is not None else "n/a")

        # The same rounds with the workflow cache off: what a completion costs when every
        # one deserializes (another process moved the case, or the cache is cold).
        uncached = []
        if workflows is not None:
            db.alur.ctx.compiled.workflows = type(workflows)(limit=0)
            for _ in range(2):
                gc.collect()
                uncached.append(median(persisted.run_round(db.alur, args.instances)[0]))
            db.alur.ctx.compiled.workflows = workflows

        raw_median = median(raw_after)
        done_median = median([median(c) for c in done])
        pooled = [t for c in done for t in c]
        print(table("Rounds (microseconds per task completion, medians)",
                    ["round", "raw all 8", "raw steps 2-8", "persisted", "persisted p95", "ratio"]
                    + (["over HTTP (API)"] if web else []),
                    round_rows))
        print()
        print(table("Per task completion (median of round medians)", ["", "us", "note"], [
            ["raw engine, all 8 completions", us(median(raw_every)), "set_data + run + do_engine_steps"],
            ["raw engine, steps 2-8", us(raw_median), "the same steps the persisted figure times"],
            ["raw engine, whole instance / 8", us(median(raw_whole)) / 8, "creation included"],
            ["persisted complete(), median", us(done_median), "load, validate, run, save, events, commit"],
            ["persisted complete(), p95 (pooled)", us(percentile(pooled, 95)), f"{len(pooled):,} completions"],
            ["persisted, workflow cache off", us(median(uncached)) if uncached else "n/a",
             "every completion deserializes the state"],
            ["persisted start() + step 1", us(median(starts)), "new case, screening done in the same tx"],
        ], align="lrl"))
        print(f"  workflow cache hits in the timed rounds: {hit_rate} (each case misses once, inside start(), "
              "where its state is read back in the transaction that wrote it)")
        print(f"  ratio on the same steps: {done_median / raw_median:.1f}x; against the raw median over all 8 "
              f"completions: {done_median / median(raw_every):.1f}x")
        print(f"  parse of the BPMN: {parse_ms:.1f} ms, once\n")

        gc.collect()
        breakdown.measure(db.alur, max(20, args.instances // 4))  # warm the wrappers
        per_label, totals = breakdown.measure(db.alur, args.instances)
        print(table("Where a persisted completion's time goes (instrumented round)",
                    ["piece", "median us", "mean us", "share"], breakdown.rows(per_label, totals)))
        print("  (shares are of the mean; the wrappers add a little; raw engine for scale: "
              f"{us(raw_median):.1f} us)\n")

        done_bytes, running_bytes, cases = sizes.stored_sizes(db.alur)

    if args.verify_cases:
        gc.collect()
        print(integrity.run(done_median, args.verify_cases, repeats=2 if args.quick else 3,
                            replay_repeats=3 if args.quick else 10))

    print(table("Workflow state per instance (bytes)",
                ["", "tasks", "alur (spec by reference)", "SpiffWorkflow default", "default / alur"],
                sizes.state_sizes(spec, subprocess_specs)))
    running = f", {running_bytes:,.0f} per running one" if running_bytes else ""
    print(f"  stored in the bench database: {done_bytes:,.0f} bytes mean per completed case{running} "
          f"({cases:,} cases)\n")

    if args.memory_cases:
        gc.collect()
        raw_mb = sizes.raw_memory(spec, subprocess_specs, args.memory_cases)
        peak_mb, held_mb = sizes.persisted_memory(args.memory_cases)
        print(table(f"Memory (tracemalloc, {args.memory_cases:,} cases started and completed)", ["", "MB"], [
            ["raw engine: all kept in memory", raw_mb],
            ["persisted: peak while running them", peak_mb],
            ["persisted: still held afterwards (caches)", held_mb],
            ["process peak RSS, whole bench", sizes.peak_rss_mb()],
        ]))
        print()

    if web:
        gc.collect()
        print(web_report.run(web, raw_ns=raw_median, persisted_ns=done_median, api_rounds=api_done,
                             api_starts=api_starts, reps=50 if args.quick else 500, seed_cases=args.seed_cases,
                             seconds=args.web_seconds, race_tasks=10 if args.quick else 100,
                             instances=args.instances))

    print(f"bench took {time.perf_counter() - began:.0f} s")
    print(f"completion cost vs raw engine: {done_median / raw_median:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
