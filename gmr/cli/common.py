"""What the commands share: click settings, the options of lint's rules, how fleets are
read."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

import click

if TYPE_CHECKING:
    from gmr.lint.settings import Settings

#: `-h` as well as `--help`; help laid out up to 100 columns on wide terminals.
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

#: `--jobs` of the commands that read fleets.
jobs_option = click.option(
    "--jobs", metavar="N", type=click.IntRange(min=1),
    help="Worker processes for parsing (default: one per core).")


#: `--no-cache` of the commands that keep what they made of each file.
no_cache_option = click.option(
    "--no-cache", is_flag=True,
    help="Read every file again, and keep nothing in gmr's cache (GMR_CACHE_DIR, else the "
         "platform's cache folder).")


#: The options that say what `gmr lint` checks and how (`gmr lint`, `gmr check`), in the
#: order help shows them.
_LINT_OPTIONS = (
    click.option("--fail-on", metavar="SEVERITY",
                 help="Lowest severity that fails the run: error (default), warning or info."),
    click.option("--release", metavar="NAME",
                 help="The OpenStack release the reports come from, when they do not say "
                      "(e.g. 2025.1 or epoxy)."),
    click.option("--service", metavar="NAME",
                 help="The service the reports come from, overriding detection."),
    click.option("--config", metavar="FILE",
                 help="Settings file (default: the nearest .gmr.toml, or pyproject.toml with "
                      "a [tool.gmr] table)."),
    click.option("--select", metavar="CODE", multiple=True,
                 help="Run only this code or code prefix (GMR2, GMR101), instead of the "
                      "settings' selection. Repeatable."),
    click.option("--ignore", metavar="CODE", multiple=True,
                 help="Do not run this code or code prefix, besides those the settings "
                      "ignore. Repeatable."),
    click.option("--rules", metavar="FILE", multiple=True,
                 help="Custom rules (TOML), besides those the settings name. Repeatable."),
    click.option("--baseline", metavar="FILE",
                 help="Report only the findings that are new since the baseline FILE was "
                      "written (`gmr lint --write-baseline`)."),
)


@dataclass(frozen=True)
class LintFlags:
    """What the options of lint's rules say: the settings (the settings file, then the
    flags), and the release, service and baseline file the run is told."""

    settings: Settings
    release: str | None
    service: str | None
    baseline: str | None


def lint_options(command: Callable) -> Callable:
    """`command` with the options of lint's rules, given to it as `flags` (LintFlags)."""
    @functools.wraps(command)
    def told(*args: Any, fail_on: str | None, release: str | None, service: str | None,
             config: str | None, select: tuple[str, ...], ignore: tuple[str, ...],
             rules: tuple[str, ...], baseline: str | None, **kwargs: Any) -> Any:
        from gmr.lint.settings import load_settings

        settings = load_settings(config).with_flags(select=select, ignore=ignore,
                                                    fail_on=fail_on, rules=rules)
        return command(*args, flags=LintFlags(settings, release, service, baseline),
                       **kwargs)

    for option in reversed(_LINT_OPTIONS):
        told = option(told)
    return told


def count_files(inputs: tuple[str, ...]) -> int:
    """How many files the progress bar counts."""
    from gmr.inputs import expand

    return sum(len(named.files) for named in expand(inputs))
