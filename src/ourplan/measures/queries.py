"""Reads of questionnaires: what is due, the questions as a respondent sees them, a person's
results over time, and team and site summaries (aggregates only, small cells suppressed)."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ourplan.analysis.errors import AnalysisError
from ourplan.analysis.reference import Summary, compare_with_reference, summarise
from ourplan.measures import charts
from ourplan.measures.models import (
    InstrumentVersion,
    LicensedWording,
    Occasion,
    PaperEntry,
    PaperEntryStatus,
    ReportRun,
    Request,
    Respondent,
    Response,
    Score,
    Status,
)
from ourplan.measures.scoring import Definition, ReferenceValue, ScoreRule
from ourplan.people.models import Organisation, Person, StaffMember, Supporter, Team

NOT_APPLICABLE = "na"
DECLINED = "declined"


def min_cell() -> int:
    """Counts below this are never shown outside a person's own record (docs/measures.md)."""
    return int(getattr(settings, "OURPLAN_MEASURES_MIN_CELL", 5))


def current_versions() -> dict[str, InstrumentVersion]:
    return {v.instrument_id: v for v in InstrumentVersion.objects.filter(is_current=True)}


def current_version(instrument_id: str) -> InstrumentVersion | None:
    return InstrumentVersion.objects.filter(instrument_id=instrument_id, is_current=True).first()


def instruments_for(respondent: str) -> list[InstrumentVersion]:
    """Questionnaires a respondent of this kind can fill in (goal-based outcomes come from the plan)."""
    return [
        v
        for v in InstrumentVersion.objects.filter(is_current=True, respondent=respondent).order_by(
            "name"
        )
        if not v.parsed.derived_from
    ]


# ----------------------------------------------------------------------------- wording


def wording_for(
    organisation: Organisation | None, instrument_id: str, language: str | None = None
) -> LicensedWording | None:
    """The wording to show: the organisation's licensed copy in the page's language, else
    in English, else the project's own wording (for instruments the project wrote)."""
    language = "cy" if (language or get_language() or "").startswith("cy") else "en-gb"
    loaded = list(
        LicensedWording.objects.filter(
            Q(organisation=organisation) | Q(organisation__isnull=True),
            instrument_id=instrument_id,
            replaced_at__isnull=True,
        )
    )

    def rank(w: LicensedWording) -> tuple[int, int]:
        return (0 if w.organisation_id else 1, 0 if w.language == language else 1)

    return min(loaded, key=rank) if loaded else None


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Question:
    index: int
    item_id: str
    text: str
    licensed: bool
    choices: tuple[Choice, ...]
    answer: str | None

    @property
    def number(self) -> int:
        return self.index + 1


def answer_choices(definition: Definition, wording: LicensedWording | None) -> tuple[Choice, ...]:
    labels = {int(k): v for k, v in (wording.response_labels if wording else {}).items()}
    out = []
    for value in definition.scale.values:
        label = labels.get(value) or definition.scale.labels.get(value)
        out.append(Choice(str(value), f"{value} – {label}" if label else str(value)))
    if definition.scale.not_applicable:
        out.append(Choice(NOT_APPLICABLE, _("Not applicable")))
    if definition.scale.prefer_not_to_answer is not None:
        out.append(Choice(DECLINED, _("I would prefer not to answer")))
    return tuple(out)


def answer_text(definition: Definition, value: Any, wording: LicensedWording | None = None) -> str:
    if value is None:
        return _("Not answered")
    if value == NOT_APPLICABLE:
        return _("Not applicable")
    if value == DECLINED:
        return _("Preferred not to answer")
    return next(
        (c.label for c in answer_choices(definition, wording) if c.value == str(value)), str(value)
    )


@dataclass(frozen=True)
class QuestionSheet:
    """A response's questions as its respondent sees them."""

    response: Response
    definition: Definition
    questions: tuple[Question, ...]
    licensed: bool
    preamble: str

    @property
    def count(self) -> int:
        return len(self.questions)

    @property
    def answered(self) -> int:
        return sum(1 for q in self.questions if q.answer is not None)


