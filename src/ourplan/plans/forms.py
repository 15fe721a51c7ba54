"""The plan's forms, each worded for whoever fills it in: the person, or a member of staff.

Staff say whose words they are writing (``voice``): their own, the person's as the person
said them, or written together with the person there. The person always writes their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ourplan.core.forms import DateInput, NhsForm, NhsModelForm
from ourplan.people.models import Supporter
from ourplan.plans.models import (
    AboutMe,
    ContactFrequency,
    CopyGiven,
    CrisisPlan,
    Goal,
    Need,
    PersonalContact,
    PersonalSafetyPlan,
    PersonResponse,
    Risk,
    SafetyItem,
    StaffContributionRules,
    StayingWellPlan,
    StepOwner,
    StepStatus,
    Strength,
    Voice,
    Wording,
)
from ourplan.plans.phone_numbers import clean_phone_number

TEXTAREA = forms.Textarea(attrs={"rows": 4})


@dataclass(frozen=True)
class Speaker:
    """Who is filling in a form about whose plan: the words and the choices follow from it."""

    is_person: bool
    called: str


def voice_field(called: str) -> forms.ChoiceField:
    """Staff say whose words they are writing. No answer is chosen for them."""
    return forms.ChoiceField(
        label=_("Whose words are these?"),
        help_text=_(
            "If you choose nothing, the words are shown as yours. %(called)s is asked to "
            "confirm words recorded as theirs."
        )
        % {"called": called},
        choices=[
            (Voice.STAFF, _("I wrote them myself")),
            (
                Voice.AS_SAID,
                _("%(called)s's words, as %(called)s said them: %(called)s is here with me")
                % {"called": called},
            ),
            (
                Voice.TOGETHER,
                _("We wrote them together: %(called)s is here with me") % {"called": called},
            ),
        ],
        widget=forms.RadioSelect(attrs={"class": "nhsuk-radios__input"}),
        required=False,
    )


class SpeakerMixin:
    """Adds the staff's choice of voice. Nothing is chosen for them: a member of staff who
    chooses nothing wrote the words themselves, and they are shown as theirs."""

    def add_voice(self, speaker: Speaker | None) -> None:
        self.speaker = speaker
        if speaker is not None and not speaker.is_person:
            self.fields["voice"] = voice_field(speaker.called)  # type: ignore[attr-defined]


class RevisionForm(SpeakerMixin, NhsModelForm):
    """A part form that carries the revision it was opened at, for conflict detection."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, speaker: Speaker | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_voice(speaker)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        return cleaned


class AboutMeForm(RevisionForm):
    class Meta:
        model = AboutMe
        fields = AboutMe.TEXT_FIELDS
        widgets = dict.fromkeys(AboutMe.TEXT_FIELDS, TEXTAREA)


class StayingWellForm(RevisionForm):
    class Meta:
        model = StayingWellPlan
        fields = StayingWellPlan.TEXT_FIELDS
        widgets = dict.fromkeys(StayingWellPlan.TEXT_FIELDS, TEXTAREA)


class CrisisForm(RevisionForm):
    class Meta:
        model = CrisisPlan
        fields = (
            *CrisisPlan.TEXT_FIELDS,
            "advance_signed",
            "advance_witnessed",
            "advance_original_kept",
        )
        widgets = dict.fromkeys(CrisisPlan.TEXT_FIELDS, TEXTAREA)


class PersonalSafetyForm(RevisionForm):
    class Meta:
        model = PersonalSafetyPlan
        fields = PersonalSafetyPlan.TEXT_FIELDS
        widgets = dict.fromkeys(PersonalSafetyPlan.TEXT_FIELDS, TEXTAREA)


class TreatmentPreferencesForm(RevisionForm):
    """What clinicians and peer support workers may add to, when the organisation allows it."""

    class Meta:
        model = AboutMe
        fields = AboutMe.TREATMENT_PREFERENCE_FIELDS
        widgets = dict.fromkeys(AboutMe.TREATMENT_PREFERENCE_FIELDS, TEXTAREA)


class StrengthForm(SpeakerMixin, NhsModelForm):
    class Meta:
        model = Strength
        fields = ("kind", "text")
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args: Any, speaker: Speaker | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_voice(speaker)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        return cleaned


