"""What the commands share: exit statuses, one-line usage errors, the layout of printed JSON."""

from __future__ import annotations

import signal
from typing import IO, Any, Optional

import click

__all__ = [
    "EXIT_FAILED", "EXIT_USAGE", "EXIT_STRICT", "EXIT_INTERRUPTED", "JSON_INDENT", "UsageProblem", "one_line_usage_error",
]

#: Exit status when an input failed (no report in it; in a batch, its error record is written).
EXIT_FAILED = 1
#: Exit status of a usage error: a bad option or argument, an output that cannot be
#: written, nothing done (click's own status for usage errors).
EXIT_USAGE = 2
#: Exit status of ``convert --strict`` when a report breaks a relation and nothing failed
#: (2 is click's usage error).
EXIT_STRICT = 3
#: Exit status after Ctrl-C (SIGINT): 128 + the signal's number, what a shell reports for
#: a program the signal ended, so scripts can tell an interruption from a failure.
EXIT_INTERRUPTED = 128 + signal.SIGINT
#: Indentation of printed JSON: one space a level keeps the deep report tables readable
#: without pushing the cells off the screen.
JSON_INDENT = 1


class UsageProblem(click.UsageError):
    """A usage error told in one line on stderr, ``Error: MESSAGE``, exit status 2: no usage
    synopsis and no help hint around it, since the message names the option or file at
    fault (a missing output folder, an unknown suffix, options that exclude each other)."""

    exit_code = EXIT_USAGE

    def show(self, file: Optional[IO[Any]] = None) -> None:
        click.echo(f"Error: {self.format_message()}", file=file, err=file is None)


def one_line_usage_error(exc: click.UsageError) -> UsageProblem:
    """Click's own usage error (an unknown option, a missing argument, a bad value) as one
    line that still says where help is: ``Error: No such option: --x (see 'gkparse convert --help')``."""
    message = exc.format_message().rstrip().removesuffix(".")
    if exc.ctx is not None:
        message += f" (see '{exc.ctx.command_path} --help')"
    return UsageProblem(message, exc.ctx)
