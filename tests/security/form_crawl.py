"""Find every form the standing users can reach, and fill it in like a person would.

The crawl GETs every URL name of the permission matrix as every standing user the matrix
allows, parses the ``<form>`` elements on each page (Python's own HTML parser: the pages are
server-rendered), and keeps one of each (by where it posts and the names of its fields).
``filled`` gives valid values for every field (what the page already shows, else the first
choice, today's date, a number in range), so a test can replace some of them (a payload, a
bad value) and still have the rest of the form pass validation.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.test import Client
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from ourplan.core.submissions import FIELD_NAME as SUBMISSION_KEY

# Inputs a person types free text into (email, url and tel have a format; password is never shown).
FREE_TEXT_INPUTS = {"text", "search", ""}
# Inputs that send nothing of their own (submit and image buttons are kept as buttons).
SKIPPED_INPUTS = {"button", "reset"}
# Forms that end the session or change the interface language, not records.
SKIPPED_ACTIONS = {"accounts:logout", "set_language", "accounts:login", "accounts:two_factor"}
# Files, not pages: they hold no forms (the PDF and export tests read them).
DOWNLOADS = ("_pdf", "_csv", "_xlsx", "_sav")
# Forms that remove or close things run last, so the forms on the pages they affect are tried first.
LAST_WORDS = ("remove", "withdraw", "stop", "_end", "close", "delete", "achieve", "not_signed")


@dataclass
class Field:
    name: str
    kind: str  # an <input> type, "textarea" or "select"
    value: str = ""
    required: bool = False
    max_length: int | None = None
    minimum: str | None = None
    maximum: str | None = None
    options: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)
    multiple: bool = False
    checked: bool = False
    numeric: bool = False  # a text box for a number (inputmode="numeric")

    @property
    def is_free_text(self) -> bool:
        return self.kind == "textarea" or (self.kind in FREE_TEXT_INPUTS and not self.numeric)


@dataclass
class Form:
    role: str
    page: str  # the URL the form was found on
    action: str  # the path it posts (or GETs) to
    method: str
    fields: list[Field] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)  # named submit buttons
    multipart: bool = False

    @property
    def view_name(self) -> str:
        try:
            return resolve(urlsplit(self.action).path).view_name
        except Resolver404:
            return ""

    @property
    def free_text(self) -> list[Field]:
        return [item for item in self.fields if item.is_free_text]

    @property
    def signature(self) -> tuple[str, str, tuple[str, ...]]:
        names = tuple(sorted({item.name for item in self.fields if item.name != SUBMISSION_KEY}))
        return (self.method, urlsplit(self.action).path, names)

    def label(self) -> str:
        return f"{self.method} {self.view_name or self.action} (as {self.role}, from {self.page})"

    def filled(
        self, today: date | None = None, hints: dict[str, list[str]] | None = None
    ) -> dict[str, list[str]]:
        """Valid-looking values for every field; a fresh submission key each time.

        ``hints`` name values for boxes a generic guess cannot fill (an unused NHS number).
        """
        today = today or date.today()
        hints = hints or {}
        data: dict[str, list[str]] = {}
        radios_done: set[str] = set()
        for item in self.fields:
            if item.name == SUBMISSION_KEY:
                data[item.name] = [uuid.uuid4().hex]
            elif item.name in hints and not item.value and item.kind not in ("checkbox", "radio"):
                data[item.name] = hints[item.name][:1]
            elif item.kind == "file":
                continue  # no file unless a test brings one
            elif item.kind == "password":
                data[item.name] = ["a-long-battery-password-2026"]
            elif item.kind == "checkbox":
                if item.checked or item.required:
                    data.setdefault(item.name, []).append(item.value or "on")
            elif item.kind == "radio":
                if item.name in radios_done:
                    continue
                group = [other for other in self.fields if other.name == item.name]
                chosen = next((other for other in group if other.checked), group[0])
                data[item.name] = [chosen.value]
                radios_done.add(item.name)
            elif item.kind == "select":
                if item.selected and any(item.selected):
                    data[item.name] = list(item.selected)
                else:
                    choices = [option for option in item.options if option]
                    data[item.name] = choices[:1] if choices else [""]
            elif item.kind == "date":
                data[item.name] = [item.value or today.isoformat()]
            elif item.kind == "number":
                data[item.name] = [item.value or item.minimum or "1"]
            elif item.kind == "email":
                data[item.name] = [item.value or "someone@example.org"]
            elif item.kind == "tel":
                data[item.name] = [item.value or "07700 900456"]
            elif item.kind == "url":
                data[item.name] = [item.value or "https://example.org/"]
            elif item.is_free_text:
                data[item.name] = [item.value or ("Words" if item.required else "")]
            else:  # hidden and the rest: as the page gave them
                data[item.name] = [item.value]
        if self.buttons:
            name, value = self.buttons[0]
            data[name] = [value]
        return data


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select: Field | None = None
        self._option: dict[str, Any] | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        attrs = {name: value if value is not None else "" for name, value in attributes}
        if tag == "form":
            self._form = {"attrs": attrs, "fields": [], "buttons": []}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        if "disabled" in attrs:  # a browser never sends a disabled field
            return
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            name = attrs.get("name")
            if not name:
                return
            if kind in ("submit", "image"):
                self._form["buttons"].append((name, attrs.get("value", "")))
                return
            if kind in SKIPPED_INPUTS:
                return
            self._form["fields"].append(
                Field(
                    name=name,
                    kind=kind,
                    value=attrs.get("value", ""),
                    required="required" in attrs,
                    max_length=int(attrs["maxlength"]) if attrs.get("maxlength") else None,
                    minimum=attrs.get("min"),
                    maximum=attrs.get("max"),
                    checked="checked" in attrs,
                    numeric=attrs.get("inputmode") == "numeric",
                )
            )
        elif tag == "button" and attrs.get("name"):
            if attrs.get("type", "submit") == "submit":
                self._form["buttons"].append((attrs["name"], attrs.get("value", "")))
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = Field(
                name=attrs["name"],
                kind="textarea",
                required="required" in attrs,
                max_length=int(attrs["maxlength"]) if attrs.get("maxlength") else None,
            )
            self._form["fields"].append(self._textarea)
        elif tag == "select" and attrs.get("name"):
            self._select = Field(
                name=attrs["name"],
                kind="select",
                required="required" in attrs,
                multiple="multiple" in attrs,
            )
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = {
                "value": attrs.get("value"),
                "text": "",
                "selected": "selected" in attrs,
            }

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data
        elif self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            if self._textarea is not None and self._textarea.value.startswith("\n"):
                self._textarea.value = self._textarea.value[1:]
            self._textarea = None
        elif tag == "option":
            self._finish_option()
        elif tag == "select":
            self._finish_option()
            self._select = None

    def _finish_option(self) -> None:
        if self._option is None or self._select is None:
            return
        value = self._option["value"]
        value = self._option["text"].strip() if value is None else value
        self._select.options.append(value)
        if self._option["selected"]:
            self._select.selected.append(value)
        self._option = None


def forms_on(html: str, page: str, role: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    found = []
    for raw in parser.forms:
        attrs = raw["attrs"]
        action = urljoin(page, attrs.get("action") or page)
        found.append(
            Form(
                role=role,
                page=page,
                action=action,
                method=(attrs.get("method") or "get").upper(),
                fields=raw["fields"],
                buttons=raw["buttons"],
                multipart="multipart" in attrs.get("enctype", ""),
            )
        )
    return found


@dataclass
class Page:
    role: str
    name: str
    url: str


# Roles whose pages come from the same templates with the same data: one of each class
# opens a URL (staff in this order: an editor first, as editors' pages show the most).
ROLE_CLASSES = {
    "staff": (
        "coordinator",
        "manager",
        "clinician",
        "other_team_coordinator",
        "researcher",
        "administrator",
    ),
    "person": ("person", "other_person"),
    "supporter": ("supporter",),
    "anonymous": ("anonymous",),
}


def pages_for(
    matrix: dict[str, dict[str, set[str]]], standing: Any, extras: dict[str, Any], kwargs_for: Any
) -> Iterator[Page]:
    """Each URL the matrix allows a GET of, once for each class of role allowed; no downloads."""
    for name in sorted(matrix):
        if name.endswith(DOWNLOADS):
            continue
        roles = matrix[name].get("GET", set())
        try:
            url = reverse(name, kwargs=kwargs_for(name, standing, extras))
        except (NoReverseMatch, AssertionError, KeyError):  # pragma: no cover - the matrix says
            continue
        for members in ROLE_CLASSES.values():
            role = next((role for role in members if role in roles), None)
            if role is not None:
                yield Page(role=role, name=name, url=url)


def discover_forms(
    pages: Iterable[Page], clients: dict[str, Client], matrix: dict[str, dict[str, set[str]]]
) -> list[Form]:
    """One of each form on the pages; the first role to see a form is the one who fills it.

    A form anyone may send (an invitation or a study link) is sent as a stranger would.
    """
    seen: set[tuple[str, str, tuple[str, ...]]] = set()
    found: list[Form] = []
    for page in pages:
        response = clients[page.role].get(page.url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for form in forms_on(response.content.decode(), page.url, page.role):
            if form.view_name in SKIPPED_ACTIONS or form.signature in seen:
                continue
            seen.add(form.signature)
            if "anonymous" in matrix.get(form.view_name, {}).get(form.method, set()):
                form.role = "anonymous"
            found.append(form)
    found.sort(key=lambda form: any(word in form.view_name for word in LAST_WORDS))
    return found


def refetched(form: Form, clients: dict[str, Client]) -> Form:
    """The same form as its page shows it now (fresh hidden values such as edit tokens)."""
    response = clients[form.role].get(form.page)
    if response.status_code == 200:
        for fresh in forms_on(response.content.decode(), form.page, form.role):
            if fresh.signature == form.signature:
                return fresh
    return form


def submit(form: Form, clients: dict[str, Client], data: dict[str, list[str]]) -> Any:
    # Whoever holds a link (an invitation) acts as a stranger would, in a session of their own.
    client = (
        Client(raise_request_exception=False) if form.role == "anonymous" else clients[form.role]
    )
    if form.method == "GET":
        return client.get(form.action, data)
    return client.post(form.action, data)


class _InvalidParser(HTMLParser):
    """The names of the fields a re-rendered form marks ``aria-invalid``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.names: set[str] = set()

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        attrs = dict(attributes)
        if attrs.get("aria-invalid") == "true" and attrs.get("name"):
            self.names.add(str(attrs["name"]))


