"""De-identified data sets uploaded for service evaluation and research."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Dataset(models.Model):
    """A de-identified table uploaded by a researcher or manager, visible within their organisation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "people.Organisation", on_delete=models.PROTECT, related_name="datasets"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    name = models.CharField(_("name"), max_length=200)
    original_filename = models.CharField(max_length=255)
    content = models.TextField(help_text=_("The CSV as uploaded, after validation."))
    row_count = models.PositiveIntegerField()
    columns = models.JSONField(default=list)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.name
