#!/usr/bin/env python3
"""Start a stand-in OpenStack daemon whose Guru Meditation Report is genuine.

This script is run by ``tools/make_samples.py`` *inside* a virtualenv that
holds one real OpenStack service release from PyPI (nova, neutron, cinder or
glance) together with ``oslo.reports``.  It is not meant to be run by hand
outside that venv, and it deliberately imports nothing but the standard
library at module level, because nova and cinder need their eventlet
monkey-patching (or their refusal of it) to happen before anything else.

What it does, per role (see ``ROLES``):

* it calls the service's **own startup code** (``nova.cmd.compute.main``,
  ``nova.wsgi.osapi_compute``, ``neutron.wsgi.api``,
  ``neutron.cmd.agents.ovs_neutron_agent.main``, ``cinder.cmd.volume.main``,
  ``glance.wsgi.api``) with ``sys.argv`` / ``OS_*_CONFIG_DIR`` set the way
  devstack or a distro unit sets them.  That code parses the ini files,
  registers the options, calls ``gmr_opts.set_defaults`` and
  ``TextGuruMeditation.setup_autorun(...)`` with the version object the
  service itself passes;
* it replaces only the few calls that would reach a database, RabbitMQ,
  OVSDB, libvirt or LVM (each replacement is listed in ``PATCHES`` and
  printed to stdout), so the daemon settles into its real wait loop or into
  a stand-in loop;
* it forks a few worker/helper child processes (the real
  ``oslo.service`` ``ProcessLauncher`` does it for cinder-volume);
* when everything is up it points file descriptor 2 at ``--output`` and
  writes ``READY <pid>`` to ``--ready-fd``.  ``make_samples.py`` then sends
  a real ``SIGUSR2`` (or, for glance, touches the
  ``[oslo_reports] file_event_handler`` file) and copies nothing: the report
  lands in the output file exactly as ``print(res, file=sys.stderr)`` wrote
  it.

Logging goes where oslo.log sends it when no log file is configured
(stdout); make_samples.py captures stdout and the pre-report stderr in
files under its cache directory.
"""

import argparse
import ctypes
import os
import signal
import sys
import time

# Every monkey-patched or stubbed call is recorded here and printed to stdout
# (the service log), so the provenance of each sample is inspectable.
PATCHES = []

ARGS = None


def log(msg):
    sys.stdout.write('[sample_harness] %s\n' % msg)
    sys.stdout.flush()


def patch(obj, name, value, why):
    setattr(obj, name, value)
    what = '%s.%s' % (getattr(obj, '__module__', '') + '.' +
                      getattr(obj, '__name__', repr(obj)), name)
    PATCHES.append((what.lstrip('.'), why))
    log('replaced %s: %s' % (what.lstrip('.'), why))


# ---------------------------------------------------------------------------
# child processes and readiness
# ---------------------------------------------------------------------------

def _die_with_parent():
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def fork_sleepers(count, label):
    """Fork ``count`` children that only sleep (stand-ins for helpers)."""
    pids = []
    for _ in range(count):
        pid = os.fork()
        if pid == 0:
            try:
                _die_with_parent()
                for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                    signal.signal(sig, signal.SIG_DFL)
                while True:
                    signal.pause()
            finally:
                os._exit(0)
        pids.append(pid)
    log('forked %d %s children: %s' % (count, label, pids))
    return pids


def _native_threading():
    """The real ``threading`` module even when eventlet patched it."""
    if 'eventlet' in sys.modules:
        try:
            import eventlet.patcher
            if eventlet.patcher.is_monkey_patched('thread'):
                return eventlet.patcher.original('threading')
        except Exception:
            pass
    import threading
    return threading


def _native_sleep():
    if 'eventlet' in sys.modules:
        try:
            import eventlet.patcher
            return eventlet.patcher.original('time').sleep
        except Exception:
            pass
    return time.sleep


def _count_children():
    try:
        import psutil
        return len(psutil.Process().children())
    except Exception:
        return -1


