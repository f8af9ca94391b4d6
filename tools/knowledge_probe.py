"""Run inside one service release's venv: every option it registers, as JSON facts.

A helper of tools/make_knowledge.py, never imported by gmr. It runs under the venv's
own Python with the venv's own oslo.config, so it must work with old oslo.config
releases too, and it uses nothing but the standard library and what the service
installs. It reads one JSON request on stdin and writes one JSON answer on stdout:

- ``{"mode": "generator", "namespaces": [...]}``: the options of those
  ``oslo.config.opts`` namespaces, loaded by oslo-config-generator's own code
  (``oslo_config.generator._list_opts``, which also runs the projects'
  ``oslo.config.opts.defaults`` hooks and adds driver options; a default a hook
  changed is marked), with the group names
  as the projects register them: the generator lower-cases ``AGENT`` to ``agent`` for
  its sample files, a running daemon does not; and, apart, the options that loading
  them registered in the global ``cfg.CONF`` on the way;
- ``{"mode": "entry_modules", "dist": "nova"}``: the modules of its console and WSGI
  scripts, and which of them set up Guru Meditation Reports;
- ``{"mode": "import", "modules": ["nova.cmd.compute"], "reporting": [...]}``: the
  options that importing them registers in the global ``cfg.CONF`` (the generator
  misses options a daemon registers outside its namespaces), without the defaults
  that programs other than the `reporting` ones set in their own code;
- ``{"mode": "auth_plugins", "groups": [...]}``: the options each keystoneauth plugin
  adds to a group that loads it (they appear in a report only once the plugin is
  loaded).

Any request may carry ``"stubs": [module, ...]``: modules that cannot be installed,
replaced by empty ones (see `Stubs`).

Each fact holds the value as oslo.reports prints it: oslo.reports prints
``str(conf[group][dest])`` (after oslo.config converted the default with the
option's type and substituted ``$other`` references), lists item by item sorted by
``str``, dicts key by key.  So the probe registers the options in a fresh
``ConfigOpts``, parses an empty command line and reads each value back the same way.
"""

import json
import os
import re
import socket
import sys
import traceback

cfg = generator = None  # oslo.config's, imported by main(): its import may fail

#: The host as the probe's socket module names it (see `own_host_names`).
HOST, FQDN = 'gmr-probe-host', 'gmr-probe-host.gmr-probe.invalid'


def own_host_names():
    """Make `socket` name this host HOST and FQDN, unmistakable in any default.

    A default computed from the host name (nova's ``socket.gethostname()``, ironic's
    ``socket.getfqdn()``) is replaced by a placeholder only when it can be told from
    text that is not the host's: a machine that calls itself ``localhost`` (getfqdn on
    a host with no domain) would leave ironic's ``host`` as ``localhost``, the same text
    as a real ``localhost`` default.  Looking those names up resolves the real host.
    """
    real = socket.gethostname()
    real_getfqdn, real_byname = socket.getfqdn, socket.gethostbyname
    real_byname_ex, real_addrinfo = socket.gethostbyname_ex, socket.getaddrinfo

    def own(name):
        return real if name in (HOST, FQDN) else name

    def getfqdn(name=''):
        name = name.strip() if isinstance(name, str) else name
        return FQDN if name in ('', '0.0.0.0', '::', HOST, FQDN) else real_getfqdn(name)

    socket.gethostname = lambda: HOST
    socket.getfqdn = getfqdn
    socket.gethostbyname = lambda name: real_byname(own(name))
    socket.gethostbyname_ex = lambda name: real_byname_ex(own(name))
    socket.getaddrinfo = lambda host, *args, **kwargs: real_addrinfo(own(host), *args,
                                                                     **kwargs)
    return real, real_getfqdn()


REAL_HOST, REAL_FQDN = own_host_names()


def printed(value):
    """The value as gmr parses oslo.reports' text: str, a sorted tuple, a dict."""
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        # An empty list prints `name = `, which reads back as an empty string.
        return sorted(str(v) for v in value) if value else ''
    return str(value)


