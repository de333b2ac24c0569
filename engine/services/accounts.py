"""Staff accounts: login with lockout, the admin's use cases, demo accounts (API tokens: api_tokens.py).

Argon2 verification takes tens of milliseconds, so it never runs inside a write transaction (on
SQLite that would hold the database's one write lock): logins read, verify, then write the
outcome in a short transaction of their own. Usernames may appear in logs; passwords, hashes and
tokens never do.
"""
from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from engine import passwords
from engine.case import Actor
from engine.context import EngineContext
from engine.office_calendar import WIB
from engine.errors import Conflict, Forbidden, InvalidData, LoginRefused, NotFound, PasswordPolicy
from engine.repositories import utc
from engine.services.api_tokens import (  # noqa: F401  (the facade reaches the token ones here)
    ADMIN, actor_for_token, create_api_token, list_api_tokens, revoke_api_token)
from engine.views import UserInfo

log = logging.getLogger("alur.accounts")

ROLE_LABELS = {"upp_kementerian": "UPP Kementerian", "upp_unit_kerja": "UPP Unit Kerja", "sesdep": "Sesdep",
               "process_owner": "Pemilik Proses", "auditor": "Auditor", "admin": "Admin"}
ACCOUNT_ROLES = frozenset(ROLE_LABELS)
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
BAD_LOGIN = "Nama pengguna atau kata sandi salah."
INACTIVE = "Akun ini dinonaktifkan. Hubungi admin."
_USERNAME = re.compile(r"[a-z0-9._-]{3,50}")

password_problems = passwords.password_problems


# -- logging in -------------------------------------------------------------------------------
def authenticate(ctx: EngineContext, username: str, password: str) -> Actor:
    now = ctx.clock()
    username = (username or "").strip().lower()  # usernames are lowercase; forgive the caps key
    with ctx.uow(write=False) as uow:
        row = uow.accounts.by_username(username) if username else None
    if row is None:
        passwords.spend_verification(password)  # same cost as a wrong password: no timing oracle
        raise LoginRefused(BAD_LOGIN)
    _refuse_if_locked(row, now)  # no verification while locked: a locked account costs no CPU
    if not passwords.verify_password(row.password_hash, password):
        _count_failure(ctx, row, now)
        raise LoginRefused(BAD_LOGIN)
    if not row.active:  # said only after a correct password, so it does not reveal the account
        raise LoginRefused(INACTIVE)
    values = {"failed_logins": 0, "locked_until": None, "last_login_at": now}
    if passwords.needs_rehash(row.password_hash):  # the hasher's parameters were raised since
        values["password_hash"] = passwords.hash_password(password)
    with ctx.uow(write=True) as uow:
        uow.accounts.change(row.id, **values)
        uow.commit()
    return Actor(row.username, frozenset(row.roles_json))


def actor_for_user(ctx: EngineContext, username: str) -> Actor | None:
    # A lock (failed logins, perhaps by someone else) does not end a session already open.
    # Kept a couple of seconds: the admin's changes below clear it at once (engine/caches.py).
    actor = ctx.identities.get("user", username)
    if actor is not None:
        return actor
    generation = ctx.identities.generation
    with ctx.uow(write=False) as uow:
        row = uow.accounts.actor_row(username)
    if row is None or not row.active:
        return None
    actor = Actor(username, frozenset(row.roles_json))
    ctx.identities.put("user", username, actor, generation)
    return actor


def _refuse_if_locked(row, now: datetime) -> None:
    locked_until = utc(row.locked_until)
    if locked_until is not None and locked_until > now:
        raise LoginRefused(_locked_message(locked_until), locked_until=locked_until)


def _locked_message(until: datetime) -> str:
    return (f"Akun terkunci karena {MAX_FAILED_LOGINS} kali gagal masuk berturut-turut. "
            f"Coba lagi setelah pukul {until.astimezone(WIB):%H.%M} WIB ({until.astimezone(WIB):%d-%m-%Y}).")


def _count_failure(ctx: EngineContext, row, now: datetime) -> None:
    """One more failure; the one that reaches the limit locks the account and is told so."""
    with ctx.uow(write=True) as uow:
        failures = uow.accounts.count_failure(row.id)
        locked_until = now + LOCKOUT if failures >= MAX_FAILED_LOGINS else None
        if locked_until is not None:
            # The count starts afresh, so after the lock the owner has the full number of tries.
            uow.accounts.change(row.id, failed_logins=0, locked_until=locked_until)
        uow.commit()
    if locked_until is not None:
        log.warning("account %s locked until %s after %d failed logins", row.username, locked_until.isoformat(),
                    failures)
        raise LoginRefused(_locked_message(locked_until), locked_until=locked_until)