def start_ready_watcher(expected_children):
    """Announce readiness from a short-lived native thread.

    Waits until the process has ``expected_children`` children and the main
    thread has had a few seconds to settle in its wait loop, then points fd 2
    at the output file and tells make_samples.py the pid.  The thread then
    exits, so it is not in the report.
    """
    threading = _native_threading()
    sleep = _native_sleep()

    def watch():
        deadline = time.time() + 300
        while _count_children() < expected_children:
            if time.time() > deadline:
                log('gave up waiting for %d children' % expected_children)
                os._exit(3)
            sleep(0.2)
        sleep(ARGS.settle)
        sys.stderr.flush()
        fd = os.open(ARGS.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 2)
        os.close(fd)
        log('stderr now goes to %s; %d children' % (ARGS.output,
                                                   _count_children()))
        os.write(ARGS.ready_fd, b'READY %d\n' % os.getpid())
        os.close(ARGS.ready_fd)

    t = threading.Thread(target=watch, name='sample-ready-watcher')
    t.daemon = True
    t.start()


# ---------------------------------------------------------------------------
# stand-in service (used where the real one would need DB/AMQP/libvirt)
# ---------------------------------------------------------------------------

def make_standin_service(on_start=None, children=0, timers=True):
    """An ``oslo_service.service.Service`` with timer threads.

    Its timers mimic a manager's ``report_state`` and ``periodic_tasks``
    loops (they do nothing), so the report has the usual looping-call
    threads/greenthreads.
    """
    from oslo_service import service as os_service

    class SampleStandInService(os_service.Service):
        def start(self):
            super().start()
            if on_start:
                on_start()
            if children:
                fork_sleepers(children, 'helper')
            if timers:
                self.tg.add_timer(10, self.report_state, initial_delay=5)
                self.tg.add_dynamic_timer(self.periodic_tasks,
                                          initial_delay=7,
                                          periodic_interval_max=60)

        def report_state(self):
            pass

        def periodic_tasks(self, raise_on_error=False):
            return 60

    return SampleStandInService()


def wsgi_prefork(app, workers, port):
    """Serve ``app`` from a pre-forking wsgiref server (uWSGI stand-in).

    It listens on 127.0.0.1 inside make_samples.py's private network
    namespace; nothing ever connects to it.
    """
    from wsgiref import simple_server

    class QuietHandler(simple_server.WSGIRequestHandler):
        def log_message(self, *a):
            pass

    server = simple_server.make_server('127.0.0.1', port, app,
                                       handler_class=QuietHandler)
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            try:
                _die_with_parent()
                for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                    signal.signal(sig, signal.SIG_DFL)
                server.serve_forever()
            finally:
                os._exit(0)
    log('wsgi stand-in on 127.0.0.1:%d with %d forked workers'
        % (port, workers))
    start_ready_watcher(workers)
    server.serve_forever()


def wait_forever():
    import threading
    threading.Event().wait()


def load_ksa_plugin(conf, group):
    """Register a keystoneauth plugin's options the way its users do."""
    from keystoneauth1 import loading as ks_loading
    ks_loading.load_auth_from_conf_options(conf, group)
    log('loaded keystoneauth plugin options for [%s]' % group)


# ---------------------------------------------------------------------------
# roles
# ---------------------------------------------------------------------------

def nova_compute():
    import nova.cmd.compute as entry  # monkey-patching happens here
    from nova import service as nova_service

    def after_start():
        # What ComputeManager/ResourceTracker do within their first minute
        # (placement report client via openstacksdk, neutron admin client,
        # service-user token): load the keystoneauth plugins of [placement],
        # [neutron] and [service_user], which registers their options.  The
        # clients themselves are not built: openstacksdk would contact
        # keystone right away.
        from oslo_config import cfg
        for group in ('placement', 'neutron', 'service_user'):
            load_ksa_plugin(cfg.CONF, group)

    def create(cls, *args, **kwargs):
        log('nova.service.Service.create(%r)' % (kwargs,))
        return make_standin_service(on_start=after_start,
                                    children=ARGS.children)

    patch(nova_service.Service, 'create', classmethod(create),
          'ComputeManager needs libvirt, RabbitMQ and nova-conductor; '
          'stand-in oslo.service Service with timer threads and sleeping '
          'helper children (privsep daemons) instead')
    start_ready_watcher(ARGS.children)
    entry.main()


