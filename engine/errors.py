"""What a use case can refuse with. Each carries a message fit to show a user (Indonesian) and
a stable code for programs; the web maps them to HTTP statuses, the CLI to exit codes."""
from __future__ import annotations


class AlurError(Exception):
    code = "error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(AlurError):
    code = "not_found"


class Forbidden(AlurError):
    code = "forbidden"


class Conflict(AlurError):
    """Someone else changed the same case first; nothing was written. Reload and try again."""
    code = "conflict"


class InvalidData(AlurError):
    code = "invalid_data"

    def __init__(self, errors: dict[str, str], message: str = "Data formulir tidak valid."):
        super().__init__(message)
        self.errors = dict(errors)


class Rejected(AlurError):
    """A BPMN definition failed the deploy checks: every problem, one line each."""
    code = "definition_rejected"

    def __init__(self, problems):
        self.problems = list(problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"Definisi proses ditolak ({len(self.problems)} masalah):\n{lines}")


class EngineFailure(AlurError):
    """The workflow engine itself failed (a condition raised at run time, say). Recorded as an
    error event; the case keeps its last good state."""
    code = "engine_error"


def describe_error(error: BaseException) -> str:
    """One line for the audit log: the kind of failure and the engine's words, no task data."""
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}"[:500]


class LoginRefused(AlurError):
    """Wrong username or password, an inactive account, or one locked after repeated failures.
    The message never says which of username or password was wrong."""
    code = "login_refused"

    def __init__(self, message: str, locked_until=None):
        super().__init__(message)
        self.locked_until = locked_until


class PasswordPolicy(AlurError):
    code = "password_policy"

    def __init__(self, problems: list[str]):
        super().__init__("Kata sandi tidak memenuhi kebijakan: " + "; ".join(problems))
        self.problems = list(problems)
