#!/usr/bin/env python3
"""Build gmr's option knowledge base from the real OpenStack releases on PyPI.

A maintainer's tool, run by hand (needs the network; CI and the tests never run it).
It writes ``gmr/knowledge/data/<service>.json.gz``, which ``gmr.knowledge`` reads.
For each service:

1. **Versions and series.** PyPI's JSON API lists every version with its upload
   date.  Which coordinated release (series) a version belongs to is read from the
   package itself: the sdist of the newest version not yet placed has a ``tox.ini``
   whose upper-constraints URL names its branch (``.../upper/2023.1``, or
   ``?h=stable/zed`` in older trees; ``master`` for ironic's intermediate releases),
   and its pbr ``ChangeLog`` lists every tag on that branch down to the commit
   ``Update .gitreview for stable/<series>``, where the branch began.  Those tags
   are the series' point versions.  Newest first, until ``--oldest`` is reached.
2. **One venv per series** under ``~/.cache/gmr-knowledge/venvs/<service>-<version>``
   with the newest point version, installed by ``uv`` with its dependencies as PyPI
   had them on the day the series' first version came out (``--exclude-newer``):
   the libraries that release's upper-constraints would have picked.  When that
   fails on Python 3.11, the service is installed ``--no-deps`` and each of its
   requirements on its own, skipping those that cannot install (recorded).
3. **Options.** The sdist's oslo-config-generator files (any ``*.conf`` listing
   ``namespace =`` lines, e.g. ``etc/nova/nova-config-generator.conf`` or
   ``etc/oslo-config-generator/ml2_conf.ini``) give the namespaces per config file.
   ``tools/knowledge_probe.py`` runs in the venv and loads them with the
   generator's own code, then imports the daemons' entry modules (options
   registered outside the namespaces), then lists the keystoneauth plugin options
   of every group that loads an auth plugin.  See the probe's docstring for how each
   option's printed default is computed.
4. **Data.** Per service, each option once, with one variant per distinct set of
   facts and the releases where that variant holds; provenance (python, exact
   service and library versions, what could not be loaded) per release.

Usage::

    python tools/make_knowledge.py                      # all services, 2023.1 onward
    python tools/make_knowledge.py --only nova --oldest 2023.1
    python tools/make_knowledge.py --oldest zed         # further back

Venvs, sdists and PyPI answers are cached under ``~/.cache/gmr-knowledge``; delete
``pypi/`` there to see releases published since.
"""

import argparse
import datetime
import gzip
import json
import os
import re
import subprocess
import sys
import tarfile
import urllib.parse
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROBE = os.path.join(REPO, 'tools', 'knowledge_probe.py')
DATA = os.path.join(REPO, 'gmr', 'knowledge', 'data')
CACHE = os.path.join(os.path.expanduser('~'), '.cache', 'gmr-knowledge')
PYTHON = os.environ.get('GMR_KNOWLEDGE_PYTHON', 'python3.11')
SERVICES = ('nova', 'neutron', 'cinder', 'glance', 'keystone', 'ironic')
#: Libraries whose exact versions are recorded as provenance.
LIBRARIES = re.compile(r'^(oslo[.-]|keystonemiddleware$|keystoneauth1$|os[-_]|'
                       r'stevedore$|castellan$|osprofiler$|glance[-_]store$|pbr$)')
FINAL = re.compile(r'^\d+(\.\d+)+$')
TODAY = datetime.date.today().isoformat() + 'T00:00:00Z'
#: The branch a tree's upper-constraints URL names (new and old spellings).
CONSTRAINTS = re.compile(r'constraints[^\s}]*?(?:/upper/|[?&]h=(?:stable/)?)'
                         r'([A-Za-z0-9.]+)')
#: A fact's fields in the data files, in this order (group and name are the keys).
#: `bounds`: a List or Dict type that reads only `[a, b]` or `{k: v}` from a file.
FIELDS = ('type', 'default', 'host_dependent', 'interpolated', 'secret', 'choices',
          'bounds', 'min', 'max', 'deprecated_names', 'deprecated_for_removal',
          'deprecated_since', 'deprecated_reason', 'files', 'auth_plugins')
#: The fields an option's definition gives (the others say where it was seen).
DEFINITION = FIELDS[:-2]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def version_key(v):
    return tuple(int(x) for x in v.split('.'))


