"""Long-lived child process that renders Guru Meditation Reports with the REAL
oslo.reports + oslo.config code.  Started by ``tests/generator.py``; never
imported by the test process itself.

Protocol (one JSON document per line, ASCII only because ``json.dumps`` escapes
everything outside ASCII, so ESC, NUL, non-ASCII and lone surrogates in a
report survive unchanged):

    parent -> worker   {"op": "generate", "spec": {...}}   | {"op": "ping"}
    worker -> parent   {"ok": true,  "result": {...}}
                       {"ok": false, "error": "ValueError", "message": ..., "traceback": ...}

The very first line the worker writes is a hello document
(``{"hello": "gmr-oslo-worker", "pid": ..., "greenlet": bool, ...}``).
The worker exits cleanly when its stdin reaches EOF.

The protocol stream is a private duplicate of the original stdout; fd 1 is
then pointed at fd 2 (a log file owned by the parent), so nothing that prints
to stdout -- oslo code, a warning, a child process -- can corrupt the protocol.

greenlet-less flavour: when GMR_WORKER_NO_GREENLET=1 is in the environment,
``sys.modules['greenlet'] = None`` is set *before* anything imports
oslo_reports, so ``import greenlet`` raises ImportError exactly as it does on a
host without greenlet, and oslo.reports >= 3.3 then omits "Green Threads".
"""

import os
import sys

if os.environ.get("GMR_WORKER_NO_GREENLET") == "1":
    # A None entry in sys.modules makes `import greenlet` raise ImportError.
    sys.modules["greenlet"] = None  # type: ignore[assignment]

import gc  # noqa: E402
import gzip  # noqa: E402
import hashlib  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import types  # noqa: E402
import weakref  # noqa: E402
import zlib  # noqa: E402

import psutil  # noqa: E402
from oslo_config import cfg  # noqa: E402
from oslo_reports import guru_meditation_report as gmr  # noqa: E402
from oslo_reports import opts as gmr_opts  # noqa: E402
from oslo_reports.generators import conf as gmr_conf_gen  # noqa: E402

try:
    import greenlet
except ImportError:
    greenlet = None

# The one ConfigOpts object every piece of OpenStack code shares.  Its identity
# must never change: ConfigReportGenerator.__init__ has ``cnf=cfg.CONF`` as a
# default argument (bound when oslo_reports.generators.conf was imported), and
# TextGuruMeditation builds ``ConfigReportGenerator()`` with no argument.
CONF = cfg.CONF
assert gmr_conf_gen.ConfigReportGenerator.__init__.__defaults__[0] is CONF

OPT_CLASSES = {
    "str": cfg.StrOpt,
    "multiline": cfg.StrOpt,
    "int": cfg.IntOpt,
    "float": cfg.FloatOpt,
    "bool": cfg.BoolOpt,
    "list": cfg.ListOpt,
    "dict": cfg.DictOpt,
    "multistr": cfg.MultiStrOpt,
    "port": cfg.PortOpt,
    "uri": cfg.URIOpt,
    "hostaddress": cfg.HostAddressOpt,
    "ip": cfg.IPOpt,
}
STRINGY = {"str", "multiline", "uri", "hostaddress", "ip"}

# [oslo_reports] options the harness drives itself.
HARNESS_OPTS = {"log_dir", "file_event_handler", "file_event_handler_interval"}

WAIT_TIMEOUT = 10.0
CHILD_SLEEP = "300"


class SpecError(ValueError):
    """The spec cannot be realised (reported to the parent as ValueError)."""


# --------------------------------------------------------------------------
# Package / version object
# --------------------------------------------------------------------------
class HarnessVersionInfo:
    """Looks like pbr's / nova.version's object for the Package section."""

    def __init__(self, product, vendor, version):
        self._product = product
        self._vendor = vendor
        self._version = version

    def product_string(self):
        return self._product

    def vendor_string(self):
        return self._vendor

    def version_string_with_package(self):
        return self._version


# --------------------------------------------------------------------------
# oslo.config state
# --------------------------------------------------------------------------
def _escape_template(value):
    """oslo.config runs string.Template substitution on every string it hands
    out ("$host" -> value of option host).  "$$" is its escape for a literal
    "$", so escaping makes the held value equal the spec value.  (A literal
    backslash-dollar cannot be expressed: oslo.config rewrites "\\$" to "$$"
    before substituting; `values` always reports what oslo.config really
    held.)"""
    if isinstance(value, str):
        return value.replace("$", "$$")
    if isinstance(value, list):
        return [_escape_template(v) for v in value]
    if isinstance(value, dict):
        return {_escape_template(k): _escape_template(v) for k, v in value.items()}
    return value


