"""Funders, resources and funding agreements.

The socio-economic typology (seed 002, Le RAMEAU) asks two questions of every resource: who
brings it (members, public actors, private persons, private organisations) and whether it pays
for a service (with a counterpart) or not. The answers name seven kinds of resources.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from maillage.core.models import TenantModel

from .accounts import CHARGE_CATEGORIES, CostCategory


class FunderSource(models.TextChoices):
    """Who brings the resource."""

    MEMBERS = "members", _("Members")
    PUBLIC = "public", _("Public actors")
    PRIVATE_PERSONS = "private_persons", _("Private persons")
    PRIVATE_ORGANISATIONS = "private_organisations", _("Private organisations")


class FunderLevel(models.TextChoices):
    """Where a public funder sits (the CERFA 15059 lines of account 74); "other" for the rest."""

    EU = "eu", _("European Union")
    STATE = "state", _("State")
    REGION = "region", _("Region")
    DEPARTMENT = "department", _("Department")
    MUNICIPAL = "municipal", _("Intermunicipality (EPCI) or commune")
    SOCIAL_BODIES = "social_bodies", _("Social bodies (CAF, CPAM…)")
    OTHER = "other", _("Other")


class ResourceKind(models.TextChoices):
    SUBSCRIPTION_DUES = "subscription_dues", _("Subscription dues")
    MILITANT_DUES = "militant_dues", _("Militant dues")
    PUBLIC_PROCUREMENT = "public_procurement", _("Public procurement or delegation")
    SUBSIDY = "subsidy", _("Subsidy")
    SERVICE_SALE = "service_sale", _("Sale of services")
    GIFT = "gift", _("Gifts")
    PATRONAGE = "patronage", _("Patronage")


#: (who brings it, with a counterpart?) → kind.
RESOURCE_KIND_OF = {
    (FunderSource.MEMBERS, True): ResourceKind.SUBSCRIPTION_DUES,
    (FunderSource.MEMBERS, False): ResourceKind.MILITANT_DUES,
    (FunderSource.PUBLIC, True): ResourceKind.PUBLIC_PROCUREMENT,
    (FunderSource.PUBLIC, False): ResourceKind.SUBSIDY,
    (FunderSource.PRIVATE_PERSONS, True): ResourceKind.SERVICE_SALE,
    (FunderSource.PRIVATE_PERSONS, False): ResourceKind.GIFT,
    (FunderSource.PRIVATE_ORGANISATIONS, True): ResourceKind.SERVICE_SALE,
    (FunderSource.PRIVATE_ORGANISATIONS, False): ResourceKind.PATRONAGE,
}


class Funder(TenantModel):
    """Who brings resources: a public authority, a foundation, a company, the members…"""

    name = models.CharField(_("name"), max_length=200)
    actor = models.ForeignKey(
        "ecosystem.Actor",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor in the ecosystem"),
    )
    source = models.CharField(
        _("who brings the resources"), max_length=30, choices=FunderSource.choices
    )
    level = models.CharField(
        _("level"),
        max_length=20,
        choices=FunderLevel.choices,
        default=FunderLevel.OTHER,
        help_text=_("For a public funder: where it sits."),
    )
    identifier = models.CharField(
        _("identifier"),
        max_length=60,
        blank=True,
        help_text=_("SIREN or an org-id.guide identifier (FR-RCS-…), used in open-data exports."),
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("funder")
        verbose_name_plural = _("funders")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "name"],
                name="funder_unique_name",
                violation_error_message=_("Another funder already has this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.source == FunderSource.PUBLIC

    def clean(self) -> None:
        super().clean()
        if self.source != FunderSource.PUBLIC and self.level not in ("", FunderLevel.OTHER):
            raise ValidationError({"level": _("Only a public funder has a level.")})


def _check_kind(source: str, kind: str, field: str) -> None:
    allowed = {k for (s, _c), k in RESOURCE_KIND_OF.items() if s == source}
    if kind and kind not in allowed:
        raise ValidationError(
            {
                field: _("%(source)s cannot bring %(kind)s; choose one of: %(allowed)s.")
                % {
                    "source": FunderSource(source).label,
                    "kind": ResourceKind(kind).label,
                    "allowed": ", ".join(str(ResourceKind(k).label) for k in sorted(allowed)),
                }
            }
        )


class Resource(TenantModel):
    """A resource received in a year outside funding agreements: dues, sales, gifts, patronage…

    Agreements count in the resource mix by themselves; this records the rest.
    """

    funder = models.ForeignKey(
        Funder, on_delete=models.RESTRICT, related_name="resources", verbose_name=_("funder")
    )
    kind = models.CharField(_("kind of resource"), max_length=30, choices=ResourceKind.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    amount = models.DecimalField(
        _("amount (€)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    label = models.CharField(_("label"), max_length=200, blank=True)
    project = models.ForeignKey(
        "finance.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("project"),
    )

    class Meta:
        ordering = ["-year", "funder__name", "id"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self) -> str:
        return f"{self.year} {self.funder} {self.get_kind_display()}"

    def clean(self) -> None:
        super().clean()
        if getattr(self, "funder", None) is not None:
            _check_kind(self.funder.source, self.kind, "kind")


class IndirectBase(models.TextChoices):
    STAFF = "staff", _("of direct staff costs")
    DIRECT = "direct", _("of all direct costs")


class FundingAgreement(TenantModel):
    """A funder's commitment: an amount, for projects, over an eligible period, under rules."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        SIGNED = "signed", _("Signed")
        CLOSED = "closed", pgettext_lazy("agreement status", "Closed")
        REFUSED = "refused", _("Refused")

    reference = models.CharField(_("reference"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    funder = models.ForeignKey(
        Funder, on_delete=models.RESTRICT, related_name="agreements", verbose_name=_("funder")
    )
    projects = models.ManyToManyField(
        "finance.Project", related_name="agreements", verbose_name=_("projects")
    )
    kind = models.CharField(
        _("kind of resource"),
        max_length=30,
        choices=ResourceKind.choices,
        default=ResourceKind.SUBSIDY,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SIGNED
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    amount_granted = models.DecimalField(
        _("amount granted (€)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    start_date = models.DateField(_("eligible from"))
    end_date = models.DateField(_("eligible until"))
    eligible_categories = models.JSONField(
        _("eligible cost categories"),
        default=list,
        blank=True,
        help_text=_("Account classes whose costs the agreement funds; 64 is direct staff."),
    )
    max_rate = models.DecimalField(
        _("maximum co-financing rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("The largest share of the eligible costs the funder may pay."),
    )
    indirect_rate = models.DecimalField(
        _("flat-rate indirect costs (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    indirect_base = models.CharField(
        pgettext_lazy("indirect costs", "base"),
        max_length=10,
        choices=IndirectBase.choices,
        default=IndirectBase.STAFF,
    )
    required_indicators = models.ManyToManyField(
        "impact.Indicator",
        blank=True,
        related_name="+",
        verbose_name=_("indicators the funder requires"),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-start_date", "reference", "id"]
        verbose_name = _("funding agreement")
        verbose_name_plural = _("funding agreements")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "reference"],
                name="agreement_unique_reference",
                violation_error_message=_("Another agreement already has this reference."),
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="agreement_dates_in_order",
                violation_error_message=_("The end date must not be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} – {self.title}"

    @property
    def is_public(self) -> bool:
        return self.funder.is_public

    def clean(self) -> None:
        super().clean()
        categories = self.eligible_categories
        if not isinstance(categories, list) or any(c not in CHARGE_CATEGORIES for c in categories):
            raise ValidationError(
                {
                    "eligible_categories": _(
                        "Eligible categories are charge classes among %(classes)s."
                    )
                    % {"classes": ", ".join(CHARGE_CATEGORIES)}
                }
            )
        self.eligible_categories = sorted(set(categories))
        if getattr(self, "funder", None) is not None:
            _check_kind(self.funder.source, self.kind, "kind")
        on_staff = self.indirect_rate and self.indirect_base == IndirectBase.STAFF
        if on_staff and CostCategory.STAFF not in self.eligible_categories:
            raise ValidationError(
                {
                    "indirect_base": _(
                        "Indirect costs computed on staff costs need staff (64) among "
                        "the eligible categories."
                    )
                }
            )


class FundingKey(TenantModel):
    """The share of a project's costs charged to an agreement when no explicit charge says.

    A project's keys may add up to less than 100 % (the rest is the association's own funds);
    above 100 %, its costs are funded twice, which the checks report.
    """

    project = models.ForeignKey(
        "finance.Project",
        on_delete=models.CASCADE,
        related_name="funding_keys",
        verbose_name=_("project"),
    )
    agreement = models.ForeignKey(
        FundingAgreement, on_delete=models.CASCADE, related_name="keys", verbose_name=_("agreement")
    )
    share = models.DecimalField(
        _("share of the costs (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        ordering = ["project", "agreement__reference"]
        verbose_name = _("funding key")
        verbose_name_plural = _("funding keys")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "agreement"],
                name="funding_key_unique",
                violation_error_message=_("This agreement already has a key on this project."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} → {self.agreement}: {self.share} %"


class Instalment(TenantModel):
    agreement = models.ForeignKey(
        FundingAgreement,
        on_delete=models.CASCADE,
        related_name="instalments",
        verbose_name=_("agreement"),
    )
    received_on = models.DateField(_("received on"))
    amount = models.DecimalField(
        _("amount (€)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")

    def __str__(self) -> str:
        return f"{self.agreement.reference} {self.received_on}"


class ReportingDeadline(TenantModel):
    agreement = models.ForeignKey(
        FundingAgreement,
        on_delete=models.CASCADE,
        related_name="deadlines",
        verbose_name=_("agreement"),
    )
    due_on = models.DateField(_("due on"))
    label = models.CharField(_("what is due"), max_length=200)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("reporting deadline")
        verbose_name_plural = _("reporting deadlines")
        indexes = [models.Index(fields=["workspace", "submitted_on", "due_on"])]

    def __str__(self) -> str:
        return f"{self.agreement.reference} {self.label} {self.due_on}"


class VarianceExplanation(TenantModel):
    """Why a funder report line's actual amount differs from the planned one."""

    agreement = models.ForeignKey(
        FundingAgreement,
        on_delete=models.CASCADE,
        related_name="explanations",
        verbose_name=_("agreement"),
    )
    line = models.CharField(_("report line"), max_length=30)
    text = models.TextField(_("explanation"))

    class Meta:
        ordering = ["line"]
        verbose_name = _("variance explanation")
        verbose_name_plural = _("variance explanations")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "line"], name="variance_explanation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement.reference} {self.line}"