def machine_strings():
    """(string, placeholder) pairs that make a printed default this machine's own.

    Longest first, so the venv's site-packages is replaced before the venv itself.
    """
    import sysconfig
    found = {REAL_HOST: '<hostname>', REAL_FQDN: '<fqdn>',
             HOST: '<hostname>', FQDN: '<fqdn>',
             sysconfig.get_paths()['purelib']: '<site-packages>',
             sys.prefix: '<prefix>', sys.base_prefix: '<python>',
             os.path.basename(sys.argv[0]): '<program>'}
    try:
        found[socket.gethostbyname(REAL_HOST)] = '<host_ip>'
    except OSError:
        pass
    try:
        from oslo_utils import netutils
        found.setdefault(netutils.get_my_ipv4(), '<host_ip>')
        found.setdefault(netutils.get_my_ipv6(), '<host_ipv6>')
    except Exception:
        pass
    for plain in ('', '127.0.0.1', 'localhost', '::1'):
        found.pop(plain, None)
    return sorted(found.items(), key=lambda kv: len(kv[0]), reverse=True)


MACHINE = machine_strings()


def placeholders(value):
    """`value` with this machine's names and paths replaced, or None if it has none.

    Whole words only: a host called ``vm`` leaves ``kvm`` and ``vmware`` alone.
    """
    if isinstance(value, dict):
        new = {placeholders(k) or k: placeholders(v) or v for k, v in value.items()}
        return new if new != value else None
    if isinstance(value, list):
        new = [placeholders(v) or v for v in value]
        return new if new != value else None
    new = value
    for text, mark in MACHINE:
        new = re.sub(r'(?<![\w.-])%s(?![\w-])' % re.escape(text), mark, new)
    return new if new != value else None


def has_reference(value):
    """True when a default interpolates another option (``$state_path/x``)."""
    if isinstance(value, str):
        return '$' in value.replace('$$', '')
    if isinstance(value, (list, tuple)):
        return any(has_reference(v) for v in value)
    if isinstance(value, dict):
        return any(has_reference(v) for v in value.values())
    return False


def type_name(opt):
    try:
        return generator._format_type_name(opt.type)
    except Exception:
        return type(opt.type).__name__


def short(text):
    """The first sentence of a deprecation reason, at most 200 characters."""
    if not text:
        return None
    text = ' '.join(str(text).split())
    end = text.find('. ')
    if 0 < end < 200:
        return text[:end + 1]
    return text if len(text) <= 200 else text[:199] + '\u2026'


