from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "ourplan.people"
    label = "people"
    verbose_name = _("People and organisations")

    def ready(self) -> None:
        from ourplan.people import audit_words

        audit_words.register()
