"""The auditors' pages: a case's timeline and replay, re-execution, hash-chain verification and
the daily digests, exports, and the SLA and SKM reports.

Read-only: no route here changes a case. Every route checks the role here and the engine checks
it again in each use case.
"""
from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("audit", __name__, url_prefix="/audit")

AUDITORS = ("auditor",)
# The SLA and SKM reports are the office's own numbers: its managers read them too.
REPORT_READERS = ("auditor", "process_owner", "sesdep")

# Registers the routes on the blueprint; imported last because they import `blueprint`.
from web.audit import cases, exports, integrity, personal, replay, reports  # noqa: E402,F401
