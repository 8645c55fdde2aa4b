"""Time entries summed up, kept by the database: what the engine and the checks read.

The allocation engine costs time by (person, project, agreement, month) and the hours check
adds it up by (person, ISO week, month); with a million entries, grouping them at every read
took most of a first view of the checks page. These two tables hold those sums, kept up to
date by triggers on `finance_timeentry` (`finance/time_summary.py`) inside the same
transaction as the write, whatever makes it: the ORM, a queryset `update()`, the importers'
SQL, a bulk insert. The application never writes them.

Hours are kept as an integer of hundredths (7.5 h → 750), exact on both databases. `first`
and `last` are the first and last days with hours in the row's period.
"""

from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django_scopes import ScopedManager

from maillage.core.models import workspace_field


class TimeSums(models.Model):
    """What both summaries hold for a person over some days of one month."""

    workspace = workspace_field(db_index=False)
    person = models.ForeignKey("finance.Person", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # its first day
    hundredths = models.BigIntegerField()
    first = models.DateField()
    last = models.DateField()
    entries = models.PositiveIntegerField()

    objects = ScopedManager(workspace="workspace")

    class Meta:
        abstract = True


class TimeMonth(TimeSums):
    """A person's hours on a project, for one agreement or none, in one month."""

    project = models.ForeignKey("finance.Project", on_delete=models.CASCADE, related_name="+")
    agreement = models.ForeignKey(
        "finance.FundingAgreement", on_delete=models.CASCADE, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                F("person"),
                F("project"),
                Coalesce(F("agreement"), Value(0)),
                F("month"),
                name="time_month_key",
            )
        ]
        indexes = [models.Index(fields=["workspace", "project", "month"])]

    def __str__(self) -> str:
        return f"{self.person_id}/{self.project_id}/{self.agreement_id} {self.month:%Y-%m}"


class TimeWeek(TimeSums):
    """A person's hours in the days of one ISO week that lie in one month (a week across two
    months is two rows): the weeks and the months of the hours check."""

    week = models.DateField()  # its Monday

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "week", "month"], name="time_week_key")
        ]
        indexes = [models.Index(fields=["workspace", "person"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.week} {self.month:%Y-%m}"
