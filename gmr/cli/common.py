"""What every command shares: its click settings, and how fleets are read."""

import click

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


def count_files(inputs: tuple[str, ...]) -> int:
    """How many files the progress bar counts."""
    from gmr.inputs import expand

    return sum(len(named.files) for named in expand(inputs))