def question_sheet(response: Response, language: str | None = None) -> QuestionSheet:
    definition = response.definition
    wording = wording_for(response.organisation, definition.id, language)
    texts = wording.texts if wording else {}
    choices = answer_choices(definition, wording)
    questions = []
    for index, item in enumerate(definition.items):
        stored = response.answers.get(item.id)
        text = texts.get(item.text_key)
        questions.append(
            Question(
                index=index,
                item_id=item.id,
                text=text or item.label,
                licensed=text is not None,
                choices=choices,
                answer=None if stored is None else str(stored),
            )
        )
    return QuestionSheet(
        response=response,
        definition=definition,
        questions=tuple(questions),
        licensed=bool(texts),
        preamble=wording.preamble if wording else "",
    )


# ----------------------------------------------------------------------------- due


@dataclass(frozen=True)
class Due:
    """A questionnaire waiting for someone: asked for and not sent, or started and not finished."""

    instrument_id: str
    name: str
    description: str
    occasion: str
    asked_on: dt.date | None
    response: Response | None
    answered: int
    count: int

    @property
    def started(self) -> bool:
        return self.response is not None


def _due(requests: QuerySet[Request], started: QuerySet[Response]) -> list[Due]:
    versions = current_versions()
    out: list[Due] = []
    open_ids: set[str] = set()
    for response in started.select_related("instrument"):
        definition = response.definition
        open_ids.add(definition.id)
        out.append(
            Due(
                instrument_id=definition.id,
                name=definition.name,
                description=definition.description,
                occasion=response.get_occasion_display(),
                asked_on=None,
                response=response,
                answered=len(response.answers),
                count=len(definition.items),
            )
        )
    seen: set[str] = set()
    for request in requests.order_by("asked_on", "id"):
        version = versions.get(request.instrument_id)
        if version is None or request.instrument_id in open_ids or request.instrument_id in seen:
            continue
        seen.add(request.instrument_id)
        definition = version.parsed
        out.append(
            Due(
                instrument_id=definition.id,
                name=definition.name,
                description=definition.description,
                occasion=request.get_occasion_display(),
                asked_on=request.asked_on,
                response=None,
                answered=0,
                count=len(definition.items),
            )
        )
    return out


def due_for(person: Person) -> list[Due]:
    """The person's own questionnaires waiting for them (for their home page)."""
    return _due(
        Request.objects.filter(
            person=person,
            respondent=Respondent.PERSON,
            response__isnull=True,
            withdrawn_at__isnull=True,
        ),
        Response.objects.filter(
            person=person, respondent=Respondent.PERSON, status=Status.IN_PROGRESS
        ),
    )


def due_for_supporter(supporter: Supporter) -> list[Due]:
    return _due(
        Request.objects.filter(
            supporter=supporter, response__isnull=True, withdrawn_at__isnull=True
        ),
        Response.objects.filter(supporter=supporter, status=Status.IN_PROGRESS),
    )


def due_for_staff(staff: StaffMember) -> list[Due]:
    return _due(
        Request.objects.filter(staff=staff, response__isnull=True, withdrawn_at__isnull=True),
        Response.objects.filter(staff=staff, status=Status.IN_PROGRESS),
    )


@dataclass(frozen=True)
class WorklistRow:
    person: Person
    due: int


def due_on_caseload(people: Iterable[Person]) -> dict[Any, int]:
    """How many questionnaires each person on a caseload has waiting (for the worklist)."""
    ids = [p.pk for p in people]
    counts: dict[Any, int] = defaultdict(int)
    for person_id, _instrument_id in (
        Request.objects.filter(
            person_id__in=ids,
            respondent=Respondent.PERSON,
            response__isnull=True,
            withdrawn_at__isnull=True,
        )
        .values_list("person_id", "instrument_id")
        .distinct()
    ):
        counts[person_id] += 1
    return dict(counts)


def waiting_among(people: QuerySet[Person], limit: int) -> tuple[list[tuple[Person, int]], int]:
    """The first ``limit`` of ``people`` (by name) with questionnaires waiting for them, each
    with how many, and how many such people there are in all. ``people`` stays a subquery,
    so the SQL does not grow with the caseload."""
    waiting = (
        Request.objects.filter(
            person__in=people.values("pk"),
            respondent=Respondent.PERSON,
            response__isnull=True,
            withdrawn_at__isnull=True,
        )
        .values("person_id")
        .annotate(count=Count("instrument_id", distinct=True))
    )
    total = waiting.count()
    rows = list(waiting.order_by("person__family_name", "person__given_name", "person_id")[:limit])
    found = Person.objects.in_bulk([row["person_id"] for row in rows])
    return [(found[row["person_id"]], row["count"]) for row in rows], total


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ScorePoint:
    day: dt.date
    value: float | None
    answered: int
    n_items: int
    response_id: int
    mode: str


