"""Many nodes of one program side by side: which have an unusual thread profile.

A node's profile is how many of its threads (native and green) are in each state that
is not idle. Among three or more processes of the same program, a node is unusual for a
state when it has at least UNUSUAL_FROM more threads in it than the median of the
others, and at least three times as many: one node with 40 green threads waiting on the
database while the others have none, not 5 against 4.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from statistics import median

from gmr.stacks.model import ProcessStacks, Unusual

#: The fewest extra threads in a state that make a node unusual.
UNUSUAL_FROM = 5
#: How many processes of one program make a fleet to compare.
FLEET_FROM = 3


def profile(result: ProcessStacks) -> Counter:
    """Threads per state not idle, keyed by (state, label)."""
    counts: Counter = Counter()
    for group in result.groups:
        if not group.idle:
            counts[(group.state, group.label)] += group.count
    return counts


def mark_unusual(results: list[ProcessStacks]) -> list[ProcessStacks]:
    """`results` with `unusual` filled in for nodes whose profile stands out among the
    other processes of their program."""
    fleets: dict[tuple, list[int]] = defaultdict(list)
    for at, result in enumerate(results):
        fleets[(result.service, result.program)].append(at)
    marked = list(results)
    for members in fleets.values():
        if len(members) < FLEET_FROM:
            continue
        profiles = {at: profile(results[at]) for at in members}
        states = sorted({state for counts in profiles.values() for state in counts})
        for at in members:
            found = []
            for state in states:
                others = median(profiles[o][state] for o in members if o != at)
                count = profiles[at][state]
                if count - others >= UNUSUAL_FROM and count >= 3 * max(others, 1):
                    found.append(Unusual(state=state[0], label=state[1], count=count,
                                         typical=others))
            if found:
                marked[at] = results[at].model_copy(update={"unusual": tuple(found)})
    return marked
