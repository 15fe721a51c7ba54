from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    """Care plan quality: the review template, automatic and manual audits (docs/audit.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "ourplan.quality"
    label = "quality"
    verbose_name = _("Care plan quality")

    def ready(self) -> None:
        from ourplan.quality import audit_words

        audit_words.register()
