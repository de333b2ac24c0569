"""The auditor is read-only everywhere, proven on SQLite and PostgreSQL.

- Every public method of the facade is classified below; a new one that is not fails
  `test_every_facade_method_is_classified`, so no future use case slips through unexamined.
- Each use case that changes anything is called as the auditor: it must refuse (Forbidden or
  NotFound) and leave the whole database exactly as it was (every row of every table).
- Each read-only use case called as the auditor leaves the database unchanged too.
- On the web: the auditor's POST to every route outside their own (the login, the language, their
  own account, the reveal) is refused with 403/404 and changes nothing; so are the auditor's API
  token's attempts to start, claim, release or complete.
"""
from __future__ import annotations

import inspect
from datetime import date

import pytest
from sqlalchemy import select

from engine.case import Actor
from engine.db.tables import metadata
from engine.errors import AlurError, Forbidden, NotFound
from engine.facade import Alur
from tests.conftest import AUDITOR, PROCESS_OWNER, ROOT, UPP_UNIT_KERJA
from tests.sop_data import VERIFIKASI, screening
from tests.webapp.conftest import PASSWORD, WEB_USERS, csrf, login
from tests.webapp.staff_support import browser_values, case_at_step
from web import create_app

KEY = "pelayanan_pengaduan"
SOP = ROOT / "processes" / "pelayanan_pengaduan.bpmn"
ADMIN = Actor("admin", frozenset({"admin"}))
NIK = screening()["nik"]

# -- the classification of every public facade member -------------------------------------------
# Change nothing, whoever calls them (the auditor is refused some; none may write).
READ_ONLY = {
    "api_tokens", "audit_cases", "case", "case_forms", "case_replay", "case_timeline", "check_process",
    "definition", "definition_xml", "definitions", "diff_versions", "events_in_period", "export_case",
    "form_titles", "history", "personal_fields", "inbox", "inbox_page", "lane_roles", "latest_definition", "migration_candidates",
    "migration_dry_run", "next_timer_due", "password_problems", "personal_field", "process_draft",
    "process_version", "process_version_xml", "process_versions", "processes", "reexecute", "reexecute_all",
    "skm_report", "sla_report", "sop_document", "start_form", "task", "task_detail", "task_form", "track",
    "user", "users", "verify", "visitor_task", "verify_case", "verify_all", "digests", "digest", "digest_export",
    "digest_csv", "check_digest",
}
# Change cases, definitions, drafts or accounts: the auditor must be refused and nothing written.
# (migration_dry_run writes nothing but is the process owners' tool: refused as well.)
REFUSED = {
    "start", "claim", "release", "complete", "save_draft", "deploy", "deploy_file", "upload_process",
    "save_process_draft", "discard_process_draft", "publish_process", "migrate", "migration_dry_run",
    "create_user", "update_user", "reset_password", "purge_expired", "subject_export",
}
# The auditor's own account only: their password and their own API tokens.
OWN_ACCOUNT = {"change_password", "create_api_token", "revoke_api_token"}
# The auditor's own recorded acts: revealing one masked value (chained as an audit event) and a
# digest of the chain heads on demand (it only adds to the digests, which is its purpose).
AUDITOR_ACTS = {"reveal_personal", "create_digest"}
# No actor: set-up, the login itself, the workers, identity look-ups; never reached as the auditor.
SYSTEM = {
    "settings", "close", "init_db", "deploy_shipped", "ensure_demo_accounts", "authenticate", "actor_for_user",
    "actor_for_token", "fire_due_timers", "run_timer_worker", "ensure_retention", "ensure_daily_digests", "housekeeping",
}
# The visitor's own act by ticket code (no account): not the auditor's door.
VISITOR = {"visitor_complete"}
CLASSES = [READ_ONLY - {"migration_dry_run"}, REFUSED, OWN_ACCOUNT, AUDITOR_ACTS, SYSTEM, VISITOR]


