"""Who may use the auditors' pages (web/audit/) and the data-protection pages (web/privacy.py):
merged into the route matrix's AUDIENCE. Each area keeps its own block."""
from __future__ import annotations

AUDITORS = {"auditor"}
REPORT_READERS = {"auditor", "pemilik", "sesdep"}
ADMINS = {"admin"}

AUDIT_AUDIENCE = {
    # -- home and case pages, timeline, exports (web/audit/cases.py, helper E)
    ("audit.home", "GET"): AUDITORS,
    ("audit.case", "GET"): AUDITORS,
    ("audit.case_json", "GET"): AUDITORS,
    ("audit.case_report", "GET"): AUDITORS,
    ("audit.case_pdf", "GET"): AUDITORS,
    ("audit.events_csv", "GET"): AUDITORS,
    # -- replay and re-execution (web/audit/replay.py, helper A)
    ("audit.replay", "GET"): AUDITORS,
    ("audit.reexecution", "GET"): AUDITORS,
    # -- verification and digests (web/audit/integrity.py, helper B)
    ("audit.verify_case", "GET"): AUDITORS, ("audit.verify_all", "GET"): AUDITORS,
    ("audit.digests", "GET"): AUDITORS, ("audit.create_digest", "POST"): AUDITORS,
    ("audit.digest", "GET"): AUDITORS, ("audit.digest_json", "GET"): AUDITORS, ("audit.digest_csv", "GET"): AUDITORS,
    ("audit.check_digest", "GET"): AUDITORS, ("audit.check_digest_against", "POST"): AUDITORS,
    # -- reports (web/audit/reports.py, helper C)
    ("audit.reports", "GET"): REPORT_READERS,
    ("audit.sla_report", "GET"): REPORT_READERS, ("audit.sla_csv", "GET"): REPORT_READERS,
    ("audit.skm_report", "GET"): REPORT_READERS, ("audit.skm_csv", "GET"): REPORT_READERS,
    ("staff.vendor_chart_js", "GET"): "public",  # Chart.js itself (web/staff/vendor.py), nothing of a case
    # -- personal data (web/audit/cases.py reveal, web/privacy.py, helper D)
    ("audit.reveal_personal", "GET"): AUDITORS, ("audit.reveal_personal", "POST"): AUDITORS,
    ("privacy.home", "GET"): ADMINS,
    ("privacy.subject_export", "GET"): ADMINS, ("privacy.subject_export", "POST"): ADMINS,
    ("privacy.retention", "GET"): ADMINS, ("privacy.retention", "POST"): ADMINS,
}
