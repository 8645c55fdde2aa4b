"""Pages opened by a secret link, without an account.

- /d/q/<token>/: a stakeholder's questionnaire, in French by default (?lang=en for English);
  answers can be changed until the questionnaire closes. An unknown or revoked token is a 404;
  nothing of another questionnaire or workspace is reachable from a token.
- /d/plan/<token>/: the implementation plan, read-only, while its engagement shares it
  (`Engagement.plan_shared`): only the actions of recommendations validated by the boards,
  no notes, no progress notes, no personal data beyond the owners' names. Link off or token
  unknown (or replaced by a new link): 404.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django_scopes import scope

from ..forms.analysis import AnswerForm
from ..selectors import questionnaires as q_selectors
from ..services import questionnaires as q_services

LANGUAGES = ("fr", "en")


@never_cache
def questionnaire(request, token):
    invitation = q_selectors.invitation_by_token(token)
    if invitation is None:
        raise Http404
    with scope(workspace=invitation.workspace_id):
        return _questionnaire_page(request, token, invitation)


def _questionnaire_page(request, token, invitation):
    language = request.GET.get("lang", "fr")
    language = language if language in LANGUAGES else "fr"
    questionnaire = invitation.questionnaire
    closed = q_services.is_closed(questionnaire)
    with translation.override(language):
        if closed:
            return render(
                request,
                "diagnostics/public_questionnaire_closed.html",
                {"questionnaire": questionnaire, "language": language},
                status=403 if request.method == "POST" else 200,
            )
        items = list(questionnaire.items.order_by("position", "id"))
        previous = dict(invitation.answers.values_list("item_id", "value"))
        form = AnswerForm(
            request.POST if request.method == "POST" else None,
            items=items,
            language=language,
            initial={f"item_{pk}": value for pk, value in previous.items()},
        )
        if request.method == "POST" and form.is_valid():
            try:
                q_services.submit_answers(invitation, form.values())
            except ValidationError as error:
                for key, errors in getattr(
                    error, "message_dict", {"__all__": error.messages}
                ).items():
                    form.add_error(f"item_{key}" if key.isdigit() else None, errors)
            else:
                url = reverse("diagnostics_public:questionnaire", args=[token])
                return redirect(f"{url}?lang={language}&saved=1")
        return render(
            request,
            "diagnostics/public_questionnaire.html",
            {
                "questionnaire": questionnaire,
                "invitation": invitation,
                "form": form,
                "language": language,
                "other_language": "en" if language == "fr" else "fr",
                "saved": request.GET.get("saved") == "1" and bool(previous),
                "answered_before": bool(previous),
                "scale": q_services.SCALE_LABELS,
            },
            status=200 if request.method == "GET" or form.is_valid() else 400,
        )


@never_cache
def shared_plan(request, token):
    from ..selectors.plan import shared_plan as read_shared_plan

    context = read_shared_plan(token)
    if context is None:
        raise Http404
    response = render(request, "diagnostics/public_plan.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


urlpatterns = [
    path("q/<str:token>/", questionnaire, name="questionnaire"),
    path("plan/<str:token>/", shared_plan, name="plan"),
]
