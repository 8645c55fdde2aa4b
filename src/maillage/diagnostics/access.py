"""Who reads what in a diagnostic.

Interview notes are personal data: only members allowed to see sensitive data
(`Membership.can_view_sensitive`) read or write them; others see that notes exist. Guests of the
workspace read the engagement's pages (read-only) but never the notes, the stakeholders' e-mail
addresses or the quotes' speakers.
"""

from django.http import Http404

from .models import Engagement


def may_read_notes(request) -> bool:
    return bool(getattr(request.membership, "can_view_sensitive", False))


def get_engagement(request, pk) -> Engagement:
    engagement = Engagement.objects.filter(workspace=request.workspace, pk=pk).first()
    if engagement is None:
        raise Http404
    return engagement
