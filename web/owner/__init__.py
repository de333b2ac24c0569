"""The process owners' pages: versions of each process, the modeler with its checks, publishing,
uploads and downloads, the diff between versions, migrating running cases and the printed SOP.

Auditors may read (versions, diffs, downloads, the printed SOP); only process owners change
anything. Every route checks the role here and the engine checks it again in each use case.
"""
from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("owner", __name__, url_prefix="/pemodelan")

READERS = ("process_owner", "auditor")
OWNERS = ("process_owner",)

# Registers the routes on the blueprint; imported last because they import `blueprint`.
from web.owner import diff, migration, modeler, printing, versions  # noqa: E402,F401
