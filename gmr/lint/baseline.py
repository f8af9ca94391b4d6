"""`gmr lint --write-baseline` and `--baseline`: today's findings recorded, so that later
runs fail only on new ones. A finding is known by its fingerprint (code, node, group,
option), which survives the report's lines moving."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Iterable

from gmr.errors import InputError
from gmr.lint.engine import Finding


def read_baseline(path: str) -> set[str]:
    """Fingerprints from a file `write_baseline` wrote."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        return {entry["fingerprint"] for entry in document["findings"]}
    except OSError as error:
        raise InputError(f"cannot read the baseline: {error.strerror or error}", path) from None
    except (ValueError, KeyError, TypeError):
        raise InputError("not a baseline written by `gmr lint --write-baseline`", path) from None


def write_baseline(path: str, findings: Iterable[Finding]) -> None:
    """Record findings so that later runs report only new ones. A file is written beside
    its final place and renamed into it, so a failed write (missing folder, full disk)
    leaves an earlier baseline whole; a link is followed, and what is not a regular file
    (`/dev/stdout`, a pipe) is written in place, never replaced."""
    entries = [{"code": f.code, "node": f.node or f.file, "group": f.group, "option": f.option,
                "fingerprint": f.fingerprint} for f in findings]
    text = json.dumps({"version": 1, "findings": entries}, indent=2) + "\n"
    given = Path(path)
    try:
        if given.exists() and not given.is_file():
            with given.open("w", encoding="utf-8") as stream:
                stream.write(text)
        else:
            _replace(Path(os.path.realpath(given)), text)
    except OSError as error:
        raise InputError(f"cannot write the baseline: {error.strerror or error}", path) from None


def _replace(target: Path, text: str) -> None:
    """Write `text` to a new file beside `target` and rename it into its place."""
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise
