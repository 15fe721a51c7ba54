"""Every write to questionnaires: keyword-only, atomic and audited.

Scores are written once, with the definition version that made them. ``rescore`` is the
only way a past response gets a new score, and it keeps the old one (superseded).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ourplan.core import audit
from ourplan.core.models import AuditAction
from ourplan.measures import catalogue
from ourplan.measures.models import (
    CareEnding,
    Demographics,
    InstrumentVersion,
    LicensedWording,
    MeasureSchedule,
    Mode,
    Occasion,
    PaperEntry,
    PaperEntryStatus,
    ReportRun,
    Request,
    Rescore,
    Respondent,
    Response,
    Score,
    Status,
)
from ourplan.measures.scoring import Definition, score_response
from ourplan.people.models import Organisation, Person, StaffMember, Supporter

NOT_APPLICABLE = "na"
DECLINED = "declined"

# When an organisation has not chosen its own schedule.
DEFAULT_SCHEDULE: dict[str, tuple[str, ...]] = {
    "rsa_person": (Occasion.PLAN_START, Occasion.REVIEW, Occasion.DISCHARGE),
    "star_p": (Occasion.PLAN_START, Occasion.REVIEW, Occasion.DISCHARGE),
    "empowerment": (Occasion.PLAN_START, Occasion.DISCHARGE),
    "review_check": (Occasion.REVIEW,),
    "carer_wellbeing": (Occasion.REVIEW,),
}
# Instruments that are not asked for: goal-based outcomes come from the plan itself.
NOT_SCHEDULED = frozenset({"gbo"})


# ----------------------------------------------------------------------------- definitions


def ensure_definitions() -> None:
    """Register each shipped definition that has no version yet, as its current version.

    A shipped file that has changed since its instrument was registered is not adopted
    here: an administrator does that on purpose (``adopt_definition``), then rescores.
    Project-written wording is loaded for every organisation at the same time.
    """
    known = set(InstrumentVersion.objects.values_list("instrument_id", flat=True).distinct())
    for definition in catalogue.shipped_definitions().values():
        if definition.id in known:
            continue
        try:
            with transaction.atomic():
                InstrumentVersion.objects.create(
                    instrument_id=definition.id,
                    version=definition.version,
                    digest=definition.digest,
                    name=definition.name,
                    respondent=definition.respondent,
                    definition=dict(definition.raw),
                    is_current=True,
                )
        except IntegrityError:  # registered by a concurrent request
            continue
    loaded = set(
        LicensedWording.objects.filter(organisation=None, replaced_at=None).values_list(
            "instrument_id", "language"
        )
    )
    for wording in catalogue.shipped_wording():
        if (wording.instrument, wording.language) in loaded:
            continue
        try:
            with transaction.atomic():
                LicensedWording.objects.create(
                    organisation=None,
                    instrument_id=wording.instrument,
                    language=wording.language,
                    holder=wording.holder,
                    preamble=wording.preamble,
                    texts=dict(wording.items),
                    response_labels={str(k): v for k, v in wording.response_labels.items()},
                )
        except IntegrityError:
            continue


def current_version(instrument_id: str) -> InstrumentVersion:
    version = InstrumentVersion.objects.filter(instrument_id=instrument_id, is_current=True).first()
    if version is None:
        ensure_definitions()
        version = InstrumentVersion.objects.filter(
            instrument_id=instrument_id, is_current=True
        ).first()
    if version is None:
        raise ValidationError(_("There is no questionnaire called %(id)s.") % {"id": instrument_id})
    return version


@transaction.atomic
def register_definition(
    *, actor: Any, definition: Definition, origin: str, make_current: bool = False
) -> InstrumentVersion:
    """Record a definition version (a changed shipped file, or one built from a REDCap
    dictionary). An identical one already recorded is returned as it is."""
    existing = InstrumentVersion.objects.filter(
        instrument_id=definition.id, digest=definition.digest
    ).first()
    if existing is not None:
        version = existing
    else:
        version = InstrumentVersion.objects.create(
            instrument_id=definition.id,
            version=definition.version,
            digest=definition.digest,
            name=definition.name,
            respondent=definition.respondent,
            definition=dict(definition.raw),
            origin=origin,
            registered_by=actor,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=InstrumentVersion.AUDIT_TYPE,
            object_id=version.pk,
        )
    has_current = InstrumentVersion.objects.filter(
        instrument_id=definition.id, is_current=True
    ).exists()
    if make_current or not has_current:
        _make_current(actor, version)
    return version


def _make_current(actor: Any, version: InstrumentVersion) -> None:
    InstrumentVersion.objects.filter(instrument_id=version.instrument_id, is_current=True).exclude(
        pk=version.pk
    ).update(is_current=False)
    if not version.is_current:
        version.is_current = True
        version.save(update_fields=["is_current"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=InstrumentVersion.AUDIT_TYPE,
            object_id=version.pk,
        )


@transaction.atomic
def adopt_definition(*, actor: Any, instrument_id: str) -> InstrumentVersion:
    """Make the shipped file's definition the one new responses use. Past scores stay as
    they are until ``rescore``."""
    definition = catalogue.shipped_definitions().get(instrument_id)
    if definition is None:
        raise ValidationError(
            _("There is no shipped definition of %(id)s.") % {"id": instrument_id}
        )
    version = register_definition(actor=actor, definition=definition, origin="shipped")
    _make_current(actor, version)
    return version


def _current_scores(response: Response) -> Any:
    return Score.objects.filter(response=response, superseded_at__isnull=True)


def _write_scores(
    response: Response, version: InstrumentVersion, definition: Definition
) -> list[Score]:
    scored = score_response(definition, response.answers)
    now = timezone.now()
    return Score.objects.bulk_create(
        Score(
            response=response,
            instrument=version,
            score_id=score_id,
            value=value.value,
            answered=value.answered,
            n_items=value.n_items,
            scored_at=now,
        )
        for score_id, value in scored.items()
    )


def effective_definition(
    version: InstrumentVersion, organisation: Organisation | None
) -> Definition | None:
    """The definition to score with: a licensed shell needs its licensed reverse keys
    (loaded with the organisation's wording) and is not scored without them."""
    definition = version.parsed
    if not definition.licensed_key:
        return definition
    wording = (
        LicensedWording.objects.filter(
            organisation=organisation, instrument_id=definition.id, replaced_at__isnull=True
        )
        .order_by("-loaded_at")
        .first()
        if organisation is not None
        else None
    )
    if wording is None:
        return None
    return definition.with_reverse_keys(wording.reverse)


@transaction.atomic
def rescore(*, actor: Any, instrument_id: str, reason: str) -> Rescore:
    """Score every finished response of an instrument with its current definition version.

    The previous scores are kept, marked superseded by this rescore: history shows what
    each response scored under each version and when that changed.
    """
    version = current_version(instrument_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the responses are being rescored.")})
    run = Rescore.objects.create(
        instrument_id=instrument_id, to_version=version, reason=reason, by=actor
    )
    now = timezone.now()
    responses = Response.objects.filter(
        instrument__instrument_id=instrument_id, status=Status.COMPLETE
    ).select_related("organisation")
    count = 0
    definitions: dict[int, Definition | None] = {}
    for response in responses.iterator(chunk_size=500):
        if response.organisation_id not in definitions:
            definitions[response.organisation_id] = effective_definition(
                version, response.organisation
            )
        definition = definitions[response.organisation_id]
        if definition is None:
            continue
        _current_scores(response).update(superseded_at=now, superseded_by=run)
        _write_scores(response, version, definition)
        count += 1
    run.rescored = count
    run.save(update_fields=["rescored"])
    audit.record(
        actor=actor, action=AuditAction.UPDATE, object_type=Rescore.AUDIT_TYPE, object_id=run.pk
    )
    return run


@transaction.atomic
def load_wording(
    *, actor: Any, organisation: Organisation, instrument_id: str, text: str
) -> LicensedWording:
    """Load an organisation's licensed wording; the file must be for this instrument.

    Raises ``catalogue.WordingError`` (nothing written) for a file that does not fit.
    """
    definition = current_version(instrument_id).parsed
    wording = catalogue.parse_wording_text(text, definition)
    now = timezone.now()
    LicensedWording.objects.filter(
        organisation=organisation,
        instrument_id=instrument_id,
        language=wording.language,
        replaced_at__isnull=True,
    ).update(replaced_at=now)
    loaded = LicensedWording.objects.create(
        organisation=organisation,
        instrument_id=instrument_id,
        language=wording.language,
        holder=wording.holder,
        preamble=wording.preamble,
        texts=dict(wording.items),
        response_labels={str(k): v for k, v in wording.response_labels.items()},
        reverse=list(wording.reverse),
        loaded_by=actor,
        loaded_at=now,
    )
    audit.record(
        actor=actor, action=AuditAction.CREATE, object_type="licensed_wording", object_id=loaded.pk
    )
    return loaded


@transaction.atomic
def save_schedule(
    *, actor: Any, organisation: Organisation, choices: Mapping[str, Iterable[str]]
) -> None:
    """Set when each instrument is asked for (``choices``: instrument id → occasions)."""
    for instrument_id, occasions in choices.items():
        chosen = set(occasions)
        row, _created = MeasureSchedule.objects.get_or_create(
            organisation=organisation, instrument_id=instrument_id
        )
        row.at_plan_start = Occasion.PLAN_START in chosen
        row.at_review = Occasion.REVIEW in chosen
        row.at_discharge = Occasion.DISCHARGE in chosen
        row._history_user = actor  # type: ignore[attr-defined]
        row.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="measure_schedule",
        object_id=organisation.pk,
    )


def scheduled_instruments(organisation: Organisation, occasion: str) -> list[str]:
    """Instruments an organisation asks for on this occasion (its own choice, or the default)."""
    rows = list(MeasureSchedule.objects.filter(organisation=organisation))
    if not rows:
        return [i for i, occasions in DEFAULT_SCHEDULE.items() if occasion in occasions]
    field = {
        Occasion.PLAN_START: "at_plan_start",
        Occasion.REVIEW: "at_review",
        Occasion.DISCHARGE: "at_discharge",
    }[Occasion(occasion)]
    return [row.instrument_id for row in rows if getattr(row, field)]


# ----------------------------------------------------------------------------- requests


def ask_for_occasion(
    *, person: Person, occasion: str, occasion_ref: str, asked_on: dt.date | None = None
) -> list[Request]:
    """Ask for the questionnaires the person's organisation schedules on this occasion:
    of the person, of their identified carers, and of their care coordinator (staff
    instruments about this person). Asking twice for one occasion asks once."""
    ensure_definitions()
    asked_on = asked_on or timezone.localdate()
    made: list[Request] = []
    respondents = dict(
        InstrumentVersion.objects.filter(is_current=True).values_list("instrument_id", "respondent")
    )
    coordinator = None
    for instrument_id in scheduled_instruments(person.organisation, occasion):
        kind = respondents.get(instrument_id)
        if kind is None or instrument_id in NOT_SCHEDULED:
            continue
        base = {
            "instrument_id": instrument_id,
            "occasion": occasion,
            "occasion_ref": occasion_ref,
            "organisation": person.organisation,
            "team": person.team,
            "asked_on": asked_on,
            "respondent": kind,
        }
        targets: list[dict[str, Any]] = []
        if kind == Respondent.PERSON:
            targets = [{"person": person}]
        elif kind == Respondent.CARER:
            targets = [
                {"person": person, "supporter": s}
                for s in Supporter.objects.filter(
                    person=person, ended_at__isnull=True, is_identified_carer=True
                )
            ]
        elif kind == Respondent.STAFF:
            if coordinator is None:
                from ourplan.people.models import CareTeamMembership

                membership = (
                    CareTeamMembership.objects.filter(
                        person=person, is_coordinator=True, ended_on__isnull=True
                    )
                    .select_related("staff")
                    .first()
                )
                coordinator = membership.staff if membership else False
            if coordinator:
                targets = [{"person": person, "staff": coordinator}]
        for target in targets:
            lookup = {k: base[k] for k in ("instrument_id", "occasion", "occasion_ref")}
            lookup.update(
                {k: v for k, v in target.items() if k != "person" or kind == Respondent.PERSON}
            )
            if Request.objects.filter(**lookup).exists():
                continue
            made.append(Request.objects.create(**base, **target))
    return made


@transaction.atomic
def record_care_ending(*, actor: Any, person: Person, ends_on: dt.date) -> CareEnding:
    """Care coordination ends on this day: ask for the discharge questionnaires."""
    ending = CareEnding(person=person, ends_on=ends_on, recorded_by=actor)
    audit.save_recorded(
        ending,
        actor=actor,
        action=AuditAction.CREATE,
        object_type=CareEnding.AUDIT_TYPE,
        person=person,
    )
    ask_for_occasion(
        person=person,
        occasion=Occasion.DISCHARGE,
        occasion_ref=f"ending:{ending.pk}",
        asked_on=ends_on,
    )
    return ending


@transaction.atomic
def withdraw_request(*, actor: Any, request: Request) -> Request:
    """A request that no longer applies (the person chose not to take part, say)."""
    request.withdrawn_at = timezone.now()
    request.save(update_fields=["withdrawn_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=Request.AUDIT_TYPE,
        object_id=request.pk,
        person=request.person,
    )
    return request


# ----------------------------------------------------------------------------- responses


def _check_answer(definition: Definition, item_id: str, value: Any) -> Any:
    if item_id not in definition.item_ids:
        raise ValidationError(
            _("%(item)s is not a question of this questionnaire.") % {"item": item_id}
        )
    if value in (NOT_APPLICABLE, DECLINED):
        if value == NOT_APPLICABLE and not definition.scale.not_applicable:
            raise ValidationError(_("This questionnaire has no 'not applicable' answer."))
        if value == DECLINED and definition.scale.prefer_not_to_answer is None:
            raise ValidationError(_("This questionnaire has no 'prefer not to answer' answer."))
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(_("%(item)s needs a whole number.") % {"item": item_id})
    if not definition.scale.low <= value <= definition.scale.high:
        raise ValidationError(
            _("%(item)s must be between %(low)d and %(high)d.")
            % {"item": item_id, "low": definition.scale.low, "high": definition.scale.high}
        )
    return value


def answer_from_code(definition: Definition, value: Any) -> Any:
    """A number read from a file, as stored: a missing code becomes ``"na"`` or ``"declined"``."""
    if value in definition.scale.not_applicable:
        return NOT_APPLICABLE
    if (
        definition.scale.prefer_not_to_answer is not None
        and value == definition.scale.prefer_not_to_answer
    ):
        return DECLINED
    return value


def _respondent_of(
    kind: str, person: Person | None, supporter: Supporter | None, staff: StaffMember | None
) -> tuple[Organisation, Any]:
    if kind == Respondent.PERSON and person is not None:
        return person.organisation, person.team
    if kind == Respondent.CARER and supporter is not None:
        return supporter.person.organisation, supporter.person.team
    if kind == Respondent.STAFF and staff is not None:
        return staff.organisation, staff.team
    raise ValidationError(_("This questionnaire is not for this respondent."))


def _open_request(
    instrument_id: str,
    kind: str,
    person: Person | None,
    supporter: Supporter | None,
    staff: StaffMember | None,
) -> Request | None:
    whose: dict[str, Any] = (
        {"person": person}
        if kind == Respondent.PERSON
        else {"supporter": supporter}
        if kind == Respondent.CARER
        else {"staff": staff, "person": person}
    )
    return (
        Request.objects.filter(
            instrument_id=instrument_id,
            respondent=kind,
            response__isnull=True,
            withdrawn_at__isnull=True,
            **whose,
        )
        .order_by("asked_on", "id")
        .first()
    )


def _new_response(
    *,
    actor: Any,
    version: InstrumentVersion,
    mode: str,
    occasion: str,
    person: Person | None,
    supporter: Supporter | None,
    staff: StaffMember | None,
    request: Request | None,
    answers: Mapping[str, Any] | None = None,
) -> Response:
    kind = version.respondent
    organisation, team = _respondent_of(kind, person, supporter, staff)
    if request is None:
        request = _open_request(version.instrument_id, kind, person, supporter, staff)
    response = Response.objects.create(
        instrument=version,
        organisation=organisation,
        team=team,
        person=person,
        supporter=supporter if kind == Respondent.CARER else None,
        staff=staff if kind == Respondent.STAFF else None,
        respondent=kind,
        mode=mode,
        occasion=request.occasion if request is not None else occasion,
        entered_by=actor,
        answers=dict(answers or {}),
    )
    if request is not None:
        request.response = response
        request.save(update_fields=["response"])
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type=Response.AUDIT_TYPE,
        object_id=response.pk,
        person=response.person if kind == Respondent.PERSON else None,
    )
    return response


@transaction.atomic
def start_response(
    *,
    actor: Any,
    instrument_id: str,
    mode: str,
    person: Person | None = None,
    supporter: Supporter | None = None,
    staff: StaffMember | None = None,
    occasion: str = Occasion.OTHER,
    request: Request | None = None,
) -> Response:
    """Begin a questionnaire; the oldest open request for it is answered by this response.

    A respondent with the same questionnaire already started goes back to it instead.
    """
    version = current_version(instrument_id)
    definition = version.parsed
    if definition.derived_from:
        raise ValidationError(
            _("%(name)s comes from the plan, not a questionnaire.") % {"name": definition.name}
        )
    kind = definition.respondent
    if kind == Respondent.CARER:
        if supporter is None:
            raise ValidationError(_("This questionnaire is for carers."))
        person = supporter.person
    started = Response.objects.filter(
        instrument__instrument_id=instrument_id,
        status=Status.IN_PROGRESS,
        respondent=kind,
        person=person,
        supporter=supporter if kind == Respondent.CARER else None,
        staff=staff if kind == Respondent.STAFF else None,
    ).first()
    if started is not None:
        return started
    return _new_response(
        actor=actor,
        version=version,
        mode=mode,
        occasion=occasion,
        person=person,
        supporter=supporter,
        staff=staff,
        request=request,
    )


@transaction.atomic
def save_answers(
    *,
    actor: Any,
    response: Response,
    answers: Mapping[str, Any],
    position: int | None = None,
    one_page: bool | None = None,
) -> Response:
    """Keep answers as they are given, so a questionnaire left halfway resumes where it was.

    ``answers`` maps item ids to an answer or to None (the answer taken back).
    """
    response = Response.objects.select_for_update().get(pk=response.pk)
    if response.is_complete:
        raise ValidationError(_("This questionnaire has been sent already."))
    definition = response.definition
    stored = dict(response.answers)
    for item_id, value in answers.items():
        if value is None:
            stored.pop(item_id, None)
        else:
            stored[item_id] = _check_answer(definition, item_id, value)
    response.answers = stored
    if position is not None:
        response.position = max(0, min(position, len(definition.items)))
    if one_page is not None:
        response.one_page = one_page
    response.updated_at = timezone.now()
    response._history_user = actor  # type: ignore[attr-defined]
    response.save(update_fields=["answers", "position", "one_page", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=Response.AUDIT_TYPE,
        object_id=response.pk,
        person=response.person if response.respondent == Respondent.PERSON else None,
    )
    return response


@transaction.atomic
def finish_response(
    *, actor: Any, response: Response, completed_on: dt.date | None = None
) -> Response:
    """Send the answers: the response is complete and scored with its definition version."""
    response = (
        Response.objects.select_for_update()
        .select_related("organisation", "instrument")
        .get(pk=response.pk)
    )
    if response.is_complete:
        return response
    if not response.answers:
        raise ValidationError(_("Answer at least one question before sending."))
    response.status = Status.COMPLETE
    response.completed_at = timezone.now()
    response.completed_on = completed_on or timezone.localdate()
    response.position = len(response.definition.items)
    response._history_user = actor  # type: ignore[attr-defined]
    response.save(update_fields=["status", "completed_at", "completed_on", "position"])
    definition = effective_definition(response.instrument, response.organisation)
    if definition is not None:
        _write_scores(response, response.instrument, definition)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=Response.AUDIT_TYPE,
        object_id=response.pk,
        person=response.person if response.respondent == Respondent.PERSON else None,
    )
    return response


# ----------------------------------------------------------------------------- demographics


@transaction.atomic
def save_demographics(
    *,
    actor: Any,
    answers: Mapping[str, Any],
    person: Person | None = None,
    staff: StaffMember | None = None,
) -> Demographics:
    """Keep the answers given; a question left blank is removed (every one is optional)."""
    if (person is None) == (staff is None):
        raise ValidationError("Demographics belong to one person or one member of staff.")
    record, _created = Demographics.objects.get_or_create(person=person, staff=staff)
    record.answers = {k: v for k, v in answers.items() if v not in (None, "")}
    record.updated_at = timezone.now()
    audit.save_recorded(
        record,
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=Demographics.AUDIT_TYPE,
        person=person,
        update_fields=["answers", "updated_at"],
    )
    return record


# ----------------------------------------------------------------------------- paper entry


def _check_all(definition: Definition, answers: Mapping[str, Any]) -> dict[str, Any]:
    return {
        item: _check_answer(definition, item, value)
        for item, value in answers.items()
        if value is not None
    }


@transaction.atomic
def paper_first_entry(
    *,
    actor: Any,
    person: Person,
    instrument_id: str,
    occasion: str,
    completed_on: dt.date,
    answers: Mapping[str, Any],
) -> PaperEntry:
    """Key in a paper questionnaire once. Nothing is scored until a second entry agrees."""
    version = current_version(instrument_id)
    if version.respondent != Respondent.PERSON:
        raise ValidationError(_("Paper entry is for questionnaires the person completes."))
    entry = PaperEntry(
        instrument=version,
        organisation=person.organisation,
        person=person,
        occasion=occasion,
        completed_on=completed_on,
        first_answers=_check_all(version.parsed, answers),
        first_by=actor,
    )
    audit.save_recorded(
        entry,
        actor=actor,
        action=AuditAction.CREATE,
        object_type=PaperEntry.AUDIT_TYPE,
        person=person,
    )
    return entry


def entry_differences(
    definition: Definition, first: Mapping[str, Any], second: Mapping[str, Any]
) -> list[str]:
    """The items the two entries disagree on, in questionnaire order (blank counts as an answer)."""
    return [i for i in definition.item_ids if first.get(i) != second.get(i)]


@dataclass(frozen=True)
class SecondEntryResult:
    entry: PaperEntry
    response: Response | None
    differences: tuple[str, ...]


@transaction.atomic
def paper_second_entry(
    *, actor: Any, entry: PaperEntry, answers: Mapping[str, Any]
) -> SecondEntryResult:
    """Key the same paper copy again. If both entries agree the response is saved and
    scored; if not, nothing is saved and the differing items are listed to resolve."""
    entry = (
        PaperEntry.objects.select_for_update()
        .select_related("instrument", "person")
        .get(pk=entry.pk)
    )
    if entry.status == PaperEntryStatus.SAVED:
        raise ValidationError(_("This paper copy has been saved already."))
    definition = entry.instrument.parsed
    second = _check_all(definition, answers)
    differences = entry_differences(definition, entry.first_answers, second)
    entry.second_answers = second
    entry.second_by = actor
    entry.second_at = timezone.now()
    entry.differences = differences
    if differences:
        entry.status = PaperEntryStatus.DIFFERENCES
        entry._history_user = actor  # type: ignore[attr-defined]
        entry.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=PaperEntry.AUDIT_TYPE,
            object_id=entry.pk,
            person=entry.person,
        )
        return SecondEntryResult(entry, None, tuple(differences))
    response = _save_paper_response(actor, entry, second)
    return SecondEntryResult(entry, response, ())


@transaction.atomic
def paper_resolve(*, actor: Any, entry: PaperEntry, resolved: Mapping[str, Any]) -> Response:
    """Settle each differing item from the paper copy; only then is the response saved."""
    entry = (
        PaperEntry.objects.select_for_update()
        .select_related("instrument", "person")
        .get(pk=entry.pk)
    )
    if entry.status != PaperEntryStatus.DIFFERENCES:
        raise ValidationError(_("There is nothing to resolve on this paper copy."))
    definition = entry.instrument.parsed
    unresolved = [item for item in entry.differences if item not in resolved]
    if unresolved:
        raise ValidationError(
            _("Check %(items)s against the paper copy before saving.")
            % {"items": ", ".join(unresolved)}
        )
    answers = dict(entry.second_answers or {})
    for item in entry.differences:
        value = resolved[item]
        if value is None:
            answers.pop(item, None)
        else:
            answers[item] = _check_answer(definition, item, value)
    return _save_paper_response(actor, entry, answers)


def _save_paper_response(actor: Any, entry: PaperEntry, answers: dict[str, Any]) -> Response:
    response = _new_response(
        actor=actor,
        version=entry.instrument,
        mode=Mode.PAPER,
        occasion=entry.occasion,
        person=entry.person,
        supporter=None,
        staff=None,
        request=None,
        answers=answers,
    )
    response = finish_response(actor=actor, response=response, completed_on=entry.completed_on)
    entry.status = PaperEntryStatus.SAVED
    entry.response = response
    entry.differences = []
    entry._history_user = actor  # type: ignore[attr-defined]
    entry.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=PaperEntry.AUDIT_TYPE,
        object_id=entry.pk,
        person=entry.person,
    )
    return response


