"""What every API endpoint shares: pagination, errors, the token login."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.views import LoginView as KnoxLoginView
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.throttling import AnonThrottle


def exception_handler(exc, context):
    """DRF's handler, plus the errors services raise: always a 4xx with a readable message.

    A service's ValidationError becomes a 400 with the messages by field (the whole-object
    ones under ``non_field_errors``); deleting something other records depend on is a 409.
    """
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {
                (api_settings.NON_FIELD_ERRORS_KEY if field == "__all__" else field): messages
                for field, messages in exc.message_dict.items()
            }
        else:
            detail = {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
        exc = ValidationError(detail)
    elif isinstance(exc, ProtectedError):
        return Response(
            {"detail": _("Other records depend on this one: it cannot be deleted.")},
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)


def lockout_response(request, *args, **kwargs):
    """What django-axes answers to a locked-out login: JSON for the API, a page otherwise."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": str(_("Too many failed logins: try again later."))}, status=429
        )
    return render(request, "registration/locked_out.html", status=429)


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})

    def validate(self, attrs):
        # django-axes needs Django's own request to count failures and refuse lockouts.
        user = authenticate(
            request=self.context["request"]._request,
            username=attrs["username"],
            password=attrs["password"],
        )
        if user is None or not user.is_active:
            raise ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: [_("Wrong username or password.")]},
                code="authorization",
            )
        attrs["user"] = user
        return attrs


class TokenLoginView(KnoxLoginView):
    """Username and password in, an expiring token out (stored hashed by django-rest-knox)."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (AnonThrottle,)

    @extend_schema(
        request=LoginSerializer,
        responses={
            200: inline_serializer(
                "Token",
                fields={"token": serializers.CharField(), "expiry": serializers.DateTimeField()},
            )
        },
    )
    def post(self, request, format=None):
        serializer = LoginSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        request.user = serializer.validated_data["user"]
        return super().post(request, format=format)


class PredicatePermission(BasePermission):
    """Lets a viewset's predicates decide writes, with the reason when they refuse.

    The viewset names, per action, a predicate ``(user, obj) -> Allowed`` in ``predicates``
    (e.g. ``{"update": can_change_project, "transition": can_move_project}``). Reads are
    decided by the viewset's queryset, which holds only what the user may see: an object
    outside it is a 404, never a 403. Creation is judged in the viewset with
    ``check_predicate`` on the object about to be created.
    """

    def has_permission(self, request, view):
        if view.action in ("list", "retrieve", "metadata", None):
            return True
        if not request.user.is_authenticated:
            return False
        return view.action in view.predicates

    def has_object_permission(self, request, view, obj):
        if view.action in ("list", "retrieve", "metadata"):
            return True
        allowed = view.predicates[view.action](request.user, obj)
        if not allowed:
            self.message = allowed.reason
        return bool(allowed)


def check_predicate(predicate, user, obj) -> None:
    """Refuse with 403 and the predicate's reason when it says no."""
    allowed = predicate(user, obj)
    if not allowed:
        raise PermissionDenied(allowed.reason)


class RegiaViewSet(viewsets.GenericViewSet):
    """The base of Regia's viewsets: scoped reads, predicate-checked writes through services.

    Subclasses set ``predicates`` and override ``get_queryset`` to filter by the user's
    scope (a selector of their app). Write actions call the app's services and let their
    ValidationError become a 400 (see ``exception_handler``).
    """

    # Logged-in users by default; PublicReadMixin opens reads to anonymous visitors.
    permission_classes = (IsAuthenticated, PredicatePermission)
    predicates: dict = {}

    def get_permissions(self):
        # A method the resource does not have is a 405 for everyone: DRF checks permissions
        # before it looks for the handler, so without this an anonymous PUT on an
        # append-only resource would answer 401.
        if self.action is None:
            return []
        return super().get_permissions()


class PublicReadMixin:
    """Anonymous visitors may read (list, retrieve); the queryset decides what is public."""

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        return super().get_permissions()


class TokenLogoutView(KnoxLogoutView):
    """Revoke the token the request carries."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format=format)
