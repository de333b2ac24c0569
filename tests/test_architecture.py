"""The house rules as executable contracts: layering (import-linter) and the schema's history."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tests.conftest import ROOT, make_alur
from engine.db.tables import metadata


def test_import_contracts_hold():
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 kept, 0 broken" in done.stdout


def test_migrations_build_exactly_the_declared_schema(database_url):
    alur = make_alur(database_url)
    with alur.ctx.db.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    alur.close()
    assert differences == []


def test_migrations_are_idempotent(sqlite_url):
    alur = make_alur(sqlite_url)
    alur.init_db()  # a second run finds nothing to do
    alur.close()
