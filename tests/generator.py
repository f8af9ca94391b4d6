"""Produce real Guru Meditation Reports for tests.

Every report is rendered by the installed oslo.reports + oslo.config code in a
long-lived worker subprocess (``tests/_oslo_worker.py``); this module only
describes what to build and ships the request over a pipe.  There is no
hand-written report text anywhere.

    from generator import OptionSpec, ReportSpec, generate

    rep = generate(ReportSpec(options=(OptionSpec("database", "connection",
                                                  "str", "mysql://x", secret=True),)))
    assert "  connection = ***" in rep.text
    assert rep.values["database"]["connection"] == "mysql://x"

Workers: one per ``greenlet_available`` flavour, started lazily on first use
and reused for every later spec of the process (call :func:`start_workers`
from a session fixture to pay the ~0.3 s start-up outside a timed/hypothesis
test).  They are stopped at interpreter exit.  If a worker dies, the call
raises RuntimeError with the worker's stderr, and the next call starts a new
worker.

Stack scenarios and snapshots: ``ReportSpec(scenarios=(...))`` arranges
threads with real library code paths inside the reporting process (see
SCENARIOS), and :func:`generate_snapshots` takes N reports of ONE process by N
real triggers, keeping every arranged thread in place between them (the stuck
ones unchanged, the busy ones moved on):

    reps = generate_snapshots(ReportSpec(scenarios=("lock", "busy"), threads=0,
                                         greenlets=0), count=3)
    assert len({r.pid for r in reps}) == 1
    holder = reps[0].roles["lock_holder"]  # the thread id the report prints

A spec with scenarios runs in a worker of its own, started for that call and
ended after it (its threads sleep for good, and an eventlet hub cannot be
undone), so it costs a process start-up (~0.5 s): tests should make one
series per session and share it.

This module must not import ``gmr`` (the code under test).
"""

from __future__ import annotations

import atexit
import dataclasses
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

__all__ = [
    "OPTION_TYPES",
    "OptionSpec",
    "ReportSpec",
    "GeneratedReport",
    "generate",
    "generate_many",
    "generate_snapshots",
    "SCENARIOS",
    "start_workers",
    "shutdown_workers",
    "worker_info",
]

WORKER_SCRIPT = Path(__file__).resolve().with_name("_oslo_worker.py")

OPTION_TYPES = frozenset(
    {
        "str",
        "int",
        "float",
        "bool",
        "list",
        "dict",
        "multistr",
        "port",
        "uri",
        "hostaddress",
        "ip",
        "multiline",
    }
)
TRIGGERS = frozenset({"signal", "file"})

#: What each scenario arranges in the reporting process; role names (keys of
#: GeneratedReport.roles, native threads only) in brackets.
SCENARIOS = {
    "lock": "oslo.concurrency lockutils.synchronized('compute_resources'): one thread "
    "asleep inside claim_resources [lock_holder], one blocked in lockutils' "
    "threading.Semaphore acquire [lock_waiter]",
    "plain_lock": "a threading.Lock held by a sleeping thread [plain_lock_holder] and a "
    "thread blocked in its acquire() [plain_lock_waiter]",
    "socket": "a thread reading a line from one end of a socket.socketpair() whose other "
    "end never writes: blocked in socket.py SocketIO.readinto / recv_into [socket_reader]",
    "subprocess": "oslo.concurrency processutils.execute('sleep', ...) waiting for the "
    "command (subprocess communicate -> selectors select) [command_runner]; the "
    "command is a child process in Processes, killed after the last snapshot",
    "busy": "two threads working (gzip, sha256, zlib: C code that releases the GIL) in "
    "busy_phase_<k>, k = snapshot index % 3, so their stacks change between snapshots "
    "[busy_0, busy_1]",
    "executor": "an idle futurist.ThreadPoolExecutor(max_workers=3): its workers wait "
    "for work in queue.get [executor_worker_0..2]",
    "eventlet": "an eventlet hub and green threads: green_holder asleep holding an "
    "eventlet Semaphore, three green_waiter blocked in its acquire (one stack), "
    "green_sleeper in eventlet.sleep, green_mover waiting on an Event in green_phase_<k>, "
    "k = snapshot index % 3 (moves between snapshots); needs greenlet_available",
}
DELIVERIES = frozenset({"stderr", "log_dir"})

