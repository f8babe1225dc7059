"""``gkparse schema``: the JSON Schema of the lines ``convert`` writes."""

from __future__ import annotations

import json

import click

from ..batch.run import ErrorRecord
from ..model.report import Report
from .common import JSON_INDENT

__all__ = ["schema_command"]


@click.command("schema")
@click.option("--error-record", is_flag=True,
              help="Describe the error record (the line of an input that failed) instead of a report.")
def schema_command(error_record: bool) -> None:
    """Print the JSON Schema of a report (the lines of `convert -o X.jsonl`).

    \b
    Examples:
      gkparse schema > report.schema.json
      gkparse schema --error-record > error.schema.json
    """
    model = ErrorRecord if error_record else Report
    click.echo(json.dumps(model.model_json_schema(), ensure_ascii=False, indent=JSON_INDENT))
