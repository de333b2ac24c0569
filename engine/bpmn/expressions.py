"""A small, safe subset of Python for BPMN conditions, timer expressions and scripts.

SpiffWorkflow evaluates these texts with plain ``eval``/``exec``. At deploy time every
one of them is parsed to an AST and checked against a whitelist:

* expressions (conditions, timers, ...): constants, names not starting with ``_``,
  comparisons (also ``in``/``not in``/``is``), ``and``/``or``/``not``, unary and binary
  arithmetic (``+ - * / // %``), ``x if c else y``, subscripts with a simple key,
  list/tuple/dict/set literals, f-strings made of the same, and calls to the functions
  in :data:`SAFE_FUNCTIONS` only;
* scripts: a sequence of assignments (``name = expr``, ``name[key] = expr``,
  ``name += expr``), ``if``/``elif``/``else`` blocks and ``pass``.

Everything else is refused: attribute access (which closes the ``().__class__``
escape), lambdas, comprehensions, imports, loops, ``**``, starred arguments, the walrus.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

SAFE_FUNCTIONS = {
    "len": len, "str": str, "int": int, "float": float, "bool": bool,
    "min": min, "max": max, "abs": abs, "round": round, "sum": sum,
    "any": any, "all": all, "sorted": sorted,
}
# Names that are refused even when not called (clearer message than a NameError later).
FORBIDDEN_NAMES = frozenset({
    "eval", "exec", "open", "compile", "globals", "locals", "vars", "getattr", "setattr",
    "delattr", "breakpoint", "exit", "quit",
})
MAX_CHARS = 10_000
MAX_NODES = 2_000

_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%"}
_REFUSED_BINOPS = {ast.Pow: "**", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|",
                   ast.BitAnd: "&", ast.BitXor: "^", ast.MatMult: "@"}
_UNARYOPS = (ast.Not, ast.USub, ast.UAdd)

_CONSTRUCTS = {
    ast.Lambda: "ekspresi lambda",
    ast.ListComp: "comprehension ('for' di dalam ekspresi)",
    ast.SetComp: "comprehension ('for' di dalam ekspresi)",
    ast.DictComp: "comprehension ('for' di dalam ekspresi)",
    ast.GeneratorExp: "generator ('for' di dalam ekspresi)",
    ast.NamedExpr: "operator walrus ':='",
    ast.Starred: "operator bintang '*'",
    ast.Await: "'await'",
    ast.Yield: "'yield'",
    ast.YieldFrom: "'yield from'",
    ast.Import: "'import'",
    ast.ImportFrom: "'import'",
    ast.FunctionDef: "definisi fungsi 'def'",
    ast.AsyncFunctionDef: "definisi fungsi 'async def'",
    ast.ClassDef: "definisi kelas 'class'",
    ast.For: "perulangan 'for'",
    ast.AsyncFor: "perulangan 'for'",
    ast.While: "perulangan 'while'",
    ast.With: "blok 'with'",
    ast.AsyncWith: "blok 'with'",
    ast.Try: "blok 'try'",
    ast.Raise: "'raise'",
    ast.Assert: "'assert'",
    ast.Delete: "'del'",
    ast.Global: "'global'",
    ast.Nonlocal: "'nonlocal'",
    ast.Return: "'return'",
    ast.AnnAssign: "penugasan dengan anotasi tipe",
    ast.Match: "blok 'match'",
    ast.Break: "'break'",
    ast.Continue: "'continue'",
}


@dataclass(frozen=True)
class ExpressionIssue:
    code: str        # "expression.unsafe" or "expression.syntax"
    detail: str      # Indonesian fragment, e.g. "pemanggilan fungsi 'open' yang tidak diizinkan"
    line: int | None = None


class _Refused(Exception):
    def __init__(self, detail: str, node: ast.AST | None = None):
        super().__init__(detail)
        self.detail = detail
        self.line = getattr(node, "lineno", None)


def _refuse(what: str, node: ast.AST) -> _Refused:
    return _Refused(f"memakai {what} yang tidak diizinkan", node)


def _describe(node: ast.AST) -> str:
    return _CONSTRUCTS.get(type(node), f"konstruksi Python '{type(node).__name__}'")


def _check_name(name: str, node: ast.AST) -> None:
    if name.startswith("_"):
        raise _refuse(f"nama '{name}' (diawali garis bawah)", node)
    if name in FORBIDDEN_NAMES:
        raise _refuse(f"nama '{name}'", node)


def _check_key(node: ast.AST) -> None:
    """Subscript keys: a constant, a plain name, -constant, or a slice of those."""
    if isinstance(node, ast.Slice):
        for part in (node.lower, node.upper, node.step):
            if part is not None:
                _check_key(part)
        return
    if isinstance(node, ast.Constant):
        return
    if isinstance(node, ast.Name):
        _check_name(node.id, node)
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)) \
            and isinstance(node.operand, ast.Constant):
        return
    raise _refuse("kunci subskrip yang rumit (gunakan konstanta atau nama variabel)", node)


def _check_expr(node: ast.AST) -> None:  # noqa: C901 - a flat whitelist reads best
    if isinstance(node, ast.Constant):
        return
    if isinstance(node, ast.Name):
        _check_name(node.id, node)
        return
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            _check_expr(value)
        return
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, _UNARYOPS):
            raise _refuse("operator '~'", node)
        _check_expr(node.operand)
        return
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINOPS:
            raise _refuse(f"operator '{_REFUSED_BINOPS.get(type(node.op), '?')}'", node)
        _check_expr(node.left)
        _check_expr(node.right)
        return
    if isinstance(node, ast.Compare):
        _check_expr(node.left)
        for comparator in node.comparators:
            _check_expr(comparator)
        return
    if isinstance(node, ast.IfExp):
        for part in (node.test, node.body, node.orelse):
            _check_expr(part)
        return
    if isinstance(node, ast.Subscript):
        _check_expr(node.value)
        _check_key(node.slice)
        return
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        for elt in node.elts:
            _check_expr(elt)
        return
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            if key is None:
                raise _refuse("operator '**' di dalam dict", node)
            _check_expr(key)
            _check_expr(value)
        return
    if isinstance(node, ast.Call):
        _check_call(node)
        return
    if isinstance(node, ast.JoinedStr):
        for value in node.values:
            _check_expr(value)
        return
    if isinstance(node, ast.FormattedValue):
        _check_expr(node.value)
        if node.format_spec is not None:
            _check_expr(node.format_spec)
        return
    if isinstance(node, ast.Attribute):
        _check_expr(node.value)  # report the innermost offence first: "().__class__" before ".__bases__"
        raise _refuse(f"akses atribut '.{node.attr}'", node)
    raise _refuse(_describe(node), node)


def _check_call(node: ast.Call) -> None:
    func = node.func
    if isinstance(func, ast.Name):
        if func.id not in SAFE_FUNCTIONS:
            raise _refuse(f"pemanggilan fungsi '{func.id}'", node)
    elif isinstance(func, ast.Attribute):
        _check_expr(func.value)
        raise _refuse(f"pemanggilan metode '.{func.attr}()'", node)
    else:
        raise _refuse("pemanggilan fungsi tidak langsung", node)
    for arg in node.args:
        _check_expr(arg)
    for keyword in node.keywords:
        if keyword.arg is None:
            raise _refuse("operator '**' pada argumen", node)
        _check_expr(keyword.value)


def _check_target(node: ast.AST) -> None:
    if isinstance(node, ast.Name):
        _check_name(node.id, node)
        return
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        _check_name(node.value.id, node.value)
        _check_key(node.slice)
        return
    if isinstance(node, (ast.Tuple, ast.List)):
        raise _refuse("penugasan ke beberapa nama sekaligus", node)
    if isinstance(node, ast.Attribute):
        raise _refuse(f"akses atribut '.{node.attr}'", node)
    raise _refuse(f"target penugasan '{type(node).__name__}'", node)


def _check_statement(node: ast.stmt) -> None:
    if isinstance(node, ast.Assign):
        for target in node.targets:
            _check_target(target)
        _check_expr(node.value)
        return
    if isinstance(node, ast.AugAssign):
        if type(node.op) not in _BINOPS:
            raise _refuse(f"operator '{_REFUSED_BINOPS.get(type(node.op), '?')}='", node)
        _check_target(node.target)
        _check_expr(node.value)
        return
    if isinstance(node, ast.If):
        _check_expr(node.test)
        for statement in [*node.body, *node.orelse]:
            _check_statement(statement)
        return
    if isinstance(node, ast.Pass):
        return
    if isinstance(node, ast.Expr):
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return  # a docstring-like note
        _check_expr(node.value)  # report an unsafe construct first, if any
        raise _Refused("memuat pernyataan yang bukan penugasan atau 'if'; "
                       "skrip hanya boleh berisi penugasan dan 'if'", node)
    raise _refuse(_describe(node), node)


def _parse(text: str, mode: str) -> ast.AST | ExpressionIssue:
    if len(text) > MAX_CHARS:
        return ExpressionIssue("expression.unsafe", f"terlalu panjang ({len(text)} karakter, maksimum {MAX_CHARS})")
    source = text.strip(" \t") if mode == "eval" else text  # eval() strips spaces/tabs itself
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        reason = (exc.msg or "sintaks tidak valid").splitlines()[0]
        return ExpressionIssue("expression.syntax", f"bukan Python yang valid ({reason}, baris {exc.lineno})",
                               exc.lineno)
    except (ValueError, RecursionError, MemoryError) as exc:
        return ExpressionIssue("expression.syntax", f"tidak dapat dibaca ({type(exc).__name__})")
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        return ExpressionIssue("expression.unsafe", f"terlalu rumit (lebih dari {MAX_NODES} simpul sintaks)")
    return tree


def check_expression(text: str) -> ExpressionIssue | None:
    """Return ``None`` when ``text`` is a safe single expression, else the first issue."""
    tree = _parse(text, "eval")
    if isinstance(tree, ExpressionIssue):
        return tree
    try:
        _check_expr(tree.body)
    except _Refused as refused:
        return ExpressionIssue("expression.unsafe", refused.detail, refused.line)
    except RecursionError:
        return ExpressionIssue("expression.unsafe", "terlalu dalam bersarang")
    return None


def check_script(text: str) -> ExpressionIssue | None:
    """Return ``None`` when ``text`` is a safe script (assignments and ifs), else the first issue."""
    tree = _parse(text, "exec")
    if isinstance(tree, ExpressionIssue):
        return tree
    try:
        for statement in tree.body:
            _check_statement(statement)
    except _Refused as refused:
        return ExpressionIssue("expression.unsafe", refused.detail, refused.line)
    except RecursionError:
        return ExpressionIssue("expression.unsafe", "terlalu dalam bersarang")
    return None


def same_expression(a: str, b: str) -> bool:
    """True when two condition texts have the same AST (used for duplicate branch checks)."""
    try:
        return ast.dump(ast.parse(a.strip(" \t"), mode="eval")) == ast.dump(ast.parse(b.strip(" \t"), mode="eval"))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
