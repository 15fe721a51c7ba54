from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordAccessConfig(AppConfig):
    """Who has seen a person's record, and questions about it to the IG lead."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "ourplan.record_access"
    label = "record_access"
    verbose_name = _("Who has seen my record")

    def ready(self) -> None:
        from ourplan.core.record_words import register_label
        from ourplan.record_access import models, reasons

        register_label(models.LOG_TYPE, _("The list of who has seen the record"))
        register_label(models.ENTRY_TYPE, _("A line on the list of who has seen the record"))
        register_label(models.QUESTION_TYPE, _("Question about who has seen the record"))
        register_label(models.QUESTIONS_TYPE, _("Questions about who has seen records"))
        register_label(models.LEAD_TYPE, _("Information governance lead"))
        reasons.register_reason_finder(reasons.crisis_sharing_reasons)
        reasons.register_reason_finder(reasons.question_reasons)
