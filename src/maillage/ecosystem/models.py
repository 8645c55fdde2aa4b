"""The ecosystem registry: actors, their contacts, the relations between them, the workspace's
taxonomies (themes, audiences, relation types), network-head qualifications, duplicate
dismissals, merges and the public catalogue. See docs/ecosystem.md."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from maillage.core.models import TenantModel
from maillage.core.sdg import mask_to_goals

from .identifiers import validate_rna, validate_siren, validate_siret


class Profile(models.TextChoices):
    """Actor profiles (DOMAIN.md §1). Seed 002: the three association profiles react
    differently to a crisis, so they stay distinct."""

    ASSOCIATION_VOLUNTEER = "association_volunteer", _("Association, 100 % volunteer")
    ASSOCIATION_EMPLOYER = "association_employer", _("Association, small or medium employer")
    ASSOCIATION_LARGE = "association_large", _("Association, large organisation")
    FOUNDATION = "foundation", _("Foundation or endowment fund")
    ESS_ENTERPRISE = "ess_enterprise", _("ESS enterprise (cooperative, SCIC, SCOP, insertion)")
    COMPANY_TPE = "company_tpe", _("Company: very small (TPE)")
    COMPANY_PME = "company_pme", _("Company: small or medium (PME)")
    COMPANY_ETI = "company_eti", _("Company: intermediate size (ETI)")
    COMPANY_GE = "company_ge", _("Company: large (GE)")
    PUBLIC_EU = "public_eu", _("Public authority: European Union")
    PUBLIC_STATE = "public_state", _("Public authority: State")
    PUBLIC_REGION = "public_region", _("Public authority: region")
    PUBLIC_DEPARTMENT = "public_department", _("Public authority: department")
    PUBLIC_EPCI = "public_epci", _("Public authority: intercommunality (EPCI)")
    PUBLIC_COMMUNE = "public_commune", _("Public authority: commune")
    INTERMEDIARY = "intermediary", _("Intermediary / network head")
    FUNDER = "funder", _("Social investor or funder")
    ACADEMIC = "academic", _("Academic / research")
    EXPERT = "expert", _("Expert")


class ProfileFamily(models.TextChoices):
    """The columns of seed 004's matrix, plus the profiles it leaves out."""

    PUBLIC = "public", _("Public authorities")
    ASSOCIATION = "association", _("Associations")
    FOUNDATION = "foundation", _("Foundations")
    ESS = "ess", _("ESS enterprises")
    COMPANY = "company", _("Companies")
    INTERMEDIARY = "intermediary", _("Intermediaries")
    FUNDER = "funder", _("Funders")
    ACADEMIC = "academic", _("Academics")
    EXPERT = "expert", _("Experts")


PROFILE_FAMILY: dict[str, str] = {
    profile: (
        ProfileFamily.ASSOCIATION
        if profile.startswith("association_")
        else ProfileFamily.COMPANY
        if profile.startswith("company_")
        else ProfileFamily.PUBLIC
        if profile.startswith("public_")
        else ProfileFamily.ESS
        if profile == Profile.ESS_ENTERPRISE
        else ProfileFamily(profile)
    )
    for profile in Profile.values
}


class Level(models.TextChoices):
    """Territorial level ("échelon"), from the widest to the virtual (seed 004)."""

    INTERNATIONAL = "international", _("International")
    EUROPE = "europe", _("Europe")
    NATIONAL = "national", _("National")
    REGIONAL = "regional", _("Regional")
    DEPARTMENTAL = "departmental", _("Departmental")
    LOCAL = "local", _("Local (commune, intercommunality)")
    VIRTUAL = "virtual", _("Virtual")


class Mission(models.TextChoices):
    """The four missions towards partnerships that a territory needs covered (seed 004)."""

    RAISE_AWARENESS = "raise_awareness", _("Raise awareness")
    OBSERVE = "observe", _("Observe")
    CONNECT = "connect", _("Connect")
    SUPPORT = "support", _("Support")


MISSION_HELP = {
    Mission.RAISE_AWARENESS: _("information, promotion"),
    Mission.OBSERVE: _("watch, capitalise, reference projects"),
    Mission.CONNECT: _("foster synergies, get to know each other"),
    Mission.SUPPORT: _("training, individual and collective support"),
}

#: The Boolean field of `Actor` that stores each mission.
MISSION_FIELDS: dict[str, str] = {mission: f"mission_{mission}" for mission in Mission.values}


class Taxonomy(TenantModel):
    """A term of a workspace's editable list (themes, audiences)."""

    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Theme(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "name"],
                name="theme_unique_name",
                violation_error_message=_("This theme is already in the list."),
            ),
        ]


