"""The report: metadata, the three tables under canonical keys, prose, issues and provenance."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional

from pydantic import BaseModel, Field, GetJsonSchemaHandler, SerializeAsAny, ValidationInfo, field_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from .. import vocabulary as vocab
from ..templates import TABLE_KINDS, TEMPLATES, Key, TableKind
from .cells import WRITTEN_WHOLE, Cell, CellState, Issue, Number, RowReadings
from .tables import TableModel, cell_at, table_model

if TYPE_CHECKING:  # the generated classes, as the stub generated.pyi declares them
    from .generated import AnyAppeals, AnyDisclosure, AnyRequests

__all__ = ["DocumentForm", "Meta", "Signature", "Source", "TableRegion", "SameReport", "Prose", "Report"]

_TITLES = vocab.META_FIELD_TITLES


class Meta(BaseModel):
    """The page's metadata block (索引号, 发布机构, …), as the page labels it.

    Read from ``label：value`` lines, from metadata tables with labels and values in
    alternating cells, and (for fields the visible block lacks) from the standard
    ``<meta name="ArticleTitle|PubDate|ContentSource|Url">`` tags; 公开日期 is a
    publication-date label.

    Two fields describe the *copy*, not the publication, and are never mixed into it:
    ``source_url`` is the address the page was saved from (an archiving wrapper's
    ``来源：http://…``, any publisher label whose value is an address, or the page's
    ``<meta name="Url">``) — not the publisher; ``captured`` is when an archiving wrapper
    says the copy was taken (``采集时间``) — not the publication date. An archive's own
    capture date (WARC-Date) is ``Source.date``.
    """

    model_config = WRITTEN_WHOLE

    index_no: Optional[str] = Field(None, title=_TITLES["index_no"])
    topic: Optional[str] = Field(None, title=_TITLES["topic"])
    category: Optional[str] = Field(None, title=_TITLES["category"])
    publisher: Optional[str] = Field(None, title=_TITLES["publisher"])
    published: Optional[str] = Field(None, title=_TITLES["published"], description="ISO date YYYY-MM-DD")
    document_no: Optional[str] = Field(None, title=_TITLES["document_no"])
    disclosure: Optional[str] = Field(None, title=_TITLES["disclosure"])
    source_url: Optional[str] = Field(
        None, title=_TITLES["source_url"], description="The address the page was saved from (not the publisher)."
    )
    captured: Optional[str] = Field(
        None, title=_TITLES["captured"],
        description="ISO date YYYY-MM-DD an archiving wrapper gives as capture time (not the publication date).",
    )
    extra: dict[str, str] = Field(default_factory=dict, description="Other labelled fields of the block, by label.")


class Signature(BaseModel):
    """The closing 落款: agency and date."""

    model_config = WRITTEN_WHOLE

    agency: Optional[str] = None
    date: Optional[str] = Field(None, description="ISO date YYYY-MM-DD")


#: The forms a report is read from (``Source.form``).
DocumentForm = Literal["html", "text", "pdf", "docx", "doc"]


class TableRegion(BaseModel):
    """Where a table of a PDF was read, so that a reviewer can find a cell in the original."""

    model_config = WRITTEN_WHOLE

    table: Optional[str] = Field(None, description="disclosure, requests or appeals (None: not a report table).")
    page: int = Field(description="Page number, from 1.")
    box: tuple[float, float, float, float] = Field(description="(x0, top, x1, bottom) in PDF points from the page's top-left corner.")


class Source(BaseModel):
    """Where the report came from and how it was read."""

    model_config = WRITTEN_WHOLE

    path: Optional[str] = Field(None, description="File path, WARC target URI or the caller's origin label.")
    sha256: Optional[str] = Field(None, description="SHA-256 of the input bytes (of the UTF-8 text for parse_text): the report id.")
    form: DocumentForm = "text"
    encoding: Optional[str] = None
    encoding_method: Optional[str] = Field(
        None, description="bom, meta, declared, utf-8, utf-8-over-meta, detected or str (given as text)."
    )
    date: Optional[str] = Field(None, description="Capture date (WARC-Date) when read from an archive.")
    regions: list[TableRegion] = Field(default_factory=list, description="PDF only: the page and box of each table read.")

    @property
    def label(self) -> str:
        """How a message names the source: its path, else its form."""
        return self.path or self.form


class SameReport(BaseModel):
    """An earlier input of the same batch that is the same report (a page and its PDF or
    Word attachment): its id and source, and the cells both read with certainty and
    differently (see :mod:`gkparse.batch.link`)."""

    model_config = WRITTEN_WHOLE

    report_id: str
    source: Optional[str] = None
    disagreements: list[str] = Field(default_factory=list, description="Keys of the cells the two sources read differently.")


class Prose(BaseModel):
    """The report's text parts (一, 五, 六)."""

    model_config = WRITTEN_WHOLE

    overview: Optional[str] = Field(None, title=vocab.PROSE_TITLES["overview"])
    problems: Optional[str] = Field(None, title=vocab.PROSE_TITLES["problems"])
    other: Optional[str] = Field(None, title=vocab.PROSE_TITLES["other"])


