"""Prebuilt statements that, on SQLite, run straight on the sqlite3 connection.

A task completion runs about six statements. Through SQLAlchemy each costs ~16 us, of which ~10 us
is per-execution bookkeeping; here the SQL text, parameter order and bind/result processors are
the ones SQLAlchemy compiled (once per dialect and set of parameter names), so the same SQL stores
and reads the same values (tests/integration/test_fast_paths.py compares them). Any other database,
echo or cursor-event listeners, no open transaction, or a SQLAlchemy whose internals moved: the
statement goes through SQLAlchemy as usual. DBAPI errors are wrapped as SQLAlchemy wraps them.
"""
from __future__ import annotations

import sqlite3
import weakref
from collections import namedtuple
from datetime import datetime

from sqlalchemy import exc
from sqlalchemy.engine import Connection


class Prepared:
    """A prebuilt INSERT or UPDATE on a completion's path.

    On SQLite (the sqlite3 driver) it runs straight on the sqlite3 connection, with the SQL text,
    parameter order and bind processors SQLAlchemy compiled for it (once per dialect and set of
    parameter names): the same SQL and the same stored values, without SQLAlchemy's
    per-execution bookkeeping (about 10 us of the ~16 us a statement costs; six a completion).
    A DBAPI error is wrapped exactly as SQLAlchemy wraps it (IntegrityError, OperationalError...).
    Any other database, echo or cursor-event listeners, or no open transaction: plain SQLAlchemy.
    """

    def __init__(self, statement):
        self.statement = statement
        self._compiled: "weakref.WeakKeyDictionary[object, dict]" = weakref.WeakKeyDictionary()

    def rowcount(self, c: Connection, params: dict) -> int:
        cursor = self._run(c, params)
        return cursor.rowcount if cursor is not None else c.execute(self.statement, params).rowcount

    def insert(self, c: Connection, params: dict) -> int:
        """The new row's primary key (sqlite3's lastrowid, as SQLAlchemy takes it on SQLite)."""
        cursor = self._run(c, params)
        if cursor is not None:
            return cursor.lastrowid
        return c.execute(self.statement, params).inserted_primary_key[0]

    def insert_many(self, c: Connection, rows: list[dict]) -> None:
        if self._run(c, rows, many=True) is None:
            c.execute(self.statement, rows)

    def _entry(self, c: Connection, params: dict):
        """(compiled, SQL, parameter order, bind processors, ...) or None when not positional."""
        by_keys = self._compiled.get(c.dialect)
        if by_keys is None:
            by_keys = self._compiled.setdefault(c.dialect, {})
        keys = frozenset(params)
        entry = by_keys.get(keys, False)
        if entry is False:
            entry = by_keys[keys] = self._compile(c, params)
        return entry

    def _compile(self, c: Connection, params: dict):
        compiled = self.statement.compile(dialect=c.dialect, column_keys=list(params))
        if not compiled.positional or compiled.literal_execute_params or compiled.post_compile_params:
            return None
        processors = getattr(compiled, "_bind_processors", None)  # internal: absent -> plain path
        if processors is None:
            return None
        return compiled, compiled.string, compiled.positiontup, processors

    def _run(self, c: Connection, params, many: bool = False):
        dbapi = _plain_sqlite(c)
        if dbapi is None:
            return None
        first = params[0] if many else params
        entry = self._entry(c, first)
        if entry is None:
            return None
        compiled, sql, order, processors = entry[:4]
        try:
            if many:
                keys = frozenset(first)
                if any(frozenset(row) != keys for row in params):
                    return None
                return dbapi.executemany(sql, [_values(compiled, order, processors, row) for row in params])
            return dbapi.execute(sql, _values(compiled, order, processors, params))
        except sqlite3.Error as error:
            raise exc.DBAPIError.instance(sql, params, error, sqlite3.Error, dialect=c.dialect) from error


