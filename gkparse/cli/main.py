"""The ``gkparse`` command group: ``parse``, ``convert``, ``panel``, ``schema`` and ``crawl``.

Each command lives in its own module; this one only gathers them. Exit status: 0 success,
1 some input failed, 2 usage error, 3 (``convert --strict``) a report breaks a relation.
"""

from __future__ import annotations

import click

from .convert import convert_command
from .crawl import crawl_command
from .panel import panel_command
from .parse import parse_command
from .schema import schema_command

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
