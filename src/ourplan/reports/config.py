"""The YAML description of an evaluation report, read and checked with clear errors.

A report config names the data file, the column holding the site (or team), the measures
with their items and subscales, and the options for the analyses.  ``docs/reports.md``
describes every key; the shipped ``data/demo_report.yaml`` is a complete example.

Scoring rule (used by :mod:`ourplan.reports.evaluation`): a respondent's score on a scale
or subscale is the mean of the items they answered, after reverse-keying, when at least
``min_answered`` (default 0.5) of the items were answered; otherwise the score is missing.
``scoring: sum`` reports that mean times the number of items (a total prorated for the
missing answers), so totals keep the instrument's published range.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ourplan.analysis.tables import SUPPORTED

SCORINGS = ("mean", "sum")
COVARIATE_KINDS = ("auto", "numeric", "categorical")
CORRELATION_METHODS = ("pearson", "spearman")
CHART_CHOICES = ("totals", "significant", "all", "none")
DEFAULT_MIN_ANSWERED = 0.5
DEFAULT_TOP_K = 5
DEFAULT_ALPHA = 0.05
DEFAULT_TITLE = "Service evaluation report"

_TOP_KEYS = (
    "title",
    "description",
    "data",
    "site_column",
    "site_label",
    "measures",
    "covariates",
    "correlations",
    "top_items",
    "alpha",
    "welch",
    "charts",
)
_MEASURE_KEYS = (
    "id",
    "name",
    "items",
    "item_prefix",
    "subscales",
    "scale",
    "reverse",
    "missing_codes",
    "scoring",
    "min_answered",
)
_COVARIATE_KEYS = ("column", "label", "type")
_CORRELATION_KEYS = ("method", "pairs", "by_site")
_TOP_ITEMS_KEYS = ("k", "measures")


class ConfigError(ValueError):
    """A report config that cannot be used, with a message fit to show a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Subscale:
    """A named subset of a measure's items, scored like the measure."""

    name: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Measure:
    """One questionnaire: its items (or their column prefix), subscales and scoring."""

    id: str
    name: str
    items: tuple[str, ...]
    item_prefix: str | None
    subscales: tuple[Subscale, ...]
    scale: tuple[float, float] | None
    reverse: tuple[str, ...]
    missing_codes: tuple[float, ...]
    scoring: str
    min_answered: float

    def resolve_items(self, columns: Sequence[str]) -> tuple[str, ...]:
        """The measure's item columns, in data order when given by prefix."""
        if not self.item_prefix:
            return self.items
        found = tuple(c for c in columns if c.startswith(self.item_prefix))
        if not found:
            raise ConfigError(
                f"Measure {self.name!r}: no column in the data starts with the item prefix "
                f"{self.item_prefix!r}."
            )
        return found

    def subscale(self, name: str) -> Subscale | None:
        """The subscale called ``name`` (any case), if there is one."""
        wanted = name.strip().casefold()
        return next((s for s in self.subscales if s.name.casefold() == wanted), None)


@dataclass(frozen=True)
class Covariate:
    """A column the adjusted analysis (ANCOVA) adjusts for."""

    column: str
    label: str
    kind: str


@dataclass(frozen=True)
class ScoreRef:
    """A score named in the config: a measure's total or one of its subscales."""

    measure: str
    subscale: str | None

    @property
    def key(self) -> str:
        """The score's column name in the scores table."""
        return score_key(self.measure, self.subscale)


@dataclass(frozen=True)
class CorrelationOptions:
    """Which pairs of scores to correlate, how, and whether also within each site."""

    method: str
    pairs: tuple[tuple[ScoreRef, ScoreRef], ...]
    by_site: bool


@dataclass(frozen=True)
class TopItemsOptions:
    """Rank each site's ``k`` highest-scoring items on the listed measures."""

    k: int
    measures: tuple[str, ...]


@dataclass(frozen=True)
class ReportConfig:
    """A checked report config; ``data`` is an absolute path."""

    title: str
    description: str | None
    data: Path
    site_column: str
    site_label: str
    measures: tuple[Measure, ...]
    covariates: tuple[Covariate, ...]
    correlations: CorrelationOptions | None
    top_items: TopItemsOptions | None
    alpha: float
    welch: bool
    charts: str

    def measure(self, measure_id: str) -> Measure:
        """The measure with this id."""
        return next(m for m in self.measures if m.id == measure_id)


def score_key(measure: str, subscale: str | None) -> str:
    """Column name of a score: ``rsa`` for a total, ``rsa/Life goals`` for a subscale."""
    return measure if subscale is None else f"{measure}/{subscale}"


