"""What apps built on people add to people's pages.

The people app sits below the apps that know what needs doing for a person (care
coordination: reviews due, stuck indicators, contacts) and must never import them. They
register here from their ``AppConfig.ready()``: flags for the caseload's "What needs doing"
column, and sections for the person's page, the person's own home and the team page. The
people views show whatever is registered, so a page costs nothing extra when nothing is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class CaseloadFlag:
    """A short note beside a person on the caseload, with how much it matters."""

    label: str
    tone: str = ""  # an NHS.UK tag colour: "", "orange", "red", "grey", "green"
    href: str = ""


# (the people on one caseload page, today) -> {person id: flags}. Called once per page, so
# it must read all the people at once.
CaseloadFlags = Callable[[list[Any], date], Mapping[Any, list[CaseloadFlag]]]
# (request, the page's subject: a Person, a Team for the team page, the Organisation for
# the organisation's page, or the people a worklist shows as a queryset) -> HTML or "".
PageSection = Callable[[HttpRequest, Any], SafeString | str]

PAGES = frozenset({"person", "my_home", "team_overview", "organisation", "worklist"})

_flag_sources: list[CaseloadFlags] = []
_sections: dict[str, list[PageSection]] = {page: [] for page in PAGES}


def register_caseload_flags(source: CaseloadFlags) -> None:
    if source not in _flag_sources:
        _flag_sources.append(source)


def register_section(page: str, section: PageSection) -> None:
    """Show ``section`` on ``page`` (one of PAGES), after those registered before it."""
    if page not in PAGES:
        raise ValueError(f"Unknown people page {page!r}")
    if section not in _sections[page]:
        _sections[page].append(section)


def caseload_flags(people: Iterable[Any], today: date) -> dict[Any, list[CaseloadFlag]]:
    """Every registered app's flags for these people, by person id."""
    shown = list(people)
    flags: dict[Any, list[CaseloadFlag]] = {person.pk: [] for person in shown}
    if not shown:
        return flags
    for source in _flag_sources:
        for person_id, found in source(shown, today).items():
            if person_id in flags:
                flags[person_id].extend(found)
    return flags


def has_caseload_flags() -> bool:
    return bool(_flag_sources)


def sections(page: str, request: HttpRequest, subject: Any) -> list[SafeString]:
    """The sections registered for ``page``, rendered; a plain string is escaped."""
    shown = (conditional_escape(section(request, subject)) for section in _sections[page])
    return [html for html in shown if html]
