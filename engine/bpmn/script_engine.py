"""The run-time script engine: defence in depth behind the deploy-time AST checks.

SpiffWorkflow 3.2.0's ``TaskDataEnvironment`` runs ``eval(expression, globals)`` and
``exec(script, task.data)`` with the real builtins. Ours:

* gives no builtins except the whitelist in :data:`expressions.SAFE_FUNCTIONS`
  (``{"__builtins__": {...whitelist}}``, a fresh dict on every call so a script cannot
  tamper with the one the next evaluation sees);
* re-checks each text against the same safe subset before running it (results cached),
  so a definition that bypassed the deploy check still cannot run ``open`` or reach
  ``().__class__``;
* never lets task data provide dunder names such as ``__builtins__``.

A refused or failing text raises, and SpiffWorkflow turns that into a
``WorkflowTaskException`` (the task goes to ERROR), exactly as with any failing condition.
"""
from __future__ import annotations

from functools import lru_cache

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from .expressions import SAFE_FUNCTIONS, check_expression, check_script


class UnsafeExpressionError(ValueError):
    """A condition or script outside the safe subset reached the run-time engine."""


@lru_cache(maxsize=1024)
def _expression_issue(text: str) -> str | None:
    issue = check_expression(text)
    return None if issue is None else issue.detail


@lru_cache(maxsize=1024)
def _script_issue(text: str) -> str | None:
    issue = check_script(text)
    return None if issue is None else issue.detail


def _fresh_globals() -> dict:
    return {"__builtins__": dict(SAFE_FUNCTIONS)}


def _public(mapping) -> dict:
    return {k: v for k, v in (mapping or {}).items() if not (isinstance(k, str) and k.startswith("__"))}


class SafeTaskDataEnvironment(TaskDataEnvironment):
    """A ``TaskDataEnvironment`` with whitelisted builtins and a run-time AST check."""

    def __init__(self) -> None:
        super().__init__(_fresh_globals())

    def evaluate(self, expression, context, external_context=None):
        if not isinstance(expression, str):
            raise UnsafeExpressionError("ekspresi harus berupa teks")
        detail = _expression_issue(expression)
        if detail is not None:
            raise UnsafeExpressionError(f"ekspresi ditolak: {detail}")
        scope = _fresh_globals()
        scope.update(_public(external_context))
        scope.update(_public(context))
        return eval(expression, scope)  # noqa: S307 - checked subset, no builtins

    def execute(self, script, context, external_context=None):
        if not isinstance(script, str):
            raise UnsafeExpressionError("skrip harus berupa teks")
        detail = _script_issue(script)
        if detail is not None:
            raise UnsafeExpressionError(f"skrip ditolak: {detail}")
        external_context = _public(external_context)
        self.check_for_overwrite(context, external_context)  # refuses task data named __builtins__
        context.update(external_context)
        context.update(_fresh_globals())
        try:
            exec(script, context)  # noqa: S102 - checked subset, no builtins
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        return True


def make_script_engine() -> PythonScriptEngine:
    """The engine to pass as ``BpmnWorkflow(spec, subprocesses, script_engine=...)``."""
    return PythonScriptEngine(environment=SafeTaskDataEnvironment())