def load_config(path: str | Path) -> ReportConfig:
    """Read and check a YAML report config; relative paths are taken from its folder."""
    file = Path(path)
    if not file.is_file():
        raise ConfigError(f"No such config file: {file}.")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"The config file {file.name} is not UTF-8 text.") from None
    except OSError as error:
        raise ConfigError(f"Cannot read the config file {file}: {error.strerror}.") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        where = ""
        mark = getattr(error, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 1}, column {mark.column + 1}"
        problem = getattr(error, "problem", None) or "it could not be parsed"
        raise ConfigError(
            f"The config file {file.name} is not valid YAML{where}: {problem}."
        ) from None
    return parse_config(raw, base_dir=file.resolve().parent)


def parse_config(raw: Any, base_dir: Path) -> ReportConfig:
    """Check a parsed YAML document and build the config."""
    if raw is None:
        raise ConfigError(
            "The config file is empty; it needs at least data, site_column and measures."
        )
    top = _mapping(raw, "The config")
    _check_keys(top, _TOP_KEYS, "the config")
    for key in ("data", "site_column", "measures"):
        if key not in top or top[key] in (None, "", []):
            raise ConfigError(f"The config needs {key!r}; see docs/reports.md for an example.")
    measures = _measures(top["measures"])
    covariates = _covariates(top.get("covariates"))
    site_column = _text(top["site_column"], "site_column")
    clash = [c.column for c in covariates if c.column == site_column]
    if clash:
        raise ConfigError(f"The site column {site_column!r} cannot also be a covariate.")
    return ReportConfig(
        title=_text(top.get("title", DEFAULT_TITLE), "title"),
        description=_optional_text(top.get("description"), "description"),
        data=_data_path(top["data"], base_dir),
        site_column=site_column,
        site_label=_text(top.get("site_label", "Site"), "site_label"),
        measures=measures,
        covariates=covariates,
        correlations=_correlations(top.get("correlations"), measures),
        top_items=_top_items(top.get("top_items"), measures),
        alpha=_alpha(top.get("alpha", DEFAULT_ALPHA)),
        welch=_flag(top.get("welch", False), "welch"),
        charts=_choice(top.get("charts", "significant"), CHART_CHOICES, "charts"),
    )


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{what} must be a mapping of keys to values (key: value lines).")
    return value


def _check_keys(mapping: Mapping[str, Any], allowed: Sequence[str], where: str) -> None:
    for key in mapping:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ConfigError(
                f"Unknown key {key!r} in {where}.{hint} Allowed keys: {', '.join(allowed)}."
            )


