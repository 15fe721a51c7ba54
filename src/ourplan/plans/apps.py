from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "ourplan.plans"
    label = "plans"
    verbose_name = _("Recovery plans")

    def ready(self) -> None:
        # Imported here: the words module reads the plans models, loaded only once apps are ready.
        from ourplan.plans import audit_words

        audit_words.register()
