from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import User


class LoginForm(AuthenticationForm):
    """E-mail and password. The address is matched whatever its case (see UserManager)."""

    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        "invalid_login": _(
            "E-mail address or password incorrect. Note that the password is case-sensitive."
        ),
        "inactive": _("This account is disabled."),
    }


class SignUpForm(forms.Form):
    """Create an account from an invitation: the e-mail address is the invited one."""

    email = forms.EmailField(
        label=_("E-mail address"),
        disabled=True,
        required=False,
        help_text=_("The address the invitation was sent to."),
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["email"].initial = email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        if p1:
            candidate = User(email=self.email, full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
    )

    def __init__(self, *args, autofocus: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not autofocus:
            self.fields["token"].widget.attrs.pop("autofocus", None)

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError(_("Enter the 6 digits shown by your app."))
        return token


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "language"]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "language": forms.Select(attrs={"autocomplete": "language"}),
        }
        help_texts = {
            "language": _("The language of the pages after you sign in, on any computer."),
        }
