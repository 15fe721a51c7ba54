from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    """The care coordinator's and the manager's working day (docs/coordination.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "ourplan.coordination"
    label = "coordination"
    verbose_name = _("Care coordination")

    def ready(self) -> None:
        from ourplan.coordination import audit_words, notifications, pieces, sharing

        audit_words.register()
        pieces.register()
        sharing.register()
        notifications.connect()