# ---------------------------------------------------------------------------
# PyPI and sdists
# ---------------------------------------------------------------------------

def pypi(service):
    """{version: {date, sdist, wheel}} for every final version on PyPI (cached)."""
    path = os.path.join(CACHE, 'pypi', service + '.json')
    if not os.path.exists(path):
        url = 'https://pypi.org/pypi/%s/json' % service
        with urllib.request.urlopen(url, timeout=60) as r:
            raw = json.load(r)
        out = {}
        for version, files in raw['releases'].items():
            if not files or not FINAL.match(version):
                continue
            entry = {'date': min(f['upload_time'] for f in files)}
            for f in files:
                kind = 'sdist' if f['packagetype'] == 'sdist' else 'wheel'
                entry[kind] = urllib.parse.urljoin(url, f['url'])
            out[version] = entry
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            json.dump(out, f, indent=1, sort_keys=True)
    with open(path) as f:
        return json.load(f)


def download(url):
    path = os.path.join(CACHE, 'files', url.rsplit('/', 1)[1])
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        log('  download %s' % os.path.basename(path))
        urllib.request.urlretrieve(url, path + '.part')
        os.rename(path + '.part', path)
    return path


def sdist_files(path, wanted):
    """{member path below the top folder: text} for members `wanted` accepts."""
    out = {}
    with tarfile.open(path) as tar:
        for member in tar:
            inner = member.name.split('/', 1)[-1]
            if member.isfile() and wanted(inner):
                out[inner] = tar.extractfile(member).read().decode('utf-8', 'replace')
    return out


def changelog_versions(changelog, series):
    """The versions on a stable branch, from its pbr ChangeLog.

    The ChangeLog lists tags newest first.  Those above the commit ``Update
    .gitreview for stable/<series>`` were tagged on the branch; the first one below
    it is the release the branch was cut from (nova's x.0.0, tagged before the
    branch's own commits), taken when it has the same major version.
    """
    versions, lines = [], changelog.splitlines()
    branch = re.compile(r'\.gitreview for (?:stable|unmaintained)/%s\b' % re.escape(series),
                        re.I)
    cut = False
    for i, line in enumerate(lines[:-1]):
        if FINAL.match(line.strip()) and set(lines[i + 1].strip()) == {'-'}:
            if cut:
                if versions and line.split('.')[0] == versions[-1].split('.')[0]:
                    versions.append(line.strip())
                return versions
            versions.append(line.strip())
        elif branch.search(line):
            cut = True
    return versions if cut else None


def successor(series):
    """The coordinated release after a year-based one (2026.1 -> 2026.2 -> 2027.1)."""
    year, half = series.split('.')
    return '%s.2' % year if half == '1' else '%d.1' % (int(year) + 1)


def unbranched(service, found, placed):
    """Series whose branch never had a release of its own (keystone 25.0.0, 2024.1).

    The newest sdist's release notes list every series, newest first
    (``releasenotes/source/index.rst``).  A series missing from `found` takes the
    versions no branch claimed between its neighbours' (and its ``:earliest-version:``
    where its notes page names it), provided they share one major version.
    """
    index = pypi(service)
    newest = max(index, key=lambda v: index[v]['date'])
    notes = sdist_files(download(index[newest]['sdist']),
                        lambda p: p.startswith('releasenotes/source/') and p.endswith('.rst'))
    order = re.findall(r'^\s+(\S+)\s*$', notes.get('releasenotes/source/index.rst', ''),
                       re.M)
    known = {s['name']: s for s in found}
    out = []
    for i, name in enumerate(order):
        page = notes.get('releasenotes/source/%s.rst' % name, '')
        if name in known or not re.search(r':branch:\s*(?:stable|unmaintained)/', page):
            continue
        newer = next((known[n] for n in reversed(order[:i]) if n in known), None)
        older = next((known[n] for n in order[i + 1:] if n in known), None)
        if not (newer and older):
            continue
        versions = sorted((v for v in index if v not in placed and
                           version_key(older['latest']) < version_key(v) <
                           version_key(newer['versions'][0])), key=version_key)
        first = re.search(r':earliest-version:\s*(\S+)', page)
        if first and first.group(1) in versions:
            versions = versions[versions.index(first.group(1)):]
        if not versions or len({v.split('.')[0] for v in versions}) != 1:
            continue
        out.append({
            'name': name,
            'versions': versions,
            'latest': versions[-1],
            'first_date': min(index[v]['date'] for v in versions),
            'named_as': 'between %s and %s in the release notes of %s' % (
                older['name'], newer['name'], newest),
        })
        log('%s %s: %s (%s)' % (service, name, ' '.join(versions), out[-1]['named_as']))
    return out


