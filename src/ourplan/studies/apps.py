from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudiesConfig(AppConfig):
    name = "ourplan.studies"
    label = "studies"
    verbose_name = _("Delphi consensus studies")

    def ready(self) -> None:
        # Imported here: the words module reads the studies models, loaded only once apps are ready.
        from ourplan.studies import audit_words

        audit_words.register()
