"""Consent's pieces of pages that belong to the people app.

The people app is below consent and never imports it; its person and organisation pages
load these tags, so what they show of sharing and contributions is read here.
"""

from __future__ import annotations

from typing import Any

from django import template

from ourplan.consent import queries
from ourplan.consent.models import ContributionVisibility

register = template.Library()


@register.inclusion_tag("consent/_network_links.html")
def network_and_contributions_links(person: Any) -> dict[str, Any]:
    """Links from a person's page to their network and to what supporters sent."""
    return {"person": person, "open_contributions": queries.open_contributions_count(person)}


@register.inclusion_tag("consent/_contribution_policy_summary.html")
def contribution_policy_summary(organisation: Any) -> dict[str, Any]:
    """The organisation's policy on whether people see what their supporters send."""
    policy = queries.contribution_policy_of(organisation.pk)
    return {"policy_label": ContributionVisibility(policy).label}