def reset_conf(spec, tmpdir):
    """Bring the global cfg.CONF back to the state of a freshly imported
    oslo.config, then configure it for ``spec``.

    ``ConfigOpts.__init__`` is re-run on the *same* object: it rebuilds every
    piece of per-instance state (_opts, _groups, caches, parsed namespace,
    cli-opt deque, sources) and registers oslo.config's own built-in options
    (config_source, shell_completion) exactly as ``cfg.CONF = ConfigOpts()``
    did at import time.  ``CONF.reset()`` would NOT do: it unsets overrides
    but leaves every registered option and group behind, so options of earlier
    specs would leak into later reports.  Rebinding ``cfg.CONF`` to a new
    object would not do either: ConfigReportGenerator would keep printing the
    old object it captured as a default argument.
    """
    CONF.__init__()
    gmr_opts.set_defaults(CONF)  # [oslo_reports] log_dir, file_event_handler*

    for o in spec["options"]:
        group = o["group"]
        if group == "oslo_reports" and o["name"].replace("-", "_") in HARNESS_OPTS:
            raise SpecError(f"[oslo_reports] {o['name']} is driven by the harness")
        cls = OPT_CLASSES.get(o["type"])
        if cls is None:
            raise SpecError(f"unknown option type {o['type']!r}")
        opt = cls(o["name"], secret=bool(o["secret"]))
        try:
            CONF.register_opt(opt, group=None if group == "DEFAULT" else group)
        except (cfg.DuplicateOptError, ValueError) as exc:
            raise SpecError(f"cannot register [{group}] {o['name']}: {exc}") from exc

    # Parse like a service does: no CLI args, one (empty) config file that
    # lives in the worker's temp dir, no config dir.  default_config_* are
    # given explicitly so oslo.config never searches /etc or ~.
    conf_file = os.path.join(tmpdir, "harness.conf")
    if not os.path.exists(conf_file):
        with open(conf_file, "w"):
            pass
    CONF(
        args=[],
        project="gmr-harness",
        default_config_files=[conf_file],
        default_config_dirs=[],
    )

    for o in spec["options"]:
        if o["value"] is None:
            continue
        group = None if o["group"] == "DEFAULT" else o["group"]
        dest = o["name"].replace("-", "_")
        try:
            CONF.set_override(dest, _escape_template(o["value"]), group=group)
        except Exception as exc:  # conversion errors of the opt type
            raise SpecError(
                f"[{o['group']}] {o['name']} ({o['type']}) rejects {o['value']!r}: "
                f"{type(exc).__name__}: {exc}"
            ) from exc


def read_back_conf():
    """What oslo.config holds, keyed the way oslo_reports.models.conf prints
    it: group 'default' for DEFAULT and then every group by OptGroup.name
    (a real group called 'default' replaces DEFAULT, as in the report);
    option names are ``opt.name`` (dashes kept).  Values are read through
    ``CONF[dest]`` / ``CONF[group][dest]``, i.e. the same lookups
    ConfigModel makes, but without masking."""
    values = {}
    secrets = {}
    try:
        default = {}
        default_secrets = set()
        for dest, info in CONF._opts.items():
            default[info["opt"].name] = CONF[dest]
            if info["opt"].secret:
                default_secrets.add(info["opt"].name)
        values["default"] = default
        secrets["default"] = default_secrets
        for gname, gobj in CONF._groups.items():
            gvals = {}
            gsecrets = set()
            for dest, info in gobj._opts.items():
                gvals[info["opt"].name] = CONF[gname][dest]
                if info["opt"].secret:
                    gsecrets.add(info["opt"].name)
            values[gobj.name] = gvals
            secrets[gobj.name] = gsecrets
    except Exception as exc:  # e.g. TemplateSubstitutionError
        raise SpecError(
            f"oslo.config cannot produce a value: {type(exc).__name__}: {exc}"
        ) from exc
    flat = sorted((g, n) for g, names in secrets.items() for n in names)
    return values, flat


# --------------------------------------------------------------------------
# Native threads parked in recognisable functions
# --------------------------------------------------------------------------
def _native_entry(stop, ready, depth):
    _native_park(stop, ready, depth)


def _native_park(stop, ready, depth):
    if depth > 0:
        return _native_park(stop, ready, depth - 1)
    ready.set()
    stop.wait()