def public_members() -> set[str]:
    return {name for name, _member in inspect.getmembers(Alur) if not name.startswith("_")}


def test_every_facade_method_is_classified():
    classified = set().union(*CLASSES)
    assert public_members() - classified == set(), "classify the new facade methods in this file"
    assert classified - public_members() == set(), "stale names in the classification"
    assert sum(len(c) for c in CLASSES) == len(classified), "a method is in two classes"
    assert set(REFUSED_CALLS) == REFUSED and set(READ_CALLS) == READ_ONLY


# -- the world the calls act on -------------------------------------------------------------------
def snapshot(alur: Alur, ignore: dict[str, set[str]] | None = None) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order (columns in `ignore` left out)."""
    ignore = ignore or {}
    rows = {}
    with alur.ctx.uow(write=False) as uow:
        for table in metadata.sorted_tables:
            columns = [c for c in table.c if c.name not in ignore.get(table.name, set())]
            query = select(*columns).order_by(*table.primary_key.columns)
            rows[table.name] = [tuple(r) for r in uow.connection.execute(query)]
    return rows


def case_heads(alur: Alur) -> dict[int, tuple[int, int]]:
    """{case id: (revision, event_seq)}."""
    return {c.id: (c.revision, c.event_seq) for c in _instances(alur)}


def _instances(alur: Alur):
    from engine.db.tables import instance
    with alur.ctx.uow(write=False) as uow:
        return list(uow.connection.execute(select(instance.c.id, instance.c.revision, instance.c.event_seq)))


class World:
    """A case open at step 2 (claimed by budi), a closed one, an owner's draft, accounts and a token."""

    def __init__(self, alur: Alur):
        for username, roles in WEB_USERS.items():
            alur.create_user(ADMIN, username, username.title(), roles, PASSWORD)
        self.alur = alur
        self.started, self.task = case_at_step(alur, 2)
        alur.claim(UPP_UNIT_KERJA, self.task.id)
        self.closed, _ = case_at_step(alur, 5, disetujui=False)
        self.xml = alur.process_version_xml(PROCESS_OWNER, KEY, 1)
        alur.save_process_draft(PROCESS_OWNER, KEY, self.xml, expected_revision=None)
        self.budi_token, _plain = alur.create_api_token(Actor("budi", frozenset({"upp_unit_kerja"})), "skrip")
        self.seq = next(e.seq for e in alur.history(AUDITOR, self.started.instance_id) if e.personal)
        self.digest = alur.create_digest(AUDITOR)
        self.changed_xml = self.xml.replace("Verifikasi Dumas", "Verifikasi Dumas (revisi)", 1).encode()


REFUSED_CALLS = {
    "start": lambda a, w: a.start(KEY, AUDITOR, first_task_data=screening()),
    "claim": lambda a, w: a.claim(AUDITOR, w.task.id),
    "release": lambda a, w: a.release(AUDITOR, w.task.id),
    "complete": lambda a, w: a.complete(AUDITOR, w.task.id, VERIFIKASI),
    "save_draft": lambda a, w: a.save_draft(AUDITOR, w.task.id, {"ringkasan_verifikasi": "catatan"}),
    "deploy": lambda a, w: a.deploy(w.changed_xml, AUDITOR, change_note="auditor"),
    "deploy_file": lambda a, w: a.deploy_file(SOP, AUDITOR),
    "upload_process": lambda a, w: a.upload_process(AUDITOR, w.changed_xml, process_key=KEY),
    "save_process_draft": lambda a, w: a.save_process_draft(AUDITOR, KEY, w.changed_xml, expected_revision=1),
    "discard_process_draft": lambda a, w: a.discard_process_draft(AUDITOR, KEY),
    "publish_process": lambda a, w: a.publish_process(AUDITOR, KEY, "Terbit oleh auditor"),
    "migrate": lambda a, w: a.migrate(AUDITOR, KEY, [w.started.instance_id], None),
    "migration_dry_run": lambda a, w: a.migration_dry_run(AUDITOR, KEY, [w.started.instance_id], None),
    "create_user": lambda a, w: a.create_user(AUDITOR, "baru", "Pengguna Baru", {"admin"}, PASSWORD + "x"),
    "update_user": lambda a, w: a.update_user(AUDITOR, "auditor", roles={"auditor", "admin"}),
    "reset_password": lambda a, w: a.reset_password(AUDITOR, "budi", PASSWORD + "x"),
    "purge_expired": lambda a, w: a.purge_expired(AUDITOR, dry_run=False),
    "subject_export": lambda a, w: a.subject_export(AUDITOR, NIK),
}

