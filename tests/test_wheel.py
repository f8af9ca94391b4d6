"""The wheel an operator installs: built from the checkout, installed into a fresh venv
with a plain `pip install` (not editable), and every command run from it.

An editable install finds every module in the checkout whatever the packaging says, so
only this test sees a package left out of the wheel (as gmr.lint once was).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLES

ROOT = Path(__file__).resolve().parent.parent
NODE1 = str(SAMPLES / "nova-34.0.0-compute-node1.txt")
NODE2 = str(SAMPLES / "nova-34.0.0-compute-node2.txt")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a clean copy of the checkout: setuptools would reuse a stale
    build/ folder and ship modules the packaging no longer names."""
    source = tmp_path_factory.mktemp("source") / "gmr"
    patterns = shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*cache")

    def ignored(folder: str, names: list[str]) -> set[str]:
        # bench/data holds generated benchmark files; gmr/knowledge/data ships
        return patterns(folder, names) | ({"data"} if Path(folder).name == "bench" else set())

    shutil.copytree(ROOT, source, ignore=ignored)
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(folder),
                    str(source)], check=True, capture_output=True)
    (built,) = folder.glob("gmr-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The `gmr` script of a fresh venv that has the wheel and its dependencies."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], check=True,
                   capture_output=True)
    return venv / "bin" / "gmr"


def test_the_wheel_holds_every_package_and_the_grammar(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    packages = {str(p.parent.relative_to(ROOT)) for p in (ROOT / "gmr").rglob("__init__.py")}
    assert {"gmr/lint/rules", "gmr/parsing", "gmr/diff", "gmr/cli"} <= packages
    for package in packages:
        assert f"{package}/__init__.py" in names, package
    assert "gmr/grammar/gmr.lark" in names
    assert "gmr/stacks/states.toml" in names
    data = {p.relative_to(ROOT).as_posix() for p in (ROOT / "gmr/knowledge/data").iterdir()}
    assert data and data <= names
    assert not any(name.startswith(("tests/", "grammar/")) for name in names)


@pytest.mark.parametrize("args, code", [
    (["--version"], 0),
    ([], 0),
    (["parse", NODE1], 0),
    (["parse", "--json", NODE1], 0),
    (["diff", NODE1, NODE2], 1),
    (["lint", "--format", "sarif", NODE1], 0),
    (["lint", "--format", "junit", NODE1, NODE2], 0),
    (["rules"], 0),
    (["rules", "GMR101"], 0),
    (["schema", "diff"], 0),
    (["stacks", NODE1], 0),
    (["stacks", "--json", NODE1, NODE2], 0),
    (["schema", "stacks"], 0),
    (["completion", "bash"], 0),
])
def test_every_command_runs_from_the_installed_wheel(installed, tmp_path, args, code):
    result = subprocess.run([str(installed), *args], capture_output=True, text=True,
                            cwd=tmp_path)
    assert result.returncode == code, result.stderr
    assert result.stdout and "Traceback" not in result.stderr
