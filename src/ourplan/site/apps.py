from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The page frame on top of every app: navigation, home routing and the crisis page."""

    name = "ourplan.site"
    label = "site"
    verbose_name = _("Site")
