"""Per-user API tokens for scripts: made for one's own account, shown once, stored as a SHA-256.

A token acts with its owner's roles as they are now, and stops working when it is revoked or
its owner is deactivated.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from engine.case import Actor
from engine.context import EngineContext
from engine.errors import InvalidData, NotFound
from engine.repositories import utc
from engine.views import ApiTokenInfo

log = logging.getLogger("alur.accounts")

ADMIN = "admin"
TOKEN_PREFIX = "alur_"
# last_used_at is for people ("used today?"): a write per API call would cost more than it tells.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


def create_api_token(ctx: EngineContext, actor: Actor, name: str) -> tuple[ApiTokenInfo, str]:
    name = (name or "").strip()
    if not 1 <= len(name) <= 100:
        raise InvalidData({"name": "Nama token wajib diisi, paling banyak 100 karakter."})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = ctx.clock()
    with ctx.uow(write=True) as uow:
        account = _own_account(uow, actor, active_only=True)
        token_id = uow.api_tokens.add(user_id=account.id, name=name, token_hash=_digest(token), prefix=token[:12],
                                      created_at=now, last_used_at=None, revoked_at=None)
        row = uow.api_tokens.get(token_id)
        uow.commit()
    log.info("API token #%d created for %s", token_id, account.username)
    return _token_info(row), token


def list_api_tokens(ctx: EngineContext, actor: Actor) -> list[ApiTokenInfo]:
    with ctx.uow(write=False) as uow:
        return [_token_info(row) for row in uow.api_tokens.of_user(_own_account(uow, actor).id)]


def revoke_api_token(ctx: EngineContext, actor: Actor, token_id: int) -> None:
    try:
        token_id = int(token_id)
    except (TypeError, ValueError):
        raise NotFound("Token tidak ditemukan.") from None
    with ctx.uow(write=True) as uow:
        row = uow.api_tokens.get(token_id)
        # Someone else's token answers "not found", like an id that does not exist.
        if row is None or (row.username != actor.name and ADMIN not in actor.roles):
            raise NotFound("Token tidak ditemukan.")
        uow.api_tokens.revoke(row.id, ctx.clock())
        uow.commit()
    ctx.identities.invalidate()
    log.info("API token #%d of %s revoked by %s", row.id, row.username, actor.name)


def actor_for_token(ctx: EngineContext, token: str) -> Actor | None:
    if not isinstance(token, str) or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None  # not one of ours: no database trip
    digest = _digest(token)
    now = ctx.clock()
    # Kept a couple of seconds (engine/caches.py IdentityCache: revoking a token or changing its
    # owner's account clears it at once in this process), and never past the next due record of use.
    cached = ctx.identities.get("token", digest)
    if cached is not None and now < cached[1]:
        return cached[0]
    generation = ctx.identities.generation
    with ctx.uow(write=False) as uow:
        row = uow.api_tokens.lookup(digest)
    if row is None or row.revoked_at is not None or not row.active:
        return None
    last_used = utc(row.last_used_at)
    if last_used is None or now - last_used >= TOKEN_TOUCH_INTERVAL:
        with ctx.uow(write=True) as uow:
            uow.api_tokens.touch(row.id, now, now - TOKEN_TOUCH_INTERVAL)
            uow.commit()
        last_used = now
    actor = Actor(row.username, frozenset(row.roles_json))
    ctx.identities.put("token", digest, (actor, last_used + TOKEN_TOUCH_INTERVAL), generation)
    return actor


def _own_account(uow, actor: Actor, *, active_only: bool = False):
    row = uow.accounts.by_username(actor.name)
    if row is None or (active_only and not row.active):
        raise NotFound(f"Akun '{actor.name}' tidak ditemukan atau tidak aktif.")
    return row


def _digest(token: str) -> str:
    # Tokens carry 256 random bits, so a plain SHA-256 is as good as a slow hash here (nothing to
    # guess from a dictionary) and keeps the lookup one indexed equality.
    return hashlib.sha256(token.encode()).hexdigest()


def _token_info(row) -> ApiTokenInfo:
    return ApiTokenInfo(id=row.id, username=row.username, name=row.name, prefix=row.prefix,
                        created_at=utc(row.created_at), last_used_at=utc(row.last_used_at),
                        revoked_at=utc(row.revoked_at))
