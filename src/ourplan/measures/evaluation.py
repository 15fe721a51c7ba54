"""The evaluation report from questionnaires collected in ourplan, in the layout of COCAPP's
cross-site tables (seed 001, chapter 5, tables 39 to 45).

Every statistic comes from :mod:`ourplan.analysis`, through :mod:`ourplan.reports` where the
file-based report already does the work (scoring by the documented rule, ANOVA with Tukey,
ANCOVA with adjusted means and Holm pairs, correlations, each site's top items, charts).
This module adds what COCAPP's tables hold and the file-based report does not: n, mean,
SD and 95% CI per site, comparison with published reference values, service users compared
with care coordinators, response rates, and the demographics behind the covariates.

Only de-identified data reaches the analyses: one row per respondent holding the site, the
chosen covariates and the item answers, with no identifier of any kind. Small cells are
suppressed and flagged: a site with fewer than ``min_cell`` respondents on a measure is
left out of that measure's comparison, and no count below ``min_cell`` is printed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from django.template.loader import render_to_string

from ourplan.analysis.anova import welch_anova
from ourplan.analysis.correlation import correlate
from ourplan.analysis.descriptives import describe_by_group
from ourplan.analysis.errors import AnalysisError
from ourplan.analysis.reference import Summary, compare_with_reference, summarise
from ourplan.measures.demographics import (
    COVARIATES,
    ETHNIC_GROUPS,
    GENDER,
    RELATIONSHIP,
    covariate_value,
)
from ourplan.measures.models import InstrumentVersion, Request, Respondent, Response, Status
from ourplan.measures.scoring import Definition
from ourplan.people.models import Organisation, Team
from ourplan.reports.config import (
    CorrelationOptions,
    Covariate,
    Measure,
    ReportConfig,
    ScoreRef,
    Subscale,
    TopItemsOptions,
    score_key,
)
from ourplan.reports.evaluation import build_report, format_p, stars
from ourplan.reports.evaluation.analyses import analysis_frame, correlation_result
from ourplan.reports.evaluation.data import score_measures
from ourplan.reports.evaluation.formatting import DASH, long_date, number_text
from ourplan.reports.evaluation.model import CorrelationResult, MeasureResult
from ourplan.reports.evaluation.render import render_pdf

SITE = "site"
GROUP = "respondent group"
DEFAULT_MEASURES = ("rsa_person", "star_p", "empowerment")
PERSON_COVARIATES = ("age", "gender", "ethnic_group", "relationship", "years_in_services")
STAFF_COVARIATES = ("age", "gender", "ethnic_group", "years_in_services", "years_as_coordinator")
Progress = Callable[[int, str], None]


class ReportError(ValueError):
    """The report cannot be built from this selection; the message says why."""


@dataclass(frozen=True)
class ReportRequest:
    """What the researcher chose."""

    measures: tuple[str, ...]
    team_ids: tuple[int, ...]
    start: dt.date | None
    end: dt.date | None
    covariates: tuple[str, ...]
    compare_staff: bool
    min_cell: int
    title: str

    @classmethod
    def from_parameters(cls, raw: Mapping[str, Any]) -> ReportRequest:
        def day(value: Any) -> dt.date | None:
            return dt.date.fromisoformat(value) if value else None

        return cls(
            measures=tuple(raw.get("measures") or DEFAULT_MEASURES),
            team_ids=tuple(int(t) for t in raw.get("teams") or ()),
            start=day(raw.get("start")),
            end=day(raw.get("end")),
            covariates=tuple(c for c in raw.get("covariates") or () if c in COVARIATES),
            compare_staff=bool(raw.get("compare_staff", True)),
            min_cell=max(2, int(raw.get("min_cell") or 5)),
            title=str(raw.get("title") or "Service evaluation report"),
        )


# ----------------------------------------------------------------------------- data


@dataclass
class Collected:
    """De-identified respondent tables, and the counts reported beside them."""

    people: pd.DataFrame
    staff: pd.DataFrame | None
    definitions: dict[str, Definition]
    sites: tuple[str, ...]
    asked: dict[tuple[str, str], int]
    answered: dict[tuple[str, str], int]
    versions: dict[str, set[str]]


def _responses(
    organisation: Organisation, request: ReportRequest, respondent: str, instruments: Sequence[str]
) -> Any:
    found = Response.objects.filter(
        organisation=organisation,
        respondent=respondent,
        status=Status.COMPLETE,
        instrument__instrument_id__in=list(instruments),
        team__isnull=False,
    )
    if request.team_ids:
        found = found.filter(team_id__in=request.team_ids)
    if request.start:
        found = found.filter(completed_on__gte=request.start)
    if request.end:
        found = found.filter(completed_on__lte=request.end)
    return found


def _answers_frame(
    answers: Sequence[Mapping[str, Any]], items: Sequence[str], keys: Sequence[Any]
) -> pd.DataFrame:
    """Stored answers as numbers, one column per item: "na", "declined" and absent are NaN."""
    frame = pd.DataFrame.from_records(list(answers), columns=list(items))
    frame.index = pd.Index(list(keys))
    # Text ("na", "declined") becomes NaN; booleans never appear in stored answers.
    return frame.apply(pd.to_numeric, errors="coerce").astype(float)


def _table(
    rows: Sequence[tuple[Any, str, str, Mapping[str, Any], str]],
    definitions: Mapping[str, Definition],
    demographics: Mapping[Any, Mapping[str, Any]],
    covariates: Sequence[str],
) -> pd.DataFrame:
    """One row per respondent: the site, the covariates and the item answers.

    ``rows`` are (respondent key, site, instrument, answers, version) in time order; the
    latest response of each respondent to each instrument is used. The respondent key is
    used only to join a respondent's questionnaires and is not in the result.
    """
    latest: dict[str, dict[Any, Mapping[str, Any]]] = {d: {} for d in definitions}
    sites: dict[Any, str] = {}
    for key, site, instrument_id, answers, _version in rows:
        latest[instrument_id][key] = answers
        sites[key] = site
    keys = list(sites)
    frame = pd.DataFrame({SITE: [sites[k] for k in keys]}, index=pd.Index(keys))
    for covariate in covariates:
        values = [covariate_value(dict(demographics.get(k, {})), covariate) for k in keys]
        if COVARIATES[covariate][0] == "numeric":
            frame[covariate] = pd.to_numeric(
                pd.Series(values, index=frame.index, dtype="object"), errors="coerce"
            )
        else:
            frame[covariate] = pd.Series(values, index=frame.index, dtype="object")
    parts = [frame]
    for instrument_id, definition in definitions.items():
        answered = latest[instrument_id]
        part = _answers_frame(list(answered.values()), definition.item_ids, list(answered))
        parts.append(part.reindex(frame.index))
    table = pd.concat(parts, axis=1)
    # Rows in a random order, numbered afresh: nothing about a row says who it was.
    return table.sample(frac=1.0, random_state=20140601).reset_index(drop=True)


def collect(organisation: Organisation, request: ReportRequest) -> Collected:
    """Read the chosen responses and turn them into de-identified respondent tables."""
    from ourplan.measures.models import Demographics

    versions = {v.instrument_id: v for v in InstrumentVersion.objects.filter(is_current=True)}
    unknown = [m for m in request.measures if m not in versions]
    if unknown:
        raise ReportError(f"There is no questionnaire called {unknown[0]}.")
    definitions = {m: versions[m].parsed for m in request.measures}
    for definition in definitions.values():
        if definition.respondent != Respondent.PERSON:
            raise ReportError(f"{definition.name} is not answered by service users.")
    people_rows = [
        (person_id, team, instrument_id, answers, version)
        for person_id, team, instrument_id, answers, version in _responses(
            organisation, request, Respondent.PERSON, request.measures
        )
        .order_by("completed_on", "completed_at", "id")
        .values_list(
            "person_id", "team__name", "instrument__instrument_id", "answers", "instrument__version"
        )
        .iterator(chunk_size=5000)
    ]
    used_versions: dict[str, set[str]] = defaultdict(set)
    for _k, _s, instrument_id, _a, version in people_rows:
        used_versions[instrument_id].add(version)
    demographics_people = dict(
        Demographics.objects.filter(person__organisation=organisation, person__isnull=False)
        .values_list("person_id", "answers")
        .iterator(chunk_size=5000)
    )
    people = _table(people_rows, definitions, demographics_people, request.covariates)

    staff = None
    staff_definitions: dict[str, Definition] = {}
    if request.compare_staff and "rsa_person" in request.measures and "rsa_provider" in versions:
        staff_definitions = {"rsa_provider": versions["rsa_provider"].parsed}
        staff_rows = list(
            _responses(organisation, request, Respondent.STAFF, ["rsa_provider"])
            .order_by("completed_on", "completed_at", "id")
            .values_list(
                "staff_id",
                "team__name",
                "instrument__instrument_id",
                "answers",
                "instrument__version",
            )
        )
        for _k, _s, instrument_id, _a, version in staff_rows:
            used_versions[instrument_id].add(version)
        demographics_staff = dict(
            Demographics.objects.filter(staff__organisation=organisation).values_list(
                "staff_id", "answers"
            )
        )
        staff_covariates = [c for c in request.covariates if c in STAFF_COVARIATES]
        staff = _table(staff_rows, staff_definitions, demographics_staff, staff_covariates)

    requests = Request.objects.filter(
        organisation=organisation, withdrawn_at__isnull=True, team__isnull=False
    )
    if request.team_ids:
        requests = requests.filter(team_id__in=request.team_ids)
    if request.start:
        requests = requests.filter(asked_on__gte=request.start)
    if request.end:
        requests = requests.filter(asked_on__lte=request.end)
    asked: dict[tuple[str, str], int] = defaultdict(int)
    answered: dict[tuple[str, str], int] = defaultdict(int)
    wanted = set(request.measures) | set(staff_definitions)
    for team, instrument_id, status in requests.filter(instrument_id__in=wanted).values_list(
        "team__name", "instrument_id", "response__status"
    ):
        asked[(team, instrument_id)] += 1
        if status == Status.COMPLETE:
            answered[(team, instrument_id)] += 1

    teams = Team.objects.filter(organisation=organisation)
    if request.team_ids:
        teams = teams.filter(pk__in=request.team_ids)
    present = set(people[SITE]) | (set(staff[SITE]) if staff is not None else set())
    sites = tuple(
        name for name in teams.order_by("name").values_list("name", flat=True) if name in present
    )
    return Collected(
        people=people,
        staff=staff,
        definitions={**definitions, **staff_definitions},
        sites=sites,
        asked=dict(asked),
        answered=dict(answered),
        versions=dict(used_versions),
    )


# ----------------------------------------------------------------------------- configs


def measure_for(definition: Definition) -> Measure:
    """The file-based report's description of a measure, from its definition."""
    total = next(
        (s for s in definition.scores if s.items == definition.item_ids), definition.scores[-1]
    )
    subscales = tuple(
        Subscale(rule.name, rule.items) for rule in definition.scores if rule.id != total.id
    )
    return Measure(
        id=definition.id,
        name=definition.short_name,
        items=definition.item_ids,
        item_prefix=None,
        subscales=subscales,
        scale=(float(definition.scale.low), float(definition.scale.high)),
        reverse=definition.reverse_items(),
        missing_codes=(),
        scoring="mean" if total.method == "mean" else "sum",
        min_answered=total.min_answered,
    )


