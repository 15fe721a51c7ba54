"""Instrument definitions and their scoring. Pure Python and NumPy: no Django here.

A definition is data (``definitions/*.yaml``, the schema in docs/measures.md): the
response scale with its "not applicable" codes, the items by identifier with their
subscales and reverse keys, the scores with their method and answered-share rule,
published reference values and, where the authors publish them, plain-language bands.
Licensed item wording is never part of a definition: items carry a ``text_key`` that an
organisation's own licensed copy fills in.

The scoring rule, for each respondent and each score:

1. An answer equal to one of the scale's ``not_applicable`` codes, the "prefer not to
   answer" code, or a blank, is not answered.
2. Any other answer must lie on the scale (``min`` to ``max``), or scoring refuses the data.
3. A reverse-keyed item is turned round: an answer *x* becomes ``min + max - x``.
4. If at least ``min_answered`` of the score's items were answered (COCAPP used 50%), the
   score is, by ``method``: ``mean`` the mean of the answered items; ``prorated_sum`` that
   mean times the number of items (a total on the published range that a missing answer
   does not pull down); ``sum`` the plain sum of the answered items. Otherwise it is missing.

Scoring a whole table is two matrix products (answered sums and counts for every score at
once), so a million respondents to a 36-item instrument score in well under a second.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

RESPONDENTS = ("person", "carer", "staff")
METHODS = ("mean", "sum", "prorated_sum")
# Tolerance on the answered-share rule, so that 18 of 36 items is exactly 50%.
_SHARE_TOLERANCE = 1e-9
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")

_TOP_KEYS = (
    "id",
    "name",
    "short_name",
    "version",
    "licence",
    "source",
    "respondent",
    "description",
    "response_scale",
    "subscales",
    "items",
    "scores",
    "reference_values",
    "interpretation",
    "licensed_key",
    "key_check",
    "derived_from",
)
_SCALE_KEYS = ("min", "max", "labels", "not_applicable", "prefer_not_to_answer")
_ITEM_KEYS = ("id", "label", "subscales", "reverse", "text_key")
_SUBSCALE_KEYS = ("id", "name")
_SCORE_KEYS = ("id", "name", "items", "method", "min_answered", "description", "higher_is")
_REFERENCE_KEYS = ("score", "mean", "sd", "n", "population", "source", "respondent")
_BAND_KEYS = ("score", "source", "bands")
_BAND_ITEM_KEYS = ("min", "max", "label")


class DefinitionError(ValueError):
    """A definition that cannot be used, with a message fit to show a person."""


class ScoringError(ValueError):
    """Answers that cannot be scored (an answer off the scale), naming where."""

    def __init__(self, message: str, *, row: int | None = None, item: str | None = None) -> None:
        super().__init__(message)
        self.row = row
        self.item = item


@dataclass(frozen=True)
class ResponseScale:
    """The answers an item takes: whole numbers ``low``..``high``, plus codes meaning 'not answered'."""

    low: int
    high: int
    labels: Mapping[int, str]
    not_applicable: tuple[int, ...]
    prefer_not_to_answer: int | None

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(range(self.low, self.high + 1))

    @property
    def missing_codes(self) -> tuple[int, ...]:
        """Every code that means the item was not answered."""
        extra = () if self.prefer_not_to_answer is None else (self.prefer_not_to_answer,)
        return self.not_applicable + extra


@dataclass(frozen=True)
class Item:
    id: str
    label: str
    subscales: tuple[str, ...]
    reverse: bool
    text_key: str


@dataclass(frozen=True)
class Subscale:
    id: str
    name: str


@dataclass(frozen=True)
class ScoreRule:
    """One score: which items, how they combine, and how many must be answered."""

    id: str
    name: str
    items: tuple[str, ...]
    method: str
    min_answered: float
    description: str
    higher_is: str

    def needed(self) -> int:
        """The fewest answered items that give this score."""
        return max(1, math.ceil(self.min_answered * len(self.items) - _SHARE_TOLERANCE))

    def score_range(self, scale: ResponseScale) -> tuple[float, float]:
        if self.method == "mean":
            return (float(scale.low), float(scale.high))
        return (float(scale.low * len(self.items)), float(scale.high * len(self.items)))


@dataclass(frozen=True)
class ReferenceValue:
    score: str
    mean: float
    sd: float | None
    n: int | None
    population: str
    source: str
    respondent: str | None


@dataclass(frozen=True)
class Band:
    low: float
    high: float
    label: str


@dataclass(frozen=True)
class Interpretation:
    score: str
    source: str
    bands: tuple[Band, ...]

    def band_for(self, value: float) -> Band | None:
        return next((b for b in self.bands if b.low <= value <= b.high), None)


@dataclass(frozen=True)
class Definition:
    """A checked instrument definition. ``digest`` identifies this exact content."""

    id: str
    name: str
    short_name: str
    version: str
    licence: str
    source: str
    respondent: str
    description: str
    scale: ResponseScale
    subscales: tuple[Subscale, ...]
    items: tuple[Item, ...]
    scores: tuple[ScoreRule, ...]
    reference_values: tuple[ReferenceValue, ...]
    interpretation: tuple[Interpretation, ...]
    licensed_key: bool
    key_check: str
    derived_from: str
    digest: str
    raw: Mapping[str, Any] = field(repr=False, compare=False, hash=False)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    def item(self, item_id: str) -> Item:
        return next(i for i in self.items if i.id == item_id)

    def score(self, score_id: str) -> ScoreRule:
        return next(s for s in self.scores if s.id == score_id)

    def subscale_name(self, subscale_id: str) -> str:
        return next((s.name for s in self.subscales if s.id == subscale_id), subscale_id)

    def reverse_items(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items if item.reverse)

    def references_for(self, score_id: str) -> tuple[ReferenceValue, ...]:
        return tuple(r for r in self.reference_values if r.score == score_id)

    def interpretation_for(self, score_id: str) -> Interpretation | None:
        return next((i for i in self.interpretation if i.score == score_id), None)

    def with_reverse_keys(self, reverse: Iterable[str]) -> Definition:
        """The definition with these items reverse-keyed (a licensed key loaded for a shell)."""
        wanted = set(reverse)
        unknown = wanted - set(self.item_ids)
        if unknown:
            raise DefinitionError(
                f"{', '.join(sorted(unknown))} is not an item of {self.name} ({self.id})."
            )
        items = tuple(
            Item(i.id, i.label, i.subscales, i.id in wanted, i.text_key) for i in self.items
        )
        return Definition(**{**self.__dict__, "items": items})


# ----------------------------------------------------------------------------- parsing


def definition_digest(raw: Mapping[str, Any]) -> str:
    """A stable hash of a definition's content (key order and YAML layout do not matter)."""
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_definition(path: str | Path) -> Definition:
    """Read and check a YAML definition file."""
    file = Path(path)
    if not file.is_file():
        raise DefinitionError(f"No such definition file: {file}.")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DefinitionError(f"The definition {file.name} is not UTF-8 text.") from None
    return parse_definition_text(text, where=file.name)


