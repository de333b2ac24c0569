"""Database triggers that make the audit log append-only, for SQLite and PostgreSQL.

The hash chain *detects* a rewrite by someone who bypasses these; the triggers *prevent* one by
anything that goes through the application's own database account.
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

MESSAGE = "event log is append-only"

_SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS event_no_update BEFORE UPDATE ON event
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS event_no_delete BEFORE DELETE ON event
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
_POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION alur_event_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS event_append_only ON event",
    """CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON event
        FOR EACH ROW EXECUTE FUNCTION alur_event_append_only()""",
]


def install_append_only_guard(connection: Connection) -> None:
    for statement in _SQLITE if connection.dialect.name == "sqlite" else _POSTGRES:
        connection.execute(text(statement))


def remove_append_only_guard(connection: Connection) -> None:
    """Only for tests that play an attacker with direct database access."""
    if connection.dialect.name == "sqlite":
        connection.execute(text("DROP TRIGGER IF EXISTS event_no_update"))
        connection.execute(text("DROP TRIGGER IF EXISTS event_no_delete"))
    else:
        connection.execute(text("DROP TRIGGER IF EXISTS event_append_only ON event"))