def _config(
    title: str,
    measures: Sequence[Measure],
    covariates: Sequence[str],
    correlations: CorrelationOptions | None = None,
    top_items: TopItemsOptions | None = None,
) -> ReportConfig:
    return ReportConfig(
        title=title,
        description=None,
        data=Path("collected in ourplan"),
        site_column=SITE,
        site_label="Team",
        measures=tuple(measures),
        covariates=tuple(Covariate(c, str(COVARIATES[c][1]), COVARIATES[c][0]) for c in covariates),
        correlations=correlations,
        top_items=top_items,
        alpha=0.05,
        welch=False,
        # Charts of the totals: with thousands of respondents every subscale differs.
        charts="totals",
    )


# ----------------------------------------------------------------------------- the extra tables


@dataclass(frozen=True)
class SiteStats:
    site: str
    n: int
    suppressed: bool
    mean: str
    sd: str
    ci: str


@dataclass(frozen=True)
class DescribedScore:
    label: str
    range_text: str
    sites: tuple[SiteStats, ...]
    overall: SiteStats


@dataclass(frozen=True)
class ReferenceRow:
    label: str
    ours: str
    reference: str
    test: str
    source: str


@dataclass(frozen=True)
class GroupRow:
    label: str
    sites: tuple[tuple[str, str], ...]  # (service users, coordinators) per site
    overall: tuple[str, str]
    test: str


