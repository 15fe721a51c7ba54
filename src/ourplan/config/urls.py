from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("ourplan.site.urls")),
    path("", include("ourplan.record_access.urls")),
    path("accounts/", include("ourplan.accounts.urls")),
    path("", include("ourplan.people.urls")),
    path("research/", include("ourplan.research.urls")),
    path("studies/", include("ourplan.studies.urls")),
    path("", include("ourplan.plans.urls")),
    path("", include("ourplan.consent.urls")),
    path("", include("ourplan.measures.urls")),
    path("", include("ourplan.coordination.urls")),
    path("", include("ourplan.quality.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
]

handler400 = "ourplan.core.error_pages.error_400"
handler403 = "ourplan.core.error_pages.error_403"
handler404 = "ourplan.core.error_pages.error_404"
handler500 = "ourplan.core.error_pages.error_500"
