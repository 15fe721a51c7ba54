"""Every URL × every method × every standing user, against a matrix of who may do what.

A URL that is not in the matrix fails the suite, so new pages cannot skip access review.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ourplan.accounts.models import Role
from ourplan.accounts.services import invitation_create, reset_link_parts
from ourplan.core.models import AuditAction, AuditEntry
from ourplan.people.models import Supporter, SupporterKind
from ourplan.research.models import Dataset
from tests.factories import make_user

EVERYONE = {
    "person",
    "other_person",
    "coordinator",
    "other_team_coordinator",
    "manager",
    "clinician",
    "supporter",
    "researcher",
    "administrator",
    "anonymous",
}
LOGGED_IN = EVERYONE - {"anonymous"}
TEAM_CLINICAL = {"coordinator", "manager", "clinician"}
ANY_CLINICAL = {"coordinator", "other_team_coordinator", "manager", "clinician"}
EDITORS = {"coordinator", "manager"}
PEOPLE = {"person", "other_person"}

# url name -> {method: roles allowed}. Methods not listed must be refused for everyone.
MATRIX: dict[str, dict[str, set[str]]] = {
    "site:home": {"GET": LOGGED_IN},
    "site:help_now": {"GET": EVERYONE},
    "record_access:mine": {"GET": PEOPLE},
    "accounts:login": {"GET": EVERYONE, "POST": EVERYONE},
    "accounts:logout": {"POST": EVERYONE},
    "accounts:two_factor": {"GET": LOGGED_IN, "POST": LOGGED_IN},
    "accounts:accept_invitation": {"GET": EVERYONE, "POST": EVERYONE},
    "accounts:password_change": {"GET": LOGGED_IN, "POST": LOGGED_IN},
    "accounts:password_reset": {"GET": EVERYONE, "POST": EVERYONE},
    "accounts:password_reset_confirm": {"GET": EVERYONE, "POST": EVERYONE},
    "set_language": {"GET": EVERYONE, "POST": EVERYONE},
    "people:caseload": {"GET": ANY_CLINICAL},
    "people:person_new": {
        "GET": {"coordinator", "other_team_coordinator", "manager"},
        "POST": {"coordinator", "other_team_coordinator", "manager"},
    },
    "people:person": {"GET": TEAM_CLINICAL | {"person"}},
    "people:person_edit": {"GET": EDITORS, "POST": EDITORS},
    "people:supporter_new": {"GET": EDITORS, "POST": EDITORS},
    "people:invite": {"POST": EDITORS},
    "people:my_home": {"GET": PEOPLE},
    "people:my_details": {"GET": PEOPLE, "POST": PEOPLE},
    "people:team_overview": {"GET": {"manager"}},
    "people:organisation": {"GET": {"administrator"}},
    "consent:contribution_policy": {"GET": {"administrator"}, "POST": {"administrator"}},
    "research:home": {"GET": {"researcher", "manager"}, "POST": {"researcher", "manager"}},
    "research:dataset": {"GET": {"researcher", "manager"}},
}
# Apps with many URLs keep their rows beside their own tests; they are merged here.
from tests.consent.consent_permissions import CONSENT_MATRIX, CONSENT_READS, consent_url_kwargs  # noqa: E402
from tests.coordination.coordination_permissions import (  # noqa: E402
    COORDINATION_MATRIX,
    COORDINATION_READS,
    coordination_url_kwargs,
)
from tests.measures.measures_permissions import (  # noqa: E402
    MEASURES_MATRIX,
    MEASURES_READS,
    measures_url_kwargs,
)
from tests.people.people_permissions import (  # noqa: E402
    PEOPLE_ADMIN_MATRIX,
    PEOPLE_READS,
    people_url_kwargs,
)
from tests.plans.plans_permissions import PLANS_MATRIX, PLANS_READS, plans_url_kwargs  # noqa: E402
from tests.quality.quality_permissions import QUALITY_MATRIX, QUALITY_READS, quality_url_kwargs  # noqa: E402
from tests.record_access.record_access_permissions import (  # noqa: E402
    RECORD_ACCESS_MATRIX,
    RECORD_ACCESS_READS,
    record_access_url_kwargs,
)
from tests.studies.studies_permissions import STUDIES_MATRIX, STUDIES_READS, studies_url_kwargs  # noqa: E402

# What an allowed GET leaves in the audit log, per URL (see _spec_for).
NO_PERSON_RECORD = "no person record"
READS: dict[str, Any] = {
    "site:home": NO_PERSON_RECORD,  # a redirect to the role's home
    "site:help_now": NO_PERSON_RECORD,
    "accounts:login": NO_PERSON_RECORD,
    "accounts:logout": NO_PERSON_RECORD,
    "accounts:two_factor": NO_PERSON_RECORD,
    "accounts:accept_invitation": NO_PERSON_RECORD,
    "accounts:password_change": NO_PERSON_RECORD,
    "accounts:password_reset": NO_PERSON_RECORD,
    "accounts:password_reset_confirm": NO_PERSON_RECORD,
    "set_language": NO_PERSON_RECORD,
    "consent:contribution_policy": NO_PERSON_RECORD,
    "research:home": NO_PERSON_RECORD,  # de-identified data sets only
    "research:dataset": NO_PERSON_RECORD,
}
READS.update(PLANS_READS)
READS.update(STUDIES_READS)
READS.update(CONSENT_READS)
READS.update(PEOPLE_READS)
READS.update(RECORD_ACCESS_READS)
READS.update(MEASURES_READS)
READS.update(COORDINATION_READS)
READS.update(QUALITY_READS)
MATRIX.update(PLANS_MATRIX)
MATRIX.update(STUDIES_MATRIX)
MATRIX.update(CONSENT_MATRIX)
MATRIX.update(RECORD_ACCESS_MATRIX)
MATRIX.update(MEASURES_MATRIX)
MATRIX.update(COORDINATION_MATRIX)
MATRIX.update(QUALITY_MATRIX)
MATRIX.update(PEOPLE_ADMIN_MATRIX)
METHODS = ("GET", "POST")


def all_url_names() -> dict[str, Any]:
    """Every named URL pattern in the project, with its pattern object."""
    found: dict[str, Any] = {}

    def walk(patterns: list[Any], namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(
                    entry.url_patterns,
                    f"{namespace}{entry.namespace}:" if entry.namespace else namespace,
                )
            elif isinstance(entry, URLPattern):
                assert entry.name, (
                    f"URL pattern {entry.pattern} has no name: every URL needs one for the matrix"
                )
                found[f"{namespace}{entry.name}"] = entry

    walk(get_resolver().url_patterns, "")
    return found


def test_every_url_is_in_the_matrix() -> None:
    missing = sorted(set(all_url_names()) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(all_url_names()))
    assert missing == [], f"URLs without a permission-matrix entry: {missing}"
    assert stale == [], f"Matrix entries for URLs that no longer exist: {stale}"


def _kwargs_for(name: str, standing: Any, extras: dict[str, Any]) -> dict[str, Any]:
    pattern = all_url_names()[name].pattern
    converters = getattr(pattern, "converters", {})
    kwargs: dict[str, Any] = {}
    for key in converters:
        if key == "person_id":
            kwargs[key] = standing.person.pk
        elif key == "token":
            kwargs[key] = extras["token"]
        elif key == "dataset_id":
            kwargs[key] = extras["dataset"].pk
        elif f"{name.split(':')[0]}:{key}" in extras:  # an app's own value for a shared name
            kwargs[key] = extras[f"{name.split(':')[0]}:{key}"]
        elif key in extras:
            kwargs[key] = extras[key]
        else:  # pragma: no cover - a new URL parameter must be taught to this test
            raise AssertionError(f"No matrix value for URL parameter {key!r} of {name}")
    return kwargs


def _outcome(response: Any) -> str:
    """'allowed' when the view did its work; 'denied' when access control stopped it."""
    if response.status_code in (403, 404, 405):
        return "denied"
    if response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")):
        return "denied"
    if response.status_code == 302 and reverse("accounts:two_factor") in response["Location"]:
        return "denied"
    return "allowed"


@pytest.fixture
def extras(standing: Any) -> dict[str, Any]:
    invitee = Supporter.objects.create(
        person=standing.person,
        given_name="Nell",
        kind=SupporterKind.FRIEND,
        relationship="my friend",
    )
    issued = invitation_create(actor=standing.coordinator, supporter=invitee)
    dataset = Dataset.objects.create(
        organisation=standing.organisation,
        uploaded_by=standing.researcher,
        name="scores",
        original_filename="scores.csv",
        content="site,score\nA,1\nA,2\nB,3\nB,4\n",
        row_count=4,
        columns=["site", "score"],
    )
    # A working reset link, for an account none of the standing users logs in as.
    forgetful = make_user("forgetful", Role.SERVICE_USER, email="forgetful@example.org")
    reset = {f"accounts:{key}": value for key, value in reset_link_parts(forgetful).items()}
    # Apps with their own URL parameters supply values for them (objects belonging to `standing`).
    return {
        "token": issued.token,
        **reset,
        "dataset": dataset,
        **plans_url_kwargs(standing),
        **consent_url_kwargs(standing),
        **record_access_url_kwargs(standing),
        **measures_url_kwargs(standing),
        **coordination_url_kwargs(standing),
        **quality_url_kwargs(standing),
        **studies_url_kwargs(standing),
        **people_url_kwargs(standing),
    }


def _spec_for(name: str) -> Any:
    return READS.get(name)


def test_every_url_says_what_its_page_leaves_in_the_audit_log() -> None:
    """Each URL declares the read entries an allowed GET writes, or that it shows no person record."""
    missing = sorted(name for name in MATRIX if name not in READS)
    assert missing == [], f"URLs without an audit-matrix entry (a ReadSpec): {missing}"


def _wanted(entries: list[tuple[Any, ...]], standing: Any) -> list[tuple[str, str, Any]]:
    """(type, id) entries are about the standing person; (type, id, person_pk) name their person."""
    return sorted(
        (str(entry[0]), str(entry[1]), entry[2] if len(entry) == 3 else standing.person.pk)
        for entry in entries
    )


def _reads_written(after_id: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(pk__gt=after_id, action=AuditAction.READ))


def _last_audit_id() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_allows_refuses_and_audits_as_the_matrix_says(
    name: str, standing: Any, extras: dict[str, Any], client_for: Any
) -> None:
    """One sweep of every method and standing user over one URL, checked three ways.

    - permissions: each request is allowed or refused exactly as MATRIX says;
    - audit matrix: each allowed GET leaves exactly the read entries READS names;
    - denial matrix: each refusal (403) leaves exactly one ``denied`` entry.
    """
    rules = MATRIX[name]
    spec = _spec_for(name)
    url = reverse(name, kwargs=_kwargs_for(name, standing, extras))
    unexpected: list[str] = []
    unaudited_reads: list[str] = []
    unlogged_refusals: list[str] = []
    for method in METHODS:
        allowed_roles = rules.get(method, set())
        for role, user in standing.users().items():
            before = _last_audit_id()
            client = client_for(user)
            response = client.get(url) if method == "GET" else client.post(url, {})
            outcome = _outcome(response)
            expected = "allowed" if role in allowed_roles else "denied"
            if outcome != expected:
                unexpected.append(
                    f"{method} {name} as {role}: expected {expected}, got {outcome} ({response.status_code})"
                )
            if response.status_code == 403:
                denied = AuditEntry.objects.filter(pk__gt=before, action=AuditAction.DENIED)
                if denied.count() != 1:
                    unlogged_refusals.append(
                        f"{method} {name} as {role}: {denied.count()} denied entries, expected 1"
                    )
            if method == "GET" and outcome == "allowed" and expected == "allowed" and spec:
                written = sorted(
                    (entry.object_type, entry.object_id, entry.person_id)
                    for entry in _reads_written(before)
                )
                wanted = (
                    []
                    if spec == NO_PERSON_RECORD
                    else _wanted(spec(standing, extras, role), standing)
                )
                if written != wanted:
                    unaudited_reads.append(
                        f"GET {name} as {role}: read entries {written}, expected {wanted}"
                    )
    assert unexpected == [], "\n".join(unexpected)
    assert unlogged_refusals == [], "\n".join(unlogged_refusals)
    assert unaudited_reads == [], "\n".join(unaudited_reads)
