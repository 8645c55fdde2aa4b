"""The funder report at a glance, on the agreement's page:

    {% load finance_reports %}{% agreement_summary agreement %}

Eligible, charged and claimable amounts against the grant, what was received, the checks'
findings and the explanations still missing, with the links to the report and its downloads.
The figures are the report's (`selectors.reports.agreement_summary`), so they always agree.
"""

from django import template
from django.urls import reverse

from ..selectors import reports as selectors

register = template.Library()


@register.inclusion_tag("finance/_agreement_report_summary.html", takes_context=True)
def agreement_summary(context, agreement):
    workspace = context["current_workspace"]
    kwargs = {"workspace_slug": workspace.slug, "pk": agreement.pk}
    return {
        "agreement": agreement,
        "summary": selectors.agreement_summary(agreement),
        "report_url": reverse("finance:agreement_report", kwargs=kwargs),
        "downloads": [
            (label, reverse(f"finance:agreement_report_{name}", kwargs=kwargs))
            for name, label in (("pdf", "PDF"), ("docx", "Word"), ("xlsx", "Excel"))
        ],
    }