class _BlockingFinalizer:
    """Blocks the thread that frees it, in ``__del__``, until ``stop`` is set."""

    def __init__(self, stop, ready):
        self.stop = stop
        self.ready = ready

    def __del__(self):
        self.ready.set()
        self.stop.wait()


def _lineless_park(stop, ready):
    """Parks the thread at an instruction that has no line number.

    Leaving an ``except ... as name:`` block by an exception runs its
    cleanup, ``name = None; del name``, which CPython compiles without a
    line.  Here ``name = None`` frees the finalizer, whose ``__del__``
    blocks: this frame's ``f_lineno`` is then None, and oslo.reports prints
    ``<file>:None in <function>`` and ``(source not found)``.
    """
    try:
        try:
            raise LookupError
        except LookupError as parked:
            parked = _BlockingFinalizer(stop, ready)  # noqa: F841 (freed by the cleanup)
            raise
    except LookupError:
        pass


def _renamed(func, name):
    """A copy of ``func`` whose code object is called ``name``: the frames
    still point at this file and its real line numbers (so the report shows
    real source lines), but each parked thread/greenlet gets its own
    recognisable function name."""
    code = func.__code__.replace(co_name=name, co_qualname=name)
    return types.FunctionType(code, func.__globals__, name, func.__defaults__)


def _innermost_is_wait(frame):
    return (
        frame is not None
        and frame.f_code.co_name == "wait"
        and frame.f_code.co_filename == threading.__file__
    )


def start_threads(n, lineless):
    stop = threading.Event()
    targets = [(_renamed(_native_entry, f"gmr_native_thread_{i}"), (1 + i % 3,))
               for i in range(n)]
    targets += [(_renamed(_lineless_park, f"gmr_lineless_thread_{i}"), ())
                for i in range(lineless)]
    threads = []
    for i, (fn, args) in enumerate(targets):
        ready = threading.Event()
        t = threading.Thread(
            target=fn, args=(stop, ready, *args), name=f"gmr-native-{i}", daemon=True
        )
        t.start()
        threads.append((t, ready))
    deadline = time.monotonic() + WAIT_TIMEOUT
    for t, ready in threads:
        if not ready.wait(max(0.0, deadline - time.monotonic())):
            raise RuntimeError("parked thread did not start")
        # ready is set one line before stop.wait(); wait until the thread is
        # really blocked inside threading's wait() so its stack is stable.
        while not _innermost_is_wait(sys._current_frames().get(t.ident)):
            if time.monotonic() > deadline:
                raise RuntimeError("parked thread did not block")
            time.sleep(0.0002)
    return stop, [t for t, _ in threads]


def stop_threads(state):
    if not state:
        return
    stop, threads = state
    stop.set()
    for t in threads:
        t.join(WAIT_TIMEOUT)


# --------------------------------------------------------------------------
# Greenlets suspended in recognisable functions
# --------------------------------------------------------------------------
def _green_entry(depth):
    _green_park(depth)


def _green_park(depth):
    if depth > 0:
        return _green_park(depth - 1)
    greenlet.getcurrent().parent.switch()


def start_greenlets(n):
    if greenlet is None or n <= 0:
        return []
    grs = []
    for i in range(n):
        fn = _renamed(_green_entry, f"gmr_green_thread_{i}")
        g = greenlet.greenlet(fn)
        g.switch(1 + i % 3)  # runs until _green_park switches back to us
        grs.append(g)
    return grs


def stop_greenlets(grs):
    """Unwind and free the spec's greenlets, so the next report's gc scan
    cannot find them (not even as dead "No Traceback!" objects)."""
    refs = [weakref.ref(g) for g in grs]
    for g in grs:
        if not g.dead:
            g.throw()  # GreenletExit unwinds the suspended frames
    grs.clear()
    g = None  # the loop variable would keep the last one alive
    if any(r() is not None for r in refs):
        gc.collect()  # only if something kept them alive in a cycle
    if any(r() is not None for r in refs):
        raise RuntimeError("spec greenlets are still alive after cleanup")


# --------------------------------------------------------------------------
# Child processes
# --------------------------------------------------------------------------
def _popen(argv, cwd):
    return subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        close_fds=True,
        cwd=cwd,
    )


def _settled(pid):
    """True once ``pid`` has exec'd sleep and is asleep (stable state)."""
    try:
        p = psutil.Process(pid)
        return p.name() == "sleep" and p.status() == psutil.STATUS_SLEEPING
    except psutil.Error:
        return False


