"""The ``gkparse`` command group: ``parse``, ``convert``, ``panel``, ``schema`` and ``crawl``.

Each command lives in its own module; this one gathers them and sets what every command
shares. Exit status: 0 success, 1 some input failed, 2 usage error (one line on stderr),
3 (``convert --strict``) a report breaks a relation, 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

from typing import Any

import click

from .common import EXIT_INTERRUPTED, UsageProblem, one_line_usage_error
from .convert import convert_command
from .crawl import crawl_command
from .panel import panel_command
from .parse import parse_command
from .schema import schema_command

__all__ = ["main"]


class _Commands(click.Group):
    """The group: every usage error is one line on stderr (exit 2), and Ctrl-C ends any
    command with exit status 130 and one line, not click's ``Aborted!`` and status 1."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.exceptions.NoArgsIsHelpError:
            raise  # `gkparse` alone: the help is the answer
        except UsageProblem:
            raise
        except click.UsageError as exc:
            raise one_line_usage_error(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except UsageProblem:
            raise
        except click.UsageError as exc:  # a command's options or arguments, as click parses them
            raise one_line_usage_error(exc) from None
        except KeyboardInterrupt:
            # The newline ends the terminal's ^C echo. Whatever was written is flushed: the
            # commands write through context managers that close their files on the way out.
            click.echo("\ninterrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gkparse")
def main() -> None:
    """Read Chinese government information-disclosure annual reports (政府信息公开工作年度报告).

    \b
    Examples:
      gkparse parse fixtures/pingyang_amr_2020.txt          # readable summary
      gkparse parse fixtures/pingtan_2022.page.html --json  # the full report as JSON
      gkparse convert fixtures/pdf -o reports.jsonl         # a folder of PDFs into JSON Lines
      gkparse convert crawl.warc.gz -o cells.csv            # a WARC into the cell table
      gkparse panel reports/ -o panel.parquet               # agency × year × cell, cross-year checked
      gkparse crawl https://www.example.gov.cn/zwgk/nb/ --warc column.warc.gz
      gkparse schema > report.schema.json
    """


main.add_command(parse_command)
main.add_command(convert_command)
main.add_command(schema_command)
main.add_command(crawl_command)
main.add_command(panel_command)


if __name__ == "__main__":
    main()