def parse_definition_text(text: str, *, where: str = "the definition") -> Definition:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        raise DefinitionError(f"{where} is not valid YAML{at}.") from None
    return parse_definition(raw, where=where)


def parse_definition(raw: Any, *, where: str = "the definition") -> Definition:
    """Check a parsed definition and build it; every problem names where it is."""
    top = _mapping(raw, where)
    _check_keys(top, _TOP_KEYS, where)
    for key in ("id", "name", "version", "licence", "source", "respondent", "response_scale"):
        if key not in top or top[key] in (None, ""):
            raise DefinitionError(f"{where} needs {key!r}.")
    if "items" not in top or not top["items"]:
        raise DefinitionError(f"{where} needs 'items', a list with at least one item.")
    if "scores" not in top or not top["scores"]:
        raise DefinitionError(f"{where} needs 'scores', a list with at least one score.")
    instrument_id = _identifier(top["id"], f"{where}: id")
    respondent = _text(top["respondent"], f"{where}: respondent")
    if respondent not in RESPONDENTS:
        raise DefinitionError(
            f"{where}: respondent must be one of {', '.join(RESPONDENTS)} (got {respondent!r})."
        )
    scale = _scale(top["response_scale"], where)
    subscales = _subscales(top.get("subscales"), where)
    items = _items(top["items"], where, instrument_id)
    known_subscales = {s.id for s in subscales}
    used = {name for item in items for name in item.subscales}
    if subscales:
        stray = sorted(used - known_subscales)
        if stray:
            raise DefinitionError(
                f"{where}: subscale {stray[0]!r} is used by an item but not listed under subscales."
            )
    else:
        subscales = tuple(Subscale(name, name) for name in sorted(used))
    scores = _scores(top["scores"], where, items, subscales)
    score_ids = {s.id for s in scores}
    references = _references(top.get("reference_values"), where, score_ids)
    interpretation = _interpretation(top.get("interpretation"), where, score_ids)
    return Definition(
        id=instrument_id,
        name=_text(top["name"], f"{where}: name"),
        short_name=_text(top.get("short_name", top["name"]), f"{where}: short_name"),
        version=_text(top["version"], f"{where}: version"),
        licence=_text(top["licence"], f"{where}: licence"),
        source=_text(top["source"], f"{where}: source"),
        respondent=respondent,
        description=_optional_text(top.get("description"), f"{where}: description"),
        scale=scale,
        subscales=subscales,
        items=items,
        scores=scores,
        reference_values=references,
        interpretation=interpretation,
        licensed_key=_flag(top.get("licensed_key", False), f"{where}: licensed_key"),
        key_check=_optional_text(top.get("key_check"), f"{where}: key_check"),
        derived_from=_optional_text(top.get("derived_from"), f"{where}: derived_from"),
        digest=definition_digest(top),
        raw=top,
    )


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise DefinitionError(f"{where} must be a mapping of keys to values.")
    return value