def series_of(service, oldest):
    """[{name, versions, latest, first_date}] of every series since `oldest`.

    Versions are visited newest upload first; each one not yet placed costs one
    sdist.  A tree on master is an intermediate release (ironic) or the newest
    release of the newest series, whose branch has no release yet: that one is
    named as the successor of the newest series found, and says so.
    """
    index = pypi(service)
    todo = sorted(index, key=lambda v: index[v]['date'], reverse=True)
    placed, found, since = set(), [], None
    for version in todo:
        if since and index[version]['date'] < since:
            break
        if version in placed or 'sdist' not in index[version]:
            continue
        files = sdist_files(download(index[version]['sdist']),
                            lambda p: p in ('tox.ini', 'ChangeLog'))
        match = CONSTRAINTS.search(files.get('tox.ini', ''))
        branch = match.group(1) if match else None
        on_branch = branch and changelog_versions(files.get('ChangeLog', ''), branch)
        if not on_branch or version not in on_branch:
            continue  # on master or a bugfix branch
        # pbr heads a commit with one of its tags: 29.0.0 hides behind 29.0.1
        lines = {v.rsplit('.', 1)[0] for v in on_branch}
        versions = sorted((v for v in index if v in on_branch or
                           (v.rsplit('.', 1)[0] in lines and v not in placed)),
                          key=version_key)
        placed.update(versions)
        found.append({
            'name': branch,
            'versions': versions,
            'latest': version,
            'first_date': min(index[v]['date'] for v in versions),
        })
        log('%s %s: %s' % (service, branch, ' '.join(versions)))
        if branch == oldest:
            since = found[-1]['first_date']
    if since is None:
        raise SystemExit('%s: no series named %r on PyPI' % (service, oldest))
    found += unbranched(service, found, placed)
    found = sorted((s for s in found if s['first_date'] >= since),
                   key=lambda s: s['first_date'])
    newest = todo[0]
    if newest not in placed and version_key(newest) > version_key(found[-1]['latest']):
        found.append({
            'name': successor(found[-1]['name']),
            'versions': [newest],
            'latest': newest,
            'first_date': index[newest]['date'],
            'named_as': 'successor of %s: its tree is still on master'
                        % found[-1]['name'],
        })
        log('%s %s: %s (%s)' % (service, found[-1]['name'], newest, found[-1]['named_as']))
    return found


# ---------------------------------------------------------------------------
# venvs
# ---------------------------------------------------------------------------

def uv(*args):
    exe = os.path.join(os.path.dirname(sys.executable), 'uv')
    return subprocess.run([exe if os.path.exists(exe) else 'uv', *args],
                          capture_output=True, text=True)


def requirements(wheel):
    """The wheel's unconditional Requires-Dist lines."""
    import zipfile
    with zipfile.ZipFile(wheel) as z:
        meta = next(n for n in z.namelist() if n.endswith('.dist-info/METADATA'))
        text = z.read(meta).decode()
    return [line.split(':', 1)[1].strip() for line in text.splitlines()
            if line.startswith('Requires-Dist:') and 'extra ==' not in line]