class Audience(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "name"],
                name="audience_unique_name",
                violation_error_message=_("This audience is already in the list."),
            ),
        ]


class RelationType(TenantModel):
    """A kind of relation between two actors: data, editable per workspace."""

    code = models.SlugField(
        _("code"),
        max_length=50,
        help_text=_("Short identifier used in imports and exports, e.g. member_of."),
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Read from the source."))
    inverse_name = models.CharField(
        _("inverse name"),
        max_length=100,
        blank=True,
        help_text=_("Read from the target, e.g. “has as member”. Empty when symmetric."),
    )
    is_symmetric = models.BooleanField(
        _("symmetric"),
        default=False,
        help_text=_("The relation reads the same both ways (partners with)."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("relation type")
        verbose_name_plural = _("relation types")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "code"],
                name="relationtype_unique_code",
                violation_error_message=_("Another relation type already has this code."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def reverse_label(self) -> str:
        return self.name if self.is_symmetric else (self.inverse_name or self.name)


class Actor(TenantModel):
    """An organisation of the ecosystem, whether or not it uses Maillage."""

    name = models.CharField(_("name"), max_length=200)
    aliases = models.TextField(
        _("other names"),
        blank=True,
        help_text=_("Acronyms and former names, one per line."),
    )
    profile = models.CharField(_("profile"), max_length=30, choices=Profile.choices)
    siren = models.CharField(
        _("SIREN"),
        max_length=9,
        blank=True,
        validators=[validate_siren],
        help_text=_("9 digits, with its check digit."),
    )
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text=_("14 digits: the SIREN and the establishment number."),
    )
    rna = models.CharField(
        _("RNA number"),
        max_length=10,
        blank=True,
        validators=[validate_rna],
        help_text=_("W followed by 9 digits. Associations of Alsace-Moselle have none."),
    )
    website = models.URLField(_("website"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    level = models.CharField(
        _("territorial level"), max_length=20, choices=Level.choices, blank=True
    )
    region = models.ForeignKey(
        "core.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    department = models.ForeignKey(
        "core.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    epci = models.ForeignKey(
        "core.EPCI",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("intercommunality (EPCI)"),
    )
    commune = models.ForeignKey(
        "core.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    mission_raise_awareness = models.BooleanField(_("raises awareness"), default=False)
    mission_observe = models.BooleanField(_("observes"), default=False)
    mission_connect = models.BooleanField(_("connects"), default=False)
    mission_support = models.BooleanField(_("supports"), default=False)
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="actors", verbose_name=_("themes")
    )
    audiences = models.ManyToManyField(
        Audience, blank=True, related_name="actors", verbose_name=_("audiences")
    )
    sdg_goals = models.PositiveIntegerField(
        _("Sustainable Development Goals"),
        default=0,
        help_text=_("Bit mask: bit n set for goal n (see core.sdg)."),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    last_verified_on = models.DateField(_("last verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    # Kept by the services from the qualification (all three criteria met), for filters.
    is_network_head = models.BooleanField(_("network head"), default=False, editable=False)
    # Kept by the services: what full-text search indexes (name, aliases, description,
    # commune). Database triggers copy it into the SQLite FTS5 table; PostgreSQL indexes it
    # with a GIN expression index (see migrations and selectors.search).
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    # Kept by the services: the name normalised for duplicate detection.
    name_key = models.CharField(_("name key"), max_length=200, blank=True, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        indexes = [
            models.Index(fields=["workspace", "name"], name="actor_ws_name"),
            models.Index(fields=["workspace", "name_key"], name="actor_ws_namekey"),
            models.Index(
                fields=["workspace", "siren"], name="actor_ws_siren", condition=~Q(siren="")
            ),
            models.Index(
                fields=["workspace", "siret"], name="actor_ws_siret", condition=~Q(siret="")
            ),
            models.Index(fields=["workspace", "rna"], name="actor_ws_rna", condition=~Q(rna="")),
            models.Index(fields=["workspace", "level", "profile"], name="actor_ws_level_profile"),
            models.Index(fields=["workspace", "region"], name="actor_ws_region"),
            models.Index(fields=["workspace", "department"], name="actor_ws_department"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="actor_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="actor_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.siren and self.siret and not self.siret.startswith(self.siren):
            errors["siret"] = _(
                "This SIRET does not belong to the SIREN %(siren)s: a SIRET starts with its SIREN."
            ) % {"siren": self.siren}
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude" if self.longitude is None else "latitude"] = _(
                "Give both the latitude and the longitude, or neither."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    @property
    def missions(self) -> list[str]:
        return [m for m, field in MISSION_FIELDS.items() if getattr(self, field)]

    @property
    def mission_labels(self) -> list[str]:
        return [Mission(m).label for m in self.missions]

    @property
    def sdg_list(self) -> list[int]:
        return mask_to_goals(self.sdg_goals)

    @property
    def profile_family(self) -> str:
        return PROFILE_FAMILY[self.profile]

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def territory(self):
        """The most precise territory known: commune, EPCI, department or region."""
        return self.commune or self.epci or self.department or self.region


class Contact(TenantModel):
    """A person at an actor. Personal data: exported and erased with the P1 mechanism."""

    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("actor")
    )
    full_name = models.CharField(_("full name"), max_length=150)
    job_title = models.CharField(pgettext_lazy("contact", "role"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        ordering = ["full_name", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["workspace", "email"], name="contact_ws_email")]

    def __str__(self) -> str:
        return self.full_name


class NetworkHeadQualification(TenantModel):
    """Seed 002's three criteria of a "tête de pont", with evidence and date."""

    actor = models.OneToOneField(
        Actor,
        on_delete=models.CASCADE,
        related_name="network_head_qualification",
        verbose_name=_("actor"),
    )
    peer_recognition = models.BooleanField(
        _("recognised by its peers as a trusted third party"), default=False
    )
    peer_recognition_evidence = models.TextField(_("evidence"), blank=True)
    cross_world_co_building = models.BooleanField(
        _("has shown it can co-build across different worlds"), default=False
    )
    cross_world_co_building_evidence = models.TextField(_("evidence"), blank=True)
    shares_and_relays = models.BooleanField(
        _("volunteers to share its needs and relay others'"), default=False
    )
    shares_and_relays_evidence = models.TextField(_("evidence"), blank=True)
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessed by"),
    )

    CRITERIA = ("peer_recognition", "cross_world_co_building", "shares_and_relays")

    class Meta:
        verbose_name = _("network-head qualification")
        verbose_name_plural = _("network-head qualifications")

    def __str__(self) -> str:
        return str(self.actor)

    @property
    def criteria_met(self) -> int:
        return sum(1 for name in self.CRITERIA if getattr(self, name))

    @property
    def qualifies(self) -> bool:
        return self.criteria_met == len(self.CRITERIA)


class Relation(TenantModel):
    """A typed, directed relation: `source` <relation type> `target`."""

    source = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="relations_out", verbose_name=_("from")
    )
    target = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="relations_in", verbose_name=_("to")
    )
    relation_type = models.ForeignKey(
        RelationType,
        on_delete=models.PROTECT,
        related_name="relations",
        verbose_name=_("relation type"),
    )
    start_date = models.DateField(_("since"), null=True, blank=True)
    end_date = models.DateField(_("until"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["source__name", "id"]
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "relation_type"],
                name="relation_unique",
                violation_error_message=_(
                    "This relation is already recorded between these two actors."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="relation_not_self"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="relation_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.relation_type} → {self.target}"


class DuplicateDismissal(TenantModel):
    """Two actors a user has said are not duplicates: the pair is no longer flagged."""

    first = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("dismissed duplicate")
        verbose_name_plural = _("dismissed duplicates")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_dismissal_pair"),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")), name="duplicate_dismissal_ordered"
            ),
        ]


class ActorMerge(TenantModel):
    """The record of an actor merged into another: what it was, so history is never lost."""

    kept = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="merges", verbose_name=_("kept actor")
    )
    merged_actor_id = models.PositiveBigIntegerField(_("id of the merged actor"))
    merged_name = models.CharField(_("name of the merged actor"), max_length=200)
    snapshot = models.JSONField(_("merged actor as it was"), default=dict)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("actor merge")
        verbose_name_plural = _("actor merges")

    def __str__(self) -> str:
        return f"{self.merged_name} → {self.kept}"


class PublicCatalogue(TenantModel):
    """A workspace's opt-in, read-only public view of its registry."""

    #: Fields a workspace may choose to publish. Contacts and notes can never be published.
    PUBLISHABLE_FIELDS = (
        "aliases",
        "profile",
        "description",
        "website",
        "siren",
        "siret",
        "rna",
        "level",
        "territory",
        "missions",
        "themes",
        "audiences",
        "sdg_goals",
        "network_head",
    )

    slug = models.SlugField(
        _("address"),
        max_length=60,
        unique=True,
        help_text=_("The catalogue is published at /catalogue/<address>/."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    fields = models.JSONField(_("published fields"), default=list, blank=True)

    class Meta:
        verbose_name = _("public catalogue")
        verbose_name_plural = _("public catalogues")
        constraints = [
            models.UniqueConstraint(fields=["workspace"], name="public_catalogue_one_per_workspace")
        ]

    def __str__(self) -> str:
        return self.title
