"""When a report was written, from what carried it.

The report body holds no time (FORMAT.md section 1); the time comes from the log-line
wrapper's stamp on the banner line or from oslo.reports' `log_dir` file name. It is kept
as written, since journalctl's default format and syslog give no year, and read into a
datetime only where times are compared (following one process across reports).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

#: oslo.reports' file name in [oslo_reports] log_dir: `<name>_gurumeditation_<UTC time>`.
_LOG_DIR_NAME = re.compile(r"_gurumeditation_(\d{14})$")
_ISO = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?")
_FRACTION = re.compile(r"([.,])(\d+)")
#: Year given to stamps without one: a leap year, so that 29 February reads.
YEARLESS = 1904


def from_file_name(path: str | None) -> str | None:
    """The UTC time in an oslo.reports log_dir file name, as ISO 8601."""
    found = _LOG_DIR_NAME.search(path or "")
    if not found:
        return None
    try:
        moment = datetime.strptime(found.group(1), "%Y%m%d%H%M%S")
    except ValueError:
        return None
    return moment.replace(tzinfo=timezone.utc).isoformat()


def iso_in(text: str) -> str | None:
    """The first ISO 8601 date and time in `text` (an unknown wrapper's prefix)."""
    found = _ISO.search(text)
    return found.group() if found else None


def read_time(text: str | None) -> datetime | None:
    """A time as `Source.time` holds it, as a datetime; None when it does not read.

    Stamps without a year get the year `YEARLESS`: only differences between such stamps
    mean anything. A stamp with a zone gives an aware datetime, one without a naive one.
    """
    if not text:
        return None
    text = text.strip()
    try:
        if text[:4].isdigit():
            return datetime.fromisoformat(_microseconds(text).replace(",", "."))
        # apache: `Tue Sep 19 10:00:00.123456 2023`; journalctl, syslog: `Nov 25 14:01:09`
        parts = text.split()
        if len(parts) == 5:
            return datetime.strptime(_microseconds(" ".join(parts[1:])), _with_fraction(
                "%b %d %H:%M:%S %Y", parts[3]))
        if len(parts) == 3:
            stamp = f"{YEARLESS} {' '.join(parts)}"
            return datetime.strptime(_microseconds(stamp), _with_fraction(
                "%Y %b %d %H:%M:%S", parts[2]))
    except ValueError:
        return None
    return None


def _microseconds(text: str) -> str:
    """Fractions cut or padded to six digits, which is all datetime reads."""
    return _FRACTION.sub(lambda m: m.group(1) + m.group(2)[:6].ljust(6, "0"), text, count=1)


def _with_fraction(pattern: str, clock: str) -> str:
    return pattern.replace("%S", "%S.%f") if "." in clock else pattern
