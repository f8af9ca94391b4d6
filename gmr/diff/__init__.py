"""`gmr diff`: reports as fleet nodes, compared option by option.

`inputs` reads the nodes (in worker processes for many files), `nodes` turns a report into
a node (identity options set apart, own names and addresses as placeholders), `compare`
compares the nodes of each service with each other or with a baseline.
"""

from gmr.diff.compare import Difference, FleetDiff, compare_nodes, diff_reports

__all__ = ["Difference", "FleetDiff", "compare_nodes", "diff_reports"]
