"""Delphi consensus studies: design, participants, rounds, answers and the coding of free text.

Study data are not person records. Participants are known to organisers only by a
pseudonym (``P0007``); a link participant's token is stored as a hash, never in clear.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Statement codes become column names in CSV exports and SPSS variable names.
STATEMENT_CODE = RegexValidator(
    r"^[A-Za-z][A-Za-z0-9_]{0,31}$",
    _("Use a letter followed by up to 31 letters, digits or underscores, for example CC01."),
)
SCALES = (5, 7, 9)
MAX_SCALE = 9


class Scale(models.IntegerChoices):
    FIVE = 5, _("5-point")
    SEVEN = 7, _("7-point")
    NINE = 9, _("9-point")


class StabilityMethod(models.TextChoices):
    NONE = "", _("No stability criterion")
    PCT_CHANGE = "pct_change", _("Share in the consensus band changed by at most a limit")
    WILCOXON = "wilcoxon", _("No significant shift (paired Wilcoxon signed-rank test)")


class Study(models.Model):
    """A Delphi study designed by organisers (researchers or team managers) of one organisation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "people.Organisation", on_delete=models.PROTECT, related_name="studies"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"), max_length=4000)
    scale = models.PositiveSmallIntegerField(
        _("rating scale"), choices=Scale.choices, default=Scale.FIVE
    )
    scale_labels = models.JSONField(default=list, blank=True)
    planned_rounds = models.PositiveSmallIntegerField(
        _("planned rounds"), default=2, validators=[MinValueValidator(1), MaxValueValidator(6)]
    )
    open_first_round = models.BooleanField(
        _("round 1 asks open questions"),
        default=False,
        help_text=_("Participants answer the open questions; their answers become statements."),
    )
    # The consensus definition: fixed once round 1 opens (definition_locked_at).
    threshold = models.FloatField(
        _("consensus threshold"),
        default=0.75,
        validators=[MinValueValidator(0.51), MaxValueValidator(1.0)],
    )
    agree_min = models.PositiveSmallIntegerField(_("lowest rating counted as agreement"))
    max_iqr = models.FloatField(_("maximum interquartile range"), null=True, blank=True)
    all_groups = models.BooleanField(_("every group must reach the threshold"), default=False)
    stability_method = models.CharField(
        _("stability between rounds"),
        max_length=20,
        choices=StabilityMethod.choices,
        blank=True,
        default="",
    )
    stability_max_change = models.FloatField(
        _("largest change counted as stable"),
        default=0.15,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
    )
    definition_locked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Codes of removed statements: automatic numbering skips them, so a code never names
    # two different statements over the life of a study.
    retired_statement_codes = models.JSONField(default=list, blank=True, editable=False)
    # Analysis options: may change at any time; they do not alter the definition.
    merge_groups = models.JSONField(default=list, blank=True)
    cluster_k = models.PositiveSmallIntegerField(
        _("number of clusters"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2), MaxValueValidator(8)],
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = _("studies")
        constraints = [
            models.CheckConstraint(name="study_scale_5_7_9", condition=Q(scale__in=[5, 7, 9])),
            models.CheckConstraint(
                name="study_agree_min_on_scale",
                condition=Q(agree_min__gte=2) & Q(agree_min__lte=models.F("scale")),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def definition_locked(self) -> bool:
        return self.definition_locked_at is not None


class Panel(models.Model):
    """A stakeholder group, e.g. service users, carers, professionals or policy makers."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="panels")
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["study", "name"], name="panel_name_unique_in_study")
        ]

    def __str__(self) -> str:
        return self.name


class Statement(models.Model):
    """A statement participants rate, grouped by topic."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="statements")
    code = models.CharField(_("code"), max_length=32, validators=[STATEMENT_CODE])
    topic = models.CharField(_("topic"), max_length=120, blank=True)
    text = models.TextField(_("statement"), max_length=1000)
    position = models.PositiveIntegerField(default=0)
    from_open_answers = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["study", "code"], name="statement_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"


class OpenQuestion(models.Model):
    """An open question asked in an open-ended first round."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="open_questions")
    text = models.TextField(_("question"), max_length=1000)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class RoundStatus(models.TextChoices):
    PLANNED = "planned", _("Not opened yet")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Round(models.Model):
    """One round of the study. Organisers open and close rounds in order."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=RoundStatus.choices, default="planned")
    is_open_ended = models.BooleanField(default=False)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["study", "number"]
        constraints = [
            models.UniqueConstraint(fields=["study", "number"], name="round_number_unique"),
            models.CheckConstraint(name="round_number_positive", condition=Q(number__gte=1)),
        ]

    def __str__(self) -> str:
        return f"Round {self.number}"


class JoinedVia(models.TextChoices):
    LINK = "link", _("Invitation link")
    ACCOUNT = "account", _("Account")
    IMPORT = "import", _("Imported responses")


class Participant(models.Model):
    """A panel member, known to organisers by a pseudonym only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="participants")
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="participants")
    pseudonym = models.CharField(max_length=32)
    joined_via = models.CharField(max_length=10, choices=JoinedVia.choices)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="study_participations",
    )
    invited_at = models.DateTimeField(default=timezone.now)
    consented_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pseudonym"]
        constraints = [
            models.UniqueConstraint(fields=["study", "pseudonym"], name="participant_pseudonym"),
            models.UniqueConstraint(
                fields=["study", "user"],
                condition=Q(user__isnull=False),
                name="participant_user_once_per_study",
            ),
        ]

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def is_active(self) -> bool:
        return self.consented_at is not None and self.withdrawn_at is None


class Response(models.Model):
    """One participant's answers in one round; saved as a draft until submitted."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="responses")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round__number", "participant__pseudonym"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "round"], name="one_response_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.participant} in {self.round}"


class Rating(models.Model):
    """A rating of one statement (blank = skipped) and an optional comment."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="ratings")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="ratings")
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True, max_length=2000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "statement"], name="one_rating_each"),
            models.CheckConstraint(
                name="rating_value_in_range",
                condition=Q(value__isnull=True) | (Q(value__gte=1) & Q(value__lte=MAX_SCALE)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement.code}={self.value}"


class OpenAnswer(models.Model):
    """A free-text answer to an open question."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(OpenQuestion, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(max_length=4000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_each")
        ]

    def __str__(self) -> str:
        return f"Answer {self.pk}"