# ----------------------------------------------------------------------------- imports


@dataclass(frozen=True)
class ImportedRow:
    """One row of an import, checked: whose it is, when, and the answers."""

    person: Person
    completed_on: dt.date
    occasion: str
    answers: Mapping[str, Any]


@transaction.atomic
def import_responses(
    *, actor: Any, instrument_id: str, rows: Sequence[ImportedRow], mode: str = Mode.IMPORTED
) -> list[Response]:
    """Save checked rows as finished, scored responses: all of them or none."""
    version = current_version(instrument_id)
    definition = version.parsed
    saved = []
    for row in rows:
        response = _new_response(
            actor=actor,
            version=version,
            mode=mode,
            occasion=row.occasion,
            person=row.person,
            supporter=None,
            staff=None,
            request=None,
            answers=_check_all(definition, row.answers),
        )
        saved.append(finish_response(actor=actor, response=response, completed_on=row.completed_on))
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="questionnaire_import",
        object_id=len(saved),
    )
    return saved


# ----------------------------------------------------------------------------- reports


@transaction.atomic
def request_report(
    *, actor: Any, organisation: Organisation, title: str, parameters: Mapping[str, Any]
) -> ReportRun:
    """Queue an evaluation report; the background task builds it (``tasks.build_report``)."""
    run = ReportRun.objects.create(
        organisation=organisation, requested_by=actor, title=title, parameters=dict(parameters)
    )
    audit.record(
        actor=actor, action=AuditAction.CREATE, object_type="evaluation_report", object_id=run.pk
    )
    from ourplan.measures.tasks import build_report

    # Enqueued once the run is committed, so the worker can never look for it too early.
    transaction.on_commit(lambda: _enqueue(run.pk, build_report))
    return run