def install(python, cutoff, late, *args):
    """uv pip install with libraries as of `cutoff`; the libraries it had to let through.

    A stable point release may need a library's own later stable release (neutron
    22.2.1 needs neutron-lib>=3.4.2, out after 2023.1): the upper-constraints of a
    stable branch move for those, within the library's stable series.  So a library
    uv names as cut off is allowed up to `late` (the day after the point release)
    but kept to the series of the version asked for (neutron-lib>=3.4.2,<3.5), and
    it tries again.  A library that has no wheel for this Python at the cutoff and
    whose sdist does not build (PyYAML 5.4.1 on Python 3.11) is allowed its first
    release that has one.
    """
    allowed, pins, wheels = [], [], []
    while True:
        done = uv('pip', 'install', '-q', '--python', python, '--exclude-newer', cutoff,
                  *('--exclude-newer-package=%s=%s' % (p, late) for p in allowed),
                  *('--exclude-newer-package=%s=%s' % (p, TODAY) for p in wheels),
                  *('--only-binary=%s' % p for p in wheels), *args, *pins)
        cut = set(re.findall(r'`([^`]+)` was filtered by `exclude-newer`', done.stderr))
        built = set(re.findall(r'Failed to build `([^`=]+)==', done.stderr))
        if not done.returncode or not (cut - set(allowed) or built - set(wheels)):
            return done, pins + ['%s (first wheel for this Python)' % p for p in wheels]
        wheels += sorted(built - set(wheels))
        for package in sorted(cut - set(allowed)):
            allowed.append(package)
            low = re.search(r'depends on %s\s*>=\s*(\d+)\.(\d+)(\.\d+)*' % re.escape(package),
                            done.stderr)
            if low:
                pins.append('%s>=%s,<%s.%d' % (package, low.group(0).split('>=')[1].strip(),
                                               low.group(1), int(low.group(2)) + 1))
            else:
                pins.append(package)


def day_after(date):
    when = datetime.datetime.fromisoformat(date) + datetime.timedelta(days=1)
    return when.strftime('%Y-%m-%dT00:00:00Z')


def make_venv(service, series):
    """The venv of a series' newest version; (path, how it was installed)."""
    version = series['latest']
    path = os.path.join(CACHE, 'venvs', '%s-%s' % (service, version))
    python = os.path.join(path, 'bin', 'python')
    stamp = os.path.join(path, 'gmr-install.json')
    if os.path.exists(stamp):
        with open(stamp) as f:
            return path, json.load(f)
    entry = pypi(service)[version]
    package = download(entry.get('wheel') or entry['sdist'])
    cutoff, late = day_after(series['first_date']), day_after(entry['date'])
    log('%s %s: venv, libraries as of %s' % (service, version, cutoff))
    made = uv('venv', '-q', '--clear', '-p', PYTHON, path)
    if made.returncode:
        raise SystemExit(made.stderr)
    how = {'exclude_newer': cutoff, 'late': late, 'mode': 'with dependencies',
           'skipped': {}}
    done, allowed = install(python, cutoff, late, package, 'setuptools<81')
    if done.returncode:
        log('  install with dependencies failed; --no-deps and one requirement at a time')
        how['mode'] = 'no-deps, requirements one by one'
        how['failure'] = done.stderr.strip().splitlines()[-5:]
        uv('pip', 'install', '-q', '--python', python, '--no-deps', package,
           'setuptools<81')
        for req in requirements(package):
            one, more = install(python, cutoff, late, req)
            allowed += [p for p in more if p not in allowed]
            if one.returncode:
                # no wheel for Python 3.11 then, and the sdist does not build: the
                # first release with one, up to the point release's date
                one = uv('pip', 'install', '-q', '--python', python, '--only-binary',
                         ':all:', '--exclude-newer', late, '--resolution', 'lowest-direct',
                         req)
                if one.returncode:
                    how['skipped'][req] = one.stderr.strip().splitlines()[-1:]
                else:
                    how.setdefault('newer_for_python', []).append(req)
    if allowed:
        how['newer_until_%s' % late[:10]] = allowed
    with open(stamp, 'w') as f:
        json.dump(how, f, indent=1)
    return path, how


def installed(path):
    """{distribution: version} of the venv."""
    out = uv('pip', 'list', '--format', 'json', '--python',
             os.path.join(path, 'bin', 'python'))
    return {p['name']: p['version'] for p in json.loads(out.stdout)}


