"""A fleet's nodes hold, and leave the process that made them as (to the one that
compares them, into the cache), the values in which they differ from their table's
usual row (`KeyTable.usual`), and arrive as they were: whichever process made them,
with whichever node first, and merged into one fleet (`Interner`)."""

from __future__ import annotations

import pickle

from conftest import SAMPLES

from gmr.cache import Results
from gmr.diff.compare import compare_nodes
from gmr.diff import nodes as nodes_module
from gmr.diff.inputs import load_nodes
from gmr.diff.nodes import IDENTITY, Interner, KeyTable, Node, node_from_compact
from gmr.parsing.compact import read_compact

NODE = (SAMPLES / "nova-34.0.0-compute-node1.txt").read_text(encoding="utf-8")


def clone(n: int) -> str:
    """A node of its own, and every third one with values of every kind changed."""
    text = NODE.replace("compute1", f"compute{n:02d}").replace("10.20.30.11", f"10.0.0.{n}")
    if n % 3 == 0:
        text = text.replace("cpu_allocation_ratio = 4.0", f"cpu_allocation_ratio = {n}.0")
        text = text.replace("    StaticJSON", f"    StaticJSON\n    Dynamic{n}")
    return text


def made(numbers: range) -> list[Node]:
    """Nodes made as one worker process makes them: its own key tables."""
    nodes_module._key_table.cache_clear()
    return [node_from_compact(read_compact(clone(n)), IDENTITY) for n in numbers]


def as_plain(node: Node) -> dict:
    return {"name": node.name, "values": dict(node.values),
            "as_printed": node.as_printed, "groups": node.groups}


def test_nodes_travel_as_their_differences_and_arrive_whole():
    first, second = made(range(1, 9)), made(range(9, 17))
    assert first[0].values.changes == {}  # the first made gives the table its usual row
    assert second[0].values.table.usual != first[0].values.table.usual
    assert 0 < len(first[2].values.changes) < 10  # its own names, the same ratio
    expected = [as_plain(node) for node in first + second]
    # As a worker sends a task's results: one message per task.
    arrived = pickle.loads(pickle.dumps(first)) + pickle.loads(pickle.dumps(second))
    assert [as_plain(node) for node in arrived] == expected
    interner = Interner()
    fleet = [interner.node(node) for node in arrived]
    assert [as_plain(node) for node in fleet] == expected
    assert len({id(node.values.table) for node in fleet}) == 1
    held: dict = {}
    usual = fleet[0].values.table.usual
    for node in fleet:
        for position, value in node.values.changes.items():
            assert value != usual[position]  # only where it differs from the fleet's usual
            assert held.setdefault(value, value) is value  # one object per distinct value


def test_a_fleet_s_differences_come_in_printed_order():
    """A node's changes are kept by position, in no order: the diff still tells them in
    the order the reports print the options."""
    base = node_from_compact(read_compact(clone(1)), IDENTITY)
    keys = base.values.table.keys
    lines = NODE.splitlines(keepends=True)
    printed = [i for i, line in enumerate(lines)
               if line.startswith("  ") and line.rstrip().endswith((" = 300", " = 60"))]
    assert len(printed) >= 8
    for i in printed:
        lines[i] = lines[i].rstrip("\n") + "1\n"
    other = node_from_compact(read_compact("".join(lines).replace("compute1", "compute2")),
                              IDENTITY)
    differences = compare_nodes([base, other]).differences
    assert len(differences) == len(printed)
    positions = [keys.index((d.group, d.option)) for d in differences]
    assert positions == sorted(positions)


def test_nodes_kept_in_the_cache_and_read_back_in_another_process_are_whole(tmp_path):
    nodes = made(range(1, 7))
    results = Results("travel", tmp_path, shared=(KeyTable,))
    for n, node in enumerate(nodes):
        results.put(f"node{n}", b"content", [node])
    pickled_tables = pickle.dumps(nodes[0].values.table)
    nodes_module._key_table.cache_clear()
    from gmr import cache

    cache._RESTORED.clear()  # as a process that never saw the tables
    kept = [results.get(f"node{n}", b"content")[0] for n in range(len(nodes))]
    assert [as_plain(node) for node in kept] == [as_plain(node) for node in nodes]
    assert pickle.loads(pickled_tables).usual == nodes[0].values.table.usual


def test_a_fleet_read_in_workers_is_the_fleet_read_here(tmp_path, own_cache):
    for n in range(1, 41):
        (tmp_path / f"compute{n:02d}.txt").write_text(clone(n), encoding="utf-8")
    here = load_nodes([str(tmp_path)], jobs=1, cache=False)
    workers = load_nodes([str(tmp_path)], jobs=2, cache=False)
    cached = load_nodes([str(tmp_path)], jobs=2)
    again = load_nodes([str(tmp_path)], jobs=2)
    expected = [as_plain(node) for node in here.items]
    assert len(expected) == 40
    for loaded in (workers, cached, again):
        assert [as_plain(node) for node in loaded.items] == expected
