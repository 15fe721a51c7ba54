from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ourplan.core.forms import NhsForm


class LoginForm(NhsForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user_cache: Any = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        username, password = cleaned.get("username"), cleaned.get("password")
        if username and password:
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None or not self.user_cache.is_active:
                raise forms.ValidationError(
                    _("The username or password is not right. Check them and try again."),
                    code="invalid_login",
                )
        return cleaned


class TokenForm(NhsForm):
    token = forms.CharField(
        label=_("Security code"),
        min_length=6,
        max_length=6,
        help_text=_("The 6-digit code shown in your authenticator app."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "nhsuk-input--width-5",
            }
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip().replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("Enter the 6 digits shown in your authenticator app."))
        return token


class AcceptInvitationForm(NhsForm):
    username = forms.CharField(
        label=_("Choose a username"),
        max_length=150,
        help_text=_("You will use this to log in. Letters, numbers and @ . + - _ only."),
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        help_text=_("At least 12 characters. A few random words work well."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_username(self) -> str:
        value = self.cleaned_data["username"].strip()
        if not all(ch.isalnum() or ch in "@.+-_" for ch in value):
            raise forms.ValidationError(
                _("Use only letters, numbers and @ . + - _ in your username.")
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", _("The two passwords are different. Type them again."))
        return cleaned


class PasswordResetRequestForm(NhsForm):
    identifier = forms.CharField(
        label=_("Username or email address"),
        max_length=254,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class NewPasswordForm(NhsForm):
    password = forms.CharField(
        label=_("New password"),
        strip=False,
        help_text=_("At least 12 characters. A few random words work well."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Type the new password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", _("The two passwords are different. Type them again."))
        return cleaned


class ChangePasswordForm(NewPasswordForm):
    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["current_password", "password", "password_again"]

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_current_password(self) -> str:
        # Through authenticate(), so wrong guesses count towards the login lockout: a
        # borrowed session cannot try passwords here without limit.
        value: str = self.cleaned_data["current_password"]
        user = self.request.user
        if authenticate(self.request, username=user.get_username(), password=value) is None:
            raise forms.ValidationError(
                _("Your current password is not right. Check it and try again.")
            )
        return value
