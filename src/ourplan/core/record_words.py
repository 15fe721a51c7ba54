"""What an audited object was, in words a person can read.

Audit entries name objects in canonical form (a type, the object's own id and the
person). Each app registers, for the object types it writes, how to say what they are:
a fixed label ("Crisis plan"), or a function that describes many ids at once (so a page
of entries costs one query per type), e.g. "Goal: ‘Get back to the allotment’". Apps
register from their ``AppConfig.ready()``, so core never imports the apps above it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

DescribeMany = Callable[[list[str]], Mapping[str, str]]

_labels: dict[str, Any] = {}
_describers: dict[str, DescribeMany] = {}


def register_label(object_type: str, label: Any) -> None:
    """Every object of this type reads the same, e.g. ``_("Crisis plan")``."""
    _labels[object_type] = label


def register_describer(object_type: str, describe_many: DescribeMany) -> None:
    """Describe objects of this type by their ids: ``{id: words}``; unknown ids may be left out."""
    _describers[object_type] = describe_many


def is_registered(object_type: str) -> bool:
    return object_type in _labels or object_type in _describers


def describe_objects(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Words for each (object_type, object_id); one call per registered describer."""
    wanted: dict[str, set[str]] = {}
    for object_type, object_id in pairs:
        wanted.setdefault(object_type, set()).add(object_id)
    words: dict[tuple[str, str], str] = {}
    for object_type, ids in wanted.items():
        described: Mapping[str, str] = {}
        if object_type in _describers:
            described = _describers[object_type](sorted(ids))
        fallback = _labels.get(object_type, _("Part of the record"))
        for object_id in ids:
            words[(object_type, object_id)] = str(described.get(object_id, fallback))
    return words
