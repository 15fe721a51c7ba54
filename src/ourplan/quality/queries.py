"""Shared reads for the care plan audit: a version's facts, samples and their audits."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ourplan.coordination.models import Contact, ContactOutcome
from ourplan.people.models import Person, StaffMember, Supporter, Team
from ourplan.plans.models import PlanVersion, Review
from ourplan.quality import rules
from ourplan.quality.models import AuditSample, ItemAnswer, ManualAudit, SampledPlan


def facts_for(
    version: PlanVersion, person: Person, audit_day: date | None = None
) -> rules.PlanFacts:
    """Everything the automatic rules read about one version, as plain data."""
    snapshot = version.snapshot or {}
    version_day = timezone.localdate(version.created_at)
    review_data = snapshot.get("review") or {}
    kinds: tuple[str, ...] = ()
    if review_data.get("id"):
        kinds = tuple(
            Review.supporters_attended.through.objects.filter(
                review_id=review_data["id"]
            ).values_list("supporter__kind", flat=True)
        )
    since = version_day - timedelta(days=rules.CONTACT_WINDOW_DAYS)
    contacts = Contact.objects.filter(
        person=person,
        outcome=ContactOutcome.HAPPENED,
        starts_at__date__gte=since,
        starts_at__date__lte=version_day,
    ).values_list("starts_at", flat=True)
    return rules.PlanFacts(
        snapshot=snapshot,
        version_day=version_day,
        audit_day=audit_day or timezone.localdate(),
        person_signed=version.person_signed_at is not None,
        not_signed_reason=version.not_signed_reason,
        person_response=version.person_response,
        coordinator_signed=version.coordinator_signed_at is not None,
        copy_given=version.copy_given,
        review_supporter_kinds=kinds,
        supporters_on_record=Supporter.objects.filter(person=person).count(),
        contact_days=tuple(timezone.localdate(moment) for moment in contacts),
        care_programme_from=person.care_programme_from,
        gender=person.gender,
        date_of_birth=person.date_of_birth,
    )


def facts_for_many(
    versions: list[PlanVersion], audit_day: date | None = None
) -> dict[int, rules.PlanFacts]:
    """``facts_for`` for many versions in four queries, whatever their number (dashboards,
    benchmarks). Each version's ``plan.person`` must be loaded."""
    from django.db.models import Count

    audit_day = audit_day or timezone.localdate()
    person_ids = {v.plan.person_id for v in versions}
    review_ids = [
        (v.snapshot or {}).get("review", {}).get("id")
        for v in versions
        if (v.snapshot or {}).get("review")
    ]
    kinds: dict[int, list[str]] = {}
    for attended_at, kind in Review.supporters_attended.through.objects.filter(
        review_id__in=[r for r in review_ids if r]
    ).values_list("review_id", "supporter__kind"):
        kinds.setdefault(attended_at, []).append(kind)
    supporters = dict(
        Supporter.objects.filter(person_id__in=person_ids)
        .values("person_id")
        .annotate(n=Count("pk"))
        .values_list("person_id", "n")
    )
    contacts: dict[Any, list[date]] = {}
    if versions:
        earliest = min(timezone.localdate(v.created_at) for v in versions)
        for person_id, moment in Contact.objects.filter(
            person_id__in=person_ids,
            outcome=ContactOutcome.HAPPENED,
            starts_at__date__gte=earliest - timedelta(days=rules.CONTACT_WINDOW_DAYS),
        ).values_list("person_id", "starts_at"):
            contacts.setdefault(person_id, []).append(timezone.localdate(moment))
    found = {}
    for version in versions:
        person = version.plan.person
        snapshot = version.snapshot or {}
        review_id = (snapshot.get("review") or {}).get("id")
        version_day = timezone.localdate(version.created_at)
        start = version_day - timedelta(days=rules.CONTACT_WINDOW_DAYS)
        found[version.pk] = rules.PlanFacts(
            snapshot=snapshot,
            version_day=version_day,
            audit_day=audit_day,
            person_signed=version.person_signed_at is not None,
            not_signed_reason=version.not_signed_reason,
            person_response=version.person_response,
            coordinator_signed=version.coordinator_signed_at is not None,
            copy_given=version.copy_given,
            review_supporter_kinds=tuple(kinds.get(review_id, ())) if review_id else (),
            supporters_on_record=supporters.get(person.pk, 0),
            contact_days=tuple(d for d in contacts.get(person.pk, []) if start <= d <= version_day),
            care_programme_from=person.care_programme_from,
            gender=person.gender,
            date_of_birth=person.date_of_birth,
        )
    return found


