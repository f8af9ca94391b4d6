"""The exceptions gmr raises: one base class, each carrying the file and line at fault.

Callers catch `GmrError` and print `str(error)`, which is always one line of the form
`FILE:LINE: message`, so the CLI never needs to show a traceback.
"""

from __future__ import annotations


class GmrError(Exception):
    """Base class of every error gmr raises on purpose."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __reduce__(self):
        # Keep file and line when the error travels back from a worker process.
        return type(self), (self.message, self.path, self.line)

    def located(self, path: str | None) -> GmrError:
        """Return the same error naming `path`, for errors raised before the file was known."""
        if self.path is None:
            self.path = path
        return self

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"


class GmrSyntaxError(GmrError):
    """The text looks like a Guru Meditation Report but breaks its structure."""


class NoReportFound(GmrError):
    """The input holds no Guru Meditation Report, not even a fragment of one."""


class InputError(GmrError):
    """The input cannot be read as text: missing, unreadable, a directory, or binary."""


class ConfigError(GmrError):
    """A gmr settings, rules or waiver file is invalid."""


class UsageError(GmrError):
    """A flag or argument the library cannot work with: `--release foo`, `--fail-on x`.

    Its `str()` is the message alone, which names the flag; the CLI prints it as
    `gmr: error: ...` and exits 2.
    """

    def __str__(self) -> str:
        return self.message


class NothingToCompare(UsageError):
    """`gmr diff` was given no two nodes of one service and program, and nothing else to
    compare them with; `spread` names what each runs."""

    def __init__(self, spread: str):
        super().__init__(f"nothing to compare: no two nodes run the same service and "
                         f"program ({spread}); give two nodes of one, --baseline or "
                         "--defaults")
        self.spread = spread
