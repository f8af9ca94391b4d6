"""Hostile and broken input: a few thousand mutated real reports through parse, diff and
lint (the nightly run is `python bench/fuzz.py`), plus the named hard cases."""

from __future__ import annotations

import random
import resource
import subprocess
import sys

import pytest
from conftest import SAMPLES
from fuzzing import MUTATIONS, check, long_line, many_banners, mutate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SEEDS = sorted(SAMPLES.rglob("*.txt"))
DATA = [path.read_bytes() for path in SEEDS]


@settings(max_examples=3000, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(range(len(DATA))), st.randoms(use_true_random=False))
def test_mutated_reports_give_a_result_or_a_clean_error(seed, rng):
    check(mutate(DATA[seed], rng)[1])


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_each_mutation_on_each_sample(name):
    rng = random.Random(name)
    for data in DATA:
        check(MUTATIONS[name](data, rng))


def test_a_thousand_banners_and_then_a_report():
    outcome = check(many_banners(DATA[0], random.Random(0)))
    assert outcome.startswith("reports")


def test_a_ten_megabyte_line_is_cut_in_bounded_memory():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    data = long_line(DATA[0], random.Random(3))
    assert check(data).startswith("reports")
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 200


def test_the_cli_answers_a_mutated_file_without_a_traceback(tmp_path):
    rng = random.Random(7)
    for n in range(6):
        path = tmp_path / f"fuzzed{n}.txt"
        path.write_bytes(mutate(DATA[n % len(DATA)], rng)[1])
        for command in (["parse", "--json"], ["lint"], ["diff", str(path)]):
            result = subprocess.run([sys.executable, "-m", "gmr", *command, str(path)],
                                    capture_output=True, text=True)
            assert "Traceback (most recent call last)" not in result.stderr
            assert result.returncode in (0, 1, 2)
            if result.returncode == 2 and command[0] == "parse":
                assert result.stderr.count("\n") == 1 and result.stderr.startswith(str(path))


@pytest.mark.parametrize("old, new", [
    ("Thread #", "Thread #" + "9" * 5000 + "0"),       # beyond Python's int conversion limit
    ("(under ", "(under " + "1" * 5000),
    (" in ", "2" * 5000 + " in "),
    ("run by: root (0)", "run by: root (²)"),          # a digit int() does not take
])
def test_numbers_python_would_refuse_are_not_a_crash(full_report, old, new):
    text = full_report.text.replace(old, new, 1)
    check(text.encode())


def test_odd_values_in_rules_are_not_a_crash():
    import generator as gen

    text = gen.generate(gen.ReportSpec(
        package=("OpenStack Glance", "OpenStack Foundation", "³³.0.0"), threads=0, greenlets=0,
        options=(gen.OptionSpec("glance_store", "filesystem_store_file_perm", "str", "9"),
                 gen.OptionSpec("DEFAULT", "cpu_allocation_ratio", "str", "1" * 5000)))).text
    check(text.encode())


@pytest.mark.parametrize("path", sorted((SAMPLES.parent / "tests" / "fuzz_regressions")
                                        .glob("*.txt")), ids=lambda p: p.stem)
def test_inputs_the_nightly_fuzz_run_found(path):
    """Inputs bench/fuzz.py once failed on, kept so that the bug stays fixed."""
    check(path.read_bytes())


def test_truncation_at_every_section_boundary(full_report):
    data = full_report.text.encode()
    boundaries = [n for n in range(len(data)) if data.startswith(b"=" * 72, n)]
    assert len(boundaries) > 10
    for boundary in boundaries:
        for offset in (-1, 0, 1, 73):
            check(data[: max(0, boundary + offset)])
