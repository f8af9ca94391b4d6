"""Text safe to show: report values can hold raw control characters (ironic's logging
format strings hold ESC), which must never reach a terminal, a CI log or an annotation
as they are. They are shown escaped, as Python writes them (`\\x1b`)."""

from __future__ import annotations

#: C0 controls but tab and newline, DEL and C1 controls, shown as `\xNN`.
_CONTROLS = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))
             if code not in (0x09, 0x0A)}
_CONTROLS_AND_LAYOUT = {**_CONTROLS, 0x09: "\\t", 0x0A: "\\n"}


def escape_controls(text: str, *, layout: bool = False) -> str:
    """`text` with control characters escaped; with `layout`, tabs and newlines too (for
    one line of output, where they would break the line or its columns)."""
    return text.translate(_CONTROLS_AND_LAYOUT if layout else _CONTROLS)
