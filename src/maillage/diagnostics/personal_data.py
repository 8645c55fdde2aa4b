"""Personal data held by the diagnostic module, registered from `DiagnosticsConfig.ready()`.

A person heard during a diagnostic (a stakeholder) is found by their e-mail address, in every
engagement and workspace where they were listed. What is exported and what an erasure does:

- **Stakeholder records**: exported whole (name, e-mail, job title, organisation, category,
  consent and its date). Erasure anonymises them: the name becomes "Erased person #<id>", the
  e-mail and the job title are cleared; the category, the organisation and the consent stay
  (they are what the interview counts by category are made of). The rows are never deleted
  (`never_delete`), so the progress of the fieldwork and every count stay identical.
- **Interviews** where the person was heard: exported with their kind, status and dates; the
  notes are exported only for interviews where they were **the only person heard** (notes of a
  group interview are also about the other people heard: their rights come first). Erasure
  blanks the notes of the interviews where the person was the only person heard; group
  interviews keep their notes (the person's name disappears with their stakeholder record).
  Interviews are never deleted: the findings they support keep their frequency.
- **Quotes** (finding sources) taken from an interview where the person was the only person
  heard: exported; erasure keeps the quote (it is the evidence of a finding) but forces its
  anonymise option on, so that it can never be attributed again.

See docs/diagnostics/fieldwork-and-findings.md.
"""

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy

from maillage.core.personal_data import erased_label, jsonable, register

from .models import FindingSource, Interview, Stakeholder


def _stakeholders(ctx) -> list:
    return ctx.found.get(Stakeholder._meta.label, [])


def sole_interviews(stakeholders) -> list[int]:
    """Ids of the interviews where one of `stakeholders` was the only person heard."""
    ids = [person.pk for person in stakeholders]
    if not ids:
        return []
    theirs = Interview._base_manager.filter(stakeholders__in=ids).values("pk")
    # A subquery, not a join: the count must see everyone heard, not only this person.
    return list(
        Interview._base_manager.filter(pk__in=theirs)
        .annotate(heard=Count("stakeholders", distinct=True))
        .filter(heard=1)
        .values_list("pk", flat=True)
    )


def _export_interview(interview: Interview, ctx) -> dict:
    sole = interview.pk in set(sole_interviews(_stakeholders(ctx)))
    values = {
        "engagement": interview.engagement_id,
        "kind": interview.kind,
        "status": interview.status,
        "planned_on": interview.planned_on,
        "held_on": interview.held_on,
        "interviewer": interview.interviewer,
        "notes": interview.notes if sole else "",
        "notes_withheld": bool(interview.notes) and not sole,
    }
    return {name: jsonable(value) for name, value in values.items()}


def _erase_interviews(interviews: list[Interview], ctx) -> None:
    sole = sole_interviews(_stakeholders(ctx))
    Interview._base_manager.filter(pk__in=sole).exclude(notes="").update(
        notes="", version=F("version") + 1, updated_at=ctx.now
    )


def _erase_quotes(sources: list[FindingSource], ctx) -> None:
    FindingSource._base_manager.filter(pk__in=[s.pk for s in sources], anonymise=False).update(
        anonymise=True, version=F("version") + 1, updated_at=ctx.now
    )


def register_stakeholders() -> None:
    register(
        Stakeholder,
        label=gettext_lazy("Alliance diagnostics: you as a person heard"),
        email_field="email",
        fields=["name", "email", "job_title"],
        extra_fields=["engagement", "organisation", "category", "consent", "consent_on"],
        anonymise={
            "name": lambda person: erased_label(person.pk),
            "email": "",
            "job_title": "",
        },
        never_delete=True,
        order=90,
    )
    register(
        Interview,
        label=gettext_lazy("Alliance diagnostics: your interviews"),
        lookup=lambda ctx: Q(stakeholders__in=_stakeholders(ctx)),
        fields=[],
        extra_fields=["engagement", "kind", "status", "planned_on", "held_on", "interviewer"],
        exporter=_export_interview,
        erase=_erase_interviews,
        never_delete=True,
        order=91,
    )
    register(
        FindingSource,
        label=gettext_lazy("Alliance diagnostics: quotes from your interviews"),
        lookup=lambda ctx: Q(interview__in=sole_interviews(_stakeholders(ctx))),
        fields=[],
        extra_fields=["finding", "quote", "anonymise"],
        erase=_erase_quotes,
        never_delete=True,
        order=92,
    )
