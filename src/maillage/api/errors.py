"""One JSON shape for every API error: `{"detail": ..., "code": ...}`.

`detail` says what is wrong, for a person (translated); `code` is stable, for a program:

- 401 `missing_token`, `malformed_header`, `invalid_token`, `expired_token` (`auth.TokenError`);
- 403 `permission_denied`, with `required_role` when the caller's role is too low, and
  `fields` when fields were refused (salaries sent without the permission to see them);
- 404 `not_found` (`Http404`, `DoesNotExist`), never saying what was looked for;
- 409 `conflict` (`StaleObjectError`), with its message;
- 422 `validation_error`, where `detail` is a list of `{"loc": [...], "msg": ..., "type": ...}`
  for ninja's validation of the request and for a service's Django `ValidationError` alike.
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from maillage.core.exceptions import StaleObjectError

NON_FIELD = "__all__"


def _respond(api: NinjaAPI, request, status: int, detail, code: str, **extra):
    return api.create_response(request, {"detail": detail, "code": code, **extra}, status=status)


def not_found(api, request, exc):
    # Never the exception's text: it could name what was looked for.
    return _respond(api, request, 404, _("Not found"), "not_found")


def unauthenticated(api, request, exc):
    response = _respond(
        api, request, 401, str(exc.message), getattr(exc, "code", "not_authenticated")
    )
    response["WWW-Authenticate"] = 'Bearer realm="maillage"'
    return response


def forbidden(api, request, exc):
    extra = {}
    if getattr(exc, "required_role", None):
        extra["required_role"] = str(exc.required_role.value)
    if getattr(exc, "fields", None):
        extra["fields"] = list(exc.fields)
    detail = str(exc) or _("You are not allowed to do this.")
    return _respond(api, request, 403, detail, "permission_denied", **extra)


def http_error(api, request, exc):
    return _respond(api, request, exc.status_code, str(exc.message), f"http_{exc.status_code}")


def _error(loc: list, msg: str, type_: str) -> dict:
    return {"loc": loc, "msg": msg, "type": type_}


def ninja_validation_error(api, request, exc):
    errors = [
        {**error, "loc": list(error.get("loc", [])), "msg": str(error.get("msg", ""))}
        for error in exc.errors
    ]
    return _respond(api, request, 422, errors, "validation_error")


def django_validation_error(api, request, exc):
    """A service's `ValidationError`, in ninja's shape: the field path is `["body", field]`."""
    errors = []
    if hasattr(exc, "error_dict"):
        for field, field_errors in exc.error_dict.items():
            loc = ["body"] if field == NON_FIELD else ["body", field]
            for error in field_errors:
                for message in error.messages:
                    errors.append(_error(loc, message, error.code or "invalid"))
    else:
        for error in exc.error_list:
            for message in error.messages:
                errors.append(_error(["body"], message, error.code or "invalid"))
    return _respond(api, request, 422, errors, "validation_error")


def conflict(api, request, exc):
    return _respond(api, request, 409, str(exc), "conflict")


HANDLERS = [
    (Http404, not_found),
    (ObjectDoesNotExist, not_found),
    (AuthenticationError, unauthenticated),
    (PermissionDenied, forbidden),
    (AuthorizationError, forbidden),
    (HttpError, http_error),
    (NinjaValidationError, ninja_validation_error),
    (DjangoValidationError, django_validation_error),
    (StaleObjectError, conflict),
]


def install_exception_handlers(api: NinjaAPI) -> None:
    for exc_class, handler in HANDLERS:
        api.add_exception_handler(exc_class, _bind(api, handler))


def _bind(api, handler):
    def bound(request, exc):
        return handler(api, request, exc)

    bound.__name__ = handler.__name__
    return bound
