"""The table models generated from the template data, by name: ``Requests2021``, its row
model ``RequestsRow2021``, its group ``Requests2021_withheld``, … (see
:mod:`gkparse.model.tables`), and ``AnyDisclosure``, ``AnyRequests``, ``AnyAppeals``: the
union of one table's models over the registered templates, which is what
``Report.requests`` holds when it is not None.

The classes are built on first use; looking one up here builds it. This is where pickle
finds them (each class's ``__module__`` is this module), so a report pickled in one process
is read back in another, and where type checkers find them: ``generated.pyi`` beside this
file declares every class of the bundled templates with typed rows and cells
(regenerate it with ``python -m gkparse.model.stubs`` after a template changes).

>>> from gkparse.model.generated import Requests2021
>>> Requests2021().new.total.state.value
'absent'
>>> Requests2021.__module__, Requests2021.__qualname__
('gkparse.model.generated', 'Requests2021')

A template registered at run time (:func:`gkparse.register`) gets classes here too, but in
no stub; a process that reads back its reports must register it first.
"""

from __future__ import annotations

from typing import Any

from .tables import generated_model, generated_names


def __getattr__(name: str) -> Any:
    return generated_model(name)


def __dir__() -> list[str]:
    return generated_names()
