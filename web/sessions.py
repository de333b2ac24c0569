"""Flask's signed-cookie sessions, with the signing serializer made once per key.

Flask builds it on every request, cookie or not (itsdangerous checks its JSON serializer by
encoding a sample each time): ~15 us of every request, the API's too, which reads no session.
The serializer keeps no state between calls, so one per secret key serves every thread.
"""
from __future__ import annotations

import threading

from flask.sessions import SecureCookieSessionInterface


class CachedSigningSessionInterface(SecureCookieSessionInterface):
    def __init__(self):
        self._serializers: dict[tuple, object] = {}
        self._lock = threading.Lock()

    def get_signing_serializer(self, app):
        if not app.secret_key:
            return None  # Flask's answer: no sessions without a key
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()), self.salt)
        serializer = self._serializers.get(key)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            with self._lock:
                if len(self._serializers) >= 8:  # a key changed at run time: keep only the newest
                    self._serializers.clear()
                self._serializers[key] = serializer
        return serializer
