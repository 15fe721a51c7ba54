"""Reads for framework analysis of free text: the pieces of text, codings, matrix, agreement.

Text is shown with the participant's pseudonym and group only, never who wrote it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.text import slugify
from django.utils.translation import ngettext

from ourplan.accounts.models import User
from ourplan.analysis.delphi.coding_agreement import CodingAgreement, coding_agreement
from ourplan.studies.models import Coding, OpenAnswer, Rating, Study, Theme


@dataclass(frozen=True)
class TextUnit:
    """A piece of free text to code: an answer to an open question or a comment."""

    key: str  # "a<id>" or "c<id>"
    text: str
    pseudonym: str
    group: str
    round: int
    prompt: str  # the question or the statement it responds to
    prompt_code: str


def text_units(study: Study) -> list[TextUnit]:
    """Every submitted free-text answer and comment, in a stable order."""
    units: list[TextUnit] = []
    answers = (
        OpenAnswer.objects.filter(
            response__round__study=study, response__submitted_at__isnull=False
        )
        .select_related("question", "response__participant__panel", "response__round")
        .order_by("response__round__number", "question__position", "pk")
    )
    for answer in answers:
        participant = answer.response.participant
        units.append(
            TextUnit(
                f"a{answer.pk}",
                answer.text,
                participant.pseudonym,
                participant.panel.name,
                answer.response.round.number,
                answer.question.text,
                f"Q{answer.question.position + 1}",
            )
        )
    comments = (
        Rating.objects.filter(response__round__study=study, response__submitted_at__isnull=False)
        .exclude(comment="")
        .select_related("statement", "response__participant__panel", "response__round")
        .order_by("response__round__number", "statement__position", "pk")
    )
    for rating in comments:
        participant = rating.response.participant
        units.append(
            TextUnit(
                f"c{rating.pk}",
                rating.comment,
                participant.pseudonym,
                participant.panel.name,
                rating.response.round.number,
                rating.statement.text,
                rating.statement.code,
            )
        )
    return units


def open_answer_units(study: Study) -> list[TextUnit]:
    """The submitted answers to open questions (not the comments), to draw statements from."""
    return [u for u in text_units(study) if u.key.startswith("a")]


def codings_by_coder(study: Study) -> dict[int, dict[str, set[str]]]:
    """Coder id → unit key → theme codes applied."""
    found: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for coding in Coding.objects.filter(study=study).select_related("theme"):
        found[coding.coder_id][coding.unit_key].add(coding.theme.code)
    return found


def themes(study: Study) -> list[Theme]:
    return list(study.themes.all())


def theme_in_study(study: Study, theme_id: int) -> Theme | None:
    """One theme of this study's codebook; None for one that is gone or of another study."""
    return study.themes.filter(pk=theme_id).first()


def theme_removal_refusal(theme: Theme) -> str:
    """Why a theme cannot be removed (text has been coded or summarised with it), or ""."""
    codings = theme.codings.count()
    if codings:
        return ngettext(
            "%(n)d coding uses this theme, so it cannot be removed. Each coder who used it "
            "must take it off that text on the coding page first.",
            "%(n)d codings use this theme, so it cannot be removed. Each coder who used it "
            "must take it off that text on the coding page first.",
            codings,
        ) % {"n": codings}
    cells = theme.cells.count()
    if cells:
        return ngettext(
            "%(n)d framework matrix summary uses this theme, so it cannot be removed. Clear "
            "it on the framework matrix page first.",
            "%(n)d framework matrix summaries use this theme, so it cannot be removed. Clear "
            "them on the framework matrix page first.",
            cells,
        ) % {"n": cells}
    return ""


CODEBOOK_COLUMNS = ("code", "name", "description")


def codebook_rows(study: Study) -> Iterable[tuple[str, str, str]]:
    """The codebook as (code, name, description), the columns the import reads back."""
    return study.themes.values_list(*CODEBOOK_COLUMNS)


def units_with_my_themes(study: Study, coder_id: int) -> list[tuple[TextUnit, list[int]]]:
    """Every piece of text with the ids of the themes this coder has given it."""
    mine = codings_by_coder(study).get(coder_id, {})
    by_code = {t.code: t.pk for t in study.themes.all()}
    return [
        (unit, [by_code[c] for c in mine.get(unit.key, set()) if c in by_code])
        for unit in text_units(study)
    ]


def framework_rows(study: Study, kind: str) -> list[str]:
    """The rows of the framework matrix: respondents' pseudonyms, or the groups."""
    if kind == "respondent":
        return list(study.participants.values_list("pseudonym", flat=True))
    return list(study.panels.values_list("name", flat=True))


def framework_matrix(study: Study, kind: str, rows: list[str]) -> list[tuple[str, list[Any]]]:
    """Rows × themes: each cell's summary and the quotes coded with that theme for that row."""
    all_themes = themes(study)
    units = {u.key: u for u in text_units(study)}
    quotes: dict[tuple[str, str], list[TextUnit]] = {}
    seen: set[tuple[str, str, str]] = set()
    for coding_row in study.codings.select_related("theme"):
        unit = units.get(coding_row.unit_key)
        if unit is None:
            continue
        row_key = unit.pseudonym if kind == "respondent" else unit.group
        marker = (coding_row.theme.code, row_key, unit.key)
        if marker in seen:  # two coders applied the same theme: quote once
            continue
        seen.add(marker)
        quotes.setdefault((coding_row.theme.code, row_key), []).append(unit)
    summaries = {
        (c.theme.code, c.row_key): c.summary
        for c in study.framework_cells.filter(row_kind=kind).select_related("theme")
    }
    return [
        (
            row,
            [
                {
                    "theme": theme,
                    "summary": summaries.get((theme.code, row), ""),
                    "quotes": quotes.get((theme.code, row), []),
                    "anchor": f"q-{theme.code}-{slugify(row)}",
                }
                for theme in all_themes
            ],
        )
        for row in rows
    ]


def coders(study: Study) -> list[tuple[int, str]]:
    """Everyone who has coded text in this study, as (user id, name), for choosing two."""
    ids = list(codings_by_coder(study))
    return [(u.pk, u.display_name) for u in User.objects.filter(pk__in=ids).order_by("pk")]


def agreement_between(
    study: Study, coder_a: int, coder_b: int, *, include_uncoded: bool
) -> CodingAgreement:
    """Agreement between two coders per theme and overall (AnalysisError when undefined)."""
    by_coder = codings_by_coder(study)
    return coding_agreement(
        [u.key for u in text_units(study)],
        by_coder.get(coder_a, {}),
        by_coder.get(coder_b, {}),
        [t.code for t in study.themes.all()],
        include_uncoded=include_uncoded,
    )
