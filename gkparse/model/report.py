"""The typed report model (Pydantic v2).

The table models are built from the template descriptions, so their fields are exactly
the canonical keys of ``keys.md``: ``report.requests.withheld.state_secret.natural_person``
is the cell ``requests/withheld.state_secret/natural_person``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from ..templates import TEMPLATE_2019, TEMPLATE_2021, TEMPLATES, Column, Row, Template

__all__ = [
    "CellState",
    "Cell",
    "Issue",
    "RowReadings",
    "Meta",
    "Signature",
    "Source",
    "Prose",
    "Report",
    "Number",
]

Number = Union[int, float]


class CellState(str, enum.Enum):
    """How a cell's value was obtained. Only ``printed``, ``split`` and ``resolved`` are certain."""

    PRINTED = "printed"  #: one number, read as printed in its own cell
    SPLIT = "split"  #: split out of glued digits; the only reading of the text
    RESOLVED = "resolved"  #: split out of glued digits; several readings, one chosen by relations or prose
    AMBIGUOUS = "ambiguous"  #: several readings remain; ``value`` is one, ``alternatives`` the others
    EMPTY = "empty"  #: the cell is there but blank
    DASH = "dash"  #: the cell holds a dash or a word for "none"
    UNREADABLE = "unreadable"  #: the cell holds text that is not a number; ``raw`` keeps it
    ABSENT = "absent"  #: the document does not have this cell at all


class Cell(BaseModel):
    """One numeric cell: its value, the raw text it came from and how sure we are."""

    model_config = ConfigDict(frozen=False)

    value: Optional[Number] = Field(None, description="The number; None when empty, a dash or absent.")
    raw: Optional[str] = Field(None, description="The text the value was read from (a whole glued run for split cells).")
    state: CellState = Field(CellState.ABSENT, description="How the value was obtained.")
    alternatives: list[Optional[Number]] = Field(
        default_factory=list, description="Other values this cell takes in the readings still standing (ambiguous cells)."
    )
    unit: Optional[str] = Field(None, description="Unit of an amount (元, 万元); None for counts.")
    basis: Optional[str] = Field(None, description="What settled a resolved cell: relation ids or prose evidence.")

    @property
    def certain(self) -> bool:
        """True when the value can be used without review."""
        return self.state in (CellState.PRINTED, CellState.SPLIT, CellState.RESOLVED)

    @property
    def is_number(self) -> bool:
        return self.value is not None


def _cell_field(label: str, description: str) -> Any:
    return (Cell, Field(default_factory=Cell, title=label, description=description))


def _row_model(name: str, columns: tuple[Column, ...], doc: str) -> type[BaseModel]:
    fields = {
        c.key: _cell_field(c.label, f"{c.label}" + (f" (unit {c.unit})" if c.unit else ""))
        for c in columns
    }
    return create_model(name, __doc__=doc, **fields)  # type: ignore[call-overload]


def _table_model(
    name: str, template: Template | None, rows: tuple[Row, ...], row_model: type[BaseModel], doc: str
) -> type[BaseModel]:
    """A table: leaf rows as fields, dotted keys (``withheld.state_secret``) as nested groups."""
    fields: dict[str, Any] = {}
    groups: dict[str, list[Row]] = {}
    for row in rows:
        if "." in row.key:
            groups.setdefault(row.key.split(".")[0], []).append(row)
        else:
            fields[row.key] = (row_model, Field(default_factory=row_model, title=row.label))
    for group, leaves in groups.items():
        group_model = create_model(  # type: ignore[call-overload]
            f"{name}_{group}",
            __doc__=f"Group {leaves[0].group}",
            **{
                leaf.key.split(".", 1)[1]: (row_model, Field(default_factory=row_model, title=leaf.label))
                for leaf in leaves
            },
        )
        fields[group] = (group_model, Field(default_factory=group_model, title=leaves[0].group))
    # Keep template order: groups sit where their first leaf sits.
    order = list(dict.fromkeys(r.key.split(".")[0] for r in rows))
    ordered = {k: fields[k] for k in order}
    if template is not None:
        ordered = {"template": (Literal[template.name], template.name), **ordered}  # type: ignore[valid-type]
    return create_model(name, __doc__=doc, **ordered)  # type: ignore[call-overload]


