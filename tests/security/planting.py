"""Put the XSS corpus into every free-text field of every form, and find the pages that show it.

Fields are numbered once, in the order the crawl found them, so a marker ``xss<field>_<n>``
names the field and the payload wherever it turns up. A round puts the next batch of
payloads into each field (a long box takes the whole corpus at once; a 100-character one
a few payloads a round), keeping the other fields valid so the form saves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urlsplit

from tests.security.form_crawl import Form, Page, refetched, submit_keeping_valid
from tests.security.xss_payloads import MARKER_PREFIX, Batch, batches

MARKER = re.compile(rf"{MARKER_PREFIX}(\d+)_(\d+)")


@dataclass
class Planted:
    """What one or more rounds tried, and where."""

    tried: set[tuple[int, int]] = field(default_factory=set)  # (field number, payload number)
    saved_forms: set[str] = field(default_factory=set)
    unsaved_forms: dict[str, str] = field(default_factory=dict)
    refused_fields: set[tuple[str, str]] = field(default_factory=set)
    # (role, URL) of each GET form's result with payloads in its query
    reflected: list[tuple[str, str]] = field(default_factory=list)
    raw_injections: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    field_names: dict[int, str] = field(default_factory=dict)
    values: dict[int, Batch] = field(default_factory=dict)  # each field's last saved batch

    @property
    def fields_tried(self) -> int:
        return len({number for number, _payload in self.tried})


def number_fields(forms: Iterable[Form]) -> dict[tuple[Any, str], int]:
    numbers: dict[tuple[Any, str], int] = {}
    for form in forms:
        for item in form.free_text:
            numbers.setdefault((form.signature, item.name), len(numbers) + 1)
    return numbers


class _InjectionParser(HTMLParser):
    """Elements and attributes a payload made, in the HTML as the server sent it.

    ourplan's pages have no inline event handlers (the CSP forbids them) and no element ids
    starting ``xss``, so any such tag or attribute came from a payload; escaped text never
    parses as one.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        for name, value in attributes:
            if name == "id" and (value or "").startswith(MARKER_PREFIX):
                self.found.append(f"<{tag} id={value}>")
            elif name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            elif name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:>")


def raw_injections_in(html: str, where: str) -> list[str]:
    parser = _InjectionParser()
    parser.feed(html)
    return [f"{where}: {found}" for found in parser.found]


def plant_round(
    forms: list[Form],
    clients: dict[str, Any],
    round_number: int,
    canary: str,
    planted: Planted,
    hints: dict[str, list[str]],
) -> set[int]:
    """Send each form with this round's batch in each free-text field.

    After the first round only forms with a field that has a batch left are sent again (its
    other fields keep their last batch). Returns the numbers of the fields given a new batch.
    """
    numbers = number_fields(forms)
    renewed: set[int] = set()
    for original in forms:
        cuts = {
            item.name: list(
                batches(numbers[(original.signature, item.name)], item.max_length, canary)
            )
            for item in original.free_text
        }
        if not any(len(cut) > round_number for cut in cuts.values()):
            continue
        form = refetched(original, clients)
        chosen: dict[str, Batch] = {}
        for item in form.free_text:
            number = numbers[(original.signature, item.name)]
            planted.field_names[number] = f"{original.view_name}.{item.name}"
            cut = cuts.get(item.name, [])
            if cut:
                chosen[item.name] = cut[min(round_number, len(cut) - 1)]
                if len(cut) > round_number:
                    renewed.add(number)
        if not chosen:
            continue
        result = submit_keeping_valid(
            form, clients, {name: batch.text for name, batch in chosen.items()}, hints=hints
        )
        label = original.label()
        status = result.response.status_code
        if status >= 500:
            planted.server_errors.append(f"{label}: {status}")
            continue
        if "html" in result.response.get("Content-Type", ""):
            planted.raw_injections += raw_injections_in(result.response.content.decode(), label)
        for name in set(chosen) - result.kept:
            planted.refused_fields.add((original.view_name, name))
        if form.method == "GET":
            query = urlencode(result.data, doseq=True)
            planted.reflected.append((original.role, f"{urlsplit(form.action).path}?{query}"))
        elif not result.saved:
            planted.unsaved_forms[label] = str(status)
            continue
        planted.saved_forms.add(label)
        for name in result.kept:
            batch = chosen[name]
            number = numbers[(original.signature, name)]
            planted.tried |= {(number, payload) for payload, _mark in batch.tried}
            planted.values[number] = batch
    return renewed


@dataclass
class Showing:
    page: Page
    markers: set[str]


def pages_showing_payloads(
    pages: Iterable[Page], clients: dict[str, Any], planted: Planted
) -> list[Showing]:
    """Every page (as every role that may see it) whose HTML holds a planted payload."""
    showing = []
    for page in pages:
        response = clients[page.role].get(page.url)
        if response.status_code >= 500:
            planted.server_errors.append(f"GET {page.name} as {page.role}: {response.status_code}")
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        planted.raw_injections += raw_injections_in(html, f"GET {page.name} as {page.role}")
        markers = {match.group(0) for match in MARKER.finditer(html)}
        if markers:
            showing.append(Showing(page=page, markers=markers))
    return showing


def fields_in(markers: Iterable[str]) -> set[int]:
    return {int(match.group(1)) for mark in markers if (match := MARKER.fullmatch(mark))}


def one_of_each(showing: Iterable[Showing], *, by_name: bool = False) -> list[Showing]:
    """Each URL once for each different set of payloads it shows (roles that see the same
    thing on a page, such as a coordinator and a manager, need not both open it); with
    ``by_name``, each named page once (a later round, checking the same templates again
    with the next payloads)."""
    seen: set[tuple[str, frozenset[str]]] = set()
    kept = []
    for shown in showing:
        key = (
            (shown.page.name, frozenset())
            if by_name
            else (shown.page.url, frozenset(shown.markers))
        )
        if key not in seen:
            seen.add(key)
            kept.append(shown)
    return kept
