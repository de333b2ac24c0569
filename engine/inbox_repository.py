"""The inbox's SQL: open tasks of some roles, oldest first, a page at a time, and how many there are.

Every staff page load and every poll of the inbox runs it, so the statements are built once per
shape of filter (how many roles, which status, with a step, with a search) with bound parameters,
and kept; on SQLite they run straight on the sqlite3 connection (engine/db/prepared.py). The rows
carry exactly a TaskItem's fields, in its order, so the service makes items without a lookup by name.
"""
from __future__ import annotations

import threading

from sqlalchemy import Integer, String, bindparam, false, func, or_, select
from sqlalchemy.engine import Connection

from engine.db.prepared import PreparedSelect
from engine.db.tables import human_task, instance

INBOX_STATUSES = frozenset({"unclaimed", "mine", "others"})
_SEARCHED = instance.alias("searched")
_t = human_task.c
# A TaskItem's fields, in its order. Not draft_json: up to 64 KB each, not for lists.
ITEM_COLUMNS = [_t.id, _t.instance_id, instance.c.ticket_code, instance.c.display_name, _t.bpmn_id, _t.name,
                _t.lane_id, _t.role, _t.sop_step, _t.form_key, _t.state, _t.claimed_by, _t.created_at, _t.due_at,
                _t.completed_at, _t.completed_by]
UTC_POSITIONS = (12, 13, 14)  # created_at, due_at, completed_at in ITEM_COLUMNS
_UTC_COLUMNS = ("created_at", "due_at", "completed_at")

_statements: dict[tuple, tuple[PreparedSelect, PreparedSelect]] = {}
_lock = threading.Lock()


def shape(roles: list[str], *, include_others_claims: bool, sop_step: int | None, status: str | None,
          search: tuple[str, str] | None) -> tuple:
    if status is not None and status not in INBOX_STATUSES:
        raise ValueError(f"unknown inbox status {status!r}")
    searched = None if search is None else (bool(search[0]), bool(search[1]))
    return len(roles), include_others_claims, status, sop_step is not None, searched


def params(roles: list[str], user: str, sop_step: int | None, search: tuple[str, str] | None) -> dict:
    values = {f"b_role{n}": role for n, role in enumerate(roles)}
    values.update(b_user=user, b_step=sop_step)
    if search is not None:
        code_part, name_part = search
        values.update(b_code=f"%{_escape_like(code_part)}%", b_name=f"%{_escape_like(name_part)}%")
    return values


def statements(key: tuple) -> tuple[PreparedSelect, PreparedSelect]:
    """(the page's SELECT, its COUNT) for one shape of filter, built on first use."""
    found = _statements.get(key)
    if found is None:
        where = _conditions(*key)
        page = (select(*ITEM_COLUMNS).join(instance, instance.c.id == _t.instance_id).where(*where)
                # A completion opens one task at most (no parallel steps in the SOP): tasks do not
                # tie on created_at, so two pages never show one task twice or skip one.
                .order_by(_t.created_at)
                .limit(bindparam("b_limit", type_=Integer)).offset(bindparam("b_offset", type_=Integer)))
        count = select(func.count()).select_from(human_task).where(*where)
        found = (PreparedSelect(page, utc_columns=_UTC_COLUMNS), PreparedSelect(count))
        with _lock:
            found = _statements.setdefault(key, found)
    return found


def page(c: Connection, key: tuple, values: dict, limit: int, offset: int) -> list:
    return statements(key)[0].all(c, {**values, "b_limit": limit, "b_offset": offset})


def count(c: Connection, key: tuple, values: dict) -> int:
    return statements(key)[1].first(c, values)[0]


def _conditions(roles: int, include_others_claims: bool, status: str | None, with_step: bool,
                searched: tuple[bool, bool] | None) -> list:
    """The WHERE of one shape. The plan must start from the ready rows (index
    ix_human_task_role_state_created) and reach each case by primary key, so its cost follows the
    open tasks, not every case ever opened (tests/integration/test_inbox_filters.py)."""
    user = bindparam("b_user", type_=String)
    where = [_t.state == "ready", _t.role.in_([bindparam(f"b_role{n}", type_=String) for n in range(roles)])]
    if not include_others_claims:
        where.append(or_(_t.claimed_by.is_(None), _t.claimed_by == user))
    if status == "unclaimed":
        where.append(_t.claimed_by.is_(None))
    elif status == "mine":
        where.append(_t.claimed_by == user)
    elif status == "others":
        where += [_t.claimed_by.is_not(None), _t.claimed_by != user]
    if with_step:
        where.append(_t.sop_step == bindparam("b_step", type_=Integer))
    if searched is not None:
        where.append(_case_matches(*searched))
    return where


def _case_matches(by_code: bool, by_name: bool):
    """True when the task's case has the code part in its ticket code (compared without the dash;
    codes are stored upper case) or the name part in its display name, ignoring case (ILIKE on
    PostgreSQL, lower() on both sides on SQLite).

    A plain join with the search on `instance` lets the planners start from the other end once
    they have statistics: PostgreSQL underestimates a leading-wildcard LIKE and scans every
    case; SQLite after ANALYZE builds a Bloom filter over every case. A correlated scalar
    subquery is never flattened into the join by either, so the search stays a per-row check."""
    matches = [_SEARCHED.c.display_name.ilike(bindparam("b_name", type_=String), escape="/")] if by_name else []
    if by_code:
        code = func.replace(_SEARCHED.c.ticket_code, "-", "")
        matches.append(code.like(bindparam("b_code", type_=String), escape="/"))
    if not matches:
        return false()
    return select(or_(*matches)).where(_SEARCHED.c.id == _t.instance_id).scalar_subquery()


def _escape_like(text: str) -> str:
    """What the user typed, matched literally: % and _ are not wildcards to them."""
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")
