from django.urls import path

from ourplan.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("two-step/", views.two_factor, name="two_factor"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
