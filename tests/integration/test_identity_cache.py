"""Who a session or a token is, kept two seconds (engine/caches.py IdentityCache): served without
the database, voided at once in this process by the admin's use cases and a revocation, and for
changes made behind the process's back (another server process), bounded by the TTL."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import event, update

from engine.case import Actor
from engine.db.tables import user_account
from engine.facade import Alur
from engine.settings import Settings

ADMIN = Actor("root", frozenset({"admin"}))
PASSWORD = "Rahasia-Kuat-2025"


@pytest.fixture
def alur(sqlite_url):
    engine = Alur(Settings(database_url=sqlite_url))
    engine.init_db()
    engine.create_user(ADMIN, "budi", "Budi", {"upp_unit_kerja"}, PASSWORD)
    yield engine
    engine.close()


def selects(alur, call) -> tuple[object, int]:
    seen = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731  (before_cursor_execute)
    event.listen(alur.ctx.db, "before_cursor_execute", listener)
    try:
        found = call()
    finally:
        event.remove(alur.ctx.db, "before_cursor_execute", listener)
    return found, len([s for s in seen if s.lstrip().upper().startswith("SELECT")])


def test_a_session_and_a_token_are_read_once_then_kept(alur):
    _, token = alur.create_api_token(Actor("budi"), "skrip")
    assert selects(alur, lambda: alur.actor_for_user("budi")) == (Actor("budi", frozenset({"upp_unit_kerja"})), 1)
    assert selects(alur, lambda: alur.actor_for_user("budi"))[1] == 0
    assert selects(alur, lambda: alur.actor_for_token(token))[1] == 1
    assert selects(alur, lambda: alur.actor_for_token(token)) == (Actor("budi", frozenset({"upp_unit_kerja"})), 0)
    assert selects(alur, lambda: alur.actor_for_user("tidakada")) == (None, 1)
    assert selects(alur, lambda: alur.actor_for_user("tidakada")) == (None, 1)  # refusals are not kept


@pytest.mark.parametrize("change", ["roles", "deactivate", "revoke", "reset_password"])
def test_the_admins_changes_count_at_once_through_any_engine_of_the_process(alur, sqlite_url, change):
    info, token = alur.create_api_token(Actor("budi"), "skrip")
    assert alur.actor_for_user("budi") is not None and alur.actor_for_token(token) is not None
    other = Alur(Settings(database_url=sqlite_url))  # the CLI run in-process, say
    try:
        if change == "roles":
            other.update_user(ADMIN, "budi", roles={"sesdep"})
            assert alur.actor_for_user("budi").roles == alur.actor_for_token(token).roles == frozenset({"sesdep"})
        elif change == "deactivate":
            other.update_user(ADMIN, "budi", active=False)
            assert alur.actor_for_user("budi") is None and alur.actor_for_token(token) is None
        elif change == "revoke":
            other.revoke_api_token(ADMIN, info.id)
            assert alur.actor_for_token(token) is None and alur.actor_for_user("budi") is not None
        else:
            generation = alur.ctx.identities.generation
            other.reset_password(ADMIN, "budi", "Baru-Sekali-2026!")
            assert alur.ctx.identities.generation != generation
    finally:
        other.close()


def test_behind_the_process_s_back_a_change_counts_within_the_ttl(alur):
    alur.ctx.identities.ttl = 0.2
    assert alur.actor_for_user("budi") is not None
    # What another server process's deactivation looks like from here: the row changes, no call.
    with alur.ctx.db.begin() as connection:
        connection.execute(update(user_account).where(user_account.c.username == "budi").values(active=False))
    assert alur.actor_for_user("budi") is not None  # the bound documented in IdentityCache
    time.sleep(0.25)
    assert alur.actor_for_user("budi") is None


def test_an_answer_read_before_an_invalidation_is_not_kept(alur):
    cache = alur.ctx.identities
    before = cache.generation
    cache.invalidate()  # an admin's change committed while the answer was being read
    cache.put("user", "budi", Actor("budi", frozenset({"sesdep"})), before)
    assert cache.get("user", "budi") is None
    cache.put("user", "budi", Actor("budi"), cache.generation)
    assert cache.get("user", "budi") == Actor("budi")
