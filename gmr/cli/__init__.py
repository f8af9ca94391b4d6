"""The `gmr` command: one module per command, all writing through one `Terminal`."""

from gmr.cli.app import main, run

__all__ = ["main", "run"]