@dataclass(frozen=True)
class RateRow:
    measure: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class DemographicRow:
    label: str
    cells: tuple[str, ...]
    heading: bool = False


@dataclass(frozen=True)
class ItemRankRow:
    rank: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class MeasureSection:
    definition: Definition
    result: MeasureResult
    described: tuple[DescribedScore, ...]
    references: tuple[ReferenceRow, ...]
    ranks: tuple[ItemRankRow, ...]
    rank_headers: tuple[tuple[str, str], ...]
    excluded: tuple[str, ...]


@dataclass(frozen=True)
class CorrelationCell:
    r: str
    p: str
    n: str


@dataclass(frozen=True)
class MatrixRow:
    label: str
    cells: tuple[CorrelationCell, ...]


def _stats(site: str, values: Any, smallest: int) -> SiteStats:
    clean = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    n = len(clean)
    if n < smallest:
        return SiteStats(site, n, True, DASH, DASH, DASH)
    described = describe_by_group(clean, [site] * n)[0]
    return SiteStats(
        site,
        n,
        False,
        number_text(described.mean),
        number_text(described.sd),
        f"{number_text(described.ci95[0])} to {number_text(described.ci95[1])}",
    )


def _describe(
    scores: pd.DataFrame,
    sites: Sequence[str],
    measure: Measure,
    definition: Definition,
    smallest: int,
) -> tuple[DescribedScore, ...]:
    out = []
    for rule in definition.scores:
        key = score_key(measure.id, None if rule.items == definition.item_ids else rule.name)
        if key not in scores:
            continue
        low, high = rule.score_range(definition.scale)
        values = scores[key]
        rows = tuple(_stats(site, values[scores[SITE] == site], smallest) for site in sites)
        out.append(
            DescribedScore(
                label=rule.name,
                range_text=f"{low:g}–{high:g}",
                sites=rows,
                overall=_stats("All", values, smallest),
            )
        )
    return tuple(out)


