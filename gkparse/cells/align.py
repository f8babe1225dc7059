"""Table rows → aligned rows: each token sequence paired with the cell addresses it fills.

Rows are matched to template rows by label stems (the longest stem wins), columns by
their header labels, so an extra 法人或其他组织 subtotal column, a missing column or the
seed's three-column 第(九)项 map to the right keys instead of shifting.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..read.page import LabeledRow, Page, TableKind, TableRows, blank_range, is_blank
from ..model.report import Issue
from ..normalize import label_key
from ..templates import Column, Row, Template

__all__ = ["AlignedRow", "align"]

_CAPTION_ITEMS = "一二三四五六七八九十"


@dataclass
class AlignedRow:
    """Tokens of one table line and the cells they fill, with the sums that hold inside it.

    ``keys[i]`` is the address of the i-th cell (None for a column gkparse does not keep,
    such as a subtotal). ``sums`` are ``(relation id, addend indexes, total index)``.
    """

    table: TableKind
    keys: list[str | None]
    tokens: list[str]
    glued: bool
    label: str = ""
    truncated: bool = False
    splittable: bool = True
    kinds: list[str] = field(default_factory=list)
    units: list[str | None] = field(default_factory=list)
    sums: list[tuple[str, list[int], int]] = field(default_factory=list)

    @property
    def raw(self) -> str:
        def show(token: str) -> str:
            span = blank_range(token)
            if span is None:
                return token
            return "∅" if span == (1, 1) else f"∅{{{span[0]},{span[1]}}}"

        return " ".join(map(show, self.tokens))


def _best(label: str, candidates: tuple[Row, ...] | tuple[Column, ...]) -> Row | Column | None:
    key = label_key(label)
    best = None
    best_len = 0
    for item in candidates:
        for stem in item.stems:
            stem_key = label_key(stem)
            if stem_key in key and len(stem_key) > best_len:
                best, best_len = item, len(stem_key)
    return best


def _leaf(header: str) -> str:
    return header.split("/")[-1]


def _subtotal(header: str) -> bool:
    leaf = label_key(_leaf(header))
    return leaf in ("法人或其他组织", "小计", "法人或其他组织小计") or leaf.endswith("小计")


def _disclosure_columns(table: TableRows, template: Template, issues: list[Issue]) -> list[Column | None]:
    if table.columns is None:
        item = next((ch for ch in (table.caption or "") if ch in _CAPTION_ITEMS), None)
        block = next((b for b in template.disclosure if b.item == item), None)
        return list(block.columns) if block else []
    columns: list[Column | None] = []
    for header in table.columns:
        column = _best(header, template.disclosure_columns)
        if column is None:
            issues.append(Issue(rule="unknown-column", severity="info", message=f"part 二 column {header!r} is not a template column; its cells are not kept"))
        columns.append(column)  # type: ignore[arg-type]
    return columns


def _request_columns(table: TableRows, template: Template, issues: list[Issue]) -> list[Column | None]:
    if table.columns is None:
        return list(template.requests_columns)
    columns: list[Column | None] = []
    for header in table.columns:
        if _subtotal(header):
            issues.append(Issue(rule="unknown-column", severity="info", message=f"part 三 subtotal column {header!r} is not kept"))
            columns.append(None)
            continue
        column = _best(_leaf(header), template.requests_columns)
        if column is None:
            issues.append(Issue(rule="unknown-column", severity="info", message=f"part 三 column {header!r} is not a template column"))
        columns.append(column)  # type: ignore[arg-type]
    return columns


def _appeal_keys(table: TableRows, template: Template) -> list[tuple[Row, Column] | None]:
    if table.columns is None:
        return [(row, col) for row in template.appeals_rows for col in template.appeals_columns]
    keys: list[tuple[Row, Column] | None] = []
    for header in table.columns:
        row = _best(header, template.appeals_rows)
        col = _best(_leaf(header), template.appeals_columns)
        keys.append((row, col) if row is not None and col is not None else None)  # type: ignore[arg-type]
    return keys


def _row_sums(template: Template, table: TableKind, keys: list[str | None]) -> list[tuple[str, list[int], int]]:
    position = {k: i for i, k in enumerate(keys) if k}
    sums = []
    rows = {k.split("/")[1] for k in keys if k}
    for relation in template.relations:
        if relation.table != table or relation.along != "row":
            continue
        for row in sorted(rows, key=lambda r: min(position[k] for k in position if k.split("/")[1] == r)):
            total = position.get(f"{table}/{row}/{relation.left[0]}")
            addends = [position.get(f"{table}/{row}/{c}") for c in relation.right]
            if total is not None and all(a is not None for a in addends):
                sums.append((relation.id, [a for a in addends if a is not None], total))
    return sums


def _row_key(row: LabeledRow, candidates: tuple[Row, ...]) -> Row | None:
    if row.key is not None:
        return next((r for r in candidates if r.key == row.key), None)
    return _best(row.label, candidates)  # type: ignore[return-value]


def align(page: Page, template: Template) -> tuple[list[AlignedRow], list[Issue]]:
    """Pair every token run of ``page`` with cell addresses of ``template``."""
    aligned: list[AlignedRow] = []
    issues: list[Issue] = []
    seen: set[str] = set()

    def add(table: TableKind, keys: list[str | None], columns: list[Column | None], row: LabeledRow) -> None:
        fresh = [k if k not in seen else None for k in keys]
        for k in fresh:
            if k:
                seen.add(k)
        if any(k is None for k in fresh) and not any(fresh):
            return
        tokens = list(row.tokens)
        if len(tokens) > len(fresh):
            while len(tokens) > len(fresh) and is_blank(tokens[-1]):
                tokens.pop()  # trailing padding cells
            if row.glued and tokens and is_blank(tokens[-1]) and not all(map(is_blank, tokens)):
                # The empty markers run on past the row's width: the dump moved the empty
                # cells to the end, so their positions say nothing. Let the repairer place them.
                tokens = [t for t in tokens if not is_blank(t)]
        aligned.append(
            AlignedRow(
                table, fresh, tokens, row.glued, row.label, row.truncated, row.glued and row.splittable,
                kinds=[c.kind if c else "count" for c in columns],
                units=[c.unit if c else None for c in columns],
                sums=_row_sums(template, table, fresh),
            )
        )

    for table in page.tables:
        if table.kind == "disclosure":
            columns = _disclosure_columns(table, template, issues)
            for row in table.rows:
                found = _row_key(row, template.disclosure_rows)
                if found is None:
                    issues.append(Issue(rule="unmatched-row", severity="warning", message=f"part 二 row {row.label!r} matches no template row"))
                    continue
                keys = [f"disclosure/{found.key}/{c.key}" if c else None for c in columns]
                add("disclosure", keys, columns, row)
        elif table.kind == "requests":
            columns = _request_columns(table, template, issues)
            for row in table.rows:
                found = _row_key(row, template.requests_rows)
                if found is None:
                    if row.label and any(t for t in row.tokens):
                        issues.append(Issue(rule="unmatched-row", severity="warning", message=f"part 三 row {row.label!r} matches no template row"))
                    continue
                keys = [f"requests/{found.key}/{c.key}" if c else None for c in columns]
                add("requests", keys, columns, row)
        else:
            pairs = _appeal_keys(table, template)
            columns = [p[1] if p else None for p in pairs]
            keys = [f"appeals/{p[0].key}/{p[1].key}" if p else None for p in pairs]
            for row in table.rows:
                add("appeals", keys, columns, row)
    return aligned, issues
