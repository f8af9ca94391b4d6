#!/usr/bin/env python3
"""Real Guru Meditation Reports of every release the knowledge base covers.

This is a maintainer's tool, run by hand; CI and the tests never run it.  It writes
``samples/releases/<service>-<version>-<daemon>[-<variant>].txt``, which
``tests/test_release_samples.py`` checks release detection and ``gmr config``
against.  Unlike ``tools/make_samples.py`` it starts no daemon: it gives oslo.reports
the options a daemon registers and asks it for the report, inside the very venv the
knowledge base was read from.  For each sample:

1. **The venv** is ``~/.cache/gmr-knowledge/venvs/<service>-<version>``, made by
   ``tools/make_knowledge.py`` (the newest point version of the release, with the
   libraries PyPI had when the release came out).  This tool only reads it: Python
   runs there with ``PYTHONDONTWRITEBYTECODE=1``.  Where the release does not install
   oslo.reports (ironic has it as the ``guru_meditation_reports`` extra; keystone
   never uses it), the oslo.reports PyPI had on the venv's cut-off day is installed
   ``--no-deps`` into ``~/.cache/gmr-release-samples/overlay/<service>-<version>``
   (with psutil or Jinja2 when the venv lacks them), which goes on ``sys.path``
   after the venv's own packages.
2. **The options a daemon registers**, the way the knowledge base found them
   (``tools/knowledge_probe.py``, imported, not copied): the daemon's entry module is
   imported (``from_import``), which registers what its code registers in the global
   ``cfg.CONF``, then the oslo-config-generator namespaces of the daemon's own
   config files (``from_generator``; the namespaces are those the knowledge base
   recorded for the release, e.g. ``nova.conf`` for nova-compute, ``neutron.conf``
   and ``ml2_conf.ini`` for neutron-server) are registered in that same ``cfg.CONF``:
   the probe's ``evaluate`` registers a listing in the ConfigOpts it makes, so the
   probe is handed ``cfg.CONF`` as the ConfigOpts to make.  The probe's stubs for
   modules the venv cannot install (``gmr-install.json``) are used as the probe
   used them.
3. **The config file**: ``cfg.CONF(['--config-file', ini] or [], project=service,
   default_config_files=[], default_config_dirs=[])``.  No file at all for the plain
   samples, so nothing of this machine's ``/etc`` is read; for a ``-config`` sample,
   the known ini file ``tests/data/release_samples/<service>-<version>.conf``, copied
   to ``~/.cache/gmr-release-samples/run/<sample>/etc/<service>/<the daemon's first
   config file>`` (``nova.conf``, ``glance-api.conf`` ...), a path like a deployment's
   (the report prints it in ``config-file``).
4. **The report**, by oslo.reports itself, as the release's own daemon sets it up
   (the tool reads that code in the venv and refuses to go on when it looks
   otherwise): ``oslo_reports.opts.set_defaults(CONF)`` where the daemon calls it,
   then ``TextGuruMeditation.setup_autorun(<version object>, conf=CONF)`` with the
   version object the daemon passes: the ``nova.version``, ``cinder.version``,
   ``glance.version`` and ``ironic.version`` modules (only nova's has
   ``product_string`` and friends, so the others print ``None``), neutron's version
   string, and for keystone, which sets up no report at all, ``None``.  Then a real
   ``SIGUSR2`` to this process; oslo.reports' handler prints the report to stderr,
   which the tool has pointed at a buffer, and the buffer is written to
   ``samples/releases/`` byte for byte.  Where the daemon sets up a file trigger
   instead (glance-api under WSGI: ``setup_signal=False``), the tool calls
   ``TextGuruMeditation.handle_signal(version, None, log_dir, None)``, which is what
   oslo.reports' file watcher calls when the file is touched.

``sys.argv[0]`` is the daemon's console script in the venv (``bin/nova-compute``),
as in a running daemon, and the environment is the one the knowledge probe ran in
(``PATH``, ``HOME``, ``LANG=C.UTF-8``, the venv as working directory), so that
defaults computed from them come out as the knowledge base recorded them.

Usage::

    python tools/make_release_samples.py                     # every sample
    python tools/make_release_samples.py --only nova neutron  # some services
    python tools/make_release_samples.py --list

A second run produces other thread ids, pids, memory addresses in the thread stacks
and process states; the Package and Configuration sections come out the same.
"""

