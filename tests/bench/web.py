"""Over real HTTP: `alur serve` (waitress) on loopback, measured with keep-alive clients.

The API rounds run inside the main loop, interleaved with the raw engine's, so the ratio to
the raw engine is taken under the same machine noise. The rest runs after: the staff pages
(task form, inbox with 220 open tasks, then again with many closed cases seeded in bulk), the
HTML form completion, and several clients at once (tests/bench/http_load.py).
"""
from __future__ import annotations

import gc
import os

from engine.case import Actor
from tests.bench import http_load, seed
from tests.bench.http_client import Client, LocalClient, form_fields
from tests.bench.server import LANE_USERS, PASSWORD
from tests.bench.sop import PROCESS_KEY, data_for
from tests.bench.stats import now

LANE = "upp_unit_kerja"  # the inbox measured is budi's: step 2 of every new case lands there
OPEN_TASKS = 220


def ms(ns: float) -> float:
    return ns / 1e6


class WebBench:
    """Each measure runs twice: over HTTP against the server, and through the Flask test client
    on an app in this process (same code, same database file, no socket): the difference is
    what waitress, loopback and the client add."""

    def __init__(self, server):
        from web import create_app  # the web app only when the web part runs

        self.server = server
        self.api = {role: Client(server.port, token) for role, token in server.tokens.items()}
        self.html = Client(server.port)
        app = create_app(server.alur, {"SECRET_KEY": "bench-in-process", "RATELIMIT_ENABLED": False})
        self.local_api = {role: LocalClient(app, token) for role, token in server.tokens.items()}
        self.local_html = LocalClient(app)
        status, _ = self.api["upp_kementerian"].get("/api/v1/openapi.json")
        self.has_api = status == 200
        self.notes: list[str] = []

    # -- the JSON API, in the main loop ------------------------------------------------------
    def start_cases(self, count: int, api: dict | None = None) -> tuple[list[list], list[int]]:
        """New cases with their screening done (over the API when it is there); ready tasks and
        the ns each start took."""
        api = api or self.api
        ready, times = [], []
        starter = Actor(LANE_USERS["upp_kementerian"], frozenset({"upp_kementerian"}))
        for _ in range(count):
            t0 = now()
            if self.has_api:
                ready += http_load.start_cases(api["upp_kementerian"], None, 1)
            else:  # in process: the server then deserializes each case once more on first use
                started = self.server.alur.start(PROCESS_KEY, starter, first_task_data=data_for("screening_pengunjung"))
                ready.append([{"id": t.id, "role": t.role, "form_key": t.form_key, "ticket_code": t.ticket_code}
                              for t in started.ready])
            times.append(now() - t0)
        return ready, times

    def api_round(self, count: int, *, local: bool = False) -> tuple[list[int], list[int]]:
        """Start `count` cases, then complete their staff steps (2-5) over the API, one step of
        every case at a time. (each completion's ns, each start's ns)"""
        if not self.has_api:
            return [], []
        api = self.local_api if local else self.api
        ready, starts = self.start_cases(count, api)
        times, pending = [], ready
        while pending:
            following = []
            for tasks in pending:
                task = tasks[0]
                if task["role"] not in api:  # step 6 is the visitor's
                    continue
                t0 = now()
                status, body = api[task["role"]].post_json(f"/api/v1/tasks/{task['id']}/complete",
                                                           {"data": data_for(task["form_key"])})
                times.append(now() - t0)
                if status != 200:
                    raise RuntimeError(f"API complete answered {status}: {body!r:.300}")
                if body["ready"]:
                    following.append(body["ready"])
            pending = following
        return times, starts

    def warm_up(self) -> None:
        self.api_round(10)
        self.api_round(10, local=True)
        for client in (self.html, self.local_html):
            client.login(LANE_USERS[LANE], PASSWORD)
            for _ in range(20):
                client.get("/kotak-masuk")

    # -- after the rounds --------------------------------------------------------------------
    def timed_gets(self, paths: list[str], reps: int, clients: tuple | None = None) -> dict:
        """GET each path in turn, `reps` times in all, over HTTP and in process (each after a
        warm-up): {"http": ns each, "local": ns each, "status": the last HTTP status}."""
        found = {}
        for kind, client in zip(("http", "local"), clients or (self.html, self.local_html)):
            for path in paths[:20]:
                client.get(path)
            gc.collect()
            times = []
            for n in range(reps):
                t0 = now()
                status, _ = client.get(paths[n % len(paths)])
                times.append(now() - t0)
            found[kind] = times
            found.setdefault("status", status)
        return found

    def pages(self, reps: int, seed_cases: int) -> dict:
        """The HTTP floor; task form and inbox with OPEN_TASKS open tasks; the inbox again after
        seeding; then the HTML completion of those tasks."""
        budi = LANE_USERS[LANE]
        already, _ = seed.counts(self.server.url, LANE)
        ready, _ = self.start_cases(max(0, OPEN_TASKS - already))
        tasks = [r[0] for r in ready if r and r[0]["role"] == LANE]
        open_now, cases = seed.counts(self.server.url, LANE)
        self.notes.append(f"inbox: {open_now} open tasks in budi's lane ({LANE}), {cases:,} cases in the database; "
                          f"the page lists the oldest 50 (a page; Sebelumnya/Berikutnya for the rest)")
        # The floor: no token, no cookie, so a 401 that touches neither the database nor a session.
        found = {"floor": self.timed_gets(["/api/v1/tasks"], reps,
                                          (Client(self.server.port), LocalClient(self.local_html.app)))}
        found["task"] = self.timed_gets([f"/tugas/{t['id']}" for t in tasks], reps)
        found["inbox"] = self.timed_gets(["/kotak-masuk"], reps)
        _, page = self.html.get("/kotak-masuk")
        if tasks and tasks[0].get("ticket_code") and tasks[0]["ticket_code"].encode() not in page:
            self.notes.append("WARNING: the inbox page does not show the oldest open task's ticket code")

        templates = seed.make_templates(self.server.alur)
        found["seed"] = seed.clone(self.server.url, templates, seed_cases)
        found["cases after"] = seed.counts(self.server.url, LANE)
        found["inbox big"] = self.timed_gets(["/kotak-masuk"], reps)
        found["plan"] = seed.inbox_plan(self.server.url, LANE, budi)
        half = len(tasks) // 2
        found["html complete"] = {"http": self.html_complete(self.html, tasks[:half]),
                                  "local": self.html_complete(self.local_html, tasks[half:])}
        return found

    @staticmethod
    def html_complete(client, tasks: list[dict]) -> tuple[list[int], dict]:
        """POST /tugas/<id> action=complete with the session and its CSRF token, as the task
        page's form does; (ns each, statuses counted)."""
        if not tasks:
            return [], {}
        token = client.csrf_token(f"/tugas/{tasks[0]['id']}")
        times, statuses = [], {}
        for task in tasks:
            fields = [("csrf_token", token), ("action", "complete")] + form_fields(data_for(task["form_key"]))
            t0 = now()
            status, _, _ = client.post_form(f"/tugas/{task['id']}", fields)
            times.append(now() - t0)
            statuses[status] = statuses.get(status, 0) + 1
        return times, statuses

    def concurrency(self, seconds: float, race_tasks: int, single_p50_ns: float) -> dict:
        """Clients at once on queues of their own for `seconds`, then a race on shared tasks."""
        tokens = self.server.client_tokens
        # One client alone cannot go faster than 1/p50; each case gives it 4 completions.
        per_client = int(seconds * 1e9 / single_p50_ns / 4 * 1.25) + 3
        queues, starts_per_second = http_load.prepare_queues(self.server.port, tokens, per_client)
        gc.collect()
        found = http_load.throughput(self.server.port, tokens, queues, seconds)
        found["starts per second"] = starts_per_second
        ready, _ = self.start_cases(race_tasks)
        found["race"] = http_load.race(self.server.port, tokens, [r[0] for r in ready])
        return found

    def close(self) -> None:
        for client in [*self.api.values(), self.html]:
            client.close()


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
