"""Bar charts for the dashboard as inline SVG: no JavaScript, no inline styles, each with a
text equivalent (its label, and the table beside it that holds the same numbers)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ourplan.coordination.queries import CoordinatorFigures

BAR_HEIGHT, GAP, LABEL_WIDTH, WIDTH = 18, 10, 150, 520
BLUE, GREY, RED, TEXT = "#005eb8", "#aeb7bd", "#d5281b", "#212b32"


def caseload_chart(figures: Sequence[CoordinatorFigures]) -> SafeString | None:
    """Each care coordinator's caseload against their target: a bar, and a line at the target."""
    shown = [f for f in figures if f.staff is not None]
    if not shown:
        return None
    top = max(max(f.load for f in shown), max(f.target for f in shown), 1)
    scale = (WIDTH - LABEL_WIDTH - 70) / top
    height = len(shown) * (BAR_HEIGHT + GAP) + GAP
    parts = []
    sentences = []
    for index, figure in enumerate(shown):
        y = GAP + index * (BAR_HEIGHT + GAP)
        bar = figure.load * scale
        target = LABEL_WIDTH + figure.target * scale
        colour = RED if figure.over_target else BLUE
        label = escape(figure.name[:22])
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT - 4}" font-size="12" '
            f'text-anchor="end" fill="{TEXT}">{label}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{bar:.1f}" height="{BAR_HEIGHT}" fill="{colour}"/>'
            f'<line x1="{target:.1f}" x2="{target:.1f}" y1="{y - 3}" y2="{y + BAR_HEIGHT + 3}" '
            f'stroke="{TEXT}" stroke-width="2"/>'
            f'<text x="{LABEL_WIDTH + max(bar, figure.target * scale) + 6:.1f}" y="{y + BAR_HEIGHT - 4}" '
            f'font-size="12" fill="{TEXT}">{figure.load} / {figure.target}</text>'
        )
        sentences.append(
            _("%(name)s: %(load)d of %(target)d")
            % {
                "name": figure.name,
                "load": figure.load,
                "target": figure.target,
            }
        )
    summary = _("Caseload against target. %(list)s.") % {"list": "; ".join(sentences)}
    svg = (
        f'<svg class="ourplan-chart" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-label="{escape(summary)}" focusable="false">'
        f"<title>{escape(summary)}</title>{''.join(parts)}</svg>"
    )
    return mark_safe(svg)  # noqa: S308  (numbers and escaped names only)


def minutes_chart(figures: Sequence[CoordinatorFigures]) -> SafeString | None:
    """Minutes with people and recorded minutes in the last 30 days, per care coordinator."""
    shown = [f for f in figures if f.staff is not None]
    if not shown or not any(f.recorded_minutes for f in shown):
        return None
    top = max(max(f.recorded_minutes for f in shown), 1)
    scale = (WIDTH - LABEL_WIDTH - 90) / top
    height = len(shown) * (BAR_HEIGHT + GAP) + GAP
    parts = []
    sentences = []
    for index, figure in enumerate(shown):
        y = GAP + index * (BAR_HEIGHT + GAP)
        recorded = figure.recorded_minutes * scale
        face = figure.face_to_face_minutes * scale
        share = figure.share_in_contact
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT - 4}" font-size="12" '
            f'text-anchor="end" fill="{TEXT}">{escape(figure.name[:22])}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{recorded:.1f}" height="{BAR_HEIGHT}" fill="{GREY}"/>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{face:.1f}" height="{BAR_HEIGHT}" fill="{BLUE}"/>'
            f'<text x="{LABEL_WIDTH + recorded + 6:.1f}" y="{y + BAR_HEIGHT - 4}" font-size="12" '
            f'fill="{TEXT}">{figure.face_to_face_minutes} / {figure.recorded_minutes}</text>'
        )
        sentences.append(
            ngettext(
                "%(name)s: %(face)d face-to-face minute of %(recorded)d recorded (%(share)s)",
                "%(name)s: %(face)d face-to-face minutes of %(recorded)d recorded (%(share)s)",
                figure.face_to_face_minutes,
            )
            % {
                "name": figure.name,
                "face": figure.face_to_face_minutes,
                "recorded": figure.recorded_minutes,
                "share": f"{share}%" if share is not None else "–",
            }
        )
    summary = _("Face-to-face time against all recorded time, last 30 days. %(list)s.") % {
        "list": "; ".join(sentences)
    }
    svg = (
        f'<svg class="ourplan-chart" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-label="{escape(summary)}" focusable="false">'
        f"<title>{escape(summary)}</title>{''.join(parts)}</svg>"
    )
    return mark_safe(svg)  # noqa: S308  (numbers and escaped names only)
