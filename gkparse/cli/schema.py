"""``gkparse schema``: the JSON Schema of the lines ``convert`` writes.

A line of ``convert -o X.jsonl`` is one of two records, told apart by the ``error`` field
only the second has:

- a **report**, written whole (every field, None included): its schema is the report
  model's serialisation schema, with every field required, so ``{}`` is no report;
- an **error record** (an input that gave no report): ``error`` (``type``, ``reason``),
  ``source`` and ``report_id`` always, ``archive`` and ``offset`` for an item of an archive.
"""

from __future__ import annotations

import json
from typing import Any

import click
from pydantic.json_schema import models_json_schema

from ..batch.run import ErrorRecord
from ..model.report import Report
from .common import JSON_INDENT, UsageProblem

__all__ = ["schema_command", "record_schema", "report_schema", "error_schema", "JSON_SCHEMA_DIALECT"]

#: The JSON Schema dialect pydantic writes (and the one to validate the lines with).
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
#: The field only an error record has: what tells the two kinds of line apart.
_DISCRIMINATOR = "error"


def report_schema() -> dict[str, Any]:
    """The schema of a report line: the report as written (every field required)."""
    return {"$schema": JSON_SCHEMA_DIALECT, **Report.model_json_schema(mode="serialization")}


def error_schema() -> dict[str, Any]:
    """The schema of an error record line (``archive`` and ``offset`` only for archive items)."""
    return {"$schema": JSON_SCHEMA_DIALECT, **ErrorRecord.model_json_schema()}


def record_schema() -> dict[str, Any]:
    """The schema of any line of ``convert``'s JSON Lines output: exactly one of a report or
    an error record (``oneOf``), told apart by the ``error`` field: an error record requires
    it, a report must not have it (and requires every field of its own)."""
    refs, top = models_json_schema(
        [(Report, "serialization"), (ErrorRecord, "validation")],
        title="gkparse convert record",
        description=(
            "One line of `gkparse convert -o OUT.jsonl`: a report, or an error record for an input that gave none "
            "(the record with an `error` field)."
        ),
    )
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": top["title"],
        "description": top["description"],
        "oneOf": [
            {**refs[(Report, "serialization")], "not": {"required": [_DISCRIMINATOR]}},
            refs[(ErrorRecord, "validation")],
        ],
        "$defs": top["$defs"],
    }


@click.command("schema")
@click.option("--report", "report_only", is_flag=True, help="Describe a report line only.")
@click.option("--error-record", is_flag=True, help="Describe an error record line (an input that failed) only.")
def schema_command(report_only: bool, error_record: bool) -> None:
    """Print the JSON Schema of the lines of `convert -o X.jsonl`: a report or an error record.

    A report is written whole, so every one of its fields is required; an error record has
    "error" ({"type", "reason"}), "source" and "report_id", and "archive" and "offset" for
    an item of a WARC/ARC archive. The schema's dialect is JSON Schema 2020-12.

    \b
    Examples:
      gkparse schema > record.schema.json
      gkparse schema --report > report.schema.json
      gkparse schema --error-record > error.schema.json
    """
    if report_only and error_record:
        raise UsageProblem("--report and --error-record exclude each other (neither: the schema of both)")
    schema = report_schema() if report_only else error_schema() if error_record else record_schema()
    click.echo(json.dumps(schema, ensure_ascii=False, indent=JSON_INDENT))