def automatic_findings(
    entry: SampledPlan, audit_day: date | None = None
) -> dict[str, rules.Finding]:
    return rules.audit(facts_for(entry.version, entry.person, audit_day))


def eligible_people(team: Team) -> list[tuple[Any, int]]:
    """(person id, latest version id) for each open record in the team with a signed-off
    version, in a fixed order so a seed always draws the same people."""
    latest: dict[Any, int] = {}
    rows = (
        PlanVersion.objects.filter(
            plan__person__team=team, plan__person__restricted_at__isnull=True
        )
        .order_by("plan__person_id", "number")
        .values_list("plan__person_id", "pk")
    )
    for person_id, version_id in rows:
        latest[person_id] = version_id
    return sorted(latest.items(), key=lambda pair: str(pair[0]))


def samples_drawn_by_team_of(user: Any) -> QuerySet[AuditSample]:
    return AuditSample.objects.filter(drawn_by=user).prefetch_related("teams")


def samples_audited_by(user: Any, today: date) -> QuerySet[AuditSample]:
    from django.db.models import Q

    return AuditSample.objects.filter(
        Q(first_auditor=user) | Q(second_auditor=user), closes_on__gte=today
    ).prefetch_related("teams")


def entries_of(sample: AuditSample) -> list[SampledPlan]:
    return list(sample.entries.select_related("team", "version").prefetch_related("audits"))


def audits_of(sample: AuditSample) -> list[ManualAudit]:
    return list(
        ManualAudit.objects.filter(entry__sample=sample)
        .select_related("entry")
        .prefetch_related("answers")
    )


def audit_of(entry: SampledPlan, round_number: int) -> ManualAudit | None:
    return (
        ManualAudit.objects.filter(entry=entry, round=round_number)
        .prefetch_related("answers")
        .first()
    )


def has_audited(entry: SampledPlan, user: Any) -> bool:
    return ManualAudit.objects.filter(entry=entry, auditor=user).exists()


def auditor_choices(organisation_id: int) -> QuerySet[StaffMember]:
    from ourplan.accounts.models import CLINICAL_ROLES, Role

    return StaffMember.objects.filter(
        organisation_id=organisation_id,
        user__is_active=True,
        user__role__in=[*CLINICAL_ROLES, Role.RESEARCHER],
    ).select_related("user")


def coordinator_names(person: Person) -> list[str]:
    """Names of the person's care team, which blinding must keep from the auditor."""
    from ourplan.people.models import CareTeamMembership

    return [
        membership.staff.user.display_name
        for membership in CareTeamMembership.objects.filter(person=person).select_related(
            "staff__user"
        )
    ]


def samples_managed_by(user: Any, team_id: int | None) -> QuerySet[AuditSample]:
    from django.db.models import Q

    return (
        AuditSample.objects.filter(Q(drawn_by=user) | Q(teams__pk=team_id))
        .distinct()
        .prefetch_related("teams")
    )


def _names(person: Person) -> list[str]:
    return [n for n in (person.given_name, person.family_name, person.preferred_name) if n]


