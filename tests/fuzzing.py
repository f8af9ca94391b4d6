"""Mutations of real reports, and the oracle every mutated input must satisfy.

Used by tests/test_fuzz.py (a few thousand inputs in the default run) and bench/fuzz.py
(100,000 and more, nightly). The only acceptable outcomes of parse, diff and lint are a
result (with warnings, perhaps) or a `GmrError`; anything else is a bug. A whole report
cut short has a stricter oracle, `check_cuts`: it must parse, flagged truncated.
"""

from __future__ import annotations

import io
import json
import random
import re
from typing import Callable, Iterator

import gmr
from gmr.errors import GmrError
from gmr import diff_reports, lint_reports
from gmr.diff.nodes import node_from_compact, node_from_report
from gmr.parsing.compact import read_compact
from gmr.parsing.shapes import BANNER_TITLE, RULE, header_line

BANNER = f"{RULE}\n{header_line(BANNER_TITLE)}\n{RULE}\n"


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def bit_flips(data: bytes, rng: random.Random) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 20)):
        position = rng.randrange(len(buffer))
        buffer[position] ^= 1 << rng.randrange(8)
    return bytes(buffer)


def insertions(data: bytes, rng: random.Random) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 20)):
        junk = rng.choice([b"\x00", b"\xff\xfe", b"\r", b"\n", b"    ", RULE.encode(), b"***",
                           b" = ", b":", b"`", b"\xc3", b"\x1b[01;36m", b"------",
                           bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))])
        position = rng.randrange(len(buffer) + 1)
        buffer[position:position] = junk
    return bytes(buffer)


def truncation(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def section_cut(data: bytes, rng: random.Random) -> bytes:
    """Cut just before, at or just after a section boundary."""
    boundaries = [m.start() for m in re.finditer(re.escape(RULE.encode()), data)] or [0]
    return data[: max(0, rng.choice(boundaries) + rng.randint(-2, 80))]


def duplicated_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    for _ in range(rng.randint(1, 10)):
        n = rng.randrange(len(lines))
        lines[n:n] = lines[n: n + rng.randint(1, 5)]
    return b"\n".join(lines)


def shuffled_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    start = rng.randrange(len(lines))
    window = lines[start: start + rng.randint(2, 40)]
    rng.shuffle(window)
    lines[start: start + len(window)] = window
    return b"\n".join(lines)


def invalid_utf8(data: bytes, rng: random.Random) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 10)):
        buffer[rng.randrange(len(buffer))] = rng.choice([0x80, 0xC0, 0xFE, 0xFF, 0xED])
    return bytes(buffer)


def mixed_line_ends(data: bytes, rng: random.Random) -> bytes:
    return b"".join(line + rng.choice([b"\n", b"\r\n", b"\r", b"\n\r"])
                    for line in _lines(data))


def changing_prefix(data: bytes, rng: random.Random) -> bytes:
    """A journald prefix whose writer changes in the middle of the report."""
    lines = _lines(data)
    switch = rng.randrange(len(lines))
    return b"".join(
        (b"Nov 25 14:01:09 host nova-compute[%d]: " % (100 if n < switch else 200)) + line
        + b"\n" for n, line in enumerate(lines))


def nul_bytes(data: bytes, rng: random.Random) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 5)):
        buffer.insert(rng.randrange(len(buffer) + 1), 0)
    return bytes(buffer)


def empty_banner(data: bytes, rng: random.Random) -> bytes:
    banner = data[: data.index(b"\n\n\n") + 3] if b"\n\n\n" in data else data[:300]
    return banner * rng.randint(1, 3)


def many_banners(data: bytes, rng: random.Random) -> bytes:
    banner = data[: data.index(b"\n\n\n") + 3] if b"\n\n\n" in data else data[:300]
    return banner * 1000 + data