def nova_api():
    import importlib
    from nova import monkey_patch
    monkey_patch.patch(backend='threading')
    from nova.api.openstack import wsgi_app

    def setup_service(host, name):
        log('skipped _setup_service(%r, %r)' % (host, name))

    patch(wsgi_app, '_setup_service', setup_service,
          'it checks compute service versions and records the API service '
          'in the database')
    mod = importlib.import_module('nova.wsgi.osapi_compute')
    from oslo_config import cfg
    load_ksa_plugin(cfg.CONF, 'keystone_authtoken')
    wsgi_prefork(mod.application, ARGS.children, 8774)


def neutron_server():
    from neutron.common import config as n_config

    def load_paste_app(app_name):
        # The ML2 plugin and OVN mechanism driver are imported (their
        # options get registered) but not instantiated: instantiating them
        # syncs with the database and the OVN northbound DB.
        import neutron.plugins.ml2.plugin  # noqa
        # the type drivers named in [ml2] type_drivers (the plugin's
        # TypeManager loads them through stevedore; importing registers
        # their [ml2_type_*] options)
        import neutron.plugins.ml2.drivers.type_flat  # noqa
        import neutron.plugins.ml2.drivers.type_geneve  # noqa
        import neutron.plugins.ml2.drivers.type_vlan  # noqa
        import neutron.plugins.ml2.drivers.ovn.mech_driver.mech_driver  # noqa
        from neutron.conf.plugins.ml2.drivers.ovn import ovn_conf
        ovn_conf.register_opts()
        from oslo_config import cfg
        return _neutron_standin_app(cfg.CONF)

    _serve_neutron_api(n_config, load_paste_app,
                       'the paste pipeline instantiates the ML2 plugin, which '
                       'needs the database and OVN NB/SB; its modules are '
                       'imported and keystonemiddleware/keystoneauth options '
                       'registered instead')


def _neutron_standin_app(conf):
    """What both neutron-server stand-ins do once the plugin modules are
    imported: register the quota and keystonemiddleware/keystoneauth options
    the real paste pipeline would, and answer every request with a 503."""
    from neutron.conf import quota
    quota.register_quota_opts(quota.core_quota_opts)
    import keystonemiddleware.auth_token  # noqa
    from keystonemiddleware import opts as ksm_opts
    for group, opts in ksm_opts.list_auth_token_opts():
        conf.register_opts(opts, group=group)
    for group in ('keystone_authtoken', 'nova', 'placement'):
        load_ksa_plugin(conf, group)

    def app(environ, start_response):
        start_response('503 Service Unavailable',
                       [('Content-Type', 'text/plain')])
        return [b'sample harness\n']
    return app


def _serve_neutron_api(n_config, load_paste_app, why):
    """Run neutron's WSGI API with `load_paste_app` standing in for paste."""
    patch(n_config, 'load_paste_app', load_paste_app, why)
    import importlib
    mod = importlib.import_module('neutron.wsgi.api')
    wsgi_prefork(mod.application, ARGS.children, 9696)