def _references(
    scores: pd.DataFrame, measure: Measure, definition: Definition, respondent: str, smallest: int
) -> tuple[ReferenceRow, ...]:
    out = []
    for rule in definition.scores:
        key = score_key(measure.id, None if rule.items == definition.item_ids else rule.name)
        for reference in definition.references_for(rule.id):
            if reference.respondent not in (None, respondent):
                continue
            values = [float(v) for v in scores.get(key, []) if math.isfinite(float(v))]
            if len(values) < smallest:
                continue
            ours = summarise(values)
            ref_text = f"{number_text(reference.mean)}"
            if reference.sd is not None:
                ref_text += f" ({number_text(reference.sd)})"
            if reference.n is not None:
                ref_text += f", N = {reference.n}"
            # Welch's test needs the reference's SD and its number of respondents.
            test = (
                "not tested: the reference has no published SD"
                if reference.sd is None
                else "not tested: the reference's number of respondents is not published"
            )
            if reference.sd is not None and reference.n is not None:
                try:
                    result = compare_with_reference(
                        ours, Summary(reference.mean, reference.sd, reference.n)
                    )
                    test = (
                        f"difference {number_text(result.difference)} "
                        f"({number_text(result.ci95[0])} to {number_text(result.ci95[1])}), "
                        f"Welch t({number_text(result.df, 1)}) = {number_text(result.t)}, "
                        f"{format_p(result.p)}{stars(result.p)}, d = {number_text(result.cohens_d)}"
                    )
                except AnalysisError as exc:
                    test = f"not tested: {exc}"
            out.append(
                ReferenceRow(
                    label=rule.name,
                    ours=f"{number_text(ours.mean)} ({number_text(ours.sd)}), N = {ours.n}",
                    reference=ref_text,
                    test=test,
                    source=reference.source,
                )
            )
    return tuple(out)


def _ranks(
    result: MeasureResult, definition: Definition, sites: Sequence[str], k: int
) -> tuple[tuple[ItemRankRow, ...], tuple[tuple[str, str], ...]]:
    """Each site's highest-rated items, named by the project's labels, never licensed wording."""
    by_site = {row.site: row for row in result.top_items}
    ranges = []
    for site in sites:
        row = by_site.get(site)
        means = [c.mean for c in row.items] if row else []
        ranges.append((site, f"mean of {means[-1]}–{means[0]}" if means else DASH))
    rows = []
    for rank in range(k):
        cells = []
        for site in sites:
            row = by_site.get(site)
            if row is None or rank >= len(row.items):
                cells.append(DASH)
                continue
            cell = row.items[rank]
            item = definition.item(cell.item)
            cells.append(f"{cell.subscale}: {item.id} {item.label} ({cell.mean})")
        rows.append(ItemRankRow(rank + 1, tuple(cells)))
    return tuple(rows), tuple(ranges)


def _suppress(result: MeasureResult, sites: Sequence[str], smallest: int) -> MeasureResult:
    """Blank any site's cell resting on fewer than ``smallest`` respondents, and say so."""
    scores = []
    for score in result.scores:
        if score.anova is None:
            scores.append(score)
            continue
        counts = {g.group: g.n for g in score.anova.table.groups}
        cells = tuple(
            cell if counts.get(site, 0) >= smallest else f"fewer than {smallest}"
            for site, cell in zip(sites, score.cells, strict=True)
        )
        adjusted = score.adjusted_cells
        if score.ancova is not None and adjusted:
            adjusted_counts = {m.group: m.n for m in score.ancova.adjusted_means}
            adjusted = tuple(
                cell if adjusted_counts.get(site, 0) >= smallest else f"fewer than {smallest}"
                for site, cell in zip(sites, adjusted, strict=True)
            )
        scores.append(dataclasses.replace(score, cells=cells, adjusted_cells=adjusted))
    return dataclasses.replace(result, scores=tuple(scores))