#: seconds to wait for one report before declaring the worker hung
REQUEST_TIMEOUT = 60.0
START_TIMEOUT = 60.0


# ---------------------------------------------------------------------------
# Specs and results
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class OptionSpec:
    """One oslo.config option to register and set.

    group: "DEFAULT" for the default group (printed as ``default:``); any other
        name is used as is (dotted, upper-case, ...).
    name: the option name as printed (may contain dashes; oslo.config's dest
        replaces them with underscores).
    type: one of OPTION_TYPES; maps to StrOpt, IntOpt, FloatOpt, BoolOpt,
        ListOpt, DictOpt, MultiStrOpt, PortOpt, URIOpt, HostAddressOpt, IPOpt;
        "multiline" is a StrOpt whose value contains "\\n".
    value: JSON-able value handed to ``CONF.set_override`` (converted by the
        opt's type, so it must be acceptable to it); None leaves the option
        unset (None).  "$" is escaped as "$$" so oslo.config's template
        substitution holds the literal value; the sequence backslash-dollar
        cannot be represented (oslo.config rewrites it) -- ``values`` always
        says what oslo.config really held.
    """

    group: str
    name: str
    type: str
    value: Any
    secret: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.group, str) or not self.group:
            raise ValueError(f"group must be a non-empty str, got {self.group!r}")
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"name must be a non-empty str, got {self.name!r}")
        if self.type not in OPTION_TYPES:
            raise ValueError(f"type must be one of {sorted(OPTION_TYPES)}, got {self.type!r}")
        if not isinstance(self.secret, bool):
            raise ValueError("secret must be a bool")