def version_reading(entry: SampledPlan) -> dict[str, Any]:
    """What the auditor reads: the frozen version, the person's name always hidden and the
    care team's when the sample is blinded, with the front-page facts beside it."""
    from ourplan.people.models import PersonGender
    from ourplan.quality import reading

    person, version = entry.person, entry.version
    staff = coordinator_names(person) if entry.sample.blinded else None
    if staff is not None and version.coordinator_signed_by is not None:
        staff.append(version.coordinator_signed_by.display_name)
    snapshot = reading.for_auditor(version.snapshot or {}, _names(person), staff)
    facts = facts_for(version, person)
    called = str(_("the person"))
    months, months_reason = rules.months_on_cpa(facts)
    return {
        "entry": entry,
        "version": version,
        "snapshot": snapshot,
        "sections": reading.sections(snapshot, called),
        "goals": reading.goals(snapshot, called),
        "gender": dict(PersonGender.choices).get(person.gender, _("Not recorded")),
        "age": person.age_on(facts.version_day),
        "months_on_cpa": months,
        "months_reason": months_reason,
        "contact_days": sorted(facts.contact_days),
        "review_supporter_kinds": facts.review_supporter_kinds,
        "not_signed_reason": reading.blind(
            version.not_signed_reason, _names(person), str(_("the person"))
        ),
    }


def answers_by_study(sample: AuditSample, round_number: int) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for item in ItemAnswer.objects.filter(
        audit__entry__sample=sample, audit__round=round_number
    ).values_list("audit__entry__study_id", "item", "answer"):
        found.setdefault(item[0], {})[item[1]] = item[2]
    return found


def automatic_by_study(sample: AuditSample) -> dict[str, dict[str, str]]:
    today = timezone.localdate()
    return {
        entry.study_id: {k: str(f.answer) for k, f in automatic_findings(entry, today).items()}
        for entry in sample.entries.select_related("version", "person")
    }


def sample_agreement(sample: AuditSample) -> dict[str, Any]:
    from ourplan.quality.agreement import agreement
    from ourplan.quality.template import CONTENT_KEYS, FRONT_KEYS

    keys = (*FRONT_KEYS, *CONTENT_KEYS)
    first = answers_by_study(sample, 1)
    second = answers_by_study(sample, 2)
    automatic = automatic_by_study(sample)
    return {
        "automatic_vs_first": agreement(keys, automatic, first),
        "first_vs_second": agreement(keys, first, second),
        "first_count": len(first),
        "second_count": len(second),
    }


def export_rows(sample: AuditSample) -> list[list[Any]]:
    """One row per plan, reading and question: de-identified (study ids, team names)."""
    from ourplan.quality.template import CONTENT_KEYS, FRONT_KEYS

    keys = (*FRONT_KEYS, *CONTENT_KEYS)
    rows: list[list[Any]] = []
    automatic = automatic_by_study(sample)
    teams = {e.study_id: e.team.name for e in sample.entries.select_related("team")}
    for study, answers in automatic.items():
        rows.extend([study, teams[study], "automatic", key, answers[key], ""] for key in keys)
    for answer in (
        ItemAnswer.objects.filter(audit__entry__sample=sample)
        .select_related("audit__entry__team")
        .order_by("audit__entry__position", "audit__round", "id")
    ):
        entry = answer.audit.entry
        source = "first_auditor" if answer.audit.round == 1 else "second_auditor"
        rows.append(
            [entry.study_id, entry.team.name, source, answer.item, answer.answer, answer.note]
        )
    return rows


def sample_report(sample: AuditSample) -> dict[str, Any]:
    """The audit report: per question, the share of Yes automatically and by the first
    auditor, and their agreement."""
    from ourplan.quality.dashboard import Share
    from ourplan.quality.template import CONTENT, FRONT_PAGE

    automatic = automatic_by_study(sample)
    first = answers_by_study(sample, 1)
    agreement_rows = {row.key: row for row in sample_agreement(sample)["automatic_vs_first"]}

    def share(readings: dict[str, dict[str, str]], key: str) -> Share:
        answers = [r.get(key) for r in readings.values()]
        yes = answers.count("yes")
        return Share(yes, yes + answers.count("no"))

    items = [i for i in (*FRONT_PAGE, *CONTENT) if i.key != "contact_frequency"]
    return {
        "report_rows": [
            {
                "item": item,
                "automatic": share(automatic, item.key),
                "manual": share(first, item.key),
                "agreement": agreement_rows[item.key],
            }
            for item in items
        ],
        "teams_text": ", ".join(team.name for team in sample.teams.all()),
    }