def _enough_sites(
    frame: pd.DataFrame, measure: Measure, smallest: int
) -> tuple[pd.DataFrame, list[str]]:
    """Leave out sites with fewer than ``smallest`` respondents who answered this measure."""
    answered = frame[list(measure.items)].notna().any(axis=1)
    counts = frame.loc[answered, SITE].value_counts()
    small = sorted(str(s) for s in counts.index if counts[s] < smallest)
    keep = answered & ~frame[SITE].isin(small)
    return frame.loc[keep].reset_index(drop=True), small


def _measure_section(
    frame: pd.DataFrame,
    measure: Measure,
    definition: Definition,
    covariates: Sequence[str],
    smallest: int,
    respondent: str,
    notes: list[str],
    sites_order: Sequence[str],
    title: str,
) -> MeasureSection | None:
    data, small = _enough_sites(frame, measure, smallest)
    for site in small:
        notes.append(
            f"{definition.short_name}: {site} had fewer than {smallest} respondents and is not shown."
        )
    present = [s for s in sites_order if s in set(data[SITE])]
    if len(present) < 2:
        notes.append(
            f"{definition.short_name}: fewer than two teams with enough respondents; not compared."
        )
        return None
    config = _config(title, [measure], covariates, top_items=TopItemsOptions(5, (measure.id,)))
    report = build_report(config, data[[SITE, *covariates, *measure.items]])
    notes.extend(report.notes)
    sites = report.sites
    result = _suppress(report.measures[0], sites, smallest)
    ranks, ranges = _ranks(result, definition, sites, 5)
    scores = report.scores
    return MeasureSection(
        definition=definition,
        result=result,
        described=_describe(scores, sites, measure, definition, smallest),
        references=_references(scores, measure, definition, respondent, smallest),
        ranks=ranks,
        rank_headers=ranges,
        excluded=tuple(small),
    )


def _group_comparison(
    people: pd.DataFrame,
    staff: pd.DataFrame,
    person_def: Definition,
    staff_def: Definition,
    sites: Sequence[str],
    smallest: int,
) -> tuple[GroupRow, ...]:
    """Service users and care coordinators on the RSA, score by score (seed 001 table 7)."""
    person_scores = score_measures(_config("", [measure_for(person_def)], []), people).scores
    staff_scores = score_measures(_config("", [measure_for(staff_def)], []), staff).scores
    rows = []
    for rule in person_def.scores:
        name = None if rule.items == person_def.item_ids else rule.name
        a = person_scores[score_key(person_def.id, name)]
        b = staff_scores[score_key(staff_def.id, name)]
        cells = []
        for site in sites:
            mine = _stats(site, a[people[SITE] == site], smallest)
            theirs = _stats(site, b[staff[SITE] == site], smallest)
            cells.append(
                (
                    f"{mine.mean} ({mine.sd}), N = {mine.n}"
                    if not mine.suppressed
                    else f"fewer than {smallest}",
                    f"{theirs.mean} ({theirs.sd}), N = {theirs.n}"
                    if not theirs.suppressed
                    else f"fewer than {smallest}",
                )
            )
        overall_a = _stats("All", a, smallest)
        overall_b = _stats("All", b, smallest)
        values = pd.concat([a, b], ignore_index=True)
        groups = ["Service users"] * len(a) + ["Care coordinators"] * len(b)
        try:
            welch = welch_anova(values, groups)
            test = (
                f"Welch F({number_text(welch.df1, 0)}, {number_text(welch.df2, 1)}) = "
                f"{number_text(welch.F)}, {format_p(welch.p)}{stars(welch.p)}"
            )
        except AnalysisError as exc:
            test = f"not tested: {exc}"
        rows.append(
            GroupRow(
                label=rule.name,
                sites=tuple(cells),
                overall=(
                    f"{overall_a.mean} ({overall_a.sd}), N = {overall_a.n}",
                    f"{overall_b.mean} ({overall_b.sd}), N = {overall_b.n}",
                ),
                test=test,
            )
        )
    return tuple(rows)


def _count(n: int, smallest: int) -> str:
    return str(n) if n == 0 or n >= smallest else f"fewer than {smallest}"


