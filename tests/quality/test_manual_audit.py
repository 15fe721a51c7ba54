"""The manual audit: the auditor reads the version (audited, blinded) and completes the
template; answers outside the template are refused; agreement is computed."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ourplan.core.models import AuditAction, AuditEntry
from ourplan.plans import services as plan_services
from ourplan.quality import agreement, queries, services
from ourplan.quality.models import ItemAnswer, ManualAudit
from ourplan.quality.template import CONTENT_KEYS, FRONT_KEYS
from tests.quality.quality_builders import draw, reviewed_plan

ALL_NO = dict.fromkeys((*FRONT_KEYS, *CONTENT_KEYS), "no") | {"contact_frequency": "monthly"}


def _sample(standing: Any, first: Any = None, **extra: Any) -> Any:
    version = reviewed_plan(standing.person, standing.coordinator, person_attended=True)
    plan_services.version_sign(actor=standing.coordinator, version=version, as_person=False)
    return draw(standing.manager, [standing.team], first or standing.clinician, **extra)


def test_the_auditor_reads_the_version_blinded_and_every_read_is_audited(
    standing: Any, client_for: Any
) -> None:
    sample = _sample(standing, blinded=True)
    entry = sample.entries.get()
    client = client_for(standing.clinician)
    before = AuditEntry.objects.filter(action=AuditAction.READ).count()
    page = client.get(reverse("quality:audit", args=[sample.pk, entry.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    # Neither the person nor the coordinator (who wrote the goal, recorded the review and
    # signed) is named anywhere on the page.
    assert entry.study_id in text
    for name in ("Coordinator Tester", "Ada Example", "Ada"):
        assert name not in text
    assert "a member of staff" in text
    automatic = client.get(reverse("quality:entry", args=[sample.pk, entry.pk]))
    assert "Coordinator Tester" not in automatic.content.decode()
    reads = AuditEntry.objects.filter(action=AuditAction.READ).order_by("pk")[before:]
    assert [(r.object_type, r.object_id, r.person_id) for r in reads] == [
        ("plan_version", str(entry.version_id), standing.person.pk)
    ] * 2


def test_without_blinding_the_coordinator_is_named(standing: Any, client_for: Any) -> None:
    sample = _sample(standing, blinded=False)
    entry = sample.entries.get()
    page = client_for(standing.clinician).get(reverse("quality:audit", args=[sample.pk, entry.pk]))
    assert "Coordinator Tester" in page.content.decode()
    assert "Ada Example" not in page.content.decode()


def test_auditors_see_the_sampled_plans_only_until_the_sample_closes(
    standing: Any, client_for: Any
) -> None:
    # An auditor from another team, who has no other way to the plan.
    sample = _sample(standing, first=standing.other_team_coordinator)
    entry = sample.entries.get()
    url = reverse("quality:audit", args=[sample.pk, entry.pk])
    client = client_for(standing.other_team_coordinator)
    assert client.get(url).status_code == 200
    sample.closes_on = timezone.localdate() - timedelta(days=1)
    sample.save()
    assert client.get(url).status_code == 403
    # The plan itself was never open to the auditor outside the audit.
    assert client.get(reverse("plans:plan", args=[standing.person.pk])).status_code in (403, 404)


def test_completing_the_template_saves_every_answer_and_audits_it(standing: Any) -> None:
    sample = _sample(standing)
    entry = sample.entries.get()
    notes = {"coproduction": "Nothing written together."}
    saved = services.manual_audit_save(
        actor=standing.clinician, entry=entry, answers=ALL_NO, notes=notes, months_on_cpa=14
    )
    assert saved.answers.count() == 25
    assert saved.answers.get(item="coproduction").note == "Nothing written together."
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_type="care_plan_audit", person=standing.person
    ).exists()
    again = services.manual_audit_save(
        actor=standing.clinician, entry=entry, answers=ALL_NO | {"coproduction": "yes"}
    )
    assert again.pk == saved.pk
    assert again.answers.get(item="coproduction").answer == "yes"


def test_an_answer_outside_the_template_is_refused_and_nothing_is_written(
    standing: Any, client_for: Any
) -> None:
    sample = _sample(standing)
    entry = sample.entries.get()
    with pytest.raises(ValidationError) as refused:
        services.manual_audit_save(
            actor=standing.clinician, entry=entry, answers=ALL_NO | {"coproduction": "maybe"}
        )
    assert "Co-production" in str(refused.value)
    assert not ManualAudit.objects.exists()
    # Through the page: the message says which answers are allowed.
    client = client_for(standing.clinician)
    url = reverse("quality:audit", args=[sample.pk, entry.pk])
    form = ALL_NO | {
        "coproduction": "maybe",
        "submission_key": "00000000-0000-4000-8000-000000000001",
    }
    page = client.post(url, form)
    assert page.status_code == 200
    assert "Answer with one of: Yes, No, Unclear, Not applicable." in page.content.decode()
    assert not ItemAnswer.objects.exists()
    page = client.post(url, ALL_NO | {"submission_key": "00000000-0000-4000-8000-000000000002"})
    assert page.status_code == 302
    assert ManualAudit.objects.get().auditor == standing.clinician


def test_someone_not_named_as_auditor_cannot_save(standing: Any) -> None:
    sample = _sample(standing)
    with pytest.raises(ValidationError):
        services.manual_audit_save(
            actor=standing.coordinator, entry=sample.entries.get(), answers=ALL_NO
        )


def test_agreement_between_the_automatic_audit_and_the_auditor_lists_disagreements(
    standing: Any, client_for: Any
) -> None:
    sample = _sample(standing)
    entry = sample.entries.get()
    automatic = {k: str(f.answer) for k, f in queries.automatic_findings(entry).items()}
    manual = dict(automatic) | {
        "coproduction": "yes" if automatic["coproduction"] != "yes" else "no"
    }
    services.manual_audit_save(actor=standing.clinician, entry=entry, answers=manual)
    found = queries.sample_agreement(sample)
    rows = {row.key: row for row in found["automatic_vs_first"]}
    assert rows["coproduction"].percent == 0
    assert [d.study_id for d in rows["coproduction"].disagreements] == [entry.study_id]
    assert rows["persons_views"].percent == 100
    assert rows["persons_views"].kappa is None  # one plan, one answer: kappa undefined
    page = client_for(standing.manager).get(reverse("quality:agreement", args=[sample.pk]))
    assert entry.study_id in page.content.decode()


def test_kappa_per_item_matches_a_hand_worked_example() -> None:
    # Ten plans. Automatic v auditor on one item: 4 both yes, 1 yes/no, 2 no/yes, 3 both no.
    # p_o = 7/10; p_e = (5/10)(6/10) + (5/10)(4/10) = 0.5; kappa = (0.7 - 0.5)/0.5 = 0.4.
    pairs = (
        [("s", "yes", "yes")] * 4
        + [("a", "yes", "no")]
        + [("b", "no", "yes")] * 2
        + [("s", "no", "no")] * 3
    )
    result = agreement.item_agreement("coproduction", pairs)
    assert result.percent == pytest.approx(70)
    assert result.kappa == pytest.approx(0.4)
    assert len(result.disagreements) == 3


def test_kappa_matches_altmans_published_radiologist_example() -> None:
    """The example tests/studies uses: Altman (1991) table 14.2, kappa 0.4728 (Stata rate2)."""
    table = [[21, 12, 0, 0], [4, 17, 1, 0], [3, 9, 15, 2], [0, 0, 0, 1]]
    names = ["normal", "benign", "suspected", "cancer"]
    pairs = [
        ("x", names[i], names[j])
        for i, row in enumerate(table)
        for j, count in enumerate(row)
        for _n in range(count)
    ]
    result = agreement.item_agreement("coproduction", pairs)
    assert result.kappa == pytest.approx(0.4728, abs=5e-5)
    assert result.percent == pytest.approx(63.53, abs=0.01)


def test_the_export_is_de_identified_and_formula_safe(standing: Any, client_for: Any) -> None:
    sample = _sample(standing)
    entry = sample.entries.get()
    services.manual_audit_save(
        actor=standing.clinician, entry=entry, answers=ALL_NO, notes={"coproduction": "=1+1"}
    )
    response = client_for(standing.manager).get(reverse("quality:export", args=[sample.pk]))
    body = response.content.decode()
    assert "'=1+1" in body
    assert "Ada" not in body
    assert body.count(entry.study_id) == 50  # 25 automatic rows, 25 from the auditor
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).count() == 1


def test_an_auditor_sees_the_automatic_answers_only_after_saving_their_own(
    standing: Any, client_for: Any
) -> None:
    sample = _sample(standing)
    entry = sample.entries.get()
    url = reverse("quality:entry", args=[sample.pk, entry.pk])
    auditor = client_for(standing.clinician)
    before = auditor.get(url).content.decode()
    assert 'data-testid="automatic-hidden"' in before
    assert 'data-testid="automatic-content"' not in before
    manager_page = client_for(standing.manager).get(url).content.decode()
    assert 'data-testid="automatic-content"' in manager_page
    services.manual_audit_save(actor=standing.clinician, entry=entry, answers=ALL_NO)
    after = auditor.get(url).content.decode()
    assert 'data-testid="automatic-content"' in after


def test_xlsx_and_spss_exports_carry_every_reading_with_labels(
    standing: Any, client_for: Any, tmp_path: Any
) -> None:
    import io

    import pyreadstat
    from openpyxl import load_workbook

    sample = _sample(standing)
    entry = sample.entries.get()
    services.manual_audit_save(actor=standing.clinician, entry=entry, answers=ALL_NO)
    client = client_for(standing.manager)
    url = reverse("quality:export", args=[sample.pk])
    book = load_workbook(io.BytesIO(client.get(url + "?format=xlsx").content))
    rows = list(book["answers"].iter_rows(values_only=True))
    assert rows[0][:4] == ("study_id", "team", "source", "signed_by_person")
    assert [r[2] for r in rows[1:]] == ["automatic", "first_auditor"]
    assert rows[2][rows[0].index("coproduction")] == "no"
    path = tmp_path / "audit.sav"
    path.write_bytes(client.get(url + "?format=sav").content)
    frame, meta = pyreadstat.read_sav(str(path))
    assert list(frame["coproduction"])[1] == 2.0  # No
    assert meta.column_names_to_labels["coproduction"] == "Co-production"
    assert meta.variable_value_labels["coproduction"][4.0] == "Not applicable"
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).count() == 2


def test_the_version_pdf_is_blinded_and_audited_and_the_report_shows_both_readings(
    standing: Any, client_for: Any
) -> None:
    from pypdf import PdfReader

    sample = _sample(standing, blinded=True)
    entry = sample.entries.get()
    response = client_for(standing.clinician).get(
        reverse("quality:entry_pdf", args=[sample.pk, entry.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert entry.study_id in text
    assert "Coordinator" not in text and "Tester" not in text and "Ada" not in text
    assert AuditEntry.objects.filter(
        action=AuditAction.READ, object_type="plan_version", object_id=str(entry.version_id)
    ).exists()
    services.manual_audit_save(actor=standing.clinician, entry=entry, answers=ALL_NO)
    manager = client_for(standing.manager)
    page = manager.get(reverse("quality:report", args=[sample.pk])).content.decode()
    assert 'data-item="persons_views"' in page
    pdf = manager.get(reverse("quality:report", args=[sample.pk]) + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
