"""gmr's cache (gmr/cache.py): the parser's tables, kept between runs, never trusted blindly
and never in the way."""

from __future__ import annotations

import subprocess
import sys

from conftest import SAMPLES

SAMPLE = str(SAMPLES / "nova-34.0.0-compute-node1.txt")


def gmr_parse(cache: str) -> subprocess.CompletedProcess:
    """A cold `gmr parse --json` in a fresh interpreter, with the cache in `cache`."""
    return subprocess.run([sys.executable, "-m", "gmr", "parse", SAMPLE, "--json"],
                          capture_output=True, text=True,
                          env={"GMR_CACHE_DIR": cache, "PATH": "/usr/bin:/bin"})


def test_the_parser_tables_are_kept_and_reused(tmp_path):
    first = gmr_parse(str(tmp_path))
    kept = list(tmp_path.glob("parser-*.lark"))
    assert first.returncode == 0 and first.stderr == "" and len(kept) == 1
    second = gmr_parse(str(tmp_path))
    assert second.returncode == 0 and second.stdout == first.stdout
    assert [p.name for p in tmp_path.iterdir()] == [kept[0].name]  # no temporary left over


def test_broken_tables_are_rebuilt_quietly(tmp_path):
    expected = gmr_parse(str(tmp_path)).stdout
    (kept,) = tmp_path.glob("parser-*.lark")
    kept.write_bytes(kept.read_bytes()[:200])
    again = gmr_parse(str(tmp_path))
    assert again.returncode == 0 and again.stderr == "" and again.stdout == expected


def test_a_cache_that_cannot_be_written_costs_only_time(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    ran = gmr_parse(str(blocked / "cache"))
    assert ran.returncode == 0 and ran.stderr == "" and ran.stdout.startswith("{")
