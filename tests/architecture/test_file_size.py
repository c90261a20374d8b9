"""Files are cut by area, not left to grow: no module of the web layer (views, forms, api)
is over 450 lines, and its modules import each other without cycles. Read from the source,
so the rules stay true."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import govern

ROOT = Path(govern.__file__).parent
MAX_LINES = 450
#: The layers this rule covers; services and exports have their own.
WEB_LAYERS = ("views", "forms", "api")


def _modules(*layers: str) -> list[Path]:
    return sorted(p for layer in layers for p in (ROOT / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", WEB_LAYERS)
def test_no_module_of_the_web_layer_is_over_450_lines(layer):
    too_long = {
        p.relative_to(ROOT).as_posix(): n
        for p in _modules(layer)
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}


def _name(path: Path) -> str:
    parts = ["govern", *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path, known: set[str]) -> set[str]:
    """The govern modules a module imports when it is imported (not inside functions):
    `from package import module` counts as the module, `from module import name` as the
    module."""
    found = set()
    package = _name(path) if path.name == "__init__.py" else _name(path).rpartition(".")[0]
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, node.module] if node.module else parts)
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {name for name in found if name in known}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups = []

    def connect(name: str) -> None:
        index[name] = low[name] = len(index)
        stack.append(name)
        for target in graph[name]:
            if target not in index:
                connect(target)
                low[name] = min(low[name], low[target])
            elif target in stack:
                low[name] = min(low[name], index[target])
        if low[name] == index[name]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == name:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for name in sorted(graph):
        if name not in index:
            connect(name)
    return groups


def test_the_web_layer_has_no_import_cycles():
    """Blueprints split over files that import each other (a module registering its routes
    by importing another that imports it back) are one area in one package instead."""
    paths = {_name(p): p for p in _modules(*WEB_LAYERS)}
    graph = {name: _top_level_imports(path, set(paths)) - {name} for name, path in paths.items()}
    assert _cycles(graph) == []
