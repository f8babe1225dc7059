"""Table models, generated from the template data.

Each registered template gets one model per table (``Disclosure2021``, ``Requests2021``,
``Appeals2021``, named ``{Table}{template}``), whose fields are exactly the canonical keys
of ``docs/keys.md``: ``report.requests.withheld.state_secret.natural_person`` is the cell
``requests/withheld.state_secret/natural_person``. Dotted row keys become nested groups.
Models are built on first use, so a template registered at run time gets its own.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from ..templates import TEMPLATES, Column, Key, Row, TableKind, Template
from .cells import Cell

__all__ = ["TableModel", "table_model", "new_table", "build_table", "row_of"]


class TableModel(BaseModel):
    """Base of every generated table model: the template it follows, then its rows."""

    model_config = ConfigDict(extra="forbid")

    template: str = Field(description="The template revision the table follows.")


_MODELS: dict[tuple[str, TableKind, int], type[TableModel]] = {}


def _row_model(name: str, columns: tuple[Column, ...], doc: str) -> type[BaseModel]:
    fields: dict[str, Any] = {
        c.key: (Cell, Field(default_factory=Cell, title=c.label, description=c.label + (f" (unit {c.unit})" if c.unit else "")))
        for c in columns
    }
    return create_model(name, __doc__=doc, __config__=ConfigDict(extra="forbid"), **fields)  # type: ignore[call-overload, no-any-return]


def _build(template: Template, kind: TableKind) -> type[TableModel]:
    table = template.table(kind)
    title = kind.capitalize()
    row_model = _row_model(
        f"{title}Row{template.name}", table.columns,
        f"One row of {table.title} ({template.name} template); columns a row lacks are absent.",
    )
    fields: dict[str, Any] = {}
    groups: dict[str, list[Row]] = {}
    for row in table.rows:
        if "." in row.key:
            groups.setdefault(row.key.split(".")[0], []).append(row)
        else:
            fields[row.key] = (row_model, Field(default_factory=row_model, title=row.label))
    for group, leaves in groups.items():
        # A group row printed in place of its leaves (Row.stands_for) keeps its cells on
        # the group itself: requests.other.total beside requests.other.overdue_fee.
        own = {
            c.key: (Cell, Field(default_factory=Cell, title=c.label)) for c in table.columns
        } if group in fields else {}
        group_model = create_model(  # type: ignore[call-overload]
            f"{title}{template.name}_{group}",
            __doc__=f"Group {leaves[0].group}",
            __config__=ConfigDict(extra="forbid"),
            **own,
            **{
                leaf.key.split(".", 1)[1]: (row_model, Field(default_factory=row_model, title=leaf.label))
                for leaf in leaves
            },
        )
        fields[group] = (group_model, Field(default_factory=group_model, title=leaves[0].group))
    # Template order: a group sits where its first leaf sits.
    order = list(dict.fromkeys(r.key.split(".")[0] for r in table.rows))
    ordered = {k: fields[k] for k in order}
    return create_model(  # type: ignore[call-overload, no-any-return]
        f"{title}{template.name}",
        __base__=TableModel,
        __doc__=f"{table.title} ({template.name} template, {len(table.rows)} rows)",
        template=(str, Field(template.name, description="The template revision the table follows.")),
        **ordered,
    )


def table_model(template: Template | str, kind: TableKind) -> type[TableModel]:
    """The model of table ``kind`` under ``template`` (a registered name or the data).

    Raises ``KeyError`` for a template name that is not registered.
    """
    if isinstance(template, str):
        template = TEMPLATES[template]
    # Keyed by identity too: re-registering a name with other data gets new models.
    cache_key = (template.name, kind, id(template))
    model = _MODELS.get(cache_key)
    if model is None:
        model = _MODELS[cache_key] = _build(template, kind)
    return model


def new_table(kind: TableKind, template: Template) -> TableModel:
    """An empty table (every cell absent) of ``kind`` under ``template``."""
    return table_model(template, kind)(template=template.name)


_SLOTS: dict[tuple[str, TableKind, int], frozenset[tuple[str, str]]] = {}


def _slots(template: Template, kind: TableKind) -> frozenset[tuple[str, str]]:
    """Every (row key, column key) of a cell the table model of ``kind`` holds."""
    cache_key = (template.name, kind, id(template))
    found = _SLOTS.get(cache_key)
    if found is None:
        found = _SLOTS[cache_key] = frozenset(_cell_slots(new_table(kind, template), ""))
    return found


def _cell_slots(node: BaseModel, prefix: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name in type(node).model_fields:
        value = getattr(node, name)
        if isinstance(value, Cell):
            out.append((prefix, name))
        elif isinstance(value, BaseModel):
            out.extend(_cell_slots(value, f"{prefix}.{name}" if prefix else name))
    return out


def build_table(
    kind: TableKind, template: Template, cells: dict[tuple[str, str], Cell]
) -> tuple[TableModel, set[tuple[str, str]]]:
    """Table ``kind`` under ``template`` holding ``cells`` (by (row key, column key); every
    other cell absent), built in one validation of plain data rather than as an empty
    table whose cells are then replaced one by one.

    Returns the table and the (row, column) keys it placed; keys the template's table has
    no cell for are left out (the caller decides what that means)."""
    slots = _slots(template, kind)
    data: dict[str, Any] = {"template": template.name}
    placed: set[tuple[str, str]] = set()
    for (row_key, column), cell in cells.items():
        if (row_key, column) not in slots:
            continue
        node = data
        for part in row_key.split("."):
            node = node.setdefault(part, {})
        node[column] = cell
        placed.add((row_key, column))
    return table_model(template, kind).model_validate(data), placed


def row_of(table: BaseModel, row_key: str) -> BaseModel | None:
    """The row model at ``row_key`` (``withheld.state_secret``) in a table, or None."""
    node: Any = table
    for part in row_key.split("."):
        node = getattr(node, part, None)
        if not isinstance(node, BaseModel):
            return None
    return node  # type: ignore[no-any-return]


def cell_at(table: BaseModel, key: Key) -> Cell | None:
    """The cell at ``key`` in a table, or None when the table's template has no such cell."""
    row = row_of(table, key.row)
    found = getattr(row, key.column, None) if row is not None else None
    return found if isinstance(found, Cell) else None