# -- the admin's use cases ----------------------------------------------------------------------
def _require_admin(actor: Actor) -> None:
    if ADMIN not in actor.roles:
        raise Forbidden("Hanya admin yang boleh mengelola akun pengguna.")


def list_users(ctx: EngineContext, actor: Actor) -> list[UserInfo]:
    _require_admin(actor)
    now = ctx.clock()
    with ctx.uow(write=False) as uow:
        return [_user_info(row, now) for row in uow.accounts.all()]


def get_user(ctx: EngineContext, actor: Actor, username: str) -> UserInfo:
    _require_admin(actor)
    with ctx.uow(write=False) as uow:
        return _user_info(_existing(uow, username), ctx.clock())


def create_user(ctx: EngineContext, actor: Actor, username: str, full_name: str, roles: set[str],
                password: str) -> UserInfo:
    _require_admin(actor)
    username = (username or "").strip()
    errors = {}
    if not _USERNAME.fullmatch(username):
        errors["username"] = ("Nama pengguna 3-50 karakter: huruf kecil, angka, titik, garis bawah "
                              "atau tanda hubung.")
    full_name = _checked_full_name(full_name, errors)
    roles = _checked_roles(roles, errors)
    if errors:
        raise InvalidData(errors)
    _check_policy(password, username)
    password_hash = passwords.hash_password(password)
    now = ctx.clock()
    taken = Conflict(f"Nama pengguna '{username}' sudah dipakai.")
    with ctx.uow(write=True) as uow:
        if uow.accounts.by_username(username) is not None:
            raise taken
        try:
            user_id = uow.accounts.add(
                username=username, full_name=full_name, password_hash=password_hash, roles_json=sorted(roles),
                active=True, failed_logins=0, locked_until=None, created_at=now, password_changed_at=now,
                last_login_at=None)
        except IntegrityError:  # created by someone else between our check and insert
            raise taken from None
        row = uow.accounts.by_id(user_id)
        uow.commit()
    log.info("account %s created by %s, roles %s", username, actor.name, ",".join(sorted(roles)))
    return _user_info(row, now)


def update_user(ctx: EngineContext, actor: Actor, username: str, *, full_name: str | None = None,
                roles: set[str] | None = None, active: bool | None = None) -> UserInfo:
    _require_admin(actor)
    errors, values = {}, {}
    if full_name is not None:
        values["full_name"] = _checked_full_name(full_name, errors)
    if roles is not None:
        roles = _checked_roles(roles, errors)
        values["roles_json"] = sorted(roles)
    if active is not None:
        values["active"] = bool(active)
    if username == actor.name:
        if active is False:
            errors["active"] = "Anda tidak dapat menonaktifkan akun Anda sendiri."
        if roles is not None and ADMIN not in roles:
            errors["roles"] = "Anda tidak dapat mencabut peran admin dari akun Anda sendiri."
    if errors:
        raise InvalidData(errors)
    now = ctx.clock()
    with ctx.uow(write=True) as uow:
        row = _existing(uow, username, lock=True)
        was_admin = row.active and ADMIN in row.roles_json
        stays_admin = values.get("active", row.active) and ADMIN in values.get("roles_json", row.roles_json)
        if was_admin and not stays_admin and not [u for u in uow.accounts.active_admins() if u != row.username]:
            raise Conflict(f"{row.username} adalah satu-satunya admin aktif; jadikan akun lain admin lebih dulu "
                           "agar sistem tidak kehilangan admin.")
        if values:
            uow.accounts.change(row.id, **values)
        row = uow.accounts.by_id(row.id)
        uow.commit()
    ctx.identities.invalidate()  # roles or active changed: every session and token sees it now
    log.info("account %s updated by %s: %s", username, actor.name, ", ".join(sorted(values)) or "no change")
    return _user_info(row, now)


