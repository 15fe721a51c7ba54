"""The demo holds, for each demo organisation, a care plan audit sample with audits done by
two auditors, and a self-assessment with an owned action and a cycle; loading twice adds
nothing."""

from __future__ import annotations

import pytest

from ourplan.core.demo_loaders import load_all_demo_data
from ourplan.quality import queries
from ourplan.quality.demo import ASSESSMENT_TITLE, SAMPLE_NAME
from ourplan.quality.models import (
    AuditSample,
    ImprovementAction,
    ImprovementCycle,
    ManualAudit,
    SampledPlan,
    SelfAssessment,
)

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            AuditSample,
            SampledPlan,
            ManualAudit,
            SelfAssessment,
            ImprovementAction,
            ImprovementCycle,
        )
    )


def test_the_demo_audits_both_organisations_and_loading_twice_adds_nothing() -> None:
    load_all_demo_data()
    samples = list(AuditSample.objects.filter(name=SAMPLE_NAME))
    assert {s.organisation.code for s in samples} == {"ZZE01", "ZZW01"}
    for sample in samples:
        assert sample.second_auditor_id is not None and sample.double_review_percent == 50
        audits = ManualAudit.objects.filter(entry__sample=sample)
        assert audits.filter(round=1).exists() and audits.filter(round=2).exists()
        # Something is left for the demo auditor to do.
        assert sample.entries.exclude(audits__round=1).exists()
        # The pair both audited gives the agreement page something to compare.
        assert queries.sample_agreement(sample)
    for assessment in SelfAssessment.objects.filter(title=ASSESSMENT_TITLE):
        action = ImprovementAction.objects.get(assessment=assessment)
        assert action.owner.organisation_id == assessment.organisation_id
        assert ImprovementCycle.objects.filter(action=action).count() == 1
    assert SelfAssessment.objects.filter(title=ASSESSMENT_TITLE).count() == 2

    before = _counts()
    load_all_demo_data()
    assert _counts() == before