@dataclass(frozen=True)
class ScoreSeries:
    rule: ScoreRule
    low: float
    high: float
    points: tuple[ScorePoint, ...]
    reference: ReferenceValue | None
    band: str
    chart: Any

    @property
    def latest(self) -> ScorePoint | None:
        return next((p for p in reversed(self.points) if p.value is not None), None)

    @property
    def change(self) -> float | None:
        valued = [p.value for p in self.points if p.value is not None]
        return valued[-1] - valued[0] if len(valued) >= 2 else None


@dataclass(frozen=True)
class InstrumentResults:
    instrument_id: str
    name: str
    description: str
    licence: str
    series: tuple[ScoreSeries, ...]
    responses: tuple[Response, ...]

    @property
    def latest_day(self) -> dt.date | None:
        days = [r.completed_on for r in self.responses if r.completed_on]
        return max(days) if days else None


def finished_responses(person: Person) -> QuerySet[Response]:
    return (
        Response.objects.filter(person=person, respondent=Respondent.PERSON, status=Status.COMPLETE)
        .select_related("instrument")
        .order_by("completed_on", "completed_at", "id")
    )


def scores_of(responses: Sequence[Response]) -> dict[int, dict[str, Score]]:
    """Each response's current scores (one query)."""
    found: dict[int, dict[str, Score]] = defaultdict(dict)
    for score in Score.objects.filter(
        response__in=[r.pk for r in responses], superseded_at__isnull=True
    ):
        found[score.response_id][score.score_id] = score
    return found


def _series(
    definition: Definition,
    responses: Sequence[Response],
    scores: dict[int, dict[str, Score]],
    respondent: str,
) -> tuple[ScoreSeries, ...]:
    out = []
    for rule in definition.scores:
        low, high = rule.score_range(definition.scale)
        points = []
        for response in responses:
            score = scores.get(response.pk, {}).get(rule.id)
            if score is None:
                continue
            points.append(
                ScorePoint(
                    day=response.completed_on or response.started_at.date(),
                    value=score.value,
                    answered=score.answered,
                    n_items=score.n_items,
                    response_id=response.pk,
                    mode=response.get_mode_display(),
                )
            )
        references = [
            r for r in definition.references_for(rule.id) if r.respondent in (None, respondent)
        ]
        reference = references[0] if references else None
        valued = [(p.day, p.value) for p in points if p.value is not None]
        interpretation = definition.interpretation_for(rule.id)
        latest = valued[-1][1] if valued else None
        band_found = (
            interpretation.band_for(latest) if interpretation and latest is not None else None
        )
        out.append(
            ScoreSeries(
                rule=rule,
                low=low,
                high=high,
                points=tuple(points),
                reference=reference,
                band=band_found.label if band_found else "",
                chart=charts.score_over_time(
                    valued,
                    low=low,
                    high=high,
                    name=rule.name,
                    reference=reference.mean if reference else None,
                ),
            )
        )
    return tuple(out)


def results_over_time(person: Person) -> list[InstrumentResults]:
    """The person's scores on each questionnaire, oldest first, with what they mean."""
    responses = list(finished_responses(person))
    scores = scores_of(responses)
    by_instrument: dict[str, list[Response]] = defaultdict(list)
    for response in responses:
        by_instrument[response.instrument.instrument_id].append(response)
    versions = current_versions()
    out = []
    for instrument_id, items in by_instrument.items():
        version = versions.get(instrument_id) or items[-1].instrument
        definition = version.parsed
        out.append(
            InstrumentResults(
                instrument_id=instrument_id,
                name=definition.name,
                description=definition.description,
                licence=definition.licence,
                series=_series(definition, items, scores, Respondent.PERSON),
                responses=tuple(items),
            )
        )
    out.sort(key=lambda r: r.latest_day or dt.date.min, reverse=True)
    return out


@dataclass(frozen=True)
class SummaryLine:
    instrument_id: str
    name: str
    day: dt.date | None
    score_name: str
    value: float | None
    low: float
    high: float
    change: float | None
    band: str


