"""Who may use the process owners' pages (web/owner/): merged into the route matrix's AUDIENCE.

Auditors read every version, its diff and its printed SOP; only process owners change anything.
"""
from __future__ import annotations

READERS = {"pemilik", "auditor"}
OWNERS = {"pemilik"}

OWNER_AUDIENCE = {
    ("owner.processes", "GET"): READERS,
    ("owner.upload_new", "POST"): OWNERS,
    ("owner.versions", "GET"): READERS,
    ("owner.upload", "POST"): OWNERS,
    ("owner.modeler", "GET"): OWNERS,
    ("owner.draft_xml", "GET"): OWNERS,
    ("owner.save_draft", "POST"): OWNERS,
    ("owner.check", "POST"): OWNERS,
    ("owner.publish", "POST"): OWNERS,
    ("owner.discard_draft", "POST"): OWNERS,
    ("owner.download", "GET"): READERS,
    # the printed SOP (web/owner/printing.py)
    ("owner.sop_html", "GET"): READERS,
    ("owner.sop_pdf", "GET"): READERS,
    # the diff between two versions (web/owner/diff.py)
    ("owner.diff", "GET"): READERS,
    # migrating running cases (web/owner/migration.py)
    ("owner.migration", "GET"): OWNERS,
    ("owner.migration_dry_run", "POST"): OWNERS,
    ("owner.migrate", "POST"): OWNERS,
}
