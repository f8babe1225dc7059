"""Table models, generated from the template data.

Each registered template gets one model per table (``Disclosure2021``, ``Requests2021``,
``Appeals2021``, named ``{Table}{template}``), whose fields are exactly the canonical keys
of ``docs/keys.md``: ``report.requests.withheld.state_secret.natural_person`` is the cell
``requests/withheld.state_secret/natural_person``. Dotted row keys become nested groups.
Models are built on first use, so a template registered at run time gets its own.

Every generated class lives in :mod:`gkparse.model.generated` under its name
(``__module__`` and ``__qualname__`` say so, and that module finds it by name, building it
if need be), so pickle finds it in any process: reports cross process pools. The stub
``gkparse/model/generated.pyi`` (written by ``python -m gkparse.model.stubs``) declares
the same classes for type checkers.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, create_model

from ..templates import TABLE_KINDS, TEMPLATES, Column, Key, Row, TableKind, Template
from ..templates.schema import per_template
from .cells import WRITTEN_WHOLE, Cell

__all__ = [
    "TableModel", "table_model", "new_table", "build_table", "build_tables", "row_of", "generated_model", "generated_names",
    "GENERATED_MODULE",
]

#: The module every generated model claims as its own (``__module__``), where pickle and
#: the type stubs find it by name.
GENERATED_MODULE = "gkparse.model.generated"
#: Prefix of the names :mod:`gkparse.model.generated` gives the union of one table's models
#: across the registered templates (``AnyRequests``): what ``Report.requests`` holds.
ANY_PREFIX = "Any"


class TableModel(BaseModel):
    """Base of every generated table model: the template it follows, then its rows."""

    model_config = ConfigDict(extra="forbid", **WRITTEN_WHOLE)

    template: str = Field(description="The template revision the table follows.")


_MODELS: dict[tuple[str, TableKind, int], type[TableModel]] = {}
#: Every generated class by name (the latest built for a name: a template registered
#: again under its name replaces its classes).
_BY_NAME: dict[str, type[BaseModel]] = {}
#: The configuration of the generated row and group models (the table models inherit theirs).
_ROW_CONFIG = ConfigDict(extra="forbid", **WRITTEN_WHOLE)


M = TypeVar("M", bound=BaseModel)


def _named(model: type[M]) -> type[M]:
    """Record a freshly generated class under its name, where pickle looks for it."""
    _BY_NAME[model.__name__] = model
    return model


def _row_model(name: str, columns: tuple[Column, ...], doc: str) -> type[BaseModel]:
    fields: dict[str, Any] = {
        c.key: (Cell, Field(default_factory=Cell, title=c.label, description=c.label + (f" (unit {c.unit})" if c.unit else "")))
        for c in columns
    }
    return _named(create_model(
        name, __doc__=doc, __config__=_ROW_CONFIG, __module__=GENERATED_MODULE, **fields,
    ))


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
        group_model = _named(create_model(  # type: ignore[call-overload]
            f"{title}{template.name}_{group}",
            __doc__=f"Group {leaves[0].group}",
            __config__=_ROW_CONFIG,
            __module__=GENERATED_MODULE,
            **own,
            **{
                leaf.key.split(".", 1)[1]: (row_model, Field(default_factory=row_model, title=leaf.label))
                for leaf in leaves
            },
        ))
        fields[group] = (group_model, Field(default_factory=group_model, title=leaves[0].group))
    # Template order: a group sits where its first leaf sits.
    order = list(dict.fromkeys(r.key.split(".")[0] for r in table.rows))
    ordered = {k: fields[k] for k in order}
    return _named(create_model(
        f"{title}{template.name}",
        __base__=TableModel,
        __doc__=f"{table.title} ({template.name} template, {len(table.rows)} rows)",
        __module__=GENERATED_MODULE,
        template=(str, Field(template.name, description="The template revision the table follows.")),
        **ordered,
    ))


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


def _build_all() -> None:
    """Build (or find cached) every table model of the registered templates, so that each
    generated class of theirs is under its name."""
    for template in TEMPLATES.values():
        for kind in TABLE_KINDS:
            table_model(template, kind)


def generated_model(name: str) -> Any:
    """The generated class called ``name`` (``Requests2021``, ``RequestsRow2021``,
    ``Requests2021_withheld``) of a registered template, building it if need be; or, for
    ``Any{Table}`` (``AnyRequests``), the union of that table's models over the registered
    templates.

    Raises ``AttributeError`` for any other name (this is
    :mod:`gkparse.model.generated`'s attribute lookup).
    """
    _build_all()
    if name.startswith(ANY_PREFIX) and name[len(ANY_PREFIX):].lower() in TABLE_KINDS:
        kind: TableKind = name[len(ANY_PREFIX):].lower()  # type: ignore[assignment]
        return functools.reduce(operator.or_, (table_model(t, kind) for t in TEMPLATES.values()))
    found = _BY_NAME.get(name)
    if found is None:
        raise AttributeError(f"module {GENERATED_MODULE!r} has no attribute {name!r}")
    return found


def generated_names() -> list[str]:
    """The names of every generated class of the registered templates (tables, then the
    groups and rows they hold, in template order), then the ``Any{Table}`` unions."""
    names: dict[str, None] = {}
    stack: list[type[BaseModel]] = [table_model(t, kind) for t in TEMPLATES.values() for kind in TABLE_KINDS]
    stack.reverse()
    while stack:
        model = stack.pop()
        if model.__module__ == GENERATED_MODULE and model.__name__ not in names:
            names[model.__name__] = None
            held = [f.annotation for f in model.model_fields.values()]
            stack.extend(reversed([a for a in held if isinstance(a, type) and issubclass(a, BaseModel)]))
    return [*names, *(ANY_PREFIX + kind.capitalize() for kind in TABLE_KINDS)]


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


#: Per row key of a table model: the path of field names to the row, and its cells' columns.
_Layout = dict[str, tuple[tuple[str, ...], frozenset[str]]]


@per_template
def _layouts(template: Template) -> dict[str, _Layout]:
    layouts: dict[str, _Layout] = {}
    for kind in TABLE_KINDS:
        columns: dict[str, set[str]] = {}
        for row_key, column in _slots(template, kind):
            columns.setdefault(row_key, set()).add(column)
        layouts[kind] = {row_key: (tuple(row_key.split(".")), frozenset(cs)) for row_key, cs in columns.items()}
    return layouts


def build_table(
    kind: TableKind, template: Template, cells: dict[tuple[str, str], Cell]
) -> tuple[TableModel, set[tuple[str, str]]]:
    """Table ``kind`` under ``template`` holding ``cells`` (by (row key, column key); every
    other cell absent), built in one validation of plain data rather than as an empty
    table whose cells are then replaced one by one.

    Returns the table and the (row, column) keys it placed; keys the template's table has
    no cell for are left out (the caller decides what that means)."""
    tables, placed = build_tables(template, [kind], ((Key(kind, r, c), cell) for (r, c), cell in cells.items()))
    return tables[kind], {(k.row, k.column) for k in placed}


def build_tables(
    template: Template, kinds: Iterable[TableKind], cells: Iterable[tuple[Key, Cell]]
) -> tuple[dict[TableKind, TableModel], dict[Key, Cell]]:
    """:func:`build_table` for each table of ``kinds`` at once, from cells by :class:`Key`
    (cells of other tables are left out). Returns the tables by kind and the cells placed
    in them, in the order given."""
    layouts = _layouts(template)
    data: dict[TableKind, dict[str, Any]] = {kind: {"template": template.name} for kind in kinds}
    rows: dict[str, dict[str, dict[str, Any]]] = {kind: {} for kind in data}
    placed: dict[Key, Cell] = {}
    for key, cell in cells:
        table, row_key, column = key
        nodes = rows.get(table)
        if nodes is None:
            continue
        node = nodes.get(row_key)
        if node is None:
            slot = layouts[table].get(row_key)
            if slot is None or column not in slot[1]:
                continue
            node = data[table]
            for part in slot[0]:
                node = node.setdefault(part, {})
            nodes[row_key] = node
        elif column not in layouts[table][row_key][1]:
            continue
        node[column] = cell
        placed[key] = cell
    tables: dict[TableKind, TableModel] = {
        kind: table_model(template, kind).__pydantic_validator__.validate_python(values) for kind, values in data.items()
    }
    return tables, placed


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
