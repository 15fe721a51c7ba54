"""What apps above plans add to the review page.

A review is where other things about the person are looked at again (the consent app
asks for each sharing agreement in effect to be revisited). Plans sits below those apps
in the layers and must not import them, so they register a prompt here from their
``AppConfig.ready()``; the review page shows whatever the registered prompts return.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from ourplan.people.models import Person

# (request, person) -> the prompt's HTML (a rendered template), or "" when there is nothing to say.
ReviewPrompt = Callable[[HttpRequest, Person], SafeString | str]

_prompts: list[ReviewPrompt] = []


def register_review_prompt(prompt: ReviewPrompt) -> None:
    """Show ``prompt`` on every review page, after the ones registered before it."""
    if prompt not in _prompts:
        _prompts.append(prompt)


def review_prompts(request: HttpRequest, person: Person) -> list[SafeString]:
    """The prompts to show on this person's review page, in the order they were registered.

    A prompt returns a rendered template (already safe); any plain string is escaped.
    """
    shown = (conditional_escape(prompt(request, person)) for prompt in _prompts)
    return [html for html in shown if html]
