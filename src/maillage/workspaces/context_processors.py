from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# The modules of Maillage, in navigation order. A module appears in the navigation once its
# app provides the named URL; none is listed before it exists.
MODULES = [
    ("ecosystem", _("Ecosystem"), "ecosystem:home"),
    ("inventory", _("Needs & initiatives"), "inventory:home"),
    ("partnerships", _("Partnerships"), "partnerships:home"),
    ("finance", _("Projects & funding"), "finance:home"),
    ("impact", _("Impact"), "impact:home"),
    ("diagnostics", _("Diagnostics"), "diagnostics:home"),
]


def available_modules(workspace) -> list[dict]:
    items = []
    for key, label, url_name in MODULES:
        try:
            url = reverse(url_name, kwargs={"workspace_slug": workspace.slug})
        except NoReverseMatch:
            continue
        items.append({"key": key, "label": label, "url": url})
    return items


def workspace(request):
    from django.utils.functional import SimpleLazyObject

    from .selectors import workspaces_for_user

    current = getattr(request, "workspace", None)
    user = getattr(request, "user", None)
    return {
        "user_workspaces": SimpleLazyObject(
            lambda: workspaces_for_user(user) if user is not None and user.is_authenticated else []
        ),
        "current_workspace": current,
        "current_membership": getattr(request, "membership", None),
        "modules": available_modules(current) if current is not None else [],
    }
