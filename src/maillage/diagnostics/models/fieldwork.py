"""The fieldwork: stakeholders, the interview guide, interviews, the documents reviewed, the
findings coded from them and the SWOT built from the findings."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TenantModel

from ..choices import DocumentKind, InterviewKind, InterviewStatus, Quadrant, StakeholderCategory
from .engagements import Dimension, Engagement

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class Stakeholder(TenantModel):
    """A person the engagement hears (personal data: see diagnostics/personal_data.py)."""

    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        related_name="stakeholders",
        verbose_name=_("engagement"),
    )
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "ecosystem.Actor",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    category = models.CharField(_("category"), max_length=24, choices=StakeholderCategory.choices)
    consent = models.BooleanField(
        _("consents to be interviewed and quoted anonymously"), default=False
    )
    consent_on = models.DateField(_("consent given on"), null=True, blank=True)

    class Meta:
        ordering = ["engagement", "name", "id"]
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        indexes = [models.Index(fields=["engagement", "category"], name="stakeholder_eng_cat")]

    def __str__(self) -> str:
        return self.name


class InterviewQuestion(TenantModel):
    """A question of the interview guide, for one dimension, in French and English."""

    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        related_name="guide_questions",
        verbose_name=_("engagement"),
    )
    dimension = models.ForeignKey(
        Dimension, on_delete=models.CASCADE, related_name="questions", verbose_name=_("dimension")
    )
    text_fr = models.TextField(_("question (French)"))
    text_en = models.TextField(_("question (English)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["dimension", "position", "id"]
        verbose_name = _("guide question")
        verbose_name_plural = _("guide questions")

    def __str__(self) -> str:
        return self.text_fr[:80]


class Interview(TenantModel):
    """An individual or group interview. `notes` are sensitive: only members allowed to see
    sensitive data read them (diagnostics.access)."""

    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        related_name="interviews",
        verbose_name=_("engagement"),
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=InterviewKind.choices, default=InterviewKind.INDIVIDUAL
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InterviewStatus.choices,
        default=InterviewStatus.PLANNED,
    )
    planned_on = models.DateField(_("planned on"), null=True, blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    interviewer = models.CharField(_("interviewer"), max_length=150, blank=True)
    stakeholders = models.ManyToManyField(
        Stakeholder, related_name="interviews", verbose_name=_("people interviewed")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["engagement", "planned_on", "id"]
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=InterviewStatus.DONE) | Q(held_on__isnull=False),
                name="interview_done_has_date",
                violation_error_message=_("Give the date the interview was held."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on or self.planned_on or ''}"

    def clean(self) -> None:
        if self.status == InterviewStatus.DONE and not self.held_on:
            raise ValidationError({"held_on": _("Give the date the interview was held.")})


class ReviewedDocument(TenantModel):
    """The document-review log: literature and internal documents read."""

    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("engagement"),
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=DocumentKind.choices, default=DocumentKind.INTERNAL
    )
    title = models.CharField(_("title"), max_length=300)
    source = models.CharField(_("author or source"), max_length=200, blank=True)
    url = models.URLField(_("link"), blank=True)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    summary = models.TextField(_("what it says"), blank=True)

    class Meta:
        ordering = ["engagement", "title", "id"]
        verbose_name = _("document reviewed")
        verbose_name_plural = _("documents reviewed")

    def __str__(self) -> str:
        return self.title


class Finding(TenantModel):
    """A finding coded from interviews and documents. Its frequency is the number of distinct
    sources supporting it (`selectors.swot`)."""

    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        related_name="findings",
        verbose_name=_("engagement"),
    )
    dimension = models.ForeignKey(
        Dimension, on_delete=models.RESTRICT, related_name="findings", verbose_name=_("dimension")
    )
    quadrant = models.CharField(_("SWOT quadrant"), max_length=12, choices=Quadrant.choices)
    statement = models.TextField(_("statement"))
    severity = models.PositiveSmallIntegerField(
        _("severity (1–5)"), validators=ONE_TO_FIVE, help_text=_("1 minor … 5 critical")
    )

    class Meta:
        ordering = ["engagement", "dimension", "quadrant", "id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        indexes = [
            models.Index(fields=["engagement", "quadrant"], name="finding_eng_quadrant"),
            models.Index(fields=["engagement", "dimension"], name="finding_eng_dimension"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__gte=1, severity__lte=5), name="finding_severity_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return self.statement[:80]


class FindingSource(TenantModel):
    """Where a finding comes from: an interview or a document, with a supporting quote."""

    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, related_name="sources", verbose_name=_("finding")
    )
    interview = models.ForeignKey(
        Interview,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="finding_sources",
        verbose_name=_("interview"),
    )
    document = models.ForeignKey(
        ReviewedDocument,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="finding_sources",
        verbose_name=_("document"),
    )
    quote = models.TextField(_("supporting quote"), blank=True)
    anonymise = models.BooleanField(
        _("anonymise the quote"),
        default=True,
        help_text=_("Deliverables then show the quote without the speaker's name."),
    )

    class Meta:
        ordering = ["finding", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.CheckConstraint(
                condition=(Q(interview__isnull=False) & Q(document__isnull=True))
                | (Q(interview__isnull=True) & Q(document__isnull=False)),
                name="finding_source_one_origin",
                violation_error_message=_("A source is either an interview or a document."),
            ),
        ]

    def __str__(self) -> str:
        return self.quote[:80]


class SwotItem(TenantModel):
    """A line of the SWOT, built from findings (`services.swot.build`) and then edited; the
    findings it rests on make it traceable."""

    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        related_name="swot_items",
        verbose_name=_("engagement"),
    )
    quadrant = models.CharField(_("quadrant"), max_length=12, choices=Quadrant.choices)
    text = models.TextField(_("text"))
    position = models.PositiveIntegerField(_("position"), default=0)
    findings = models.ManyToManyField(
        Finding, blank=True, related_name="swot_items", verbose_name=_("findings")
    )

    class Meta:
        ordering = ["engagement", "quadrant", "position", "id"]
        verbose_name = _("SWOT item")
        verbose_name_plural = _("SWOT items")

    def __str__(self) -> str:
        return self.text[:80]