def start_children(n_children, n_grandchildren, cwd):
    procs = []
    grand = []
    try:
        for i in range(n_children):
            if i == 0 and n_grandchildren:
                script = (
                    f"i=0; while [ $i -lt {n_grandchildren} ]; do "
                    f"sleep {CHILD_SLEEP} & i=$((i+1)); done; wait"
                )
                procs.append(_popen(["/bin/sh", "-c", script], cwd))
            else:
                procs.append(_popen(["sleep", CHILD_SLEEP], cwd))
        deadline = time.monotonic() + WAIT_TIMEOUT
        me = psutil.Process()
        want = {p.pid for p in procs}
        while True:
            ok = {c.pid for c in me.children()} == want
            if ok and n_grandchildren:
                try:
                    kids = psutil.Process(procs[0].pid).children()
                except psutil.Error:
                    kids = []
                grand = [k.pid for k in kids]
                ok = len(grand) == n_grandchildren and all(_settled(g) for g in grand)
                ok = ok and psutil.Process(procs[0].pid).status() == psutil.STATUS_SLEEPING
            if ok:
                ok = all(_settled(p.pid) for p in procs[1 if n_grandchildren else 0:])
            if ok:
                break
            if time.monotonic() > deadline:
                raise RuntimeError("child processes did not settle")
            time.sleep(0.001)
    except BaseException:
        stop_children((procs, grand))
        raise
    return procs, grand


def stop_children(state):
    if not state:
        return
    procs, grand = state
    for pid in grand:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    for i, p in enumerate(procs):
        if i == 0 and grand:
            # the shell's `wait` reaps the killed sleeps, then it exits
            try:
                p.wait(2)
                continue
            except subprocess.TimeoutExpired:
                pass
        p.kill()
    for p in procs:
        p.wait(WAIT_TIMEOUT)


# --------------------------------------------------------------------------
# Extra sections
# --------------------------------------------------------------------------
def reset_sections(extra):
    # register_section() appends to TextGuruMeditation.persistent_sections,
    # creating that class attribute on first use; deleting it restores the
    # "nothing registered" state of a freshly imported oslo_reports.
    if "persistent_sections" in gmr.TextGuruMeditation.__dict__:
        del gmr.TextGuruMeditation.persistent_sections
    for title, body in extra:
        gmr.TextGuruMeditation.register_section(title, lambda b=body: b)


# --------------------------------------------------------------------------
# Triggering
# --------------------------------------------------------------------------
class Capture(io.StringIO):
    """Stands in for sys.stderr while the report handler prints."""


def _fire_signal():
    # The SIGUSR2 handler installed by setup_autorun runs inside os.kill()
    # (CPython checks for pending signals right after kill() to its own pid),
    # with this frame as the interrupted frame -- so the main thread's block
    # in the Threads section ends at the next line.
    os.kill(os.getpid(), signal.SIGUSR2)


def _single_file(log_dir):
    names = os.listdir(log_dir)
    return names[0] if names else None


def trigger_signal(version, delivery, log_dir):
    previous = signal.getsignal(signal.SIGUSR2)
    # Exactly what a service does at start-up.  Calling it again for every
    # spec is fine: with a signal trigger it only re-installs the handler
    # (signal.signal), capturing the version object and log_dir of this spec.
    gmr.TextGuruMeditation.setup_autorun(version, conf=CONF)
    cap = Capture()
    old_stderr = sys.stderr
    sys.stderr = cap
    try:
        _fire_signal()
        deadline = time.monotonic() + WAIT_TIMEOUT
        while not cap.getvalue() and (delivery == "stderr" or not _single_file(log_dir)):
            # Only reached if the kernel delivered the signal late.
            if time.monotonic() > deadline:
                break
            time.sleep(0.001)
    finally:
        sys.stderr = old_stderr
        signal.signal(signal.SIGUSR2, previous)
    return cap.getvalue()


def configure_trigger(spec, tmpdir, seq):
    """Set the [oslo_reports] options a deployment would set for this
    trigger/delivery (before `values` is read back, so they are included).
    Returns (log_dir or None, watched file or None)."""
    log_dir = path = None
    if spec["delivery"] == "log_dir":
        log_dir = os.path.join(tmpdir, f"log-{seq}")
        os.mkdir(log_dir)
        CONF.set_override("log_dir", log_dir, "oslo_reports")
    if spec["trigger"] == "file":
        path = os.path.join(tmpdir, f"gmr-trigger-{seq}")
        configure_trigger_file(path)
        CONF.set_override("file_event_handler", path, "oslo_reports")
        # The watcher sleeps `interval` seconds between polls (default 1);
        # 0 keeps file-triggered reports fast.
        CONF.set_override("file_event_handler_interval", 0, "oslo_reports")
    return log_dir, path


