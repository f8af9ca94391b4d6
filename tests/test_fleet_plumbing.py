"""The plumbing of fleet runs: results kept in one transaction (`Results.put_many`),
files read and kept a task at a time (`Cached.many`, `read_many`, `chunks`), findings
written in pieces (`Terminal.pieces`), a progress bar that counts only for a terminal,
and `Configuration.named` answering once per layout of groups and options."""

from __future__ import annotations

import io
import pickle
import re
import sqlite3
import threading
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest
from conftest import SAMPLES, run_gmr

from gmr import inputs, models
from gmr.cache import Results, _database
from gmr.cli.terminal import PROGRESS_FROM, Terminal
from gmr.errors import InputError, NoReportFound
from gmr.inputs import CHUNK, STDIN, Cached, chunks, read_inputs, read_many
from gmr.models import Configuration
from gmr.printable import escape_controls

# --- helpers -------------------------------------------------------------------------


def _read_logged(log: str, name: str) -> list[str] | InputError | NoReportFound:
    # A reader that notes each name it is asked for in the file `log` (worker processes
    # note theirs there too), then gives the file's lines, or the error reading it.
    with open(log, "a", encoding="utf-8") as out:
        out.write(name + "\n")
    if name == STDIN:
        return ["<stdin>"]
    try:
        text = Path(name).read_text(encoding="utf-8")
    except OSError as error:
        return InputError(f"cannot read: {error.strerror}", name)
    if not text:
        return NoReportFound("no Guru Meditation Report found", name)
    return text.splitlines()


