"""gmr: parse, compare and lint OpenStack Guru Meditation Reports."""

from gmr.errors import GmrError, GmrSyntaxError, InputError, NoReportFound
from gmr.models import Report
from gmr.render import render
from gmr.scan import iter_file, iter_reports, parse, parse_file, read_reports

__all__ = [
    "GmrError",
    "GmrSyntaxError",
    "InputError",
    "NoReportFound",
    "Report",
    "iter_file",
    "iter_reports",
    "parse",
    "parse_file",
    "read_reports",
    "render",
]