def _text(value: Any, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ConfigError(f"{what} must be text.")
    text = str(value).strip()
    if not text:
        raise ConfigError(f"{what} must not be empty.")
    return text


def _optional_text(value: Any, what: str) -> str | None:
    return None if value is None else _text(value, what)


def _flag(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{what} must be true or false.")
    return value


def _choice(value: Any, choices: Sequence[str], what: str) -> str:
    text = value.strip().lower() if isinstance(value, str) else None
    if text is None or text not in choices:
        raise ConfigError(f"{what} must be one of {', '.join(choices)} (got {value!r}).")
    return text


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(f"{what} must be a number (got {value!r}).")
    return float(value)


def _alpha(value: Any) -> float:
    alpha = _number(value, "alpha")
    if not 0.0 < alpha < 0.5:
        raise ConfigError(
            f"alpha is the significance level and must be between 0 and 0.5 (got {value})."
        )
    return alpha


def _data_path(value: Any, base_dir: Path) -> Path:
    text = _text(value, "data")
    path = Path(text).expanduser()
    if not path.is_absolute():
        path = base_dir / path
    if path.suffix.lower() not in SUPPORTED:
        raise ConfigError(f"The data file {path.name} must be a .csv, .xlsx or .sav file.")
    if not path.is_file():
        raise ConfigError(f"The data file does not exist: {path}.")
    return path


def _names(value: Any, what: str) -> tuple[str, ...]:
    """A list of column names; YAML numbers are taken as their text."""
    if isinstance(value, str) or not isinstance(value, Iterable) or isinstance(value, Mapping):
        raise ConfigError(f"{what} must be a list, written [A, B] or as '- A' lines.")
    names = tuple(_text(v, what) for v in value)
    if not names:
        raise ConfigError(f"{what} must not be empty.")
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ConfigError(f"{what} lists {name!r} more than once.")
        seen.add(name)
    return names


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_") or "measure"


def _measures(value: Any) -> tuple[Measure, ...]:
    if isinstance(value, Mapping) or not isinstance(value, list):
        raise ConfigError("measures must be a list, one '- name: …' entry per measure.")
    measures = tuple(_measure(entry, i + 1) for i, entry in enumerate(value))
    ids = [m.id for m in measures]
    for measure_id in ids:
        if ids.count(measure_id) > 1:
            raise ConfigError(f"Two measures have the id {measure_id!r}; give each a different id.")
    return measures


def _measure(raw: Any, position: int) -> Measure:
    entry = _mapping(raw, f"Measure {position}")
    where = f"measure {position}"
    _check_keys(entry, _MEASURE_KEYS, where)
    if "name" not in entry:
        raise ConfigError(f"Measure {position} needs a name.")
    name = _text(entry["name"], f"The name of {where}")
    label = f"Measure {name!r}"
    measure_id = _text(entry.get("id", _slug(name)), f"{label}: id")
    if "/" in measure_id:
        raise ConfigError(f"{label}: the id must not contain '/'.")
    has_items, has_prefix = "items" in entry, "item_prefix" in entry
    if has_items == has_prefix:
        raise ConfigError(
            f"{label} needs either items (a list of columns) or item_prefix, not both."
        )
    items = _names(entry["items"], f"{label}: items") if has_items else ()
    prefix = _text(entry["item_prefix"], f"{label}: item_prefix") if has_prefix else None
    scale = _scale(entry.get("scale"), label)
    reverse = _names(entry["reverse"], f"{label}: reverse") if entry.get("reverse") else ()
    if reverse and scale is None:
        raise ConfigError(
            f"{label} reverse-keys items, so it needs scale: [lowest, highest] to reverse them."
        )
    missing_codes: tuple[float, ...] = ()
    if entry.get("missing_codes") is not None:
        codes = entry["missing_codes"]
        if not isinstance(codes, list):
            raise ConfigError(f"{label}: missing_codes must be a list of numbers, e.g. [9, 99].")
        missing_codes = tuple(_number(c, f"{label}: missing_codes") for c in codes)
    min_answered = _number(
        entry.get("min_answered", DEFAULT_MIN_ANSWERED), f"{label}: min_answered"
    )
    if not 0.0 < min_answered <= 1.0:
        raise ConfigError(
            f"{label}: min_answered is the share of items that must be answered, between 0 "
            f"and 1 (write 50% as 0.5); got {min_answered:g}."
        )
    subscales = _subscales(entry.get("subscales"), label)
    if items:
        known = set(items)
        for subscale in subscales:
            _check_subset(subscale.items, known, f"{label}, subscale {subscale.name!r}")
        _check_subset(reverse, known, f"{label}: reverse")
    return Measure(
        id=measure_id,
        name=name,
        items=items,
        item_prefix=prefix,
        subscales=subscales,
        scale=scale,
        reverse=reverse,
        missing_codes=missing_codes,
        scoring=_choice(entry.get("scoring", "mean"), SCORINGS, f"{label}: scoring"),
        min_answered=min_answered,
    )


def check_items_known(measure: Measure, items: Sequence[str]) -> None:
    """Raise if a subscale or reverse-keyed item is not one of the measure's items."""
    known = set(items)
    label = f"Measure {measure.name!r}"
    for subscale in measure.subscales:
        _check_subset(subscale.items, known, f"{label}, subscale {subscale.name!r}")
    _check_subset(measure.reverse, known, f"{label}: reverse")


def _check_subset(names: Sequence[str], known: set[str], what: str) -> None:
    stray = [n for n in names if n not in known]
    if stray:
        raise ConfigError(f"{what}: {', '.join(stray)} is not one of the measure's items.")


def _scale(value: Any, label: str) -> tuple[float, float] | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 2:
        raise ConfigError(f"{label}: scale must be [lowest, highest], e.g. [1, 5].")
    low, high = (_number(v, f"{label}: scale") for v in value)
    if low >= high:
        raise ConfigError(f"{label}: scale must be [lowest, highest] with lowest below highest.")
    return (low, high)


def _subscales(value: Any, label: str) -> tuple[Subscale, ...]:
    if value is None:
        return ()
    subscales = _mapping(value, f"{label}: subscales")
    out = []
    for name, items in subscales.items():
        title = _text(name, f"{label}: subscale name")
        if "/" in title:
            raise ConfigError(f"{label}: subscale name {title!r} must not contain '/'.")
        out.append(Subscale(title, _names(items, f"{label}, subscale {title!r}")))
    folded = [s.name.casefold() for s in out]
    if len(set(folded)) != len(folded):
        raise ConfigError(f"{label}: two subscales have the same name.")
    return tuple(out)


def _covariates(value: Any) -> tuple[Covariate, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ConfigError(
            "covariates must be a list of column names (or column/label/type entries)."
        )
    out = []
    for position, entry in enumerate(value, start=1):
        if isinstance(entry, Mapping):
            _check_keys(entry, _COVARIATE_KEYS, f"covariate {position}")
            if "column" not in entry:
                raise ConfigError(f"Covariate {position} needs a column.")
            column = _text(entry["column"], f"Covariate {position}: column")
            label = _text(entry.get("label", _readable(column)), f"Covariate {column!r}: label")
            kind = _choice(
                entry.get("type", "auto"), COVARIATE_KINDS, f"Covariate {column!r}: type"
            )
        else:
            column = _text(entry, f"Covariate {position}")
            label, kind = _readable(column), "auto"
        out.append(Covariate(column, label, kind))
    columns = [c.column for c in out]
    if len(set(columns)) != len(columns):
        raise ConfigError("A covariate is listed more than once.")
    return tuple(out)


def _readable(column: str) -> str:
    return column.replace("_", " ").strip()


def _score_ref(value: Any, measures: Sequence[Measure], what: str) -> ScoreRef:
    text = _text(value, what)
    measure_id, _, subscale_name = (part.strip() for part in text.partition("/"))
    by_id = {m.id: m for m in measures}
    measure = by_id.get(measure_id)
    if measure is None:
        raise ConfigError(
            f"{what}: {measure_id!r} is not a measure id; the ids are {', '.join(by_id)}."
        )
    if not subscale_name:
        return ScoreRef(measure.id, None)
    subscale = measure.subscale(subscale_name)
    if subscale is None:
        names = ", ".join(s.name for s in measure.subscales) or "none"
        raise ConfigError(
            f"{what}: measure {measure.id!r} has no subscale {subscale_name!r}; its subscales "
            f"are: {names}."
        )
    return ScoreRef(measure.id, subscale.name)


def _correlations(value: Any, measures: Sequence[Measure]) -> CorrelationOptions | None:
    if value is None or value is False:
        return None
    options: Mapping[str, Any] = (
        {"pairs": value} if isinstance(value, list) else _mapping(value, "correlations")
    )
    _check_keys(options, _CORRELATION_KEYS, "correlations")
    raw_pairs = options.get("pairs")
    if not isinstance(raw_pairs, list) or not raw_pairs:
        raise ConfigError(
            "correlations needs pairs: a list of [score, score], e.g. [rsa, relationship]."
        )
    pairs = []
    for position, pair in enumerate(raw_pairs, start=1):
        what = f"Correlation pair {position}"
        if not isinstance(pair, list) or len(pair) != 2:
            raise ConfigError(f"{what} must be two scores in brackets, e.g. [rsa, relationship].")
        x, y = (_score_ref(v, measures, what) for v in pair)
        if x == y:
            raise ConfigError(f"{what} correlates a score with itself.")
        pairs.append((x, y))
    return CorrelationOptions(
        method=_choice(
            options.get("method", "pearson"), CORRELATION_METHODS, "correlations: method"
        ),
        pairs=tuple(pairs),
        by_site=_flag(options.get("by_site", False), "correlations: by_site"),
    )


def _top_items(value: Any, measures: Sequence[Measure]) -> TopItemsOptions | None:
    if value is None or value is False:
        return None
    options = _mapping(value, "top_items")
    _check_keys(options, _TOP_ITEMS_KEYS, "top_items")
    k_raw = options.get("k", DEFAULT_TOP_K)
    if isinstance(k_raw, bool) or not isinstance(k_raw, int) or k_raw < 1:
        raise ConfigError(f"top_items: k must be a whole number of 1 or more (got {k_raw!r}).")
    ids = tuple(m.id for m in measures)
    chosen = _names(options["measures"], "top_items: measures") if "measures" in options else ids
    for measure_id in chosen:
        if measure_id not in ids:
            raise ConfigError(
                f"top_items: {measure_id!r} is not a measure id; the ids are {', '.join(ids)}."
            )
    return TopItemsOptions(k=k_raw, measures=chosen)


__all__ = [
    "CHART_CHOICES",
    "ConfigError",
    "CorrelationOptions",
    "Covariate",
    "Measure",
    "ReportConfig",
    "ScoreRef",
    "Subscale",
    "TopItemsOptions",
    "check_items_known",
    "load_config",
    "parse_config",
    "score_key",
]
