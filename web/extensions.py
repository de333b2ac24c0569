"""Flask extensions, created once and bound to an app in create_app (the flaskr pattern)."""
from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
# No default limits: only the routes that invite guessing (login, ticket codes) carry one.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
