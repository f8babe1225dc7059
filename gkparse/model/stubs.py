"""Write ``gkparse/model/generated.pyi``: the table models generated from the template data,
as classes a type checker and an editor read.

The run-time models are built by :mod:`gkparse.model.tables` with ``create_model``, which
no static checker can follow; the stub declares the same classes, field for field, so that
``report.requests.new.total.value`` type-checks and ``report.requests.new.totl`` does not.
The stub is rendered from the run-time models themselves (names, fields, nesting, labels),
so the two cannot disagree once it is regenerated::

    python -m gkparse.model.stubs          # rewrite gkparse/model/generated.pyi
    python -m gkparse.model.stubs --check  # exit 1 when the stub is stale (CI does this as a test)

Only the templates registered at import time are rendered (the bundled ones, in a fresh
process); a template registered at run time has run-time classes and no stub.
"""

from __future__ import annotations

import argparse
import keyword
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..templates import TABLE_KINDS, TEMPLATES, Template
from .cells import Cell
from .tables import ANY_PREFIX, GENERATED_MODULE, TableModel, table_model

__all__ = ["STUB_PATH", "render", "main"]

#: Where the stub lives: beside the module whose attributes it declares.
STUB_PATH = Path(__file__).with_name("generated.pyi")

_HEADER = f'''\
# Generated from the template data by `python -m gkparse.model.stubs`: do not edit.
# Declares the classes of {GENERATED_MODULE} (built at run time by gkparse.model.tables) for
# type checkers and editors; tests/typing/test_typing.py fails when this file is stale.

from typing import Any, TypeAlias, Union

from pydantic import BaseModel

from .cells import Cell
from .tables import TableModel
'''

#: Field types the stub can name without a generated class: the cell, and plain text.
_KNOWN: dict[Any, str] = {Cell: "Cell", str: "str"}


def _docstring(text: Optional[str], indent: str) -> list[str]:
    """A docstring line for ``text`` (one line; quotes and backslashes escaped), or none."""
    if not text:
        return []
    one_line = " ".join(text.split()).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if one_line.endswith('"'):
        one_line = one_line[:-1] + '\\"'
    return [f'{indent}"""{one_line}"""']


def _type_name(model: type[BaseModel], name: str, field: FieldInfo) -> str:
    annotation = field.annotation
    if annotation in _KNOWN:
        return _KNOWN[annotation]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation.__module__ == GENERATED_MODULE:
        return annotation.__name__
    raise TypeError(f"{model.__name__}.{name}: no stub spelling for the field type {annotation!r}")


def _classes(model: type[BaseModel], seen: set[str]) -> Iterator[list[str]]:
    """The stub lines of ``model`` and of every generated class it holds, each class after
    the classes its fields name."""
    if model.__name__ in seen:
        return
    seen.add(model.__name__)
    fields: list[tuple[str, FieldInfo, str]] = []
    for name, field in model.model_fields.items():
        type_name = _type_name(model, name, field)
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation is not Cell:
            yield from _classes(annotation, seen)
        fields.append((name, field, type_name))
    base = "TableModel" if issubclass(model, TableModel) else "BaseModel"
    lines = [f"class {model.__name__}({base}):", *_docstring(model.__doc__, "    ")]
    for name, field, type_name in fields:
        if not name.isidentifier() or keyword.iskeyword(name):
            raise TypeError(f"{model.__name__}.{name}: a key that is not an identifier cannot be an attribute")
        lines.append("")
        lines.append(f"    {name}: {type_name}")
        lines.extend(_docstring(field.description or field.title, "    "))
    # Every field has a default at run time; an __init__ of its own keeps the pydantic mypy
    # plugin from declaring them required (the plugin reads "= ..." as required, and
    # "= Field(default_factory=…)" does not type-check without it).
    lines.extend(["", "    def __init__(self, **data: Any) -> None: ..."])
    yield lines


def render(templates: Optional[list[Template]] = None) -> str:
    """The stub text for ``templates`` (default: every registered template, in order)."""
    chosen = list(TEMPLATES.values()) if templates is None else templates
    blocks: list[list[str]] = []
    seen: set[str] = set()
    for template in chosen:
        for kind in TABLE_KINDS:
            blocks.extend(_classes(table_model(template, kind), seen))
    unions = []
    for kind in TABLE_KINDS:
        members = ", ".join(table_model(t, kind).__name__ for t in chosen)
        unions.append(f"{ANY_PREFIX}{kind.capitalize()}: TypeAlias = Union[{members}]")
        unions.extend(_docstring(f"Report.{kind} when it is not None: the {kind} table of one of the templates.", ""))
    body = "\n\n".join("\n".join(lines) for lines in blocks)
    return f"{_HEADER}\n{body}\n\n" + "\n".join(unions) + "\n"


def main(argv: Optional[list[str]] = None) -> int:
    """Write the stub, or with ``--check`` compare it; the exit status (0, or 1 when stale)."""
    parser = argparse.ArgumentParser(prog="python -m gkparse.model.stubs", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the stub is not what the templates give")
    parser.add_argument("--output", type=Path, default=STUB_PATH, help=f"the stub file [default: {STUB_PATH}]")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.output.read_text("utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is stale: run python -m gkparse.model.stubs", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text, "utf-8")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
