from django.urls import path

from ourplan.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("two-step/", views.two_factor, name="two_factor"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("password/", views.password_change, name="password_change"),
    path("password/forgotten/", views.password_reset_request, name="password_reset"),
    path(
        "password/reset/<str:uidb64>/<str:reset_token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
]
