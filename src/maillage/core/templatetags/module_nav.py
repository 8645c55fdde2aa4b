from django import template

from ..navigation import sections

register = template.Library()


@register.inclusion_tag("includes/module_nav.html", takes_context=True)
def module_nav(context, app, active=""):
    """`{% module_nav "impact" "sdg" %}`: the module's tabs, the current one marked."""
    from maillage.workspaces.context_processors import MODULES

    label = next((label for key, label, _url in MODULES if key == app), app)
    return {"sections": sections(app, context["current_workspace"], active), "label": label}