def configure_trigger_file(path):
    """Make the watched file again (the last watcher was stopped by removing it)."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o644)
    os.close(fd)
    os.chmod(path, 0o644)  # setup_autorun logs an error if group can't read


def trigger_file(version, delivery, log_dir, path):
    before = set(threading.enumerate())
    gmr.TextGuruMeditation.setup_autorun(version, conf=CONF)
    new = [t for t in threading.enumerate() if t not in before]
    if len(new) != 1:
        raise RuntimeError(f"expected one file watcher thread, got {new}")
    watcher = new[0]
    cap = Capture()
    old_stderr = sys.stderr
    sys.stderr = cap
    try:
        # "touch": the watcher compares st_mtime with the time.time() it read
        # when it started, so use an mtime safely after that (the kernel's
        # file timestamps come from a coarse clock that can lag time.time()).
        t = time.time() + 1.0
        os.utime(path, (t, t))
        deadline = time.monotonic() + WAIT_TIMEOUT
        while True:
            produced = cap.getvalue() if delivery == "stderr" else _single_file(log_dir)
            frame = sys._current_frames().get(watcher.ident)
            # Done when output exists and the watcher is back in its polling
            # loop (_handler), i.e. handle_signal() returned and any log file
            # was closed.
            if produced and frame is not None and frame.f_code.co_name == "_handler":
                break
            if not watcher.is_alive() or time.monotonic() > deadline:
                break
            time.sleep(0.0005)
    finally:
        sys.stderr = old_stderr
        _stop_watcher(watcher, path)
    return cap.getvalue()


_EXPECTED_THREAD_DEATHS = set()
_default_excepthook = threading.excepthook


def _excepthook(args):
    if args.thread is not None and args.thread.ident in _EXPECTED_THREAD_DEATHS:
        return
    _default_excepthook(args)


threading.excepthook = _excepthook


def _stop_watcher(watcher, path):
    # oslo.reports offers no way to stop the watcher; it ends when it can no
    # longer stat() its file (it raises OSError out of its loop).
    _EXPECTED_THREAD_DEATHS.add(watcher.ident)
    try:
        os.unlink(path)
    except OSError:
        pass
    watcher.join(WAIT_TIMEOUT)
    _EXPECTED_THREAD_DEATHS.discard(watcher.ident)
    if watcher.is_alive():
        raise RuntimeError("file watcher thread did not stop")


# --------------------------------------------------------------------------
# Stack scenarios: threads arranged with real library code paths, kept
# running between the snapshots of one process.  Each blocks for good (the
# process is a one-shot worker, ended with os._exit after its request).
# --------------------------------------------------------------------------
FOREVER = 3600.0
OWN = os.path.basename(__file__)  # tools/make_stacks_samples.py runs a renamed copy
BUSY_PHASES = 3
GREEN_WAITERS = 3  # identical green threads: one group of three
_PLAIN_LOCK = threading.Lock()


def _frames(frame):
    """(file basename, function) of a stack, innermost first."""
    out = []
    while frame is not None:
        out.append((os.path.basename(frame.f_code.co_filename), frame.f_code.co_name))
        frame = frame.f_back
    return out


def _innermost_in(file, function):
    return lambda frames: bool(frames) and frames[0] == (file, function)


def _contains(file, function):
    return lambda frames: (file, function) in frames


class Arranged:
    """The scenarios' threads and green threads, what each looks like once it
    is in place, and how to move the busy ones to their next phase."""

    def __init__(self):
        self.roles = {}  # role -> native thread ident
        self.native = []  # (ident, predicate on _frames of its stack)
        self.green = []  # (greenlet, predicate on _frames of its gr_frame)
        self.movers = []  # callables(snapshot index) run before each snapshot
        self.hub = None  # eventlet's hub, switched to until green threads settle
        self.keep = []  # objects the threads need alive (peer sockets, executor, ...)
        self.children = []  # processes the scenarios started, killed by cleanup()

    def thread(self, role, target, predicate, *args):
        t = threading.Thread(target=target, args=args, name=role, daemon=True)
        t.start()
        self.roles[role] = t.ident
        self.native.append((t.ident, predicate))
        self.settle()
        return t

    def _in_place(self):
        current = sys._current_frames()
        if not all(pred(_frames(current.get(ident))) for ident, pred in self.native):
            return False
        return all(pred(_frames(g.gr_frame)) for g, pred in self.green)

    def settle(self):
        """Wait until every arranged thread is where its scenario puts it."""
        deadline = time.monotonic() + WAIT_TIMEOUT
        while not self._in_place():
            if time.monotonic() > deadline:
                current = sys._current_frames()
                raise RuntimeError(
                    "scenario threads did not settle: "
                    + repr({i: _frames(current.get(i))[:4] for i, _ in self.native})
                )
            if self.hub is not None:
                import eventlet

                eventlet.sleep(0)  # the hub runs the green threads
            time.sleep(0.0005)
        # A thread found in place is blocked in C (sleep, acquire, recv) or
        # spinning in its phase; give the last one a moment past its call.
        time.sleep(0.005)

    def move(self, index):
        for mover in self.movers:
            mover(index)
        self.settle()

    def cleanup(self):
        """Kill the scenarios' child processes (threads and green threads die
        with the one-shot worker)."""
        for proc in self.children:
            proc.kill()
            proc.wait(WAIT_TIMEOUT)


# -- oslo.concurrency lockutils: a holder asleep inside, a waiter at the door
def _lockutils_synchronized():
    from oslo_concurrency import lockutils

    @lockutils.synchronized("compute_resources")
    def claim_resources(hold):
        if hold:
            time.sleep(FOREVER)

    return claim_resources


def lockutils_holder(claim_resources):
    claim_resources(True)


def lockutils_waiter(claim_resources):
    claim_resources(False)


def arrange_lock(arranged):
    claim = _lockutils_synchronized()
    arranged.thread("lock_holder", lockutils_holder,
                    _innermost_in(OWN, "claim_resources"), claim)
    arranged.thread("lock_waiter", lockutils_waiter,
                    lambda f: _innermost_in("threading.py", "wait")(f)
                    and _contains("lockutils.py", "lock")(f), claim)


# -- a plain threading.Lock
def plain_lock_holder():
    with _PLAIN_LOCK:
        time.sleep(FOREVER)


def plain_lock_waiter():
    _PLAIN_LOCK.acquire()


def arrange_plain_lock(arranged):
    arranged.thread("plain_lock_holder", plain_lock_holder,
                    _innermost_in(OWN, "plain_lock_holder"))
    arranged.thread("plain_lock_waiter", plain_lock_waiter,
                    _innermost_in(OWN, "plain_lock_waiter"))


# -- a read from a socket pair whose other end never writes
def socket_reader(sock):
    sock.makefile("rb").readline()


def arrange_socket(arranged):
    ours, peer = socket.socketpair()
    arranged.keep.append(peer)  # open, so the reader never sees EOF
    arranged.thread("socket_reader", socket_reader,
                    _innermost_in("socket.py", "readinto"), ours)


# -- oslo.concurrency processutils.execute waiting for its command
def run_command(started):
    from oslo_concurrency import processutils

    processutils.execute("sleep", CHILD_SLEEP, check_exit_code=False, on_execute=started)


def arrange_subprocess(arranged):
    arranged.thread("command_runner", run_command,
                    lambda f: _innermost_in("selectors.py", "select")(f)
                    and _contains("processutils.py", "execute")(f), arranged.children.append)
    deadline = time.monotonic() + WAIT_TIMEOUT
    while not _settled(arranged.children[-1].pid):
        if time.monotonic() > deadline:
            raise RuntimeError("the command did not start")
        time.sleep(0.001)


# -- busy threads: each snapshot finds them working in another phase
class BusyState:
    phase = 0


# Mostly in C code that releases the GIL, so the report is not slowed down.
def busy_phase_0(state, k):
    data = os.urandom(1 << 18)
    while state.phase == k:
        gzip.compress(data, 6)


def busy_phase_1(state, k):
    data = os.urandom(1 << 20)
    while state.phase == k:
        hashlib.sha256(data).hexdigest()


def busy_phase_2(state, k):
    data = os.urandom(1 << 18)
    while state.phase == k:
        zlib.decompress(zlib.compress(data, 1))


def busy_worker(state):
    phases = (busy_phase_0, busy_phase_1, busy_phase_2)
    while True:
        k = state.phase
        phases[k % BUSY_PHASES](state, k)


def arrange_busy(arranged):
    state = BusyState()
    idents = []
    for i in range(2):
        t = arranged.thread(f"busy_{i}", busy_worker, _contains(OWN, "busy_phase_0"),
                            state)
        idents.append(t.ident)

    def move(index):
        state.phase = index
        name = f"busy_phase_{index % BUSY_PHASES}"
        for n, (ident, _) in enumerate(arranged.native):
            if ident in idents:
                arranged.native[n] = (ident, _contains(OWN, name))

    arranged.movers.append(move)


# -- an idle futurist executor: its workers wait for work
def arrange_executor(arranged):
    import futurist

    executor = futurist.ThreadPoolExecutor(max_workers=3)
    for f in [executor.submit(time.sleep, 0.01) for _ in range(3)]:
        f.result()
    arranged.keep.append(executor)
    for i, w in enumerate(executor._workers):
        arranged.roles[f"executor_worker_{i}"] = w.ident
        arranged.native.append((w.ident, lambda f: _innermost_in("threading.py", "wait")(f)
                                and _contains("_thread.py", "_wait_for_work")(f)))
    arranged.settle()


# -- eventlet: the hub, green threads on a semaphore, asleep, and moving
def green_holder(sem):
    import eventlet

    with sem:
        eventlet.sleep(FOREVER)


def green_waiter(sem):
    with sem:
        pass


def green_sleeper():
    import eventlet

    eventlet.sleep(FOREVER)


def green_phase_0(events, k):
    events[k].wait()


def green_phase_1(events, k):
    events[k].wait()


def green_phase_2(events, k):
    events[k].wait()


def green_mover(events):
    k = 0
    while True:
        (green_phase_0, green_phase_1, green_phase_2)[k % BUSY_PHASES](events, k)
        k += 1


def arrange_eventlet(arranged, count):
    import eventlet
    import eventlet.event
    import eventlet.hubs
    import eventlet.semaphore

    arranged.hub = eventlet.hubs.get_hub()
    sem = eventlet.semaphore.Semaphore(1)
    events = [eventlet.event.Event() for _ in range(count + 1)]
    gts = [
        (eventlet.spawn(green_holder, sem), _contains(OWN, "green_holder")),
        *[(eventlet.spawn(green_waiter, sem), _contains("semaphore.py", "acquire"))
          for _ in range(GREEN_WAITERS)],
        (eventlet.spawn(green_sleeper), _contains(OWN, "green_sleeper")),
        (eventlet.spawn(green_mover, events), _contains(OWN, "green_phase_0")),
    ]
    arranged.green.extend(gts)
    arranged.keep.append((sem, events))
    mover = gts[-1][0]

    def move(index):
        if index:
            events[index - 1].send(None)
        for n, (g, _) in enumerate(arranged.green):
            if g is mover:
                arranged.green[n] = (g, _contains(OWN, f"green_phase_{index % BUSY_PHASES}"))

    arranged.movers.append(move)
    arranged.settle()


SCENARIOS = {
    "lock": arrange_lock,
    "plain_lock": arrange_plain_lock,
    "socket": arrange_socket,
    "subprocess": arrange_subprocess,
    "busy": arrange_busy,
    "executor": arrange_executor,
}


def arrange(scenarios, count):
    arranged = Arranged()
    for name in scenarios:
        if name == "eventlet":
            arrange_eventlet(arranged, count)
        elif name in SCENARIOS:
            SCENARIOS[name](arranged)
        else:
            raise SpecError(f"unknown scenario {name!r}")
    return arranged


# --------------------------------------------------------------------------
# One spec
# --------------------------------------------------------------------------
BANNER = "=" * 72 + "\n====" + "{: ^64}".format("Guru Meditation") + "====\n"


class Worker:
    def __init__(self):
        # One-shot: the parent starts this worker for one request that may
        # arrange scenarios, then ends it (they leave threads, an eventlet
        # hub and lockutils semaphores behind that no later spec may see).
        self.one_shot = os.environ.get("GMR_WORKER_ONE_SHOT") == "1"
        self.tmpdir = tempfile.mkdtemp(prefix="gmr-oslo-worker-")
        self.seq = 0
        self.pid = os.getpid()
        if greenlet is not None:
            # The main greenlet of the main thread: exists in every eventlet
            # service and is the "No Traceback!" block of Green Threads.
            self.main_greenlet = greenlet.getcurrent()

    def generate(self, spec):
        res = self.snapshots(spec, 1, 0.0)
        first = res.pop("reports")[0]
        del first["time"]
        res.pop("roles")
        return {**first, **res}

    def snapshots(self, spec, count, interval):
        """``count`` reports of this process, one per trigger, ``interval``
        seconds apart, with the spec's threads, greenlets, children and
        scenarios kept in place between them (busy scenarios move on)."""
        if spec["scenarios"] and not self.one_shot:
            raise SpecError("scenarios run only in a one-shot worker (they cannot be undone)")
        self.seq += 1
        reset_conf(spec, self.tmpdir)
        log_dir, trigger_path = configure_trigger(spec, self.tmpdir, self.seq)
        values, secrets = read_back_conf()
        reset_sections(spec["extra_sections"])
        pkg = spec["package"]
        # package None: a plain version string, as neutron/cinder/glance pass
        version = HarnessVersionInfo(*pkg) if pkg is not None else "29.0.0"

        children = threads = arranged = None
        grs = []
        reports = []
        roles = {}
        try:
            children = start_children(spec["children"], spec["grandchildren"], self.tmpdir)
            threads = start_threads(spec["threads"], spec["lineless_threads"])
            grs = start_greenlets(spec["greenlets"])
            arranged = arrange(spec["scenarios"], count)
            roles = dict(arranged.roles)
            for index in range(count):
                if index:
                    time.sleep(interval)
                arranged.move(index)
                taken = time.time()
                if spec["trigger"] == "signal":
                    captured = trigger_signal(version, spec["delivery"], log_dir)
                else:
                    if index:
                        configure_trigger_file(trigger_path)
                    captured = trigger_file(version, spec["delivery"], log_dir, trigger_path)
                reports.append(collect(spec["delivery"], log_dir, captured, taken))
        finally:
            if arranged is not None:
                arranged.cleanup()
            stop_greenlets(grs)
            stop_threads(threads)
            stop_children(children)
            reset_sections(())
            if log_dir:
                shutil.rmtree(log_dir, ignore_errors=True)

        child_pids = []
        if children:
            procs, grand = children
            child_pids = [p.pid for p in procs] + list(grand)
        return {
            "reports": reports,
            "values": values,
            "secrets": secrets,
            "pid": self.pid,
            "children": child_pids,
            "roles": roles,
        }


def collect(delivery, log_dir, captured, taken):
    """The report one trigger produced; a log_dir file is read and removed,
    so the next trigger's file (same name within one second) is its own."""
    log_file_name = None
    if delivery == "log_dir":
        names = os.listdir(log_dir)
        if len(names) != 1:
            raise RuntimeError(
                f"expected one report file in log_dir, found {names}; "
                f"stderr was:\n{captured}"
            )
        log_file_name = names[0]
        path = os.path.join(log_dir, log_file_name)
        with open(path, encoding="utf-8", newline="") as f:
            text = f.read()
        os.unlink(path)
        if captured:
            raise RuntimeError(f"report handler wrote to stderr:\n{captured}")
    else:
        text = captured
    if not text.startswith(BANNER):
        raise RuntimeError(f"oslo.reports did not produce a report:\n{text}")
    return {"text": text, "log_file_name": log_file_name, "time": taken}


