"""The SQL for staff accounts and API tokens (the rest of the schema's SQL is in repositories.py).

The two statements every request runs (the session's account, an API token) are built once at
import with bound parameters, so each is one cached, indexed SELECT on a unique column.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.engine import Connection, Row

from engine.db.tables import api_token, user_account

_ACTOR_BY_USERNAME = select(user_account.c.roles_json, user_account.c.active).where(
    user_account.c.username == bindparam("b_username"))
_TOKEN_BY_HASH = (select(api_token.c.id, api_token.c.revoked_at, api_token.c.last_used_at,
                         user_account.c.username, user_account.c.roles_json, user_account.c.active)
                  .join(user_account, user_account.c.id == api_token.c.user_id)
                  .where(api_token.c.token_hash == bindparam("b_hash")))
_TOKEN_COLUMNS = [c for c in api_token.c if c.name != "token_hash"] + [user_account.c.username]


class Accounts:
    def __init__(self, connection: Connection):
        self.c = connection

    def actor_row(self, username: str) -> Row | None:
        """(roles_json, active) of one account: all a request needs."""
        return self.c.execute(_ACTOR_BY_USERNAME, {"b_username": username}).first()

    def by_username(self, username: str, *, lock: bool = False) -> Row | None:
        q = select(user_account).where(user_account.c.username == username)
        # FOR UPDATE on PostgreSQL so two admins' checks on the same account queue; SQLite's
        # write transactions are serialized already (BEGIN IMMEDIATE) and ignore it.
        return self.c.execute(q.with_for_update() if lock else q).first()

    def by_id(self, user_id: int) -> Row | None:
        return self.c.execute(select(user_account).where(user_account.c.id == user_id)).first()

    def all(self) -> list[Row]:
        return list(self.c.execute(select(user_account).order_by(user_account.c.username)))

    def existing(self, usernames: list[str]) -> set[str]:
        q = select(user_account.c.username).where(user_account.c.username.in_(usernames))
        return set(self.c.execute(q).scalars())

    def active_admins(self) -> list[str]:
        """Usernames of active accounts holding admin, rows locked (see by_username) so two
        concurrent demotions cannot both see another admin left. Roles are a JSON list, filtered
        here rather than in SQL to stay portable; the table holds staff, tens of rows."""
        q = (select(user_account.c.username, user_account.c.roles_json)
             .where(user_account.c.active.is_(True)).with_for_update())
        return [row.username for row in self.c.execute(q) if "admin" in (row.roles_json or [])]

    def add(self, **values) -> int:
        return self.c.execute(insert(user_account).values(**values)).inserted_primary_key[0]

    def change(self, user_id: int, **values) -> None:
        self.c.execute(update(user_account).where(user_account.c.id == user_id).values(**values))

    def count_failure(self, user_id: int) -> int:
        """One more failed login, counted in SQL so concurrent failures all count; the new count."""
        self.c.execute(update(user_account).where(user_account.c.id == user_id)
                       .values(failed_logins=user_account.c.failed_logins + 1))
        return self.c.execute(select(user_account.c.failed_logins)
                              .where(user_account.c.id == user_id)).scalar_one()


class ApiTokens:
    def __init__(self, connection: Connection):
        self.c = connection

    def lookup(self, token_hash: str) -> Row | None:
        return self.c.execute(_TOKEN_BY_HASH, {"b_hash": token_hash}).first()

    def add(self, **values) -> int:
        return self.c.execute(insert(api_token).values(**values)).inserted_primary_key[0]

    def get(self, token_id: int) -> Row | None:
        q = (select(*_TOKEN_COLUMNS).join(user_account, user_account.c.id == api_token.c.user_id)
             .where(api_token.c.id == token_id))
        return self.c.execute(q).first()

    def of_user(self, user_id: int) -> list[Row]:
        q = (select(*_TOKEN_COLUMNS).join(user_account, user_account.c.id == api_token.c.user_id)
             .where(api_token.c.user_id == user_id).order_by(api_token.c.id))
        return list(self.c.execute(q))

    def revoke(self, token_id: int, now: datetime) -> None:
        self.c.execute(update(api_token).where(api_token.c.id == token_id, api_token.c.revoked_at.is_(None))
                       .values(revoked_at=now))

    def touch(self, token_id: int, now: datetime, cutoff: datetime) -> None:
        """Record a use, unless one was recorded after cutoff (a concurrent request, say)."""
        self.c.execute(update(api_token)
                       .where(api_token.c.id == token_id,
                              or_(api_token.c.last_used_at.is_(None), api_token.c.last_used_at <= cutoff))
                       .values(last_used_at=now))
