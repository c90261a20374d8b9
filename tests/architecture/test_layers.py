"""The layering rules of issue 16, read from the source (ast), so they stay true.

- No file under govern/ is longer than MAX_LINES.
- exports/ never imports services/: both read what they share from domain/ or queries.
- No import cycles between govern's modules at import time (module-level imports).
- Services flush, never commit: the caller owns the transaction.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "govern"
MAX_LINES = 450


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of govern by dotted name."""
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


@cache
def tree(name: str) -> ast.Module:
    return ast.parse(modules()[name].read_text(encoding="utf-8"), filename=str(modules()[name]))


def _in(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def _owner(dotted: str) -> str | None:
    """The govern module that defines `dotted` (a module, or a name inside one)."""
    while dotted and dotted not in modules():
        dotted = dotted.rpartition(".")[0]
    return dotted or None


def _is_type_checking(node: ast.If) -> bool:
    return "TYPE_CHECKING" in ast.unparse(node.test)


def _imported(name: str, node: ast.Import | ast.ImportFrom) -> set[str]:
    """The govern modules an import statement in module `name` loads."""
    if isinstance(node, ast.Import):
        targets = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = name.split(".")
            if modules()[name].name != "__init__.py":
                package = package[:-1]
            package = package[: len(package) - node.level + 1]
            base = ".".join([*package, base] if base else package)
        targets = [f"{base}.{alias.name}" for alias in node.names] or [base]
    found = {_owner(t) for t in targets if t.split(".")[0] == "govern"}
    return {m for m in found if m and m != name}


def module_level_imports(name: str) -> set[str]:
    """What importing module `name` imports at once (not inside functions or classes, not
    under TYPE_CHECKING)."""
    found: set[str] = set()
    stack: list[ast.AST] = list(tree(name).body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            found |= _imported(name, node)
        else:
            stack.extend(ast.iter_child_nodes(node))
    return found


def all_imports(name: str) -> set[str]:
    """Every govern module that module `name` imports anywhere (also inside functions)."""
    found: set[str] = set()
    for node in ast.walk(tree(name)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            found |= _imported(name, node)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_file_is_longer_than_the_limit():
    too_long = {
        name: n
        for name, path in modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}, f"split these by area (at most {MAX_LINES} lines each)"


def test_exports_never_import_services():
    wrong = {
        name: sorted(m for m in all_imports(name) if _in(m, ("govern.services",)))
        for name in modules()
        if _in(name, ("govern.exports",))
    }
    assert {k: v for k, v in wrong.items() if v} == {}


def test_no_import_cycles_at_import_time():
    graph = {name: module_level_imports(name) for name in modules()}
    assert cycles(graph) == []


def test_services_do_not_import_the_rest_in_a_circle():
    """Within services, exports and the shared read models, no cycle hides behind an import
    inside a function either: such an import only postpones the cycle to the first call."""
    layers = ("govern.services", "govern.exports", "govern.domain", "govern.queries")
    graph = {
        name: {m for m in all_imports(name) if _in(m, layers)}
        for name in modules()
        if _in(name, layers)
    }
    assert cycles(graph) == []


def _commits(name: str) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree(name))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
    ]


def test_services_never_commit():
    found = {
        name: lines
        for name in modules()
        if _in(name, ("govern.services",))
        for lines in [_commits(name)]
        if lines
    }
    assert found == {}, "services flush; the caller (a view's unit of work, the CLI) commits"


@pytest.mark.parametrize(
    "graph, expected",
    [
        ({"a": {"b"}, "b": {"a"}, "c": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ],
)
def test_cycle_finder(graph, expected):
    assert cycles(graph) == expected