import argparse
import gzip
import json
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = os.path.join(REPO, 'tools')
OUT = os.path.join(REPO, 'samples', 'releases')
INI = os.path.join(REPO, 'tests', 'data', 'release_samples')
DATA = os.path.join(REPO, 'gmr', 'knowledge', 'data')
VENVS = os.path.join(os.path.expanduser('~'), '.cache', 'gmr-knowledge', 'venvs')
CACHE = os.path.join(os.path.expanduser('~'), '.cache', 'gmr-release-samples')
UV = os.path.join(os.path.expanduser('~'), '.cache', 'gmr-knowledge', 'tool', 'bin', 'uv')

#: The releases sampled: the oldest, a middle and the newest the knowledge base
#: covers.  The release of each service that also gets a report from a known
#: ini file is KNOWN_CONFIG.
RELEASES = ('2023.1', '2025.1', '2026.2')
KNOWN_CONFIG = '2025.1'

#: Per service, the daemon sampled:
#: - ``files``: its config files, as the knowledge base names them (their
#:   generator namespaces are registered);
#: - ``scripts``: console or WSGI script names whose module is the daemon's entry
#:   module, first found wins (``module`` when the release has none of them);
#: - ``gmr``: modules where the daemon sets up oslo.reports, the first whose
#:   source calls ``setup_autorun`` wins (read, not imported);
#: - ``version``: the version object it passes (see the module docstring).
DAEMONS = {
    'nova': {'daemon': 'compute', 'files': ['nova.conf'], 'scripts': ['nova-compute'],
             'gmr': ['nova.cmd.compute'], 'version': 'module:nova.version'},
    'neutron': {'daemon': 'server', 'files': ['neutron.conf', 'ml2_conf.ini'],
                # neutron 29 has no neutron-server script: the API runs under WSGI
                # (neutron.wsgi.api, which builds the app when imported) and the RPC
                # workers are neutron-rpc-server.
                'scripts': ['neutron-server', 'neutron-rpc-server'],
                'gmr': ['neutron.common.config', 'neutron.cmd'],
                'version': 'neutron-string'},
    'cinder': {'daemon': 'volume', 'files': ['cinder.conf'], 'scripts': ['cinder-volume'],
               'gmr': ['cinder.cmd.volume'], 'version': 'module:cinder.version'},
    'glance': {'daemon': 'api', 'files': ['glance-api.conf'], 'scripts': ['glance-api'],
               'gmr': ['glance.common.wsgi_app', 'glance.cmd.api'],
               'version': 'module:glance.version'},
    'keystone': {'daemon': 'api', 'files': ['keystone.conf'],
                 'scripts': ['keystone-wsgi-public'], 'module': 'keystone.server.wsgi',
                 'gmr': [], 'version': 'none'},
    'ironic': {'daemon': 'conductor', 'files': ['ironic.conf'],
               'scripts': ['ironic-conductor'], 'gmr': ['ironic.common.service'],
               'version': 'module:ironic.version'},
}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# the driver, run by the maintainer's Python
# ---------------------------------------------------------------------------

def knowledge(service):
    with gzip.open(os.path.join(DATA, service + '.json.gz')) as f:
        return json.load(f)


def samples(services):
    """[(name, service, release, version, ini or None)] of every sample to make."""
    out = []
    for service in services:
        releases = knowledge(service)['releases']
        for release in RELEASES:
            version = releases[release]['version']
            base = '%s-%s-%s' % (service, version, DAEMONS[service]['daemon'])
            out.append((base, service, release, version, None))
            if release == KNOWN_CONFIG:
                ini = os.path.join(INI, '%s-%s.conf' % (service, version))
                out.append((base + '-config', service, release, version, ini))
    return out


def venv_python(venv):
    return os.path.join(venv, 'bin', 'python')