class StrengthEditForm(RevisionForm):
    """Reword a strength, change its kind or goals, or set it aside and bring it back."""

    goals = forms.ModelMultipleChoiceField(
        label=_("Goals this strength helps with"),
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # The goals the editor was shown: only their links change, so nobody else's link is lost.
    goals_shown = forms.ModelMultipleChoiceField(
        queryset=Goal.objects.none(), required=False, widget=forms.MultipleHiddenInput
    )
    set_aside = forms.BooleanField(
        label=_("Set this strength aside for now"),
        help_text=_(
            "It no longer fits. It is kept, shown apart from the others, and can be brought back."
        ),
        required=False,
    )

    class Meta:
        model = Strength
        fields = ("text", "kind")
        widgets = {"kind": forms.RadioSelect}
        error_messages = {"text": {"required": _("Write the strength.")}}

    def __init__(
        self, *args: Any, plan: Any, speaker: Speaker | None = None, **kwargs: Any
    ) -> None:
        instance = kwargs.get("instance")
        if instance is not None and kwargs.get("data") is None:
            kwargs["initial"] = {
                "goals": list(instance.goals.all()),
                "goals_shown": list(plan.goals.all()),
                "set_aside": instance.archived_at is not None,
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, speaker=speaker, **kwargs)
        for name in ("goals", "goals_shown"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = plan.goals.all()


def _goal_words(field: forms.Field, speaker: Speaker) -> None:
    if speaker.is_person:
        field.label = _("My goal")
        field.help_text = _(
            "Write it the way you would say it: something you want to work towards."
        )
    else:
        field.label = _("The goal")
        field.help_text = _("Write it the way %(called)s says it.") % {"called": speaker.called}


class GoalForm(SpeakerMixin, NhsModelForm):
    class Meta:
        model = Goal
        fields = ("text", "life_area", "strengths")
        widgets = {"strengths": forms.CheckboxSelectMultiple}

    def __init__(
        self, *args: Any, plan: Any, life_areas: Any, speaker: Speaker, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _goal_words(self.fields["text"], speaker)
        area_field = self.fields["life_area"]
        assert isinstance(area_field, forms.ModelChoiceField)
        area_field.queryset = life_areas
        area_field.empty_label = _("Choose a life area")
        strengths_field = self.fields["strengths"]
        assert isinstance(strengths_field, forms.ModelMultipleChoiceField)
        strengths_field.queryset = Strength.objects.filter(plan=plan, archived_at__isnull=True)
        strengths_field.required = False
        strengths_field.label = _("Strengths this builds on")
        self.add_voice(speaker)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        return cleaned


class GoalEditForm(RevisionForm):
    class Meta:
        model = Goal
        fields = ("text", "life_area")

    def __init__(self, *args: Any, life_areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.speaker is not None:
            _goal_words(self.fields["text"], self.speaker)
        area_field = self.fields["life_area"]
        assert isinstance(area_field, forms.ModelChoiceField)
        area_field.queryset = life_areas


class StepForm(SpeakerMixin, NhsForm):
    text = forms.CharField(
        label=_("Step"),
        max_length=500,
        help_text=_("A small, concrete thing to do next."),
        error_messages={"required": _("Write what the step is.")},
    )
    owner = forms.ChoiceField(
        label=_("Who does it"),
        choices=StepOwner.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who does this step.")},
    )
    supporter = forms.ModelChoiceField(
        label=_("Which supporter (if a supporter does it)"),
        queryset=Supporter.objects.none(),
        required=False,
    )
    service = forms.CharField(
        label=_("Which service (if another service does it)"), max_length=200, required=False
    )
    due_on = forms.DateField(label=_("By when"), required=False, widget=DateInput())

    def __init__(
        self, *args: Any, person: Any, speaker: Speaker | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        supporter_field = self.fields["supporter"]
        assert isinstance(supporter_field, forms.ModelChoiceField)
        supporter_field.queryset = Supporter.objects.filter(person=person, ended_at__isnull=True)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ChoiceField)
        # A team member's own step is added by them, from their own form.
        owner_field.choices = [c for c in StepOwner.choices if c[0] != StepOwner.TEAM_MEMBER]
        self.add_voice(speaker)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("owner") == StepOwner.SUPPORTER and not cleaned.get("supporter"):
            self.add_error("supporter", _("Choose which supporter does this step."))
        if cleaned.get("owner") == StepOwner.SERVICE and not (cleaned.get("service") or "").strip():
            self.add_error("service", _("Say which service does this step."))
        return cleaned


class TeamStepForm(SpeakerMixin, NhsForm):
    """A clinician or peer support worker adds a step they will do themselves."""

    text = forms.CharField(
        label=_("A step you will do"),
        max_length=500,
        help_text=_("It is shown in the plan as yours, with your name."),
        error_messages={"required": _("Write what the step is.")},
    )
    due_on = forms.DateField(label=_("By when"), required=False, widget=DateInput())

    def __init__(self, *args: Any, speaker: Speaker, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_voice(speaker)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        return cleaned


class StepEditForm(StepForm):
    """Reword a step, or change who does it and by when."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, person: Any, step: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "text": step.text,
                "owner": step.owner,
                "supporter": step.supporter_id,
                "service": step.service,
                "due_on": step.due_on,
                "revision": step.revision,
            },
        )
        super().__init__(*args, person=person, **kwargs)
        if step.owner == StepOwner.TEAM_MEMBER:
            owner_field = self.fields["owner"]
            assert isinstance(owner_field, forms.ChoiceField)
            owner_field.choices = StepOwner.choices
        # A supporter who has since stopped supporting stays on the list for this step.
        supporter_field = self.fields["supporter"]
        assert isinstance(supporter_field, forms.ModelChoiceField)
        supporter_field.queryset = Supporter.objects.filter(
            Q(person=person, ended_at__isnull=True) | Q(person=person, pk=step.supporter_id)
        )


class StepStatusForm(NhsForm):
    status = forms.ChoiceField(label=_("Status"), choices=StepStatus.choices)
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RatingForm(NhsForm):
    score = forms.IntegerField(
        label=_("How far along are you, from 0 (not started) to 10 (achieved)?"),
        min_value=0,
        max_value=10,
        widget=forms.NumberInput(
            attrs={"class": "nhsuk-input nhsuk-input--width-2", "inputmode": "numeric"}
        ),
    )


class AchieveForm(NhsForm):
    celebration = forms.CharField(label=_("How will you mark it?"), max_length=500, required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


SAFETY_ITEM_FIELDS = (
    "kind",
    "description",
    "person_view",
    "person_view_not_obtained",
    "professional_view",
    "agreed_steps",
    "responsibilities",
    "review_on",
)


# Fields only staff fill in: the person writes their own view and never the professional one.
STAFF_ONLY_VIEW_FIELDS = ("person_view_not_obtained", "professional_view")


def _word_views(form: forms.BaseForm, speaker: Speaker) -> None:
    """The two views, worded for whoever fills the form in."""
    fields = form.fields
    if speaker.is_person:
        for name in STAFF_ONLY_VIEW_FIELDS:
            fields.pop(name, None)
        fields["person_view"].label = _("My view")
        fields["person_view"].help_text = _("What you think about it, in your words.")
        fields["person_view"].required = True
        fields["person_view"].error_messages["required"] = _("Write your view.")
    else:
        fields["person_view"].label = _("%(called)s's view, as they said it") % {
            "called": speaker.called
        }
        fields["person_view"].help_text = _(
            "Write it as %(called)s said it. It is shown as recorded by you, as they said it."
        ) % {"called": speaker.called}
        fields["person_view_not_obtained"].label = _(
            "If %(called)s's view could not be recorded, why not"
        ) % {"called": speaker.called}
        fields["professional_view"].label = _("Your professional view")


class ViewsForm(SpeakerMixin, NhsModelForm):
    """A concern, risk or opportunity with the person's view beside the professional view."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, speaker: Speaker, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word_views(self, speaker)
        self.add_voice(speaker)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.speaker is not None and self.speaker.is_person:
            sent = {name for name in STAFF_ONLY_VIEW_FIELDS if (self.data.get(name) or "").strip()}
            if "professional_view" in sent:
                self.add_error(
                    None, _("Only staff write the professional view. Write your own view instead.")
                )
        if (
            not (cleaned.get("person_view") or "").strip()
            and not (cleaned.get("person_view_not_obtained") or "").strip()
            and "person_view" not in self.errors
        ):
            self.add_error(
                "person_view",
                _("Write the person's own view, or say why it could not be recorded."),
            )
        return cleaned

    def saved_fields(self) -> dict[str, Any]:
        """The model fields this form fills in (the person's form has no staff-only views)."""
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.fields}  # type: ignore[union-attr]


class SafetyItemForm(ViewsForm):
    class Meta:
        model = SafetyItem
        fields = SAFETY_ITEM_FIELDS
        widgets = {
            "kind": forms.RadioSelect,
            "review_on": DateInput(),
            **dict.fromkeys(
                (
                    "description",
                    "person_view",
                    "professional_view",
                    "agreed_steps",
                    "responsibilities",
                ),
                TEXTAREA,
            ),
        }


RISK_FIELDS = (
    "kind",
    "description",
    "person_view",
    "person_view_not_obtained",
    "professional_view",
    "shared_responsibility",
    "review_on",
)


class RiskForm(ViewsForm):
    class Meta:
        model = Risk
        fields = RISK_FIELDS
        widgets = {
            "kind": forms.RadioSelect,
            "review_on": DateInput(),
            **dict.fromkeys(
                ("description", "person_view", "professional_view", "shared_responsibility"),
                TEXTAREA,
            ),
        }
        help_texts = {
            "shared_responsibility": _(
                "Needed for a positive risk: the person, their supporters and the team each "
                "take part of it."
            )
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("kind") == "positive"
            and not (cleaned.get("shared_responsibility") or "").strip()
        ):
            self.add_error(
                "shared_responsibility",
                _("Say who shares the responsibility for this positive risk, and for what."),
            )
        return cleaned


NEED_FIELDS = ("life_area", "description", "person_view", "status", "personal_budget")


class NeedForm(SpeakerMixin, NhsModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    class Meta:
        model = Need
        fields = NEED_FIELDS
        widgets = {
            "status": forms.RadioSelect,
            "description": TEXTAREA,
            "person_view": TEXTAREA,
        }

    def __init__(self, *args: Any, speaker: Speaker, life_areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area_field = self.fields["life_area"]
        assert isinstance(area_field, forms.ModelChoiceField)
        area_field.queryset = life_areas
        area_field.empty_label = _("Choose a life area")
        if speaker.is_person:
            self.fields["description"].label = _("What I need")
            self.fields["person_view"].label = _("What I think about it")
        else:
            self.fields["description"].label = _("What %(called)s needs") % {
                "called": speaker.called
            }
            self.fields["person_view"].label = _("%(called)s's view, as they said it") % {
                "called": speaker.called
            }
        self.add_voice(speaker)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        return cleaned


class ContactForm(NhsModelForm):
    """Someone the person wants to be able to ring."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    remove = forms.BooleanField(label=_("Take this contact off my plan"), required=False)

    class Meta:
        model = PersonalContact
        fields = ("name", "relationship", "phone")
        widgets = {
            "phone": forms.TextInput(
                attrs={"type": "tel", "autocomplete": "tel", "class": "nhsuk-input--width-20"}
            )
        }
        error_messages = {"name": {"required": _("Write their name.")}}

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["remove"]

    def clean_phone(self) -> str:
        try:
            return clean_phone_number(self.cleaned_data.get("phone") or "")
        except ValidationError as error:
            raise ValidationError(error.message_dict["phone"]) from error


class ReviewForm(NhsForm):
    """The standard review on one page: progress, a new step, who came, sign-off and the copy."""

    held_on = forms.DateField(label=_("Date of the review"), widget=DateInput())
    # Nobody is ticked as there until someone ticks them.
    person_attended = forms.BooleanField(label=_("The person was there"), required=False)
    supporters = forms.ModelMultipleChoiceField(
        label=_("Carers and supporters there"),
        queryset=Supporter.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    advocate = forms.CharField(label=_("Advocate there"), max_length=200, required=False)
    professionals = forms.CharField(label=_("Professionals there"), max_length=500, required=False)
    what_changed = forms.CharField(
        label=_("What changed"), max_length=4000, required=False, widget=TEXTAREA
    )
    notes = forms.CharField(
        label=_("Notes of the review"), max_length=4000, required=False, widget=TEXTAREA
    )
    person_view = forms.CharField(
        label=_("What the person thought of the review, as they said it"),
        max_length=4000,
        required=False,
        widget=TEXTAREA,
    )
    carer_view = forms.CharField(
        label=_("What carers and supporters thought of the review, as they said it"),
        max_length=4000,
        required=False,
        widget=TEXTAREA,
    )
    contact_frequency = forms.ChoiceField(
        label=_("How often we agreed to meet"),
        choices=[("", _("Not agreed")), *ContactFrequency.choices],
        required=False,
    )
    step_goal = forms.ModelChoiceField(
        label=_("Add a step to this goal"),
        queryset=Goal.objects.none(),
        required=False,
        empty_label=_("No new step"),
    )
    step_text = forms.CharField(label=_("New step"), max_length=500, required=False)
    step_owner = forms.ChoiceField(
        label=_("Who does it"), choices=[("", _("Choose")), *StepOwner.choices], required=False
    )
    step_supporter = forms.ModelChoiceField(
        label=_("Which supporter"), queryset=Supporter.objects.none(), required=False
    )
    step_service = forms.CharField(label=_("Which service"), max_length=200, required=False)
    step_due_on = forms.DateField(label=_("By when"), required=False, widget=DateInput())
    next_review_on = forms.DateField(label=_("Next review"), widget=DateInput())
    coordinator_signs = forms.BooleanField(
        label=_("I sign this version as care coordinator"), required=False
    )
    person_signs = forms.BooleanField(
        label=_("The person signs this version here, in the room"), required=False
    )
    not_signed_reason = forms.CharField(
        label=_("If the person is not signing, why not"), max_length=500, required=False
    )
    copy_given = forms.ChoiceField(
        label=_("Copy given"),
        choices=[("", _("Not yet")), *CopyGiven.choices],
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, plan: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.active_goals = list(plan.goals.filter(status="active").select_related("life_area"))
        supporters = Supporter.objects.filter(person=plan.person, ended_at__isnull=True)
        for name in ("supporters", "step_supporter"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = supporters
        goal_field = self.fields["step_goal"]
        assert isinstance(goal_field, forms.ModelChoiceField)
        goal_field.queryset = plan.goals.filter(status="active")
        self.initial.setdefault("held_on", timezone.localdate())
        called = plan.person.called
        self.fields["person_attended"].label = _("%(called)s was there") % {"called": called}
        self.fields["person_view"].label = _(
            "What %(called)s thought of the review, as they said it"
        ) % {"called": called}
        # One progress box per active goal, before the rest of the form.
        progress_fields = {
            f"progress_{goal.pk}": forms.IntegerField(
                label=goal.text,
                min_value=0,
                max_value=10,
                required=False,
                help_text=_("Progress from 0 to 10"),
                widget=forms.NumberInput(
                    attrs={"class": "nhsuk-input nhsuk-input--width-2", "inputmode": "numeric"}
                ),
            )
            for goal in self.active_goals
        }
        self.fields = {**progress_fields, **self.fields}

    def progress(self) -> dict[Goal, int]:
        return {
            goal: self.cleaned_data[f"progress_{goal.pk}"]
            for goal in self.active_goals
            if self.cleaned_data.get(f"progress_{goal.pk}") is not None
        }

    def new_step(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("step_goal"):
            return None
        return {
            "goal": data["step_goal"],
            "text": data.get("step_text") or "",
            "owner": data.get("step_owner") or "",
            "supporter": data.get("step_supporter"),
            "service": data.get("step_service") or "",
            "due_on": data.get("step_due_on"),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("step_goal"):
            if not (cleaned.get("step_text") or "").strip():
                self.add_error("step_text", _("Write what the new step is."))
            if not cleaned.get("step_owner"):
                self.add_error("step_owner", _("Choose who does the new step."))
        next_review = cleaned.get("next_review_on")
        if next_review and next_review <= timezone.localdate():
            self.add_error("next_review_on", _("The next review must be after today."))
        if cleaned.get("person_signs") and not cleaned.get("person_attended"):
            self.add_error(
                "person_signs", _("The person can only sign in the room if they were there.")
            )
        return cleaned


class NotSignedForm(NhsForm):
    not_signed_reason = forms.CharField(label=_("Why the person has not signed"), max_length=500)


class VersionResponseForm(NhsForm):
    """The person says whether they agree with a version, and may comment in their own words."""

    response = forms.ChoiceField(
        label=_("Do you agree with this version of your plan?"),
        choices=[
            (PersonResponse.AGREE, _("Yes, I agree: sign it")),
            (PersonResponse.DISAGREE, _("No, I do not agree with it")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you agree with this version.")},
    )
    comment = forms.CharField(
        label=_("Anything you want to say about it"),
        help_text=_(
            "Your comment is kept with this version and shown wherever it is, "
            "so your care coordinator sees it."
        ),
        max_length=4000,
        required=False,
        widget=TEXTAREA,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("response") == PersonResponse.DISAGREE
            and not (cleaned.get("comment") or "").strip()
        ):
            self.add_error("comment", _("Say what you do not agree with, so it can be put right."))
        return cleaned


class CopyGivenForm(NhsForm):
    copy_given = forms.ChoiceField(
        label=_("How was the copy given?"),
        choices=CopyGiven.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the copy was given.")},
    )


class WordingChoiceForm(NhsForm):
    """Which of the person's words they confirm or put back: only this plan's will do."""

    wording = forms.ModelChoiceField(
        queryset=Wording.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose words from your own plan."),
            "invalid_choice": _("Choose words from your own plan that are waiting for you."),
        },
    )

    def __init__(self, *args: Any, wordings: QuerySet[Wording], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["wording"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = wordings


class ContributionRulesForm(NhsModelForm):
    class Meta:
        model = StaffContributionRules
        fields = StaffContributionRules.RULE_FIELDS
