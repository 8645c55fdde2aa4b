"""French territories from the official geographic code (COG): regions, departments, EPCI, communes.

Regions and departments are built in (`territories.data`, upserted after every `migrate` by
`territories.builtin`); communes and EPCI are loaded by `manage.py import_territories DIR` from the
decoupage-administratif JSON files (see docs/territories.md).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .normalize import normalize_search_text


class Region(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        app_label = "core"
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments")

    class Meta:
        app_label = "core"
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class EPCI(models.Model):
    siren = models.CharField(_("SIREN"), max_length=9, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=10)  # CC, CA, CU, METRO, MET69
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    class Meta:
        app_label = "core"
        ordering = ["name"]
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCI")

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    """A current commune. Communes of the overseas collectivities (975, 977, 978, 984, 986-989)
    have no department: only the 101 departments are built in."""

    code = models.CharField(_("INSEE code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    # `normalize_search_text(name)`, filled by save() and by the importer (bulk writes skip save()).
    search_name = models.CharField(
        _("search name"), max_length=200, db_index=True, blank=True, editable=False
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="communes", null=True, blank=True
    )
    epci = models.ForeignKey(
        EPCI, on_delete=models.SET_NULL, related_name="communes", null=True, blank=True
    )
    postal_codes = models.JSONField(_("postal codes"), default=list, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    class Meta:
        app_label = "core"
        ordering = ["name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs):
        self.search_name = normalize_search_text(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        """Name with the department code (or the collectivity code), to tell homonyms apart."""
        return f"{self.name} ({self.department_id or self.code[:3]})"