def probe(path, request, how=None):
    """The probe's answer, after repairing the venv when a library is out of step.

    With `how` (the venv's install record), these repairs are tried, each recorded:

    - a library that imports a module it does not declare (os-vif 5.2.1's ovs
      plugin imports pyroute2; so does neutron 29): stevedore skips the plugin and
      its options vanish, or a namespace fails.  A deployment has the module, so it
      is installed as of the cutoff;
    - a point release that needs a later stable release of a library without saying
      so (cinder 22.3.0 imports ``os_brick.constants``, new in a later os-brick 6.2.x):
      the library is moved to the newest release of its own minor series up to the
      point release's date, as the branch's upper-constraints were;
    - a package too old for its neighbours (see `distributions`);
    - a module that cannot be installed at all (an optional driver's client library
      under another name, ``googleapiclient``) is stubbed: the probe hands out an
      empty module for it, enough to read the option definitions beside it.
    """
    request = dict(request, stubs=how.get('stubbed', []) if how else [])
    out = _probe(path, request)
    if how is None:
        if 'fatal' in out:
            raise SystemExit('probe failed in %s:\n%s' % (path, out['fatal']))
        return out
    python = os.path.join(path, 'bin', 'python')
    own = os.path.basename(path).rsplit('-', 1)[0]
    for _ in range(6):  # one repair can uncover the next (wrapt, then eventlet)
        failures = list(out.get('failed_namespaces', {}).values())
        failures += list(out.get('failed', {}).values())
        text = ' '.join(out.get('plugin_failures', []) + failures)
        missing = sorted(set(re.findall(r"No module named '(\w+)'", text)))
        added = [m for m in missing if not uv('pip', 'install', '-q', '--python', python,
                                              '--exclude-newer', how['exclude_newer'],
                                              m).returncode]
        moved = []
        for dist, args in distributions(python, failures, how['late']):
            if dist.lower() != own and args[-1] not in how.get('newer_for_imports', []) \
                    and not uv('pip', 'install', '-q', '--python', python,
                               '--exclude-newer', how['exclude_newer'],
                               '--upgrade-package', dist, *args).returncode:
                moved.append(args[-1])
        # What cannot be installed (an optional driver's client library) is stubbed.
        stubbed = [m for m in missing if m not in added and
                   m not in how.get('stubbed', []) and
                   subprocess.run([python, '-c', 'import ' + m],
                                  capture_output=True).returncode]
        if not (added or moved or stubbed):
            break
        for key, done in (('undeclared', added), ('newer_for_imports', moved),
                          ('stubbed', stubbed)):
            how[key] = sorted(set(how.get(key, [])) | set(done))
        request['stubs'] = how['stubbed']
        with open(os.path.join(path, 'gmr-install.json'), 'w') as f:
            json.dump(how, f, indent=1)
        out = _probe(path, request)
    if 'fatal' in out:
        raise SystemExit('probe failed in %s:\n%s' % (path, out['fatal']))
    return out


def distributions(python, failures, late):
    """(distribution, uv arguments) to move it, for each import failure a repair knows.

    ``cannot import name 'x' from 'os_brick'``: a later release of the library's own
    minor series, up to the point release's date (`late`).  An AttributeError raised
    inside a package (``[in OpenSSL]``: pyOpenSSL 22 beside cryptography 44, where
    the release had pyOpenSSL 24), or a name this Python's standard library dropped
    (wrapt 1.12 imports inspect.formatargspec): a newer release, up to `late`, and
    the resolver moves the other packages to match.
    """
    kinds = {}
    for text in failures:
        for top in re.findall(r"cannot import name '\w+' from '(\w+)", text):
            kinds[top] = 'series'
        for top in re.findall(r"^(?:AttributeError|TypeError): .*\[in (\w+)\]$",
                              text, re.M):
            kinds[top] = 'newer'
        # a name this Python's standard library dropped (inspect.formatargspec):
        # the package that asks for it needs its first release without it
        for lib, top in re.findall(r"cannot import name '\w+' from '(\w+)'.*\[in (\w+)\]$",
                                   text, re.M):
            if lib in sys.stdlib_module_names:
                kinds[top] = 'newer'
    if not kinds:
        return
    found = subprocess.run([python, '-c', (
        'import json, sys, importlib.metadata as m; d = m.packages_distributions(); '
        'print(json.dumps({t: [d[t][0], m.version(d[t][0])] for t in sys.argv[1:] '
        'if t in d}))'), *sorted(kinds)], capture_output=True, text=True)
    for top, (dist, version) in json.loads(found.stdout or '{}').items():
        if kinds[top] == 'newer':
            yield dist, ['--exclude-newer-package=%s=%s' % (dist, late),
                         '%s>%s' % (dist, version)]
        else:
            major, minor = version.split('.')[:2]
            yield dist, ['--exclude-newer-package=%s=%s' % (dist, late),
                         '%s>=%s,<%s.%d' % (dist, version, major, int(minor) + 1)]


