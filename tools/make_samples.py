#!/usr/bin/env python3
"""Produce real Guru Meditation Reports from OpenStack releases on PyPI.

This is a maintainer's tool, run by hand; CI and the tests never run it.
Each sample in ``samples/`` named ``<service>-<version>-<role>.txt`` was
made by this script, like this:

1. **One virtualenv per service release** under
   ``~/.cache/gmr-samples/venvs/<service>-<version>`` (``python3.11 -m venv``
   then ``pip install <service>==<version>``; the release's own
   requirements bring ``oslo.reports``, ``oslo.config``, ``psutil`` and
   ``greenlet``).  A venv that already holds the right release is reused.
2. **Minimal ini files** as devstack or a distro would write them
   (``nova.conf``, ``neutron.conf`` + ``ml2_conf.ini``, ``cinder.conf`` with
   ``enabled_backends``, ``glance-api.conf`` ...), under
   ``~/.cache/gmr-samples/run/<sample>/etc/<service>/``.  Every password in
   them is a recognisable fake (``*_PASS_<sample>``) so a leak in a report
   is easy to spot; ``make_samples.py`` greps each report for them.
3. **The service's own startup code** is run by ``tools/sample_harness.py``
   inside that venv (see its docstring: it patches out only the calls that
   would reach a database, RabbitMQ, OVSDB, libvirt or LVM).  When
   ``unshare`` works (root on Linux) the daemon runs in a private network
   namespace with only ``lo`` up, so nothing can leave the machine.
4. When the harness says ``READY <pid>``, a real ``SIGUSR2`` is sent to that
   pid (glance-api installs no signal handler, ``setup_signal=False``, so
   there the ``[oslo_reports] file_event_handler`` file is touched instead).
   The report is what oslo.reports' ``print(report, file=sys.stderr)``
   wrote to the daemon's stderr, which the harness pointed at a file.
5. The process tree is killed and the file is copied byte for byte to
   ``samples/``.  Nothing is edited.  Logs (stdout, pre-report stderr) stay
   in ``~/.cache/gmr-samples/run/<sample>/``; ``provenance.json`` beside
   them records the library versions.

The ``*-defaults`` samples (written to ``samples/defaults/``) go the same
way, with ini files that set only what the daemon needs to start; see
``_defaults_*`` below and samples/README.md, section "Defaults samples".

Usage::

    python tools/make_samples.py                 # every sample
    python tools/make_samples.py --only nova-compute-node1 nova-api
    python tools/make_samples.py --list

Running it again rebuilds the ini files and reports, reuses the venvs and
overwrites the ``samples/`` files it owns (thread ids, pids and some
timings differ from run to run; everything else is stable).
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HARNESS = os.path.join(REPO, 'tools', 'sample_harness.py')
SAMPLES_DIR = os.path.join(REPO, 'samples')
CACHE = os.path.join(os.path.expanduser('~'), '.cache', 'gmr-samples')
PYTHON = os.environ.get('GMR_SAMPLES_PYTHON', 'python3.11')

RELEASES = {
    'nova': '34.0.0',
    'neutron': '29.0.0',
    'cinder': '29.0.0',
    'glance': '33.0.0',
}

CONTROLLER = 'controller'
CONTROLLER_IP = '10.20.30.10'


def secret(kind, sample):
    """A fake password that names where it came from (for leak checks)."""
    return '%s_PASS_%s' % (kind.upper(), sample.replace('-', '_'))


# ---------------------------------------------------------------------------
# ini files
# ---------------------------------------------------------------------------

def ini(sections):
    out = []
    for name, opts in sections:
        out.append('[%s]' % name)
        for k, v in opts:
            out.append('%s = %s' % (k, v))
        out.append('')
    return '\n'.join(out)


def ksa(sample, user, kind='password'):
    """keystoneauth password-plugin options, as devstack writes them."""
    return [
        ('auth_type', kind),
        ('auth_url', 'http://%s/identity' % CONTROLLER),
        ('project_domain_name', 'Default'),
        ('user_domain_name', 'Default'),
        ('project_name', 'service'),
        ('username', user),
        ('password', secret(user + '_ks', sample)),
        ('region_name', 'RegionOne'),
    ]


def authtoken(sample, user):
    return [
        ('www_authenticate_uri', 'http://%s/identity' % CONTROLLER),
        ('memcached_servers', '%s:11211' % CONTROLLER),
        ('service_token_roles_required', 'true'),
    ] + [kv for kv in ksa(sample, user) if kv[0] != 'region_name']


def transport(sample):
    return 'rabbit://openstack:%s@%s:5672/' % (secret('rabbit', sample),
                                               CONTROLLER)


def nova_common(sample, host, ip, state):
    return [
        ('host', host),
        ('my_ip', ip),
        ('state_path', state),
        ('transport_url', transport(sample)),
        ('debug', 'False'),
        ('use_journal', 'False'),
    ]


def nova_compute_conf(sample, base, node, host, ip, cpu_ratio):
    state = os.path.join(base, 'var', 'lib', 'nova')
    return ini([
        ('DEFAULT', nova_common(sample, host, ip, state) + [
            ('compute_driver', 'libvirt.LibvirtDriver'),
            ('instances_path', state + '/instances'),
            ('cpu_allocation_ratio', cpu_ratio),
            ('ram_allocation_ratio', '1.0'),
            ('disk_allocation_ratio', '1.0'),
            ('reserved_host_memory_mb', '4096'),
            ('reserved_host_disk_mb', '20480'),
            ('resume_guests_state_on_host_boot', 'True'),
            ('heal_instance_info_cache_interval', '120'),
        ]),
        ('api', [('auth_strategy', 'keystone')]),
        ('compute', [
            ('cpu_shared_set', '2-15'),
            ('cpu_dedicated_set', '16-31'),
            ('live_migration_wait_for_vif_plug', 'True'),
        ]),
        ('glance', [('region_name', 'RegionOne'),
                    ('num_retries', '3')]),
        ('cinder', [('os_region_name', 'RegionOne'),
                    ('catalog_info', 'volumev3::internalURL')]),
        ('libvirt', [
            ('virt_type', 'kvm'),
            ('cpu_mode', 'host-model'),
            ('images_type', 'qcow2'),
            ('live_migration_scheme', 'ssh'),
            ('live_migration_inbound_addr', ip),
            ('live_migration_permit_auto_converge', 'True'),
            ('hw_machine_type', 'x86_64=q35'),
            ('rx_queue_size', '1024'),
            ('tx_queue_size', '1024'),
        ]),
        ('neutron', ksa(sample, 'neutron') + [
            ('valid_interfaces', 'internal'),
        ]),
        ('placement', ksa(sample, 'placement') + [
            ('valid_interfaces', 'internal'),
        ]),
        ('service_user', ksa(sample, 'nova') + [
            ('send_service_user_token', 'True'),
        ]),
        ('os_vif_ovs', [('ovsdb_connection', 'tcp:127.0.0.1:6640')]),
        ('oslo_concurrency', [('lock_path', state + '/tmp')]),
        ('oslo_messaging_notifications', [('driver', 'messagingv2')]),
        ('vnc', [
            ('enabled', 'True'),
            ('server_listen', ip),
            ('server_proxyclient_address', ip),
            ('novncproxy_base_url',
             'http://%s:6080/vnc_lite.html' % CONTROLLER_IP),
        ]),
        ('workarounds', [('skip_cpu_compare_on_dest', 'True')]),
    ])


def nova_api_conf(sample, base):
    state = os.path.join(base, 'var', 'lib', 'nova')
    return ini([
        ('DEFAULT', nova_common(sample, CONTROLLER, CONTROLLER_IP, state) + [
            ('enabled_apis', 'osapi_compute,metadata'),
            ('osapi_compute_workers', '2'),
            ('metadata_workers', '2'),
        ]),
        ('api', [('auth_strategy', 'keystone'),
                 ('dhcp_domain', 'openstack.example.org')]),
        ('api_database', [('connection',
                           'mysql+pymysql://nova:%s@%s/nova_api'
                           '?charset=utf8' % (secret('nova_db', sample),
                                              CONTROLLER))]),
        ('database', [('connection',
                       'mysql+pymysql://nova:%s@%s/nova_cell0'
                       '?charset=utf8' % (secret('nova_db', sample),
                                          CONTROLLER)),
                      ('max_pool_size', '10')]),
        ('glance', [('region_name', 'RegionOne')]),
        ('keystone_authtoken', authtoken(sample, 'nova')),
        ('neutron', ksa(sample, 'neutron') + [
            ('service_metadata_proxy', 'True'),
            ('metadata_proxy_shared_secret', secret('metadata', sample)),
        ]),
        ('placement', ksa(sample, 'placement')),
        ('scheduler', [('discover_hosts_in_cells_interval', '300')]),
        ('filter_scheduler', [('enabled_filters',
                               'ComputeFilter,ComputeCapabilitiesFilter,'
                               'ImagePropertiesFilter,'
                               'ServerGroupAntiAffinityFilter,'
                               'ServerGroupAffinityFilter')]),
        ('service_user', ksa(sample, 'nova') + [
            ('send_service_user_token', 'True'),
        ]),
        ('oslo_concurrency', [('lock_path', state + '/tmp')]),
        ('oslo_messaging_notifications', [('driver', 'messagingv2')]),
        ('wsgi', [('api_paste_config', '/etc/nova/api-paste.ini')]),
    ])


def neutron_conf(sample, base, host, ip):
    state = os.path.join(base, 'var', 'lib', 'neutron')
    return ini([
        ('DEFAULT', [
            ('host', host),
            ('state_path', state),
            ('core_plugin', 'ml2'),
            ('service_plugins', 'ovn-router,trunk,qos,segments'),
            ('auth_strategy', 'keystone'),
            ('transport_url', transport(sample)),
            ('allow_overlapping_ips', 'True'),
            ('notify_nova_on_port_status_changes', 'True'),
            ('notify_nova_on_port_data_changes', 'True'),
            ('api_workers', '2'),
            ('rpc_workers', '1'),
            ('debug', 'False'),
            ('bind_host', ip),
        ]),
        ('agent', [('root_helper',
                    'sudo neutron-rootwrap /etc/neutron/rootwrap.conf'),
                   ('root_helper_daemon',
                    'sudo neutron-rootwrap-daemon /etc/neutron/rootwrap.conf')
                   ]),
        ('database', [('connection',
                       'mysql+pymysql://neutron:%s@%s/neutron'
                       '?charset=utf8' % (secret('neutron_db', sample),
                                          CONTROLLER))]),
        ('keystone_authtoken', authtoken(sample, 'neutron')),
        ('nova', ksa(sample, 'nova')),
        ('placement', ksa(sample, 'placement')),
        ('oslo_concurrency', [('lock_path', state + '/tmp')]),
        ('oslo_messaging_notifications', [('driver', 'messagingv2')]),
    ])


def ml2_conf(ovn=True):
    return ini([
        ('ml2', [
            ('type_drivers', 'flat,vlan,geneve'),
            ('tenant_network_types', 'geneve'),
            ('mechanism_drivers', 'ovn' if ovn else 'openvswitch,l2population'),
            ('extension_drivers', 'port_security,qos'),
            ('overlay_ip_version', '4'),
        ]),
        ('ml2_type_flat', [('flat_networks', 'public')]),
        ('ml2_type_vlan', [('network_vlan_ranges', 'physnet1:1000:1999')]),
        ('ml2_type_geneve', [('vni_ranges', '1:65536'),
                             ('max_header_size', '38')]),
        ('ovn', [
            ('ovn_nb_connection', 'tcp:%s:6641' % CONTROLLER_IP),
            ('ovn_sb_connection', 'tcp:%s:6642' % CONTROLLER_IP),
            ('ovn_metadata_enabled', 'True'),
            ('enable_distributed_floating_ip', 'True'),
        ]),
        ('securitygroup', [('enable_security_group', 'True'),
                           ('firewall_driver', 'openvswitch')]),
    ])


def ovs_agent_conf(ip):
    return ini([
        ('agent', [('tunnel_types', 'vxlan'),
                   ('l2_population', 'True'),
                   ('arp_responder', 'True')]),
        ('ovs', [('local_ip', ip),
                 ('bridge_mappings', 'public:br-ex,physnet1:br-vlan'),
                 ('integration_bridge', 'br-int'),
                 ('tunnel_bridge', 'br-tun'),
                 ('of_interface', 'native'),
                 ('ovsdb_connection', 'tcp:127.0.0.1:6640')]),
        ('securitygroup', [('firewall_driver', 'openvswitch'),
                           ('enable_security_group', 'True')]),
    ])


def cinder_conf(sample, base):
    state = os.path.join(base, 'var', 'lib', 'cinder')
    return ini([
        ('DEFAULT', [
            ('host', 'storage1'),
            ('my_ip', '10.20.30.21'),
            ('state_path', state),
            ('transport_url', transport(sample)),
            ('enabled_backends', 'lvm-1,ceph-1'),
            ('default_volume_type', 'lvmdriver-1'),
            ('glance_api_servers', 'http://%s/image' % CONTROLLER),
            ('auth_strategy', 'keystone'),
            ('osapi_volume_workers', '2'),
            ('debug', 'False'),
        ]),
        ('database', [('connection',
                       'mysql+pymysql://cinder:%s@%s/cinder'
                       '?charset=utf8' % (secret('cinder_db', sample),
                                          CONTROLLER))]),
        ('keystone_authtoken', authtoken(sample, 'cinder')),
        ('nova', ksa(sample, 'nova')),
        ('oslo_concurrency', [('lock_path', state + '/tmp')]),
        ('oslo_messaging_notifications', [('driver', 'messagingv2')]),
        ('coordination', [('backend_url',
                           'etcd3+http://%s:2379' % CONTROLLER_IP)]),
        ('lvm-1', [
            ('volume_driver', 'cinder.volume.drivers.lvm.LVMVolumeDriver'),
            ('volume_group', 'stack-volumes-lvmdriver-1'),
            ('volume_backend_name', 'lvmdriver-1'),
            ('target_helper', 'lioadm'),
            ('target_protocol', 'iscsi'),
            ('target_ip_address', '10.20.30.21'),
            ('lvm_type', 'auto'),
            ('image_volume_cache_enabled', 'True'),
        ]),
        ('ceph-1', [
            ('volume_driver', 'cinder.volume.drivers.rbd.RBDDriver'),
            ('volume_backend_name', 'ceph'),
            ('rbd_pool', 'volumes'),
            ('rbd_ceph_conf', '/etc/ceph/ceph.conf'),
            ('rbd_user', 'cinder'),
            ('rbd_secret_uuid', '457eb676-33da-42ec-9a8c-9293d545c337'),
            ('rbd_flatten_volume_from_snapshot', 'False'),
            ('rbd_max_clone_depth', '5'),
            ('report_discard_supported', 'True'),
            ('backend_host', 'rbd:volumes'),
        ]),
    ])


def glance_conf(sample, base):
    state = os.path.join(base, 'var', 'lib', 'glance')
    return ini([
        ('DEFAULT', [
            ('debug', 'False'),
            ('enabled_backends', 'fast:rbd,cheap:file'),
            ('show_image_direct_url', 'True'),
            ('image_cache_dir', state + '/image-cache'),
            ('workers', '2'),
            ('transport_url', transport(sample)),
        ]),
        ('database', [('connection',
                       'mysql+pymysql://glance:%s@%s/glance'
                       '?charset=utf8' % (secret('glance_db', sample),
                                          CONTROLLER))]),
        ('glance_store', [('default_backend', 'fast')]),
        ('fast', [('rbd_store_pool', 'images'),
                  ('rbd_store_user', 'glance'),
                  ('rbd_store_ceph_conf', '/etc/ceph/ceph.conf')]),
        ('cheap', [('filesystem_store_datadir', state + '/images')]),
        ('os_glance_staging_store', [('filesystem_store_datadir',
                                      state + '/os_glance_staging_store')]),
        ('os_glance_tasks_store', [('filesystem_store_datadir',
                                    state + '/os_glance_tasks_store')]),
        ('keystone_authtoken', authtoken(sample, 'glance')),
        ('paste_deploy', [('flavor', 'keystone')]),
        ('oslo_concurrency', [('lock_path', state + '/tmp')]),
        ('oslo_messaging_notifications', [('driver', 'messagingv2')]),
        ('oslo_reports', [('file_event_handler',
                           state + '/gmr-trigger'),
                          ('file_event_handler_interval', '1')]),
    ])


# ---------------------------------------------------------------------------
# the samples
# ---------------------------------------------------------------------------

def _nova_compute(node, host, ip, ratio):
    def setup(sample, base, venv):
        etc = os.path.join(base, 'etc', 'nova')
        write(etc, 'nova.conf',
              nova_compute_conf(sample, base, node, host, ip, ratio))
        os.makedirs(os.path.join(base, 'var', 'lib', 'nova', 'tmp'),
                    exist_ok=True)
        return {'args': ['--config-file', os.path.join(etc, 'nova.conf')],
                'env': {}}
    return setup


def _nova_api(sample, base, venv):
    etc = os.path.join(base, 'etc', 'nova')
    write(etc, 'nova.conf', nova_api_conf(sample, base))
    shutil.copy(os.path.join(venv, 'etc', 'nova', 'api-paste.ini'), etc)
    os.makedirs(os.path.join(base, 'var', 'lib', 'nova', 'tmp'),
                exist_ok=True)
    return {'args': [], 'env': {'OS_NOVA_CONFIG_DIR': etc}}


def _neutron_server(sample, base, venv):
    etc = os.path.join(base, 'etc', 'neutron')
    write(etc, 'neutron.conf',
          neutron_conf(sample, base, CONTROLLER, CONTROLLER_IP))
    write(os.path.join(etc, 'plugins', 'ml2'), 'ml2_conf.ini', ml2_conf())
    shutil.copy(os.path.join(venv, 'etc', 'neutron', 'api-paste.ini'), etc)
    os.makedirs(os.path.join(base, 'var', 'lib', 'neutron', 'tmp'),
                exist_ok=True)
    return {'args': ['--config-file', os.path.join(etc, 'neutron.conf'),
                     '--config-file',
                     os.path.join(etc, 'plugins', 'ml2', 'ml2_conf.ini')],
            'env': {'OS_NEUTRON_CONFIG_DIR': etc}}


def _neutron_ovs_agent(sample, base, venv):
    etc = os.path.join(base, 'etc', 'neutron')
    write(etc, 'neutron.conf',
          neutron_conf(sample, base, 'compute1', '10.20.30.11'))
    write(os.path.join(etc, 'plugins', 'ml2'), 'openvswitch_agent.ini',
          ovs_agent_conf('10.20.30.11'))
    os.makedirs(os.path.join(base, 'var', 'lib', 'neutron', 'tmp'),
                exist_ok=True)
    return {'args': ['--config-file', os.path.join(etc, 'neutron.conf'),
                     '--config-file',
                     os.path.join(etc, 'plugins', 'ml2',
                                  'openvswitch_agent.ini')],
            'env': {}}


def _cinder_volume(sample, base, venv):
    etc = os.path.join(base, 'etc', 'cinder')
    write(etc, 'cinder.conf', cinder_conf(sample, base))
    os.makedirs(os.path.join(base, 'var', 'lib', 'cinder', 'tmp'),
                exist_ok=True)
    return {'args': ['--config-file', os.path.join(etc, 'cinder.conf')],
            'env': {}}


def _glance_api(sample, base, venv):
    etc = os.path.join(base, 'etc', 'glance')
    write(etc, 'glance-api.conf', glance_conf(sample, base))
    shutil.copy(os.path.join(venv, 'etc', 'glance', 'glance-api-paste.ini'),
                etc)
    state = os.path.join(base, 'var', 'lib', 'glance')
    for d in ('tmp', 'image-cache', 'images', 'os_glance_staging_store',
              'os_glance_tasks_store'):
        os.makedirs(os.path.join(state, d), exist_ok=True)
    trigger = os.path.join(state, 'gmr-trigger')
    open(trigger, 'a').close()
    return {'args': [], 'env': {'OS_GLANCE_CONFIG_DIR': etc},
            'trigger_file': trigger}


# ---------------------------------------------------------------------------
# "defaults" samples: each service with only what it needs to start
# ---------------------------------------------------------------------------
#
# These ini files set nothing that merely tunes or describes a deployment.
# Every option they do set is listed (with the reason) in samples/README.md,
# section "Defaults samples"; keep the two in sync.  Nothing is set for
# things the harness patches out (database, RabbitMQ, keystone, libvirt,
# LVM): a real deployment needs e.g. [database] connection and
# transport_url, but here no code path that reads them runs.
#
# Some defaults point outside the run directory (glance's file store and
# staging area under /var/lib/glance and /tmp/staging); the daemon creates
# them, and run_sample() removes the ones that did not exist before
# (``host_paths`` in the setup's spec).

def _defaults_nova_compute(sample, base, venv):
    etc = os.path.join(base, 'etc', 'nova')
    write(etc, 'nova.conf', ini([
        # no default; nova-compute exits at start-up without it
        ('DEFAULT', [('compute_driver', 'libvirt.LibvirtDriver')]),
    ]))
    return {'args': ['--config-file', os.path.join(etc, 'nova.conf')],
            'env': {}}


def _defaults_neutron_server(sample, base, venv):
    etc = os.path.join(base, 'etc', 'neutron')
    write(etc, 'neutron.conf', ini([
        # no default; neutron-server exits at start-up without it
        ('DEFAULT', [('core_plugin', 'ml2')]),
    ]))
    shutil.copy(os.path.join(venv, 'etc', 'neutron', 'api-paste.ini'), etc)
    return {'args': ['--config-file', os.path.join(etc, 'neutron.conf')],
            'env': {'OS_NEUTRON_CONFIG_DIR': etc}}


def _defaults_cinder_volume(sample, base, venv):
    etc = os.path.join(base, 'etc', 'cinder')
    write(etc, 'cinder.conf', ini([
        # the one backend; its section may stay empty: volume_driver
        # defaults to cinder.volume.drivers.lvm.LVMVolumeDriver
        ('DEFAULT', [('enabled_backends', 'lvm-1')]),
    ]))
    return {'args': ['--config-file', os.path.join(etc, 'cinder.conf')],
            'env': {}}


def _defaults_glance_api(sample, base, venv):
    etc = os.path.join(base, 'etc', 'glance')
    trigger = os.path.join(base, 'gmr-trigger')
    write(etc, 'glance-api.conf', ini([
        # glance-api installs no SIGUSR2 handler; without a trigger file
        # there is no way to ask it for a report
        ('oslo_reports', [('file_event_handler', trigger)]),
    ]))
    shutil.copy(os.path.join(venv, 'etc', 'glance', 'glance-api-paste.ini'),
                etc)
    open(trigger, 'a').close()
    return {'args': [], 'env': {'OS_GLANCE_CONFIG_DIR': etc},
            'trigger_file': trigger,
            # [glance_store] filesystem_store_datadir and
            # [DEFAULT] node_staging_uri defaults
            'host_paths': ['/var/lib/glance', '/tmp/staging']}


# name -> (service, role, prog, setup, children, output file)
SAMPLES = {
    'nova-compute-node1': ('nova', 'compute', 'nova-compute',
                           _nova_compute(1, 'compute1', '10.20.30.11', '4.0'),
                           2, 'nova-34.0.0-compute-node1.txt'),
    'nova-compute-node2': ('nova', 'compute', 'nova-compute',
                           _nova_compute(2, 'compute2', '10.20.30.12',
                                         '16.0'),
                           2, 'nova-34.0.0-compute-node2.txt'),
    'nova-api': ('nova', 'api', 'nova-api-os-compute', _nova_api, 2,
                 'nova-34.0.0-api.txt'),
    'neutron-server': ('neutron', 'server', 'neutron-server',
                       _neutron_server, 2, 'neutron-29.0.0-server.txt'),
    'cinder-volume': ('cinder', 'volume', 'cinder-volume', _cinder_volume,
                      2, 'cinder-29.0.0-volume.txt'),
    'glance-api': ('glance', 'api', 'glance-api', _glance_api, 2,
                   'glance-33.0.0-api.txt'),
    'neutron-ovs-agent': ('neutron', 'ovs-agent',
                          'neutron-openvswitch-agent', _neutron_ovs_agent, 2,
                          'neutron-29.0.0-openvswitch-agent.txt'),
    'nova-compute-defaults': ('nova', 'compute', 'nova-compute',
                              _defaults_nova_compute, 2,
                              'defaults/nova-34.0.0-compute.txt'),
    'neutron-server-defaults': ('neutron', 'server-defaults',
                                'neutron-server', _defaults_neutron_server,
                                2, 'defaults/neutron-29.0.0-server.txt'),
    'cinder-volume-defaults': ('cinder', 'volume', 'cinder-volume',
                               _defaults_cinder_volume, 1,
                               'defaults/cinder-29.0.0-volume.txt'),
    'glance-api-defaults': ('glance', 'api', 'glance-api',
                            _defaults_glance_api, 2,
                            'defaults/glance-33.0.0-api.txt'),
}


def write(d, name, text):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'w') as f:
        f.write(text)


def log(msg):
    print('[make_samples] %s' % msg, flush=True)


# ---------------------------------------------------------------------------
# venvs
# ---------------------------------------------------------------------------

def venv_for(service):
    version = RELEASES[service]
    venv = os.path.join(CACHE, 'venvs', '%s-%s' % (service, version))
    py = os.path.join(venv, 'bin', 'python')
    if os.path.exists(py):
        r = subprocess.run([py, '-c',
                            'import importlib.metadata as m; '
                            'print(m.version(%r))' % service],
                           capture_output=True, text=True)
        if r.returncode == 0 and r.stdout.strip() == version:
            return venv
    log('creating %s (takes minutes)' % venv)
    subprocess.run([PYTHON, '-m', 'venv', '--clear', venv], check=True)
    subprocess.run([py, '-m', 'pip', 'install', '-q', '--upgrade', 'pip',
                    'setuptools', 'wheel'], check=True)
    subprocess.run([py, '-m', 'pip', 'install', '-q',
                    '%s==%s' % (service, version)], check=True)
    return venv


def provenance(venv):
    py = os.path.join(venv, 'bin', 'python')
    code = ('import json, sys, importlib.metadata as m\n'
            'out = {"python": sys.version.split()[0]}\n'
            'for d in ("oslo.reports", "oslo.config", "oslo.service", '
            '"oslo.log", "psutil", "greenlet", "eventlet"):\n'
            '    try: out[d] = m.version(d)\n'
            '    except Exception: out[d] = None\n'
            'print(json.dumps(out))')
    r = subprocess.run([py, '-c', code], capture_output=True, text=True,
                       check=True)
    return json.loads(r.stdout)


# ---------------------------------------------------------------------------
# running one sample
# ---------------------------------------------------------------------------

def netns_prefix():
    """``unshare -n`` with lo up, when this machine allows it."""
    if not shutil.which('unshare') or not shutil.which('ip'):
        return []
    r = subprocess.run(['unshare', '-n', 'ip', 'link', 'set', 'lo', 'up'],
                       capture_output=True)
    if r.returncode != 0:
        log('no private network namespace (unshare failed); running the '
            'daemon in the host network namespace')
        return []
    return ['unshare', '-n', 'sh', '-c', 'ip link set lo up && exec "$@"',
            'sh']


def report_complete(path):
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except FileNotFoundError:
        return None
    if b'====                         Configuration' in data and \
            data.endswith(b'\n'):
        return data
    return None


def run_sample(name, timeout=240):
    service, role, prog, setup, children, outname = SAMPLES[name]
    venv = venv_for(service)
    # The nodes of one role share a run directory (made afresh for each), so their
    # paths (state_path, instances_path, ...) are the same, as on a real fleet.
    base = os.path.join(CACHE, 'run', name.split('-node')[0])
    if os.path.isdir(base):
        shutil.rmtree(base)
    os.makedirs(base)
    spec = setup(name, base, venv)
    created = [p for p in spec.get('host_paths', [])
               if not os.path.lexists(p)]
    report = os.path.join(base, 'report.txt')
    rfd, wfd = os.pipe()
    env = dict(os.environ)
    env.pop('PYTHONPATH', None)
    env.update(spec['env'])
    env['PATH'] = os.path.join(venv, 'bin') + os.pathsep + env['PATH']
    env['VIRTUAL_ENV'] = venv
    cmd = netns_prefix() + [
        os.path.join(venv, 'bin', 'python'), HARNESS,
        '--service', service, '--role', role, '--prog', prog,
        '--output', report, '--ready-fd', str(wfd),
        '--children', str(children), '--'] + spec['args']
    log('%s: %s' % (name, ' '.join(cmd)))
    with open(os.path.join(base, 'stdout.log'), 'wb') as out, \
            open(os.path.join(base, 'stderr.log'), 'wb') as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env,
                                pass_fds=(wfd,), cwd=base,
                                start_new_session=True)
    os.close(wfd)
    try:
        line = b''
        deadline = time.time() + timeout
        import select
        while b'\n' not in line:
            left = deadline - time.time()
            if left <= 0 or proc.poll() is not None:
                raise RuntimeError('%s: no READY (exit %s); see %s'
                                   % (name, proc.poll(), base))
            r, _, _ = select.select([rfd], [], [], min(left, 1.0))
            if r:
                chunk = os.read(rfd, 100)
                if not chunk and proc.poll() is None:
                    time.sleep(0.5)
                line += chunk
        pid = int(line.split()[1])
        log('%s: READY pid %d' % (name, pid))
        # let the harness's short-lived watcher thread finish, so that it is
        # not in the report
        time.sleep(2)
        if 'trigger_file' in spec:
            time.sleep(1.5)
            os.utime(spec['trigger_file'])
            log('%s: touched %s' % (name, spec['trigger_file']))
        else:
            os.kill(pid, signal.SIGUSR2)
            log('%s: sent SIGUSR2 to %d' % (name, pid))
        data, stable_since, last = None, None, None
        deadline = time.time() + 60
        while time.time() < deadline:
            time.sleep(0.5)
            data = report_complete(report)
            if data is not None and data == last:
                if time.time() - stable_since >= 2:
                    break
            else:
                last, stable_since = data, time.time()
        else:
            raise RuntimeError('%s: report incomplete; see %s' % (name, base))
    finally:
        os.close(rfd)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        for p in created:
            if os.path.lexists(p):
                log('%s: removing %s (created by the daemon)' % (name, p))
                shutil.rmtree(p)
    prov = provenance(venv)
    prov.update({'sample': name, 'service': service,
                 'release': RELEASES[service], 'role': role,
                 'trigger': ('touch [oslo_reports] file_event_handler'
                             if 'trigger_file' in spec else 'SIGUSR2'),
                 'argv': [prog] + spec['args'], 'env': spec['env']})
    with open(os.path.join(base, 'provenance.json'), 'w') as f:
        json.dump(prov, f, indent=1)
    problems = check(name, data)
    dest = os.path.join(SAMPLES_DIR, outname)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    shutil.copyfile(report, dest)
    log('%s: wrote %s (%d bytes) %s' % (name, dest, len(data),
                                        json.dumps(prov)))
    for p in problems:
        log('%s: CHECK: %s' % (name, p))
    return problems


def check(name, data):
    text = data.decode('utf-8', 'replace')
    problems = []
    if not text.startswith('=' * 72 + '\n'):
        problems.append('does not start with the banner')
    for title in ('Guru Meditation', 'Package', 'Threads', 'Green Threads',
                  'Processes', 'Configuration'):
        if '====%s====' % title.center(64) not in text:
            problems.append('no %s section' % title)
    want = {'nova-compute-node1': ['libvirt', 'placement', 'neutron', 'vnc'],
            'nova-compute-node2': ['libvirt', 'placement', 'neutron', 'vnc'],
            'nova-api': ['api_database', 'keystone_authtoken', 'placement'],
            'neutron-server': ['ml2', 'ovn', 'ml2_type_geneve',
                               'keystone_authtoken'],
            'neutron-ovs-agent': ['AGENT', 'OVS', 'SECURITYGROUP'],
            'cinder-volume': ['lvm-1', 'ceph-1', 'backend_defaults'],
            'glance-api': ['glance_store', 'keystone_authtoken', 'fast',
                           'cheap'],
            'nova-compute-defaults': ['libvirt', 'placement', 'neutron',
                                      'vnc', 'compute'],
            'neutron-server-defaults': ['ml2', 'ml2_type_vlan',
                                        'ml2_type_geneve',
                                        'keystone_authtoken'],
            'cinder-volume-defaults': ['lvm-1', 'backend_defaults'],
            'glance-api-defaults': ['glance_store', 'oslo_reports',
                                    'paste_deploy']}
    for group in want.get(name, []):
        if '\n%s: \n' % group not in text:
            problems.append('no [%s] group' % group)
    token = '_PASS_%s' % name.replace('-', '_')
    for line in text.splitlines():
        if token in line:
            problems.append('secret in clear: %s' % line.strip())
    return problems


def main():
    p = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--only', nargs='+', choices=sorted(SAMPLES),
                   metavar='SAMPLE', help='one or more of: %s'
                   % ', '.join(SAMPLES))
    p.add_argument('--list', action='store_true')
    a = p.parse_args()
    if a.list:
        for k, v in SAMPLES.items():
            print('%-24s -> samples/%s' % (k, v[5]))
        return 0
    failed = []
    for name in a.only or list(SAMPLES):
        try:
            run_sample(name)
        except Exception as e:
            log('FAILED %s: %s' % (name, e))
            failed.append(name)
    if failed:
        log('failed: %s' % ', '.join(failed))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
