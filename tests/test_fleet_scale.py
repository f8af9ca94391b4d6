"""A fleet read in worker processes gives what the whole reports give (gmr/lint/run.py,
gmr/lint/engine.py `fleet_view`): the same findings, the same rules ran, whether the
files are parsed here or in workers, and whether the fleet rules see whole reports or
only the options they read; `gmr check` gives what `gmr lint` and `gmr diff` give."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLES, run_gmr

import gmr
from gmr.lint import all_rules, lint
from gmr.lint.engine import fleet_view
from gmr.lint.run import lint_inputs
from gmr.lint.settings import Settings

NODE = (SAMPLES / "nova-34.0.0-compute-node1.txt").read_text(encoding="utf-8")


def clone(n: int, **changes: str) -> str:
    text = NODE.replace("compute1", f"compute{n:02d}").replace("10.20.30.11", f"10.0.0.{n}")
    for old, new in changes.items():
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def fleet(tmp_path_factory) -> Path:
    """Real reports of every service, three snapshots of one hung process, and nova
    computes of which one keeps its instances elsewhere and two share a name."""
    folder = tmp_path_factory.mktemp("fleet")
    for sample in SAMPLES.glob("*.txt"):
        shutil.copy(sample, folder)
    shutil.copytree(SAMPLES / "stacks", folder / "stacks")
    instances = "instances_path = /root/.cache/gmr-samples/run/nova-compute/var/lib/nova/"
    nodes = {n: clone(n) for n in range(3, 9)}
    nodes[5] = clone(5, **{instances: "instances_path = /srv/nova/"})
    nodes[8] = clone(7).replace("10.0.0.7", "10.0.0.8")
    for n, text in nodes.items():
        (folder / f"compute{n:02d}.txt").write_text(text, encoding="utf-8")
    return folder


def as_dicts(result) -> list[dict]:
    return [finding.model_dump() | {"report_line": finding.report_line}
            for finding in result.findings]


def test_workers_find_what_whole_reports_find(fleet):
    settings = Settings()
    parallel = lint_inputs([str(fleet)], settings, jobs=2)
    here = lint_inputs([str(fleet)], settings, jobs=1)
    reports = [report for path in sorted(p for p in fleet.rglob("*") if p.is_file())
               for report in gmr.parse_file(path)]
    from gmr.releases import with_release

    whole = lint([with_release(r, None) for r in reports], all_rules(settings),
                 settings=settings)
    codes = {finding.code for finding in whole.findings}
    assert {"GMR603", "GMR605", "GMR607"} <= codes  # fleet rules on views, and on snapshots
    assert as_dicts(parallel.result) == as_dicts(here.result) == as_dicts(whole)
    assert parallel.result.ran == here.result.ran == whole.ran
    assert [r.source.path for r in parallel.reports] == [r.source.path for r in reports]


def test_a_view_keeps_only_what_fleet_rules_read():
    (report,) = gmr.parse(NODE)
    fleet = [rule for rule in all_rules(Settings()) if rule.fleet]
    view = fleet_view(report, fleet)
    kept = {(group.name, option.name) for group, option in view.configuration.options()}
    read = {tuple(read.split(".")) for rule in fleet for read in rule.reads}
    assert kept and all((g.upper() if g == "default" else g, o) in read for g, o in kept)
    assert view.threads is None and view.processes is None
    assert fleet_view(report, []).configuration.groups == {}


def test_every_fleet_rule_says_what_it_needs():
    """A fleet rule reads named options (its view) or follows processes (whole reports)."""
    for rule in all_rules(Settings()):
        if rule.fleet:
            assert rule.snapshots or rule.reads, rule.code


def test_check_is_lint_and_diff_in_one_pass(fleet):
    checked = run_gmr("check", "--format", "json", str(fleet))
    linted = run_gmr("lint", "--format", "json", str(fleet))
    diffed = run_gmr("diff", "--json", str(fleet))
    document = json.loads(checked.stdout)
    assert checked.stdout == json.dumps(document, indent=2) + "\n"  # written a piece at a time
    assert document["lint"] == json.loads(linted.stdout)
    assert document["diff"] == json.loads(diffed.stdout)
    assert checked.returncode == max(linted.returncode, diffed.returncode) == 1
    text = run_gmr("check", str(fleet)).stdout
    assert "GMR603" in text and "instances_path" in text
    assert text.splitlines()[-1].startswith("check: ") and "the nodes differ" in text
    summary = run_gmr("check", "--summary", str(fleet)).stdout
    assert "GMR603" in summary and "instances_path" in summary
    assert len(summary.splitlines()) < len(text.splitlines())


def test_check_reads_each_file_once(fleet, monkeypatch):
    from gmr import check

    read = []
    parsed = check.linted_reports  # parses the file once, lints each report alone

    def counted(name, **arguments):
        read.append(name)
        return parsed(name, **arguments)

    monkeypatch.setattr(check, "linted_reports", counted)
    run = check.check_inputs([str(fleet)], Settings(), jobs=1, cache=False)
    files = [str(p) for p in sorted(fleet.rglob("*")) if p.is_file()]
    assert sorted(read) == sorted(files)
    assert run.lint.reports and run.diff.result.differences


def test_check_of_nodes_that_cannot_be_compared_lints_and_says_so(tmp_path):
    report = tmp_path / "api.txt"
    shutil.copy(SAMPLES / "nova-34.0.0-api.txt", report)
    ran = run_gmr("check", str(report))
    assert ran.returncode == 0 and "1 report checked" in ran.stdout
    assert ran.stdout.splitlines()[-1] == "check: passed"
    assert ran.stderr == ("gmr: note: no two nodes run the same service and program "
                          "(nova (nova-api-os-compute): controller): no diff\n")
    assert json.loads(run_gmr("check", "--format", "json", str(report)).stdout)["diff"] is None


def test_check_of_an_unreadable_input_fails(tmp_path):
    ran = run_gmr("check", str(tmp_path / "missing.txt"))
    assert ran.returncode == 2 and "missing.txt: cannot open" in ran.stderr


def test_snapshots_on_stdin_are_followed_whole(tmp_path):
    """Standard input cannot be read again for the rules that follow a process: its
    reports are kept whole, and the stuck threads of three snapshots are found."""
    snapshots = "".join(path.read_text(encoding="utf-8")
                        for path in sorted((SAMPLES / "stacks").iterdir()))
    files = run_gmr("lint", "--select", "GMR607", "--format", "json",
                    *map(str, sorted((SAMPLES / "stacks").iterdir())))
    piped = run_gmr("lint", "--select", "GMR607", "--format", "json", "-", stdin=snapshots)
    stuck = json.loads(piped.stdout)
    assert stuck and {f["code"] for f in stuck} == {"GMR607"}
    # The files' names tell the time between the snapshots; standard input does not.
    assert [f["message"] for f in stuck] == [f["message"].replace(" over 5 s", "")
                                             for f in json.loads(files.stdout)]
