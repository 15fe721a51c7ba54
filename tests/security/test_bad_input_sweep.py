"""Bad input in every form: never a server error (500), on SQLite and on PostgreSQL.

Every form the standing users can reach (the permission-matrix crawl) is sent with, in
turn: every free-text box 100,000 characters long; every free-text box in right-to-left
override, emoji and digits from other scripts; digits from other scripts in every number
and date box; impossible dates; negative, huge and non-finite numbers; every other field
(hidden values, choices) oversize; and a NUL byte in each field on its own, the others
valid, so it reaches the database (PostgreSQL cannot store NUL: the classic 500). Files are
sent with a NUL, as UTF-16, and as binary. Run on PostgreSQL with
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/test``.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from tests.security.form_crawl import SUBMISSION_KEY, Form, refetched, submit

OVERSIZE = "x" * 100_000
UNICODE_TEXT = "\u202eevil\u202c 😀🏳️‍🌈👨‍👩‍👧 ٠١٢٣٤٥٦٧٨٩ १२३४ ١٢ 𝟙𝟚"
OTHER_DIGITS = {
    "number": ["٣", "१२", "１２"],
    "date": ["٢٠٢٦-٠٢-١٠", "२०२६-०२-१०"],
    "text": ["٩٤٣٤٧٦٥٩١٩", "९४३४७६५९१९"],
}
BAD_DATES = ["2026-02-30", "0000-00-00", "99999-01-01", "2026-13-01", "-1-01-01"]
BAD_NUMBERS = ["-1", "-99999999999999999999999", "99999999999999999999999", "1e309", "NaN"]
NUL = "Words\x00more"
BAD_FILES = [
    ("nul.csv", b"code,name,text\nA1,One,\x00held\n"),
    ("utf16.csv", "code,name\nA1,One\n".encode("utf-16")),
    ("binary.csv", bytes(range(256)) * 8),
    ("name\x00with\u202enul.csv", b"code,name\nA1,One\n"),
]
NOT_SENT = {"csrfmiddlewaretoken", SUBMISSION_KEY}


def _cases(form: Form) -> list[tuple[str, dict[str, Any]]]:
    """(what, overrides) for one form: each a set of fields given bad values at once."""
    text = [item.name for item in form.free_text]
    dates = [item.name for item in form.fields if item.kind == "date"]
    numbers = [item.name for item in form.fields if item.kind == "number"]
    files = [item.name for item in form.fields if item.kind == "file"]
    others = [
        item.name
        for item in form.fields
        if item.name not in NOT_SENT and not item.is_free_text and item.kind != "file"
    ]
    cases: list[tuple[str, dict[str, Any]]] = []
    if text:
        cases.append(("oversize text", dict.fromkeys(text, OVERSIZE)))
        cases.append(("RTL override, emoji, other digits", dict.fromkeys(text, UNICODE_TEXT)))
        cases.append(("other digits in text", dict.fromkeys(text, OTHER_DIGITS["text"][0])))
    for value in OTHER_DIGITS["date"] if dates else []:
        cases.append((f"date {value!r}", dict.fromkeys(dates, value)))
    for value in BAD_DATES if dates else []:
        cases.append((f"date {value!r}", dict.fromkeys(dates, value)))
    for value in [*BAD_NUMBERS, *OTHER_DIGITS["number"]] if numbers else []:
        cases.append((f"number {value!r}", dict.fromkeys(numbers, value)))
    if others:
        cases.append(("oversize choices and hidden values", dict.fromkeys(others, OVERSIZE)))
        cases.append(("other digits in choices", dict.fromkeys(others, "١")))
    for name in [*text, *others]:
        cases.append((f"NUL in {name}", {name: NUL if name in text else "1\x00"}))
    for filename, content in BAD_FILES if files else []:
        cases.append(
            (
                f"file {filename!r}",
                {name: SimpleUploadedFile(filename, content, "text/csv") for name in files},
            )
        )
    return cases


# Text columns meant to hold a whole uploaded file, which has its own size limit.
WHOLE_FILES = {("research", "dataset", "content")}


def stored_oversize_values() -> list[str]:
    """Every text column value of 100,000 characters or more: a box without a length limit."""
    from django.apps import apps
    from django.db.models import CharField, TextField
    from django.db.models.functions import Length

    found = []
    for model in apps.get_models():
        meta = model._meta
        for field in meta.concrete_fields:
            if not isinstance(field, CharField | TextField):
                continue
            if (meta.app_label, meta.model_name, field.name) in WHOLE_FILES:
                continue
            long_ones = (
                model._default_manager.annotate(length=Length(field.name))
                .filter(length__gte=len(OVERSIZE))
                .count()
            )
            if long_ones:
                found.append(f"{meta.label}.{field.name}: {long_ones}")
    return found


def _send(form: Form, clients: dict[str, Any], overrides: dict[str, Any], hints: Any) -> Any:
    data: dict[str, Any] = form.filled(hints=hints)
    for name, value in overrides.items():
        data[name] = value if isinstance(value, SimpleUploadedFile) else [value]
    return submit(form, clients, data)


# Each request stands alone, as in production: a database error in one cannot spoil the next.
@pytest.mark.django_db(transaction=True)
def test_no_bad_input_in_any_form_gives_a_server_error(battery: Any) -> None:
    started = time.monotonic()
    forms = battery.discover()
    # Every box a person types into carries a length limit (a GET form's boxes are never
    # stored; the address's own limit caps them).
    unlimited = [
        f"{form.view_name}.{item.name}"
        for form in forms
        if form.method == "POST"
        for item in form.free_text
        if not item.max_length
    ]
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    tried = 0
    for original in forms:
        form = refetched(original, battery.clients)
        for what, overrides in _cases(form):
            response = _send(form, battery.clients, overrides, battery.hints)
            tried += 1
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                failures.append(f"{original.label()}: {what}: {response.status_code}")
            if response.status_code in (301, 302, 303):
                form = refetched(original, battery.clients)  # it saved: fresh edit tokens
    elapsed = time.monotonic() - started
    print(
        f"\nBad-input sweep on {connection.vendor}: {tried} requests to {len(forms)} forms; "
        f"statuses {dict(sorted(statuses.items()))}; {len(failures)} server errors; "
        f"{len(unlimited)} boxes without a length limit; {elapsed:.0f} s"
    )
    assert failures == [], "\n".join(failures)
    assert stored_oversize_values() == []
    assert len(forms) >= 60 and tried >= 500  # the crawl found the forms
    # Checked last, so a box without a limit does not hide the server errors from the sweep.
    assert unlimited == [], f"free-text boxes without a length limit: {unlimited}"
