from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _register_shipped_definitions(sender: Any, **kwargs: Any) -> None:
    from ourplan.measures import services

    services.ensure_definitions()


class MeasuresConfig(AppConfig):
    name = "ourplan.measures"
    label = "measures"
    verbose_name = _("Questionnaires and measures")

    def ready(self) -> None:
        # Imported here: they read the models, loaded only once apps are ready.
        from ourplan.measures import audit_words, pieces, signals

        audit_words.register()
        pieces.register()
        signals.connect()
        # Each database gets the shipped definitions as soon as its tables exist.
        post_migrate.connect(_register_shipped_definitions, sender=self)
