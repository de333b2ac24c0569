"""A small keep-alive HTTP client for the bench: one connection, a cookie jar, bearer tokens.

http.client rather than a richer library so the client's own cost stays small next to the
server's; every figure still includes it (and the loopback), as a real client's would.
"""
from __future__ import annotations

import http.client
import re
import time
from urllib.parse import urlencode

import orjson

_CSRF = re.compile(rb'name="csrf_token" value="([^"]+)"')
# waitress closes a connection idle for 120 s (channel_timeout); the bench idles longer than that
# between its parts, so a connection idle this long is replaced before it is used.
IDLE_LIMIT = 60.0


class Client:
    def __init__(self, port: int, token: str | None = None):
        self.port = port
        self.token = token
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.used = time.monotonic()

    def close(self) -> None:
        self.conn.close()

    def reconnect(self) -> None:
        self.conn.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
                token: str | None = None) -> tuple[int, dict, bytes]:
        sent = dict(headers or {})
        bearer = token or self.token
        if bearer:
            sent["Authorization"] = f"Bearer {bearer}"
        if time.monotonic() - self.used > IDLE_LIMIT:
            self.reconnect()
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=sent)
        response = self.conn.getresponse()
        data = response.read()
        self.used = time.monotonic()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, data

    def get(self, path: str) -> tuple[int, bytes]:
        status, _, data = self.request("GET", path)
        return status, data

    def post_json(self, path: str, value, token: str | None = None) -> tuple[int, object]:
        status, _, data = self.request("POST", path, orjson.dumps(value),
                                       {"Content-Type": "application/json"}, token=token)
        return status, (orjson.loads(data) if data and data[:1] in (b"{", b"[") else data)

    def post_form(self, path: str, fields: list[tuple[str, str]]) -> tuple[int, dict, bytes]:
        return self.request("POST", path, urlencode(fields).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def csrf_token(self, path: str = "/masuk") -> str:
        status, page = self.get(path)
        found = _CSRF.search(page)
        if not found:
            raise RuntimeError(f"no CSRF token on {path} (HTTP {status})")
        return found.group(1).decode()

    def login(self, username: str, password: str) -> None:
        token = self.csrf_token("/masuk")
        status, _, _ = self.post_form("/masuk", [("username", username), ("password", password),
                                                 ("csrf_token", token)])
        if status != 302:
            raise RuntimeError(f"login of {username} refused: HTTP {status}")


def form_fields(data: dict) -> list[tuple[str, str]]:
    """Typed form data as a browser would post it: strings, a ticked checkbox as "true", an
    unticked one not at all."""
    fields = []
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            if item is not False:
                fields.append((name, "true" if item is True else str(item)))
    return fields


class LocalClient:
    """The same calls as Client through the Flask test client, in this process: the app's own
    cost, without waitress, sockets or a second process."""

    def __init__(self, app, token: str | None = None):
        self.app = app
        self.client = app.test_client()
        self.token = token

    def _headers(self, token: str | None) -> dict:
        bearer = token or self.token
        return {"Authorization": f"Bearer {bearer}"} if bearer else {}

    def get(self, path: str) -> tuple[int, bytes]:
        response = self.client.get(path, headers=self._headers(None))
        return response.status_code, response.get_data()

    def post_json(self, path: str, value, token: str | None = None) -> tuple[int, object]:
        response = self.client.post(path, data=orjson.dumps(value), content_type="application/json",
                                    headers=self._headers(token))
        return response.status_code, response.get_json(silent=True)

    def post_form(self, path: str, fields: list[tuple[str, str]]) -> tuple[int, dict, bytes]:
        response = self.client.post(path, data=urlencode(fields), content_type="application/x-www-form-urlencoded",
                                    headers=self._headers(None))
        return response.status_code, response.headers, response.get_data()

    def csrf_token(self, path: str = "/masuk") -> str:
        return Client.csrf_token(self, path)

    def login(self, username: str, password: str) -> None:
        Client.login(self, username, password)

    def close(self) -> None:
        pass
