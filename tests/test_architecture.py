"""The layout's promises, checked on the source so that they cannot erode unseen:
dependencies point one way, and only the CLI prints."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "gmr"
#: What each part may import from gmr: the stages below it, never the ones above.
ALLOWED = {
    "models": set(),
    "errors": set(),
    "printable": set(),
    "cache": set(),
    "credentials": {"models"},
    "tables": {"errors"},
    "parsing": {"models", "errors", "cache"},
    "inputs": {"models", "errors", "parsing", "cache"},
    "knowledge": {"models", "errors"},
    "releases": {"models", "errors", "knowledge"},
    "configfile": {"models", "errors", "knowledge"},
    "diff": {"models", "errors", "parsing", "inputs", "credentials", "knowledge", "releases",
             "cache"},
    "lint": {"models", "errors", "parsing", "inputs", "credentials", "printable", "knowledge",
             "releases", "stacks", "tables", "cache"},
    "upgrade": {"models", "errors", "printable", "credentials", "knowledge", "releases",
                "lint"},
    "stacks": {"models", "errors", "parsing", "inputs", "tables"},
    "check": {"errors", "inputs", "cache", "diff", "lint"},
}


def modules() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py"))


def part(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


def imported(path: Path) -> set[str]:
    """The top-level modules `path` imports, and the gmr parts it imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            if node.module == "gmr":
                names |= {f"gmr.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize("path", [p for p in modules() if part(p) in ALLOWED],
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_part_imports_only_the_stages_below_it(path):
    own = part(path)
    parts = {name.split(".")[1] for name in imported(path) if name.startswith("gmr.")}
    assert parts - {own} <= ALLOWED[own], f"{path.name} imports {sorted(parts - {own})}"


@pytest.mark.parametrize("path", [p for p in modules() if part(p) != "cli"],
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_library_never_prints_nor_draws(path):
    tree = ast.parse(path.read_text())
    calls = {node.func.id for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert "print" not in calls
    assert not {name for name in imported(path) if name.split(".")[0] in ("rich", "click")}
