"""Who may open which staff page. The engine checks roles again on every use case: these only
keep people from pages that could never work for them."""
from __future__ import annotations

# The lanes' roles work an inbox; admin may look (it has no lane, so its inbox is empty).
INBOX_ROLES = ("upp_kementerian", "upp_unit_kerja", "sesdep", "admin")
# The front desk opens cases: step 1 is UPP Kementerian's, and the engine lets only the
# first step's lane complete it, so admin (no lane) is kept out rather than shown a dead form.
RECEPTION_ROLES = ("upp_kementerian",)
# Everyone who may read a case, its history and its diagram.
STAFF_ROLES = ("upp_kementerian", "upp_unit_kerja", "sesdep", "process_owner", "auditor", "admin")
