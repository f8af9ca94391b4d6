"""Frames as an operator reads them: shortened, and told apart as service or library code."""

from __future__ import annotations

import re

from gmr.models import built
from gmr.stacks.model import StackFrame

_PACKAGES = re.compile(r"^.*/(?:site|dist)-packages/")
_STDLIB = re.compile(r"^.*/lib/python\d[\d.]*/")


def shorten(file: str, service: str | None) -> str:
    """`nova/compute/manager.py` for `/usr/lib/python3/dist-packages/nova/compute/manager.py`,
    `threading.py` for the standard library's; a service checked out elsewhere
    (`/opt/stack/nova/nova/...`) from its package folder on; anything else as printed."""
    short = _PACKAGES.sub("", file, count=1)
    if short == file:
        short = _STDLIB.sub("", file, count=1)
    if short == file and service:
        found = file.rfind(f"/{service}/")
        if found >= 0:
            short = file[found + 1:]
    return short


class Framer:
    """Shortens the frames of one service's reports, remembering each file it has seen:
    a report repeats the same few dozens of times (grouping.Namer remembers frames)."""

    def __init__(self, service: str | None):
        self.service = service
        self._prefix = f"{service}/" if service else None
        self._files: dict[str, tuple[str, bool]] = {}

    def file(self, file: str) -> tuple[str, bool]:
        known = self._files.get(file)
        if known is None:
            short = shorten(file, self.service)
            known = self._files[file] = (short, self._owns(file, short))
        return known

    def _owns(self, file: str, short: str) -> bool:
        """The service's package (`nova/...`), or its own program outside any library
        folder (a console script such as `/usr/bin/nova-compute`)."""
        if not self._prefix:
            return False
        script = short == file and file.rsplit("/", 1)[-1].startswith(f"{self.service}-")
        return short.startswith(self._prefix) or script

    def frame(self, key: tuple[str, int | None, str]) -> StackFrame:
        """The frame whose (file, line, function), as grouping.stack_key has it, is `key`."""
        file, line, function = key
        short, own = self.file(file)
        return built(StackFrame, {"file": file, "short": short, "line": line,
                                  "function": function, "own": own})
