"""The transaction of a web request ends in one place: the unit of work in
govern/views/unit_of_work.py. These tests read the source, so the rule stays true."""

from __future__ import annotations

import ast
from pathlib import Path

import govern

ROOT = Path(govern.__file__).parent
WEB = [ROOT / "views", ROOT / "api"]
UNIT_OF_WORK = ROOT / "views" / "unit_of_work.py"


def _modules(*folders: Path) -> list[Path]:
    return sorted(p for folder in folders for p in folder.rglob("*.py"))


def _calls(path: Path, name: str) -> list[int]:
    """Lines of calls `<anything>.name(...)` in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == name
    ]


def test_commit_is_called_in_exactly_one_module_of_views_and_api():
    committing = {p.relative_to(ROOT).as_posix() for p in _modules(*WEB) if _calls(p, "commit")}
    assert committing == {UNIT_OF_WORK.relative_to(ROOT).as_posix()}


def test_no_view_or_api_module_defines_its_own_commit_helper():
    """A function named commit (or a `_save` wrapper) elsewhere would be a second commit point."""
    found = []
    for path in _modules(*WEB):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in (
                "commit",
                "save",
                "_save",
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert found == []


def test_every_view_runs_inside_the_unit_of_work(app):
    """create_app wraps every registered view (pages and API) in the unit of work."""
    unwrapped = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not getattr(view, "in_unit_of_work", False)
    ]
    assert unwrapped == []
