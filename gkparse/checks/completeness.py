"""Completeness: the tables, rows and cells a template has and the document does not."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import NamedTuple

from ..model import Cell, CellState, Issue
from ..templates import Key, TableKind, Template
from ..templates.schema import per_template

__all__ = ["check_completeness"]

#: A cell's key and its canonical text, as the issues name it.
_Named = tuple[tuple[Key, str], ...]


class _BlockRow(NamedTuple):
    """A part 二 row: the cells of its block's columns, and of every column of the table."""

    own: _Named
    every: tuple[Key, ...]


class _Table(NamedTuple):
    """What completeness looks at in one table, made once per template."""

    kind: TableKind
    blocks: tuple[_BlockRow, ...]
    #: Without blocks: each row's cells by row key, in template order, and its ``table/row`` name.
    rows: dict[str, tuple[_Named, str]]
    #: The group rows some reports print in place of their leaves, and the leaves.
    groups: tuple[tuple[str, tuple[str, ...]], ...]


@per_template
def _tables(template: Template) -> tuple[_Table, ...]:
    tables = []
    for table in template.tables:

        def named(row_key: str, columns: Collection[str], kind: TableKind = table.kind) -> _Named:
            return tuple((key, str(key)) for key in (Key(kind, row_key, c) for c in columns))

        every = [c.key for c in table.columns]
        blocks = tuple(
            _BlockRow(named(row.key, [c.key for c in block.columns]), tuple(k for k, _ in named(row.key, every)))
            for block in table.blocks for row in block.rows
        )
        rows = {} if table.blocks else {row.key: (named(row.key, every), f"{table.kind}/{row.key}") for row in table.rows}
        groups = tuple((row.key, row.stands_for) for row in table.rows if row.stands_for)
        tables.append(_Table(table.kind, blocks, rows, groups))
    return tuple(tables)


def check_completeness(template: Template, placed: Mapping[Key, Cell], present: Collection[str]) -> list[Issue]:
    """``missing-row`` (error) and ``missing-cells`` (warning) issues for the tables in
    ``present``, given the cells the reader ``placed`` by key."""
    absent_state = CellState.ABSENT
    get = placed.get

    def absent(key: Key) -> bool:
        cell = get(key)
        return cell is None or cell.state is absent_state

    issues: list[Issue] = []
    for table in _tables(template):
        kind = table.kind
        if kind not in present:
            continue
        if table.blocks:
            missing: list[str] = []
            for own, every in table.blocks:
                # A row printed with other columns than the template's (the seed's
                # 3-column 第(九)项) is not missing; a row not printed at all is, and
                # so are the cells of its own columns a printed row lacks.
                gone = [name for key, name in own if (cell := get(key)) is None or cell.state is absent_state]
                if len(gone) < len(own) or all(map(absent, every)):
                    missing.extend(gone)
            if missing:
                issues.append(Issue(
                    rule="missing-cells", severity="warning", where=kind,
                    message=f"{len(missing)} {kind} cells not found", cells=missing,
                ))
            continue
        missing_rows: list[str] = []
        missing_cells: list[str] = []

        def printed(row_key: str, rows: dict[str, tuple[_Named, str]] = table.rows) -> bool:
            found = rows.get(row_key)
            return found is not None and not all(absent(key) for key, _ in found[0])

        # A group row and its leaves are two ways to print the same cells: the one the
        # document uses is checked, the other is not missing (the leaves, when neither is).
        skipped: set[str] = set()
        for group, leaves in table.groups:
            skipped |= set(leaves) if printed(group) and not any(map(printed, leaves)) else {group}
        for row_key, (named, name) in table.rows.items():
            if row_key in skipped:
                continue
            gone = [text for key, text in named if (cell := get(key)) is None or cell.state is absent_state]
            if len(gone) == len(named):
                missing_rows.append(name)
            else:
                missing_cells.extend(gone)
        if missing_rows:
            issues.append(Issue(
                rule="missing-row", severity="error", where=kind,
                message=f"{len(missing_rows)} {kind} rows not found: {', '.join(missing_rows)}", cells=missing_rows,
            ))
        if missing_cells:
            issues.append(Issue(
                rule="missing-cells", severity="warning", where=kind,
                message=f"{len(missing_cells)} {kind} cells not found", cells=missing_cells,
            ))
    return issues