def _enqueue(run_id: Any, task: Any) -> None:
    result = task.enqueue(str(run_id))
    ReportRun.objects.filter(pk=run_id, task_id="").update(task_id=str(result.id)[:64])


@transaction.atomic
def import_dictionary(*, actor: Any, organisation: Organisation, built: Any) -> InstrumentVersion:
    """A questionnaire defined from a REDCap dictionary, with the dictionary's labels loaded
    as this organisation's own wording."""
    if built.definition.id in catalogue.shipped_definitions():
        raise ValidationError(
            _("%(id)s is the id of a questionnaire ourplan ships; choose another id.")
            % {"id": built.definition.id}
        )
    existing = (
        InstrumentVersion.objects.filter(instrument_id=built.definition.id)
        .exclude(origin="redcap")
        .exists()
    )
    if existing:
        raise ValidationError(
            _("A questionnaire with the id %(id)s exists already.") % {"id": built.definition.id}
        )
    version = register_definition(
        actor=actor, definition=built.definition, origin="redcap", make_current=True
    )
    wording = catalogue.parse_wording(built.wording, built.definition)
    LicensedWording.objects.filter(
        organisation=organisation,
        instrument_id=wording.instrument,
        language=wording.language,
        replaced_at__isnull=True,
    ).update(replaced_at=timezone.now())
    LicensedWording.objects.create(
        organisation=organisation,
        instrument_id=wording.instrument,
        language=wording.language,
        holder=wording.holder,
        texts=dict(wording.items),
        loaded_by=actor,
    )
    return version