class Theme(models.Model):
    """A theme in the study's codebook (framework analysis)."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="themes")
    code = models.CharField(_("code"), max_length=32, validators=[STATEMENT_CODE])
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["study", "code"], name="theme_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"


class Coding(models.Model):
    """One coder's judgement that a theme applies to a free-text unit (answer or comment)."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="codings")
    coder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="codings")
    answer = models.ForeignKey(
        OpenAnswer, null=True, blank=True, on_delete=models.CASCADE, related_name="codings"
    )
    rating = models.ForeignKey(
        Rating, null=True, blank=True, on_delete=models.CASCADE, related_name="codings"
    )
    coded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="coding_has_one_unit",
                condition=(Q(answer__isnull=False, rating__isnull=True))
                | (Q(answer__isnull=True, rating__isnull=False)),
            ),
            models.UniqueConstraint(
                fields=["coder", "theme", "answer"],
                condition=Q(answer__isnull=False),
                name="coding_answer_once",
            ),
            models.UniqueConstraint(
                fields=["coder", "theme", "rating"],
                condition=Q(rating__isnull=False),
                name="coding_comment_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.theme_id} on {self.unit_key}"

    @property
    def unit_key(self) -> str:
        return f"a{self.answer_id}" if self.answer_id else f"c{self.rating_id}"


class FrameworkCell(models.Model):
    """The organiser's summary of one cell of the framework matrix (row × theme)."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="framework_cells")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="cells")
    row_kind = models.CharField(max_length=12)  # "group" or "respondent"
    row_key = models.CharField(max_length=80)
    summary = models.TextField(max_length=2000)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["theme", "row_kind", "row_key"], name="framework_cell_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.row_key} × {self.theme_id}"
