"""The inbox's status filters and search, on SQLite and PostgreSQL, and the plan of its query on
a database with 100,000 cases: it must start from the ready rows, whatever the filters."""
from __future__ import annotations

import pytest
from sqlalchemy.dialects import sqlite

from tests.conftest import SESDEP, UPP_KEMENTERIAN, UPP_UNIT_KERJA, make_alur
from engine.case import Actor
from engine.errors import InvalidData
from engine.repositories import Tasks
from engine.services.tasks import search_terms
from engine.tickets import ALPHABET
from tests.sop_data import screening

CITRA = Actor("citra", frozenset({"upp_unit_kerja"}))


@pytest.fixture
def three_cases(alur):
    """Three cases at step 2 (UPP Unit Kerja): one claimed by budi, one by citra, one free."""
    started = [alur.start("pelayanan_pengaduan", UPP_KEMENTERIAN, first_task_data=screening(nama=name))
               for name in ("Budi Santoso", "Siti Aminah", "Rudi Hartono")]
    mine, others, free = (s.ready[0] for s in started)
    alur.claim(UPP_UNIT_KERJA, mine.id)
    alur.claim(CITRA, others.id)
    return alur, started, mine, others, free


def ids(items):
    return [item.id for item in items]


def test_status_filters(three_cases):
    alur, _, mine, others, free = three_cases
    assert ids(alur.inbox(UPP_UNIT_KERJA)) == [mine.id, others.id, free.id]  # oldest first
    assert ids(alur.inbox(UPP_UNIT_KERJA, status="unclaimed")) == [free.id]
    assert ids(alur.inbox(UPP_UNIT_KERJA, status="mine")) == [mine.id]
    assert ids(alur.inbox(UPP_UNIT_KERJA, status="others")) == [others.id]
    assert ids(alur.inbox(CITRA, status="others")) == [mine.id]
    assert ids(alur.inbox(UPP_UNIT_KERJA, mine_only=True)) == [mine.id, free.id]  # its old meaning
    assert alur.inbox(UPP_UNIT_KERJA, mine_only=True, status="others") == []
    assert alur.inbox(SESDEP) == [] and alur.inbox(SESDEP, status="unclaimed") == []
    assert ids(alur.inbox(UPP_UNIT_KERJA, status="unclaimed", sop_step=2)) == [free.id]
    assert alur.inbox(UPP_UNIT_KERJA, sop_step=3) == []


def test_an_unknown_status_is_invalid(three_cases):
    alur = three_cases[0]
    with pytest.raises(InvalidData) as refused:
        alur.inbox(UPP_UNIT_KERJA, status="semua")
    assert "status" in refused.value.errors


def test_search_by_ticket_code_as_people_type_it(three_cases):
    alur, started, mine, others, free = three_cases
    code = started[1].ticket_code
    for typed in (code, code.replace("-", ""), code.lower(), code.replace("-", "").lower(), f"  {code[3:8]} ",
                  code[:7].lower()):
        assert ids(alur.inbox(UPP_UNIT_KERJA, search=typed)) == [others.id], typed
    assert ids(alur.inbox(UPP_UNIT_KERJA, search=code, status="mine")) == []


def test_search_by_part_of_the_name(three_cases):
    alur, _, mine, others, free = three_cases
    assert ids(alur.inbox(UPP_UNIT_KERJA, search="aminah")) == [others.id]
    assert ids(alur.inbox(UPP_UNIT_KERJA, search="SITI am")) == [others.id]
    assert ids(alur.inbox(UPP_UNIT_KERJA, search="udi")) == [mine.id, free.id]  # Budi, Rudi
    assert ids(alur.inbox(UPP_UNIT_KERJA, search="udi", status="unclaimed")) == [free.id]
    assert alur.inbox(UPP_UNIT_KERJA, search="Tidak Ada") == []
    assert alur.inbox(UPP_UNIT_KERJA, search="%") == []  # LIKE wildcards are taken literally
    assert alur.inbox(UPP_UNIT_KERJA, search="_") == []
    assert len(alur.inbox(UPP_UNIT_KERJA, search="   ")) == 3  # blank: no search


def test_pages_and_totals(three_cases):
    alur, _, mine, others, free = three_cases
    everything = ids(alur.inbox(UPP_UNIT_KERJA))
    pages = [alur.inbox_page(UPP_UNIT_KERJA, limit=2, offset=offset) for offset in (0, 2, 4)]
    assert [ids(p.items) for p in pages] == [everything[:2], everything[2:], []]
    assert [(p.total, p.offset, p.limit) for p in pages] == [(3, 0, 2), (3, 2, 2), (3, 4, 2)]
    assert ids(alur.inbox(UPP_UNIT_KERJA, limit=1, offset=1)) == everything[1:2]
    assert alur.inbox_page(UPP_UNIT_KERJA, limit=50).total == 3  # a short first page: no count needed
    unclaimed = alur.inbox_page(UPP_UNIT_KERJA, status="unclaimed", limit=1, offset=1)
    assert unclaimed.items == [] and unclaimed.total == 1
    assert alur.inbox_page(UPP_UNIT_KERJA, search="udi", limit=1).total == 2  # Budi, Rudi
    assert alur.inbox_page(UPP_UNIT_KERJA, mine_only=True, sop_step=2, limit=1).total == 2
    assert alur.inbox_page(SESDEP, limit=1).total == 0
    assert alur.inbox_page(Actor("nobody", frozenset()), limit=1).total == 0
    negative = alur.inbox_page(UPP_UNIT_KERJA, limit=-1, offset=-5)  # not SQLite's "no limit"
    assert negative.items == [] and (negative.offset, negative.limit, negative.total) == (0, 0, 3)


