"""Forms for the person's log filters, their questions, IG answers and IG lead grants."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from ourplan.core.forms import DateInput, NhsForm
from ourplan.record_access.models import ANSWER, NOTE
from ourplan.record_access.queries import AccessGroup, Choice, Filters


class FilterForm(NhsForm):
    """Narrow the list: who looked, which part of the record, between which dates."""

    who = forms.ChoiceField(label=_("Who"), required=False)
    part = forms.ChoiceField(label=_("Part of your record"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def offer(self, *, who: list[Choice], parts: list[Choice]) -> None:
        """The choices come from the log itself, so they are set once the page is read."""
        who_field = cast(forms.ChoiceField, self.fields["who"])
        who_field.choices = [("", _("Anyone"))] + [(c.value, c.label) for c in who]
        part_field = cast(forms.ChoiceField, self.fields["part"])
        part_field.choices = [("", _("Any part"))] + [(c.value, c.label) for c in parts]
        if self.is_bound:
            self.full_clean()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error(
                "date_to", _("The ‘to’ date must be the same as or after the ‘from’ date.")
            )
        return cleaned

    def filters(self) -> Filters:
        """What was asked for. Read before the choices are known, so who and part are taken as
        sent: a person or a part that is not in the person's log simply matches nothing."""
        if not self.is_bound:
            return Filters()
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        who = str(self.data.get("who", ""))
        part = str(self.data.get("part", ""))
        return Filters(
            actor_id=int(who) if who.isdigit() else None,
            part=part,
            date_from=cleaned.get("date_from"),
            date_to=cleaned.get("date_to"),
        )


class AskForm(NhsForm):
    """Ask the information governance lead about something on the list."""

    entry = forms.TypedChoiceField(
        label=_("What are you asking about?"), coerce=int, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Tell us more"),
        help_text=_("For example, ‘I do not know who this is’. You do not have to write anything."),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, group: AccessGroup, chosen: int, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"entry": chosen})
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["entry"])
        field.choices = [(line.entry_id, f"{line.what} ({line.did})") for line in group.lines]
        if len(group.lines) == 1:
            field.widget = forms.HiddenInput()


class AnswerForm(NhsForm):
    answer = forms.CharField(
        label=_("Your answer"),
        help_text=_(
            "The person reads this on their ‘Who has seen my record’ page. Say what you found "
            "and what happens next, in plain words."
        ),
        max_length=ANSWER,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class GrantForm(NhsForm):
    user = forms.TypedChoiceField(label=_("Member of staff"), coerce=int)

    def __init__(self, *args: Any, staff: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["user"])
        field.choices = [("", _("Choose a member of staff"))] + [
            (member.user_id, _staff_label(member)) for member in staff
        ]


def _staff_label(member: Any) -> str:
    """ "Helen Crossley (Team manager, East team)"."""
    details = [str(member.user.get_role_display())]
    if member.team is not None:
        details.append(member.team.name)
    return f"{member.user.display_name} ({', '.join(details)})"
