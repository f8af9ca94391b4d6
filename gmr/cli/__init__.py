"""The `gmr` command: one module per command, all writing through one `Terminal`."""

import os

# pydantic looks up its plugins among every installed package's entry points when the
# first model is built: a fifth of a cold `gmr parse`. The command uses none; a program
# that imports gmr as a library keeps its own choice.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from gmr.cli.app import main, run  # noqa: E402

__all__ = ["main", "run"]