def _probe(path, request):
    env = {'PATH': os.path.join(path, 'bin') + ':/usr/bin:/bin',
           'HOME': os.path.expanduser('~'), 'LANG': 'C.UTF-8'}
    run = subprocess.run([os.path.join(path, 'bin', 'python'), PROBE],
                         input=json.dumps(request), capture_output=True, text=True,
                         env=env, cwd=path, timeout=900)
    try:
        out = json.loads(run.stdout)
    except ValueError:
        raise SystemExit('probe failed in %s:\n%s' % (path, run.stderr[-3000:]))
    if 'fatal' in out and 'failed' not in out:
        raise SystemExit('probe failed in %s:\n%s' % (path, out['fatal']))
    return out


# ---------------------------------------------------------------------------
# one release
# ---------------------------------------------------------------------------

def generator_files(sdist):
    """{config file name: [namespaces]} from the tree's generator config files."""
    files = sdist_files(sdist, lambda p: p.endswith(('.conf', '.ini')) and '/' in p
                        and not p.startswith(('doc', 'releasenotes', 'devstack')))
    out = {}
    for path, text in sorted(files.items()):
        keys = re.findall(r'^\s*(namespace|output_file)\s*=\s*(\S+)', text, re.M)
        namespaces = [v for k, v in keys if k == 'namespace']
        output = [v for k, v in keys if k == 'output_file']
        name = re.sub(r'\.sample$', '', os.path.basename(output[0])) if output else ''
        # oslopolicy-sample-generator files look alike but write policy.yaml
        if namespaces and name and not name.endswith(('.yaml', '.json')):
            out[name] = namespaces
    return out


def code_stamp():
    """A digest of this tool and the probe: facts a venv keeps are reused while the
    code that made them is unchanged."""
    import hashlib
    digest = hashlib.sha256()
    for name in (__file__, PROBE):
        with open(name, 'rb') as f:
            digest.update(f.read())
    return digest.hexdigest()


def release_facts(service, series):
    """(facts by (group, name), provenance) of one series, kept in its venv."""
    saved = os.path.join(CACHE, 'venvs', '%s-%s' % (service, series['latest']),
                         'gmr-facts.json')
    if os.path.exists(saved):
        with open(saved) as f:
            kept = json.load(f)
        if kept['stamp'] == code_stamp() and kept['series'] == series:
            return {tuple(k.split('|', 1)): v for k, v in kept['facts'].items()}, \
                kept['provenance']
    facts, provenance = probe_release(service, series)
    with open(saved, 'w') as f:
        json.dump({'stamp': code_stamp(), 'series': series, 'provenance': provenance,
                   'facts': {'%s|%s' % k: v for k, v in facts.items()}}, f)
    return facts, provenance