def results_summary(person: Person) -> list[SummaryLine]:
    """The latest total (or only) score of each questionnaire, for the plan and the review."""
    lines = []
    for results in results_over_time(person):
        main = next(
            (s for s in results.series if s.rule.id == "total"),
            results.series[-1] if results.series else None,
        )
        if main is None:
            continue
        latest = main.latest
        lines.append(
            SummaryLine(
                instrument_id=results.instrument_id,
                name=results.name,
                day=latest.day if latest else results.latest_day,
                score_name=main.rule.name,
                value=latest.value if latest else None,
                low=main.low,
                high=main.high,
                change=main.change,
                band=main.band,
            )
        )
    return lines


@dataclass(frozen=True)
class GoalProgress:
    goal: str
    points: tuple[tuple[dt.date, int], ...]
    chart: Any


def goal_progress(person: Person) -> list[GoalProgress]:
    """Goal-based outcomes: each active goal's 0-10 ratings over time, from the plan."""
    from ourplan.plans.models import Goal, GoalStatus

    goals = (
        Goal.objects.filter(plan__person=person, status=GoalStatus.ACTIVE)
        .prefetch_related("ratings")
        .order_by("created_at")[:3]
    )
    out = []
    for goal in goals:
        points = tuple(
            (r.rated_on, r.score)
            for r in sorted(goal.ratings.all(), key=lambda r: (r.rated_on, r.created_at))
        )
        out.append(
            GoalProgress(
                goal=goal.text,
                points=points,
                chart=charts.score_over_time(
                    [(d, float(v)) for d, v in points], low=0, high=10, name=goal.text
                ),
            )
        )
    return out


# ----------------------------------------------------------------------------- team and site


@dataclass(frozen=True)
class Cell:
    """A count or statistic that may be suppressed (fewer than ``min_cell`` respondents)."""

    n: int
    value: float | None
    suppressed: bool


@dataclass(frozen=True)
class ScoreAggregate:
    rule: ScoreRule
    low: float
    high: float
    n: int
    suppressed: bool
    mean: float | None
    sd: float | None
    bands: tuple[tuple[str, int | None], ...]
    chart: Any
    by_period: tuple[tuple[str, Cell], ...]
    reference: ReferenceValue | None
    reference_text: str


@dataclass(frozen=True)
class InstrumentAggregate:
    instrument_id: str
    name: str
    respondent: str
    asked: int
    answered: int
    scores: tuple[ScoreAggregate, ...]

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.asked if self.asked else None


