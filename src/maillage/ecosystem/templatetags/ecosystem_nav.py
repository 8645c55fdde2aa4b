from django import template

from ..navigation import sections

register = template.Library()


@register.inclusion_tag("ecosystem/_nav.html", takes_context=True)
def ecosystem_nav(context, active=""):
    """`{% ecosystem_nav "matrices" %}`: the module's tabs, the current one marked."""
    return {"sections": sections(context["current_workspace"], active)}