READ_CALLS = {
    "api_tokens": lambda a, w: a.api_tokens(AUDITOR),
    "audit_cases": lambda a, w: a.audit_cases(AUDITOR),
    "case": lambda a, w: a.case(AUDITOR, instance_id=w.started.instance_id),
    "case_forms": lambda a, w: a.case_forms(AUDITOR, w.started.instance_id),
    "case_replay": lambda a, w: a.case_replay(AUDITOR, w.started.instance_id),
    "case_timeline": lambda a, w: a.case_timeline(AUDITOR, w.started.instance_id),
    "check_process": lambda a, w: a.check_process(AUDITOR, KEY, w.changed_xml),
    "definition": lambda a, w: a.definition(1),
    "definition_xml": lambda a, w: a.definition_xml(AUDITOR, 1),
    "definitions": lambda a, w: a.definitions(),
    "diff_versions": lambda a, w: a.diff_versions(AUDITOR, KEY, 1, 1),
    "events_in_period": lambda a, w: list(a.events_in_period(AUDITOR, date(2000, 1, 1), date(2000, 1, 2)).events),
    "export_case": lambda a, w: a.export_case(AUDITOR, w.started.instance_id),
    "form_titles": lambda a, w: a.form_titles(),
    "history": lambda a, w: a.history(AUDITOR, w.started.instance_id),
    "inbox": lambda a, w: a.inbox(AUDITOR),
    "inbox_page": lambda a, w: a.inbox_page(AUDITOR),
    "lane_roles": lambda a, w: a.lane_roles(),
    "latest_definition": lambda a, w: a.latest_definition(KEY),
    "migration_candidates": lambda a, w: a.migration_candidates(AUDITOR, KEY),
    "migration_dry_run": REFUSED_CALLS["migration_dry_run"],
    "next_timer_due": lambda a, w: a.next_timer_due(),
    "password_problems": lambda a, w: a.password_problems("pendek"),
    "personal_fields": lambda a, w: a.personal_fields(AUDITOR, w.started.instance_id),
    "personal_field": lambda a, w: a.personal_field(AUDITOR, w.started.instance_id, w.seq, "nik"),
    "process_draft": lambda a, w: a.process_draft(AUDITOR, KEY),
    "process_version": lambda a, w: a.process_version(AUDITOR, KEY, 1),
    "process_version_xml": lambda a, w: a.process_version_xml(AUDITOR, KEY, 1),
    "process_versions": lambda a, w: a.process_versions(AUDITOR, KEY),
    "processes": lambda a, w: a.processes(AUDITOR),
    "reexecute": lambda a, w: a.reexecute(AUDITOR, w.closed.instance_id),
    "reexecute_all": lambda a, w: a.reexecute_all(AUDITOR),
    "skm_report": lambda a, w: a.skm_report(AUDITOR, date(2026, 1, 1), date(2026, 12, 31)),
    "sla_report": lambda a, w: a.sla_report(AUDITOR, date(2026, 1, 1), date(2026, 12, 31)),
    "sop_document": lambda a, w: a.sop_document(AUDITOR, KEY, 1),
    "start_form": lambda a, w: a.start_form(KEY),
    "task": lambda a, w: a.task(AUDITOR, w.task.id),
    "task_detail": lambda a, w: a.task_detail(AUDITOR, w.task.id),
    "task_form": lambda a, w: a.task_form(AUDITOR, w.task.id),
    "track": lambda a, w: a.track(w.started.ticket_code),
    "user": lambda a, w: a.user(AUDITOR, "budi"),
    "users": lambda a, w: a.users(AUDITOR),
    "verify": lambda a, w: a.verify(w.started.instance_id),
    "visitor_task": lambda a, w: a.visitor_task(w.closed.ticket_code, "kedatangan_pengunjung"),
    "verify_case": lambda a, w: a.verify_case(AUDITOR, w.started.instance_id),
    "verify_all": lambda a, w: a.verify_all(AUDITOR),
    "digests": lambda a, w: a.digests(AUDITOR),
    "digest": lambda a, w: a.digest(AUDITOR, w.digest.id),
    "digest_export": lambda a, w: a.digest_export(AUDITOR, w.digest.id),
    "digest_csv": lambda a, w: a.digest_csv(AUDITOR, w.digest.id),
    "check_digest": lambda a, w: a.check_digest(AUDITOR, w.digest.id),
}


