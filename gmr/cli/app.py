"""The `gmr` command group, and the one place where failures become exit codes.

Each command lives in its own module and only parses arguments, calls the library and
renders what it returns through the `Terminal` it is given. Everything the library raises
on purpose is a `GmrError`, printed as one line; usage errors read `gmr: error: ...`; no
Python traceback reaches the operator, not even for a bug in gmr (GMR_DEBUG=1 shows it).
Exit codes: 0 fine, 1 findings or differences, 2 trouble (usage, unreadable input, a bug),
130 interrupted, 141 output pipe closed.
"""

from __future__ import annotations

import gc
import os
import sys
from contextlib import redirect_stdout
from typing import Sequence

import click

from gmr.cli import check, config, diff, lint, parse, rules, schema, stacks, upgrade
from gmr.cli.common import CONTEXT
from gmr.cli.terminal import OutputClosed, Terminal
from gmr.errors import GmrError, UsageError


def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        from importlib.metadata import version

        ctx.obj.write(f"gmr {version('gmr')}\n")
        ctx.exit(0)


@click.group(context_settings=CONTEXT, invoke_without_command=True)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_version,
              help="Show the version and exit.")
@click.pass_context
def gmr(ctx: click.Context) -> int:
    """Parse, compare and lint OpenStack Guru Meditation Reports."""
    if ctx.invoked_subcommand is None:
        ctx.obj.write(ctx.get_help() + "\n")
    return 0


for command in (parse.command, diff.command, lint.command, check.command, config.command,
                upgrade.command, rules.command, schema.command, stacks.command):
    gmr.add_command(command)


@gmr.command(context_settings=CONTEXT)
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
@click.pass_obj
def completion(terminal: Terminal, shell: str) -> int:
    """Print the shell completion script for SHELL.

    \b
    bash:  eval "$(gmr completion bash)"   (in ~/.bashrc)
    zsh:   eval "$(gmr completion zsh)"    (in ~/.zshrc)
    fish:  gmr completion fish > ~/.config/fish/completions/gmr.fish
    """
    from click.shell_completion import get_completion_class

    complete = get_completion_class(shell)(gmr, {}, "gmr", "_GMR_COMPLETE")
    terminal.write(complete.source() + "\n")
    return 0


def run(argv: Sequence[str], terminal: Terminal | None = None) -> int:
    """Run `gmr` with the arguments `argv` and return its exit code; all output goes
    through `terminal` (stdout and stderr by default)."""
    terminal = terminal or Terminal()
    try:
        # click writes help and completion answers to sys.stdout itself.
        with redirect_stdout(terminal.stdout):
            code = gmr.main(args=list(argv), prog_name="gmr", standalone_mode=False,
                            obj=terminal)
    except click.UsageError as error:
        command = error.ctx.command_path if error.ctx else "gmr"
        terminal.error(f"gmr: error: {error.format_message().rstrip('.')}; "
                       f"see `{command} --help`")
        return 2
    except click.ClickException as error:
        terminal.error(f"gmr: error: {error.format_message()}")
        return error.exit_code
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.Abort:
        terminal.error("gmr: interrupted")
        return 130
    except OutputClosed:
        return 141
    except UsageError as error:
        terminal.error(f"gmr: error: {error}")
        return 2
    except GmrError as error:
        terminal.error(str(error))
        return 2
    except Exception as error:  # a bug in gmr: still one line, and a failing exit code
        if os.environ.get("GMR_DEBUG"):
            raise
        terminal.error(f"gmr: internal error: {type(error).__name__}: {error} (a bug in gmr; "
                       "GMR_DEBUG=1 shows the traceback)")
        return 2
    return code if isinstance(code, int) else 0


def main() -> None:
    """The console script: run, and end quietly when the reader of the output goes away.
    (Shell completion requests, `_GMR_COMPLETE=...`, are answered inside click's main.)"""
    try:
        code = run(sys.argv[1:])
        sys.stdout.flush()
    except BrokenPipeError:
        code = 141
    except KeyboardInterrupt:
        sys.stderr.write("gmr: interrupted\n")
        code = 130
    if code == 141:
        # Python would complain again when it flushes stdout on the way out.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    # Python's last collections on the way out would walk every object the imports made
    # (pydantic's schemas, the parser's tables): a sixth of a one-report run. Frozen, they
    # are skipped; modules are still torn down and exit handlers still run.
    gc.freeze()
    sys.exit(code)