def _rates(collected: Collected, sites: Sequence[str], smallest: int) -> tuple[RateRow, ...]:
    rows = []
    for instrument_id, definition in collected.definitions.items():
        cells = []
        for site in sites:
            asked = collected.asked.get((site, instrument_id), 0)
            answered = collected.answered.get((site, instrument_id), 0)
            if asked == 0:
                cells.append(DASH)
            elif asked < smallest:
                cells.append(f"fewer than {smallest} asked")
            else:
                cells.append(
                    f"{answered / asked * 100:.1f}% ({_count(answered, smallest)} of {asked})"
                )
        rows.append(RateRow(definition.short_name, tuple(cells)))
    return tuple(rows)


def _category_labels(covariate: str) -> dict[str, str]:
    choices = {"gender": GENDER, "ethnic_group": ETHNIC_GROUPS, "relationship": RELATIONSHIP}.get(
        covariate, ()
    )
    return {code: str(label) for code, label in choices}


def _demographics(
    frame: pd.DataFrame, sites: Sequence[str], covariates: Sequence[str], smallest: int
) -> tuple[DemographicRow, ...]:
    """Who responded at each site: the case mix the adjusted analyses allow for."""
    rows = [
        DemographicRow(
            "Respondents", tuple(_count(int((frame[SITE] == s).sum()), smallest) for s in sites)
        )
    ]
    for covariate in covariates:
        kind, label = COVARIATES[covariate]
        series = frame[covariate]
        if kind == "numeric":
            cells = []
            for site in sites:
                values = series[frame[SITE] == site].dropna()
                if len(values) < smallest:
                    cells.append(f"fewer than {smallest}")
                    continue
                d = describe_by_group(values.to_numpy(dtype=float), [site] * len(values))[0]
                cells.append(f"{number_text(d.mean, 1)} ({number_text(d.sd, 1)})")
            rows.append(DemographicRow(f"{str(label).capitalize()}: mean (SD)", tuple(cells)))
        else:
            rows.append(
                DemographicRow(f"{str(label).capitalize()}: n (% of those recorded)", (), True)
            )
            labels = _category_labels(covariate)
            categories = [c for c in labels if (series == c).any()] or sorted(
                series.dropna().unique()
            )
            for category in categories:
                cells = []
                for site in sites:
                    inside = series[frame[SITE] == site]
                    known = int(inside.notna().sum())
                    count = int((inside == category).sum())
                    if count == 0:
                        cells.append("0")
                    elif count < smallest:
                        cells.append(f"fewer than {smallest}")
                    else:
                        cells.append(f"{count} ({count / known * 100:.0f}%)")
                rows.append(DemographicRow(labels.get(category, str(category)), tuple(cells)))
        missing = tuple(_count(int(series[frame[SITE] == s].isna().sum()), smallest) for s in sites)
        rows.append(DemographicRow(f"{str(label).capitalize()} not recorded or not said", missing))
    return tuple(rows)


def _correlation_cell(c: CorrelationResult | None, smallest: int) -> CorrelationCell:
    if c is None or c.r is None or c.n < smallest:
        return CorrelationCell(DASH, DASH, _count(c.n if c else 0, smallest))
    return CorrelationCell(f"{number_text(c.r, 3)}{stars(c.p)}", format_p(c.p), str(c.n))


