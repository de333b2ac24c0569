"""Staff accounts and API tokens on both databases: the BSSN password policy, Argon2id hashes,
login lockout, the admin's use cases and their role checks, demo accounts, API tokens."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher
from sqlalchemy import event, select, update

from engine.case import Actor
from engine.db.tables import api_token, user_account
from engine.errors import Conflict, Forbidden, InvalidData, LoginRefused, NotFound, PasswordPolicy
from engine.facade import Alur
from engine import passwords
from engine.passwords import generate_password
from engine.services.accounts import ACCOUNT_ROLES, BAD_LOGIN, INACTIVE, LOCKOUT, MAX_FAILED_LOGINS, ROLE_LABELS
from engine.settings import Settings

ROOT_ADMIN = Actor("root", frozenset({"admin"}))  # an admin with no account, as the CLI acts
PASSWORD = "Rahasia-Kuat-2025"
OTHER_PASSWORD = "Lain#Sekali-77x"


class Clock:
    def __init__(self):
        self.now = datetime(2025, 3, 3, 1, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def alur(database_url, clock):
    engine = Alur(Settings(database_url=database_url), clock=clock)
    engine.init_db()
    yield engine
    engine.close()


def make_user(alur, username="budi", roles=("upp_unit_kerja",), password=PASSWORD):
    return alur.create_user(ROOT_ADMIN, username, f"Pengguna {username}", set(roles), password)


def stored(alur, username):
    with alur.ctx.db.connect() as connection:
        return connection.execute(select(user_account).where(user_account.c.username == username)).one()


# -- the password policy ------------------------------------------------------------------------
@pytest.mark.parametrize("password, problem", [
    ("Pendek-1a", "Minimal 12 karakter."),
    ("semua-kecil-123", "Harus memuat huruf besar."),
    ("SEMUA-BESAR-123", "Harus memuat huruf kecil."),
    ("Tanpa-Angka-Sama", "Harus memuat angka."),
    ("TanpaSimbol12345", "Harus memuat simbol (misalnya ! @ # - _)."),
    ("Ada-Budi-Di-Sini-1", "Tidak boleh memuat nama pengguna."),
])
def test_the_policy_names_each_missing_requirement(alur, password, problem):
    assert alur.password_problems(password, username="budi") == [problem]


def test_a_password_meeting_the_policy_has_no_problems(alur):
    assert alur.password_problems(PASSWORD, username="budi") == []
    assert len(alur.password_problems("abc", username="budi")) == 4  # short, upper, digit, symbol


def test_generated_passwords_always_pass():
    for _ in range(200):
        password = generate_password(username="demo.admin")
        assert password.count("-") == 3 and len(password) == 19
        assert not any(ch in password for ch in "0O1lI")


# -- creating accounts ----------------------------------------------------------------------------
def test_passwords_are_stored_only_as_argon2id_hashes(alur):
    info = make_user(alur)
    assert info.roles == frozenset({"upp_unit_kerja"}) and info.active and info.locked_until is None
    row = stored(alur, "budi")
    assert row.password_hash.startswith("$argon2id$") and PASSWORD not in str(tuple(row))


@pytest.mark.parametrize("username", ["Budi", "ab", "budi santoso", "b" * 51, "budi@kemen", ""])
def test_usernames_are_short_lowercase_words(alur, username):
    with pytest.raises(InvalidData) as refused:
        make_user(alur, username=username)
    assert "huruf kecil" in refused.value.errors["username"]


def test_account_data_is_checked_before_anything_is_written(alur):
    with pytest.raises(InvalidData) as refused:
        alur.create_user(ROOT_ADMIN, "citra", "  ", {"penyihir"}, PASSWORD)
    assert set(refused.value.errors) == {"full_name", "roles"} and "penyihir" in refused.value.errors["roles"]
    with pytest.raises(InvalidData) as refused:
        alur.create_user(ROOT_ADMIN, "citra", "Citra", set(), PASSWORD)
    assert "setidaknya satu peran" in refused.value.errors["roles"]
    with pytest.raises(PasswordPolicy) as refused:
        alur.create_user(ROOT_ADMIN, "citra", "Citra", {"sesdep"}, "citra-Citra-2025")
    assert refused.value.problems == ["Tidak boleh memuat nama pengguna."]
    assert alur.users(ROOT_ADMIN) == []
    make_user(alur, "citra")
    with pytest.raises(Conflict, match="sudah dipakai"):
        make_user(alur, "citra")


def test_roles_and_labels_cover_the_six_account_roles():
    assert ACCOUNT_ROLES == {"upp_kementerian", "upp_unit_kerja", "sesdep", "process_owner", "auditor", "admin"}
    assert ROLE_LABELS["process_owner"] == "Pemilik Proses"


# -- logging in -----------------------------------------------------------------------------------
def test_login_gives_the_actor_with_the_account_roles(alur, clock):
    make_user(alur, roles=("upp_unit_kerja", "auditor"))
    actor = alur.authenticate(" Budi ", PASSWORD)  # usernames are lowercase: forgive the caps key
    assert actor == Actor("budi", frozenset({"upp_unit_kerja", "auditor"}))
    assert alur.user(ROOT_ADMIN, "budi").last_login_at == clock.now


def test_unknown_user_and_wrong_password_are_refused_alike(alur):
    make_user(alur)
    with pytest.raises(LoginRefused) as unknown:
        alur.authenticate("tidakada", PASSWORD)
    with pytest.raises(LoginRefused) as wrong:
        alur.authenticate("budi", OTHER_PASSWORD)
    assert unknown.value.message == wrong.value.message == BAD_LOGIN
    assert unknown.value.locked_until is None and wrong.value.locked_until is None


def test_five_failures_lock_the_account_for_fifteen_minutes(alur, clock):
    make_user(alur)
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(LoginRefused, match=BAD_LOGIN):
            alur.authenticate("budi", OTHER_PASSWORD)
    with pytest.raises(LoginRefused) as locked:
        alur.authenticate("budi", OTHER_PASSWORD)
    until = clock.now + LOCKOUT
    assert LOCKOUT == timedelta(minutes=15) and locked.value.locked_until == until
    assert "terkunci" in locked.value.message and "08.15 WIB" in locked.value.message  # 01:15 UTC
    assert alur.user(ROOT_ADMIN, "budi").locked_until == until
    clock.advance(minutes=14, seconds=59)
    with pytest.raises(LoginRefused) as still:  # even the right password
        alur.authenticate("budi", PASSWORD)
    assert still.value.locked_until == until
    clock.advance(seconds=1)
    assert alur.authenticate("budi", PASSWORD).name == "budi"
    assert alur.user(ROOT_ADMIN, "budi").locked_until is None


def test_a_success_resets_the_count_of_failures(alur):
    make_user(alur)
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(LoginRefused):
            alur.authenticate("budi", OTHER_PASSWORD)
    alur.authenticate("budi", PASSWORD)
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(LoginRefused, match=BAD_LOGIN):
            alur.authenticate("budi", OTHER_PASSWORD)
    assert stored(alur, "budi").failed_logins == MAX_FAILED_LOGINS - 1
    assert alur.authenticate("budi", PASSWORD).name == "budi"


def test_an_admin_reset_unlocks_the_account(alur):
    make_user(alur)
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(LoginRefused):
            alur.authenticate("budi", OTHER_PASSWORD)
    with pytest.raises(PasswordPolicy):
        alur.reset_password(ROOT_ADMIN, "budi", "lemah")
    info = alur.reset_password(ROOT_ADMIN, "budi", OTHER_PASSWORD)
    assert info.locked_until is None and stored(alur, "budi").failed_logins == 0
    assert alur.authenticate("budi", OTHER_PASSWORD).name == "budi"
    with pytest.raises(LoginRefused):
        alur.authenticate("budi", PASSWORD)
    with pytest.raises(NotFound):
        alur.reset_password(ROOT_ADMIN, "tidakada", OTHER_PASSWORD)


def test_an_inactive_account_is_told_so_only_after_the_right_password(alur):
    make_user(alur)
    alur.update_user(ROOT_ADMIN, "budi", active=False)
    with pytest.raises(LoginRefused) as wrong:
        alur.authenticate("budi", OTHER_PASSWORD)
    assert wrong.value.message == BAD_LOGIN
    with pytest.raises(LoginRefused) as right:
        alur.authenticate("budi", PASSWORD)
    assert right.value.message == INACTIVE == "Akun ini dinonaktifkan. Hubungi admin."
    assert alur.actor_for_user("budi") is None


def test_an_old_hash_is_upgraded_at_login(alur):
    make_user(alur)
    # Parameters unlike the hasher's in force (tests run a cheap one, see conftest.py).
    weak = PasswordHasher(time_cost=2, memory_cost=2 * 1024, parallelism=2).hash(PASSWORD)
    assert passwords.needs_rehash(weak)
    with alur.ctx.db.begin() as connection:
        connection.execute(update(user_account).where(user_account.c.username == "budi").values(password_hash=weak))
    alur.authenticate("budi", PASSWORD)
    upgraded = stored(alur, "budi").password_hash
    assert upgraded != weak and upgraded.startswith("$argon2id$") and not passwords.needs_rehash(upgraded)
    assert alur.authenticate("budi", PASSWORD).name == "budi"


def test_the_session_actor_is_one_select(alur):
    make_user(alur, roles=("sesdep",))
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731  (before_cursor_execute)
    event.listen(alur.ctx.db, "before_cursor_execute", listener)
    try:
        actor = alur.actor_for_user("budi")
    finally:
        event.remove(alur.ctx.db, "before_cursor_execute", listener)
    assert actor == Actor("budi", frozenset({"sesdep"}))
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
    assert alur.actor_for_user("tidakada") is None


def test_changing_ones_own_password_needs_the_old_one(alur):
    make_user(alur)
    budi = alur.authenticate("budi", PASSWORD)
    with pytest.raises(InvalidData) as wrong:
        alur.change_password(budi, "Salah-Sekali-99", OTHER_PASSWORD)
    assert "old_password" in wrong.value.errors
    with pytest.raises(PasswordPolicy):
        alur.change_password(budi, PASSWORD, "pendek")
    with pytest.raises(PasswordPolicy, match="berbeda"):
        alur.change_password(budi, PASSWORD, PASSWORD)
    alur.change_password(budi, PASSWORD, OTHER_PASSWORD)
    assert alur.authenticate("budi", OTHER_PASSWORD).name == "budi"
    with pytest.raises(LoginRefused):
        alur.authenticate("budi", PASSWORD)


def test_passwords_never_reach_the_log(alur, caplog):
    caplog.set_level(logging.DEBUG)
    make_user(alur)
    alur.authenticate("budi", PASSWORD)
    with pytest.raises(LoginRefused):
        alur.authenticate("budi", OTHER_PASSWORD)
    alur.reset_password(ROOT_ADMIN, "budi", OTHER_PASSWORD)
    text = caplog.text
    assert "budi" in text  # the account actions are logged ...
    assert PASSWORD not in text and OTHER_PASSWORD not in text and "$argon2" not in text  # ... never secrets


# -- the admin's use cases ------------------------------------------------------------------------
def test_every_admin_use_case_refuses_a_non_admin(alur):
    make_user(alur)
    everyone_else = Actor("budi", ACCOUNT_ROLES - {"admin"})
    calls = [
        lambda: alur.users(everyone_else),
        lambda: alur.user(everyone_else, "budi"),
        lambda: alur.create_user(everyone_else, "citra", "Citra", {"admin"}, PASSWORD),
        lambda: alur.update_user(everyone_else, "budi", roles={"admin"}),
        lambda: alur.update_user(everyone_else, "budi", active=False),
        lambda: alur.reset_password(everyone_else, "budi", OTHER_PASSWORD),
    ]
    for call in calls:
        with pytest.raises(Forbidden, match="Hanya admin"):
            call()
    assert alur.user(ROOT_ADMIN, "budi").roles == frozenset({"upp_unit_kerja"})


def test_admins_list_update_and_look_up_accounts(alur):
    make_user(alur, "citra", roles=("sesdep",))
    make_user(alur, "budi")
    assert [u.username for u in alur.users(ROOT_ADMIN)] == ["budi", "citra"]
    info = alur.update_user(ROOT_ADMIN, "budi", full_name="Budi Santoso", roles={"auditor", "sesdep"})
    assert info.full_name == "Budi Santoso" and info.roles == frozenset({"auditor", "sesdep"})
    assert alur.authenticate("budi", PASSWORD).roles == frozenset({"auditor", "sesdep"})
    with pytest.raises(InvalidData):
        alur.update_user(ROOT_ADMIN, "budi", roles={"raja"})
    with pytest.raises(NotFound):
        alur.user(ROOT_ADMIN, "tidakada")


def test_the_system_never_loses_its_last_admin(alur):
    make_user(alur, "kepala", roles=("admin",))
    kepala = alur.authenticate("kepala", PASSWORD)
    with pytest.raises(InvalidData) as itself:
        alur.update_user(kepala, "kepala", active=False)
    assert "sendiri" in itself.value.errors["active"]
    with pytest.raises(InvalidData) as itself:
        alur.update_user(kepala, "kepala", roles={"auditor"})
    assert "sendiri" in itself.value.errors["roles"]
    # Someone else (the CLI operator, say) may not take away the last active admin either.
    with pytest.raises(Conflict, match="satu-satunya admin"):
        alur.update_user(ROOT_ADMIN, "kepala", active=False)
    with pytest.raises(Conflict, match="satu-satunya admin"):
        alur.update_user(ROOT_ADMIN, "kepala", roles={"auditor"})
    make_user(alur, "wakil", roles=("admin", "auditor"))
    assert alur.update_user(kepala, "wakil", roles={"auditor"}).roles == frozenset({"auditor"})
    alur.update_user(kepala, "wakil", roles={"admin"})
    assert not alur.update_user(ROOT_ADMIN, "kepala", active=False).active  # wakil remains
    with pytest.raises(Conflict):
        alur.update_user(ROOT_ADMIN, "wakil", active=False)
    assert alur.update_user(ROOT_ADMIN, "kepala", full_name="Kepala Bagian").full_name == "Kepala Bagian"


# -- demo accounts --------------------------------------------------------------------------------
def test_demo_accounts_are_made_once_each_with_a_policy_password(alur):
    created = alur.ensure_demo_accounts()
    assert [(u, r) for u, _, r in created] == [(f"demo.{role}", frozenset({role})) for role in
                                               ("upp_kementerian", "upp_unit_kerja", "sesdep", "process_owner",
                                                "auditor", "admin")]
    for username, password, roles in created:
        assert alur.password_problems(password, username=username) == []
        assert alur.authenticate(username, password) == Actor(username, roles)
    assert alur.user(ROOT_ADMIN, "demo.process_owner").full_name == "Demo Pemilik Proses"
    assert len({password for _, password, _ in created}) == 6
    assert alur.ensure_demo_accounts() == []


# -- API tokens -----------------------------------------------------------------------------------
def test_a_token_acts_as_its_owner_and_is_stored_hashed(alur):
    make_user(alur, roles=("auditor",))
    budi = alur.authenticate("budi", PASSWORD)
    info, token = alur.create_api_token(budi, "  laporan harian ")
    assert token.startswith("alur_") and len(token) > 40
    assert info.name == "laporan harian" and info.prefix == token[:12] and info.username == "budi"
    assert alur.actor_for_token(token) == Actor("budi", frozenset({"auditor"}))
    with alur.ctx.db.connect() as connection:
        rows = [tuple(r) for r in connection.execute(select(api_token))]
    assert len(rows) == 1 and token not in str(rows) and len(rows[0][3]) == 64
    # The token carries the owner's roles as they are now.
    alur.update_user(ROOT_ADMIN, "budi", roles={"sesdep"})
    assert alur.actor_for_token(token).roles == frozenset({"sesdep"})
    for bad in ("", "alur_", token[:-1], "Bearer " + token, "x" * 500, token + "x"):
        assert alur.actor_for_token(bad) is None
    with pytest.raises(InvalidData):
        alur.create_api_token(budi, " ")
    with pytest.raises(InvalidData):
        alur.create_api_token(budi, "n" * 101)
    with pytest.raises(NotFound):
        alur.create_api_token(Actor("tidakada"), "skrip")


def test_token_use_is_recorded_at_most_once_a_minute(alur, clock):
    make_user(alur)
    budi = Actor("budi")
    _, token = alur.create_api_token(budi, "skrip")
    assert alur.api_tokens(budi)[0].last_used_at is None
    first = clock.now
    alur.actor_for_token(token)
    clock.advance(seconds=59)
    alur.actor_for_token(token)
    assert alur.api_tokens(budi)[0].last_used_at == first
    clock.advance(seconds=1)
    alur.actor_for_token(token)
    assert alur.api_tokens(budi)[0].last_used_at == clock.now


def test_tokens_are_revoked_by_their_owner_or_an_admin_only(alur, clock):
    make_user(alur)
    make_user(alur, "citra", roles=("sesdep",))
    budi, citra = Actor("budi", frozenset({"upp_unit_kerja"})), Actor("citra", frozenset({"sesdep"}))
    first, first_token = alur.create_api_token(budi, "satu")
    second, second_token = alur.create_api_token(budi, "dua")
    assert [t.name for t in alur.api_tokens(budi)] == ["satu", "dua"] and alur.api_tokens(citra) == []
    with pytest.raises(NotFound):
        alur.revoke_api_token(citra, first.id)  # someone else's token is "not found"
    with pytest.raises(NotFound):
        alur.revoke_api_token(budi, 99999)
    alur.revoke_api_token(budi, first.id)
    assert alur.actor_for_token(first_token) is None and alur.actor_for_token(second_token) is not None
    assert alur.api_tokens(budi)[0].revoked_at == clock.now
    alur.revoke_api_token(ROOT_ADMIN, second.id)
    assert alur.actor_for_token(second_token) is None


def test_an_inactive_owners_tokens_stop_working(alur):
    make_user(alur)
    _, token = alur.create_api_token(Actor("budi"), "skrip")
    alur.update_user(ROOT_ADMIN, "budi", active=False)
    assert alur.actor_for_token(token) is None
    with pytest.raises(NotFound):
        alur.create_api_token(Actor("budi"), "lagi")
    alur.update_user(ROOT_ADMIN, "budi", active=True)
    assert alur.actor_for_token(token).name == "budi"
