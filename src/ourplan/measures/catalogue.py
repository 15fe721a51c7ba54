"""The shipped definitions, and licensed wording files. Pure: no Django.

Definitions live in ``definitions/*.yaml``; the wording of the instruments the project wrote
itself ships in ``definitions/wording/``. An organisation's licensed wording for another
instrument is a file of the same format (docs/measures.md, "Loading licensed wording"):

```yaml
instrument: rsa_person          # must be the instrument it is loaded for
language: en-gb                 # en-gb or cy
holder: Northmoor NHS Trust (licence 2026-14)
preamble: optional words shown above the questions
response_labels: {1: ..., 5: ...}   # optional: the licensed answer labels
reverse: [ITEM, ...]            # only for licensed shells (licensed_key: true)
items:
  rsa_person.01: the licensed wording of that item
```
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ourplan.measures.scoring import Definition, DefinitionError, load_definition

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"
WORDING_DIR = DEFINITIONS_DIR / "wording"
LANGUAGES = ("en-gb", "cy")
_WORDING_KEYS = (
    "instrument",
    "version",
    "language",
    "holder",
    "preamble",
    "response_labels",
    "reverse",
    "items",
)


class WordingError(ValueError):
    """A wording file that cannot be loaded, with a message fit to show a person."""


@lru_cache(maxsize=1)
def shipped_definitions() -> dict[str, Definition]:
    """Every definition shipped with ourplan, by instrument id."""
    found: dict[str, Definition] = {}
    for path in sorted(DEFINITIONS_DIR.glob("*.yaml")):
        definition = load_definition(path)
        if definition.id in found:
            raise DefinitionError(f"Two shipped definitions have the id {definition.id!r}.")
        found[definition.id] = definition
    return found


@dataclass(frozen=True)
class Wording:
    """Item wording for one instrument in one language."""

    instrument: str
    language: str
    holder: str
    preamble: str
    items: Mapping[str, str]
    response_labels: Mapping[int, str]
    reverse: tuple[str, ...]


def parse_wording(raw: Any, definition: Definition, *, where: str = "The wording file") -> Wording:
    """Check a wording file against the definition it is loaded for."""
    if not isinstance(raw, Mapping):
        raise WordingError(f"{where} must be a YAML mapping with instrument, language and items.")
    unknown = [key for key in raw if key not in _WORDING_KEYS]
    if unknown:
        raise WordingError(
            f"{where} has the unknown key {unknown[0]!r}. Allowed keys: {', '.join(_WORDING_KEYS)}."
        )
    instrument = str(raw.get("instrument") or "").strip()
    if instrument != definition.id:
        raise WordingError(
            f"{where} is for the instrument {instrument or '(none given)'!r}, not "
            f"{definition.id!r} ({definition.name}). Nothing was loaded."
        )
    language = str(raw.get("language") or "").strip().lower()
    if language not in LANGUAGES:
        raise WordingError(f"{where}: language must be one of {', '.join(LANGUAGES)}.")
    items = raw.get("items")
    if not isinstance(items, Mapping) or not items:
        raise WordingError(f"{where} needs items: one 'text_key: wording' line per item.")
    keys = {item.text_key for item in definition.items}
    stray = sorted(str(k) for k in items if str(k) not in keys)
    if stray:
        raise WordingError(
            f"{where} has wording for {stray[0]!r}, which is not an item of {definition.id}. "
            "Nothing was loaded."
        )
    missing = sorted(keys - {str(k) for k in items})
    if missing:
        raise WordingError(
            f"{where} has no wording for {', '.join(missing[:5])}"
            f"{' and others' if len(missing) > 5 else ''}. Every item needs its wording."
        )
    texts = {}
    for key, text in items.items():
        if not isinstance(text, str) or not text.strip():
            raise WordingError(f"{where}: the wording of {key} must be text.")
        texts[str(key)] = text.strip()
    labels_raw = raw.get("response_labels") or {}
    if not isinstance(labels_raw, Mapping):
        raise WordingError(f"{where}: response_labels must map answers to labels.")
    labels: dict[int, str] = {}
    for code, text in labels_raw.items():
        if isinstance(code, bool) or not isinstance(code, int) or not isinstance(text, str):
            raise WordingError(f"{where}: response_labels must map whole numbers to text.")
        if not definition.scale.low <= code <= definition.scale.high:
            raise WordingError(f"{where}: the answer {code} is not on the scale.")
        labels[code] = text.strip()
    reverse = raw.get("reverse") or []
    if reverse and not definition.licensed_key:
        raise WordingError(
            f"{where} sets reverse keys, but {definition.id}'s keys are part of its shipped "
            "definition; change the definition instead."
        )
    if not isinstance(reverse, list) or any(r not in definition.item_ids for r in reverse):
        raise WordingError(f"{where}: reverse must list item ids of {definition.id}.")
    if definition.licensed_key and "reverse" not in raw:
        raise WordingError(
            f"{where}: {definition.id} is a licensed shell, so its file must say which items "
            "are reverse-keyed (reverse: [] if none)."
        )
    return Wording(
        instrument=instrument,
        language=language,
        holder=str(raw.get("holder") or "").strip(),
        preamble=str(raw.get("preamble") or "").strip(),
        items=texts,
        response_labels=labels,
        reverse=tuple(str(r) for r in reverse),
    )


def parse_wording_text(text: str, definition: Definition) -> Wording:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError:
        raise WordingError("The wording file is not valid YAML. Nothing was loaded.") from None
    return parse_wording(raw, definition)


@lru_cache(maxsize=1)
def shipped_wording() -> tuple[Wording, ...]:
    """Wording the project wrote itself, for its own instruments."""
    definitions = shipped_definitions()
    out = []
    for path in sorted(WORDING_DIR.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        out.append(parse_wording(raw, definitions[raw["instrument"]], where=path.name))
    return tuple(out)