@dataclass(frozen=True)
class ReportSpec:
    """What the reporting process looks like when the report is triggered.

    options: options registered on top of what oslo.config ([DEFAULT]
        config-file, config-dir, config_source, shell_completion) and
        oslo.reports ([oslo_reports] log_dir, file_event_handler,
        file_event_handler_interval) register themselves.  The harness drives
        the [oslo_reports] ones; a spec may not set them.
    package: (product, vendor, version) returned by a version object's
        product_string()/vendor_string()/version_string_with_package(); None
        passes a plain version string (neutron/cinder/glance style), so all
        three print as None.
    threads: extra native threads parked in functions named
        ``gmr_native_thread_<i>`` (2-4 frames deep inside the worker).
    lineless_threads: extra native threads caught at an instruction that
        has no line number, in functions named ``gmr_lineless_thread_<i>``:
        each leaves an ``except ... as name:`` block by an exception, and the
        block's cleanup (``name = None``), which CPython compiles without a
        line, frees an object whose ``__del__`` blocks.  Python 3.11+ then
        prints the frame as ``<file>:None in gmr_lineless_thread_<i>`` and
        ``(source not found)``, as in busy nova-compute threads.
    greenlets: suspended greenlets in functions named ``gmr_green_thread_<i>``;
        the main greenlet ("No Traceback!") always exists in addition.
        Ignored when greenlet_available is False.
    children: child processes (``sleep``) of the reporting process.
    grandchildren: children of the first child (that child is then a
        ``/bin/sh`` that started them); requires children >= 1.
    greenlet_available: False runs a worker where ``import greenlet`` raises
        ImportError, so oslo.reports omits Green Threads.
    extra_sections: (title, body) pairs registered with
        TextGuruMeditation.register_section; body is the str the section's
        generator returns.
    scenarios: names from SCENARIOS, arranged (in this order) after the
        threads and greenlets above; see the module docstring.
    trigger: "signal" (SIGUSR2 to itself via setup_autorun) or "file"
        ([oslo_reports] file_event_handler touched; the watcher thread renders
        the report, with file_event_handler_interval = 0).
    delivery: "stderr" (print(); text ends with exactly one "\\n") or
        "log_dir" (the file written in [oslo_reports] log_dir; no trailing
        newline).
    """

    options: tuple[OptionSpec, ...] = ()
    package: tuple[str | None, str | None, str | None] | None = (
        "OpenStack Nova",
        "OpenStack Foundation",
        "29.0.0",
    )
    threads: int = 1
    lineless_threads: int = 0
    greenlets: int = 1
    children: int = 0
    grandchildren: int = 0
    greenlet_available: bool = True
    extra_sections: tuple[tuple[str, str], ...] = ()
    trigger: str = "signal"
    delivery: str = "stderr"
    scenarios: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # normalise lists given by callers to tuples (the dataclass is frozen)
        object.__setattr__(self, "options", tuple(self.options))
        object.__setattr__(self, "scenarios", tuple(self.scenarios))
        object.__setattr__(
            self, "extra_sections", tuple((t, b) for t, b in self.extra_sections)
        )
        if self.package is not None:
            object.__setattr__(self, "package", tuple(self.package))
            if len(self.package) != 3:
                raise ValueError("package must be (product, vendor, version) or None")
        for o in self.options:
            if not isinstance(o, OptionSpec):
                raise ValueError(f"options must be OptionSpec objects, got {o!r}")
        for field in ("threads", "lineless_threads", "greenlets", "children", "grandchildren"):
            v = getattr(self, field)
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise ValueError(f"{field} must be an int >= 0, got {v!r}")
        if self.grandchildren and not self.children:
            raise ValueError("grandchildren need children >= 1 (they hang off the first child)")
        if self.trigger not in TRIGGERS:
            raise ValueError(f"trigger must be one of {sorted(TRIGGERS)}, got {self.trigger!r}")
        if self.delivery not in DELIVERIES:
            raise ValueError(
                f"delivery must be one of {sorted(DELIVERIES)}, got {self.delivery!r}"
            )
        for title, body in self.extra_sections:
            if not isinstance(title, str) or not isinstance(body, str):
                raise ValueError("extra_sections must be (str title, str body) pairs")
        for name in self.scenarios:
            if name not in SCENARIOS:
                raise ValueError(f"scenarios must be among {sorted(SCENARIOS)}, got {name!r}")
        if len(set(self.scenarios)) != len(self.scenarios):
            raise ValueError("a scenario may be given once")
        if "eventlet" in self.scenarios and not self.greenlet_available:
            raise ValueError("the eventlet scenario needs greenlet_available")


@dataclass(frozen=True)
class GeneratedReport:
    """One real report and the ground truth behind it.

    text: exactly what oslo.reports emitted (stderr capture incl. print()'s
        "\\n", or the log_dir file content).
    values: {group as printed ("default" for DEFAULT): {opt.name: value}} for
        every option oslo.config held, read back through CONF[...] (secrets
        unmasked; lists in configured order; dicts as dicts).
    secrets: (group as printed, opt.name) of every secret option.
    pid: pid of the reporting (worker) process.
    children: pids of the spawned children, then of the grandchildren; all
        are dead by the time generate() returns.
    log_file_name: name of the log_dir file (delivery="log_dir"), else None.
    roles: {role: thread id as printed in Threads} of the native threads the
        spec's scenarios arranged (see SCENARIOS).
    taken_at: time.time() in the worker just before the trigger (snapshots).
    """

    text: str
    values: dict[str, dict[str, Any]]
    secrets: frozenset[tuple[str, str]]
    pid: int
    children: tuple[int, ...]
    log_file_name: str | None = None
    roles: dict[str, int] = dataclasses.field(default_factory=dict)
    taken_at: float | None = None


