"""Where the portal's code calls a function (found by reading the code, not by running
it): the tests that must reach every kind of SMS and e-mail compare what they reached
with this."""
import ast
from pathlib import Path

from django.conf import settings

APPS = ("accounts", "audit", "declarations", "guardians", "notifications", "registry",
        "vssid_portal")


def call_sites(name: str) -> set[tuple[str, str]]:
    """(module, enclosing function) of every call of `name` (as `name(...)` or
    `something.name(...)`) in the apps, migrations aside."""
    sites: set[tuple[str, str]] = set()
    base = Path(settings.BASE_DIR)
    for app in APPS:
        for path in sorted((base / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            module = ".".join(path.relative_to(base).with_suffix("").parts)
            tree = ast.parse(path.read_text(encoding="utf-8"))
            _collect(tree, name, module.removesuffix(".__init__"), "<module>", sites)
    return sites


def _collect(node: ast.AST, name: str, module: str, function: str, sites: set) -> None:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            _collect(child, name, module, child.name, sites)
            continue
        if isinstance(child, ast.Call):
            func = child.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if called == name:
                sites.add((module, function))
        _collect(child, name, module, function, sites)
