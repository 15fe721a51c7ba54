"""ourplan under load: four kinds of people using the demo organisations at once.

- **Care coordinators** open their caseload, search it, open a person, their plan, a goal
  and the crisis plan.
- **People** (service users) read their plan and crisis plan and edit "About me" and their
  staying-well plan, through the real form (CSRF token, revision number, all fields).
- **Supporters** read the parts of the plan shared with them, now and then as the PDF.
- **Researchers** run analyses on a de-identified data set.

Every simulated user logs in through the real login form (a GET for the CSRF token, then
the POST), so nobody needs a second factor: managers and administrators are left out.

Run it with ``make load`` (bench/load/run_load.py starts gunicorn on a scratch PostgreSQL
database, prepares the logins and checks the audit log afterwards), or by hand against a
server that has the demo data, on this machine only::

    .venv/bin/locust -f bench/load/locustfile.py --headless -u 50 -r 5 -t 60s \\
        --host http://127.0.0.1:8000

Environment:

- ``OURPLAN_LOAD_LOGINS``: a JSON file from bench/load/prepare.py naming the logins per
  journey (without it, the demo's own logins are used);
- ``OURPLAN_LOAD_LOG``: where to write one JSON line per request (page, status, time,
  ``X-Request-ID`` and the audit rows the page should have written), for the audit check;
- ``OURPLAN_LOAD_PASSWORD``: the password (default: the demo password).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from locust import HttpUser, LoadTestShape, between, events, task
from locust.exception import StopUser

PASSWORD = os.environ.get("OURPLAN_LOAD_PASSWORD", "ourplan-demo-2026")
DEMO_LOGINS = {
    "coordinators": [
        "coordinator",
        "coordinator2",
        "coordinator3",
        "westcoordinator",
        "westcoordinator2",
        "cydlynydd",
        "cydlynydd2",
        "cydlynydd3",
        "llanfaircydlynydd",
        "llanfaircydlynydd2",
    ],
    "people": ["person", "person.cy"],
    "supporters": ["supporter", "supporter.cy"],
    "researchers": ["researcher"],
}
# Surnames the demo people have, for caseload searches.
SURNAMES = ("Whitlow", "Brennan", "Achebe", "Delaney", "Thorne", "Varga", "Quayle", "Penrose")
PERSON_LINK = re.compile(r'href="/people/([0-9a-f-]{36})/"')
PLAN_LINK = re.compile(r'href="(/people/[0-9a-f-]{36}/plan/)"')
GOAL_LINK = re.compile(r'href="(/people/[0-9a-f-]{36}/plan/goals/\d+/)"')
DATASET_LINK = re.compile(r'href="(/research/datasets/[0-9a-f-]{36}/)"')
ERROR_SUMMARY = re.compile(r'nhsuk-error-summary__list">(.*?)</ul>', re.S)
TAG = re.compile(r"<[^>]+>")
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _logins() -> dict[str, list[str]]:
    path = os.environ.get("OURPLAN_LOAD_LOGINS")
    if not path:
        return DEMO_LOGINS
    return {**DEMO_LOGINS, **json.loads(Path(path).read_text())}


LOGINS = _logins()
# Each journey hands out its logins in turn, so simulated users share a login only when
# there are more of them than logins (locust runs users in one thread: no lock needed).
NEXT_LOGIN = {journey: itertools.cycle(names) for journey, names in LOGINS.items()}

# --- The request log: one line per request, for the audit check -------------------------

REQUEST_LOG: list[dict[str, Any]] = []
RUN_MARKS: dict[str, float] = {}
LOGINS_FINISHED = [0]


@events.request.add_listener
def _log_request(
    request_type: str,
    name: str,
    response_time: float,
    response_length: int,
    response: Any = None,
    context: dict[str, Any] | None = None,
    exception: BaseException | None = None,
    start_time: float | None = None,
    **_: Any,
) -> None:
    status = getattr(response, "status_code", 0) or 0
    REQUEST_LOG.append(
        {
            "at": start_time or time.time(),
            "method": request_type,
            "name": name,
            "status": status,
            "ms": round(response_time, 2),
            "failed": exception is not None,
            "error": str(exception)[:200] if exception is not None else "",
            "request_id": (
                response.headers.get("X-Request-ID", "") if response is not None else ""
            ),
            "audit_rows": (context or {}).get("audit_rows"),
        }
    )


@events.test_start.add_listener
def _started(**_: Any) -> None:
    RUN_MARKS["started"] = time.time()


@events.spawning_complete.add_listener
def _spawned(user_count: int, **_: Any) -> None:
    RUN_MARKS["spawned"] = time.time()
    RUN_MARKS["users"] = user_count


@events.test_stop.add_listener
def _write_log(**_: Any) -> None:
    RUN_MARKS["stopped"] = time.time()
    path = os.environ.get("OURPLAN_LOAD_LOG")
    if not path:
        return
    with Path(path).open("w", encoding="utf-8") as out:
        out.write(json.dumps({"marks": RUN_MARKS}) + "\n")
        for line in REQUEST_LOG:
            out.write(json.dumps(line) + "\n")


# --- Log in, then a bounded steady state ---------------------------------------------------

if os.environ.get("OURPLAN_LOAD_USERS"):

    class LoginThenSteady(LoadTestShape):
        """Start the users, wait until every one has logged in, then run a fixed time.

        Logging in is deliberately slow (PBKDF2), and 200 people do not all log in within a
        minute, so the ramp of logins is reported on its own and the pages are measured in
        the steady state after it. ``OURPLAN_LOAD_TIME_LIMIT`` bounds the whole run.
        """

        users = int(os.environ["OURPLAN_LOAD_USERS"])
        spawn_rate = float(os.environ.get("OURPLAN_LOAD_SPAWN_RATE", "5"))
        steady = float(os.environ.get("OURPLAN_LOAD_STEADY_SECONDS", "75"))
        limit = float(os.environ.get("OURPLAN_LOAD_TIME_LIMIT", "480"))

        def tick(self) -> tuple[int, float] | None:
            now = time.time()
            if self.get_run_time() > self.limit:
                RUN_MARKS["hit_time_limit"] = 1
                return None
            if LOGINS_FINISHED[0] >= self.users and "steady_from" not in RUN_MARKS:
                RUN_MARKS["steady_from"] = now
            if "steady_from" in RUN_MARKS and now - RUN_MARKS["steady_from"] >= self.steady:
                return None
            return self.users, self.spawn_rate


# --- Reading forms as a browser would -----------------------------------------------------


class _PostForms(HTMLParser):
    """The fields of each POST form on a page, with the values a browser would send."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, str]] = []
        self._fields: dict[str, str] | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form" and attributes.get("method", "").lower() == "post":
            self._fields = {}
            self.forms.append(self._fields)
        if self._fields is None:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in attributes:
                    self._fields[name] = attributes.get("value", "on")
            elif kind not in {"submit", "button", "file"}:
                self._fields[name] = attributes.get("value", "")
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None and self._fields is not None:
            text = "".join(self._text)
            # Browsers drop the one newline that follows <textarea>.
            if text.startswith("\r\n"):
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            self._fields[self._textarea] = text
            self._textarea = None
        elif tag == "form":
            self._fields = None