@pytest.fixture
def world(alur):
    return World(alur)


def test_the_auditor_is_refused_every_change_and_nothing_is_written(alur, world):
    before, heads = snapshot(alur), case_heads(alur)
    wrong = []
    for name in sorted(REFUSED):
        try:
            REFUSED_CALLS[name](alur, world)
            wrong.append(f"{name}: went through")
        except (Forbidden, NotFound):
            pass
        except Exception as error:  # refused, but not as a refusal: a bug of its own
            wrong.append(f"{name}: {type(error).__name__}: {error}")
        if snapshot(alur) != before or case_heads(alur) != heads:
            wrong.append(f"{name}: the database changed")
            before, heads = snapshot(alur), case_heads(alur)
    assert wrong == []


def test_read_only_use_cases_write_nothing_for_the_auditor(alur, world):
    before = snapshot(alur)
    changed = []
    for name in sorted(READ_ONLY):
        try:
            READ_CALLS[name](alur, world)
        except AlurError:
            pass  # refused or not found: fine, as long as nothing was written
        if snapshot(alur) != before:
            changed.append(name)
            before = snapshot(alur)
    assert changed == []


def test_own_account_acts_touch_only_the_auditors_account(alur, world):
    auditor_id = alur.user(ADMIN, "auditor").id

    def not_the_auditors(rows):
        """Every row but the auditor's account and tokens (user_account.id, api_token.user_id)."""
        return {**rows, "user_account": [r for r in rows["user_account"] if r[0] != auditor_id],
                "api_token": [r for r in rows["api_token"] if r[1] != auditor_id]}
    before = snapshot(alur)
    with pytest.raises(NotFound):  # budi's token is not the auditor's to revoke
        alur.revoke_api_token(AUDITOR, world.budi_token.id)
    assert snapshot(alur) == before
    info, _token = alur.create_api_token(AUDITOR, "baca")
    alur.revoke_api_token(AUDITOR, info.id)
    alur.change_password(AUDITOR, PASSWORD, PASSWORD + "-baru")
    after = snapshot(alur)
    assert not_the_auditors(after) == not_the_auditors(before)
    assert after != before  # they did change the auditor's own rows


# -- the web: every POST outside the auditor's own, and the API token -----------------------------
# Routes the auditor may post to: signing in and out, the language, their own account, the reveal
# of a masked value (recorded), a digest on demand and checking a digest against the events (writes
# nothing). The visitor's pages take a ticket code, not an account.
AUDITOR_POSTS = {"auth.login", "auth.logout", "i18n.set_language", "account.change_password",
                 "account.create_token", "account.revoke_token", "audit.reveal_personal", "audit.create_digest",
                 "audit.check_digest_against", "public.check_in", "public.survey"}