def _hello():
    import importlib.metadata as md

    return {
        "hello": "gmr-oslo-worker",
        "pid": os.getpid(),
        "greenlet": greenlet is not None,
        "gmr_greenlet": gmr.greenlet is not None,
        "oslo.reports": md.version("oslo.reports"),
        "oslo.config": md.version("oslo.config"),
        "python": sys.version.split()[0],
    }


def main():
    proto = os.fdopen(os.dup(1), "w", encoding="ascii", newline="\n")
    os.dup2(2, 1)  # stray prints go to the log, never into the protocol
    sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", closefd=False), line_buffering=True)

    def send(doc):
        proto.write(json.dumps(doc, ensure_ascii=True) + "\n")
        proto.flush()

    worker = Worker()
    send(_hello())
    stdin = sys.stdin.buffer
    try:
        while True:
            line = stdin.readline()
            if not line:
                break
            if not line.strip():
                continue
            req = json.loads(line)
            op = req.get("op")
            try:
                if op == "ping":
                    result = {"pid": os.getpid()}
                elif op == "_crash":
                    # only for the harness's own tests of the "worker died" path
                    sys.stderr.write(req.get("message", "") + "\n")
                    sys.stderr.flush()
                    os._exit(3)
                elif op == "generate":
                    result = worker.generate(req["spec"])
                elif op == "snapshots":
                    result = worker.snapshots(req["spec"], req["count"], req["interval"])
                else:
                    raise SpecError(f"unknown op {op!r}")
            except Exception as exc:
                send(
                    {
                        "ok": False,
                        "error": "ValueError" if isinstance(exc, SpecError) else type(exc).__name__,
                        "message": str(exc),
                        "traceback": traceback.format_exc(),
                    }
                )
            else:
                send({"ok": True, "result": result})
    finally:
        shutil.rmtree(worker.tmpdir, ignore_errors=True)
        if worker.one_shot:
            # scenario threads sleep for good and hold locks: do not wait for them
            os._exit(0)


if __name__ == "__main__":
    main()
