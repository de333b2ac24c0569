"""`.venv/bin/python -m tests.bench.profile_web`: where a request's time goes in the app itself.

The app runs in this process behind the Flask test client (no socket, no waitress) on a fresh
SQLite database with 220 open tasks in budi's lane. For each kind of request it prints the p50
without the profiler (the server's own cost: the `make bench` HTTP figure minus this is waitress,
loopback and client) and then cProfile's top functions over the same requests.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re

from engine.case import Actor
from tests.bench import persisted
from tests.bench.server import PASSWORD, SETUP
from tests.bench.sop import PROCESS_KEY, data_for
from tests.bench.stats import median, now, percentile
from web import create_app

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
BUDI = Actor("budi", frozenset({"upp_unit_kerja"}))


def _setup(alur, open_tasks: int):
    for name, role in (("ani", "upp_kementerian"), ("budi", "upp_unit_kerja")):
        alur.create_user(SETUP, name, name.title(), {role}, PASSWORD)
    tokens = {name: alur.create_api_token(alur.authenticate(name, PASSWORD), "profile")[1] for name in ("ani", "budi")}
    ready, _ = persisted.start_cases(alur, open_tasks)
    app = create_app(alur, {"SECRET_KEY": "profile", "RATELIMIT_ENABLED": False})
    client = app.test_client()
    token = _CSRF.search(client.get("/masuk").get_data(as_text=True)).group(1)
    assert client.post("/masuk", data={"username": "budi", "password": PASSWORD, "csrf_token": token}).status_code == 302
    # API calls go through a client of their own: an integration sends no session cookie.
    return (client, app.test_client()), tokens, [r[0].id for r in ready]


def _requests(clients, tokens, task_ids, spare):
    """name -> a function making request number n. spare: step-2 task ids to complete."""
    client, api = clients
    budi = {"Authorization": f"Bearer {tokens['budi']}"}
    ani = {"Authorization": f"Bearer {tokens['ani']}"}

    def complete(n):
        return api.post(f"/api/v1/tasks/{spare.pop()}/complete", json={"data": data_for("verifikasi_dumas")},
                           headers=budi)

    return {
        "GET /api/v1/tasks without a token (401, the floor)": lambda n: api.get("/api/v1/tasks"),
        "GET /kotak-masuk": lambda n: client.get("/kotak-masuk"),
        "GET /tugas/<id>": lambda n: client.get(f"/tugas/{task_ids[n % len(task_ids)]}"),
        "GET /api/v1/tasks": lambda n: api.get("/api/v1/tasks", headers=budi),
        "POST /api/v1/tasks/<id>/complete": complete,
        "POST /api/v1/cases": lambda n: api.post("/api/v1/cases", headers=ani, json={
            "process_key": PROCESS_KEY, "data": data_for("screening_pengunjung")}),
        "POST /api/v1/cases (default process)": lambda n: api.post("/api/v1/cases", headers=ani, json={
            "data": data_for("screening_pengunjung")}),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.profile_web", description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--only", help="profile only the request kinds containing this text")
    args = parser.parse_args(argv)
    with persisted.Database() as db:
        clients, tokens, task_ids = _setup(db.alur, 220)
        spare: list[str] = []

        def refill(count):
            # Tasks to complete are made before each run, outside its timing, as fresh cases
            # started over HTTP would be: each one's workflow still in the engine's cache.
            spare[:] = [r[0].id for r in persisted.start_cases(db.alur, count)[0]]

        for name, make in _requests(clients, tokens, task_ids, spare).items():
            if args.only and args.only not in name:
                continue
            refill(20)
            for n in range(20):
                assert make(n).status_code < 400 or "401" in name, name
            refill(args.requests)
            times = []
            for n in range(args.requests):
                t0 = now()
                make(n)
                times.append(now() - t0)
            refill(args.requests)
            profiler = cProfile.Profile()
            profiler.enable()
            for n in range(args.requests):
                make(n)
            profiler.disable()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).strip_dirs()
            stats.sort_stats("cumulative").print_stats(args.top)
            stats.sort_stats("tottime").print_stats(args.top)
            print(f"=== {name}: p50 {median(times) / 1e6:.2f} ms, p95 {percentile(times, 95) / 1e6:.2f} ms "
                  f"in process (test client, {args.requests} requests)")
            print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
