"""Consent's audited objects in words: for "Who has seen my record", and the supporters' log.

Audit entries keep canonical ids (a supporter view is ``shared_view`` with the parts it
showed, ``"crisis,goals"``). This module turns them into words a person can read, both
as neutral noun phrases (registered with ``core.record_words`` from ``apps.ready``) and
as the sentences of "What they have looked at" on the sharing page:
"Mo Example (carer) saw your crisis plan and goals".
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ourplan.consent.access import SHARED_COPY, SHARED_VIEW
from ourplan.consent.models import SharingAgreement
from ourplan.consent.parts import PART_ORDER, Part, ordered, parts_of_shown_id
from ourplan.core.record_words import describe_objects, register_describer, register_label
from ourplan.people.models import Supporter

# Before one entry per view, each part shown was its own entry: "supporter_home:goals".
_OLD_VIEW_PREFIX = "supporter_home:"
_OLD_COPY_PREFIX = f"{SHARED_COPY}:"

# Each part as it reads after "saw your ...".
_PART_IN_A_SENTENCE = {
    Part.ABOUT_ME: gettext_lazy("‘about me’"),
    Part.GOALS: gettext_lazy("goals"),
    Part.STAYING_WELL: gettext_lazy("staying-well plan"),
    Part.CRISIS: gettext_lazy("crisis plan"),
    Part.SAFETY: gettext_lazy("safety plan"),
    Part.REVIEWS: gettext_lazy("latest review"),
    Part.CONTACTS: gettext_lazy("appointments and contacts"),
    Part.QUESTIONNAIRES: gettext_lazy("questionnaire results"),
}


def _in_a_list(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) < 2:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


_SHARED_VIEW_WORDS = gettext_lazy("What is shared with a supporter")
_SHARED_COPY_WORDS = gettext_lazy("A printed copy of what is shared")


def _describe_shown(heading: Any, nothing: Any) -> Callable[[list[str]], Mapping[str, str]]:
    """Describe ``shown_id``s: "What is shared with a supporter: Crisis plan, Goals and progress"."""

    def describe(ids: list[str]) -> Mapping[str, str]:
        words = {}
        for object_id in ids:
            parts = parts_of_shown_id(object_id)
            labels = ", ".join(str(part.label) for part in parts)
            words[object_id] = f"{heading}: {labels}" if parts else str(nothing)
        return words

    return describe


def _describe_agreements(pattern: Any) -> Callable[[list[str]], Mapping[str, str]]:
    def describe(ids: list[str]) -> Mapping[str, str]:
        agreements = SharingAgreement.objects.filter(pk__in=_uuids(ids)).select_related("supporter")
        return {str(a.pk): str(pattern) % {"name": a.supporter.full_name} for a in agreements}

    return describe


def _describe_carer_support(ids: list[str]) -> Mapping[str, str]:
    return {
        str(s.pk): _("Support for %(name)s as a carer") % {"name": s.full_name}
        for s in Supporter.objects.filter(pk__in=_uuids(ids))
    }


def _uuids(ids: Iterable[str]) -> list[uuid.UUID]:
    """The ids that are UUIDs (an audit id is free text; a query for a malformed one fails)."""
    valid = []
    for object_id in ids:
        try:
            valid.append(uuid.UUID(object_id))
        except ValueError:
            continue
    return valid


def register() -> None:
    """Words for every object type the consent app audits. Called from ``ConsentConfig.ready``."""
    register_label("sharing", gettext_lazy("Network and sharing choices"))
    register_describer(
        "sharing_agreement", _describe_agreements(gettext_lazy("What %(name)s can see"))
    )
    register_describer(
        "sharing_agreement_stopped",
        _describe_agreements(gettext_lazy("Sharing stopped with %(name)s")),
    )
    register_describer(
        "sharing_agreement_revisited",
        _describe_agreements(gettext_lazy("What %(name)s can see, looked at again")),
    )
    register_label("sharing_revisits", gettext_lazy("Sharing choices due to be looked at again"))
    register_label("crisis_agreements", gettext_lazy("What supporters may see in a crisis"))
    register_label("crisis_sharing", gettext_lazy("Crisis sharing switched on"))
    register_label("crisis_sharing_ended", gettext_lazy("Crisis sharing switched off"))
    register_label("contribution", gettext_lazy("Something a supporter told the team"))
    register_label("contributions", gettext_lazy("What supporters have told the team"))
    register_label("contribution_policy", gettext_lazy("Policy on what supporters send"))
    register_label("carer_profile", gettext_lazy("A carer's own needs and support"))
    register_label("carer_check_in", gettext_lazy("A carer's wellbeing check-in"))
    register_describer("carer_support", _describe_carer_support)
    register_describer(
        SHARED_VIEW,
        _describe_shown(
            _SHARED_VIEW_WORDS, gettext_lazy("A supporter's page, with nothing shared")
        ),
    )
    register_describer(
        SHARED_COPY, _describe_shown(_SHARED_COPY_WORDS, gettext_lazy("A printed copy"))
    )
    for code in PART_ORDER:
        label = Part(code).label
        register_label(
            f"{_OLD_VIEW_PREFIX}{code}", format_lazy("{}: {}", _SHARED_VIEW_WORDS, label)
        )
        register_label(
            f"{_OLD_COPY_PREFIX}{code}", format_lazy("{}: {}", _SHARED_COPY_WORDS, label)
        )


# Sentences for "What they have looked at".


@dataclass(frozen=True)
class SupporterViewsDayInWords:
    day: date
    lines: list[str]


@dataclass
class _Seen:
    parts: set[str]
    times: int = 0


def _kind_of(entry: Any) -> tuple[str, list[Part]]:
    """('view' | 'copy' | 'other', the parts the entry names)."""
    object_type, object_id = entry.object_type, entry.object_id
    if object_type == SHARED_VIEW:
        return "view", parts_of_shown_id(object_id)
    if object_type == SHARED_COPY:
        return "copy", parts_of_shown_id(object_id)
    for prefix, kind in ((_OLD_VIEW_PREFIX, "view"), (_OLD_COPY_PREFIX, "copy")):
        if object_type.startswith(prefix):
            return kind, parts_of_shown_id(object_type.removeprefix(prefix))
    return "other", []


def _sentence(who: str, kind: str, parts: list[Part], others: list[str]) -> str:
    shown = _in_a_list([str(_PART_IN_A_SENTENCE[part]) for part in parts])
    if kind == "view" and parts:
        return _("%(who)s saw your %(parts)s") % {"who": who, "parts": shown}
    if kind == "view":
        return _("%(who)s opened their page; nothing of your plan was shared with them") % {
            "who": who
        }
    if kind == "copy":
        return _("%(who)s downloaded a copy of your %(parts)s") % {"who": who, "parts": shown}
    return _("%(who)s looked at: %(what)s") % {"who": who, "what": _in_a_list(others)}


def supporter_view_days(
    days: Iterable[Any], supporters: Iterable[Any]
) -> list[SupporterViewsDayInWords]:
    """Each day's entries as one sentence per supporter and kind of view, newest first."""
    by_user = {supporter.user_id: supporter for supporter in supporters}
    days = list(days)
    others = describe_objects(
        (entry.object_type, entry.object_id)
        for day in days
        for entry in day.entries
        if _kind_of(entry)[0] == "other"
    )
    in_words = []
    for day in days:
        seen: dict[tuple[Any, str], _Seen] = {}
        other_words: dict[Any, list[str]] = {}
        for entry in day.entries:
            kind, parts = _kind_of(entry)
            key = (entry.actor_id, kind)
            seen.setdefault(key, _Seen(parts=set())).times += 1
            seen[key].parts.update(str(part) for part in parts)
            if kind == "other":
                words = others[(entry.object_type, entry.object_id)]
                if words not in other_words.setdefault(entry.actor_id, []):
                    other_words[entry.actor_id].append(words)
        lines = []
        for (actor_id, kind), what in seen.items():
            supporter = by_user.get(actor_id)
            if supporter is None:
                continue
            who = _("%(name)s (%(kind)s)") % {
                "name": supporter.full_name,
                "kind": str(supporter.get_kind_display()).lower(),
            }
            line = _sentence(
                who, kind, ordered(frozenset(what.parts)), other_words.get(actor_id, [])
            )
            if what.times > 1:
                line = ngettext(
                    "%(sentence)s (%(count)d time)", "%(sentence)s (%(count)d times)", what.times
                ) % {"sentence": line, "count": what.times}
            lines.append(line)
        in_words.append(SupporterViewsDayInWords(day.day, lines))
    return in_words
