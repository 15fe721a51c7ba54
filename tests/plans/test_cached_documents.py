"""A signed version's PDF is made once, kept in storage and served from there (plans.pdf).

Real WeasyPrint, real file storage (a temporary MEDIA_ROOT), real access checks and audit.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from ourplan.core.models import AuditAction, AuditEntry
from ourplan.plans import services
from ourplan.plans.models import PlanVersion
from ourplan.plans.pdf import STORED_DOCUMENTS


@pytest.fixture(autouse=True)
def storage_root(settings: Any, tmp_path: Path) -> Path:
    # FileSystemStorage follows MEDIA_ROOT when the setting changes.
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _pdf_words(body: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _stored(root: Path, version: PlanVersion) -> list[Path]:
    folder = root / STORED_DOCUMENTS / f"version-{version.pk}"
    return sorted(folder.glob("*.pdf")) if folder.exists() else []


def _version(standing: Any, *, signed: bool) -> PlanVersion:
    plan = services.plan_start(actor=standing.coordinator, person=standing.person)
    # Written by the person: "In your own words" to them, "In Ada's own words" to staff.
    services.goal_add(
        actor=standing.person_user,
        plan=plan,
        text="Walk to the park on Sundays",
        life_area=services.life_areas_for(standing.organisation)[0],
    )
    version = services.version_create(actor=standing.coordinator, plan=plan)
    if signed:
        version = services.version_sign(
            actor=standing.coordinator, version=version, as_person=False
        )
    return version


def _url(standing: Any, version: PlanVersion, query: str = "") -> str:
    return reverse("plans:version_pdf", args=[standing.person.pk, version.number]) + query


def test_first_request_after_signing_is_stored_and_then_served_from_storage(
    standing: Any, client_for: Any, storage_root: Path
) -> None:
    version = _version(standing, signed=True)
    assert _stored(storage_root, version) == []
    client = client_for(standing.coordinator)

    first = client.get(_url(standing, version))
    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    [stored] = _stored(storage_root, version)
    assert first.content == stored.read_bytes()
    assert "Walk to the park on Sundays" in _pdf_words(first.content)

    # The second request sends the stored bytes, not a fresh layout: replace the stored
    # file and the response is the replacement.
    replacement = stored.read_bytes() + b"\n% the kept copy\n"
    stored.write_bytes(replacement)
    second = client.get(_url(standing, version))
    assert second.content == replacement

    # Each request, from storage or not, is a read of the version and an export.
    entries = AuditEntry.objects.filter(
        actor=standing.coordinator, object_type="plan_version", object_id=str(version.pk)
    )
    assert entries.filter(action=AuditAction.READ).count() == 2
    assert entries.filter(action=AuditAction.EXPORT).count() == 2


def test_the_stored_pdf_is_per_language(standing: Any, client_for: Any, storage_root: Path) -> None:
    version = _version(standing, signed=True)
    client = client_for(standing.coordinator)

    english = client.get(_url(standing, version), HTTP_ACCEPT_LANGUAGE="en-gb")
    welsh = client.get(_url(standing, version), HTTP_ACCEPT_LANGUAGE="cy")

    assert "What this version says" in _pdf_words(english.content)
    assert "Beth mae'r fersiwn hon yn ei ddweud" in _pdf_words(welsh.content).replace("’", "'")
    names = [path.name for path in _stored(storage_root, version)]
    assert len(names) == 2
    assert any("-cy-" in name for name in names)
    assert any("-en-gb-" in name for name in names)
    # Asking again in English serves the English copy, not the Welsh one.
    again = client.get(_url(standing, version), HTTP_ACCEPT_LANGUAGE="en-gb")
    assert again.content == english.content


def test_a_further_signature_comment_or_copy_given_makes_a_fresh_pdf(
    standing: Any, client_for: Any, storage_root: Path
) -> None:
    version = _version(standing, signed=True)
    client = client_for(standing.coordinator)
    before = _pdf_words(client.get(_url(standing, version)).content)
    assert "Printed copy" not in before

    services.version_copy_given(actor=standing.coordinator, version=version, how="print")
    after_copy = client.get(_url(standing, version))
    assert "Printed copy" in _pdf_words(after_copy.content)

    services.version_respond(
        actor=standing.person_user,
        version=version,
        response="disagree",
        comment="The park is closed in winter",
    )
    after_answer = _pdf_words(client.get(_url(standing, version)).content)
    assert "The park is closed in winter" in after_answer
    assert "Does not agree with this version" in after_answer

    # The copies that showed the earlier signatures are gone: one PDF per kind and language.
    [stored] = _stored(storage_root, version)
    assert "The park is closed in winter" in _pdf_words(stored.read_bytes())


def test_an_unsigned_version_is_rendered_live_and_never_stored(
    standing: Any, client_for: Any, storage_root: Path
) -> None:
    version = _version(standing, signed=False)
    client = client_for(standing.coordinator)
    for query in ("", "?large=1"):
        response = client.get(_url(standing, version, query))
        assert response.status_code == 200
        assert "Walk to the park on Sundays" in _pdf_words(response.content)
    assert _stored(storage_root, version) == []
    assert not (storage_root / STORED_DOCUMENTS).exists()


def test_a_refused_user_gets_403_and_no_stored_bytes(
    standing: Any, client_for: Any, storage_root: Path
) -> None:
    version = _version(standing, signed=True)
    stored_bytes = client_for(standing.coordinator).get(_url(standing, version)).content
    assert _stored(storage_root, version)

    refused = client_for(standing.other_team_coordinator).get(_url(standing, version))
    assert refused.status_code == 403
    assert b"%PDF" not in refused.content
    assert stored_bytes not in refused.content
    assert AuditEntry.objects.filter(
        actor=standing.other_team_coordinator, action=AuditAction.DENIED
    ).exists()
    assert not AuditEntry.objects.filter(
        actor=standing.other_team_coordinator, action=AuditAction.EXPORT
    ).exists()


def test_the_person_and_staff_each_get_their_own_words_and_large_print_is_kept_apart(
    standing: Any, client_for: Any, storage_root: Path
) -> None:
    version = _version(standing, signed=True)
    staff = client_for(standing.coordinator).get(_url(standing, version))
    mine = client_for(standing.person_user).get(_url(standing, version))
    large = client_for(standing.coordinator).get(_url(standing, version, "?large=1"))
    assert mine.status_code == staff.status_code == large.status_code == 200
    assert len({staff.content, mine.content, large.content}) == 3
    assert "In your own words" in _pdf_words(mine.content)
    assert "In your own words" not in _pdf_words(staff.content)
    names = [path.name for path in _stored(storage_root, version)]
    assert len(names) == 3
    assert sum(name.startswith("version-large-") for name in names) == 1
    assert sum("-person-" in name for name in names) == 1


@pytest.fixture
def tasks_run_in_the_request(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_signing_stores_the_pdf_after_the_commit_and_the_first_request_is_served_from_it(
    standing: Any,
    client_for: Any,
    storage_root: Path,
    tasks_run_in_the_request: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    version = _version(standing, signed=False)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.version_sign(actor=standing.coordinator, version=version, as_person=False)
    # Nothing is laid out inside the signing transaction.
    assert _stored(storage_root, version) == []
    for callback in queued:
        callback()
    # Standard print for staff and for the person, in English (an English organisation).
    names = [path.name for path in _stored(storage_root, version)]
    assert sorted(name.rsplit("-", 1)[0] for name in names) == [
        "version-person-en-gb",
        "version-staff-en-gb",
    ]
    [staff_copy] = [path for path in _stored(storage_root, version) if "-staff-" in path.name]
    kept = staff_copy.read_bytes() + b"\n% stored at signing\n"
    staff_copy.write_bytes(kept)

    first = client_for(standing.coordinator).get(_url(standing, version))
    assert first.content == kept


def test_a_pdf_that_cannot_be_made_at_signing_never_loses_the_signature(
    standing: Any,
    client_for: Any,
    settings: Any,
    tmp_path: Path,
    tasks_run_in_the_request: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Storage that cannot hold anything: its root is a file, not a folder.
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    settings.MEDIA_ROOT = blocked
    version = _version(standing, signed=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.version_sign(actor=standing.coordinator, version=version, as_person=False)
    version.refresh_from_db()
    assert version.coordinator_signed_at is not None
    # And the PDF is still served, laid out live.
    response = client_for(standing.coordinator).get(_url(standing, version))
    assert response.status_code == 200
    assert "Walk to the park on Sundays" in _pdf_words(response.content)
