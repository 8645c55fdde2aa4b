"""Impact: indicators, what they are followed for (subjects), targets and measurements per
period, breakdowns, and the SDG reference (targets and indicators). See docs/impact.md.

An indicator is defined once per workspace and followed for one or more *subjects*: the
workspace itself, an actor of the registry, and, as the modules arrive, a project, a funding
agreement, a partnership or an action of a plan (`impact.subjects`). Targets and measurements
belong to one indicator followed for one subject (`TrackedIndicator`); the workspace's figures
are the roll-up of every subject's (`impact.rollup`).
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TenantModel
from maillage.core.sdg import mask_to_goals

#: Values are stored with four decimal places: enough for averages, rates and scores.
VALUE_DIGITS = 18
VALUE_PLACES = 4


def value_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        null=True,
        blank=True,
        **kwargs,
    )


class Kind(models.TextChoices):
    QUANTITATIVE = "quantitative", _("Quantitative (a number)")
    QUALITATIVE = "qualitative", _("Qualitative (a text)")


class Direction(models.TextChoices):
    INCREASE = "increase", _("Higher is better")
    DECREASE = "decrease", _("Lower is better")
    NONE = "none", _("Neither (a figure to follow)")


class Aggregation(models.TextChoices):
    """How values combine across periods and subjects (docs/impact.md, "Roll-up")."""

    SUM = "sum", _("Sum (a flow: people reached this period)")
    AVERAGE = "average", _("Average (a score, a level)")
    LATEST = "latest", _("Latest value (the most recent reading wins, whichever subject)")
    CUMULATIVE = "cumulative", _("Cumulative or stock (each subject's latest total, added up)")
    RATIO = "ratio", _("Ratio (numerator ÷ denominator)")


#: The aggregations' names alone, for tables.
AGGREGATION_SHORT = {
    Aggregation.SUM: _("Sum"),
    Aggregation.AVERAGE: _("Average"),
    Aggregation.LATEST: _("Latest value"),
    Aggregation.CUMULATIVE: _("Cumulative"),
    Aggregation.RATIO: _("Ratio"),
}

#: Aggregations whose breakdown values must add up to the total.
ADDITIVE = frozenset({Aggregation.SUM, Aggregation.CUMULATIVE})


class Frequency(models.TextChoices):
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    YEAR = "year", _("Yearly")
    CUSTOM = "custom", _("Custom periods")


class BreakdownDimension(TenantModel):
    """A way to break a figure down (gender, age band, territory…): the workspace's own list."""

    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = _("breakdown dimension")
        verbose_name_plural = _("breakdown dimensions")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "name"],
                name="breakdown_dimension_unique_name",
                violation_error_message=_("This dimension is already in the list."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BreakdownCategory(TenantModel):
    """One value of a dimension (women, men…)."""

    dimension = models.ForeignKey(
        BreakdownDimension,
        on_delete=models.CASCADE,
        related_name="categories",
        verbose_name=_("dimension"),
    )
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["dimension__position", "dimension__name", "position", "name", "id"]
        verbose_name = _("breakdown category")
        verbose_name_plural = _("breakdown categories")
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "name"],
                name="breakdown_category_unique_name",
                violation_error_message=_("This category is already in the dimension."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SdgTarget(models.Model):
    """One of the 169 targets of the SDGs (reference data, `manage.py import_sdg`)."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)  # "1.1", "17.a"
    goal = models.PositiveSmallIntegerField(_("goal"))
    position = models.PositiveIntegerField(_("position"), default=0)
    title_fr = models.TextField(_("title (French)"))
    title_en = models.TextField(_("title (English)"))

    class Meta:
        ordering = ["goal", "position"]
        verbose_name = _("SDG target")
        verbose_name_plural = _("SDG targets")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def title(self) -> str:
        return self.title_fr if (get_language() or "").startswith("fr") else self.title_en


class SdgIndicator(models.Model):
    """One of the global SDG indicators (reference data, `manage.py import_sdg`)."""

    code = models.CharField(_("code"), max_length=12, primary_key=True)  # "1.1.1"
    target = models.ForeignKey(
        SdgTarget, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("target")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title_fr = models.TextField(_("title (French)"))
    title_en = models.TextField(_("title (English)"))

    class Meta:
        ordering = ["target__goal", "target__position", "position"]
        verbose_name = _("SDG indicator")
        verbose_name_plural = _("SDG indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def title(self) -> str:
        return self.title_fr if (get_language() or "").startswith("fr") else self.title_en


class Indicator(TenantModel):
    """What is measured, how, and how its values combine."""

    code = models.CharField(
        _("code"),
        max_length=30,
        help_text=_("Short identifier, unique in the workspace (used by imports), e.g. EMP-01."),
    )
    name = models.CharField(_("name"), max_length=200)
    definition = models.TextField(_("definition"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=12, choices=Kind.choices, default=Kind.QUANTITATIVE
    )
    unit = models.CharField(
        _("unit"), max_length=50, blank=True, help_text=_("e.g. people, hours, €, tonnes of CO₂.")
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    aggregation = models.CharField(
        _("aggregation"), max_length=12, choices=Aggregation.choices, default=Aggregation.SUM
    )
    ratio_as_percentage = models.BooleanField(
        _("show the ratio as a percentage"),
        default=True,
        help_text=_("Ratio only: 45 ÷ 60 reads 75 %."),
    )
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.QUARTER
    )
    decimal_places = models.PositiveSmallIntegerField(
        _("decimal places shown"),
        default=0,
        help_text=_("0 to 4. Values are kept as entered; this only changes how they read."),
    )
    method = models.TextField(
        _("method of measurement"),
        blank=True,
        help_text=_("Source, tool, who measures, how often, what counts."),
    )
    external_codes = models.TextField(
        _("external codes"),
        blank=True,
        help_text=_("Codes in other frameworks, one per line, e.g. IRIS+ PI4060, VALOR'ESS…"),
    )
    sdg_goals = models.PositiveIntegerField(
        _("Sustainable Development Goals"),
        default=0,
        help_text=_("Bit mask: bit n set for goal n (see core.sdg)."),
    )
    sdg_targets = models.ManyToManyField(
        SdgTarget, blank=True, related_name="+", verbose_name=_("SDG targets")
    )
    dimensions = models.ManyToManyField(
        BreakdownDimension,
        blank=True,
        related_name="indicators",
        verbose_name=_("breakdown dimensions"),
    )
    is_archived = models.BooleanField(
        _("archived"), default=False, help_text=_("No longer measured; its history stays.")
    )

    class Meta:
        ordering = ["code", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "code"],
                name="indicator_unique_code",
                violation_error_message=_("Another indicator already has this code."),
            ),
            models.CheckConstraint(
                condition=Q(decimal_places__lte=4), name="indicator_decimal_places_max"
            ),
        ]
        indexes = [models.Index(fields=["workspace", "name"], name="indicator_ws_name")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        errors = {}
        if self.kind == Kind.QUALITATIVE and self.aggregation != Aggregation.LATEST:
            errors["aggregation"] = _(
                "A qualitative indicator is a text: its latest reading is what counts "
                "(choose “Latest value”)."
            )
        if self.decimal_places is not None and self.decimal_places > 4:
            errors["decimal_places"] = _("At most 4 decimal places.")
        if errors:
            raise ValidationError(errors)

    @property
    def aggregation_short(self) -> str:
        return AGGREGATION_SHORT[self.aggregation]

    @property
    def is_quantitative(self) -> bool:
        return self.kind == Kind.QUANTITATIVE

    @property
    def is_ratio(self) -> bool:
        return self.aggregation == Aggregation.RATIO

    @property
    def is_additive(self) -> bool:
        return self.aggregation in ADDITIVE

    @property
    def sdg_list(self) -> list[int]:
        return mask_to_goals(self.sdg_goals)

    @property
    def display_unit(self) -> str:
        if self.is_ratio and self.ratio_as_percentage:
            return "%"
        return self.unit

    @property
    def external_code_list(self) -> list[str]:
        return [line.strip() for line in self.external_codes.splitlines() if line.strip()]


class TrackedIndicator(TenantModel):
    """An indicator followed for one subject (the workspace, an actor, a project…).

    `subject_kind` names an entry of `impact.subjects`; `subject_id` is the subject's id, empty
    for the workspace itself.
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="tracks", verbose_name=_("indicator")
    )
    subject_kind = models.CharField(_("kind of subject"), max_length=40)
    subject_id = models.PositiveBigIntegerField(_("subject"), null=True, blank=True)
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_("Why it is followed here, e.g. required by the funder's agreement."),
    )

    class Meta:
        ordering = ["indicator__code", "subject_kind", "subject_id", "id"]
        verbose_name = _("followed indicator")
        verbose_name_plural = _("followed indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "subject_kind", "subject_id"],
                condition=Q(subject_id__isnull=False),
                name="tracked_indicator_unique_subject",
                violation_error_message=_("This indicator is already followed for this subject."),
            ),
            models.UniqueConstraint(
                fields=["indicator", "subject_kind"],
                condition=Q(subject_id__isnull=True),
                name="tracked_indicator_unique_workspace",
                violation_error_message=_("This indicator is already followed for this subject."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["workspace", "subject_kind", "subject_id"], name="tracked_ws_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.subject_kind}:{self.subject_id or ''}"

    @property
    def subject_ref(self) -> str:
        """ "workspace" or "actor:12": how imports, exports and the API name the subject."""
        if self.subject_id is None:
            return self.subject_kind
        return f"{self.subject_kind}:{self.subject_id}"


class Period(models.Model):
    """A period: from `period_start` to `period_end`, both included."""

    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))

    class Meta:
        abstract = True

    def clean_period(self, errors: dict) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The period ends before it starts.")