def jsonable(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    return str(value)


def fact(opt, group, value, error):
    """One option's facts; `value` is what ConfigOpts returned for it.

    The default is kept as this machine printed it, with its host name, address and
    the venv's paths replaced by placeholders (``<hostname>``, ``<host_ip>``,
    ``<site-packages>/nova/virt/interfaces.template``).  It is host-dependent when
    it had any, or when the project gave a sample_default that differs from it
    (``<host_ipv4>``, ``multiprocessing.cpu_count()``).
    """
    sample = getattr(opt, 'sample_default', None)
    shown = printed(value) if error is None else None
    if error is not None and has_reference(opt.default):
        shown = printed(opt.default)  # refers to an option this file lacks: keep $name
    local = placeholders(shown) if shown is not None else None
    default = shown if local is None else local
    host = local is not None or (sample is not None and printed(sample) != shown)
    choices = getattr(opt.type, 'choices', None) or ()
    deprecated = []
    for d in getattr(opt, 'deprecated_opts', None) or ():
        deprecated.append([d.group or group, d.name or opt.name])
    return {
        'group': group,
        'name': opt.name,
        'type': type_name(opt),
        'default': jsonable(default),
        'host_dependent': host,
        'interpolated': has_reference(opt.default),
        'secret': bool(opt.secret),
        'choices': [jsonable(c) for c in choices],
        # oslo.config's List and Dict with bounds=True read only `[a, b]`, `{k: v}`
        'bounds': bool(getattr(opt.type, 'bounds', False)),
        'min': jsonable(getattr(opt.type, 'min', None)),
        'max': jsonable(getattr(opt.type, 'max', None)),
        'deprecated_names': deprecated,
        'deprecated_for_removal': bool(getattr(opt, 'deprecated_for_removal', False)),
        'deprecated_since': jsonable(getattr(opt, 'deprecated_since', None)),
        'deprecated_reason': short(getattr(opt, 'deprecated_reason', None)),
        'error': error,
    }


def failure(error):
    """An exception as one line, naming the installed package whose code raised it
    (``[in OpenSSL]``): make_knowledge.py moves that package on and tries again."""
    import sysconfig
    site = sysconfig.get_paths()['purelib'] + os.sep
    tb, where = error.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith(site):
            where = tb.tb_frame.f_code.co_filename[len(site):].split(os.sep)[0]
        tb = tb.tb_next
    text = '%s: %s' % (type(error).__name__, str(error)[:300])
    return text + (' [in %s]' % where.split('.')[0] if where else '')


def group_name(group):
    if group is None:
        return 'DEFAULT'
    return getattr(group, 'name', group) or 'DEFAULT'


def evaluate(listing, defaults=None):
    """Facts of every (group, opt), read back from a ConfigOpts that registers them all.

    When two definitions of one option differ (oslo.config refuses the second), the
    first wins and the clash is reported.
    """
    conf = cfg.ConfigOpts()
    kept, clashes = [], []
    for group, opt in listing:
        name = group_name(group)
        try:
            if name == 'DEFAULT':
                conf.register_opt(opt)
            else:
                if isinstance(group, cfg.OptGroup) and name not in conf:
                    conf.register_group(cfg.OptGroup(name))
                conf.register_opt(opt, group=name)
        except cfg.DuplicateOptError:
            clashes.append([name, opt.name])
            continue
        kept.append((name, opt))
        if defaults and (name, opt.dest) in defaults:
            conf.set_default(opt.dest, defaults[name, opt.dest],
                             group=None if name == 'DEFAULT' else name)
    # Required options (keystoneauth's auth-url ...) have no value here; a daemon
    # checks them only once its config files are read.
    conf._check_required_opts = lambda *args, **kwargs: None
    while True:
        try:
            try:
                conf(args=[], project='gmr-knowledge', default_config_files=[],
                     default_config_dirs=[])
            except TypeError:
                conf(args=[], project='gmr-knowledge', default_config_files=[])
            break
        except cfg.DuplicateOptError as e:
            # A namespace that lists oslo.config's own config-file: oslo.config's wins.
            clash = [(n, o) for n, o in kept if n == 'DEFAULT' and o.name == e.opt_name]
            if not clash:
                raise
            conf.unregister_opt(clash[0][1])
            kept.remove(clash[0])
            conf.clear()
    own = set(id(opt) for _, opt in kept)
    builtin = [('DEFAULT', info['opt']) for info in conf._opts.values()
               if id(info['opt']) not in own]
    builtin_ids = set(id(opt) for _, opt in builtin)
    facts, seen = [], set()
    for name, opt in kept + builtin:
        key = (name, opt.name)
        if key in seen:
            continue
        seen.add(key)
        try:
            value = conf[opt.dest] if name == 'DEFAULT' else conf[name][opt.dest]
            error = None
        except Exception as e:
            value, error = None, '%s: %s' % (type(e).__name__, e)
        facts.append(fact(opt, name, value, error))
        if id(opt) in builtin_ids:
            facts[-1]['builtin'] = True
    return {'options': facts, 'clashes': clashes}


def from_generator(namespaces):
    """The namespaces' options as oslo-config-generator lists them.

    The generator runs the projects' ``oslo.config.opts.defaults`` hooks before it
    asks for the options; the options are listed once before the hooks and once after,
    and each fact whose default a hook changed says so (``hook``): the service runs the
    hook when it starts (keystone's set_external_opts_defaults turns oslo.cache's
    ``enabled`` on), so no value seen at import, where it never ran, replaces it.
    """
    # Keep group names as registered: the cleanup only renames groups and drops
    # duplicates, which evaluate() does itself.
    generator._cleanup_opts = lambda read: read
    run_hooks = generator._update_defaults
    generator._update_defaults = lambda names: None
    missing = []
    known = set()
    try:
        from importlib.metadata import entry_points
        known = {ep.name for ep in entry_points(group='oslo.config.opts')}
    except Exception:
        pass
    if known:
        missing = [n for n in namespaces if n not in known]
        namespaces = [n for n in namespaces if n in known]

    def listed(names):
        listing, per_namespace, failed = [], {}, {}
        for namespace in names:
            try:
                loaded = generator._list_opts([namespace])
            except Exception as e:
                failed[namespace] = failure(e)
                continue
            for _, groups in loaded:
                for group, opts in groups:
                    for opt in opts:
                        listing.append((group, opt))
                        per_namespace.setdefault(namespace, []).append(
                            [group_name(group), opt.name])
        # Loading a namespace imports modules that register more options in cfg.CONF
        # (os-vif's plugins create their privsep contexts), some with defaults set
        # there: a daemon imports them too.
        found, defaults = registered()
        out = evaluate(listing, defaults)
        names = set((group_name(g), o.name) for g, o in listing)
        extra = [(g, o) for g, o in found if (group_name(g), o.name) not in names]
        out['registered'] = [f for f in evaluate(extra, defaults)['options']
                             if not f.get('builtin')]
        out['namespaces'] = per_namespace
        out['failed_namespaces'] = failed
        return out

    # A namespace that failed fails again, with a lesser error (a module half
    # imported): its first error is the one make_knowledge.py repairs.
    before = listed(namespaces)
    failed_hooks = {}
    try:
        run_hooks(namespaces)
    except Exception as e:
        failed_hooks['oslo.config.opts.defaults'] = failure(e)
    out = listed([n for n in namespaces if n not in before['failed_namespaces']])
    out['failed_namespaces'].update(before['failed_namespaces'])
    was = {(f['group'], f['name']): f['default']
           for f in before['options'] + before['registered']}
    for f in out['options'] + out['registered']:
        key = (f['group'], f['name'])
        if key in was and was[key] != f['default']:
            f['hook'] = True
    out['missing_namespaces'] = missing
    out['failed_hooks'] = failed_hooks
    return out


def entry_modules(dist):
    """The modules of a distribution's console and WSGI scripts, in its own package,
    and those of them that set up Guru Meditation Reports (their source imports
    oslo_reports: glance-api does, glance-scrubber does not)."""
    from importlib.metadata import distribution
    found = distribution(dist)
    tops = set((found.read_text('top_level.txt') or '').split())
    modules = set()
    for ep in found.entry_points:
        module = ep.value.split(':')[0].strip()
        if ep.group in ('console_scripts', 'wsgi_scripts') and \
                module.split('.')[0] in tops:
            modules.add(module)
    reporting = []
    for module in sorted(modules):
        base = module.replace('.', '/')
        for path in (base + '.py', base + '/__init__.py'):
            try:
                with open(str(found.locate_file(path)), encoding='utf-8') as f:
                    text = f.read()
            except OSError:
                continue
            if 'oslo_reports' in text:
                reporting.append(module)
            break
    return sorted(modules), reporting


def registered():
    """(group, opt) of every option registered in the global cfg.CONF so far, and the
    defaults set there with ``set_default`` (oslo.privsep sets a context's
    capabilities so): {(group, dest): default}."""
    conf = cfg.CONF
    listing, defaults = [], {}
    groups = [('DEFAULT', conf._opts)]
    groups += [(name, group._opts) for name, group in conf._groups.items()]
    for name, opts in groups:
        for info in opts.values():
            listing.append((name, info['opt']))
            if 'default' in info:
                defaults[name, info['opt'].dest] = info['default']
    return listing, defaults


def setting_module(entry):
    """The entry module whose own code is running, if the code being imported is one:
    the nearest module body on the stack (a function it calls counts as its own)."""
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_name == '<module>':
            name = frame.f_globals.get('__name__')
            return name if name in entry else None
        frame = frame.f_back
    return None


def from_import(modules, reporting=()):
    """The options importing `modules` registers in cfg.CONF, with their defaults.

    A default that an entry module's own code sets (``CONF.set_default`` in its body)
    is that program's, not the service's: glance-scrubber and glance-cache-pruner set
    oslo.log's ``use_stderr`` to True, glance-api does not.  When some entry modules
    set up Guru Meditation Reports (`reporting`: the daemons whose reports gmr reads),
    the other programs' own defaults are left out (``ignored``); a default set by a
    module they share (neutron's common config sets ``control_exchange``) applies.
    """
    import importlib
    entry, others = set(modules), set(modules) - set(reporting or modules)
    ignored = []
    set_default, set_defaults = cfg.ConfigOpts.set_default, cfg.set_defaults

    def own_set_default(self, name, default, *args, **kwargs):
        program = setting_module(entry)
        if self is cfg.CONF and program in others:
            group = kwargs.get('group', args[0] if args else None)
            ignored.append([program, str(group_name(group)), name, printed(default)])
            return None
        return set_default(self, name, default, *args, **kwargs)

    def own_set_defaults(opts, **kwargs):
        program = setting_module(entry)
        if program in others:
            ignored.extend([program, '?', k, printed(v)] for k, v in sorted(kwargs.items()))
            return None
        return set_defaults(opts, **kwargs)

    cfg.ConfigOpts.set_default = own_set_default
    cfg.set_defaults = own_set_defaults
    failed = {}
    for module in modules:
        try:
            importlib.import_module(module)
        except BaseException as e:
            failed[module] = failure(e)
    cfg.ConfigOpts.set_default, cfg.set_defaults = set_default, set_defaults
    out = evaluate(*registered())
    out['failed'] = failed
    out['ignored'] = ignored
    return out


def from_auth_plugins(groups):
    from keystoneauth1 import loading
    out = {'options': [], 'plugins': {}}
    # password first: of two plugins' definitions of one option, the first is kept
    names = sorted(loading.get_available_plugin_names(),
                   key=lambda n: (n != 'password', n))
    for plugin in names:
        try:
            opts = loading.get_auth_plugin_conf_options(plugin)
        except Exception:
            continue
        out['plugins'][plugin] = [o.name for o in opts]
        for group in groups:
            facts = evaluate([(group, o) for o in opts])['options']
            for f in facts:
                if not f.get('builtin'):
                    f['auth_plugin'] = plugin
                    out['options'].append(f)
    return out


class Anything(object):
    """Whatever a stubbed module is asked for: a class to derive from, a decorator,
    a constant.  It prints as ``<stub>``, so a default made from it shows."""

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        return Anything()

    def __getattr__(self, name):
        if name.startswith('__') and name.endswith('__'):
            raise AttributeError(name)
        return Anything()

    def __mro_entries__(self, bases):
        return (object,)

    def __iter__(self):
        return iter(())

    def __str__(self):
        return '<stub>'

    __repr__ = __str__


class Stubs(object):
    """An import hook that hands out empty modules for `names` and their submodules:
    third-party libraries an optional driver imports that cannot be installed
    (make_knowledge.py asks for them after a real ModuleNotFoundError).  Options are
    plain module-level definitions; the driver never runs here."""

    def __init__(self, names):
        self.names = set(names)

    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] not in self.names:
            return None
        import importlib.machinery
        return importlib.machinery.ModuleSpec(name, self, is_package=True)

    def create_module(self, spec):
        import types
        module = types.ModuleType(spec.name)
        module.__path__ = []
        module.__getattr__ = lambda attr: Anything()
        return module

    def exec_module(self, module):
        pass


