"""The report's prose: how each measure was scored, the summary of findings and the methods.

Written from the config and the results, so changing an option changes the text with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ourplan.reports.config import Measure, ReportConfig
from ourplan.reports.evaluation.formatting import (
    format_p,
    list_words,
    number_text,
    plural,
    range_text,
    share_text,
)
from ourplan.reports.evaluation.model import CorrelationResult, MeasureResult


def measure_scoring_text(measure: Measure, n_items: int) -> str:
    """One line under a measure's heading: its items, answers and scoring rule."""
    scale = f", answers {range_text(*measure.scale)}" if measure.scale else ""
    if measure.scoring == "sum":
        rule = "total of the items, prorated for missing answers"
    else:
        rule = "mean of the answered items"
    reverse = (
        f"; {len(measure.reverse)} reverse-keyed item{'s' if len(measure.reverse) != 1 else ''}"
        if measure.reverse
        else ""
    )
    return (
        f"{n_items} items{scale}. Score: {rule}, when at least "
        f"{share_text(measure.min_answered)} of the items are answered{reverse}. "
        "Higher scores are more favourable."
    )


def methods_text(
    config: ReportConfig,
    items: Mapping[str, Sequence[str]],
    n_rows: int,
    n_without_site: int,
    n_sites: int,
) -> tuple[str, ...]:
    """The methods section, written from the options this report used."""
    sites = plural(config.site_label)
    paragraphs = []

    first = (
        f"This report analyses {n_rows} responses from {n_sites} {sites} "
        f"(data file {config.data.name})."
    )
    if n_without_site:
        first += (
            f" {n_without_site} row{'s' if n_without_site != 1 else ''} without a "
            f"{config.site_label.lower()} {'were' if n_without_site != 1 else 'was'} left out."
        )
    scoring = []
    for rule in ("mean", "sum"):
        named = [
            f"{m.name} ({len(items[m.id])} item{'s' if len(items[m.id]) != 1 else ''}"
            + (f", answered {range_text(*m.scale)})" if m.scale else ")")
            for m in config.measures
            if m.scoring == rule
        ]
        if not named:
            continue
        verb = "was" if len(named) == 1 else "were"
        how = (
            "the mean of the answered items"
            if rule == "mean"
            else "the total of the items, taken as the mean of the answered items multiplied "
            "by the number of items so that a missing answer does not lower the total"
        )
        scoring.append(f"{list_words(named)} {verb} scored as {how}.")
    if any(m.subscales for m in config.measures):
        scoring.append("Subscales were scored in the same way as the measure they belong to.")
    shares = {m.min_answered for m in config.measures}
    if len(shares) == 1:
        scoring.append(
            f"A score was calculated only when at least {share_text(shares.pop())} of its "
            "items were answered, and was otherwise treated as missing."
        )
    else:
        each = list_words([f"{share_text(m.min_answered)} for {m.name}" for m in config.measures])
        scoring.append(
            f"A score was calculated only when enough of its items were answered ({each}), "
            "and was otherwise treated as missing."
        )
    for measure in config.measures:
        if measure.reverse:
            low, high = measure.scale or (0.0, 0.0)
            scoring.append(
                f"{measure.name} items {list_words(list(measure.reverse))} were reverse-keyed "
                f"(an answer x became {low + high:g} − x) so that higher scores are always more "
                "favourable."
            )
        if measure.missing_codes:
            codes = list_words([f"{c:g}" for c in measure.missing_codes])
            scoring.append(f"{measure.name} answers coded {codes} were treated as not answered.")
    paragraphs.append(" ".join([first, *scoring]))

    compare = (
        f"Each score was compared across {sites} with a one-way analysis of variance (ANOVA). "
        f"The tables give each {config.site_label.lower()}'s mean with its standard error (SEM), "
        "the F statistic with its degrees of freedom, the p value and eta squared (η², the "
        f"share of the variation in the score that lies between {sites}). Pairs of {sites} "
        "were compared with Tukey's honestly significant difference test, which allows for "
        "the number of pairs compared."
    )
    if config.welch:
        compare += (
            " Welch's ANOVA, which does not assume that the spread of scores is the same in "
            "every group, is given as a check."
        )
    compare += " Each analysis used every respondent with the score it needed (available cases)."
    paragraphs.append(compare)

    if config.covariates:
        labels = [c.label for c in config.covariates]
        categorical = [c.label for c in config.covariates if c.kind == "categorical"]
        adjust = (
            f"To see whether differences in case mix explain differences between {sites}, "
            "each score was also analysed with an analysis of covariance (ANCOVA) adjusting "
            f"for {list_words(labels)}."
        )
        if categorical:
            adjust += f" {list_words(categorical).capitalize()} entered the model as categories."
        adjust += (
            f" The {config.site_label.lower()} effect was tested with Type III sums of squares. "
            f"Adjusted means are the model's estimate for each {config.site_label.lower()} with "
            "the covariates held at their sample averages, shown with their standard errors. "
            "Only respondents with every covariate recorded were included (complete cases), so "
            "the adjusted analyses can use fewer respondents than the unadjusted ones; N is "
            f"given for each. Pairs of {sites} were compared on the adjusted means with t tests "
            "and Holm's correction for the number of pairs."
        )
    else:
        adjust = (
            "No covariates were named, so the comparisons are not adjusted for differences in "
            f"case mix (such as age) between {sites}."
        )
    paragraphs.append(adjust)

    if config.correlations is not None:
        c = config.correlations
        name = "Pearson's" if c.method == "pearson" else "Spearman's rank"
        count = len(c.pairs)
        text = (
            f"{name} correlation measured the association between the {count} pair"
            f"{'s' if count != 1 else ''} of scores in the correlation table, using every "
            "respondent with both scores (pairwise deletion)"
        )
        text += (
            f", for all {sites} together and within each {config.site_label.lower()}."
            if (c.by_site)
            else f", for all {sites} together."
        )
        text += (
            " Sizes follow Cohen's conventions: below 0.1 negligible, 0.1 to below 0.3 small, "
            "0.3 to below 0.5 medium and 0.5 or more large."
        )
        paragraphs.append(text)

    if config.top_items is not None:
        names = list_words([config.measure(m).name for m in config.top_items.measures])
        paragraphs.append(
            f"For {names}, each {config.site_label.lower()}'s {config.top_items.k} items with "
            "the highest mean answer are listed (after reverse-keying, so a high mean is always "
            "favourable; equal means keep questionnaire order). Items are named by identifier "
            "only."
        )

    paragraphs.append(
        f"Results were treated as statistically significant when p < {config.alpha:g}. In the "
        "tables * marks p < .05, ** p < .01 and *** p < .001. Many tests are reported, so a "
        "single significant result should be read with caution, and differences between "
        f"{sites} describe the respondents, not the quality of care as a whole."
    )
    return tuple(paragraphs)