def _fill(rule: str, world: World) -> str:
    values = {"instance_id": world.started.instance_id, "task_id": world.task.id, "username": "budi",
              "process_key": KEY, "number": 1, "token_id": world.budi_token.id, "code": world.started.ticket_code,
              "digest_id": 1, "seq": world.seq}
    for key, value in values.items():
        for converter in ("", "int:", "path:"):
            rule = rule.replace(f"<{converter}{key}>", str(value))
    assert "<" not in rule, f"no value for a parameter of {rule}: add it to _fill"
    return rule


def test_the_auditors_posts_to_every_other_route_are_refused(alur, world):
    app = create_app(alur, {"TESTING": True, "SECRET_KEY": "test-secret", "RATELIMIT_ENABLED": False})
    client = login(app.test_client(), "auditor")
    token = csrf(client, "/kasus")
    posts = sorted((rule.endpoint, rule.rule) for rule in app.url_map.iter_rules()
                   if "POST" in rule.methods and rule.endpoint not in AUDITOR_POSTS
                   and not rule.rule.startswith("/api/"))
    assert {"staff.task_action", "staff.receive_visitor", "owner.publish", "admin.new_user"} <= {e for e, _r in posts}
    before, heads = snapshot(alur), case_heads(alur)
    wrong = []
    for endpoint, rule in posts:
        for action in ("claim", "complete", "release", "save") if endpoint == "staff.task_action" else ("",):
            form = {"csrf_token": token, "action": action, **browser_values(screening()),
                    **browser_values(VERIFIKASI), "change_note": "auditor", "expected_revision": "1",
                    "username": "baru", "full_name": "Baru", "roles": "admin", "password": PASSWORD,
                    "instance_ids": str(world.started.instance_id), "xml": world.changed_xml.decode()}
            status = client.post(_fill(rule, world), data=form).status_code
            if status not in (403, 404):
                wrong.append((endpoint, action, status))
    assert wrong == []
    assert snapshot(alur) == before and case_heads(alur) == heads


def test_the_auditors_api_token_cannot_start_claim_release_or_complete(alur, world):
    app = create_app(alur, {"TESTING": True, "SECRET_KEY": "test-secret", "RATELIMIT_ENABLED": False})
    client = app.test_client()
    _info, token = alur.create_api_token(alur.authenticate("auditor", PASSWORD), "baca")
    headers = {"Authorization": f"Bearer {token}"}
    # Using a token stamps its last use: the only write a read makes, and not a case's.
    ignore = {"api_token": {"last_used_at"}}
    before, heads = snapshot(alur, ignore), case_heads(alur)
    tasks = [world.task.id] + [t.id for t in alur.case(AUDITOR, instance_id=world.closed.instance_id).tasks
                               if t.state == "ready"]
    answers = [client.post("/api/v1/cases", json={"data": screening()}, headers=headers).status_code]
    for task_id in tasks:
        answers.append(client.post(f"/api/v1/tasks/{task_id}/claim", headers=headers).status_code)
        answers.append(client.post(f"/api/v1/tasks/{task_id}/release", headers=headers).status_code)
        answers.append(client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": VERIFIKASI},
                                   headers=headers).status_code)
    assert set(answers) <= {403, 404} and len(answers) == 1 + 3 * len(tasks)
    assert client.get(f"/api/v1/cases/{world.started.instance_id}", headers=headers).status_code == 200  # it reads
    assert snapshot(alur, ignore) == before and case_heads(alur) == heads


def test_the_token_of_budi_would_work_so_the_refusals_mean_something(alur, world):
    """The same API calls with budi's token do claim: the auditor's 403/404 are the role check."""
    app = create_app(alur, {"TESTING": True, "SECRET_KEY": "test-secret", "RATELIMIT_ENABLED": False})
    _info, token = alur.create_api_token(alur.authenticate("budi", PASSWORD), "kerja")
    alur.release(UPP_UNIT_KERJA, world.task.id)
    response = app.test_client().post(f"/api/v1/tasks/{world.task.id}/claim",
                                      headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert alur.task(UPP_UNIT_KERJA, world.task.id).claimed_by == "budi"