RequestsRow = _row_model("RequestsRow", TEMPLATE_2019.requests_columns, "One row of part 三, by applicant type.")
AppealsRow = _row_model("AppealsRow", TEMPLATE_2019.appeals_columns, "One group of part 四.")
DisclosureRow2019 = _row_model(
    "DisclosureRow2019", TEMPLATE_2019.disclosure_columns, "One row of part 二 (2019 template); columns the document lacks are absent."
)
DisclosureRow2021 = _row_model(
    "DisclosureRow2021", TEMPLATE_2021.disclosure_columns, "One row of part 二 (2021 template); columns the document lacks are absent."
)
Disclosure2019 = _table_model("Disclosure2019", TEMPLATE_2019, TEMPLATE_2019.disclosure_rows, DisclosureRow2019, "二、主动公开政府信息情况 (2019 template)")
Disclosure2021 = _table_model("Disclosure2021", TEMPLATE_2021, TEMPLATE_2021.disclosure_rows, DisclosureRow2021, "二、主动公开政府信息情况 (2021 template)")
Requests2019 = _table_model("Requests2019", TEMPLATE_2019, TEMPLATE_2019.requests_rows, RequestsRow, "三、收到和处理政府信息公开申请情况 (2019 template, 23 rows)")
Requests2021 = _table_model("Requests2021", TEMPLATE_2021, TEMPLATE_2021.requests_rows, RequestsRow, "三、收到和处理政府信息公开申请情况 (2021 template, 25 rows)")
Appeals = _table_model("Appeals", None, TEMPLATE_2019.appeals_rows, AppealsRow, "四、政府信息公开行政复议、行政诉讼情况")

TABLE_MODELS: dict[tuple[str, str], type[BaseModel]] = {
    ("disclosure", "2019"): Disclosure2019,
    ("disclosure", "2021"): Disclosure2021,
    ("requests", "2019"): Requests2019,
    ("requests", "2021"): Requests2021,
    ("appeals", "2019"): Appeals,
    ("appeals", "2021"): Appeals,
}

DisclosureTable = Annotated[Union[Disclosure2019, Disclosure2021], Field(discriminator="template")]  # type: ignore[valid-type]
RequestsTable = Annotated[Union[Requests2019, Requests2021], Field(discriminator="template")]  # type: ignore[valid-type]

Severity = Literal["error", "warning", "info"]


class Issue(BaseModel):
    """A problem found in the document: a broken relation (``R1``–``R4``) or a parse problem."""

    rule: str = Field(description="R1–R4 for relations; missing-table, missing-row, unmatched-row, ambiguous, … for parse problems.")
    severity: Severity = "error"
    message: str
    cells: list[str] = Field(default_factory=list, description="Canonical keys of the cells involved.")
    expected: Optional[Number] = Field(None, description="For relations: the value the left side should have (sum of the right side).")
    actual: Optional[Number] = Field(None, description="For relations: the value the left side has.")
    empty_as_zero: list[str] = Field(default_factory=list, description="Empty cells counted as 0 to assess the relation.")

    def __str__(self) -> str:
        return f"{self.rule} {self.severity}: {self.message}"


class RowReadings(BaseModel):
    """The readings of one glued row (or run of rows) that are still standing."""

    table: str
    cells: list[str] = Field(description="Canonical keys, in reading order.")
    raw: str = Field(description="The text the row was read from.")
    readings: list[list[Optional[Number]]] = Field(description="Each reading gives one value per cell; the first is the one reported.")
    basis: Optional[str] = None


class Meta(BaseModel):
    """The page's metadata block (索引号, 发布机构, …)."""

    index_no: Optional[str] = Field(None, title="索引号")
    topic: Optional[str] = Field(None, title="主题分类")
    category: Optional[str] = Field(None, title="组配分类")
    publisher: Optional[str] = Field(None, title="发布机构")
    published: Optional[str] = Field(None, title="发布日期", description="ISO date YYYY-MM-DD")
    document_no: Optional[str] = Field(None, title="文号")
    disclosure: Optional[str] = Field(None, title="公开方式")
    extra: dict[str, str] = Field(default_factory=dict, description="Other labelled fields of the block, by label.")


class Signature(BaseModel):
    """The closing 落款: agency and date."""

    agency: Optional[str] = None
    date: Optional[str] = Field(None, description="ISO date YYYY-MM-DD")