def overlay(service, version, venv, how):
    """A folder with what oslo.reports needs and the venv lacks, or None."""
    python = venv_python(venv)
    wanted = [dist for module, dist in (('oslo_reports', 'oslo.reports'),
                                        ('psutil', 'psutil'), ('jinja2', 'Jinja2'),
                                        ('markupsafe', 'MarkupSafe'))
              if subprocess.run([python, '-c', 'import ' + module],
                                capture_output=True).returncode]
    if not wanted:
        return None
    path = os.path.join(CACHE, 'overlay', '%s-%s' % (service, version))
    if not os.path.exists(os.path.join(path, 'gmr-overlay.json')):
        log('%s %s: installing %s (as of %s) into %s' % (
            service, version, ' '.join(wanted), how['exclude_newer'], path))
        done = subprocess.run([UV, 'pip', 'install', '-q', '--python', python, '--target',
                               path, '--no-deps', '--exclude-newer', how['exclude_newer'],
                               *wanted], capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(done.stderr)
        versions = {}
        for name in os.listdir(path):
            if name.endswith('.dist-info'):
                dist, ver = name[:-len('.dist-info')].rsplit('-', 1)
                versions[dist] = ver
        with open(os.path.join(path, 'gmr-overlay.json'), 'w') as f:
            json.dump({'exclude_newer': how['exclude_newer'], 'installed': versions}, f,
                      indent=1)
    return path


def make(name, service, release, version, ini):
    venv = os.path.join(VENVS, '%s-%s' % (service, version))
    with open(os.path.join(venv, 'gmr-install.json')) as f:
        how = json.load(f)
    info = knowledge(service)['releases'][release]
    if ini is not None:
        # Where a deployment keeps it (/etc/<service>/<file>), below a run folder.
        etc = os.path.join(CACHE, 'run', name, 'etc', service)
        os.makedirs(etc, exist_ok=True)
        with open(ini, 'rb') as f:
            text = f.read()
        ini = os.path.join(etc, DAEMONS[service]['files'][0])
        with open(ini, 'wb') as f:
            f.write(text)
    request = dict(DAEMONS[service], service=service, version_string=version,
                   namespaces=sorted({n for file in DAEMONS[service]['files']
                                      for n in info['files'][file]}),
                   ini=ini, stubs=how.get('stubbed', []),
                   overlay=overlay(service, version, venv, how))
    env = {'PATH': os.path.join(venv, 'bin') + ':/usr/bin:/bin',
           'HOME': os.path.expanduser('~'), 'LANG': 'C.UTF-8',
           'PYTHONDONTWRITEBYTECODE': '1'}
    run = subprocess.run([venv_python(venv), os.path.abspath(__file__), '--in-venv'],
                         input=json.dumps(request), capture_output=True, text=True,
                         env=env, cwd=venv, timeout=900)
    try:
        answer = json.loads(run.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise SystemExit('%s failed:\n%s' % (name, run.stderr[-3000:]))
    if 'fatal' in answer:
        raise SystemExit('%s failed:\n%s' % (name, answer['fatal']))
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name + '.txt')
    with open(path, 'w', encoding='utf-8', newline='') as f:
        f.write(answer['report'])
    log('%s: %d bytes; %s; oslo.reports %s, oslo.config %s; %s' % (
        os.path.relpath(path, REPO), len(answer['report'].encode()), answer['how'],
        answer['libraries'].get('oslo.reports'), answer['libraries'].get('oslo.config'),
        ', '.join('%s %d' % kv for kv in answer['counts'].items())))
    return answer


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--only', nargs='+', choices=sorted(DAEMONS), default=sorted(DAEMONS))
    parser.add_argument('--list', action='store_true')
    parser.add_argument('--in-venv', action='store_true', help=argparse.SUPPRESS)
    a = parser.parse_args()
    if a.in_venv:
        return in_venv()
    todo = samples(a.only)
    if a.list:
        for name, service, release, version, ini in todo:
            print('%s\t%s %s%s' % (name, service, release,
                                   '\t' + os.path.relpath(ini, REPO) if ini else ''))
        return 0
    for sample in todo:
        make(*sample)
    return 0


# ---------------------------------------------------------------------------
# inside the release's venv (its own Python, oslo.config and oslo.reports)
# ---------------------------------------------------------------------------

def entry_module(request):
    """(module, script path) of the daemon's entry point in this venv."""
    from importlib.metadata import distribution
    found = {ep.name: ep.value.split(':')[0].strip()
             for ep in distribution(request['service']).entry_points
             if ep.group in ('console_scripts', 'wsgi_scripts')}
    for script in request['scripts']:
        if script in found:
            return found[script], os.path.join(sys.prefix, 'bin', script)
    return request['module'], os.path.join(sys.prefix, 'bin', request['scripts'][0])


def gmr_setup(request):
    """How the daemon sets up oslo.reports: (module, the setup_autorun call's text,
    whether it sets [oslo_reports] defaults), read from the release's source."""
    import importlib.util
    import re
    for module in request['gmr']:
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.origin:
            continue
        with open(spec.origin) as f:
            source = f.read()
        code = '\n'.join(line for line in source.splitlines()
                         if not line.lstrip().startswith('#'))
        call = re.search(r'TextGuruMeditation\.setup_autorun\(([^)]*)\)', code)
        if call:
            return module, ' '.join(call.group(1).split()), \
                'gmr_opts.set_defaults(' in source
    if request['gmr']:
        raise SystemExit('no setup_autorun in %s' % ', '.join(request['gmr']))
    return None, None, False


def version_object(request):
    import importlib
    kind = request['version']
    if kind.startswith('module:'):
        return importlib.import_module(kind.split(':', 1)[1])
    if kind == 'neutron-string':
        # neutron 22 to 26: version.version_info.release_string(); 27 on:
        # importlib.metadata.version('neutron'); the same text either way.
        from importlib.metadata import version
        return version('neutron')
    return None


def in_venv():
    import io
    import signal
    import traceback
    import types
    request = json.load(sys.stdin)
    try:
        out = report(request, io, signal, types)
    except BaseException:
        out = {'fatal': traceback.format_exc()}
    sys.stdout.write('\n' + json.dumps(out) + '\n')
    return 0


def report(request, io, signal, types):
    if request['overlay']:
        sys.path.append(request['overlay'])
    module, script = entry_module(request)
    sys.argv[0] = script
    sys.path.insert(0, TOOLS)
    import knowledge_probe as probe
    if request['stubs']:
        sys.meta_path.append(probe.Stubs(request['stubs']))
    from oslo_config import cfg

    # The probe's evaluate() registers each listing in the ConfigOpts it makes: here
    # that is the global cfg.CONF, which oslo.reports prints.
    shim = types.SimpleNamespace(**{k: getattr(cfg, k) for k in dir(cfg)
                                    if not k.startswith('__')})
    shim.ConfigOpts = lambda: cfg.CONF
    probe.cfg = shim
    imported = probe.from_import([module])
    # evaluate() parsed an empty command line; the generator's namespaces may still
    # register command-line options (glance.api does), which a parsed ConfigOpts
    # refuses: clear() forgets the parse, as a daemon has not parsed yet.
    cfg.CONF.clear()
    if imported['failed']:
        raise SystemExit('import failed: %s' % imported['failed'])
    listed = probe.from_generator(request['namespaces'])
    if listed['failed_namespaces']:
        raise SystemExit('namespaces failed: %s' % listed['failed_namespaces'])
    cfg.CONF.clear()

    conf = cfg.CONF
    args = ['--config-file', request['ini']] if request['ini'] else []
    conf(args, project=request['service'], default_config_files=[],
         default_config_dirs=[])

    from oslo_reports import guru_meditation_report as gmr
    from oslo_reports import opts as gmr_opts
    site, call, set_defaults = gmr_setup(request)
    version = version_object(request)
    if set_defaults:
        gmr_opts.set_defaults(conf)
    captured = io.StringIO()
    saved = sys.stderr
    if call is not None and 'setup_signal=False' in call:
        # glance-api under WSGI: a file trigger; the watcher thread calls this.
        how = 'handle_signal as the file watcher calls it (%s: setup_autorun(%s))' % (
            site, call)
        sys.stderr = captured
        try:
            gmr.TextGuruMeditation.handle_signal(version, None, None, None)
        finally:
            sys.stderr = saved
    else:
        with_conf = call is None or 'conf=' in call
        gmr.TextGuruMeditation.setup_autorun(version, conf=conf if set_defaults and
                                             with_conf else None)
        how = 'SIGUSR2 (%s)' % ('%s: setup_autorun(%s)' % (site, call) if site else
                                'no setup in the service; setup_autorun(None)')
        sys.stderr = captured
        try:
            os.kill(os.getpid(), signal.SIGUSR2)
        finally:
            sys.stderr = saved
    text = captured.getvalue()
    if not text.startswith('=' * 72):
        raise SystemExit('oslo.reports printed no report:\n' + text[:3000])
    from importlib.metadata import version as dist_version
    libraries = {}
    for dist in ('oslo.reports', 'oslo.config', 'psutil', 'greenlet', 'eventlet'):
        try:
            libraries[dist] = dist_version(dist)
        except Exception:
            libraries[dist] = None
    return {'report': text, 'how': how, 'module': module, 'libraries': libraries,
            'counts': {'import clashes': len(imported['clashes']),
                       'generator clashes': len(listed['clashes'])}}


if __name__ == '__main__':
    sys.exit(main())
