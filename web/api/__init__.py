"""The JSON API for integrations, under /api/v1, described by an OpenAPI 3.1 document at
/api/v1/openapi.json. Callers authenticate with a per-user bearer token (see auth.py)."""
from __future__ import annotations

from web.api.routes import blueprint
from web.extensions import csrf

# Bearer tokens are never sent by a browser on its own, so a forged cross-site request carries
# none: CSRF tokens would add nothing. The session cookie is not accepted here (auth.py).
csrf.exempt(blueprint)

__all__ = ["blueprint"]