class Target(TenantModel, Period):
    """The value aimed at for one period."""

    tracked = models.ForeignKey(
        TrackedIndicator,
        on_delete=models.CASCADE,
        related_name="targets",
        verbose_name=_("followed indicator"),
    )
    # Kept equal to tracked.indicator by the services: roll-ups read by indicator directly.
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="+", editable=False
    )
    value = value_field(_("target value"))
    text = models.TextField(_("target (text)"), blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["period_start", "period_end", "id"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["tracked", "period_start", "period_end"],
                name="target_unique_period",
                violation_error_message=_("A target is already set for this period."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="target_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["indicator", "period_end"], name="target_ind_end")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period_start}–{self.period_end}"

    def clean(self) -> None:
        errors: dict = {}
        self.clean_period(errors)
        if errors:
            raise ValidationError(errors)


def evidence_upload_to(instance: "Measurement", filename: str) -> str:
    """`impact/<workspace id>/<random>.<ext>`: files are served only through the app."""
    import uuid
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:10]
    return f"impact/{instance.workspace_id}/{uuid.uuid4().hex}{suffix}"


class Measurement(TenantModel, Period):
    """What was measured for one period, or the explicit fact that nothing was."""

    class Status(models.TextChoices):
        MEASURED = "measured", pgettext_lazy("measurement status", "Measured")
        NOT_MEASURED = "not_measured", _("Not measured this period")

    tracked = models.ForeignKey(
        TrackedIndicator,
        on_delete=models.CASCADE,
        related_name="measurements",
        verbose_name=_("followed indicator"),
    )
    # Kept equal to tracked.indicator by the services: roll-ups read by indicator directly.
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="+", editable=False
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.MEASURED
    )
    value = value_field(_("value"))
    numerator = value_field(_("numerator"))
    denominator = value_field(_("denominator"))
    text_value = models.TextField(_("observation"), blank=True)
    narrative = models.TextField(
        _("narrative"), blank=True, help_text=_("What happened, what explains the figure.")
    )
    evidence_file = models.FileField(
        _("evidence (file)"), upload_to=evidence_upload_to, max_length=255, blank=True
    )
    evidence_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    evidence_url = models.URLField(_("evidence (link)"), max_length=500, blank=True)
    measured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("measured by"),
    )
    measured_on = models.DateField(_("measured on"), null=True, blank=True)

    class Meta:
        ordering = ["period_start", "period_end", "id"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(
                fields=["tracked", "period_start", "period_end"],
                name="measurement_unique_period",
                violation_error_message=_(
                    "A measurement already exists for this period: edit it instead."
                ),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="measurement_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["indicator", "period_end"], name="measurement_ind_end")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period_start}–{self.period_end}"

    def clean(self) -> None:
        errors: dict = {}
        self.clean_period(errors)
        if errors:
            raise ValidationError(errors)

    @property
    def is_measured(self) -> bool:
        return self.status == self.Status.MEASURED


class MeasurementBreakdown(TenantModel):
    """The part of a measurement's value that falls in one category (women: 12)."""

    measurement = models.ForeignKey(
        Measurement,
        on_delete=models.CASCADE,
        related_name="breakdowns",
        verbose_name=_("measurement"),
    )
    category = models.ForeignKey(
        BreakdownCategory,
        on_delete=models.PROTECT,
        related_name="values",
        verbose_name=_("category"),
    )
    value = models.DecimalField(_("value"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)

    class Meta:
        ordering = ["category__dimension__position", "category__position", "id"]
        verbose_name = _("breakdown value")
        verbose_name_plural = _("breakdown values")
        constraints = [
            models.UniqueConstraint(
                fields=["measurement", "category"], name="measurement_breakdown_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.value}"


def report_upload_to(instance: "ReportJob", filename: str) -> str:
    """`impact/<workspace id>/reports/<random>.<ext>`: served only through the app, to members;
    the name the user downloads is kept on the job (`filename`)."""
    import uuid
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:10]
    return f"impact/{instance.workspace_id}/reports/{uuid.uuid4().hex}{suffix}"


class ReportJob(TenantModel):
    """One impact report document (PDF or DOCX) written in the background (docs/impact.md,
    "Impact reports"): the report's parameters, the progress the task records, then the file.

    The task (`impact.tasks.generate_report`) claims the job (pending → running) with a
    conditional update, so a task delivered twice writes the document once.
    """

    class Format(models.TextChoices):
        PDF = "pdf", _("PDF")
        DOCX = "docx", _("Word")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for its turn")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Phase(models.TextChoices):
        """What the task is doing, shown under the progress bar."""

        WAITING = "", _("Waiting for its turn")
        READING = "reading", _("Reading the figures")
        DRAWING = "drawing", _("Drawing each indicator")
        WRITING = "writing", _("Writing the document")
        LAYOUT = "layout", _("Laying out the pages")
        SAVING = "saving", _("Saving the file")

    class Error(models.TextChoices):
        """Why a job failed, as its reader is told (in the reader's language)."""

        UNEXPECTED = (
            "unexpected",
            _(
                "An unexpected error stopped the writing of the document. Try again; if it fails "
                "again, tell the person who runs Maillage."
            ),
        )
        SUBJECT_GONE = (
            "subject_gone",
            _("The subject of this report no longer exists in the workspace."),
        )
        NOT_A_MEMBER = (
            "not_a_member",
            _("The person who asked for this document is no longer a member of the workspace."),
        )

    RUNNING_STATUSES = (Status.PENDING, Status.RUNNING)

    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    subject_ref = models.CharField(_("subject"), max_length=60, default="workspace")
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    language = models.CharField(_("language of the report"), max_length=5)
    #: The site's address when the job was asked for: evidence links in the document are absolute.
    base_url = models.CharField(_("site address"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    phase = models.CharField(_("step"), max_length=8, choices=Phase.choices, blank=True)
    #: Progress within the step: indicators drawn or written, pages laid out.
    step_done = models.PositiveIntegerField(_("done in the step"), default=0)
    step_total = models.PositiveIntegerField(_("to do in the step"), default=0)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    indicators = models.PositiveIntegerField(_("indicators"), default=0)
    file = models.FileField(_("file"), upload_to=report_upload_to, max_length=255, blank=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"), default=0)
    error = models.CharField(_("error"), max_length=16, choices=Error.choices, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "created_by", "-created_at"], name="reportjob_mine"),
            models.Index(fields=["created_at"], name="reportjob_created"),
        ]
        verbose_name = _("impact report document")
        verbose_name_plural = _("impact report documents")

    def __str__(self) -> str:
        return self.filename or f"{self.subject_ref} {self.start}–{self.end}.{self.format}"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING_STATUSES

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file)

    @property
    def error_message(self) -> str:
        """The readable reason of a failure, in the current language."""
        if self.status != self.Status.FAILED:
            return ""
        return str(self.Error(self.error or self.Error.UNEXPECTED).label)

    @property
    def step_text(self) -> str:
        """What the current step has done: "37 of 100 indicators", "page 134 of about 210"."""
        done, total = number_format(self.step_done), number_format(self.step_total)
        if self.phase == self.Phase.LAYOUT and self.step_done:
            return _("page %(done)s of about %(total)s") % {"done": done, "total": total}
        per_indicator = self.phase == self.Phase.DRAWING or (
            self.phase == self.Phase.WRITING and self.format == self.Format.DOCX
        )
        if per_indicator and self.step_total:
            return ngettext(
                "%(done)s of %(total)s indicator",
                "%(done)s of %(total)s indicators",
                self.step_total,
            ) % {"done": done, "total": total}
        if self.phase == self.Phase.WRITING and self.step_total:
            return ngettext("%(total)s page", "%(total)s pages", self.step_total) % {"total": total}
        return ""

    @property
    def content_type(self) -> str:
        if self.format == self.Format.DOCX:
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        return "application/pdf"


@receiver(post_delete, sender=ReportJob, dispatch_uid="impact_delete_report_file")
def delete_report_file(sender, instance: ReportJob, **kwargs) -> None:
    """A job's file goes with it, however it is deleted (retention, erasure, the workspace
    deleted), once the deletion is committed."""
    if not instance.file:
        return
    storage, name = instance.file.storage, instance.file.name

    def delete() -> None:
        try:
            storage.delete(name)
        except OSError:
            logging.getLogger(__name__).warning("Could not delete %s", name, exc_info=True)

    transaction.on_commit(delete)
