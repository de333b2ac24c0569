"""The safe Python subset for conditions, timers and scripts (engine/bpmn/expressions.py),
and the run-time script engine that enforces it again (engine/bpmn/script_engine.py)."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from engine.bpmn import expressions, script_engine
from engine.bpmn.expressions import check_expression, check_script, same_expression

ALLOWED_EXPRESSIONS = [
    'keputusan == "disetujui"',
    '  keputusan == "disetujui"  ',          # eval() strips spaces and tabs
    'tujuan == "konsultasi" and not darurat',
    'tujuan in ("konsultasi", "tanya_progres")',
    'tujuan not in ["a", "b"]',
    "jumlah >= 3 or nilai < -1.5",
    "1 < umur <= 65",
    "catatan is None",
    "(a + b) * 2 - c / 4 // 1 % 3",
    'data["kunci"] == 1',
    "daftar[0] == daftar[-1]",
    "daftar[1:3]",
    "data[kunci]",
    "len(lampiran) > 0",
    "round(float(nilai), 2) >= 3.5",
    "sorted(daftar, reverse=True)",
    "any([a, b]) and all((c, d))",
    "max(1, 2) + min(3, 4) + abs(-5) + sum([1, 2])",
    'int("3") + bool(x) + len(str(y))',
    '{"a": 1, "b": [1, 2]}',
    "{1, 2, 3}",
    '"ya" if setuju else "tidak"',
    'f"{nama} ({umur})"',
    'f"{nilai:.2f}"',
    '"PT2M"',
    "True",
]

REFUSED_EXPRESSIONS = [
    # (text, code, fragment expected in the detail)
    ('__import__("os").system("id")', "expression.unsafe", "'__import__'"),
    ("().__class__.__bases__[0].__subclasses__()", "expression.unsafe", "atribut '.__class__'"),
    ("().__class__", "expression.unsafe", "atribut '.__class__'"),
    ("x.lower()", "expression.unsafe", "metode '.lower()'"),
    ('open("/etc/passwd").read()', "expression.unsafe", "fungsi 'open'"),
    ('x["a"].get("b")', "expression.unsafe", "metode '.get()'"),
    ('open("/etc/passwd")', "expression.unsafe", "fungsi 'open'"),
    ('eval("1")', "expression.unsafe", "'eval'"),
    ('exec("x=1")', "expression.unsafe", "'exec'"),
    ("getattr(x, 'y')", "expression.unsafe", "'getattr'"),
    ("globals", "expression.unsafe", "'globals'"),
    ("_rahasia", "expression.unsafe", "garis bawah"),
    ("__builtins__", "expression.unsafe", "garis bawah"),
    ("lambda: 1", "expression.unsafe", "lambda"),
    ("[x for x in daftar]", "expression.unsafe", "comprehension"),
    ("{x: 1 for x in daftar}", "expression.unsafe", "comprehension"),
    ("sum(x for x in daftar)", "expression.unsafe", "generator"),
    ("(y := 1)", "expression.unsafe", "walrus"),
    ("len(*daftar)", "expression.unsafe", "bintang"),
    ("max(**opsi)", "expression.unsafe", "'**'"),
    ("{**a}", "expression.unsafe", "'**'"),
    ("10 ** 10 ** 10", "expression.unsafe", "'**'"),
    ("1 << 100000", "expression.unsafe", "'<<'"),
    ("~x", "expression.unsafe", "'~'"),
    ("data[daftar[0]]", "expression.unsafe", "subskrip"),
    ("(lambda: 1)()", "expression.unsafe", "tidak langsung"),
    ('f"{x.__class__}"', "expression.unsafe", ".__class__"),
    ('f"{x:{y.__class__}}"', "expression.unsafe", ".__class__"),
    ("x" * 20_000, "expression.unsafe", "terlalu panjang"),
    ("a = 1", "expression.syntax", "bukan Python"),
    ("${approved}", "expression.syntax", "bukan Python"),
    ("keputusan = = 'x'", "expression.syntax", "bukan Python"),
    ("\n  keputusan == 'x'", "expression.syntax", "bukan Python"),
    ("", "expression.syntax", "bukan Python"),
]

ALLOWED_SCRIPTS = [
    'hasil = "diterima"',
    "a = b = 1",
    "skor = nilai * 2\nbatas = 10",
    'data["x"] = 1',
    "jumlah += 1",
    'if keputusan == "disetujui":\n    status = "ok"\nelif x:\n    status = "?"\nelse:\n    status = "tolak"',
    "pass",
    '"catatan: ini skrip sederhana"\nx = 1',
    'ringkasan = f"{nama}: {len(daftar)} berkas"',
]

REFUSED_SCRIPTS = [
    ("import os", "expression.unsafe", "'import'"),
    ("from os import system", "expression.unsafe", "'import'"),
    ('open("/tmp/x", "w").write("1")', "expression.unsafe", "fungsi 'open'"),
    ('berkas.write("1")', "expression.unsafe", "'.write()'"),
    ('x = open("/etc/passwd")', "expression.unsafe", "fungsi 'open'"),
    ("len(daftar)", "expression.unsafe", "bukan penugasan"),
    ("for i in daftar:\n    x = i", "expression.unsafe", "'for'"),
    ("while True:\n    pass", "expression.unsafe", "'while'"),
    ("def f():\n    return 1", "expression.unsafe", "'def'"),
    ("class K:\n    pass", "expression.unsafe", "'class'"),
    ("del x", "expression.unsafe", "'del'"),
    ("try:\n    x = 1\nexcept Exception:\n    pass", "expression.unsafe", "'try'"),
    ("with a as b:\n    pass", "expression.unsafe", "'with'"),
    ("global x", "expression.unsafe", "'global'"),
    ("a, b = 1, 2", "expression.unsafe", "beberapa nama"),
    ("x.y = 1", "expression.unsafe", "atribut '.y'"),
    ("__builtins__ = {}", "expression.unsafe", "garis bawah"),
    ("x: int = 1", "expression.unsafe", "anotasi"),
    ("x **= 2", "expression.unsafe", "'**='"),
    ('if x:\n    import os', "expression.unsafe", "'import'"),
    ("x = (lambda: 1)", "expression.unsafe", "lambda"),
    ("raise SystemExit", "expression.unsafe", "'raise'"),
    ("x = = 1", "expression.syntax", "bukan Python"),
    ("  x = 1", "expression.syntax", "bukan Python"),
]


@pytest.mark.parametrize("text", ALLOWED_EXPRESSIONS)
def test_allowed_expressions(text):
    assert check_expression(text) is None


@pytest.mark.parametrize(("text", "code", "fragment"), REFUSED_EXPRESSIONS)
def test_refused_expressions(text, code, fragment):
    issue = check_expression(text)
    assert issue is not None and issue.code == code
    assert fragment in issue.detail and "\n" not in issue.detail


@pytest.mark.parametrize("text", ALLOWED_SCRIPTS)
def test_allowed_scripts(text):
    assert check_script(text) is None


@pytest.mark.parametrize(("text", "code", "fragment"), REFUSED_SCRIPTS)
def test_refused_scripts(text, code, fragment):
    issue = check_script(text)
    assert issue is not None and issue.code == code
    assert fragment in issue.detail and "\n" not in issue.detail


def test_same_expression_compares_syntax_not_spacing():
    assert same_expression('a=="x"', ' a == "x"')
    assert not same_expression('a == "x"', 'a == "y"')
    assert not same_expression("a ==", "a ==")


def test_whitelist_is_exactly_the_documented_functions():
    assert set(expressions.SAFE_FUNCTIONS) == {
        "len", "str", "int", "float", "bool", "min", "max", "abs", "round", "sum", "any", "all", "sorted"}


# ------------------------------------------------------------------ run-time engine
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "bpmn" / "valid_minimal.bpmn"


@pytest.fixture()
def engine_and_task():
    from SpiffWorkflow.bpmn import BpmnWorkflow

    from engine.bpmn import inspect_definition, make_script_engine

    inspected = inspect_definition(FIXTURE.read_bytes(), form_keys={"periksa_berkas", "keputusan"},
                                   lane_roles={"upp_kementerian", "sesdep"})
    engine = make_script_engine()
    workflow = BpmnWorkflow(inspected.spec, inspected.subprocess_specs, script_engine=engine)
    workflow.do_engine_steps()
    task = workflow.get_next_task(spec_name="Task_01_Periksa")
    task.data.update({"keputusan": "disetujui", "daftar": [3, 1, 2]})
    return engine, task


def test_engine_evaluates_safe_conditions(engine_and_task):
    engine, task = engine_and_task
    assert engine.evaluate(task, 'keputusan == "disetujui"') is True
    assert engine.evaluate(task, "sorted(daftar)[0] + len(daftar)") == 4


@pytest.mark.parametrize("text", [
    'open("/etc/passwd")',
    'open("/etc/passwd").read()',
    '__import__("os").system("true")',
    "().__class__.__bases__[0].__subclasses__()",
])
def test_engine_refuses_unsafe_expressions(engine_and_task, text):
    from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

    engine, task = engine_and_task
    with pytest.raises(WorkflowTaskException):
        engine.evaluate(task, text)


def test_engine_without_ast_check_still_has_no_builtins(engine_and_task, monkeypatch):
    """Second layer alone: even a text that slipped past the AST check finds no open/__import__."""
    engine, task = engine_and_task
    monkeypatch.setattr(script_engine, "_expression_issue", lambda text: None)
    monkeypatch.setattr(script_engine, "_script_issue", lambda text: None)
    env = engine.environment
    with pytest.raises(NameError):
        env.evaluate('open("/etc/passwd")', dict(task.data))
    marker = Path(f"/tmp/pwned-{uuid.uuid4().hex}")
    with pytest.raises(ImportError):
        env.execute(f'import os\nos.system("touch {marker}")', {})
    assert not marker.exists()
    assert env.evaluate("len(daftar)", dict(task.data)) == 3


def test_engine_scripts_update_task_data_and_leave_no_globals(engine_and_task):
    engine, task = engine_and_task
    engine.execute(task, 'hasil = "diterima" if keputusan == "disetujui" else "ditolak"\njumlah = len(daftar)')
    assert task.data["hasil"] == "diterima" and task.data["jumlah"] == 3
    assert "__builtins__" not in task.data and "len" not in task.data


def test_engine_ignores_dunder_keys_in_task_data(engine_and_task, monkeypatch):
    engine, _ = engine_and_task
    monkeypatch.setattr(script_engine, "_expression_issue", lambda text: None)
    data = {"__builtins__": {"open": open}, "keputusan": "x"}
    with pytest.raises(NameError):  # task data cannot smuggle builtins back in
        engine.environment.evaluate('open("/etc/passwd")', data)
    assert engine.environment.evaluate('keputusan == "x"', data) is True
    with pytest.raises(ValueError):  # SpiffWorkflow's overwrite guard refuses task data named __builtins__
        engine.environment.execute("z = 1", data)


def test_engine_whitelist_cannot_be_tampered_with_between_calls(engine_and_task, monkeypatch):
    engine, _ = engine_and_task
    monkeypatch.setattr(script_engine, "_script_issue", lambda text: None)
    context: dict = {}
    engine.environment.execute('__builtins__["len"] = 7', context)
    assert engine.environment.evaluate("len([1, 2])", {}) == 2