def neutron_server_defaults():
    """neutron-server as ``neutron_server``, but loading what the config names.

    Used by the "defaults" sample.  Instead of the fixed ML2/OVN set of
    ``neutron_server``, the stand-in ``load_paste_app`` imports the module
    of the ``[DEFAULT] core_plugin`` entry point and, for ML2, those of the
    drivers listed in ``[ml2] type_drivers``, ``mechanism_drivers`` and
    ``extension_drivers`` (their defaults, when the ini leaves them unset),
    plus those of ``[DEFAULT] service_plugins``.  Importing registers their
    options; nothing is instantiated (that would reach the database).
    """
    from neutron.common import config as n_config

    def import_entry_point(namespace, name):
        from importlib import metadata
        eps = [ep for ep in metadata.entry_points(group=namespace)
               if ep.name == name]
        if eps:
            module = eps[0].value.split(':')[0]
        else:
            module = name.rpartition('.')[0] or name  # a class path
        import importlib
        importlib.import_module(module)
        log('imported %s (%s %s)' % (module, namespace, name))

    def load_paste_app(app_name):
        from oslo_config import cfg
        conf = cfg.CONF
        import_entry_point('neutron.core_plugins', conf.core_plugin)
        if 'ml2' in conf:
            for ns, names in (
                    ('neutron.ml2.type_drivers', conf.ml2.type_drivers),
                    ('neutron.ml2.mechanism_drivers',
                     conf.ml2.mechanism_drivers),
                    ('neutron.ml2.extension_drivers',
                     conf.ml2.extension_drivers)):
                for name in names:
                    import_entry_point(ns, name)
        for name in conf.service_plugins:
            import_entry_point('neutron.service_plugins', name)
        return _neutron_standin_app(conf)

    _serve_neutron_api(n_config, load_paste_app,
                       'the paste pipeline instantiates the core plugin, which '
                       'needs the database; the modules of the configured '
                       'plugin and drivers are imported and '
                       'keystonemiddleware/keystoneauth options registered '
                       'instead')


def neutron_ovs_agent():
    from neutron.cmd.agents import ovs_neutron_agent as entry
    from neutron.plugins.ml2.drivers.openvswitch.agent.openflow.native \
        import main as of_main

    def of_main_main():
        # Import the agent (registers [agent]/[ovs]/[securitygroup]...
        # options the way os-ken's app loading would) but do not run it:
        # it would connect to OVSDB and open an OpenFlow listener.
        from neutron.plugins.ml2.drivers.openvswitch.agent import \
            ovs_neutron_agent  # noqa
        from neutron.plugins.ml2.drivers.openvswitch.agent.openflow.native \
            import ovs_oskenapp  # noqa
        from neutron.conf.agent import securitygroups_rpc
        from oslo_config import cfg
        try:
            securitygroups_rpc.register_securitygroups_opts(cfg.CONF)
        except Exception:
            pass
        fork_sleepers(ARGS.children, 'rootwrap-daemon/ovsdb-client')
        start_ready_watcher(ARGS.children)
        wait_forever()

    patch(of_main, 'main', of_main_main,
          'the os-ken OpenFlow app connects to OVSDB and listens for '
          'OpenFlow; the agent modules are imported and the main thread '
          'waits instead')
    entry.main()


