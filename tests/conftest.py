"""Fixtures shared by every test: databases (SQLite always, PostgreSQL where it answers) and a
ready engine with the shipped SOP deployed.

PostgreSQL tests run against ALUR_TEST_POSTGRES_URL (default: the local server at
127.0.0.1:5432, database test). Each test gets its own schema, dropped afterwards. Under CI=true a
missing PostgreSQL is an error, never a skip.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from engine.case import Actor
from engine.facade import Alur
from engine.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get("ALUR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI") == "true"

_postgres_checked: list[str | None] = []


def postgres_unavailable() -> str | None:
    """None when PostgreSQL answers; otherwise why not (checked once per run)."""
    if not _postgres_checked:
        try:
            engine = create_engine(POSTGRES_URL)
            with engine.connect() as connection:
                connection.execute(text("select 1"))
            engine.dispose()
            _postgres_checked.append(None)
        except Exception as error:  # any failure to connect means: not available
            _postgres_checked.append(f"{type(error).__name__}: {str(error).splitlines()[0]}")
    return _postgres_checked[0]


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'alur.sqlite3'}"


@pytest.fixture
def postgres_url():
    reason = postgres_unavailable()
    if reason:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI and did not answer: {reason}")
        pytest.skip(f"PostgreSQL not available: {reason}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request) -> str:
    return request.getfixturevalue(f"{request.param}_url")


def make_alur(url: str, **settings) -> Alur:
    alur = Alur(Settings(database_url=url, **settings))
    alur.init_db()
    return alur


@pytest.fixture
def alur(database_url):
    """An engine on a fresh database (both kinds) with the shipped SOP deployed."""
    engine = make_alur(database_url)
    engine.deploy_shipped()
    yield engine
    engine.close()


@pytest.fixture
def sqlite_alur(sqlite_url):
    engine = make_alur(sqlite_url)
    engine.deploy_shipped()
    yield engine
    engine.close()


# The four staff of the SOP and an operator who owns the process.
UPP_KEMENTERIAN = Actor("ani", frozenset({"upp_kementerian"}))
UPP_UNIT_KERJA = Actor("budi", frozenset({"upp_unit_kerja"}))
SESDEP = Actor("sesdep", frozenset({"sesdep"}))
VISITOR = Actor("pengunjung", frozenset({"masyarakat"}))
PROCESS_OWNER = Actor("pemilik", frozenset({"process_owner"}))
AUDITOR = Actor("auditor", frozenset({"auditor"}))


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing():
    """Argon2id with the production cost takes ~0.1 s a hash; hundreds of test logins would spend
    minutes on it. Tests keep the algorithm (argon2id), only at the lowest cost."""
    from argon2 import PasswordHasher

    from engine import passwords
    saved = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    passwords._dummy_hash = None
    yield
    passwords._hasher = saved
    passwords._dummy_hash = None
