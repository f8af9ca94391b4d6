"""gmr's cache (gmr/cache.py): the parser's tables, kept between runs, never trusted blindly
and never in the way."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from conftest import SAMPLES, run_gmr

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
    linted = subprocess.run([sys.executable, "-m", "gmr", "lint", SAMPLE], text=True,
                            capture_output=True, env={"GMR_CACHE_DIR": str(blocked / "cache"),
                                                      "PATH": "/usr/bin:/bin"})
    assert linted.returncode == 0 and linted.stderr == "" and "1 report checked" in linted.stdout


def fleet(folder: Path, nodes: int = 3) -> Path:
    text = Path(SAMPLE).read_text(encoding="utf-8")
    folder.mkdir()
    for n in range(nodes):
        (folder / f"node{n}.txt").write_text(text.replace("compute1", f"node{n}"),
                                             encoding="utf-8")
    return folder


def results_kept(cache: Path) -> set[bytes]:
    """The keys of the results kept in the cache folder `cache`."""
    with sqlite3.connect(cache / "results-1.sqlite3") as database:
        return {key for (key,) in database.execute("SELECT key FROM entries")}


def lint_json(*args: str) -> list[dict]:
    ran = run_gmr("lint", "--format", "json", *args)
    assert ran.returncode in (0, 1), ran.stderr
    return json.loads(ran.stdout)


def test_a_second_run_reads_no_file_again(tmp_path, own_cache, monkeypatch):
    nodes = fleet(tmp_path / "fleet")
    first = lint_json(str(nodes))
    diffed = run_gmr("diff", "--json", str(nodes)).stdout
    assert len(results_kept(own_cache)) >= 6  # three lint results, three diff results

    def unread(name):
        raise AssertionError(f"{name} parsed again")

    monkeypatch.setattr("gmr.lint.run.reports_or_error", unread)
    monkeypatch.setattr("gmr.diff.inputs.reports_or_error", unread)
    assert lint_json(str(nodes)) == first
    assert run_gmr("diff", "--json", str(nodes)).stdout == diffed


def test_what_changes_a_result_is_never_served_stale(tmp_path):
    nodes = fleet(tmp_path / "fleet")
    before = lint_json(str(nodes))
    changed = nodes / "node1.txt"
    changed.write_text(changed.read_text().replace("  daemon = False\n  debug = False",
                                                   "  daemon = False\n  debug = True"))
    after = lint_json(str(nodes))
    assert after != before and [f["node"] for f in after if f["option"] == "debug"] == ["node1"]
    only = lint_json("--select", "GMR010", str(nodes))
    assert {f["code"] for f in only} <= {"GMR010"}
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rule]]\ncode = "GMR901"\nname = "no-debug"\ngroup = "DEFAULT"\n'
                     'option = "debug"\neq = "True"\nmessage = "debug is on"\n')
    custom = lint_json("--rules", str(rules), str(nodes))
    assert [f["node"] for f in custom if f["code"] == "GMR901"] == ["node1"]
    rules.write_text(rules.read_text().replace('"True"', '"False"'))
    custom = lint_json("--rules", str(rules), str(nodes))
    assert sorted(f["node"] for f in custom if f["code"] == "GMR901") == ["node0", "node2"]


def test_no_cache_keeps_nothing(tmp_path, own_cache):
    nodes = fleet(tmp_path / "fleet")
    kept = results_kept(own_cache)
    assert lint_json("--no-cache", str(nodes)) == lint_json(str(nodes))
    run_gmr("diff", "--no-cache", "--json", str(nodes))
    assert len(results_kept(own_cache) - kept) == 3  # from the run with the cache


def test_a_damaged_entry_is_recomputed(tmp_path, own_cache):
    nodes = fleet(tmp_path / "fleet")
    kept = results_kept(own_cache)
    expected = lint_json(str(nodes))
    with sqlite3.connect(own_cache / "results-1.sqlite3") as database:
        database.executemany("UPDATE entries SET data = substr(data, 1, 50) WHERE key = ?",
                             [(key,) for key in results_kept(own_cache) - kept])
    assert lint_json(str(nodes)) == expected


def test_runs_sharing_the_cache_at_once_agree(tmp_path):
    nodes = fleet(tmp_path / "fleet", nodes=12)
    cache = str(tmp_path / "cache")
    command = [sys.executable, "-m", "gmr", "lint", "--format", "json", str(nodes)]
    env = {"GMR_CACHE_DIR": cache, "PATH": "/usr/bin:/bin"}
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
            for _ in range(3)]
    outputs = [run.communicate() for run in runs]
    assert all(run.returncode in (0, 1) for run in runs)
    assert all(err == b"" for _, err in outputs)
    assert len({out for out, _ in outputs}) == 1
    again = subprocess.run(command, capture_output=True, env=env)
    assert again.stdout == outputs[0][0]
    assert not [p for p in Path(cache).rglob(".*") if p.is_file()]  # no temporary left


def test_old_entries_go(tmp_path):
    nodes, cache = fleet(tmp_path / "fleet"), tmp_path / "cache"
    env = {"GMR_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "gmr", "lint", str(nodes)]
    subprocess.run(command, env=env, capture_output=True, check=False)
    database = cache / "results-1.sqlite3"

    def made() -> set[int]:
        with sqlite3.connect(database) as connection:
            return {day for (day,) in connection.execute("SELECT made FROM entries")}

    (today,) = made()
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE entries SET made = made - 31")
    subprocess.run(command, env=env, capture_output=True, check=False)
    assert made() == {today}  # dropped when the run opened the cache, and made again


def test_a_cache_database_that_is_not_one_is_replaced(tmp_path):
    nodes, cache = fleet(tmp_path / "fleet"), tmp_path / "cache"
    cache.mkdir()
    (cache / "results-1.sqlite3").write_bytes(b"not a database at all" * 100)
    env = {"GMR_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "gmr", "lint", "--format", "json", str(nodes)]
    first = subprocess.run(command, env=env, capture_output=True, text=True)
    assert first.returncode in (0, 1) and first.stderr == "" and first.stdout.startswith("[")
    assert len(results_kept(cache)) == 3
    assert subprocess.run(command, env=env, capture_output=True, text=True).stdout == \
        first.stdout


def test_a_fleet_layout_is_kept_once_and_its_loss_costs_only_time(tmp_path):
    nodes, cache = fleet(tmp_path / "fleet"), tmp_path / "cache"
    env = {"GMR_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "gmr", "diff", "--json", str(nodes)]
    diffed = subprocess.run(command, env=env, capture_output=True, text=True).stdout
    with sqlite3.connect(cache / "results-1.sqlite3") as database:
        assert database.execute("SELECT count(*) FROM shared").fetchone() == (1,)
        database.execute("DELETE FROM shared")
    for _ in range(2):  # recomputed, then read from the cache again
        again = subprocess.run(command, env=env, capture_output=True, text=True)
        assert again.stdout == diffed and again.stderr == ""


def _put_at_once(folder: str, name: str, barrier) -> None:
    from gmr.cache import Results

    results = Results("race", Path(folder))
    barrier.wait()
    results.put(name, b"content", ["a result"])
    if results.get(name, b"content") != ["a result"]:
        raise SystemExit(1)


def test_processes_opening_a_new_cache_at_once_all_keep_their_results(tmp_path):
    """A pool's workers open the database in the same instant: none may give up on the
    cache, nor take another's lock for a damaged file and delete the database."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    for attempt in range(5):
        folder = tmp_path / f"cache{attempt}"
        barrier = context.Barrier(8)
        runs = [context.Process(target=_put_at_once, args=(str(folder), f"file{n}", barrier))
                for n in range(8)]
        for run in runs:
            run.start()
        for run in runs:
            run.join()
        assert [run.exitcode for run in runs] == [0] * 8
        assert len(results_kept(folder)) == 8


