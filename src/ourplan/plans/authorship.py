"""Who wrote the words in a plan, told from what was recorded when they were saved.

Every save of a worded field adds a ``Wording`` (services._record_wordings): who saved it,
their role, the voice they recorded (their own words, the person's words as the person
said them, or written together, the last two with the person there), and later whether
the person confirmed them. The line a page shows is derived from those facts alone:

- "In Ada's own words": Ada wrote the current text, or staff recorded it as Ada said it
  with Ada there and Ada then confirmed it.
- "Written together by Ada and Grace Osei, care coordinator": both were recorded as there
  and both confirmed (Grace by saving it as written together, Ada afterwards).
- "Changed by Grace Osei, care coordinator, from Ada's words": someone else replaced words
  that were Ada's; Ada is told, and can put her words back in one action.
- Otherwise the words are the writer's: "Written by Grace Osei, care coordinator", or
  recorded as said (or together) and not yet confirmed, which is said as such.

This is the only place that says "own words" or "written together" about a plan's
contents (tests/plans/test_authorship.py fails any template that says it itself).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from ourplan.accounts.models import Role
from ourplan.plans.models import AuthoredPart, Voice, Wording


def role_words(role: str) -> str:
    """A role as it reads inside a sentence: "care coordinator", "clinician"."""
    try:
        label = str(Role(role).label)
    except ValueError:
        return ""
    return label[:1].lower() + label[1:]


@dataclass(frozen=True)
class WordingFacts:
    """What was recorded about the current words of one field: plain data, kept in versions."""

    voice: str
    by_name: str
    by_role: str
    written_at: str
    confirmed_at: str
    changed_from_person: bool

    @classmethod
    def of(cls, wording: Wording) -> WordingFacts:
        return cls(
            voice=wording.voice,
            by_name=wording.written_by.display_name,
            by_role=wording.written_by_role,
            written_at=wording.written_at.isoformat(),
            confirmed_at=wording.person_confirmed_at.isoformat()
            if wording.person_confirmed_at
            else "",
            # Staff words that replaced the person's: true until the person writes,
            # confirms or restores again.
            changed_from_person=wording.replaced_person_wording_id is not None
            and not wording.is_persons_words,
        )

    @classmethod
    def from_data(cls, data: dict[str, Any] | None) -> WordingFacts | None:
        if not data:
            return None
        return cls(
            voice=str(data.get("voice", "")),
            by_name=str(data.get("by_name", "")),
            by_role=str(data.get("by_role", "")),
            written_at=str(data.get("written_at", "")),
            confirmed_at=str(data.get("confirmed_at", "")),
            changed_from_person=bool(data.get("changed_from_person")),
        )

    def as_data(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def is_persons_words(self) -> bool:
        if self.voice == Voice.OWN:
            return True
        return self.voice in (Voice.AS_SAID, Voice.TOGETHER) and bool(self.confirmed_at)

    @property
    def awaits_confirmation(self) -> bool:
        return self.voice in (Voice.AS_SAID, Voice.TOGETHER) and not self.confirmed_at

    @property
    def day(self) -> str:
        written = parse_datetime(self.written_at) if self.written_at else None
        return date_format(localtime(written), "j F Y") if written else ""


def facts_from_saves(part: AuthoredPart) -> WordingFacts:
    """For words saved before wordings were recorded: the last person to save them wrote them."""
    user = part.updated_by or part.created_by
    role = getattr(user, "role", "")
    return WordingFacts(
        voice=Voice.OWN if role == Role.SERVICE_USER else Voice.STAFF,
        by_name=user.display_name,
        by_role=role,
        written_at=(part.updated_at or part.created_at).isoformat(),
        confirmed_at="",
        changed_from_person=False,
    )


def words_line(facts: WordingFacts, *, called: str, to_person: bool) -> str:
    """The one sentence saying who wrote these words, from the recorded facts only.

    ``to_person``: the person is reading about their own plan ("your words").
    """
    writer = {"name": facts.by_name, "role": role_words(facts.by_role)}
    if facts.voice == Voice.OWN:
        if to_person:
            return _("In your own words")
        return _("In %(called)s's own words") % {"called": called}
    if facts.changed_from_person:
        if to_person:
            return _("Changed by %(name)s, %(role)s, from your words") % writer
        return _("Changed by %(name)s, %(role)s, from %(called)s's words") % (
            writer | {"called": called}
        )
    if facts.voice == Voice.AS_SAID and facts.confirmed_at:
        if to_person:
            return _("In your own words, recorded by %(name)s, %(role)s, and confirmed by you") % (
                writer
            )
        return _(
            "In %(called)s's own words, recorded by %(name)s, %(role)s, and confirmed by %(called)s"
        ) % (writer | {"called": called})
    if facts.voice == Voice.AS_SAID:
        if to_person:
            return _(
                "Recorded by %(name)s, %(role)s, as you said it. You have not confirmed it yet"
            ) % (writer)
        return _(
            "Recorded by %(name)s, %(role)s, as %(called)s said it. %(called)s has not confirmed it yet"
        ) % (writer | {"called": called})
    if facts.voice == Voice.TOGETHER and facts.confirmed_at:
        if to_person:
            return _("Written together by you and %(name)s, %(role)s") % writer
        return _("Written together by %(called)s and %(name)s, %(role)s") % (
            writer | {"called": called}
        )
    if facts.voice == Voice.TOGETHER:
        if to_person:
            return _("Written by %(name)s, %(role)s, with you. You have not confirmed it yet") % (
                writer
            )
        return _(
            "Written by %(name)s, %(role)s, with %(called)s. %(called)s has not confirmed it yet"
        ) % (writer | {"called": called})
    return _("Written by %(name)s, %(role)s") % writer


class WordingIndex:
    """The current wording of every field of one plan, loaded in one query."""

    def __init__(self, wordings: Iterable[Wording]) -> None:
        self._current = {(w.part_type, w.part_id, w.field): w for w in wordings}

    def wording(self, part: AuthoredPart, field: str) -> Wording | None:
        return self._current.get((part.AUDIT_TYPE, part.pk, field))

    def facts(self, part: AuthoredPart, field: str) -> WordingFacts | None:
        """Who wrote the field's current words; None when it is empty."""
        if not getattr(part, field, ""):
            return None
        wording = self.wording(part, field)
        return WordingFacts.of(wording) if wording is not None else facts_from_saves(part)

    def facts_data(self, part: AuthoredPart, fields: Iterable[str]) -> dict[str, Any]:
        """The facts of each non-empty field, as plain data for a frozen version."""
        found = {field: self.facts(part, field) for field in fields}
        return {field: facts.as_data() for field, facts in found.items() if facts is not None}

    def __len__(self) -> int:
        return len(self._current)


def when(value: datetime | None) -> str:
    return date_format(localtime(value), "j F Y") if value else ""