def cinder_volume():
    import cinder.cmd.volume as entry  # eventlet monkey-patching
    from cinder import exception
    from cinder import objects
    objects.register_all()  # cinder.volume.manager needs objects.Volume
    from cinder import service as c_service
    from cinder.db import api as c_db
    from cinder.volume import manager as c_manager

    def voldb_empty(self, ctxt):
        return False

    def get_service(self, host=None, binary='cinder-volume'):
        raise exception.ServiceNotFound(service_id=self.host)

    def get_by_args(cls, context, host, binary_key):
        raise exception.NotFound()

    def create_service_ref(self, context, rpc_version=None):
        log('skipped Service._create_service_ref for %s' % self.host)

    patch(c_manager.VolumeManager, '_set_voldb_empty_at_startup_indicator',
          voldb_empty, 'database query')
    patch(c_manager.VolumeManager, '_get_service', get_service,
          'database query (answers "service not found")')
    patch(objects.Service, 'get_by_args', classmethod(get_by_args),
          'database query (answers "not found")')
    def get_minimum_version(cls, context, binary):
        return None

    patch(objects.Service, 'get_minimum_rpc_version',
          classmethod(get_minimum_version),
          'database query (answers "no services yet", so the RPC clients '
          'cap at their own versions)')
    patch(objects.Service, 'get_minimum_obj_version',
          classmethod(get_minimum_version), 'same')
    patch(c_service.Service, '_create_service_ref', create_service_ref,
          'database insert')
    patch(c_db, 'dispose_engine', lambda: None,
          'would open a MySQL connection pool')

    standin = {}

    def start(self):
        svc = standin[self.host] = make_standin_service()
        svc.start()

    def wait(self):
        # oslo.service runs start() in a green thread and may call wait()
        # first; time.sleep is eventlet's here.
        while self.host not in standin:
            time.sleep(0.1)
        standin[self.host].wait()

    def stop(self, graceful=False):
        if self.host in standin:
            standin[self.host].stop()

    patch(c_service.Service, 'start', start,
          'the real start() runs init_host (LVM/RBD commands) and RPC '
          'servers; forked backend children run timer threads instead')
    patch(c_service.Service, 'wait', wait, 'see start')
    patch(c_service.Service, 'stop', stop, 'see start')
    start_ready_watcher(ARGS.children)
    entry.main()


def glance_api():
    import importlib
    from glance import sqlite_migration

    patch(sqlite_migration, 'migrate_if_required', lambda: None,
          'it opens the database to migrate the image cache')
    from glance.common import config as g_config
    orig = g_config.load_paste_app

    def load_paste_app(app_name, flavor=None, conf_file=None):
        app = orig(app_name, flavor=flavor, conf_file=conf_file)
        from oslo_config import cfg
        # Only when the pipeline has authtoken (e.g. [paste_deploy]
        # flavor = keystone): keystonemiddleware then registers the
        # keystoneauth options (auth_type, auth_section) in
        # [keystone_authtoken].  The default pipeline of the "defaults"
        # sample has no authtoken.
        if 'keystone_authtoken' in cfg.CONF and \
                'auth_section' in cfg.CONF.keystone_authtoken:
            load_ksa_plugin(cfg.CONF, 'keystone_authtoken')
        else:
            log('no [keystone_authtoken] group (no authtoken in the '
                'pipeline); no auth plugin loaded')
        return app

    patch(g_config, 'load_paste_app', load_paste_app,
          'wraps the real loader; afterwards loads the keystone_authtoken '
          'auth plugin as the first authenticated request would')
    mod = importlib.import_module('glance.wsgi.api')
    wsgi_prefork(mod.application, ARGS.children, 9292)


ROLES = {
    ('nova', 'compute'): nova_compute,
    ('nova', 'api'): nova_api,
    ('neutron', 'server'): neutron_server,
    ('neutron', 'server-defaults'): neutron_server_defaults,
    ('neutron', 'ovs-agent'): neutron_ovs_agent,
    ('cinder', 'volume'): cinder_volume,
    ('glance', 'api'): glance_api,
}


def main():
    global ARGS
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--service', required=True)
    p.add_argument('--role', required=True)
    p.add_argument('--output', required=True,
                   help='file that receives stderr once the daemon is up')
    p.add_argument('--ready-fd', type=int, required=True)
    p.add_argument('--children', type=int, default=3)
    p.add_argument('--settle', type=float, default=3.0,
                   help='seconds to wait after start-up before READY')
    p.add_argument('--prog', required=True,
                   help="sys.argv[0] of the daemon (e.g. nova-compute)")
    p.add_argument('service_args', nargs=argparse.REMAINDER,
                   help="after '--': the daemon's own arguments")
    ARGS = p.parse_args()
    args = ARGS.service_args
    if args and args[0] == '--':
        args = args[1:]
    sys.argv = [ARGS.prog] + args
    log('pid %d role %s/%s argv %r' % (os.getpid(), ARGS.service, ARGS.role,
                                       sys.argv))
    ROLES[(ARGS.service, ARGS.role)]()


if __name__ == '__main__':
    main()