def long_line(data: bytes, rng: random.Random, size: int = 10 << 20) -> bytes:
    lines = _lines(data)
    n = rng.randrange(len(lines))
    lines[n] = lines[n] + b"x" * size
    return b"\n".join(lines)


#: Cheap mutations, chosen at random for each input.
MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "bit-flips": bit_flips,
    "insertions": insertions,
    "truncation": truncation,
    "section-cut": section_cut,
    "duplicated-lines": duplicated_lines,
    "shuffled-lines": shuffled_lines,
    "invalid-utf8": invalid_utf8,
    "mixed-line-ends": mixed_line_ends,
    "changing-prefix": changing_prefix,
    "nul-bytes": nul_bytes,
    "empty-banner": empty_banner,
}


def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One to three mutations in a row; returns their names and the result."""
    names = [rng.choice(list(MUTATIONS)) for _ in range(rng.randint(1, 3))]
    for name in names:
        if data:
            data = MUTATIONS[name](data, rng)
    return "+".join(names), data


def check(data: bytes) -> str:
    """Run parse, diff, lint and the JSON of each report on `data`; return the outcome
    ("reports N", "error: ..."). Anything but a GmrError propagates: that is a bug."""
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace", newline="")
    try:
        reports = list(gmr.iter_reports(stream, "fuzzed.txt"))
    except GmrError as error:
        assert "\n" not in str(error), "an error message must be one line"
        return f"error: {error.message}"
    for report in reports:
        json.loads(report.model_dump_json())
        gmr.render(report)
    lint_reports(reports)
    if reports:
        diff_reports([*reports, reports[0]])
    _check_compact(data.decode("utf-8", errors="replace"), reports)
    return f"reports {len(reports)}"


def _check_compact(text: str, reports: list) -> None:
    """A file the compact reading takes is one report, whose node is the full parse's."""
    compact = read_compact(text, "fuzzed.txt")
    if compact is None:
        return
    assert len(reports) == 1, "the compact reading took a file of several reports"
    node, full = node_from_compact(compact), node_from_report(reports[0])
    assert node == full and list(node.values) == list(full.values), \
        "the compact reading gave another node than the full parse"


def cuts(text: str) -> Iterator[int]:
    """Every place a report can be cut: each line's start, middle and end."""
    offset = 0
    for line in text.split("\n"):
        yield from (offset, offset + len(line) // 2, offset + len(line))
        offset += len(line) + 1


def check_cuts(text: str) -> int:
    """Cut the complete report `text` everywhere after its banner: each cut must parse as
    one report. A cut before the [DEFAULT] group, which every report has, must be flagged
    truncated with a warning that says so. A cut inside the Configuration section after it
    must be flagged so too, or else read as a whole report that renders back to exactly the
    cut text: there is nothing left to tell them apart, since the cut is byte for byte the
    whole report of a service that registered fewer options (oslo.reports marks no end; a
    report ends with a newline on stderr and without one in a log_dir file). Returns the
    number of cuts checked."""
    (whole,) = gmr.parse(text)
    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    default = whole.configuration.groups.get("default") if whole.configuration else None
    decidable = starts[default.line - 1] if default else len(text) + 1
    extra = whole.extra_sections
    configuration_end = starts[extra[0].line - 1] if extra else len(text)
    banner_end = text.index(BANNER) + len(BANNER)
    checked = 0
    for cut_at in cuts(text):
        if cut_at < banner_end:
            continue  # not even the banner: nothing to find
        cut = text[:cut_at]
        reports = gmr.parse(cut)
        assert len(reports) == 1, (cut_at, len(reports))
        source, warnings = reports[0].source, reports[0].warnings
        flagged = source.truncated and any(
            "cut" in w.message or "middle of a line" in w.message for w in warnings)
        if cut_at < decidable:
            assert flagged, cut_at
        elif cut_at <= configuration_end:
            assert flagged or (not source.truncated and gmr.render(reports[0]) == cut), cut_at
        checked += 1
    return checked
