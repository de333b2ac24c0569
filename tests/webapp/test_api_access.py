"""Who may do what over the API: each role against each operation, another lane's tasks, and
the token itself (revoked, owner deactivated or stripped of a role, or a session cookie instead)."""
from __future__ import annotations

from engine.case import Actor
from tests.sop_data import VERIFIKASI, screening
from tests.webapp.api_support import ApiClient, token_for
from tests.webapp.conftest import PASSWORD, SETUP, login
from web import create_app

USERS = ("ani", "budi", "sesdep", "pemilik", "auditor", "admin")  # one per account role
LANES_ONLY = {"ani": 404, "budi": 200, "sesdep": 404, "pemilik": 403, "auditor": 403, "admin": 403}
EXPECTED = {
    # admin passes the web's guard for receiving visitors, but the first step is not in its lane
    "start": {"ani": 201, "budi": 403, "sesdep": 403, "pemilik": 403, "auditor": 403, "admin": 403},
    "inbox": {"ani": 200, "budi": 200, "sesdep": 200, "pemilik": 403, "auditor": 403, "admin": 403},
    # the task under test is step 2, in UPP Unit Kerja's lane
    "task": LANES_ONLY, "claim": LANES_ONLY, "release": LANES_ONLY, "complete": LANES_ONLY,
    "case": dict.fromkeys(USERS, 200), "history": dict.fromkeys(USERS, 200),
}
PROCESS = "pelayanan_pengaduan"


def _operation(name: str, step2: str, case_id: int) -> tuple[str, str, dict | None]:
    return {
        "start": ("POST", "/cases", {"data": screening()}), "inbox": ("GET", "/tasks", None),
        "task": ("GET", f"/tasks/{step2}", None), "claim": ("POST", f"/tasks/{step2}/claim", None),
        "release": ("POST", f"/tasks/{step2}/release", None),
        "complete": ("POST", f"/tasks/{step2}/complete", {"data": VERIFIKASI}),
        "case": ("GET", f"/cases/{case_id}", None), "history": ("GET", f"/cases/{case_id}/history", None),
    }[name]


def test_each_role_against_each_operation(client, web_alur):
    """One test for the whole matrix: a failure shows every cell that differs at once."""
    api = ApiClient(client)
    desk = web_alur.authenticate("ani", PASSWORD)
    tokens = {user: token_for(web_alur, user) for user in USERS}
    got = {}
    for operation in EXPECTED:
        for user in USERS:
            started = web_alur.start(PROCESS, desk, first_task_data=screening())  # fresh for every caller
            step2 = started.ready[0].id
            if operation == "release":  # something to release: UPP Unit Kerja holds it
                web_alur.claim(Actor("budi", frozenset({"upp_unit_kerja"})), step2)
            method, path, body = _operation(operation, step2, started.instance_id)
            response = api.call(method, path, tokens[user], json=body)
            got.setdefault(operation, {})[user] = response.status_code
            if response.status_code >= 400:
                assert response.get_json()["error"]["message"]
            if operation == "case" and response.status_code == 200:
                # personal data in full only for the two desks whose work needs it
                assert response.get_json()["personal_masked"] is (user not in ("ani", "budi"))
    assert got == EXPECTED


def test_the_inbox_shows_only_the_callers_lanes(client, web_alur):
    api = ApiClient(client)
    started = web_alur.start(PROCESS, web_alur.authenticate("ani", PASSWORD), first_task_data=screening())
    inboxes = {user: [t["id"] for t in api.call("GET", "/tasks", token_for(web_alur, user)).get_json()["tasks"]]
               for user in ("ani", "budi", "sesdep")}
    assert inboxes == {"ani": [], "budi": [started.ready[0].id], "sesdep": []}


def test_a_revoked_token_is_refused_at_once(client, web_alur):
    api = ApiClient(client)
    actor = web_alur.authenticate("budi", PASSWORD)
    info, token = web_alur.create_api_token(actor, "skrip harian")
    assert api.call("GET", "/tasks", token).status_code == 200
    web_alur.revoke_api_token(actor, info.id)
    response = api.call("GET", "/tasks", token)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="alur", error="invalid_token"'


def test_missing_or_unknown_tokens_get_401_with_a_bearer_challenge(sqlite_alur):
    api = ApiClient(create_app(sqlite_alur, {"TESTING": True, "SECRET_KEY": "t"}).test_client())
    for header in (None, "Bearer", "Bearer   ", "Basic YnVkaTpyYWhhc2lh", "Bearer alur_tebakan", "bukan-token"):
        response = api.call("GET", "/tasks", headers={"Authorization": header} if header else {})
        assert response.status_code == 401, header
        assert response.headers["WWW-Authenticate"].startswith('Bearer realm="alur"')
        assert "Set-Cookie" not in response.headers


def test_a_deactivated_owner_or_a_removed_role_takes_effect_on_the_next_call(client, web_alur):
    api = ApiClient(client)
    budi, sesdep = token_for(web_alur, "budi"), token_for(web_alur, "sesdep")
    web_alur.update_user(SETUP, "budi", roles={"auditor"})
    assert api.call("GET", "/tasks", budi).status_code == 403
    web_alur.update_user(SETUP, "sesdep", active=False)
    assert api.call("GET", "/tasks", sesdep).status_code == 401


def test_a_logged_in_session_is_not_accepted_by_the_api(client, web_alur):
    """A browser sends its cookie by itself; honouring it here would make the API forgeable."""
    api = ApiClient(client)
    started = web_alur.start(PROCESS, web_alur.authenticate("ani", PASSWORD), first_task_data=screening())
    login(client, "budi")
    assert api.call("GET", "/tasks").status_code == 401
    step2 = started.ready[0].id
    assert api.call("POST", f"/tasks/{step2}/complete", json={"data": VERIFIKASI}).status_code == 401
    assert web_alur.task(web_alur.authenticate("budi", PASSWORD), step2).state == "ready"


def test_posts_need_no_csrf_token_but_a_bearer_token(client, web_alur):
    api = ApiClient(client)
    started = web_alur.start(PROCESS, web_alur.authenticate("ani", PASSWORD), first_task_data=screening())
    response = api.call("POST", f"/tasks/{started.ready[0].id}/claim", token_for(web_alur, "budi"))
    assert response.status_code == 200 and response.get_json()["claimed_by"] == "budi"
    assert response.headers["Cache-Control"] == "no-store"
