"""The write flow views share: a versioned form handed to a service, a delete button or page,
and what the user is told when the service refuses (errors on the form, 409 when the record
changed meanwhile, or a message once redirected)."""

from django.contrib import messages
from django.core.exceptions import ValidationError

from maillage.core.exceptions import StaleObjectError
from maillage.core.forms import add_service_error


def posted_version(request, field: str = "version") -> int | None:
    """The record's version posted with a delete button or page, if any."""
    value = request.POST.get(field, "")
    return int(value) if value and value.isdigit() else None


def error_text(error) -> str:
    """A service's refusal as one line, for a message shown after a redirect."""
    return " ".join(getattr(error, "messages", [str(error)]))


def create_from_form(request, form, create, *parent, **extra):
    """On a valid POST, `create(*parent, user=…, request=…, **extra, **form.changes())`: returns
    the new record, or None when there is none (not posted, invalid, or refused by the service,
    whose ValidationError is then on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return create(*parent, user=request.user, request=request, **extra, **form.changes())
    except ValidationError as error:
        add_service_error(form, error)
        return None


def save_form(request, form, write, success: str) -> tuple[bool, int]:
    """On a valid POST, call `write(**form.changes())` and flash `success`.

    Returns `(saved, status)`: when saved the caller redirects; otherwise the service's refusal
    (if any) is on the form and `status` is the one to render it with, 409 when it was stale.
    """
    if request.method != "POST" or not form.is_valid():
        return False, 200
    try:
        write(**form.changes())
    except (ValidationError, StaleObjectError) as error:
        add_service_error(form, error)
        return False, 409 if isinstance(error, StaleObjectError) else 200
    messages.success(request, success)
    return True, 200


def update_from_form(request, form, update, instance, success: str, **extra) -> tuple[bool, int]:
    """`save_form` for an edit page: `update(instance, …)` at the version the form was built from;
    `extra` goes to the service as is."""

    def write(**changes):
        return update(
            instance,
            user=request.user,
            expected_version=form.expected_version,
            request=request,
            **extra,
            **changes,
        )

    return save_form(request, form, write, success)


def try_delete(request, delete, instance, success: str, version_field="version") -> str:
    """The delete button of an edit page, at the posted version: "" once deleted (and `success`
    flashed), else the conflict to show, the record having changed meanwhile."""
    try:
        delete(
            instance,
            user=request.user,
            expected_version=posted_version(request, version_field),
            request=request,
        )
    except StaleObjectError as error:
        return str(error)
    messages.success(request, success)
    return ""


def delete_from_form(request, delete, instance, success: str, version_field="version") -> None:
    """`try_delete` for a page that redirects either way: the conflict becomes an error message."""
    conflict = try_delete(request, delete, instance, success, version_field)
    if conflict:
        messages.error(request, conflict)


def delete_record(request, delete, instance, success: str) -> bool:
    """A delete page's POST: True when deleted, else the refusal is flashed as an error."""
    try:
        delete(
            instance,
            user=request.user,
            expected_version=posted_version(request) or instance.version,
            request=request,
        )
    except (ValidationError, StaleObjectError) as error:
        messages.error(request, error_text(error))
        return False
    messages.success(request, success)
    return True


def edit_or_delete(
    request,
    form,
    instance,
    *,
    update,
    delete,
    saved: str,
    deleted: str,
    version_field="version",
    refused_status=200,
) -> tuple[str, str, int]:
    """An edit page's POST, its delete button included: `(done, conflict, status)`.

    `done` is "saved" or "deleted" (and the message flashed) when the caller redirects; else the
    page is shown again, with `conflict` when the delete was refused: the record changed
    meanwhile (status 409) or the service said no (`refused_status`); or with the form's errors
    (`status` from `update_from_form`)."""
    if request.method == "POST" and "delete" in request.POST:
        try:
            conflict = try_delete(request, delete, instance, deleted, version_field)
        except ValidationError as error:
            return "", error_text(error), refused_status
        return ("", conflict, 409) if conflict else ("deleted", "", 200)
    done, status = update_from_form(request, form, update, instance, saved)
    return ("saved" if done else "", "", status)