def _quarter(day: dt.date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def _bands(
    low: float, high: float, values: Sequence[float], smallest: int
) -> tuple[tuple[str, int | None], ...]:
    edges = [low + (high - low) * i / 4 for i in range(5)]
    out = []
    for i in range(4):
        a, b = edges[i], edges[i + 1]
        n = sum(1 for v in values if (a <= v < b) or (i == 3 and v == b))
        label = f"{a:.4g}–{b:.4g}"
        out.append((label, n if n == 0 or n >= smallest else None))
    return tuple(out)


def _reference_text(values: Sequence[float], reference: ReferenceValue | None) -> str:
    if reference is None or len(values) < 2:
        return ""
    ours = summarise(values)
    if reference.sd is None or reference.n is None:
        return _(
            "Published reference %(ref).2f (no SD published, so not tested); here %(mean).2f."
        ) % {
            "ref": reference.mean,
            "mean": ours.mean,
        }
    try:
        result = compare_with_reference(ours, Summary(reference.mean, reference.sd, reference.n))
    except AnalysisError:
        return ""
    return _(
        "Published reference %(ref).2f (SD %(sd).2f, n = %(n)d); difference %(diff)+.2f, "
        "95%% CI %(lo).2f to %(hi).2f, Welch's t test p = %(p).3f."
    ) % {
        "ref": reference.mean,
        "sd": reference.sd,
        "n": reference.n,
        "diff": result.difference,
        "lo": result.ci95[0],
        "hi": result.ci95[1],
        "p": result.p,
    }


def aggregate(
    responses: QuerySet[Response], requests: QuerySet[Request], *, since: dt.date | None = None
) -> list[InstrumentAggregate]:
    """Each instrument's scores over a set of responses, in aggregate: never a person's own."""
    smallest = min_cell()
    if since is not None:
        responses = responses.filter(completed_on__gte=since)
        requests = requests.filter(asked_on__gte=since)
    finished = list(responses.filter(status=Status.COMPLETE).select_related("instrument"))
    scores = scores_of(finished)
    asked: dict[str, int] = defaultdict(int)
    answered: dict[str, int] = defaultdict(int)
    for instrument_id, response_id, status in requests.filter(
        withdrawn_at__isnull=True
    ).values_list("instrument_id", "response_id", "response__status"):
        asked[instrument_id] += 1
        if response_id is not None and status == Status.COMPLETE:
            answered[instrument_id] += 1
    by_instrument: dict[str, list[Response]] = defaultdict(list)
    for response in finished:
        by_instrument[response.instrument.instrument_id].append(response)
    versions = current_versions()
    out = []
    for instrument_id in sorted(set(by_instrument) | set(asked)):
        version = versions.get(instrument_id)
        if version is None:
            continue
        definition = version.parsed
        items = by_instrument.get(instrument_id, [])
        aggregates = []
        for rule in definition.scores:
            low, high = rule.score_range(definition.scale)
            dated = [
                (r.completed_on, scores[r.pk][rule.id].value)
                for r in items
                if rule.id in scores.get(r.pk, {})
                and scores[r.pk][rule.id].value is not None
                and r.completed_on
            ]
            values = [v for _d, v in dated if v is not None]
            n = len(values)
            suppressed = n < smallest
            mean = sum(values) / n if n and not suppressed else None
            sd = (
                math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
                if mean is not None and n > 1
                else None
            )
            periods: dict[str, list[float]] = defaultdict(list)
            for day, value in dated:
                if value is not None:
                    periods[_quarter(day)].append(value)
            by_period = tuple(
                (
                    label,
                    Cell(
                        len(vals),
                        sum(vals) / len(vals) if len(vals) >= smallest else None,
                        len(vals) < smallest,
                    ),
                )
                for label, vals in sorted(periods.items())
            )
            references = [
                r
                for r in definition.references_for(rule.id)
                if r.respondent in (None, definition.respondent)
            ]
            reference = references[0] if references else None
            bands = _bands(low, high, values, smallest) if not suppressed else ()
            aggregates.append(
                ScoreAggregate(
                    rule=rule,
                    low=low,
                    high=high,
                    n=n,
                    suppressed=suppressed,
                    mean=mean,
                    sd=sd,
                    bands=bands,
                    chart=charts.distribution(bands, name=rule.name) if bands else None,
                    by_period=by_period,
                    reference=reference,
                    reference_text="" if suppressed else _reference_text(values, reference),
                )
            )
        out.append(
            InstrumentAggregate(
                instrument_id=instrument_id,
                name=definition.name,
                respondent=definition.respondent,
                asked=asked.get(instrument_id, 0),
                answered=answered.get(instrument_id, 0),
                scores=tuple(aggregates),
            )
        )
    return out


def team_aggregate(team: Team, *, since: dt.date | None = None) -> list[InstrumentAggregate]:
    return aggregate(
        Response.objects.filter(team=team), Request.objects.filter(team=team), since=since
    )


@dataclass(frozen=True)
class SiteRow:
    team: str
    n: int
    mean: float | None
    sd: float | None
    asked: int
    answered: int

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.asked if self.asked else None


@dataclass(frozen=True)
class SiteComparisonView:
    instrument_id: str
    name: str
    score: str
    low: float
    high: float
    rows: tuple[SiteRow, ...]


def site_comparison(
    organisation: Organisation, *, since: dt.date | None = None
) -> list[SiteComparisonView]:
    """Every team of an organisation side by side on each instrument's total score."""
    smallest = min_cell()
    teams = list(Team.objects.filter(organisation=organisation).order_by("name"))
    per_team = {team.pk: team_aggregate(team, since=since) for team in teams}
    instruments: dict[str, tuple[str, ScoreRule, float, float]] = {}
    for aggregates in per_team.values():
        for agg in aggregates:
            main = next(
                (s for s in agg.scores if s.rule.id == "total"),
                agg.scores[-1] if agg.scores else None,
            )
            if main is not None:
                instruments[agg.instrument_id] = (agg.name, main.rule, main.low, main.high)
    out = []
    for instrument_id, (name, rule, low, high) in sorted(
        instruments.items(), key=lambda kv: kv[1][0]
    ):
        rows = []
        for team in teams:
            found = next((a for a in per_team[team.pk] if a.instrument_id == instrument_id), None)
            score = next((s for s in found.scores if s.rule.id == rule.id), None) if found else None
            n = score.n if score else 0
            rows.append(
                SiteRow(
                    team=team.name,
                    n=n,
                    mean=score.mean if score and n >= smallest else None,
                    sd=score.sd if score and n >= smallest else None,
                    asked=found.asked if found else 0,
                    answered=found.answered if found else 0,
                )
            )
        out.append(SiteComparisonView(instrument_id, name, rule.name, low, high, tuple(rows)))
    return out


def period_start(choice: str | None, today: dt.date | None = None) -> dt.date | None:
    """The first day of a period chosen on a page: the last 12 or 24 months, or all time."""
    today = today or timezone.localdate()
    months = {"12": 12, "24": 24}.get(choice or "12")
    if months is None:
        return None
    return today.replace(day=1) - dt.timedelta(days=30 * months)


# ----------------------------------------------------------------------------- administration


def paper_entries(organisation: Organisation) -> QuerySet[PaperEntry]:
    return (
        PaperEntry.objects.filter(organisation=organisation)
        .exclude(status=PaperEntryStatus.SAVED)
        .select_related("instrument", "person")
    )


def person_by_nhs_number(organisation: Organisation, nhs_number: str) -> Person | None:
    digits = "".join(ch for ch in nhs_number if ch.isdigit())
    return Person.objects.filter(
        organisation=organisation, nhs_number=digits, restricted_at__isnull=True
    ).first()


@dataclass(frozen=True)
class DefinitionStatus:
    instrument_id: str
    current: InstrumentVersion
    versions: tuple[InstrumentVersion, ...]
    shipped_changed: bool
    wording: LicensedWording | None
    responses: int
    outdated_scores: int


def definition_statuses(organisation: Organisation) -> list[DefinitionStatus]:
    """Each instrument: its versions, whether the shipped file has changed since, whether
    licensed wording is loaded, and how many scores were made with an older version."""
    from ourplan.measures.catalogue import shipped_definitions

    shipped = shipped_definitions()
    versions: dict[str, list[InstrumentVersion]] = defaultdict(list)
    for version in InstrumentVersion.objects.order_by("instrument_id", "-registered_at"):
        versions[version.instrument_id].append(version)
    out = []
    for instrument_id, found in versions.items():
        current = next((v for v in found if v.is_current), found[0])
        file = shipped.get(instrument_id)
        out.append(
            DefinitionStatus(
                instrument_id=instrument_id,
                current=current,
                versions=tuple(found),
                shipped_changed=file is not None
                and file.digest != current.digest
                and current.origin == "shipped",
                wording=wording_for(organisation, instrument_id, "en-gb"),
                responses=Response.objects.filter(
                    instrument__instrument_id=instrument_id, status=Status.COMPLETE
                ).count(),
                outdated_scores=Score.objects.filter(
                    response__instrument__instrument_id=instrument_id, superseded_at__isnull=True
                )
                .exclude(instrument=current)
                .count(),
            )
        )
    out.sort(key=lambda s: s.current.name)
    return out


def score_history(response: Response) -> list[Score]:
    """Every score a response has had, current and superseded, newest first."""
    return list(
        Score.objects.filter(response=response)
        .select_related("instrument")
        .order_by("score_id", "-scored_at")
    )


def reports_of(organisation: Organisation) -> QuerySet[ReportRun]:
    return (
        ReportRun.objects.filter(organisation=organisation)
        .defer("html", "pdf")
        .select_related("requested_by")
    )


OCCASION_CHOICES = Occasion.choices


# ----------------------------------------------------------------------------- small reads for pages


def reportable_instruments() -> list[InstrumentVersion]:
    """Service users' questionnaires a report can compare teams on."""
    return [v for v in instruments_for(Respondent.PERSON) if v.parsed.scores]


def schedulable_instruments() -> list[InstrumentVersion]:
    return [
        v
        for v in InstrumentVersion.objects.filter(is_current=True).order_by("name")
        if not v.parsed.derived_from
    ]


def schedule_of(organisation: Organisation) -> dict[str, set[str]]:
    """What an organisation asks for on each occasion (its own choice, or the default)."""
    from ourplan.measures.models import MeasureSchedule
    from ourplan.measures.services import DEFAULT_SCHEDULE

    rows = list(MeasureSchedule.objects.filter(organisation=organisation))
    if not rows:
        return {k: {str(o) for o in v} for k, v in DEFAULT_SCHEDULE.items()}
    out: dict[str, set[str]] = {}
    for row in rows:
        chosen = set()
        if row.at_plan_start:
            chosen.add(str(Occasion.PLAN_START))
        if row.at_review:
            chosen.add(str(Occasion.REVIEW))
        if row.at_discharge:
            chosen.add(str(Occasion.DISCHARGE))
        out[row.instrument_id] = chosen
    return out


def teams_of(organisation: Organisation) -> list[Team]:
    return list(Team.objects.filter(organisation=organisation).order_by("name"))


@dataclass(frozen=True)
class OwnResult:
    response: Response
    lines: tuple[tuple[str, float | None, float, float, str], ...]


def own_results(
    *, supporter: Supporter | None = None, staff: StaffMember | None = None
) -> list[OwnResult]:
    """A carer's or a member of staff's own finished questionnaires, newest first."""
    found = Response.objects.filter(status=Status.COMPLETE).select_related("instrument", "person")
    if supporter is not None:
        found = found.filter(supporter=supporter)
    elif staff is not None:
        found = found.filter(staff=staff)
    else:
        return []
    responses = list(found.order_by("-completed_on", "-id")[:50])
    scores = scores_of(responses)
    out = []
    for response in responses:
        definition = response.definition
        lines = []
        for rule in definition.scores:
            score = scores.get(response.pk, {}).get(rule.id)
            low, high = rule.score_range(definition.scale)
            interpretation = definition.interpretation_for(rule.id)
            band = (
                interpretation.band_for(score.value)
                if interpretation and score is not None and score.value is not None
                else None
            )
            lines.append(
                (rule.name, score.value if score else None, low, high, band.label if band else "")
            )
        out.append(OwnResult(response, tuple(lines)))
    return out


def open_requests_for_staff(staff: StaffMember) -> list[Request]:
    versions = current_versions()
    found = list(
        Request.objects.filter(staff=staff, response__isnull=True, withdrawn_at__isnull=True)
        .select_related("person")
        .order_by("asked_on", "id")
    )
    for asked in found:
        version = versions.get(asked.instrument_id)
        asked.instrument_name = version.name if version else asked.instrument_id  # type: ignore[attr-defined]
    return found


def open_request_for_staff(staff: StaffMember, request_id: Any) -> Request | None:
    """One of this member of staff's own open requests (anything else is not theirs)."""
    try:
        number = int(request_id)
    except (TypeError, ValueError):
        return None
    return (
        Request.objects.filter(
            pk=number, staff=staff, response__isnull=True, withdrawn_at__isnull=True
        )
        .select_related("person")
        .first()
    )


def demographics_of(
    *, person: Person | None = None, staff: StaffMember | None = None
) -> dict[str, Any]:
    from ourplan.measures.models import Demographics

    record = (
        Demographics.objects.filter(person=person, staff=staff).first()
        if (person or staff)
        else None
    )
    return dict(record.answers) if record else {}


def responses_by_version(person: Person) -> list[tuple[InstrumentVersion, list[Response]]]:
    """The person's own responses grouped by the definition version they were answered under."""
    grouped: dict[int, list[Response]] = defaultdict(list)
    versions: dict[int, InstrumentVersion] = {}
    for response in (
        Response.objects.filter(person=person, respondent=Respondent.PERSON)
        .select_related("instrument", "person")
        .order_by("started_at")
    ):
        grouped[response.instrument_id].append(response)
        versions[response.instrument_id] = response.instrument
    return [(versions[k], v) for k, v in grouped.items()]


def import_rows(organisation: Organisation, parsed: Sequence[Any]) -> list[Any]:
    """Checked import rows with the person each belongs to; a number nobody has stops the import."""
    from ourplan.measures.imports import ImportProblem
    from ourplan.measures.services import ImportedRow

    numbers = {row.nhs_number for row in parsed}
    people = {
        p.nhs_number: p
        for p in Person.objects.filter(
            organisation=organisation, nhs_number__in=numbers, restricted_at__isnull=True
        ).select_related("organisation", "team")
    }
    out = []
    for row in parsed:
        person = people.get(row.nhs_number)
        if person is None:
            raise ImportProblem(
                f"Row {row.row}: nobody with the NHS number ending {row.nhs_number[-4:]} is on a caseload in "
                "your organisation. Nothing was imported."
            )
        out.append(
            ImportedRow(
                person=person,
                completed_on=row.completed_on,
                occasion=row.occasion,
                answers=row.answers,
            )
        )
    return out
