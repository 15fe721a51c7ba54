"""What apps above plans add to the plan page and the review page (like people.extensions).

A review is where other things about the person are looked at again (the consent app
asks for each sharing agreement in effect to be revisited; measures shows the latest
questionnaire results), and the plan page shows them beside the plan. Plans sits below
those apps in the layers and must not import them, so they register a piece here from
their ``AppConfig.ready()``; each page shows whatever its registered pieces return.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from ourplan.people.models import Person

# (request, person) -> the piece's HTML (a rendered template), or "" when there is nothing to say.
ReviewPrompt = Callable[[HttpRequest, Person], SafeString | str]

_pieces: dict[str, list[ReviewPrompt]] = {"review": [], "plan": []}


def _register(page: str, piece: ReviewPrompt) -> None:
    if piece not in _pieces[page]:
        _pieces[page].append(piece)


def _shown(page: str, request: HttpRequest, person: Person) -> list[SafeString]:
    """A page's pieces in the order they were registered; any plain string is escaped."""
    shown = (conditional_escape(piece(request, person)) for piece in _pieces[page])
    return [html for html in shown if html]


def register_review_prompt(prompt: ReviewPrompt) -> None:
    """Show ``prompt`` on every review page, after the ones registered before it."""
    _register("review", prompt)


def register_plan_section(section: ReviewPrompt) -> None:
    """Show ``section`` on every plan page, after the plan's own parts."""
    _register("plan", section)


def review_prompts(request: HttpRequest, person: Person) -> list[SafeString]:
    """The prompts to show on this person's review page."""
    return _shown("review", request, person)


def plan_sections(request: HttpRequest, person: Person) -> list[SafeString]:
    """The sections other apps add to this person's plan page."""
    return _shown("plan", request, person)