def _reads(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def _kept(folder: Path) -> int:
    with sqlite3.connect(folder / "results-1.sqlite3") as database:
        return database.execute("SELECT count(*) FROM entries").fetchone()[0]


@dataclass(frozen=True)
class _Layout:
    """A type `Results` can keep once for many entries (as a fleet's option layout)."""

    names: tuple[str, ...]


@pytest.fixture
def cached(tmp_path):
    """A Cached reader with its own cache folder; its log of reads; the cache folder."""
    log, folder = tmp_path / "reads.log", tmp_path / "cache"
    reader = Cached(partial(_read_logged, str(log)), Results(f"plumbing {tmp_path}", folder))
    return reader, log, folder


def _files(folder: Path, contents: dict[str, str]) -> dict[str, str]:
    folder.mkdir(exist_ok=True)
    paths = {}
    for name, text in contents.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths[name] = str(folder / name)
    return paths


# --- Results.put_many ----------------------------------------------------------------


def test_put_many_keeps_every_entry_and_get_reads_each_back(tmp_path):
    results = Results("put-many", tmp_path)
    entries = [("a.txt", b"content a", ["report a"]),
               ("b.txt", b"content b", {"report": "b", "n": 2}),
               ("c.txt", b"content a", ("same content", "other name"))]
    results.put_many(entries)
    for name, content, result in entries:
        assert results.get(name, content) == result
    assert results.get("a.txt", b"content b") is None
    assert results.get("d.txt", b"content a") is None
    assert _kept(tmp_path) == 3


def test_put_many_writes_all_its_entries_in_one_transaction(tmp_path):
    results = Results("one-transaction", tmp_path)
    results.put_many([("warm.txt", b"up", ["opened"])])  # the database exists from here
    statements: list[str] = []
    database = _database(results.path)
    database.set_trace_callback(statements.append)
    try:
        results.put_many([(f"node{n}.txt", f"{n}".encode(), [n]) for n in range(5)])
    finally:
        database.set_trace_callback(None)
    verbs = [statement.split()[0].upper() for statement in statements]
    assert verbs.count("BEGIN") == 1 and verbs.count("COMMIT") == 1
    assert sum("INTO entries" in statement for statement in statements) == 5
    assert [results.get(f"node{n}.txt", f"{n}".encode()) for n in range(5)] == [[n] for n in
                                                                                 range(5)]


def test_put_is_put_many_of_one_entry(tmp_path, monkeypatch):
    results = Results("put", tmp_path)
    calls = []
    monkeypatch.setattr(results, "put_many", calls.append)
    results.put("a.txt", b"content", ["a result"])
    assert calls == [[("a.txt", b"content", ["a result"])]]


def test_put_many_replaces_what_was_kept_for_the_same_file_and_content(tmp_path):
    results = Results("replace", tmp_path)
    results.put("a.txt", b"content", ["old"])
    results.put_many([("a.txt", b"content", ["new"]), ("b.txt", b"content", ["b"])])
    assert results.get("a.txt", b"content") == ["new"]
    assert results.get("b.txt", b"content") == ["b"]
    assert _kept(tmp_path) == 2


@dataclass(frozen=True)
class _Layout:
    """Stands for a shared type (a fleet's key table): kept once per database."""

    names: tuple[str, ...]


def test_a_shared_object_is_kept_in_every_database_that_refers_to_it(tmp_path, monkeypatch):
    """One process writing two cache folders (two GMR_CACHE_DIR in one library user's
    process) keeps the shared object in both, so that a later process reads the second's
    entries back."""
    import gmr.cache

    layout = _Layout(("host", "my_ip"))
    first = Results("shared", tmp_path / "one", shared=(_Layout,))
    second = Results("shared", tmp_path / "two", shared=(_Layout,))
    first.put("a.txt", b"a", [layout])
    second.put("a.txt", b"a", [layout])
    monkeypatch.setattr(gmr.cache, "_RESTORED", {})  # what a later process has read: none
    assert second.get("a.txt", b"a") == [layout]
    assert first.get("a.txt", b"a") == [layout]


def test_put_many_of_no_entry_opens_no_database(tmp_path):
    results = Results("nothing", tmp_path)
    results.put_many([])
    assert not (tmp_path / "results-1.sqlite3").exists()


def test_a_result_that_cannot_be_pickled_costs_only_its_own_entry(tmp_path):
    results = Results("unpicklable", tmp_path)
    results.put_many([("a.txt", b"a", ["a"]), ("lambda.txt", b"l", [lambda: None]),
                      ("lock.txt", b"k", [threading.Lock()]), ("b.txt", b"b", ["b"])])
    assert results.get("a.txt", b"a") == ["a"] and results.get("b.txt", b"b") == ["b"]
    assert results.get("lambda.txt", b"l") is None and results.get("lock.txt", b"k") is None


def test_put_many_keeps_a_shared_object_once_for_all_its_entries(tmp_path):
    results = Results("shared", tmp_path, shared=(_Layout,))
    # Content of this test's own: the process remembers the shared objects it stored.
    layout = _Layout(("host", "my_ip", str(tmp_path)))
    results.put_many([(f"node{n}.txt", b"x", [n, layout]) for n in range(4)])
    assert [results.get(f"node{n}.txt", b"x") for n in range(4)] == [[n, layout]
                                                                     for n in range(4)]
    with sqlite3.connect(tmp_path / "results-1.sqlite3") as database:
        assert database.execute("SELECT count(*) FROM shared").fetchone() == (1,)


def test_results_of_another_salt_or_folder_are_not_read(tmp_path, monkeypatch):
    monkeypatch.setenv("GMR_CACHE_DIR", str(tmp_path / "env"))
    results = Results("salt one")
    assert results.path.parent == tmp_path / "env"
    results.put_many([("a.txt", b"content", ["one"])])
    assert Results("salt one").get("a.txt", b"content") == ["one"]
    assert Results("salt two").get("a.txt", b"content") is None
    assert Results("salt one", tmp_path / "other").get("a.txt", b"content") is None


# --- chunks and read_many ------------------------------------------------------------


def test_chunks_split_files_in_order_into_lists_of_chunk():
    files = [f"node{n}.txt" for n in range(2 * CHUNK + 5)]
    split = chunks(files)
    assert [len(chunk) for chunk in split] == [CHUNK, CHUNK, 5]
    assert [file for chunk in split for file in chunk] == files
    assert chunks(files[:CHUNK]) == [files[:CHUNK]]
    assert chunks([]) == []


def test_chunks_follow_chunk(monkeypatch):
    monkeypatch.setattr(inputs, "CHUNK", 3)
    assert chunks(list("abcdefg")) == [["a", "b", "c"], ["d", "e", "f"], ["g"]]


def test_read_many_hands_all_files_to_many_when_the_reader_has_it():
    asked = []

    class Reader:
        def __call__(self, name):
            raise AssertionError(f"{name} read one by one")

        def many(self, names):
            asked.append(list(names))
            return [f"read {name}" for name in names]

    assert read_many(Reader(), ["a", "b", "c"]) == ["read a", "read b", "read c"]
    assert asked == [["a", "b", "c"]]


def test_read_many_calls_a_plain_reader_once_per_file_in_order(tmp_path):
    log = tmp_path / "reads.log"
    paths = _files(tmp_path / "in", {"a": "1\n", "b": "", "c": "3\n"})
    outcomes = read_many(partial(_read_logged, str(log)), [paths["c"], paths["b"], paths["a"]])
    assert outcomes[0] == ["3"] and isinstance(outcomes[1], NoReportFound)
    assert outcomes[2] == ["1"]
    assert _reads(log) == [paths["c"], paths["b"], paths["a"]]


# --- Cached.many ---------------------------------------------------------------------


def test_a_second_many_over_the_same_files_reads_none_again(tmp_path, cached):
    reader, log, folder = cached
    paths = _files(tmp_path / "in", {f"node{n}.txt": f"node {n}\n" for n in range(5)})
    names = list(paths.values())
    first = reader.many(names)
    assert first == [[f"node {n}"] for n in range(5)]
    assert _reads(log) == names
    assert reader.many(names) == first
    assert reader.many(list(reversed(names))) == list(reversed(first))
    assert _reads(log) == names  # nothing read again
    assert _kept(folder) == 5


def test_a_changed_file_is_read_again_and_its_old_content_still_found(tmp_path, cached):
    reader, log, _ = cached
    paths = _files(tmp_path / "in", {"a.txt": "first\n", "b.txt": "b\n"})
    names = [paths["a.txt"], paths["b.txt"]]
    assert reader.many(names) == [["first"], ["b"]]
    Path(paths["a.txt"]).write_text("second\n", encoding="utf-8")
    assert reader.many(names) == [["second"], ["b"]]
    assert _reads(log) == [paths["a.txt"], paths["b.txt"], paths["a.txt"]]
    Path(paths["a.txt"]).write_text("first\n", encoding="utf-8")
    assert reader.many(names) == [["first"], ["b"]]
    assert len(_reads(log)) == 3  # that content was kept: read by content, not by time


def test_many_gives_outcomes_in_input_order_with_errors_in_place(tmp_path, cached):
    reader, log, folder = cached
    paths = _files(tmp_path / "in", {"kept.txt": "kept\n", "new.txt": "new\n",
                                     "empty.txt": ""})
    missing = str(tmp_path / "in" / "missing.txt")
    assert reader.many([paths["kept.txt"]]) == [["kept"]]
    names = [paths["new.txt"], missing, paths["kept.txt"], paths["empty.txt"], paths["new.txt"]]
    outcomes = reader.many(names)
    assert outcomes[0] == ["new"] and outcomes[2] == ["kept"] and outcomes[4] == ["new"]
    assert isinstance(outcomes[1], InputError) and outcomes[1].path == missing
    assert isinstance(outcomes[3], NoReportFound) and outcomes[3].path == paths["empty.txt"]
    assert paths["kept.txt"] not in _reads(log)[1:]  # the kept one was not read again
    assert _kept(folder) == 2  # kept.txt and new.txt; the errors are not kept


def test_an_unreadable_file_gives_the_reader_s_error_and_is_not_kept(tmp_path, cached):
    reader, log, folder = cached
    missing = tmp_path / "late.txt"
    for _ in range(2):
        (outcome,) = reader.many([str(missing)])
        assert isinstance(outcome, InputError) and outcome.path == str(missing)
    assert _reads(log) == [str(missing)] * 2
    missing.write_text("there now\n", encoding="utf-8")
    assert reader.many([str(missing)]) == [["there now"]]
    assert reader.many([str(missing)]) == [["there now"]]
    assert _reads(log) == [str(missing)] * 3
    assert _kept(folder) == 1


def test_a_reader_s_error_on_a_readable_file_is_not_kept(tmp_path, cached):
    reader, log, folder = cached
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    for _ in range(2):
        (outcome,) = reader.many([str(empty)])
        assert isinstance(outcome, NoReportFound)
    assert _reads(log) == [str(empty)] * 2
    assert not (folder / "results-1.sqlite3").exists() or _kept(folder) == 0


def test_stdin_is_never_kept_even_beside_a_file_named_dash(tmp_path, cached, monkeypatch):
    reader, log, folder = cached
    monkeypatch.chdir(tmp_path)
    (tmp_path / STDIN).write_text("a file named dash\n", encoding="utf-8")
    paths = _files(tmp_path / "in", {"a.txt": "a\n"})
    for _ in range(2):
        assert reader.many([STDIN, paths["a.txt"]]) == [["<stdin>"], ["a"]]
    assert reader(STDIN) == ["<stdin>"]
    assert _reads(log) == [STDIN, paths["a.txt"], STDIN, STDIN]
    assert _kept(folder) == 1


def test_many_keeps_what_it_read_in_one_put_many(tmp_path, cached, monkeypatch):
    reader, _, _ = cached
    stored = []
    put_many = reader.results.put_many
    monkeypatch.setattr(reader.results, "put_many",
                        lambda entries: (stored.append([e[0] for e in entries]),
                                         put_many(entries)))
    paths = _files(tmp_path / "in", {"a.txt": "a\n", "b.txt": "b\n", "c.txt": ""})
    names = [paths["a.txt"], str(tmp_path / "missing.txt"), paths["b.txt"], paths["c.txt"]]
    reader.many(names[:1])
    reader.many(names)
    # One call per many, with the files newly read that gave no error.
    assert stored == [[paths["a.txt"]], [paths["b.txt"]]]


def test_calling_cached_is_many_of_one_file(tmp_path, cached):
    reader, log, _ = cached
    paths = _files(tmp_path / "in", {"a.txt": "a\nb\n"})
    assert reader(paths["a.txt"]) == ["a", "b"]
    assert reader(paths["a.txt"]) == reader.many([paths["a.txt"]])[0] == ["a", "b"]
    assert _reads(log) == [paths["a.txt"]]
    assert isinstance(reader(str(tmp_path / "missing.txt")), InputError)


def test_a_cached_partial_reader_goes_to_a_worker_and_reads_the_same(tmp_path, cached):
    reader, log, _ = cached
    paths = _files(tmp_path / "in", {"a.txt": "a\n"})
    task = pickle.loads(pickle.dumps(partial(read_many, reader)))
    assert task([paths["a.txt"]]) == [["a"]]
    assert reader.many([paths["a.txt"]]) == [["a"]]  # the copy's result is in the cache
    assert _reads(log) == [paths["a.txt"]]


def test_read_inputs_in_workers_keeps_their_results_for_the_next_run(tmp_path, cached,
                                                                     monkeypatch):
    reader, log, folder = cached
    monkeypatch.setattr(inputs, "CHUNK", 3)
    count = inputs.PARALLEL_FROM + 2
    contents = {f"node{n:02}.txt": f"node {n}\n" for n in range(count)}
    _files(tmp_path / "fleet", contents)
    (tmp_path / "fleet" / "notes.txt").write_text("", encoding="utf-8")  # no report: skipped
    run = read_inputs([str(tmp_path / "fleet")], reader, jobs=2)
    assert run.items == [f"node {n}" for n in range(count)] and run.errors == []
    assert run.skipped == [str(tmp_path / "fleet" / "notes.txt")]
    assert len(_reads(log)) == count + 1 and _kept(folder) == count
    again = read_inputs([str(tmp_path / "fleet")], reader, jobs=1)
    assert again.items == run.items and again.skipped == run.skipped
    assert _reads(log)[count + 1:] == [str(tmp_path / "fleet" / "notes.txt")]


def test_read_inputs_in_one_process_keeps_each_chunk_in_one_go(tmp_path, cached, monkeypatch):
    reader, log, _ = cached
    monkeypatch.setattr(inputs, "CHUNK", 3)
    calls = []
    put_many = reader.results.put_many
    monkeypatch.setattr(reader.results, "put_many",
                        lambda entries: (calls.append(len(entries)), put_many(entries)))
    _files(tmp_path / "fleet", {f"node{n}.txt": f"node {n}\n" for n in range(8)})
    done = []
    run = read_inputs([str(tmp_path / "fleet")], reader, jobs=1, done=lambda: done.append(1))
    assert run.items == [f"node {n}" for n in range(8)]
    assert calls == [3, 3, 2] and len(done) == 8


# --- Terminal.pieces and Terminal.line -----------------------------------------------


def _pipe() -> tuple[Terminal, io.StringIO]:
    out = io.StringIO()
    return Terminal(out, io.StringIO(), is_terminal=False), out


def _tty(*, color: bool = True, width: int = 200) -> tuple[Terminal, io.StringIO]:
    out = io.StringIO()
    return Terminal(out, io.StringIO(), is_terminal=True, width=width, color=color), out


_SGR = re.compile("\x1b\\[[0-9;]*m")


def test_pieces_in_a_pipe_join_the_text_escape_controls_and_strip_trailing_spaces():
    terminal, out = _pipe()
    terminal.pieces(("GMR101 ", "bold"), "value \x1b[01;36m", ("bell\x07", "red"), "\t  ")
    terminal.pieces("  indented", ("", "dim"))
    assert out.getvalue() == "GMR101 value \\x1b[01;36mbell\\x07\n  indented\n"
    assert "\x1b" not in out.getvalue() and "\x07" not in out.getvalue()


@pytest.mark.parametrize("parts", [
    ("plain",),
    ("a", ("b", "bold"), "c "),
    (("\x1b[31mred\x1b[0m", "red"), " \x7f\x9b end"),
    ("tab\tinside", ("  ", "dim")),
    (),
])
def test_pieces_in_a_pipe_write_what_line_writes_for_the_joined_text(parts):
    joined = "".join(part if isinstance(part, str) else part[0] for part in parts)
    terminal, out = _pipe()
    terminal.pieces(*parts)
    by_line, expected = _pipe()
    by_line.line(joined)
    assert out.getvalue() == expected.getvalue() == escape_controls(joined).rstrip() + "\n"


def test_pieces_and_line_in_a_pipe_make_no_rich_text_or_console(monkeypatch):
    from rich.text import Text

    styled = Text("styled \x1b end  ", style="bold")

    def forbidden(*args, **kwargs):
        raise AssertionError("a rich Text made for a line in a pipe")

    monkeypatch.setattr(Text, "__init__", forbidden)
    terminal, out = _pipe()
    terminal.pieces("a ", ("b", "bold"))
    terminal.line("plain \x1b  ", style="dim")
    terminal.line(styled)
    assert out.getvalue() == "a b\nplain \\x1b\nstyled \\x1b end\n"
    assert terminal._out is None


def test_pieces_on_a_terminal_style_each_piece_and_escape_its_controls():
    terminal, out = _tty()
    terminal.pieces(("GMR101", "bold"), " plain \x1b[2J ", ("red\x07", "red"))
    written = out.getvalue()
    assert _SGR.sub("", written) == "GMR101 plain \\x1b[2J red\\x07\n"
    assert "\x07" not in written and "\x1b[2J" not in written
    assert "\x1b[1mGMR101" in written and "\x1b[31mred\\x07" in written


def test_pieces_on_a_terminal_without_color_write_no_escape_code():
    terminal, out = _tty(color=False)
    terminal.pieces(("GMR101", "bold"), " plain \x1b ", ("dim", "dim"))
    assert out.getvalue() == "GMR101 plain \\x1b dim\n"


def test_pieces_on_a_narrow_terminal_stay_one_line():
    terminal, out = _tty(color=False, width=20)
    long = "x" * 50
    terminal.pieces(("GMR101 ", "bold"), long, (" " + long, "dim"))
    assert out.getvalue() == f"GMR101 {long} {long}\n"


def test_line_in_a_pipe_escapes_a_rich_text_and_strips_its_trailing_spaces():
    from rich.text import Text

    terminal, out = _pipe()
    text = Text("head ")
    text.append("\x1b[0m tail \x01  ", style="red")
    terminal.line(text)
    terminal.line("str \x9b \t ")
    assert out.getvalue() == "head \\x1b[0m tail \\x01\nstr \\x9b\n"


# --- Terminal.progress ---------------------------------------------------------------


class _TtyErr(io.StringIO):
    def isatty(self) -> bool:
        return True


def _counter(total: int, asked: list[int]):
    def count() -> int:
        asked.append(total)
        return total
    return count


def test_progress_in_a_pipe_yields_none_without_calling_count():
    asked: list[int] = []
    terminal = Terminal(io.StringIO(), io.StringIO(), is_terminal=True)
    with terminal.progress(_counter(10_000, asked), "linting reports") as done:
        assert done is None
    assert asked == []


def test_progress_on_a_terminal_counts_once_and_skips_the_bar_for_few_inputs():
    asked: list[int] = []
    err = _TtyErr()
    terminal = Terminal(io.StringIO(), err, is_terminal=False)
    with terminal.progress(_counter(PROGRESS_FROM - 1, asked), "linting reports") as done:
        assert done is None
    assert asked == [PROGRESS_FROM - 1] and err.getvalue() == ""


def test_progress_on_a_terminal_counts_once_and_gives_a_step_for_many_inputs():
    asked: list[int] = []
    terminal = Terminal(io.StringIO(), _TtyErr(), is_terminal=False, color=False)
    with terminal.progress(_counter(PROGRESS_FROM, asked), "linting reports") as done:
        assert callable(done)
        for _ in range(PROGRESS_FROM):
            done()
    assert asked == [PROGRESS_FROM]


def test_lint_in_a_pipe_never_counts_its_files(monkeypatch):
    from gmr.cli import lint

    def count_files(inputs):
        raise AssertionError(f"{inputs} walked to count them")

    monkeypatch.setattr(lint, "count_files", count_files)
    ran = run_gmr("lint", "--no-cache", str(SAMPLES / "nova-34.0.0-compute-node1.txt"))
    assert ran.returncode in (0, 1), ran.stderr
    assert "1 report checked" in ran.stdout


# --- Configuration.named -------------------------------------------------------------

_tested: list[str] = []


def _ends_in_url(name: str) -> bool:
    _tested.append(name)
    return name.endswith("_url")


def _starts_with_a(name: str) -> bool:
    return name.startswith("a")


@pytest.fixture
def fresh_answers(monkeypatch):
    """`named` with nothing seen yet, and the names tested from here on."""
    monkeypatch.setattr(models, "_ANSWERS", {})
    monkeypatch.setattr(models, "_last_asked", (None, (), {}))
    _tested.clear()
    return _tested


def _named(configuration: Configuration, test=_ends_in_url) -> list[tuple[str, str, str]]:
    # (group, option, value) of what `named` found, each option checked to be the
    # configuration's own Option object in the group named.
    found = configuration.named(test)
    for group, option in found:
        assert option is configuration.groups[group].options[option.name]
    return [(group, option.name, option.value) for group, option in found]


def test_named_gives_this_configuration_s_own_groups_and_options_in_printed_order(
        fresh_answers):
    configuration = Configuration.model_validate({
        "default": {"transport_url": "rabbit://", "debug": "False", "log_url": "x"},
        "glance": {"api_url": "http://glance"},
        "empty": {},
    })
    assert _named(configuration) == [("default", "transport_url", "rabbit://"),
                                     ("default", "log_url", "x"),
                                     ("glance", "api_url", "http://glance")]


def test_named_gives_each_configuration_of_one_layout_its_own_values(fresh_answers):
    layout = {"default": ("transport_url", "debug"), "keystone": ("auth_url", "region")}
    nodes = [Configuration.model_validate({
        group: {name: f"{name}-{n}" for name in names} for group, names in layout.items()})
        for n in range(3)]
    for _ in range(2):
        for n, node in enumerate(nodes):
            assert _named(node) == [("default", "transport_url", f"transport_url-{n}"),
                                    ("keystone", "auth_url", f"auth_url-{n}")]
    assert sorted(fresh_answers) == sorted(["transport_url", "debug", "auth_url", "region"])


def test_named_tests_each_name_once_per_layout_and_test(fresh_answers):
    one = Configuration.model_validate({"default": {"a_url": "1", "b": "2"}})
    same = Configuration.model_validate({"default": {"a_url": "3", "b": "4"}})
    other = Configuration.model_validate({"default": {"a_url": "5", "c": "6"}})
    for configuration in (one, same, one, same):
        configuration.named(_ends_in_url)
    assert fresh_answers == ["a_url", "b"]
    assert _named(other) == [("default", "a_url", "5")]
    assert fresh_answers == ["a_url", "b", "a_url", "c"]
    assert _named(one, _starts_with_a) == [("default", "a_url", "1")]
    assert len(fresh_answers) == 4


def test_named_follows_layouts_that_differ_in_order_groups_or_names(fresh_answers):
    configurations = {
        "first": Configuration.model_validate({"g": {"x_url": "1", "y_url": "2", "z": "3"}}),
        "reordered": Configuration.model_validate({"g": {"y_url": "4", "z": "5", "x_url": "6"}}),
        "regrouped": Configuration.model_validate({"h": {"x_url": "7", "y_url": "8", "z": "9"}}),
        "split": Configuration.model_validate({"g": {"x_url": "10"},
                                               "h": {"y_url": "11", "z": "12"}}),
        "renamed": Configuration.model_validate({"g": {"x_url": "13", "y": "14", "z": "15"}}),
        "more": Configuration.model_validate({"g": {"x_url": "16", "y_url": "17", "z": "18",
                                                    "w_url": "19"}}),
    }
    expected = {
        "first": [("g", "x_url", "1"), ("g", "y_url", "2")],
        "reordered": [("g", "y_url", "4"), ("g", "x_url", "6")],
        "regrouped": [("h", "x_url", "7"), ("h", "y_url", "8")],
        "split": [("g", "x_url", "10"), ("h", "y_url", "11")],
        "renamed": [("g", "x_url", "13")],
        "more": [("g", "x_url", "16"), ("g", "y_url", "17"), ("g", "w_url", "19")],
    }
    order = ["first", "reordered", "first", "regrouped", "split", "first", "renamed",
             "more", "split", "reordered"]
    for key in order:
        assert _named(configurations[key]) == expected[key], key
    assert len(models._ANSWERS) == len(configurations)


def test_named_stays_right_past_256_layouts_and_bounds_what_it_keeps(fresh_answers):
    def configuration(n: int, value: str) -> Configuration:
        return Configuration.model_validate({
            "default": {f"opt{n}": value, f"opt{n}_url": value},
            f"group{n % 7}": {"auth_url": value},
        })

    first = [configuration(n, f"first-{n}") for n in range(300)]
    for n, each in enumerate(first):
        assert _named(each) == [("default", f"opt{n}_url", f"first-{n}"),
                                (f"group{n % 7}", "auth_url", f"first-{n}")]
        assert len(models._ANSWERS) <= 256
    again = [configuration(n, f"again-{n}") for n in range(300)]
    for n in (0, 1, 255, 256, 257, 299, 0):
        assert _named(again[n]) == [("default", f"opt{n}_url", f"again-{n}"),
                                    (f"group{n % 7}", "auth_url", f"again-{n}")]
        assert _named(first[n]) == [("default", f"opt{n}_url", f"first-{n}"),
                                    (f"group{n % 7}", "auth_url", f"first-{n}")]
    assert len(models._ANSWERS) <= 256


def test_named_keeps_the_answers_of_different_tests_apart(fresh_answers):
    configuration = Configuration.model_validate({
        "default": {"auth_url": "1", "api": "2", "debug": "3"},
        "glance": {"api_url": "4"},
    })
    for _ in range(2):
        assert _named(configuration) == [("default", "auth_url", "1"),
                                         ("glance", "api_url", "4")]
        assert _named(configuration, _starts_with_a) == [
            ("default", "auth_url", "1"), ("default", "api", "2"), ("glance", "api_url", "4")]
    assert _named(configuration, lambda name: False) == []


def test_named_remembers_a_bounded_number_of_tests_per_layout(full_report):
    """A rule that makes its test anew at each call must not grow the answers kept for a
    layout without end."""
    import gmr

    (report,) = gmr.parse(full_report.text)
    configuration = report.configuration
    for n in range(500):
        assert configuration.named(lambda name, n=n: name == f"no_option_{n}") == []
    assert len(models._last_asked[1]) <= 64