def form_with(html: str, field: str) -> dict[str, str] | None:
    """The POST form on the page that has ``field`` (not, say, the header's logout form)."""
    parser = _PostForms()
    parser.feed(html)
    return next((fields for fields in parser.forms if field in fields), None)


# --- The journeys -------------------------------------------------------------------------


class OurplanUser(HttpUser):
    abstract = True
    journey = ""
    wait_time = between(2, 8)

    def on_start(self) -> None:
        self.username = next(NEXT_LOGIN[self.journey])
        self.login()

    def login(self) -> None:
        try:
            self._login()
        finally:
            LOGINS_FINISHED[0] += 1

    def _login(self) -> None:
        page = self.client.get("/accounts/login/", name="login: form")
        token = CSRF_FIELD.search(page.text or "")
        if token is None:
            raise StopUser()
        with self.client.post(
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": token.group(1),
                "username": self.username,
                "password": PASSWORD,
                "next": "",
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login: submit",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or "/accounts/" in location:
                response.failure(f"login as {self.username} refused ({response.status_code})")
                raise StopUser()
            response.success()

    def audited_get(self, path: str, name: str, rows: Any = 1, require: str = "") -> Any:
        """GET a page that shows a person's record, noting the audit rows it should write.

        ``rows`` is a number, or a function of the page's text (a list writes one row per
        person listed).
        """
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code == 200 and require and require not in response.text:
                response.failure(f"{urlsplit(response.url).path} lacks {require!r}")
            elif response.status_code == 200:
                # locust reports the request with the context as the request started, so
                # the expected rows go into that copy.
                response.request_meta["context"]["audit_rows"] = (
                    rows(response.text) if callable(rows) else rows
                )
                response.success()
            else:
                response.failure(f"{response.status_code} for {urlsplit(response.url).path}")
            return response

    def post_form(self, path: str, form: dict[str, str], changes: dict[str, str], name: str) -> Any:
        """Submit a form as a browser would, with ``changes`` typed in."""
        fields = {**form, **changes}
        with self.client.post(
            path,
            data=fields,
            headers={"Referer": f"{self.host}{path}"},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302 and "/accounts/" in response.headers.get("Location", ""):
                response.failure("the session had ended: sent to the login page")
            elif response.status_code == 302:
                response.success()
            elif response.status_code == 409:
                # Two sessions of the same login saved the same part at once: the app showed
                # the clash instead of losing an update. Expected; logged under its own name.
                response.success()
                self.environment.events.request.fire(
                    request_type="CONFLICT",
                    name=f"{name} (409: clash shown, nothing lost)",
                    response_time=0,
                    response_length=0,
                    response=None,
                    context={},
                    exception=None,
                )
            else:
                summary = ERROR_SUMMARY.search(response.text or "")
                reasons = " ".join(TAG.sub(" ", summary.group(1)).split()) if summary else ""
                response.failure(
                    f"{response.status_code}: the form was not saved: "
                    + (reasons[:300] or "no error shown on the page")
                )
            return response


class CareCoordinator(OurplanUser):
    """A care coordinator working through their caseload and plans."""

    weight = 5
    journey = "coordinators"

    def on_start(self) -> None:
        super().on_start()
        self.people: list[str] = []
        self.caseload()

    @task(3)
    def caseload(self) -> None:
        page = self.audited_get("/people/", "caseload", rows=_people_listed)
        self.people = sorted(set(PERSON_LINK.findall(page.text or ""))) or self.people

    @task(1)
    def search(self) -> None:
        surname = random.choice(SURNAMES)
        self.audited_get(f"/people/?q={surname}", "caseload: search", rows=_people_listed)

    @task(4)
    def person_and_plan(self) -> None:
        if not self.people:
            return
        person = random.choice(self.people)
        self.audited_get(f"/people/{person}/", "person page")
        plan = self.audited_get(f"/people/{person}/plan/", "plan page")
        goals = GOAL_LINK.findall(plan.text or "")
        if goals:
            self.audited_get(random.choice(goals), "plan: goal page")
        self.audited_get(f"/people/{person}/plan/crisis/", "plan: crisis plan")


class Person(OurplanUser):
    """A person reading and editing their own plan."""

    weight = 3
    journey = "people"

    def on_start(self) -> None:
        super().on_start()
        home = self.audited_get("/me/", "person: my home")
        found = PLAN_LINK.search(home.text or "")
        if found is None:
            raise StopUser()
        self.plan = found.group(1)

    @task(3)
    def read_plan(self) -> None:
        self.audited_get(self.plan, "person: my plan")

    @task(1)
    def read_crisis_plan(self) -> None:
        self.audited_get(f"{self.plan}crisis/", "person: my crisis plan")

    @task(2)
    def edit_about_me(self) -> None:
        self._edit(
            "about-me/",
            "what_matters",
            "person: edit about me",
            "My family, my dog, and being listened to.",
        )

    @task(1)
    def edit_staying_well(self) -> None:
        self._edit(
            "staying-well/", "keep_me_well", "person: edit staying well", "A walk every morning."
        )

    def _edit(self, part: str, field: str, name: str, words: str) -> None:
        path = f"{self.plan}{part}"
        form = self.audited_get(path, f"{name}: form")
        if form.status_code != 200:
            return
        fields = form_with(form.text, field)
        if fields is None or "revision" not in fields:
            self.environment.events.request.fire(
                request_type="CHECK",
                name=f"{name}: form has the fields",
                response_time=0,
                response_length=0,
                response=None,
                context={},
                exception=RuntimeError(f"no form with {field!r} and a revision on {path}"),
            )
            return
        saved = self.post_form(
            # Words no other save has used: two sessions that saved the same words from the
            # same revision get a 200 with the form and no message, not a 409 (reported as a
            # bug in docs/benchmarks.md), which would hide what this measures.
            path,
            fields,
            {field: f"{words} ({uuid.uuid4().hex[:8]})"},
            f"{name}: save",
        )
        if saved.status_code == 302:
            self.audited_get(self.plan, "person: my plan")


class Supporter(OurplanUser):
    """A carer or supporter reading what the person shares with them."""

    weight = 2
    journey = "supporters"

    def on_start(self) -> None:
        super().on_start()
        self.shared()

    @task(5)
    def shared(self) -> None:
        # One read entry for the page, naming the parts it showed.
        self.audited_get(
            "/supporting/", "supporter: shared parts", require='class="ourplan-shared-part"'
        )

    @task(1)
    def shared_pdf(self) -> None:
        self.audited_get("/supporting/shared.pdf", "supporter: shared parts PDF")


class Researcher(OurplanUser):
    """A researcher running analyses on a de-identified data set (no person records)."""

    weight = 1
    journey = "researchers"

    def on_start(self) -> None:
        super().on_start()
        home = self.client.get("/research/", name="research: home")
        self.datasets = DATASET_LINK.findall(home.text or "")
        if not self.datasets:
            raise StopUser()

    @task(2)
    def anova(self) -> None:
        self._analyse("anova", "value=wellbeing&group=site", "research: ANOVA with Tukey")

    @task(1)
    def describe(self) -> None:
        self._analyse("describe", "value=wellbeing&group=site", "research: describe")

    @task(1)
    def kruskal(self) -> None:
        self._analyse("kruskal", "value=wellbeing&group=site", "research: Kruskal-Wallis")

    @task(1)
    def correlate(self) -> None:
        self._analyse(
            "correlate",
            "columns=wellbeing&columns=hope&columns=age&method=spearman",
            "research: correlations",
        )

    def _analyse(self, analysis: str, query: str, name: str) -> None:
        dataset = random.choice(self.datasets)
        with self.client.get(
            f"{dataset}?analysis={analysis}&{query}", name=name, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            elif "nhsuk-error-summary" in response.text:
                response.failure("the analysis form refused the request")
            else:
                response.success()


def _people_listed(text: str) -> int:
    return len(set(PERSON_LINK.findall(text)))