def test_a_cache_that_can_be_read_but_not_written_is_left_alone_at_once(tmp_path,
                                                                       monkeypatch):
    """A read-only database (a shared cache mounted read-only) means no cache, without
    waiting out the 30 s a busy one is given, and it is not deleted."""
    import time

    from gmr.cache import Results

    database = tmp_path / "results-1.sqlite3"
    sqlite3.connect(database).execute("CREATE TABLE other (a)").connection.close()
    connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda path, **options: connect(
        f"file:{path}?mode=ro", uri=True, **options))
    results = Results("read-only", tmp_path)
    start = time.monotonic()
    results.put("a.txt", b"content", ["a result"])
    assert results.get("a.txt", b"content") is None
    assert time.monotonic() - start < 5 and database.exists()


def test_a_big_log_is_linted_and_compared_in_bounded_memory_with_the_cache(tmp_path):
    """Keeping results by the file's content must not hold the file whole: a service
    log of hundreds of megabytes is read a block at a time, cached or not."""
    import resource

    record = ("2026-11-25 14:01:00.000000 4242 INFO nova.compute.manager [req-1 - - - - -] "
              "Took 0.42 seconds to spawn the instance on the hypervisor.\n") * 10_000
    log = tmp_path / "nova-compute.log"
    with log.open("w") as out:
        for block in range(150):  # ~190 MB, a report in the middle
            out.write(record)
            if block == 75:
                out.write((SAMPLES / "nova-34.0.0-compute-node1.txt").read_text())

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (400 << 20, 400 << 20))

    env = {"GMR_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    for args in (["lint", str(log)], ["lint", str(log)], ["diff", str(log), str(log)]):
        ran = subprocess.run([sys.executable, "-m", "gmr", *args], env=env,
                             preexec_fn=limited, capture_output=True, text=True, timeout=300)
        assert ran.returncode in (0, 1), ran.stderr[-500:]


def test_the_code_digest_follows_every_file_but_compiled_bytecode(tmp_path):
    from gmr.cache import folder_digest

    (tmp_path / "grammar").mkdir()
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "cache.py").write_text("x = 1\n")
    (tmp_path / "grammar" / "gmr.lark").write_text("start: A\n")
    (tmp_path / "__pycache__" / "cache.cpython-311.pyc").write_bytes(b"\0")
    first = folder_digest(str(tmp_path))
    (tmp_path / "__pycache__" / "cache.cpython-311.pyc").write_bytes(b"\0\0\0")
    assert folder_digest(str(tmp_path)) == first
    (tmp_path / "grammar" / "gmr.lark").write_text("start: A B\n")
    second = folder_digest(str(tmp_path))
    assert second != first
    (tmp_path / "grammar" / "new.lark").write_text("")
    assert folder_digest(str(tmp_path)) != second
