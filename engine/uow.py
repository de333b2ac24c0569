"""Unit of work: one database transaction per use case, committed explicitly or rolled back."""
from __future__ import annotations

from sqlalchemy import Engine

from engine.accounts_repository import Accounts, ApiTokens
from engine.db.connect import READ, WRITE
from engine.migration_repository import Migrations
from engine.repositories import Definitions, Drafts, Events, Instances, Tasks, Timers


def access_engines(engine: Engine) -> dict[bool, Engine]:
    """{write: the engine with its access option}: made once per context (making one per unit of
    work cost ~15 us); each shares the engine's pool and sees the listeners added to it later."""
    return {write: engine.execution_options(alur_access=WRITE if write else READ) for write in (False, True)}


class UnitOfWork:
    def __init__(self, engine: Engine, *, write: bool, engines: dict[bool, Engine] | None = None):
        self._engine = engines[write] if engines else engine.execution_options(alur_access=WRITE if write else READ)
        self.connection = None

    def __enter__(self) -> "UnitOfWork":
        self.connection = self._engine.connect()
        try:
            self._transaction = self.connection.begin()
        except Exception:  # BEGIN timed out on a locked SQLite, say: give the connection back
            self.connection.close()
            raise
        conn = self.connection
        self.definitions = Definitions(conn)
        self.drafts = Drafts(conn)
        self.instances = Instances(conn)
        self.tasks = Tasks(conn)
        self.events = Events(conn)
        self.timers = Timers(conn)
        self.migrations = Migrations(conn)
        self.accounts = Accounts(conn)
        self.api_tokens = ApiTokens(conn)
        return self

    def commit(self) -> None:
        self._transaction.commit()

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if self._transaction.is_active:
                self._transaction.rollback()
        finally:
            self.connection.close()
