"""Why someone looked at a person's record, where the reason was recorded somewhere.

The audit log says who looked at what and when, never why. Some reasons are on record
elsewhere: crisis sharing is switched on for a stated reason, and an information
governance lead reads a question to answer it. A reason finder looks at a page of
entries and returns words for the ones it can explain; apps with reasons of their own
(a care-plan audit, say) register a finder from their ``AppConfig.ready()``. Each finder
costs at most one query per page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from ourplan.accounts.models import Role
from ourplan.consent.models import CrisisSharing
from ourplan.core.models import AuditEntry
from ourplan.record_access.models import QUESTION_TYPE

# (person, entries) -> {entry id: why, in words}; entries it cannot explain are left out.
ReasonFinder = Callable[[Any, Sequence[AuditEntry]], Mapping[int, str]]

_finders: list[ReasonFinder] = []


def register_reason_finder(finder: ReasonFinder) -> None:
    if finder not in _finders:
        _finders.append(finder)


def reasons_for(person: Any, entries: Sequence[AuditEntry]) -> dict[int, str]:
    """Why, for each entry some finder can explain; the first finder to explain one wins."""
    found: dict[int, str] = {}
    if not entries:
        return found
    for finder in _finders:
        for entry_id, words in finder(person, entries).items():
            found.setdefault(entry_id, str(words))
    return found


def crisis_sharing_reasons(person: Any, entries: Sequence[AuditEntry]) -> dict[int, str]:
    """A supporter's look while crisis sharing was on is explained by its recorded reason."""
    by_supporters = [entry for entry in entries if entry.actor_role == Role.SUPPORTER]
    if not by_supporters:
        return {}
    earliest = min(entry.at for entry in by_supporters)
    latest = max(entry.at for entry in by_supporters)
    spells = list(
        CrisisSharing.objects.filter(person=person, started_at__lte=latest, ends_at__gt=earliest)
    )
    found: dict[int, str] = {}
    for entry in by_supporters:
        for spell in spells:
            stopped = min(spell.ends_at, spell.ended_at or spell.ends_at)
            if spell.started_at <= entry.at < stopped:
                found[entry.pk] = _("Crisis sharing was switched on: ‘%(reason)s’") % {
                    "reason": spell.reason
                }
                break
    return found


def question_reasons(person: Any, entries: Sequence[AuditEntry]) -> dict[int, str]:
    """An information governance lead reads a question the person asked, to answer it."""
    return {
        entry.pk: _("To answer your question about who has seen your record")
        for entry in entries
        if entry.object_type == QUESTION_TYPE
    }
