"""Every route the app serves has a declared audience, and each role gets exactly that.

The per-area tests check the details (a lane's task, CSRF, the API's tokens); this one keeps the
whole map honest: a route added without a line here fails, and every staff page is tried by
every role and by an anonymous visitor.
"""
from __future__ import annotations

from tests.conftest import AUDITOR, PROCESS_OWNER
from tests.webapp.conftest import WEB_USERS
from tests.webapp.audit_audience import AUDIT_AUDIENCE
from tests.webapp.owner_audience import OWNER_AUDIENCE
from tests.webapp.staff_support import as_user, case_at_step

PUBLIC = "public"  # anyone, no account
ANY_USER = "any user"  # any logged-in account
TOKEN = "API token"  # /api/v1: bearer token, tested in test_api_access.py

LANES = {"ani", "ana", "budi", "sesdep"}
EVERY_STAFF = set(WEB_USERS)

# (endpoint, method) -> who gets through. Usernames are those of tests/webapp/conftest.py.
AUDIENCE = {
    ("public.home", "GET"): PUBLIC,
    ("public.track", "GET"): PUBLIC,
    ("public.track_code", "GET"): PUBLIC,
    ("public.check_in", "GET"): PUBLIC, ("public.check_in", "POST"): PUBLIC,
    ("public.survey", "GET"): PUBLIC, ("public.survey", "POST"): PUBLIC,
    ("auth.login", "GET"): PUBLIC, ("auth.login", "POST"): PUBLIC,
    ("auth.logout", "POST"): PUBLIC,
    ("i18n.set_language", "POST"): PUBLIC,
    ("health.health", "GET"): PUBLIC,
    ("static", "GET"): PUBLIC,
    ("staff.vendor", "GET"): PUBLIC,  # the bpmn-js library itself, nothing of a case
    ("health.processes", "GET"): ANY_USER,
    ("account.settings", "GET"): ANY_USER,
    ("account.change_password", "POST"): ANY_USER,
    ("account.create_token", "POST"): ANY_USER,
    ("account.revoke_token", "POST"): ANY_USER,
    ("admin.users", "GET"): {"admin"},
    ("admin.new_user", "GET"): {"admin"}, ("admin.new_user", "POST"): {"admin"},
    ("admin.edit_user", "GET"): {"admin"}, ("admin.edit_user", "POST"): {"admin"},
    ("staff.inbox", "GET"): LANES | {"admin"},
    ("staff.inbox_rows", "GET"): LANES | {"admin"},
    ("staff.receive_visitor", "GET"): {"ani", "ana"}, ("staff.receive_visitor", "POST"): {"ani", "ana"},
    ("staff.find_case", "GET"): EVERY_STAFF,
    ("staff.case", "GET"): EVERY_STAFF,
    ("staff.case_diagram", "GET"): EVERY_STAFF,
    ("staff.ticket_slip", "GET"): EVERY_STAFF,
    ("staff.task", "GET"): {"budi"},  # the step-2 task below is UPP Unit Kerja's
    ("staff.task_action", "POST"): {"budi"},
    **OWNER_AUDIENCE,
    **AUDIT_AUDIENCE,
}


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_has_a_declared_audience(app):
    undeclared = [(rule.endpoint, method, rule.rule) for rule, method in _routes(app)
                  if not rule.rule.startswith("/api/v1") and (rule.endpoint, method) not in AUDIENCE]
    assert undeclared == []
    stale = set(AUDIENCE) - {(rule.endpoint, method) for rule, method in _routes(app)}
    assert stale == set()


def _fill(template: str, values: dict) -> str:
    out = template
    for key, value in values.items():
        for converter in ("", "int:", "path:"):
            out = out.replace(f"<{converter}{key}>", str(value))
    return out


def test_each_role_and_anonymous_against_every_staff_page(app, make_client, web_alur):
    started, task = case_at_step(web_alur, 2)
    # A draft to open, so that the draft's own page exists for those allowed to see it.
    web_alur.save_process_draft(PROCESS_OWNER, "pelayanan_pengaduan",
                                web_alur.process_version_xml(PROCESS_OWNER, "pelayanan_pengaduan", 1),
                                expected_revision=None)
    digest = web_alur.create_digest(AUDITOR)  # so that the digest's own pages exist
    pages = [(rule, _fill(rule.rule, {"instance_id": started.instance_id, "task_id": task.id, "username": "budi",
                                    "process_key": "pelayanan_pengaduan", "number": 1, "digest_id": digest.id}))
             for rule, method in _routes(app)
             if method == "GET" and not rule.rule.startswith("/api/v1")
             and AUDIENCE[(rule.endpoint, "GET")] != PUBLIC]
    assert len(pages) >= 12
    wrong = []
    anonymous = make_client()
    for rule, url in pages:
        response = anonymous.get(url)
        if response.status_code != 302 or not response.headers["Location"].startswith("/masuk"):
            wrong.append(("anonymous", url, response.status_code))
    for username in WEB_USERS:
        client = as_user(make_client, username)
        for rule, url in pages:
            audience = AUDIENCE[(rule.endpoint, "GET")]
            allowed = audience == ANY_USER or username in audience
            # Another lane's task answers like an unknown id (404): ids cannot be probed.
            refused = 404 if rule.endpoint == "staff.task" and username in LANES | {"admin"} else 403
            status = client.get(url).status_code
            if status != (200 if allowed else refused):
                wrong.append((username, url, status))
    assert wrong == []