def _correlations(
    frame: pd.DataFrame,
    definitions: Sequence[Definition],
    sites: Sequence[str],
    smallest: int,
    notes: list[str],
) -> tuple[
    tuple[CorrelationResult, ...], tuple[MatrixRow, ...], tuple[str, ...], tuple[MatrixRow, ...]
]:
    """Totals correlated overall and by site (tables 43 and 45), and the RSA and STAR-P
    subscales against each other (table 44)."""
    measures = [measure_for(d) for d in definitions]
    by_id = {d.id: d for d in definitions}
    pairs = [
        (ScoreRef(a.id, None), ScoreRef(b.id, None))
        for i, a in enumerate(measures)
        for b in measures[i + 1 :]
    ]
    if not pairs:
        return (), (), (), ()
    config = _config(
        "", measures, [], correlations=CorrelationOptions("pearson", tuple(pairs), True)
    )
    scored = score_measures(config, frame)
    analysis = analysis_frame(config, frame[SITE], frame, scored.scores)
    totals = tuple(correlation_result(config, analysis, sites, x, y, notes) for x, y in pairs)
    by_site_rows = []
    for x, y in pairs:
        cells = []
        xs = analysis["score:" + x.key]
        ys = analysis["score:" + y.key]
        for site in sites:
            inside = analysis[SITE] == site
            try:
                c = correlate(xs[inside], ys[inside], "pearson")
                cells.append(
                    _correlation_cell(
                        CorrelationResult(
                            "", "", c.r, c.p, c.n, c.ci95, c.label, "", "", "", (), None
                        ),
                        smallest,
                    )
                )
            except AnalysisError:
                cells.append(CorrelationCell(DASH, DASH, DASH))
        by_site_rows.append(
            MatrixRow(
                f"{by_id[x.measure].short_name} and {by_id[y.measure].short_name}", tuple(cells)
            )
        )
    matrix_rows: list[MatrixRow] = []
    columns: tuple[str, ...] = ()
    if "rsa_person" in by_id and "star_p" in by_id:
        rsa, star = by_id["rsa_person"], by_id["star_p"]
        rsa_subscales = [r.name for r in rsa.scores if r.items != rsa.item_ids]
        star_subscales = [r.name for r in star.scores if r.items != star.item_ids]
        columns = tuple(rsa_subscales)
        for star_name in star_subscales:
            cells = []
            for rsa_name in rsa_subscales:
                try:
                    c = correlate(
                        scored.scores[score_key("star_p", star_name)],
                        scored.scores[score_key("rsa_person", rsa_name)],
                        "pearson",
                    )
                    cells.append(
                        _correlation_cell(
                            CorrelationResult(
                                "", "", c.r, c.p, c.n, c.ci95, c.label, "", "", "", (), None
                            ),
                            smallest,
                        )
                    )
                except AnalysisError:
                    cells.append(CorrelationCell(DASH, DASH, DASH))
            matrix_rows.append(MatrixRow(star_name, tuple(cells)))
    return totals, tuple(matrix_rows), columns, tuple(by_site_rows)


# ----------------------------------------------------------------------------- the report


@dataclass
class EvaluationDocument:
    """Everything the report template shows."""

    title: str
    organisation: str
    generated_on: str
    period: str
    sites: tuple[str, ...]
    n_people: int
    n_staff: int
    covariate_labels: str
    rates: tuple[RateRow, ...]
    demographics: tuple[DemographicRow, ...]
    staff_demographics: tuple[DemographicRow, ...]
    sections: tuple[MeasureSection, ...]
    staff_section: MeasureSection | None
    groups: tuple[GroupRow, ...]
    correlations: tuple[CorrelationResult, ...]
    matrix: tuple[MatrixRow, ...]
    matrix_columns: tuple[str, ...]
    correlations_by_site: tuple[MatrixRow, ...]
    smallest: int
    notes: list[str] = field(default_factory=list)
    methods: tuple[str, ...] = ()


@dataclass(frozen=True)
class BuiltReport:
    document: EvaluationDocument
    html: str
    body: str
    pdf: bytes | None


def _period(request: ReportRequest) -> str:
    if request.start and request.end:
        return f"{long_date(request.start)} to {long_date(request.end)}"
    if request.start:
        return f"from {long_date(request.start)}"
    if request.end:
        return f"up to {long_date(request.end)}"
    return "all responses collected"


def _methods(collected: Collected, request: ReportRequest) -> tuple[str, ...]:
    covariates = [str(COVARIATES[c][1]) for c in request.covariates]
    paragraphs = [
        "Responses were collected in ourplan: in the respondent's own login, with a member of "
        "staff, keyed in twice from paper, or imported. Each respondent's latest finished response "
        "to each questionnaire in the period is used. Only de-identified data reached the analyses: "
        "one row per respondent holding the team, the covariates and the answers, in random order.",
        "Scores follow each questionnaire's definition: answers of 'not applicable' or 'prefer not "
        "to answer' are missing, reverse-keyed items are turned round, and a score needs at least the "
        "definition's share of its items answered (50% for the instruments shipped; seed 001 used "
        "50%). Mean scores are the mean of the answered items; totals are that mean times the number "
        "of items (prorated).",
        "Teams were compared with one-way ANOVA and Tukey's HSD"
        + (
            f", and with ANCOVA adjusting for {', '.join(covariates)} (adjusted means with "
            "Holm-corrected pairs; complete cases only)"
            if covariates
            else ""
        )
        + ". Scores were compared with published reference values by Welch's t test from summary "
        "statistics, where the reference publishes an SD. Service users and care coordinators were "
        "compared on the RSA by Welch's ANOVA. Correlations are Pearson's r with pairwise deletion, "
        "labelled by Cohen's effect size (small .10, medium .30, large .50). The significance level is 0.05.",
        f"Small cells are suppressed: a team with fewer than {request.min_cell} respondents on a "
        f"questionnaire is left out of that questionnaire's comparison, and no count below "
        f"{request.min_cell} is printed. Item wording is licensed and never printed; items are "
        "named by identifier and the project's short label.",
    ]
    for instrument_id, versions in sorted(collected.versions.items()):
        if len(versions) > 1:
            paragraphs.append(
                f"{instrument_id}: responses were answered under definition versions "
                f"{', '.join(sorted(versions))}; all are scored here with the current definition."
            )
    for definition in collected.definitions.values():
        if definition.key_check:
            paragraphs.append(f"{definition.short_name} scoring key: {definition.key_check}")
    return tuple(paragraphs)