# ---------------------------------------------------------------------------
# Worker management
# ---------------------------------------------------------------------------
class _Worker:
    def __init__(
        self, greenlet_available: bool, one_shot: bool = False, script: Path = WORKER_SCRIPT
    ) -> None:
        self.greenlet_available = greenlet_available
        self.owner_pid = os.getpid()
        self.tmpdir = tempfile.mkdtemp(prefix="gmr-harness-")
        self.stderr_path = os.path.join(self.tmpdir, "worker.stderr")
        self._buf = b""
        env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
        # oslo.config reads OS_<GROUP>__<OPT> from the environment; dropped
        # above so the caller's environment cannot change the report.
        env["TMPDIR"] = self.tmpdir  # everything the worker creates lives here
        env["PYTHONUTF8"] = "1"  # log_dir files are written with open(..., "w")
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("GMR_WORKER_NO_GREENLET", None)
        if not greenlet_available:
            env["GMR_WORKER_NO_GREENLET"] = "1"
        env.pop("GMR_WORKER_ONE_SHOT", None)
        if one_shot:
            env["GMR_WORKER_ONE_SHOT"] = "1"
        python = os.environ.get("GMR_OSLO_PYTHON", sys.executable)
        with open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(
                [python, str(script)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                cwd=self.tmpdir,
                env=env,
                bufsize=0,
                close_fds=True,
            )
        self.hello = self._read(START_TIMEOUT)
        if self.hello.get("hello") != "gmr-oslo-worker":
            raise self._died(f"unexpected hello {self.hello!r}")
        if self.hello["greenlet"] != greenlet_available or (
            self.hello["gmr_greenlet"] != greenlet_available
        ):
            self.close()
            raise RuntimeError(
                f"worker greenlet availability is {self.hello['greenlet']}, "
                f"wanted {greenlet_available}"
            )

    # -- pipe I/O --------------------------------------------------------
    def stderr_text(self) -> str:
        try:
            with open(self.stderr_path, "rb") as f:
                data = f.read()
        except OSError:
            return "<no stderr log>"
        text = data.decode("utf-8", "replace")
        return text[-20000:] if len(text) > 20000 else text

    def _died(self, what: str) -> RuntimeError:
        try:
            rc = self.proc.wait(2)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        return RuntimeError(
            f"oslo.reports worker (pid {self.proc.pid}, greenlet_available="
            f"{self.greenlet_available}) {what}; exit code {rc}; its stderr:\n"
            f"{self.stderr_text()}"
        )

    def _read(self, timeout: float) -> dict[str, Any]:
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buf:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.proc.kill()
                raise self._died(f"did not answer within {timeout:.0f} s (killed)")
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise self._died("died (EOF on its stdout)")
            self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return json.loads(line)

    def request(self, doc: dict[str, Any], timeout: float = REQUEST_TIMEOUT) -> dict[str, Any]:
        data = (json.dumps(doc, ensure_ascii=True) + "\n").encode("ascii")
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise self._died(f"died (cannot write request: {exc})") from None
        return self._read(timeout)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        if self.owner_pid != os.getpid():
            return  # a forked copy of the parent: the worker is not ours
        try:
            if self.proc.stdin:
                self.proc.stdin.close()  # EOF: the worker cleans up and exits
        except OSError:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        shutil.rmtree(self.tmpdir, ignore_errors=True)


_workers: dict[bool, _Worker] = {}
_lock = threading.RLock()


def _get_worker(greenlet_available: bool) -> _Worker:
    w = _workers.get(greenlet_available)
    if w is not None and (w.owner_pid != os.getpid() or not w.alive()):
        if w.owner_pid == os.getpid():
            w.close()
        w = None
    if w is None:
        w = _Worker(greenlet_available)
        _workers[greenlet_available] = w
    return w


def start_workers(*flavours: bool) -> None:
    """Start the worker(s) now (default: both flavours)."""
    with _lock:
        for flavour in flavours or (True, False):
            _get_worker(bool(flavour))


def worker_info(greenlet_available: bool = True) -> dict[str, Any]:
    """The worker's hello document: pid, greenlet, oslo.* versions, python."""
    with _lock:
        return dict(_get_worker(greenlet_available).hello)


@atexit.register
def shutdown_workers() -> None:
    """Stop all workers (also run at interpreter exit)."""
    with _lock:
        while _workers:
            _, w = _workers.popitem()
            try:
                w.close()
            except Exception:
                pass


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------
def _spec_to_json(spec: ReportSpec) -> dict[str, Any]:
    d = dataclasses.asdict(spec)
    d["options"] = [dataclasses.asdict(o) for o in spec.options]
    return d


def _call(
    greenlet_available: bool, doc: dict[str, Any], timeout: float = REQUEST_TIMEOUT
) -> dict[str, Any]:
    with _lock:
        w = _get_worker(greenlet_available)
        try:
            resp = w.request(doc, timeout)
        except RuntimeError:
            _workers.pop(greenlet_available, None)
            try:
                w.close()
            except Exception:
                pass
            raise
    return _result(resp)


def _result(resp: dict[str, Any]) -> dict[str, Any]:
    if not resp.get("ok"):
        err = resp.get("error")
        msg = f"{resp.get('message')}\n-- worker traceback --\n{resp.get('traceback')}"
        if err == "ValueError":
            raise ValueError(msg)
        raise RuntimeError(f"{err}: {msg}")
    return resp["result"]


def _crash_worker(greenlet_available: bool, message: str) -> None:
    """Test hook: make the worker print ``message`` to its stderr and exit 3."""
    _call(greenlet_available, {"op": "_crash", "message": message})


def generate(spec: ReportSpec) -> GeneratedReport:
    """Render one report with the real oslo.reports code (a spec with
    scenarios: the first of generate_snapshots(spec, 1)).

    Raises ValueError when the spec cannot be realised (a value its opt type
    rejects, a duplicate option, ...) and RuntimeError when oslo.reports did
    not produce a report or the worker died (with its stderr)."""
    if not isinstance(spec, ReportSpec):
        raise TypeError(f"expected ReportSpec, got {type(spec).__name__}")
    if spec.scenarios:
        return generate_snapshots(spec, 1)[0]
    doc = {"op": "generate", "spec": _spec_to_json(spec)}
    res = _call(spec.greenlet_available, doc)
    return GeneratedReport(
        text=res["text"],
        values=res["values"],
        secrets=frozenset((g, n) for g, n in res["secrets"]),
        pid=res["pid"],
        children=tuple(res["children"]),
        log_file_name=res["log_file_name"],
    )


def generate_many(specs: Iterable[ReportSpec]) -> list[GeneratedReport]:
    """generate() for each spec, in order (workers are shared)."""
    return [generate(s) for s in specs]


def generate_snapshots(
    spec: ReportSpec, count: int = 3, interval: float = 0.0, script: Path | None = None
) -> list[GeneratedReport]:
    """``count`` reports of ONE process, by ``count`` real triggers (SIGUSR2,
    or the watched file), ``interval`` seconds apart, in time order.

    Everything the spec arranges stays in place between them: parked
    threads and greenlets and children unchanged, scenario threads blocked
    where they were, busy ones moved to their next phase.  ``script`` runs
    a copy of the worker under another file name (tools/make_stacks_samples.py
    names it like a service); only with scenarios, which take a worker of
    their own.  Every report carries the same values, pid, children and
    roles, and its own text, log_file_name and taken_at."""
    if not isinstance(spec, ReportSpec):
        raise TypeError(f"expected ReportSpec, got {type(spec).__name__}")
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise ValueError(f"count must be an int >= 1, got {count!r}")
    if interval < 0:
        raise ValueError(f"interval must be >= 0, got {interval!r}")
    if script is not None and not spec.scenarios:
        raise ValueError("script is only for specs with scenarios")
    doc = {"op": "snapshots", "spec": _spec_to_json(spec), "count": count, "interval": interval}
    timeout = REQUEST_TIMEOUT + count * interval
    if spec.scenarios:
        worker = _Worker(spec.greenlet_available, one_shot=True,
                         script=script or WORKER_SCRIPT)
        try:
            resp = worker.request(doc, timeout)
        finally:
            worker.close()
        res = _result(resp)
    else:
        res = _call(spec.greenlet_available, doc, timeout)
    return [
        GeneratedReport(
            text=r["text"],
            values=res["values"],
            secrets=frozenset((g, n) for g, n in res["secrets"]),
            pid=res["pid"],
            children=tuple(res["children"]),
            log_file_name=r["log_file_name"],
            roles=dict(res["roles"]),
            taken_at=r["time"],
        )
        for r in res["reports"]
    ]