def invalid_fields(response: Any) -> set[str]:
    if "html" not in response.get("Content-Type", ""):
        return set()
    parser = _InvalidParser()
    parser.feed(response.content.decode(errors="replace"))
    return parser.names


def _other_valid_values(
    form: Form, item: Field, today: date, hints: dict[str, list[str]]
) -> list[str]:
    """Second guesses for a field the form refused with its first valid-looking value."""
    if item.name in hints:
        return hints[item.name][1:]
    if item.kind == "date":
        return [
            (today + timedelta(days=30)).isoformat(),
            (today - timedelta(days=30)).isoformat(),
        ]
    if item.kind == "number":
        return [item.maximum or "5", "0"]
    if item.kind == "select":
        return [option for option in item.options if option][1:3]
    if item.kind == "radio":
        return [other.value for other in form.fields if other.name == item.name][1:3]
    return []


@dataclass
class Submitted:
    response: Any
    data: dict[str, list[str]]
    kept: set[str]  # the overridden fields whose values were in the last submission

    @property
    def saved(self) -> bool:
        return self.response.status_code in (301, 302, 303)


def submit_keeping_valid(
    form: Form,
    clients: dict[str, Client],
    overrides: dict[str, str],
    *,
    today: date | None = None,
    hints: dict[str, list[str]] | None = None,
    attempts: int = 3,
) -> Submitted:
    """Submit ``form`` with ``overrides`` in place of the valid values.

    Fields the form then marks invalid get valid values back (an override the form refuses,
    such as a payload in an NHS-number box, is dropped; another field gets a second guess),
    and the form is sent again, so the rest of the overrides still reach the database.
    """
    today = today or date.today()
    hints = hints or {}
    by_name = {item.name: item for item in form.fields}
    guesses: dict[str, list[str]] = {}
    guessed: dict[str, list[str]] = {}
    kept = dict(overrides)
    submitted: Submitted | None = None
    for _ in range(attempts):
        data = {
            **form.filled(today, hints),
            **guessed,
            **{name: [value] for name, value in kept.items()},
        }
        response = submit(form, clients, data)
        submitted = Submitted(response=response, data=data, kept=set(kept))
        if form.method == "GET" or response.status_code not in (200, 400):
            break
        refused = invalid_fields(response)
        if not refused:
            break
        for name in refused:
            if name in kept:
                del kept[name]
            elif name in by_name:
                options = guesses.setdefault(
                    name, _other_valid_values(form, by_name[name], today, hints)
                )
                if options:
                    guessed[name] = [options.pop(0)]
    assert submitted is not None
    return submitted
