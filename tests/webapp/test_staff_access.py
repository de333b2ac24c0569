"""Who may open each staff page: every role against every route, anonymous visitors sent to log
in, and another lane's task answering 404 like an id that does not exist."""
from __future__ import annotations

import uuid

from tests.conftest import UPP_UNIT_KERJA
from tests.sop_data import VERIFIKASI, screening
from tests.webapp.conftest import WEB_USERS
from tests.webapp.staff_support import as_user, case_at_step, completed_events, open_task, post, start

INBOX = {"ani", "ana", "budi", "sesdep", "admin"}
RECEPTION = {"ani", "ana"}
STAFF = set(WEB_USERS)  # every account here has a staff role

ROUTES = [
    # (path template, who gets 200)
    ("/kotak-masuk", INBOX),
    ("/kotak-masuk/baris", INBOX),
    ("/terima-tamu", RECEPTION),
    ("/kasus", STAFF),
    ("/kasus/{case}", STAFF),
    ("/kasus/{case}/slip", STAFF),
    ("/kasus/{case}/diagram.bpmn", STAFF),
]


def test_each_role_against_each_page(make_client, web_alur):
    # One login per account (logins hash passwords on purpose: slow), every route for each.
    case_id = start(web_alur).instance_id
    refused = []
    for username in WEB_USERS:
        client = as_user(make_client, username)
        for path, allowed in ROUTES:
            url = path.format(case=case_id)
            status = client.get(url).status_code
            if status != (200 if username in allowed else 403):
                refused.append((username, url, status))
    assert refused == []


def test_anonymous_visitors_are_sent_to_log_in(make_client, web_alur):
    case_id = start(web_alur).instance_id
    task = open_task(web_alur, case_id)
    client = make_client()
    for path in [r[0] for r in ROUTES] + ["/tugas/{task}"]:
        response = client.get(path.format(case=case_id, task=task.id))
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/masuk?next="), path
    assert client.post(f"/tugas/{task.id}", data={"action": "claim"}).status_code in (302, 400)
    assert open_task(web_alur, case_id).claimed_by is None


def test_task_page_answers_only_the_tasks_lane(make_client, web_alur):
    _, task = case_at_step(web_alur, 2)  # UPP Unit Kerja's
    expected = {"budi": 200, "ani": 404, "ana": 404, "sesdep": 404, "admin": 404, "pemilik": 403, "auditor": 403}
    for username, status in expected.items():
        assert as_user(make_client, username).get(f"/tugas/{task.id}").status_code == status, username


def test_guessed_task_ids_answer_404(make_client):
    client = as_user(make_client, "budi")
    for guess in (str(uuid.uuid4()), "1", "admin", "..%2F..%2Fetc"):
        assert client.get(f"/tugas/{guess}").status_code == 404, guess


def test_replaying_a_complete_of_another_lanes_task_is_404_and_changes_nothing(make_client, web_alur):
    started, task = case_at_step(web_alur, 2)
    for username in ("ani", "sesdep", "admin"):
        client = as_user(make_client, username)
        assert post(client, f"/tugas/{task.id}", VERIFIKASI, action="complete").status_code == 404
        assert post(client, f"/tugas/{task.id}", {}, action="claim").status_code == 404
    for username in ("pemilik", "auditor"):
        client = as_user(make_client, username)
        assert post(client, f"/tugas/{task.id}", VERIFIKASI, action="complete").status_code == 403
    assert open_task(web_alur, started.instance_id).id == task.id
    assert open_task(web_alur, started.instance_id).claimed_by is None
    assert completed_events(web_alur, started.instance_id, task.id) == []


def test_receiving_a_visitor_is_refused_to_other_roles_and_opens_nothing(make_client, web_alur):
    for username in ("budi", "sesdep", "pemilik", "auditor"):
        response = post(as_user(make_client, username), "/terima-tamu", screening())
        assert response.status_code == 403, username
    assert web_alur.inbox(UPP_UNIT_KERJA) == []


def test_a_post_without_csrf_token_is_refused(make_client, web_alur):
    _, task = case_at_step(web_alur, 2)
    client = as_user(make_client, "budi")
    response = client.post(f"/tugas/{task.id}", data={"action": "claim"})
    assert response.status_code == 400
    assert web_alur.task(UPP_UNIT_KERJA, task.id).claimed_by is None


def test_vendor_files_are_public_and_confined_to_the_dist_folder(make_client):
    client = make_client()
    script = client.get("/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js")
    assert script.status_code == 200 and b"BpmnJS" in script.data[:2000]
    assert "javascript" in script.mimetype
    css = client.get("/vendor/bpmn-js/assets/bpmn-js.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    for path in ("/vendor/bpmn-js/../../package.json", "/vendor/bpmn-js/..%2F..%2Fpackage.json",
                 "/vendor/bpmn-js/assets/../../../../package.json", "/vendor/bpmn-js/%2e%2e/%2e%2e/package.json",
                 "/vendor/bpmn-js/../package.json", "/vendor/bpmn-js/nope.js", "/vendor/bpmn-js/../../../web/__init__.py"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert b'"bpmn-js"' not in response.data and b"create_app" not in response.data

