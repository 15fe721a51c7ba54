"""The demo: about 200 entries for the demo person, an IG lead, two questions; loaded once."""

from __future__ import annotations

import pytest

from ourplan.core.models import AuditEntry
from ourplan.record_access.models import GovernanceLead, QuestionStatus, RecordAccessQuestion
from ourplan.record_access.queries import Filters, access_page, record_access_for


@pytest.mark.django_db
def test_the_demo_person_has_six_weeks_of_entries_an_ig_lead_and_two_questions() -> None:
    from ourplan.core.demo_loaders import load_all_demo_data
    from ourplan.people.models import Person

    load_all_demo_data()
    person = Person.objects.get(user__username="person")
    counts = (AuditEntry.objects.count(), RecordAccessQuestion.objects.count())
    load_all_demo_data()
    assert (AuditEntry.objects.count(), RecordAccessQuestion.objects.count()) == counts

    assert 180 <= record_access_for(person).count() <= 240
    lead = GovernanceLead.objects.get(organisation=person.organisation, ended_at__isnull=True)
    assert lead.user.username == "westmanager" and lead.granted_by.username == "admin"
    statuses = sorted(
        RecordAccessQuestion.objects.filter(person=person).values_list("status", flat=True)
    )
    assert statuses == [QuestionStatus.ANSWERED, QuestionStatus.OPEN]
    # Glenys, the sister who supports them, looked while crisis sharing was on, and at other times.
    shared = Filters(part="What is shared with a supporter")
    pages = access_page(person, shared, 1).page.paginator.num_pages
    reasons = {
        line.reason
        for number in range(1, pages + 1)
        for group in access_page(person, shared, number).groups
        for line in group.lines
    }
    assert "" in reasons
    assert any(reason.startswith("Crisis sharing was switched on: ‘") for reason in reasons)