class _AnyTemplateTable:
    """JSON Schema of a table field: one of the registered templates' models."""

    def __init__(self, kind: TableKind) -> None:
        self.kind = kind

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        options = [handler(table_model(t, self.kind).__pydantic_core_schema__) for t in TEMPLATES.values()]
        return {"anyOf": [*options, {"type": "null"}]}


def _table(kind: TableKind) -> Any:
    return Annotated[Optional[SerializeAsAny[TableModel]], _AnyTemplateTable(kind)]


# The tables keep their titles across revisions so far: the newest revision names them.
_LATEST = list(TEMPLATES.values())[-1]


class Report(BaseModel):
    """An annual report: metadata, the three tables under canonical keys, prose and issues.

    ``disclosure``, ``requests`` and ``appeals`` are models generated from the template
    (see :mod:`gkparse.model.tables`), or None when the document lacks the table; read
    cells by attribute (``report.requests.new.total``) or by key (:meth:`cell`,
    :meth:`cells`). Type checkers see each table as the union of its templates' models
    (``gkparse.model.generated.AnyRequests``): check for None first
    (``assert report.requests is not None``), and narrow with ``isinstance`` to reach a
    row only one template has.
    """

    model_config = WRITTEN_WHOLE

    title: Optional[str] = Field(None, title=_TITLES["title"])
    agency: Optional[str] = Field(None, title=_TITLES["agency"], description="The reporting agency (not the publisher).")
    year: Optional[int] = Field(None, title=_TITLES["year"], description="The year reported on.")
    template: Optional[str] = Field(None, description="The template revision, detected from labels; None for pre-2019 or non-reports.")
    meta: Meta = Field(default_factory=Meta)
    signature: Signature = Field(default_factory=Signature)
    source: Source = Field(default_factory=Source)
    if TYPE_CHECKING:
        # What a type checker sees: one of the templates' generated models, or None (the
        # document lacks the table). Pydantic sees the else branch, whose annotation also
        # carries the JSON Schema of every template's model and serialises the model the
        # table is (not the TableModel base).
        disclosure: Optional[AnyDisclosure] = Field(None)
        requests: Optional[AnyRequests] = Field(None)
        appeals: Optional[AnyAppeals] = Field(None)
    else:
        disclosure: _table("disclosure") = Field(None, title=_LATEST.table("disclosure").title)
        requests: _table("requests") = Field(None, title=_LATEST.table("requests").title)
        appeals: _table("appeals") = Field(None, title=_LATEST.table("appeals").title)
    prose: Prose = Field(default_factory=Prose)
    issues: list[Issue] = Field(default_factory=list, description="Problems only; never raised by default.")
    readings: list[RowReadings] = Field(default_factory=list, description="Rows whose glued digits have several readings.")
    same_as: Optional[SameReport] = Field(
        None, description="Set by a batch when an earlier input is the same report (a page and its attachment)."
    )

    @field_validator("template")
    @classmethod
    def _known_template(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and value not in TEMPLATES:
            raise ValueError(f"unknown template {value!r} (known: {', '.join(TEMPLATES)})")
        return value

    @field_validator("disclosure", "requests", "appeals", mode="before")
    @classmethod
    def _table_of_template(cls, value: Any, info: ValidationInfo) -> Any:
        """A table given as data (JSON) is validated by its template's generated model."""
        if isinstance(value, dict):
            name = value.get("template") or info.data.get("template")
            if name not in TEMPLATES:
                raise ValueError(f"table of unknown template {name!r}")
            return table_model(name, info.field_name).model_validate(value)  # type: ignore[arg-type]
        return value

    # --- access by canonical key ---------------------------------------------------------

    def cell(self, key: str | Key) -> Cell:
        """The cell at ``table/row/column`` (e.g. ``requests/withheld.state_secret/total``).

        Raises ``KeyError`` for an address the report's template does not have.
        """
        address = key if isinstance(key, Key) else Key.parse(key)
        table = getattr(self, address.table)
        if table is None:
            raise KeyError(f"{str(address)!r}: the report has no {address.table!r} table")
        found = cell_at(table, address)
        if found is None:
            raise KeyError(f"{str(address)!r}: no such cell in the {self.template} template")
        return found

    def cells(self, *, include_absent: bool = False) -> Iterator[tuple[str, Cell]]:
        """Every cell as ``(key, cell)`` in template order.

        Disclosure columns that neither the template declares for the row nor the document
        has are skipped unless ``include_absent``.
        """
        template = TEMPLATES.get(self.template or "")
        if template is None:
            return
        tables = {kind: getattr(self, kind) for kind in TABLE_KINDS}
        for key, declared in template.key_space():
            table = tables[key.table]
            found = cell_at(table, key) if table is not None else None
            if found is None:
                continue
            if declared or include_absent or found.state is not CellState.ABSENT:
                yield str(key), found

    def values(self, *, uncertain: bool = False) -> dict[str, Optional[Number]]:
        """``{key: value}`` for every cell: None for empty, dash, unreadable and absent cells,
        and for ambiguous ones (the value shown is one reading among several) unless
        ``uncertain`` is set. Read the readings of an ambiguous cell from :meth:`cell`."""
        return {
            key: c.value if uncertain or c.state is not CellState.AMBIGUOUS else None for key, c in self.cells()
        }

    @property
    def ok(self) -> bool:
        """True when no issue of severity ``error`` was found."""
        return not any(i.severity == "error" for i in self.issues)
