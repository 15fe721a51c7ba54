from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchConfig(AppConfig):
    name = "ourplan.research"
    label = "research"
    verbose_name = _("Research and evaluation")

    def ready(self) -> None:
        from ourplan.core.record_words import register_label

        # Data sets never name a person; the words are for the audit log's own pages.
        register_label("dataset", _("De-identified research data set"))
