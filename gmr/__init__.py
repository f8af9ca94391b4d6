"""gmr: parse, compare and lint OpenStack Guru Meditation Reports."""

from gmr.errors import GmrError, GmrSyntaxError, InputError, NoReportFound
from gmr.models import Report
from gmr.render import render
from gmr.scan import iter_file, iter_reports, parse, parse_file, read_reports

__all__ = [
    "FleetDiff",
    "GmrError",
    "GmrSyntaxError",
    "InputError",
    "NoReportFound",
    "Report",
    "compare",
    "iter_file",
    "iter_reports",
    "parse",
    "parse_file",
    "read_reports",
    "render",
]


def __getattr__(name: str):
    # The fleet comparison loads only when asked for, so `gmr parse` starts fast.
    if name in ("compare", "FleetDiff"):
        from gmr import fleet

        return fleet.compare_reports if name == "compare" else fleet.FleetDiff
    raise AttributeError(f"module 'gmr' has no attribute {name!r}")
