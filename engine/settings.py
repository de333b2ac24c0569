"""Runtime settings, read from the environment once, passed around explicitly."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_ROOT / "var" / "alur.sqlite3"


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite:///{DEFAULT_DB_PATH}"
    processes_dir: Path = PROJECT_ROOT / "processes"
    forms_dir: Path = PROJECT_ROOT / "forms" / "schemas"
    max_bpmn_bytes: int = 2_000_000
    # How long the personal data of a closed case is kept before the retention purge erases it.
    # The office's Jadwal Retensi Arsip sets the real figure (domain.md): a setting, not a guess.
    retention_days: int = 730
    # Lanes of a process may only map to these roles; other roles (process_owner, auditor,
    # admin) act on the system, never inside a case.
    lane_roles: frozenset[str] = field(
        default_factory=lambda: frozenset({"masyarakat", "upp_kementerian", "upp_unit_kerja", "sesdep"})
    )

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        values = {}
        if url := os.environ.get("ALUR_DATABASE_URL"):
            values["database_url"] = url
        if path := os.environ.get("ALUR_PROCESSES_DIR"):
            values["processes_dir"] = Path(path)
        if path := os.environ.get("ALUR_FORMS_DIR"):
            values["forms_dir"] = Path(path)
        if days := os.environ.get("ALUR_RETENTION_DAYS"):
            values["retention_days"] = int(days)
        values.update(overrides)
        return cls(**values)
