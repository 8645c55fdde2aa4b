"""The finance block of the workspace's dashboard: reporting deadlines due soon or overdue.

    {% load finance_dashboard %}{% finance_deadlines %}

Renders nothing in a workspace without finance data (no project, no agreement).
"""

from django import template
from django.utils import timezone

from ..selectors import agreements as selectors

register = template.Library()

#: The dashboard shows this many deadlines at most; the finance dashboard lists them all.
SHOWN = 5


@register.inclusion_tag("finance/_workspace_deadlines.html", takes_context=True)
def finance_deadlines(context):
    workspace = context.get("current_workspace")
    if workspace is None:
        return {"show": False}
    today = timezone.localdate()
    rows = selectors.deadlines_due(workspace, today, limit=SHOWN + 1)
    show = bool(rows) or selectors.has_finance_data(workspace)
    return {
        "show": show,
        "rows": rows[:SHOWN],
        "more": len(rows) > SHOWN,
        "horizon": selectors.DEADLINE_HORIZON_DAYS,
        "current_workspace": workspace,
    }