def build(
    organisation: Organisation,
    parameters: Mapping[str, Any],
    *,
    progress: Progress | None = None,
    generated_on: dt.date | None = None,
    pdf: bool = True,
) -> BuiltReport:
    """Collect, analyse and render the report; ``progress(percent, stage)`` is told each step."""
    tell = progress or (lambda percent, stage: None)
    request = ReportRequest.from_parameters(parameters)
    smallest = request.min_cell
    tell(5, "Reading the questionnaires collected")
    collected = collect(organisation, request)
    people = collected.people
    if len(people) < smallest:
        raise ReportError(
            f"Only {_count(len(people), smallest)} people answered in this selection; a report needs "
            f"at least {smallest}."
        )
    sites = collected.sites
    notes: list[str] = []
    person_definitions = [collected.definitions[m] for m in request.measures]
    steps = len(person_definitions) + (1 if collected.staff is not None else 0) + 3
    done = 1

    def step(stage: str) -> None:
        nonlocal done
        done += 1
        tell(10 + int(75 * done / steps), stage)

    covariates = list(request.covariates)
    sections = []
    for definition in person_definitions:
        step(f"Comparing teams on {definition.short_name}")
        section = _measure_section(
            people,
            measure_for(definition),
            definition,
            covariates,
            smallest,
            Respondent.PERSON,
            notes,
            sites,
            request.title,
        )
        if section is not None:
            sections.append(section)
    staff_section = None
    groups: tuple[GroupRow, ...] = ()
    staff = collected.staff
    if staff is not None and len(staff) >= smallest:
        step("Comparing teams on the care coordinators' RSA")
        staff_definition = collected.definitions["rsa_provider"]
        staff_covariates = [c for c in covariates if c in STAFF_COVARIATES]
        staff_section = _measure_section(
            staff,
            measure_for(staff_definition),
            staff_definition,
            staff_covariates,
            smallest,
            Respondent.STAFF,
            notes,
            sites,
            request.title,
        )
        groups = _group_comparison(
            people, staff, collected.definitions["rsa_person"], staff_definition, sites, smallest
        )
    elif staff is not None:
        notes.append(
            f"Fewer than {smallest} care coordinators answered the RSA: they are not compared."
        )
    step("Correlating the questionnaires")
    totals, matrix, columns, by_site = _correlations(
        people, person_definitions, sites, smallest, notes
    )
    step("Describing who responded")
    document = EvaluationDocument(
        title=request.title,
        organisation=organisation.name,
        generated_on=long_date(generated_on or dt.date.today()),
        period=_period(request),
        sites=sites,
        n_people=len(people),
        n_staff=len(staff) if staff is not None else 0,
        covariate_labels=", ".join(str(COVARIATES[c][1]) for c in covariates),
        rates=_rates(collected, sites, smallest),
        demographics=_demographics(people, sites, covariates, smallest),
        staff_demographics=(
            _demographics(staff, sites, [c for c in covariates if c in STAFF_COVARIATES], smallest)
            if staff is not None and len(staff) >= smallest
            else ()
        ),
        sections=tuple(sections),
        staff_section=staff_section,
        groups=groups,
        correlations=totals,
        matrix=matrix,
        matrix_columns=columns,
        correlations_by_site=by_site,
        smallest=smallest,
        notes=notes,
        methods=_methods(collected, request),
    )
    tell(88, "Writing the report")
    html = render_to_string("measures/report/evaluation_document.html", {"doc": document})
    body = render_to_string("measures/report/_evaluation_body.html", {"doc": document})
    pdf_bytes = None
    if pdf:
        tell(92, "Laying out the PDF")
        pdf_bytes = render_pdf(html)
    tell(100, "Ready")
    return BuiltReport(document, html, body, pdf_bytes)


def de_identified_columns(collected: Collected) -> set[str]:
    """Every column that reaches the analyses (for the test that nothing identifying does)."""
    columns = set(collected.people.columns)
    if collected.staff is not None:
        columns |= set(collected.staff.columns)
    return columns


__all__ = ["BuiltReport", "ReportError", "ReportRequest", "build", "collect", "measure_for"]
