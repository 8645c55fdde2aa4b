from django import template

from maillage.core.templatetags.module_nav import module_nav

register = template.Library()


@register.inclusion_tag("includes/module_nav.html", takes_context=True)
def ecosystem_nav(context, active=""):
    """`{% ecosystem_nav "matrices" %}`: the module's tabs, the current one marked."""
    return module_nav(context, "ecosystem", active)
