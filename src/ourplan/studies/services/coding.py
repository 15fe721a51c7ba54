"""Framework analysis of free text: the codebook, each coder's coding, the matrix summaries."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ourplan.core.models import AuditAction
from ourplan.studies.models import (
    STATEMENT_CODE,
    Coding,
    FrameworkCell,
    OpenAnswer,
    Rating,
    Study,
    Theme,
)
from ourplan.studies.queries.coding import theme_removal_refusal
from ourplan.studies.services.uploads import decode_upload
from ourplan.studies.services.writes import locked, next_position, record, refuse_if


@transaction.atomic
def theme_add(*, actor: Any, study: Study, code: str, name: str, description: str = "") -> Theme:
    study = locked(study)
    code = code.strip()
    try:
        STATEMENT_CODE(code)
    except ValidationError as error:
        raise ValidationError({"code": error.messages}) from error
    if study.themes.filter(code=code).exists():
        raise ValidationError({"code": _("Another theme already has the code %s.") % code})
    if not name.strip():
        raise ValidationError({"name": _("Name the theme.")})
    theme = Theme.objects.create(
        study=study,
        code=code,
        name=name.strip(),
        description=description.strip(),
        position=next_position(study.themes.all()),
    )
    record(actor, AuditAction.CREATE, "study_theme", theme.pk)
    return theme


def _theme_of(study: Study, theme: Theme) -> Theme:
    current = study.themes.filter(pk=theme.pk).first()
    if current is None:
        raise ValidationError(_("That theme is no longer in the codebook: it has been removed."))
    return current


@transaction.atomic
def theme_update(
    *, actor: Any, study: Study, theme: Theme, code: str, name: str, description: str = ""
) -> Theme:
    """Rename or describe a theme at any time; its code changes only while no text uses it.

    Codings follow the theme, not its code, but coders, agreement results and downloaded
    codebooks know a theme by its code, so a theme in use keeps it.
    """
    study = locked(study)
    theme = _theme_of(study, theme)
    code = code.strip()
    if code != theme.code:
        try:
            STATEMENT_CODE(code)
        except ValidationError as error:
            raise ValidationError({"code": error.messages}) from error
        used = theme.codings.count()
        if used:
            raise ValidationError(
                {
                    "code": ngettext(
                        "%(n)d coding uses the code %(code)s, so the code stays. You can still "
                        "change the name and description.",
                        "%(n)d codings use the code %(code)s, so the code stays. You can still "
                        "change the name and description.",
                        used,
                    )
                    % {"n": used, "code": theme.code}
                }
            )
        if study.themes.filter(code=code).exclude(pk=theme.pk).exists():
            raise ValidationError({"code": _("Another theme already has the code %s.") % code})
    if not name.strip():
        raise ValidationError({"name": _("Name the theme.")})
    theme.code, theme.name, theme.description = code, name.strip(), description.strip()
    theme.save(update_fields=["code", "name", "description"])
    record(actor, AuditAction.UPDATE, "study_theme", theme.pk)
    return theme


@transaction.atomic
def theme_remove(*, actor: Any, study: Study, theme: Theme) -> None:
    """Remove a theme nobody has used; one in use stays, with a message saying how much."""
    study = locked(study)
    theme = _theme_of(study, theme)
    refuse_if(theme_removal_refusal(theme))
    theme_id = theme.pk
    theme.delete()
    record(actor, AuditAction.DELETE, "study_theme", theme_id)


@transaction.atomic
def codebook_import(*, actor: Any, study: Study, raw: bytes) -> int:
    """Add or update themes from a CSV with columns code, name, description. All or nothing."""
    study = locked(study)
    text = decode_upload(raw)
    try:
        rows = list(csv.DictReader(io.StringIO(text)))
    except csv.Error as error:
        raise ValidationError(_("The file could not be read as CSV: %s") % error) from error
    header = [h.strip() for h in (csv.reader(io.StringIO(text)).__next__() if text else [])]
    if "code" not in header or "name" not in header:
        raise ValidationError(_("The codebook needs the columns code, name and description."))
    problems: list[str] = []
    seen: set[str] = set()
    clean: list[tuple[str, str, str]] = []
    for line, row in enumerate(rows, start=2):
        code = (row.get("code") or "").strip()
        name = (row.get("name") or "").strip()
        try:
            STATEMENT_CODE(code)
        except ValidationError:
            problems.append(
                _("Line %(line)d: '%(code)s' is not a usable code.") % {"line": line, "code": code}
            )
        if not name:
            problems.append(_("Line %(line)d: the theme has no name.") % {"line": line})
        if code in seen:
            problems.append(
                _("Line %(line)d: the code %(code)s is repeated.") % {"line": line, "code": code}
            )
        seen.add(code)
        clean.append((code, name, (row.get("description") or "").strip()))
    if not clean:
        problems.append(_("The codebook has no themes."))
    if problems:
        raise ValidationError(problems[:8])
    existing = {t.code: t for t in study.themes.all()}
    position = next_position(study.themes.all())
    for code, name, description in clean:
        theme = existing.get(code)
        if theme is None:
            existing[code] = Theme.objects.create(
                study=study,
                code=code,
                name=name,
                description=description,
                position=position,
            )
            position += 1
        else:
            theme.name, theme.description = name, description
            theme.save(update_fields=["name", "description"])
    record(actor, AuditAction.UPDATE, "study_codebook_import", study.pk)
    return len(clean)


def _unit_of(study: Study, unit: str) -> tuple[OpenAnswer | None, Rating | None]:
    """An answer ('a<id>') or a comment ('c<id>') of this study, from submitted responses."""
    kind, number = unit[:1], unit[1:]
    if not number.isdigit():
        raise ValidationError(_("That text is not part of this study."))
    if kind == "a":
        answer = OpenAnswer.objects.filter(
            pk=int(number),
            response__round__study=study,
            response__submitted_at__isnull=False,
        ).first()
        if answer is not None:
            return answer, None
    if kind == "c":
        rating = (
            Rating.objects.filter(
                pk=int(number),
                response__round__study=study,
                response__submitted_at__isnull=False,
            )
            .exclude(comment="")
            .first()
        )
        if rating is not None:
            return None, rating
    raise ValidationError(_("That text is not part of this study."))


@transaction.atomic
def codings_set(*, actor: Any, study: Study, unit: str, theme_ids: Sequence[int]) -> int:
    """Replace this coder's themes for one unit of text. Returns how many themes now apply."""
    answer, rating = _unit_of(study, unit)
    themes = list(study.themes.filter(pk__in=list(theme_ids)))
    if len(themes) != len(set(theme_ids)):
        raise ValidationError(_("Choose themes from this study's codebook."))
    mine = Coding.objects.filter(study=study, coder=actor, answer=answer, rating=rating)
    mine.exclude(theme__in=themes).delete()
    have = set(mine.values_list("theme_id", flat=True))
    for theme in themes:
        if theme.pk not in have:
            try:
                with transaction.atomic():
                    Coding.objects.create(
                        study=study, coder=actor, theme=theme, answer=answer, rating=rating
                    )
            except IntegrityError:  # the same coder saved twice at once
                pass
    record(actor, AuditAction.UPDATE, "study_coding", f"{study.pk}:{unit}")
    return len(themes)


