"""Care coordination's audited objects in words, for the person's "Who has seen my record"."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ourplan.coordination.models import Contact
from ourplan.core.record_words import register_describer, register_label


def _describe_contacts(ids: list[str]) -> Mapping[str, str]:
    """ "Contact: Phone call, 3 March 2026", for every contact named, in one query."""
    numbers = [int(i) for i in ids if i.isdigit()]
    return {
        str(c.pk): _("Contact: %(how)s, %(when)s")
        % {
            "how": c.get_mode_display(),
            "when": date_format(timezone.localtime(c.starts_at), "j F Y"),
        }
        for c in Contact.objects.filter(pk__in=numbers).only("pk", "mode", "starts_at")
    }


def register() -> None:
    register_label("contacts", gettext_lazy("Contacts and appointments"))
    register_describer("contact", _describe_contacts)
    register_label("timeline", gettext_lazy("The plan's timeline"))
    register_label(
        "coordinator_preferences", gettext_lazy("What they would like in a care coordinator")
    )
    register_label("allocation", gettext_lazy("The choice of care coordinator"))
    register_label("handover", gettext_lazy("A handover note between care coordinators"))
    register_label("coordinator_profile", gettext_lazy("A care coordinator's profile"))
    register_label("coordination_settings", gettext_lazy("Care coordination settings"))
    register_label("worklist", gettext_lazy("A care coordinator's worklist"))
    register_label("inbox", gettext_lazy("An inbox of notifications"))
    register_label("team_dashboard", gettext_lazy("The team dashboard"))
