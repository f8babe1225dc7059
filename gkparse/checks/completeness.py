"""Completeness: the tables, rows and cells a template has and the document does not."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from ..model import Cell, CellState, Issue
from ..templates import Column, Key, TableKind, Template

__all__ = ["check_completeness"]


def check_completeness(template: Template, placed: Mapping[Key, Cell], present: Collection[str]) -> list[Issue]:
    """``missing-row`` (error) and ``missing-cells`` (warning) issues for the tables in
    ``present``, given the cells the reader ``placed`` by key."""

    def absent(key: Key) -> bool:
        cell = placed.get(key)
        return cell is None or cell.state is CellState.ABSENT

    issues: list[Issue] = []
    for table in template.tables:
        if table.kind not in present:
            continue
        if table.blocks:
            missing: list[str] = []
            for block in table.blocks:
                for row in block.rows:
                    # A row printed with other columns than the template's (the seed's
                    # 3-column 第(九)项) is not missing; a row not printed at all is, and
                    # so are the cells of its own columns a printed row lacks.
                    gone = [str(Key(table.kind, row.key, c.key)) for c in block.columns if absent(Key(table.kind, row.key, c.key))]
                    if len(gone) < len(block.columns) or not any(
                        not absent(Key(table.kind, row.key, c.key)) for c in table.columns
                    ):
                        missing.extend(gone)
            if missing:
                issues.append(Issue(
                    rule="missing-cells", severity="warning", where=table.kind,
                    message=f"{len(missing)} {table.kind} cells not found", cells=missing,
                ))
            continue
        missing_rows: list[str] = []
        missing_cells: list[str] = []

        def printed(row_key: str, kind: TableKind = table.kind, columns: tuple[Column, ...] = table.columns) -> bool:
            return any(not absent(Key(kind, row_key, c.key)) for c in columns)

        # A group row and its leaves are two ways to print the same cells: the one the
        # document uses is checked, the other is not missing (the leaves, when neither is).
        skipped: set[str] = set()
        for group in (row for row in table.rows if row.stands_for):
            skipped |= set(group.stands_for) if printed(group.key) and not any(map(printed, group.stands_for)) else {group.key}
        for row in (r for r in table.rows if r.key not in skipped):
            keys = [Key(table.kind, row.key, c.key) for c in table.columns]
            gone = [str(k) for k in keys if absent(k)]
            if len(gone) == len(keys):
                missing_rows.append(f"{table.kind}/{row.key}")
            else:
                missing_cells.extend(gone)
        if missing_rows:
            issues.append(Issue(
                rule="missing-row", severity="error", where=table.kind,
                message=f"{len(missing_rows)} {table.kind} rows not found: {', '.join(missing_rows)}", cells=missing_rows,
            ))
        if missing_cells:
            issues.append(Issue(
                rule="missing-cells", severity="warning", where=table.kind,
                message=f"{len(missing_cells)} {table.kind} cells not found", cells=missing_cells,
            ))
    return issues
