"""Parts of the record that apps above consent hold, and how a supporter is shown them.

Most shareable parts are the plan's (``queries.shared_content`` reads them). Appointments
and contacts belong to care coordination, which sits above consent in the layers, so it
registers, from its ``AppConfig.ready()``, a loader and a template for its part here.
Consent still decides, on every request, whether the part is shared at all
(``access.sharing_for``); a loader is called only for a part that is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ourplan.people.models import Person

# person -> what the part's template shows (the loader reads only that person's part).
PartLoader = Callable[[Person], Any]


@dataclass(frozen=True)
class PartContent:
    template: str
    loader: PartLoader


_registered: dict[str, PartContent] = {}


def register_part_content(part: str, *, loader: PartLoader, template: str) -> None:
    """``part`` (a ``parts.Part`` code) is held by another app: load it with ``loader`` and
    show it with ``template``, which gets the loaded value as ``shared``."""
    _registered[str(part)] = PartContent(template=template, loader=loader)


def registered_parts() -> frozenset[str]:
    return frozenset(_registered)


def load(parts: frozenset[str], person: Person) -> dict[str, dict[str, Any]]:
    """``{part: {"template": ..., "content": ...}}`` for the registered parts among ``parts``."""
    return {
        part: {"template": held.template, "content": held.loader(person)}
        for part, held in _registered.items()
        if part in parts
    }
