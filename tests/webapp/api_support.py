"""Calling /api/v1 in tests with every answer checked against the OpenAPI document.

`ApiClient.call` finds the documented operation of each request, fails if the status is not one
the document lists for it, validates the JSON body against the documented schema for that
status, and records (path template, method, status), so a test can prove it exercised every
documented response.
"""
from __future__ import annotations

import re

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.webapp.conftest import PASSWORD
from web.api.openapi import document

PREFIX = "/api/v1"
DOC_URI = "urn:alur:openapi"


def token_for(alur, username: str, name: str = "tes") -> str:
    actor = alur.authenticate(username, PASSWORD)
    _info, token = alur.create_api_token(actor, name)
    return token


def bearer(token: str | None) -> dict:
    return {"Authorization": f"Bearer {token}"} if token else {}


def documented_operations(doc: dict) -> set[tuple[str, str, str]]:
    """(path template, METHOD, status) for every response the document lists."""
    return {(path, method.upper(), status)
            for path, item in doc["paths"].items() for method, operation in item.items()
            for status in operation["responses"]}


def _template_pattern(template: str) -> re.Pattern:
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile("^" + "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts) + "$")


class ApiClient:
    def __init__(self, client, doc: dict | None = None, seen: set | None = None):
        self.client = client
        self.doc = doc or document()
        self.seen = seen if seen is not None else set()
        registry = Registry().with_resource(DOC_URI, Resource.from_contents(self.doc,
                                                                           default_specification=DRAFT202012))
        self._registry = registry
        # Literal segments first, so /tasks/{task_id} never swallows a longer literal path.
        self._templates = sorted(self.doc["paths"], key=lambda t: (t.count("{"), -len(t)))

    def operation(self, method: str, path: str) -> tuple[str, dict] | None:
        relative = path.split("?", 1)[0].removeprefix(PREFIX)
        for template in self._templates:
            if _template_pattern(template).match(relative):
                operation = self.doc["paths"][template].get(method.lower())
                return (template, operation) if operation else None
        return None

    def call(self, method: str, path: str, token: str | None = None, *, json=None, data=None,
             headers: dict | None = None, client=None):
        kwargs = {"headers": {**bearer(token), **(headers or {})}}
        if json is not None:
            kwargs["json"] = json
        if data is not None:
            kwargs["data"] = data
            kwargs["content_type"] = "application/json"
        response = (client or self.client).open(f"{PREFIX}{path}", method=method, **kwargs)
        self.check(method, path, response)
        return response

    def check(self, method: str, path: str, response) -> None:
        assert response.mimetype == "application/json", f"{method} {path}: {response.mimetype}"
        body = response.get_json()
        found = self.operation(method, f"{PREFIX}{path}")
        if found is None:  # not an operation at all: still the documented error shape
            assert response.status_code >= 400, f"{method} {path} answered {response.status_code}, undocumented"
            self._validate(body, {"$ref": f"{DOC_URI}#/components/schemas/Error"}, method, path)
            return
        template, operation = found
        status = str(response.status_code)
        assert status in operation["responses"], \
            f"{method} {path} answered {status}, not documented for {template} (body {body})"
        self.seen.add((template, method.upper(), status))
        documented = operation["responses"][status]
        if "$ref" in documented:
            documented = self._resolve(documented["$ref"])
        schema = documented["content"]["application/json"]["schema"]
        self._validate(body, schema, method, path)

    def _resolve(self, ref: str) -> dict:
        node = self.doc
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        return node

    def _validate(self, body, schema: dict, method: str, path: str) -> None:
        if "$ref" in schema and schema["$ref"].startswith("#"):
            schema = {"$ref": DOC_URI + schema["$ref"]}
        validator = Draft202012Validator(schema, registry=self._registry)
        problems = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        assert not problems, f"{method} {path}: body does not match the document: " + \
            "; ".join(f"{list(p.absolute_path)}: {p.message}" for p in problems[:5])
