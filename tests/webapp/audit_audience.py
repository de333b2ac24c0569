"""Who may use the auditors' pages (web/audit/) and the data-protection pages (web/privacy.py):
merged into the route matrix's AUDIENCE. Each area keeps its own block."""
from __future__ import annotations

AUDITORS = {"auditor"}
REPORT_READERS = {"auditor", "pemilik", "sesdep"}
ADMINS = {"admin"}

AUDIT_AUDIENCE = {
    # -- home and case pages, timeline, exports (web/audit/cases.py, helper E)
    ("audit.home", "GET"): AUDITORS,
    # -- replay and re-execution (web/audit/replay.py, helper A)
    # -- verification and digests (web/audit/integrity.py, helper B)
    # -- reports (web/audit/reports.py, helper C)
    ("audit.reports", "GET"): REPORT_READERS,
    # -- personal data (web/audit/cases.py reveal, web/privacy.py, helper D)
}