def reset_password(ctx: EngineContext, actor: Actor, username: str, new_password: str) -> UserInfo:
    """A new password set by an admin; it also lifts a lock (the owner has asked for help)."""
    _require_admin(actor)
    _check_policy(new_password, username)
    password_hash = passwords.hash_password(new_password)
    now = ctx.clock()
    with ctx.uow(write=True) as uow:
        row = _existing(uow, username)
        uow.accounts.change(row.id, password_hash=password_hash, password_changed_at=now, failed_logins=0,
                            locked_until=None)
        row = uow.accounts.by_id(row.id)
        uow.commit()
    ctx.identities.invalidate()
    log.info("password of %s reset by %s", username, actor.name)
    return _user_info(row, now)


def change_password(ctx: EngineContext, actor: Actor, old_password: str, new_password: str) -> None:
    now = ctx.clock()
    with ctx.uow(write=False) as uow:
        row = uow.accounts.by_username(actor.name)
    if row is None or not row.active:
        raise NotFound("Akun tidak ditemukan.")
    problems = password_problems(new_password, username=row.username)
    if new_password == old_password:
        problems.append("Kata sandi baru harus berbeda dari kata sandi lama.")
    if problems:
        raise PasswordPolicy(problems)
    _refuse_if_locked(row, now)
    if not passwords.verify_password(row.password_hash, old_password):
        # Counted like a failed login: a session left open must not become a way to guess.
        _count_failure(ctx, row, now)
        raise InvalidData({"old_password": "Kata sandi lama salah."}, "Kata sandi lama salah.")
    password_hash = passwords.hash_password(new_password)
    with ctx.uow(write=True) as uow:
        uow.accounts.change(row.id, password_hash=password_hash, password_changed_at=now, failed_logins=0)
        uow.commit()
    ctx.identities.invalidate()
    log.info("password of %s changed by its owner", row.username)


def _existing(uow, username: str, *, lock: bool = False):
    row = uow.accounts.by_username(username, lock=lock)
    if row is None:
        raise NotFound(f"Pengguna '{username}' tidak ditemukan.")
    return row


def _checked_full_name(full_name: str, errors: dict) -> str:
    full_name = (full_name or "").strip()
    if not 1 <= len(full_name) <= 200:
        errors["full_name"] = "Nama lengkap wajib diisi, paling banyak 200 karakter."
    return full_name


def _checked_roles(roles, errors: dict) -> set[str]:
    roles = {str(role) for role in roles or ()}
    if not roles:
        errors["roles"] = "Pilih setidaknya satu peran."
    elif unknown := roles - ACCOUNT_ROLES:
        errors["roles"] = (f"Peran tidak dikenal: {', '.join(sorted(unknown))}. "
                           f"Pilihan: {', '.join(sorted(ACCOUNT_ROLES))}.")
    return roles


def _check_policy(password: str, username: str) -> None:
    problems = password_problems(password, username=username)
    if problems:
        raise PasswordPolicy(problems)


def _user_info(row, now: datetime) -> UserInfo:
    locked_until = utc(row.locked_until)
    return UserInfo(id=row.id, username=row.username, full_name=row.full_name, roles=frozenset(row.roles_json),
                    active=row.active, locked_until=locked_until if locked_until and locked_until > now else None,
                    created_at=utc(row.created_at), last_login_at=utc(row.last_login_at))


# -- demo accounts ------------------------------------------------------------------------------
DEMO_ROLES = ("upp_kementerian", "upp_unit_kerja", "sesdep", "process_owner", "auditor", "admin")


def ensure_demo_accounts(ctx: EngineContext) -> list[tuple[str, str, frozenset[str]]]:
    wanted = {f"demo.{role}": role for role in DEMO_ROLES}
    with ctx.uow(write=False) as uow:
        existing = uow.accounts.existing(list(wanted))
    missing = [(username, role) for username, role in wanted.items() if username not in existing]
    if not missing:
        return []
    made = [(username, role, passwords.generate_password(username=username)) for username, role in missing]
    hashes = {username: passwords.hash_password(password) for username, _, password in made}
    now = ctx.clock()
    created = []
    with ctx.uow(write=True) as uow:
        present = uow.accounts.existing([username for username, _ in missing])  # a concurrent init
        for username, role, password in made:
            if username in present:
                continue
            uow.accounts.add(username=username, full_name=f"Demo {ROLE_LABELS[role]}",
                             password_hash=hashes[username], roles_json=[role], active=True, failed_logins=0,
                             locked_until=None, created_at=now, password_changed_at=now, last_login_at=None)
            created.append((username, password, frozenset({role})))
        uow.commit()
    if created:
        log.info("demo accounts created: %s", ", ".join(username for username, _, _ in created))
    return created
