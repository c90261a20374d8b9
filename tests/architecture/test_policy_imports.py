"""The permission policy and the layers below the web never depend on the request.

Read from the source with ast (nothing is imported): no module under govern/models,
govern/services, govern/exports, govern/search, nor govern/policy.py and govern/openness.py
(the policy's part for exempt content), imports flask or
flask_login (at module level or inside a function), nor reads the app or the user from
flask's context; nor does any govern module they import in turn. The policy's functions take
the reader as an argument.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOVERN = ROOT / "govern"
PURE_PACKAGES = ("models", "services", "exports", "search")
POLICY = GOVERN / "policy.py"
#: The policy's second module: exempt cases, Vedlegg and closed items (offentleglova).
OPENNESS = GOVERN / "openness.py"
#: The web frameworks and what comes with them; none of them may be reached from below the web.
WEB_MODULES = ("flask", "flask_login", "flask_wtf", "flask_sqlalchemy", "flask_migrate", "werkzeug")
#: Names that would read the request, the app or the user from flask's context.
CONTEXT_NAMES = frozenset(
    {"current_app", "current_user", "has_app_context", "has_request_context", "url_for"}
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in GOVERN.rglob("*.py")}


def _pure_files() -> list[Path]:
    files = [POLICY, OPENNESS]
    for package in PURE_PACKAGES:
        files += sorted((GOVERN / package).rglob("*.py"))
    return files


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imported(path: Path) -> list[tuple[int, str]]:
    """Every module an import statement names, anywhere in the file (functions included),
    with relative imports resolved; `from pkg import mod` names pkg.mod when that is a module."""
    own = _module_name(path).split(".")
    package = own if path.name == "__init__.py" else own[:-1]
    found = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            submodules = [
                f"{module}.{a.name}" for a in node.names if f"{module}.{a.name}" in MODULES
            ]
            found += [(node.lineno, name) for name in submodules]
            # `from govern import queries` runs govern/__init__ (the app factory) only as the
            # package's parent; what counts is the module it names.
            if len(submodules) < len(node.names) or module != "govern":
                found.append((node.lineno, module))
    return found


def _is_web(module: str) -> bool:
    return module.split(".")[0] in WEB_MODULES


def _label(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_policy_and_the_layers_below_the_web_import_no_flask():
    offenders = [
        f"{_label(path)}:{line} imports {module}"
        for path in _pure_files()
        for line, module in _imported(path)
        if _is_web(module)
    ]
    assert offenders == []


def test_nor_do_the_govern_modules_they_import():
    """Transitively: a helper module they import must not bring flask in by the back door."""
    start = [_module_name(p) for p in _pure_files()]
    seen: dict[str, str | None] = dict.fromkeys(start)
    queue = list(start)
    while queue:
        name = queue.pop()
        for _line, module in _imported(MODULES[name]):
            if module in MODULES and module != "govern" and module not in seen:
                seen[module] = name
                queue.append(module)
    offenders = []
    for name in seen:
        for line, module in _imported(MODULES[name]):
            if _is_web(module):
                chain, step = [name], seen[name]
                while step is not None:
                    chain.append(step)
                    step = seen[step]
                offenders.append(f"{' <- '.join(chain)} ({line}: {module})")
    assert offenders == []


def test_they_never_read_the_app_or_the_user_from_flasks_context():
    """Configuration and the reader come in as arguments (the view or the CLI passes them)."""
    offenders = [
        f"{_label(path)}:{node.lineno} uses {node.id}"
        for path in _pure_files()
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.Name) and node.id in CONTEXT_NAMES
    ]
    assert offenders == []


def test_they_never_import_the_web_layers():
    offenders = [
        f"{_label(path)}:{line} imports {module}"
        for path in _pure_files()
        for line, module in _imported(path)
        if module.startswith(("govern.views", "govern.api", "govern.extensions"))
    ]
    assert offenders == []


def test_the_old_permissions_module_is_gone_and_nobody_imports_it():
    assert not (GOVERN / "permissions.py").exists()
    offenders = [
        f"{_label(path)}:{line}"
        for path in [*GOVERN.rglob("*.py"), *(ROOT / "tests").rglob("*.py")]
        for line, module in _imported(path)
        if module == "govern.permissions"
    ]
    assert offenders == []


#: Functions of the openness module that describe an object, not a reader's view of it.
READERLESS = frozenset({"is_exempt", "exemption_text", "closed_text", "public_title"})


def _policy_functions() -> list[ast.FunctionDef]:
    return [
        n
        for path in (POLICY, OPENNESS)
        for n in _tree(path).body
        if isinstance(n, ast.FunctionDef) and n.name not in READERLESS
    ]


@pytest.mark.parametrize(
    "function",
    [f for f in _policy_functions() if not f.name.startswith("_")],
    ids=lambda f: f.name,
)
def test_each_policy_function_takes_the_reader_as_its_first_argument(function):
    args = function.args.posonlyargs + function.args.args
    assert args and args[0].arg == "reader", f"policy.{function.name} must take the reader first"


def test_the_policy_asks_about_a_day_it_is_given():
    """Every public function that depends on memberships takes the day as `on`."""
    missing = [
        f.name
        for f in _policy_functions()
        if not f.name.startswith("_")
        and f.name not in ("is_logged_in", "is_admin")
        and "on" not in [a.arg for a in f.args.args + f.args.kwonlyargs]
    ]
    assert missing == []


def test_the_web_guard_is_the_one_that_aborts():
    """The guard in views/ asks the policy; the policy never aborts or redirects."""
    guard = {module for _line, module in _imported(GOVERN / "views" / "guard.py")}
    assert "govern.policy" in guard
    calls = {
        node.func.id
        for node in ast.walk(_tree(POLICY))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert not calls & {"abort", "redirect"}
