"""Shared fixtures: real reports from the oslo.reports generator, made once per session."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import generator as gen  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

#: Options of every kind oslo.config offers, in every group shape a report shows.
EVERY_KIND = (
    gen.OptionSpec("DEFAULT", "host", "hostaddress", "compute-1"),
    gen.OptionSpec("DEFAULT", "my_ip", "ip", "10.20.30.11"),
    gen.OptionSpec("DEFAULT", "cpu_allocation_ratio", "float", 4.0),
    gen.OptionSpec("DEFAULT", "debug", "bool", True),
    gen.OptionSpec("DEFAULT", "empty-string", "str", ""),
    gen.OptionSpec("DEFAULT", "unset", "str", None),
    gen.OptionSpec("DEFAULT", "enabled_backends", "list", ["lvm-1", "ceph-1", "Mid"]),
    gen.OptionSpec("DEFAULT", "empty_list", "list", []),
    gen.OptionSpec("DEFAULT", "transport_url", "uri", "rabbit://nova:s3cret@ctl:5672/", secret=True),
    gen.OptionSpec("DEFAULT", "logging_context_format_string", "str",
                   "\x1b[01;36m%(request_id)s \x1b[00;36m%(user)s = x: y"),
    gen.OptionSpec("database", "connection", "str", "mysql+pymysql://nova:pw@db/nova", secret=True),
    gen.OptionSpec("database", "max_pool_size", "int", -1),
    gen.OptionSpec("keystone_authtoken", "auth-url", "uri", "https://keystone:5000/v3"),
    gen.OptionSpec("keystone_authtoken", "password", "str", "leaked"),
    gen.OptionSpec("pci", "alias", "dict", {"name": "gpu", "vendor_id": "10de", "empty": ""}),
    gen.OptionSpec("pci", "empty_dict", "dict", {}),
    gen.OptionSpec("pci", "passthrough_whitelist", "multistr", ["b", "a"]),
    gen.OptionSpec("cors.subdomain", "allowed_origin", "list", ["https://a.example"]),
    gen.OptionSpec("UPPER", "banner", "multiline", "line one\n  indented = 1\n\nlast: x"),
    gen.OptionSpec("UPPER", "port", "port", 8774),
)


#: Package sections of nova releases, for reports whose release matters to a test.
NOVA_34 = ("OpenStack Nova", "OpenStack Foundation", "34.0.0")
NOVA_13 = ("OpenStack Nova", "OpenStack Foundation", "13.0.0")


def report_text(options, package, **spec) -> str:
    """A real report holding `options`, each (group, name, type, value) with an optional
    fifth item True for a secret option; no threads or greenlets beyond the main ones."""
    specs = tuple(gen.OptionSpec(o[0], o[1], o[2], o[3], secret=len(o) > 4 and o[4])
                  for o in options)
    return gen.generate(gen.ReportSpec(options=specs, package=package, threads=0, greenlets=0,
                                       **spec)).text


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/*.json from samples/ instead of comparing")
    parser.addoption("--update-readme", action="store_true",
                     help="rewrite the output README.md shows for its examples")


@pytest.fixture(scope="session", autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """gmr's cache in a folder of this test session, not the user's."""
    import os

    folder = tmp_path_factory.mktemp("gmr-cache")
    os.environ["GMR_CACHE_DIR"] = str(folder)
    return folder


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def full_report() -> gen.GeneratedReport:
    """A real report with every option kind, threads, greenlets, a process tree and an
    extra section, printed to stderr on SIGUSR2."""
    return gen.generate(gen.ReportSpec(
        options=EVERY_KIND, threads=2, greenlets=2, children=2, grandchildren=1,
        extra_sections=(("Plugins", "+----+\n| a  |\n+----+"),),
    ))


@pytest.fixture(scope="session")
def small_report() -> gen.GeneratedReport:
    """A short real report, for wrapping in log prefixes."""
    return gen.generate(gen.ReportSpec(options=EVERY_KIND[:8], threads=1, greenlets=1,
                                       children=1))


@dataclass
class Ran:
    """What one in-process `gmr` run printed, and its exit code (named as in
    subprocess.CompletedProcess)."""

    returncode: int
    stdout: str
    stderr: str


def run_gmr(*args: str, stdin: str | None = None, tty: bool = False, width: int = 200,
            color: bool = False, cwd: Path | None = None) -> Ran:
    """`gmr ARGS` run in this process through a recording terminal: a pipe by default, a
    terminal `width` columns wide with `tty`; in the folder `cwd` when given."""
    import io
    import os

    from gmr.cli import run
    from gmr.cli.terminal import Terminal

    out, err = io.StringIO(), io.StringIO()
    terminal = Terminal(out, err, is_terminal=tty, width=width, color=color)
    saved, folder = sys.stdin, os.getcwd()
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()), encoding="utf-8")
    try:
        if cwd is not None:
            os.chdir(cwd)
        code = run(list(args), terminal)
    finally:
        sys.stdin = saved
        os.chdir(folder)
    return Ran(code, out.getvalue(), err.getvalue())