@transaction.atomic
def framework_cell_save(
    *, actor: Any, study: Study, theme: Theme, row_kind: str, row_key: str, summary: str
) -> FrameworkCell | None:
    """Write (or clear, with an empty summary) the summary of one framework matrix cell."""
    if theme.study_id != study.pk:
        raise ValidationError({"theme": _("Choose a theme from this study's codebook.")})
    if row_kind == "group":
        valid = study.panels.filter(name=row_key).exists()
    elif row_kind == "respondent":
        valid = study.participants.filter(pseudonym=row_key).exists()
    else:
        valid = False
    if not valid:
        raise ValidationError({"row": _("Choose a row of the matrix.")})
    summary = summary.strip()
    existing = FrameworkCell.objects.filter(theme=theme, row_kind=row_kind, row_key=row_key)
    if not summary:
        existing.delete()
        record(actor, AuditAction.DELETE, "study_framework_cell", f"{theme.pk}:{row_key}")
        return None
    cell, _created = FrameworkCell.objects.update_or_create(
        theme=theme,
        row_kind=row_kind,
        row_key=row_key,
        defaults={"study": study, "summary": summary, "updated_at": timezone.now()},
    )
    record(actor, AuditAction.UPDATE, "study_framework_cell", cell.pk)
    return cell