class PluginFailures(object):
    """Plugins stevedore could not load (it logs them and goes on): os-vif's ovs
    plugin, for one, registers its options only if its imports succeed."""

    def __init__(self):
        import logging
        self.seen = []
        handler = logging.Handler()
        handler.emit = lambda record: self.seen.append(record.getMessage())
        logger = logging.getLogger('stevedore')
        logger.addHandler(handler)
        logger.setLevel(logging.ERROR)
        logger.propagate = False


def main():
    global cfg, generator
    try:
        from oslo_config import cfg, generator
    except Exception as e:
        # An old library that this Python no longer runs (wrapt 1.12 needs
        # inspect.formatargspec): said, so that make_knowledge.py can move it.
        sys.stdout.write(json.dumps({'fatal': traceback.format_exc(),
                                     'failed': {'oslo_config': failure(e)}}))
        return
    failures = PluginFailures()
    request = json.load(sys.stdin)
    if request.get('stubs'):
        sys.meta_path.append(Stubs(request['stubs']))
    mode = request['mode']
    try:
        if mode == 'generator':
            out = from_generator(request['namespaces'])
        elif mode == 'entry_modules':
            modules, reporting = entry_modules(request['dist'])
            out = {'modules': modules, 'reporting': reporting}
        elif mode == 'import':
            out = from_import(request['modules'], request.get('reporting'))
        else:
            out = from_auth_plugins(request['groups'])
    except Exception:
        out = {'fatal': traceback.format_exc()}
    out['machine'] = dict(MACHINE)
    out['plugin_failures'] = sorted(set(failures.seen))
    sys.stdout.write(json.dumps(out))


if __name__ == '__main__':
    main()
