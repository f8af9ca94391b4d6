"""Every example in README.md shows what the command prints today.

An example is a fenced block whose lines start with `$ gmr ...`; each such command runs
in-process on a terminal 100 columns wide without colour, from a folder where `samples/`
is the repository's, and what it prints must be the lines that follow it in the block.
`> FILE` sends the output to a file for the next command. Globs are expanded as a shell
would. The Python API example is run too. `pytest --update-readme tests/test_readme.py`
rewrites the shown output after an intended change.
"""

from __future__ import annotations

import glob
import re
import shlex
from pathlib import Path

import pytest
from conftest import run_gmr

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
FENCE = re.compile(r"^```[a-z]*\n(.*?)^```\n", re.M | re.S)
WIDTH = 100


def examples(text: str) -> list[str]:
    """The fenced blocks that run `gmr`."""
    return [m.group(1) for m in FENCE.finditer(text) if m.group(1).startswith("$ gmr ")]


def run_block(block: str, folder: Path) -> str:
    """The block as it is when its commands run in `folder`: each `$` line followed by
    what the command printed."""
    shown: list[str] = []
    for line in block.splitlines():
        if not line.startswith("$ "):
            continue
        shown.append(line)
        words = shlex.split(line[2:])
        target = None
        if ">" in words:
            at = words.index(">")
            words, target = words[:at], words[at + 1]
        args = [match for word in words[1:]
                for match in (sorted(glob.glob(word)) if glob.has_magic(word) else [word])]
        ran = run_gmr(*args, tty=True, width=WIDTH, cwd=folder)
        assert "Traceback" not in ran.stderr, ran.stderr
        if target:
            (folder / target).write_text(ran.stdout)
        else:
            shown += [text.rstrip() for text in ran.stdout.splitlines()]
    return "\n".join(shown) + "\n"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "samples").symlink_to(ROOT / "samples")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_shown_output_is_what_gmr_prints(folder, request):
    text = README.read_text()
    blocks = examples(text)
    assert len(blocks) >= 4
    updated = text
    for block in blocks:
        actual = run_block(block, folder)
        if request.config.getoption("--update-readme"):
            updated = updated.replace(block, actual, 1)
        else:
            assert actual == block
    if updated != text:
        README.write_text(updated)


def test_the_python_api_example_runs(folder):
    (code,) = [m.group(0) for m in FENCE.finditer(README.read_text())
               if m.group(0).startswith("```python")]
    exec(compile(code.split("\n", 1)[1].rsplit("```", 1)[0], "README.md", "exec"), {})