def summary_lines(
    config: ReportConfig,
    measures: Sequence[MeasureResult],
    correlations: Sequence[CorrelationResult],
) -> tuple[str, ...]:
    """The summary of findings: where sites differ, and each correlation with its size."""
    sites = plural(config.site_label)
    lines = []
    for measure in measures:
        differing = [s for s in measure.scores if s.significant]
        tested = [s for s in measure.scores if s.anova is not None]
        if not tested:
            continue
        if not differing:
            lines.append(f"{measure.name}: no significant difference between {sites} on any score.")
            continue
        parts = []
        for s in differing:
            p = format_p(s.anova.table.p if s.anova else None, leading_zero=True)
            text = f"{s.label.lower() if s.is_total else s.label} ({p}"
            if s.adjusted_significant is True:
                text += ", still significant after adjustment"
            elif s.adjusted_significant is False:
                text += ", not significant after adjustment"
            parts.append(text + ")")
        lines.append(f"{measure.name}: {sites} differed on {list_words(parts)}.")
    for c in correlations:
        if c.r is not None:
            lines.append(
                f"{c.x_label} and {c.y_label}: {c.size} correlation "
                f"(r = {number_text(c.r)}, N = {c.n}, {format_p(c.p, leading_zero=True)})."
            )
    return tuple(lines)