def probe_release(service, series):
    """(facts by (group, name), provenance) of one series, read in its venv."""
    path, how = make_venv(service, series)
    how.setdefault('late', day_after(pypi(service)[series['latest']]['date']))
    sdist = download(pypi(service)[series['latest']]['sdist'])
    facts, files, problems = {}, {}, {}

    def add(fact, source):
        key = (fact['group'], fact['name'])
        fact.setdefault('files', [])
        fact.setdefault('auth_plugins', [])
        old = facts.get(key)
        if old is None:
            facts[key] = fact
            old = fact
        elif old['error'] and not fact['error']:
            # read in a file that lacks what it refers to ($state_path), then in one
            # that has it
            old.update({k: fact[k] for k in DEFINITION + ('error',)})
        elif source == 'import' and 'import' not in old['files'] and \
                old['default'] != fact['default'] and not fact['error'] and \
                old.get('hook'):
            # The service's oslo.config.opts.defaults hook set it in the generator's
            # run (keystone's [cache] enabled), and the service runs the hook when it
            # starts; the import never ran it.
            problems.setdefault('defaults set by the service\'s hook', []).append(
                '%s.%s: %s (import: %s)' % (key[0], key[1], old['default'],
                                            fact['default']))
        elif source == 'import' and 'import' not in old['files'] and \
                old['default'] != fact['default'] and not fact['error']:
            # The daemon's own modules set it at import (neutron's control_exchange,
            # privsep capabilities): that is what a report prints.
            problems.setdefault('defaults set at import', []).append(
                '%s.%s: %s -> %s' % (key[0], key[1], old['default'], fact['default']))
            old.update({k: fact[k] for k in ('default', 'host_dependent', 'interpolated')})
        else:
            # A daemon may register an option with more deprecated names than its
            # generator listing has: keep them all.  Otherwise the first one wins.
            for name in fact['deprecated_names']:
                if name not in old['deprecated_names']:
                    old['deprecated_names'].append(name)
            if any(old[k] != fact[k] for k in DEFINITION if k != 'deprecated_names'):
                problems.setdefault('differing definitions', []).append(
                    '%s.%s (%s)' % (key[0], key[1], source))
        if source.startswith('auth:'):
            plugin = source[5:]
            if plugin not in old['auth_plugins']:
                old['auth_plugins'].append(plugin)
        elif source not in old['files']:
            old['files'].append(source)

    # The service's own file first: an agent's file refers to its options.
    listed = sorted(generator_files(sdist).items(),
                    key=lambda kv: kv[0].split('.')[0] != service)
    for name, namespaces in listed:
        out = probe(path, {'mode': 'generator', 'namespaces': namespaces}, how)
        if out['plugin_failures']:
            problems.setdefault('plugin_failures', {})[name] = out['plugin_failures']
        if not out['namespaces']:
            continue  # a policy (or other) generator file, no oslo.config namespace
        files[name] = namespaces
        for what in ('missing_namespaces', 'failed_namespaces', 'failed_hooks', 'clashes'):
            if out[what]:
                problems.setdefault(what, {})[name] = out[what]
        for fact in out['options']:
            add(fact, 'oslo.config' if fact.pop('builtin', False) else name)
        for fact in out['registered']:
            add(fact, 'import')
    entry = probe(path, {'mode': 'entry_modules', 'dist': service})
    modules, reporting = entry['modules'], entry['reporting']
    outs = [probe(path, {'mode': 'import', 'modules': modules, 'reporting': reporting},
                  how)]
    # Daemons that cannot share a process (nova 34: one threading mode, one eventlet)
    # are imported again each on its own.
    outs += [probe(path, {'mode': 'import', 'modules': [m], 'reporting': reporting}, how)
             for m in outs[0]['failed']]
    for out in outs:
        for program, group, name, default in out.get('ignored', []):
            # set by another program's own code (glance-scrubber's use_stderr): not
            # what the daemons that print reports start with
            text = '%s.%s = %s (%s)' % (group, name, default, program)
            ignored = problems.setdefault('defaults of other programs', [])
            if text not in ignored:
                ignored.append(text)
        for fact in out['options']:
            fact.pop('builtin', False)
            add(fact, 'import')
    failed = {m: e for m, e in outs[0]['failed'].items()
              if any(m in out['failed'] for out in outs[1:])}
    if failed:
        problems['failed imports'] = failed
    groups = sorted({g for g, n in facts if n == 'auth_type'})
    if groups:
        out = probe(path, {'mode': 'auth_plugins', 'groups': groups})
        for fact in out['options']:
            add(fact, 'auth:' + fact.pop('auth_plugin'))
    errors = ['%s.%s: %s' % (k[0], k[1], f['error']) for k, f in facts.items()
              if f['error']]
    errors += ['%s.%s: made from a stubbed module' % k for k, f in facts.items()
               if '<stub>' in json.dumps(f['default'])]
    if errors:
        problems['unreadable defaults'] = errors
    versions = installed(path)
    provenance = {
        'version': series['latest'],
        'versions': series['versions'],
        'named_as': series.get('named_as'),
        'python': subprocess.run([os.path.join(path, 'bin', 'python'), '-c',
                                  'import platform; print(platform.python_version())'],
                                 capture_output=True, text=True).stdout.strip(),
        'libraries': {k: v for k, v in sorted(versions.items())
                      if LIBRARIES.match(k.lower())},
        'install': how,
        'files': files,
        'problems': problems,
    }
    log('%s %s: %d options, %d config files%s' % (
        service, series['name'], len(facts), len(files),
        ''.join('; %s: %d' % (k, len(v)) for k, v in problems.items())))
    return facts, provenance


