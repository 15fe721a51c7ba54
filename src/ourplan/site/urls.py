from django.urls import path

from ourplan.site import views

app_name = "site"

urlpatterns = [
    path("", views.home, name="home"),
    path("help-now/", views.help_now, name="help_now"),
]