def _check_keys(mapping: Mapping[str, Any], allowed: Sequence[str], where: str) -> None:
    for key in mapping:
        if key not in allowed:
            raise DefinitionError(
                f"Unknown key {key!r} in {where}. Allowed keys: {', '.join(allowed)}."
            )


def _text(value: Any, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise DefinitionError(f"{what} must be text.")
    text = str(value).strip()
    if not text:
        raise DefinitionError(f"{what} must not be empty.")
    return text


def _optional_text(value: Any, what: str) -> str:
    return "" if value is None else _text(value, what)


def _identifier(value: Any, what: str) -> str:
    text = _text(value, what)
    if not _ID.match(text):
        raise DefinitionError(
            f"{what} must start with a letter and use only letters, digits, '_', '-' or '.' "
            f"(got {text!r})."
        )
    return text


def _flag(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise DefinitionError(f"{what} must be true or false.")
    return value


def _whole(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DefinitionError(f"{what} must be a whole number (got {value!r}).")
    return value


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DefinitionError(f"{what} must be a number (got {value!r}).")
    return float(value)


def _scale(value: Any, where: str) -> ResponseScale:
    what = f"{where}: response_scale"
    scale = _mapping(value, what)
    _check_keys(scale, _SCALE_KEYS, what)
    low = _whole(scale.get("min"), f"{what}: min")
    high = _whole(scale.get("max"), f"{what}: max")
    if low >= high:
        raise DefinitionError(f"{what}: min must be below max.")
    labels_raw = scale.get("labels") or {}
    if not isinstance(labels_raw, Mapping):
        raise DefinitionError(f"{what}: labels must map answers to their labels.")
    # Keys are whole numbers; stored as JSON they come back as text ("1"), which is fine.
    labels = {
        _whole(
            int(k) if isinstance(k, str) and k.lstrip("-").isdigit() else k, f"{what}: labels"
        ): _text(v, f"{what}: labels")
        for k, v in labels_raw.items()
    }
    for code in labels:
        if not low <= code <= high:
            raise DefinitionError(f"{what}: label for {code}, which is not on the scale.")
    not_applicable = tuple(
        _whole(c, f"{what}: not_applicable") for c in (scale.get("not_applicable") or [])
    )
    declined_raw = scale.get("prefer_not_to_answer")
    declined = (
        None if declined_raw is None else _whole(declined_raw, f"{what}: prefer_not_to_answer")
    )
    for code in (*not_applicable, *(() if declined is None else (declined,))):
        if low <= code <= high:
            raise DefinitionError(
                f"{what}: the code {code} means 'not answered' but is also on the scale."
            )
    return ResponseScale(low, high, labels, not_applicable, declined)


def _subscales(value: Any, where: str) -> tuple[Subscale, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise DefinitionError(f"{where}: subscales must be a list of id/name entries.")
    out = []
    for position, entry in enumerate(value, start=1):
        what = f"{where}: subscale {position}"
        mapping = _mapping(entry, what)
        _check_keys(mapping, _SUBSCALE_KEYS, what)
        out.append(
            Subscale(
                _identifier(mapping.get("id"), f"{what}: id"),
                _text(mapping.get("name"), f"{what}: name"),
            )
        )
    ids = [s.id for s in out]
    if len(set(ids)) != len(ids):
        raise DefinitionError(f"{where}: two subscales have the same id.")
    return tuple(out)


def _items(value: Any, where: str, instrument_id: str) -> tuple[Item, ...]:
    if not isinstance(value, list):
        raise DefinitionError(f"{where}: items must be a list.")
    items = []
    for position, entry in enumerate(value, start=1):
        what = f"{where}: item {position}"
        mapping = _mapping(entry, what)
        _check_keys(mapping, _ITEM_KEYS, what)
        item_id = _identifier(mapping.get("id"), f"{what}: id")
        subscales = mapping.get("subscales") or []
        if not isinstance(subscales, list):
            raise DefinitionError(f"{what}: subscales must be a list.")
        items.append(
            Item(
                id=item_id,
                label=_text(mapping.get("label"), f"{what} ({item_id}): label"),
                subscales=tuple(_identifier(s, f"{what}: subscale") for s in subscales),
                reverse=_flag(mapping.get("reverse", False), f"{what} ({item_id}): reverse"),
                text_key=_text(
                    mapping.get("text_key", f"{instrument_id}.{item_id}"),
                    f"{what} ({item_id}): text_key",
                ),
            )
        )
    ids = [i.id for i in items]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise DefinitionError(f"{where}: the item id {duplicates[0]!r} is used twice.")
    keys = [i.text_key for i in items]
    if len(set(keys)) != len(keys):
        raise DefinitionError(f"{where}: two items share a text_key.")
    return tuple(items)


def _scores(
    value: Any, where: str, items: tuple[Item, ...], subscales: tuple[Subscale, ...]
) -> tuple[ScoreRule, ...]:
    if not isinstance(value, list):
        raise DefinitionError(f"{where}: scores must be a list.")
    all_ids = tuple(i.id for i in items)
    by_subscale = {s.id: tuple(i.id for i in items if s.id in i.subscales) for s in subscales}
    out = []
    for position, entry in enumerate(value, start=1):
        what = f"{where}: score {position}"
        mapping = _mapping(entry, what)
        _check_keys(mapping, _SCORE_KEYS, what)
        score_id = _identifier(mapping.get("id"), f"{what}: id")
        what = f"{where}: score {score_id!r}"
        chosen = mapping.get("items", "all")
        name_default = score_id
        if chosen == "all":
            score_items = all_ids
        elif isinstance(chosen, str):
            if chosen not in by_subscale:
                raise DefinitionError(
                    f"{what}: items names {chosen!r}, which is neither 'all' nor a subscale."
                )
            score_items = by_subscale[chosen]
            name_default = next(s.name for s in subscales if s.id == chosen)
        elif isinstance(chosen, list) and chosen:
            score_items = tuple(_text(i, f"{what}: items") for i in chosen)
            stray = [i for i in score_items if i not in all_ids]
            if stray:
                raise DefinitionError(f"{what}: {stray[0]!r} is not one of the items.")
        else:
            raise DefinitionError(f"{what}: items must be 'all', a subscale id or a list of items.")
        if not score_items:
            raise DefinitionError(f"{what}: no item belongs to it.")
        method = _text(mapping.get("method", "mean"), f"{what}: method")
        if method not in METHODS:
            raise DefinitionError(f"{what}: method must be one of {', '.join(METHODS)}.")
        share = _number(mapping.get("min_answered", 0.5), f"{what}: min_answered")
        if not 0.0 < share <= 1.0:
            raise DefinitionError(
                f"{what}: min_answered is a share of the items, above 0 and at most 1 "
                f"(write 50% as 0.5)."
            )
        higher_is = _optional_text(mapping.get("higher_is"), f"{what}: higher_is") or "better"
        if higher_is not in ("better", "worse"):
            raise DefinitionError(f"{what}: higher_is must be 'better' or 'worse'.")
        out.append(
            ScoreRule(
                id=score_id,
                name=_text(mapping.get("name", name_default), f"{what}: name"),
                items=score_items,
                method=method,
                min_answered=share,
                description=_optional_text(mapping.get("description"), f"{what}: description"),
                higher_is=higher_is,
            )
        )
    ids = [s.id for s in out]
    if len(set(ids)) != len(ids):
        raise DefinitionError(f"{where}: two scores have the same id.")
    return tuple(out)


def _references(value: Any, where: str, score_ids: set[str]) -> tuple[ReferenceValue, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise DefinitionError(f"{where}: reference_values must be a list.")
    out = []
    for position, entry in enumerate(value, start=1):
        what = f"{where}: reference value {position}"
        mapping = _mapping(entry, what)
        _check_keys(mapping, _REFERENCE_KEYS, what)
        score = _text(mapping.get("score"), f"{what}: score")
        if score not in score_ids:
            raise DefinitionError(f"{what}: {score!r} is not one of the scores.")
        sd = mapping.get("sd")
        n = mapping.get("n")
        out.append(
            ReferenceValue(
                score=score,
                mean=_number(mapping.get("mean"), f"{what}: mean"),
                sd=None if sd is None else _number(sd, f"{what}: sd"),
                n=None if n is None else _whole(n, f"{what}: n"),
                population=_optional_text(mapping.get("population"), f"{what}: population"),
                source=_text(mapping.get("source"), f"{what}: source"),
                respondent=_optional_text(mapping.get("respondent"), f"{what}: respondent") or None,
            )
        )
    return tuple(out)


def _interpretation(value: Any, where: str, score_ids: set[str]) -> tuple[Interpretation, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise DefinitionError(f"{where}: interpretation must be a list.")
    out = []
    for position, entry in enumerate(value, start=1):
        what = f"{where}: interpretation {position}"
        mapping = _mapping(entry, what)
        _check_keys(mapping, _BAND_KEYS, what)
        score = _text(mapping.get("score"), f"{what}: score")
        if score not in score_ids:
            raise DefinitionError(f"{what}: {score!r} is not one of the scores.")
        bands_raw = mapping.get("bands")
        if not isinstance(bands_raw, list) or not bands_raw:
            raise DefinitionError(f"{what}: bands must be a list of min/max/label entries.")
        bands = []
        for band in bands_raw:
            band_map = _mapping(band, f"{what}: band")
            _check_keys(band_map, _BAND_ITEM_KEYS, f"{what}: band")
            bands.append(
                Band(
                    _number(band_map.get("min"), f"{what}: band min"),
                    _number(band_map.get("max"), f"{what}: band max"),
                    _text(band_map.get("label"), f"{what}: band label"),
                )
            )
        out.append(
            Interpretation(score, _text(mapping.get("source"), f"{what}: source"), tuple(bands))
        )
    return tuple(out)


# ----------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class ScoreTable:
    """Every respondent's scores: ``values[score_id]`` (NaN when missing) and ``answered``."""

    score_ids: tuple[str, ...]
    values: Mapping[str, FloatArray]
    answered: Mapping[str, IntArray]


@dataclass(frozen=True)
class ScoreValue:
    """One respondent's score: None when too few items were answered."""

    value: float | None
    answered: int
    n_items: int


def keyed_answers(
    definition: Definition, answers: npt.ArrayLike, *, first_row: int = 0
) -> FloatArray:
    """Answers as floats, columns in the definition's item order: missing codes become NaN,
    reverse-keyed items are turned round, and any answer off the scale is refused.

    ``first_row`` is the row number of the first row, for the message naming a bad answer.
    """
    matrix = np.array(answers, dtype=np.float64, copy=True)
    if matrix.ndim != 2 or matrix.shape[1] != len(definition.items):
        raise ScoringError(
            f"Expected one column per item of {definition.id} ({len(definition.items)} columns)."
        )
    scale = definition.scale
    for code in scale.missing_codes:
        np.copyto(matrix, np.nan, where=matrix == code)
    # NaN (not answered) fails every comparison, so it is never off the scale. (Rounding is
    # the fast test of a whole number: floor and mod are several times slower.)
    off_scale = (matrix < scale.low) | (matrix > scale.high)
    off_scale |= (np.rint(matrix) != matrix) & (matrix == matrix)
    if off_scale.any():
        row, column = (int(i[0]) for i in np.nonzero(off_scale))
        item = definition.items[column].id
        raise ScoringError(
            f"{item} has the answer {matrix[row, column]:g} in row {first_row + row + 1}; the "
            f"scale of {definition.id} runs from {scale.low} to {scale.high}"
            + (
                f", and {', '.join(str(c) for c in scale.missing_codes)} mean not answered."
                if scale.missing_codes
                else "."
            ),
            row=first_row + row,
            item=item,
        )
    reverse = [i for i, item in enumerate(definition.items) if item.reverse]
    if reverse:
        matrix[:, reverse] = (scale.low + scale.high) - matrix[:, reverse]
    return matrix


# Rows scored at a time: bounds the working memory (a few arrays of this many rows × items)
# whatever the size of the table.
CHUNK_ROWS = 131_072


def _score_weights(definition: Definition) -> FloatArray:
    """Items × scores: 1 where an item belongs to a score."""
    position = {item.id: i for i, item in enumerate(definition.items)}
    weights = np.zeros((len(definition.items), len(definition.scores)))
    for column, rule in enumerate(definition.scores):
        for item_id in rule.items:
            weights[position[item_id], column] = 1.0
    return weights


def score_matrix(definition: Definition, answers: npt.ArrayLike) -> ScoreTable:
    """Score every row of ``answers`` (respondents × items, in the definition's item order)."""
    table = np.asarray(answers, dtype=np.float64)
    if table.ndim != 2 or table.shape[1] != len(definition.items):
        raise ScoringError(
            f"Expected one column per item of {definition.id} ({len(definition.items)} columns)."
        )
    rows = table.shape[0]
    weights32 = _score_weights(definition).astype(np.float32)
    sums = np.empty((rows, len(definition.scores)))
    counts = np.empty((rows, len(definition.scores)))
    for start in range(0, rows, CHUNK_ROWS):
        keyed = keyed_answers(definition, table[start : start + CHUNK_ROWS], first_row=start)
        missing = np.isnan(keyed)
        filled = keyed.astype(np.float32)
        np.copyto(filled, np.float32(0), where=missing)
        present = (~missing).astype(np.float32)
        # Two matrix products give every score's answered sum and count at once. Single
        # precision is exact here (whole numbers, sums far below 2**24) and twice as fast.
        sums[start : start + CHUNK_ROWS] = filled @ weights32
        counts[start : start + CHUNK_ROWS] = present @ weights32
    values: dict[str, FloatArray] = {}
    answered: dict[str, IntArray] = {}
    for column, rule in enumerate(definition.scores):
        count = counts[:, column]
        k = len(rule.items)
        # The answered-share rule: a score from too few answers would mostly reflect which
        # items happened to be answered.
        enough = (count >= rule.min_answered * k - _SHARE_TOLERANCE) & (count > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = sums[:, column] / count
        if rule.method == "mean":
            value = mean
        elif rule.method == "prorated_sum":
            value = mean * k
        else:
            value = sums[:, column].copy()
        values[rule.id] = np.where(enough, value, np.nan)
        answered[rule.id] = count.astype(np.int64)
    return ScoreTable(tuple(s.id for s in definition.scores), values, answered)


def answers_row(definition: Definition, answers: Mapping[str, Any]) -> list[float]:
    """One respondent's stored answers (item id → number, "na", "declined" or absent) as a row."""
    row = []
    for item in definition.items:
        value = answers.get(item.id)
        if isinstance(value, bool) or not isinstance(value, int | float):
            row.append(math.nan)
        else:
            row.append(float(value))
    return row


def score_response(definition: Definition, answers: Mapping[str, Any]) -> dict[str, ScoreValue]:
    """Score one respondent's answers (the same rule as :func:`score_matrix`)."""
    table = score_matrix(definition, [answers_row(definition, answers)])
    out = {}
    for rule in definition.scores:
        value = float(table.values[rule.id][0])
        out[rule.id] = ScoreValue(
            None if math.isnan(value) else value, int(table.answered[rule.id][0]), len(rule.items)
        )
    return out


def reverse_answer(scale: ResponseScale, value: float) -> float:
    """An answer turned round on its scale (applying it twice gives the answer back)."""
    return (scale.low + scale.high) - value


__all__ = [
    "METHODS",
    "RESPONDENTS",
    "Band",
    "Definition",
    "DefinitionError",
    "Interpretation",
    "Item",
    "ReferenceValue",
    "ResponseScale",
    "ScoreRule",
    "ScoreTable",
    "ScoreValue",
    "ScoringError",
    "Subscale",
    "answers_row",
    "definition_digest",
    "keyed_answers",
    "load_definition",
    "parse_definition",
    "parse_definition_text",
    "reverse_answer",
    "score_matrix",
    "score_response",
]