# ---------------------------------------------------------------------------
# the data file
# ---------------------------------------------------------------------------

def build(service, oldest):
    # oldest first; bit i of a variant's mask is the i-th release in version order,
    # which gmr.knowledge rebuilds from the recorded versions
    found = sorted(series_of(service, oldest), key=lambda s: version_key(s['latest']))
    releases, per_release, unloadable = {}, [], {}
    for series in found:
        try:
            facts, provenance = release_facts(service, series)
        except SystemExit as e:
            # An old release whose libraries do not import on this Python at all
            # (wrapt 1.12 needs inspect.formatargspec): said, not guessed.
            unloadable[series['name']] = '%s: %s' % (
                series['latest'], str(e).strip().splitlines()[-1])
            log('%s %s: cannot be loaded: %s' % (service, series['name'],
                                                 unloadable[series['name']]))
            continue
        releases[series['name']] = provenance
        per_release.append(facts)
    options = {}
    for i, facts in enumerate(per_release):
        for (group, name), fact in facts.items():
            row = [fact[k] for k in FIELDS]
            variants = options.setdefault(group, {}).setdefault(name, [])
            for variant in variants:
                if variant[1:] == row:
                    variant[0] |= 1 << i
                    break
            else:
                variants.append([1 << i] + row)
    return {
        'service': service,
        'made': datetime.date.today().isoformat(),
        'tool': 'tools/make_knowledge.py',
        'fields': list(FIELDS),
        'releases': releases,
        'unloadable': unloadable,
        'options': options,
    }


def write_readme():
    """data/README.md: how the data was made, from the data files themselves."""
    rows, made, gaps = [], set(), []
    for name in sorted(os.listdir(DATA)):
        if not name.endswith('.json.gz'):
            continue
        with gzip.open(os.path.join(DATA, name)) as f:
            data = json.load(f)
        made.add(data['made'])
        for release, why in data.get('unloadable', {}).items():
            gaps.append('- %s %s was not loaded: %s' % (data['service'], release, why))
        for release, info in data['releases'].items():
            libs = info['libraries']
            rows.append('| %s | %s | %s | %s | %s | %s | %s |' % (
                data['service'], release, info['version'],
                ' '.join(info['versions']), info['python'],
                libs.get('oslo-config', '?'), info['install']['mode'] +
                (' (%s)' % info['named_as'] if info.get('named_as') else '')))
    text = """# Option knowledge base data

One file per service, made by `python tools/make_knowledge.py` (run %s; see its
docstring and `tools/knowledge_probe.py` for every step). Each release's options were
read from the newest point version of the series, installed from PyPI with Python
3.11 and the libraries PyPI had on the day the series' first version came out, except
where the install record says otherwise (`install`: libraries a point release needed
newer, modules installed or stubbed so that a plugin or driver could be loaded).
Each file's `releases` entry records the exact versions of the service and of every
oslo.*, keystoneauth1, keystonemiddleware, os-* and stevedore library, and what could
not be loaded (`problems`).

| service | release | recorded from | versions of the release on PyPI | python | oslo.config | install |
|---|---|---|---|---|---|---|
%s

Older releases tried and not loaded:

%s
""" % (', '.join(sorted(made)), '\n'.join(rows), '\n'.join(gaps) or '- none')
    with open(os.path.join(DATA, 'README.md'), 'w') as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--only', nargs='+', choices=SERVICES, default=SERVICES)
    parser.add_argument('--oldest', default='2023.1',
                        help='the oldest series to include (default 2023.1)')
    a = parser.parse_args()
    os.makedirs(DATA, exist_ok=True)
    for service in a.only:
        data = build(service, a.oldest)
        path = os.path.join(DATA, service + '.json.gz')
        raw = json.dumps(data, separators=(',', ':'), sort_keys=True).encode()
        with open(path, 'wb') as f:
            f.write(gzip.compress(raw, 9, mtime=0))
        log('%s: %s (%d bytes, %d raw)' % (service, path, os.path.getsize(path), len(raw)))
    write_readme()
    return 0


if __name__ == '__main__':
    sys.exit(main())
