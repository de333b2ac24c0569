"""The auditors' and data-protection commands; each area's module registers its commands on `cli`."""
from __future__ import annotations

from engine import cli_integrity, cli_privacy, cli_replay, cli_reports  # noqa: F401
