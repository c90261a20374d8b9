"""Session and metadata listeners are registered by create_app, never by importing a module.

Importing a view or search module must not change how every session behaves: a script or a
test that imports one module would otherwise get (or miss) the search index and the page
cache's revisions depending on what else it happened to import.
"""

from __future__ import annotations

import ast
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

import govern
from govern.models.base import Base

ROOT = Path(govern.__file__).resolve().parent
LISTENING = {"listen", "listens_for"}


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _import_time_listeners(tree: ast.Module) -> list[int]:
    """Lines where code that runs at import time (module and class bodies, decorators,
    default values) calls listen() or listens_for()."""
    found: list[int] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            parts = list(getattr(node, "decorator_list", []))
            parts += node.args.defaults + [d for d in node.args.kw_defaults if d is not None]
            for part in parts:
                visit(part)
            return  # the body runs when called, not when imported
        if isinstance(node, ast.Call) and _called_name(node) in LISTENING:
            found.append(node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _modules(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (ROOT / package).rglob("*.py"))


def test_view_and_search_modules_register_no_listeners_when_imported():
    offenders = {
        str(path.relative_to(ROOT.parent)): lines
        for path in _modules("views", "search")
        if (lines := _import_time_listeners(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert offenders == {}


def test_the_check_sees_a_decorator_and_a_module_level_call():
    tree = ast.parse(
        "from sqlalchemy import event\n"
        "@event.listens_for(Session, 'after_flush')\n"
        "def f(session, ctx): pass\n"
        "event.listen(Session, 'before_commit', f)\n"
        "def g():\n"
        "    event.listen(Session, 'after_rollback', f)\n"
    )
    assert _import_time_listeners(tree) == [2, 4]


def _create_app() -> ast.FunctionDef:
    tree = ast.parse((ROOT / "__init__.py").read_text(encoding="utf-8"))
    return next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "create_app")


def test_create_app_registers_the_cache_and_search_listeners():
    function = _create_app()
    imported = {
        alias.asname or alias.name: (node.module, alias.name)
        for node in ast.walk(function)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    called = {
        imported.get(name)
        for node in ast.walk(function)
        if isinstance(node, ast.Call) and (name := _called_name(node)) is not None
    }
    assert ("govern.cache", "register_listeners") in called
    assert ("govern.search.index", "register_listeners") in called


def test_after_create_app_the_listeners_are_registered_once(app):
    from govern import create_app
    from govern.cache import revision
    from govern.search import index

    create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})  # a second app
    assert event.contains(Session, "before_commit", revision._bump_on_commit)
    assert event.contains(Session, "after_flush_postexec", index._update_index)
    assert event.contains(Base.metadata, "after_create", index._after_create)
    # Registered once, however many apps: one commit raises the revision by exactly one.
    listeners = list(Session().dispatch.before_commit)
    assert listeners.count(revision._bump_on_commit) == 1