def test_search_terms_clean_a_code_like_normalise_ticket_code():
    assert search_terms(None) is None and search_terms("  ") is None
    assert search_terms(" abc  de-fg ") == ("ABCDEFG", "abc de-fg")
    assert search_terms("Siti") == ("", "Siti")  # an I (or 0, 1, O, L) is in no code


# -- the plan on 100,000 cases (SQLite; PostgreSQL's was checked by hand, see the report) ----------
CASES = 100_000


def _code(number: int) -> str:
    symbols = ""
    for _ in range(10):
        symbols, number = symbols + ALPHABET[number % len(ALPHABET)], number // len(ALPHABET)
    return f"{symbols[:5]}-{symbols[5:]}"


def _code_sql(n: str) -> str:
    """_code(n) as an SQL expression, so the rows can be made by the database in a second."""
    symbols = [f"substr('{ALPHABET}', (({n} / {len(ALPHABET) ** k}) % {len(ALPHABET)}) + 1, 1)" for k in range(10)]
    return " || ".join(symbols[:5] + ["'-'"] + symbols[5:])


@pytest.fixture(scope="module")
def crowded(tmp_path_factory):
    """100,000 cases: 98% completed (four completed tasks each, enough to crowd the index),
    2% waiting at step 2."""
    alur = make_alur(f"sqlite:///{tmp_path_factory.mktemp('crowded') / 'alur.sqlite3'}")
    alur.deploy_shipped()
    with alur.ctx.db.begin() as connection:
        connection.exec_driver_sql(f"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {CASES})
            INSERT INTO instance (id, definition_id, ticket_code, status, display_name, state_json, revision,
                                  event_seq, event_head, started_by, started_at, updated_at)
            SELECT i, 1, {_code_sql("i")}, CASE WHEN i % 50 = 0 THEN 'running' ELSE 'completed' END,
                   'Tamu ' || i, '{{}}', 1, 0, '-', 'ani', '2026-01-01 00:00:00', '2026-01-01 00:00:00' FROM n""")
        connection.exec_driver_sql("""
            WITH RECURSIVE step(s) AS (SELECT 1 UNION ALL SELECT s + 1 FROM step WHERE s < 4)
            INSERT INTO human_task (id, instance_id, bpmn_id, name, lane_id, role, sop_step, form_key, state,
                                    created_at, due_at)
            SELECT instance.id || '-' || s, instance.id, 'T', 'T', 'L',
                   CASE s % 3 WHEN 2 THEN 'upp_unit_kerja' WHEN 1 THEN 'upp_kementerian' ELSE 'sesdep' END, s, 'f',
                   CASE WHEN status = 'running' AND s = 2 THEN 'ready' ELSE 'completed' END,
                   datetime('2026-01-01', '+' || (10 * instance.id + s) || ' seconds'), '2026-01-01 00:00:00'
            FROM instance JOIN step ON status = 'completed' OR s <= 2""")
    yield alur
    alur.close()


FILTERS = [dict(), dict(status="unclaimed"), dict(status="mine"), dict(status="others"), dict(mine_only=True),
           dict(search="tamu 4"), dict(search="22222-2", status="unclaimed", sop_step=2)]


def _plans(alur) -> list[list[str]]:
    plans = []
    with alur.ctx.db.connect() as connection:
        for filters in FILTERS:
            filters = dict(filters)
            query = Tasks.inbox_query(["upp_kementerian", "upp_unit_kerja"], "budi",
                                      include_others_claims=not filters.pop("mine_only", False),
                                      search=search_terms(filters.pop("search", None)), **filters)
            sql = str(query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
            plans.append([row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")])
    return plans


def test_the_inbox_plan_starts_from_the_ready_rows_of_100000_cases(crowded):
    with crowded.ctx.db.connect() as connection:
        assert connection.exec_driver_sql("select count(*) from instance").scalar() == CASES
    fresh = _plans(crowded)
    with crowded.ctx.db.begin() as connection:  # with statistics, SQLite once chose a Bloom filter
        connection.exec_driver_sql("ANALYZE")   # over every case for the search: an operator may run it
    for plan in fresh + _plans(crowded):
        assert plan[0].startswith("SEARCH human_task USING INDEX ix_human_task_role_state_created"), plan
        assert all(step.startswith(("SEARCH", "USE TEMP B-TREE FOR ORDER BY", "CORRELATED SCALAR SUBQUERY"))
                   for step in plan), plan  # no SCAN, no BLOOM FILTER: cases only by primary key


def test_the_crowded_inbox_answers(crowded):
    assert len(crowded.inbox(UPP_UNIT_KERJA)) == 200
    assert len(crowded.inbox(UPP_UNIT_KERJA, search="tamu 4")) == 200
    assert [t.display_name for t in crowded.inbox(UPP_UNIT_KERJA, search="TAMU 42550")] == ["Tamu 42550"]
    found = crowded.inbox(UPP_UNIT_KERJA, search=_code(50).replace("-", "").lower())
    assert [t.ticket_code for t in found] == [_code(50)]


def test_the_inbox_reads_no_drafts():
    """Drafts can be 64 KB each: a list of 200 tasks must not carry them."""
    sql = str(Tasks.inbox_query(["sesdep"], "x").compile(dialect=sqlite.dialect()))
    assert "draft_json" not in sql