class Source(BaseModel):
    """Where the report came from and how it was read."""

    path: Optional[str] = Field(None, description="File path or WARC target URI.")
    sha256: Optional[str] = Field(None, description="SHA-256 of the input bytes: the report id.")
    form: Literal["html", "text"] = "text"
    encoding: Optional[str] = None
    encoding_method: Optional[str] = Field(None, description="bom, meta, declared, utf-8, detected or str (given as text).")
    date: Optional[str] = Field(None, description="Capture date (WARC-Date) when read from an archive.")


class Prose(BaseModel):
    """The report's text parts (一, 五, 六)."""

    overview: Optional[str] = Field(None, title="一、总体情况")
    problems: Optional[str] = Field(None, title="五、存在的主要问题及改进情况")
    other: Optional[str] = Field(None, title="六、其他需要报告的事项")


class Report(BaseModel):
    """An annual report: metadata, the three tables under canonical keys, prose and issues."""

    title: Optional[str] = Field(None, title="标题")
    agency: Optional[str] = Field(None, title="报告机关", description="The reporting agency (not 发布机构).")
    year: Optional[int] = Field(None, title="报告年度", description="The year reported on.")
    template: Optional[Literal["2019", "2021"]] = Field(None, description="Detected from labels; None for pre-2019 or non-reports.")
    meta: Meta = Field(default_factory=Meta)
    signature: Signature = Field(default_factory=Signature)
    source: Source = Field(default_factory=Source)
    disclosure: Optional[DisclosureTable] = Field(None, title="二、主动公开政府信息情况")
    requests: Optional[RequestsTable] = Field(None, title="三、收到和处理政府信息公开申请情况")
    appeals: Optional[Appeals] = Field(None, title="四、政府信息公开行政复议、行政诉讼情况")  # type: ignore[valid-type]
    prose: Prose = Field(default_factory=Prose)
    issues: list[Issue] = Field(default_factory=list, description="Problems only; never raised by default.")
    readings: list[RowReadings] = Field(default_factory=list, description="Rows whose glued digits have several readings.")

    # --- access by canonical key ---------------------------------------------------------

    def cell(self, key: str) -> Cell:
        """The cell at ``table/row/column`` (e.g. ``requests/withheld.state_secret/total``).

        Raises ``KeyError`` for an address the report's template does not have.
        """
        try:
            table_name, row_key, column = key.split("/")
        except ValueError:
            raise KeyError(f"{key!r} is not a table/row/column address") from None
        table = getattr(self, table_name, None) if table_name in ("disclosure", "requests", "appeals") else None
        if table is None:
            raise KeyError(f"{key!r}: the report has no {table_name!r} table")
        node: Any = table
        for part in row_key.split("."):
            node = getattr(node, part, None)
            if not isinstance(node, BaseModel):
                raise KeyError(f"{key!r}: no row {row_key!r} in the {self.template} template")
        found = getattr(node, column, None)
        if not isinstance(found, Cell):
            raise KeyError(f"{key!r}: no column {column!r}")
        return found

    def cells(self, *, include_absent: bool = False) -> Iterator[tuple[str, Cell]]:
        """Every cell as ``(key, cell)`` in template order.

        Disclosure columns that neither the template declares for the row nor the document
        has are skipped unless ``include_absent``.
        """
        template = TEMPLATES.get(self.template or "")
        if template is None:
            return
        for key, declared in cell_keys(template):
            try:
                found = self.cell(key)
            except KeyError:
                continue
            if declared or include_absent or found.state is not CellState.ABSENT:
                yield key, found

    def values(self) -> dict[str, Optional[Number]]:
        """``{key: value}`` for every cell (None for empty, dash, absent)."""
        return {key: c.value for key, c in self.cells()}

    @property
    def ok(self) -> bool:
        """True when no issue of severity ``error`` was found."""
        return not any(i.severity == "error" for i in self.issues)


def cell_keys(template: Template) -> Iterator[tuple[str, bool]]:
    """Every possible cell address of ``template`` and whether the template declares it."""
    for block in template.disclosure:
        declared = {c.key for c in block.columns}
        for row in block.rows:
            for column in template.disclosure_columns:
                yield f"disclosure/{row.key}/{column.key}", column.key in declared
    for row in template.requests_rows:
        for column in template.requests_columns:
            yield f"requests/{row.key}/{column.key}", True
    for row in template.appeals_rows:
        for column in template.appeals_columns:
            yield f"appeals/{row.key}/{column.key}", True


def new_table(table: str, template: Template) -> BaseModel:
    """An empty table model (every cell absent) for ``template``."""
    return TABLE_MODELS[(table, template.name)]()
