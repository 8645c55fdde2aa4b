"""The edit page with a delete button, as the partnership pages all write it (on the shared
write flow of `core.form_flow`)."""

from maillage.core.form_flow import try_delete, update_from_form


def edit_or_delete(
    request, form, instance, *, update, delete, saved: str, deleted: str, version_field="version"
) -> tuple[str, str, int]:
    """An edit page's POST, its delete button included: `(done, conflict, status)`.

    `done` is "saved" or "deleted" (and the message flashed) when the caller redirects; else the
    page is shown again, with `conflict` when the delete was refused because the record changed
    meanwhile (status 409), or with the form's errors (`status` from `update_from_form`)."""
    if request.method == "POST" and "delete" in request.POST:
        conflict = try_delete(request, delete, instance, deleted, version_field)
        return ("", conflict, 409) if conflict else ("deleted", "", 200)
    done, status = update_from_form(request, form, update, instance, saved)
    return ("saved" if done else "", "", status)