class PreparedSelect(Prepared):
    """A prebuilt SELECT, run like Prepared; its rows are named tuples of the values SQLAlchemy's
    own result processors give (datetimes and JSON as SQLAlchemy would hand them back).

    utc_columns: result columns of stored UTC times that the sqlite3 path parses straight to aware
    datetimes (one fromisoformat; SQLAlchemy's naive value plus a replace() costs seven times as
    much, and a list reads three a row). The other path gives SQLAlchemy's values: the caller
    makes both aware with repositories.utc(), which leaves an aware value as it is."""

    def __init__(self, statement, *, utc_columns: tuple[str, ...] = ()):
        super().__init__(statement)
        self._utc_columns = frozenset(utc_columns)

    def _compile(self, c: Connection, params: dict):
        compiled = self.statement.compile(dialect=c.dialect)
        if not compiled.positional or compiled.literal_execute_params or compiled.post_compile_params:
            return None
        try:  # SQLAlchemy internals: if a release renames them, the plain path serves
            columns = compiled._result_columns
            results = [column.type._cached_result_processor(c.dialect, None) for column in columns]
            processors = compiled._bind_processors
        except AttributeError:
            return None
        results = [_utc_reader(process) if column.keyname in self._utc_columns else process
                   for column, process in zip(columns, results)]
        row_type = namedtuple("PreparedRow", [column.keyname for column in columns])
        converted = [(index, process) for index, process in enumerate(results) if process is not None]
        return compiled, compiled.string, compiled.positiontup, processors, row_type, results, converted

    def first(self, c: Connection, params: dict):
        dbapi = _plain_sqlite(c)
        entry = self._entry(c, params) if dbapi is not None else None
        if entry is None:
            return c.execute(self.statement, params).first()
        raw = self._fetch(c, dbapi, entry, params, many=False)
        if raw is None:
            return None
        results, row_type = entry[5], entry[4]
        return row_type._make([value if process is None else process(value) for process, value in zip(results, raw)])

    def all(self, c: Connection, params: dict) -> list:
        """Every row, fetched at once (rows of the other path are SQLAlchemy's, same positions)."""
        dbapi = _plain_sqlite(c)
        entry = self._entry(c, params) if dbapi is not None else None
        if entry is None:
            return c.execute(self.statement, params).all()
        rows = self._fetch(c, dbapi, entry, params, many=True)
        row_type, converted = entry[4], entry[6]
        made = []
        for raw in rows:
            values = list(raw)
            for index, process in converted:
                values[index] = process(values[index])
            made.append(row_type._make(values))
        return made

    @staticmethod
    def _fetch(c: Connection, dbapi, entry, params: dict, *, many: bool):
        compiled, sql, order, processors = entry[:4]
        try:
            cursor = dbapi.execute(sql, _values(compiled, order, processors, params))
            return cursor.fetchall() if many else cursor.fetchone()
        except sqlite3.Error as error:
            raise exc.DBAPIError.instance(sql, params, error, sqlite3.Error, dialect=c.dialect) from error


def _utc_reader(process):
    """A stored UTC time (SQLite keeps 'YYYY-MM-DD HH:MM:SS.ffffff', no offset) as an aware
    datetime; anything else goes through SQLAlchemy's processor (the caller's utc() ends it)."""
    def read(value):
        try:
            return _FROM_ISO(value + "+00:00")
        except (TypeError, ValueError):  # None, a number, a text with its own offset
            return value if process is None else process(value)
    return read


_FROM_ISO = datetime.fromisoformat


def _values(compiled, order, processors, params: dict) -> list:
    """The positional parameters, as SQLAlchemy builds them for a compiled statement."""
    bound = compiled.construct_params(params, escape_names=False)
    return [processors[name](bound[name]) if name in processors else bound[name] for name in order]


_ELIGIBLE: "weakref.WeakKeyDictionary[Connection, bool]" = weakref.WeakKeyDictionary()


def _plain_sqlite(c: Connection):
    """The sqlite3 connection under `c`, inside a transaction, when nothing is listening to its
    statements (decided at the connection's first prepared statement: one per unit of work)."""
    if not c.in_transaction():
        return None
    eligible = _ELIGIBLE.get(c)
    if eligible is None:
        dialect, dispatch = c.dialect, c.dispatch
        eligible = _ELIGIBLE[c] = (dialect.name == "sqlite" and dialect.driver == "pysqlite" and not getattr(c, "_echo", True)
                                   and not dispatch.before_cursor_execute and not dispatch.after_cursor_execute)
    return c.connection.dbapi_connection if eligible else None
