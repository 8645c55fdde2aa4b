"""Each member's objectives canvas and the upfront fit check (seeds 001 and 004)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TenantModel

from ..choices import Dimension, ValueChainLevel
from .partnerships import Partnership, PartnershipMember


class CanvasEntry(TenantModel):
    """One line of a member's objectives canvas, at one level of its value chain."""

    class Section(models.TextChoices):
        OBJECTIVE = "objective", _("Objectives")
        BLOCKING_POINT = "blocking_point", _("Blocking points")
        NEED = "need", _("Needs")
        OPPORTUNITY = "opportunity", _("Cooperation opportunities")

    class Qualifier(models.TextChoices):
        INTERNAL = "internal", _("Internal")
        EXTERNAL = "external", _("External")
        IN_NETWORK = "in_network", _("Already in our network")
        TO_FIND = "to_find", _("To find")

    #: Which qualifiers a section takes (the others take none).
    SECTION_QUALIFIERS = {
        Section.BLOCKING_POINT: (Qualifier.INTERNAL, Qualifier.EXTERNAL),
        Section.NEED: (Qualifier.IN_NETWORK, Qualifier.TO_FIND),
    }

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="canvas_entries",
        verbose_name=_("partnership"),
    )
    member = models.ForeignKey(
        PartnershipMember,
        on_delete=models.CASCADE,
        related_name="canvas_entries",
        verbose_name=_("member"),
    )
    section = models.CharField(_("section"), max_length=16, choices=Section.choices)
    level = models.CharField(
        _("value-chain level"), max_length=12, choices=ValueChainLevel.choices, blank=True
    )
    text = models.TextField(_("text"))
    figures = models.CharField(
        _("figures"),
        max_length=200,
        blank=True,
        help_text=_("Be precise, e.g. 1,000 adapted garments a year by 2027."),
    )
    qualifier = models.CharField(
        _("internal, external, in the network…"),
        max_length=12,
        choices=Qualifier.choices,
        blank=True,
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["member", "section", "position", "id"]
        verbose_name = _("canvas entry")
        verbose_name_plural = _("canvas entries")

    def __str__(self) -> str:
        return self.text[:80]

    def clean(self) -> None:
        allowed = self.SECTION_QUALIFIERS.get(self.section, ())
        if self.qualifier and self.qualifier not in allowed:
            raise ValidationError({"qualifier": _("This section does not take this qualifier.")})
        if self.figures and self.section != self.Section.OBJECTIVE:
            raise ValidationError({"figures": _("Figures belong to objectives.")})
        if (
            self.member_id
            and self.partnership_id
            and (self.member.partnership_id != self.partnership_id)
        ):
            raise ValidationError({"member": _("This member belongs to another partnership.")})


class FitExpectation(TenantModel):
    """Upfront: what one side expects on one dimension, and whether the model fits it."""

    class Fit(models.TextChoices):
        UNKNOWN = "unknown", _("Not assessed")
        FITS = "fits", _("Fits")
        PARTLY = "partly", _("Fits partly")
        DOES_NOT_FIT = "no", _("Does not fit")

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="fit_expectations",
        verbose_name=_("partnership"),
    )
    member = models.ForeignKey(
        PartnershipMember,
        on_delete=models.CASCADE,
        related_name="fit_expectations",
        verbose_name=_("member"),
    )
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    expectation = models.TextField(_("what is expected"))
    fit = models.CharField(
        _("does the partnership model fit?"),
        max_length=8,
        choices=Fit.choices,
        default=Fit.UNKNOWN,
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["member", "dimension", "id"]
        verbose_name = _("expectation")
        verbose_name_plural = _("expectations")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "dimension"],
                name="fit_unique_member_dimension",
                violation_error_message=_("This member already stated its expectation here."),
            ),
        ]

    def __str__(self) -> str:
        return self.expectation[:80]
