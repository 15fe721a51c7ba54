"""Words for rating scales and agreement labels, translated (the engine speaks English)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def default_scale_labels(scale: int) -> list[str]:
    """Standard labels for a 5-, 7- or 9-point agreement scale, 1 = strongly disagree."""
    if scale == 5:
        return [
            _("Strongly disagree"),
            _("Disagree"),
            _("Neither agree nor disagree"),
            _("Agree"),
            _("Strongly agree"),
        ]
    if scale == 7:
        return [
            _("Strongly disagree"),
            _("Disagree"),
            _("Somewhat disagree"),
            _("Neither agree nor disagree"),
            _("Somewhat agree"),
            _("Agree"),
            _("Strongly agree"),
        ]
    return [
        _("Strongly disagree"),
        _("Disagree"),
        _("Mostly disagree"),
        _("Slightly disagree"),
        _("Neither agree nor disagree"),
        _("Slightly agree"),
        _("Mostly agree"),
        _("Agree"),
        _("Strongly agree"),
    ][:scale]


def scale_labels(study: Any) -> list[str]:
    """The study's own labels when it has one per point, else the standard ones."""
    labels = list(study.scale_labels or [])
    if len(labels) == study.scale:
        return labels
    return default_scale_labels(study.scale)


AGREEMENT_LABELS = {
    "Strong agreement": gettext_lazy("Strong agreement"),
    "Moderate agreement": gettext_lazy("Moderate agreement"),
    "Weak agreement": gettext_lazy("Weak agreement"),
    "Neither agree / disagree": gettext_lazy("Neither agree / disagree"),
    "Weak disagreement": gettext_lazy("Weak disagreement"),
    "Moderate disagreement": gettext_lazy("Moderate disagreement"),
    "Strong disagreement": gettext_lazy("Strong disagreement"),
    "No ratings": gettext_lazy("No ratings"),
}
CONSENSUS_LABELS = {
    "agree": gettext_lazy("Consensus: agree"),
    "disagree": gettext_lazy("Consensus: disagree"),
    "none": gettext_lazy("No consensus"),
}


def agreement_label(label: str | None) -> str:
    if label is None:
        return ""
    return str(AGREEMENT_LABELS.get(label, label))


def consensus_label(status: str | None) -> str:
    return str(CONSENSUS_LABELS.get(status or "none", status or ""))
