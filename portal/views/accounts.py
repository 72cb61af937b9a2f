"""Accounts: Django's login, logout and password views with our forms; citizens' registration
with e-mail verification; a person's own data (download, delete the account)."""

from django import forms
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.forms import HoneypotMixin, RegiaForm, StyledFormMixin
from core.permissions import require
from core.personal_data import DELETED_PREFIX, account_erase, personal_data_export
from core.ratelimit import ratelimit
from portal import citizens


class PasswordChangeForm(StyledFormMixin, auth_forms.PasswordChangeForm):
    pass


class PasswordResetForm(StyledFormMixin, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(StyledFormMixin, auth_forms.SetPasswordForm):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    # The e-mail is in the language of the page that asked for it.
    email_template_name = "registration/password_reset_email.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm


# -- citizens: registration and e-mail verification --


class RegistrationForm(HoneypotMixin, RegiaForm):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=150,
        help_text=_("You will log in with it; we send a link there to confirm it is yours."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    privacy_notice = forms.BooleanField(
        label=_("I have read the privacy notice"),
        help_text=_("What Regia keeps about you, why and for how long: see the link above."),
        error_messages={"required": _("Tick the box to say you have read the privacy notice.")},
    )

    def clean_email(self):
        return citizens.normalise_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif second:
            candidate = get_user_model()(
                username=cleaned.get("email", ""),
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(second, candidate)
            except ValidationError as error:
                self.add_error("password2", error)
        return cleaned


class EmailForm(HoneypotMixin, RegiaForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=150,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


def _send(request, *, to: str, template: str, context: dict) -> None:
    context = {"site_name": settings.REGIA_SITE_NAME, **context}
    subject = render_to_string(f"registration/{template}_subject.txt", context, request)
    body = render_to_string(f"registration/{template}_email.txt", context, request)
    send_mail(" ".join(subject.split()), body, None, [to])


def _send_verification(request, user) -> None:
    link = request.build_absolute_uri(reverse("verify", args=[citizens.verification_token(user)]))
    _send(
        request,
        to=user.email,
        template="verify",
        context={"user": user, "link": link, "days": settings.REGIA_VERIFICATION_DAYS},
    )


def _send_already_registered(request, email: str) -> None:
    """The owner of an address already registered learns someone tried, and how to get in."""
    _send(
        request,
        to=email,
        template="already_registered",
        context={
            "login_link": request.build_absolute_uri(reverse("login")),
            "reset_link": request.build_absolute_uri(reverse("password_reset")),
            "resend_link": request.build_absolute_uri(reverse("verify_resend")),
        },
    )


@ratelimit(key="registration", rate="5/h")
def register(request):
    if not settings.REGIA_REGISTRATION_OPEN:
        return render(
            request,
            "registration/register_closed.html",
            {"title": _("Registration")},
            status=404,
        )
    if request.user.is_authenticated:
        return redirect("my_data")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = citizens.citizen_register(
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            password=data["password1"],
        )
        if user is not None:
            _send_verification(request, user)
        else:
            _send_already_registered(request, data["email"])
        return redirect("register_done")
    return render(request, "registration/register.html", {"form": form, "title": _("Register")})


def register_done(request):
    return render(
        request,
        "registration/register_done.html",
        {"title": _("Check your e-mail"), "days": settings.REGIA_VERIFICATION_DAYS},
    )


def verify(request, token: str):
    """GET shows what the link does and a button; POST activates, so that a mail scanner
    opening the link activates nothing."""
    check = citizens.verification_check(token)
    if check.problem is not None:
        return render(
            request,
            "registration/verify_failed.html",
            {
                "title": _("Confirm your e-mail address"),
                "problem": check.problem.value,
                "days": settings.REGIA_VERIFICATION_DAYS,
            },
            status=400 if check.problem == citizens.TokenProblem.INVALID else 410,
        )
    if request.method == "POST":
        user = citizens.citizen_activate(user=check.user)
        auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your e-mail address is confirmed: welcome to Regia."))
        return redirect("portal:home")
    return render(
        request,
        "registration/verify_confirm.html",
        {"title": _("Confirm your e-mail address"), "account": check.user},
    )


@ratelimit(key="verification", rate="5/h")
def verify_resend(request):
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = citizens.normalise_email(form.cleaned_data["email"])
        waiting = (
            get_user_model()
            .objects.filter(email__iexact=email, is_active=False, last_login__isnull=True)
            .exclude(username__startswith=DELETED_PREFIX)
            .first()
        )
        if waiting is not None and waiting.has_usable_password():
            _send_verification(request, waiting)
        return redirect("register_done")
    return render(
        request,
        "registration/verify_resend.html",
        {"form": form, "title": _("A new confirmation link")},
    )


def privacy_notice(request):
    return render(
        request,
        "registration/privacy_notice.html",
        {"contact": settings.REGIA_PRIVACY_CONTACT},
    )


# -- a person's own data: download, delete the account --


class DeleteAccountForm(RegiaForm):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(
                _("The password is not right: the account was not deleted."),
                code="password_incorrect",
            )
        return password


@login_required
def my_data(request):
    return render(
        request,
        "registration/my_data.html",
        {"can_delete": citizens.can_delete_own_account(request.user)},
    )


@login_required
def my_data_download(request):
    response = JsonResponse(
        personal_data_export(request.user), json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    response["Content-Disposition"] = 'attachment; filename="regia-my-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def account_delete(request):
    require(citizens.can_delete_own_account(request.user))
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        account_erase(user=request.user)
        auth.logout(request)
        messages.success(
            request, _("Your account is deleted. Nothing Regia keeps names you any more.")
        )
        return redirect("portal:home")
    return render(
        request,
        "registration/account_delete.html",
        {"form": form, "title": _("Delete your account")},
    )
