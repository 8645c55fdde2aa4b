"""Fictional demo registry for `manage.py seed_demo`: about 300 actors in two regions.

Everything here is invented: organisation names are built from word lists, SIREN/SIRET numbers
are random digits with a correct Luhn check digit, RNA numbers random (`W` + 9 digits), websites
and e-mail addresses under example.org, phone numbers in the ranges ARCEP reserves for fiction
(01 99 00 xx xx, 06 39 98 xx xx). Places are real (departments of Auvergne-Rhône-Alpes and
Hauts-de-France, their main towns) so that search, the matrices and the map have something to
show.

What it contains, on purpose:

- every profile and every territorial level, the four missions, the default themes, audiences
  and SDGs;
- communes when the territories table has them (`manage.py import_territories`), otherwise
  departments only; coordinates scattered around the department's main town so the map has
  points either way;
- relations of every default type, with hubs (network heads, big funders);
- contacts (fictional people), a dozen fully qualified network heads and some partial ones;
- actors never verified and verified long ago;
- deliberate duplicates: the same SIRET twice, the same RNA twice, close names in one place.

Deterministic (`random.Random(SEED)`) and idempotent: the plan is computed in full, then only
what is missing is written (actors by name, relations by source/target/type, contacts by actor
and e-mail, qualifications by actor). Writes are bulk inserts; the derived fields (search text,
name key) come from `ecosystem.services`, and the full-text index follows by database triggers
(SQLite) or expression index (PostgreSQL).
"""

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from stdnum import luhn

from maillage.core.sdg import goals_to_mask
from maillage.core.territories.models import Commune, Department, Region

from .models import (
    MISSION_FIELDS,
    Actor,
    Audience,
    Contact,
    Level,
    Mission,
    NetworkHeadQualification,
    Profile,
    Relation,
    RelationType,
    Theme,
)
from .services import name_key, search_text, taxonomy_ensure_defaults

SEED = 20_261_123
COORDINATES = Decimal("0.00001")

# Department code → (main town, latitude, longitude, other towns), approximate.
DEPARTMENTS = {
    # Auvergne-Rhône-Alpes (84)
    "01": ("Bourg-en-Bresse", 46.2052, 5.2255, ["Oyonnax", "Ambérieu-en-Bugey"]),
    "03": ("Moulins", 46.5660, 3.3330, ["Montluçon", "Vichy"]),
    "07": ("Privas", 44.7350, 4.5990, ["Annonay", "Aubenas"]),
    "15": ("Aurillac", 44.9264, 2.4400, ["Saint-Flour"]),
    "26": ("Valence", 44.9334, 4.8924, ["Montélimar", "Romans-sur-Isère"]),
    "38": ("Grenoble", 45.1885, 5.7245, ["Vienne", "Voiron", "Échirolles"]),
    "42": ("Saint-Étienne", 45.4397, 4.3872, ["Roanne", "Montbrison", "Firminy"]),
    "43": ("Le Puy-en-Velay", 45.0434, 3.8850, ["Yssingeaux"]),
    "63": ("Clermont-Ferrand", 45.7772, 3.0870, ["Thiers", "Riom", "Issoire"]),
    "69": ("Lyon", 45.7640, 4.8357, ["Villeurbanne", "Vénissieux", "Vaulx-en-Velin", "Givors"]),
    "73": ("Chambéry", 45.5646, 5.9178, ["Albertville", "Aix-les-Bains"]),
    "74": ("Annecy", 45.8992, 6.1294, ["Thonon-les-Bains", "Annemasse"]),
    # Hauts-de-France (32)
    "02": ("Laon", 49.5641, 3.6199, ["Saint-Quentin", "Soissons"]),
    "59": ("Lille", 50.6292, 3.0573, ["Roubaix", "Tourcoing", "Dunkerque", "Valenciennes"]),
    "60": ("Beauvais", 49.4295, 2.0807, ["Compiègne", "Creil"]),
    "62": ("Arras", 50.2910, 2.7775, ["Lens", "Calais", "Boulogne-sur-Mer"]),
    "80": ("Amiens", 49.8941, 2.2958, ["Abbeville"]),
}
REGIONS = {"84": ("Lyon", 45.7640, 4.8357), "32": ("Lille", 50.6292, 3.0573)}
# More actors where the alliance works (the demo workspace is in the Rhône and the Loire).
DEPARTMENT_WEIGHTS = {"42": 6, "69": 6, "59": 4, "38": 3, "63": 3, "62": 2, "80": 2}

PROFILE_COUNTS = {
    Profile.ASSOCIATION_VOLUNTEER: 40,
    Profile.ASSOCIATION_EMPLOYER: 50,
    Profile.ASSOCIATION_LARGE: 12,
    Profile.FOUNDATION: 14,
    Profile.ESS_ENTERPRISE: 30,
    Profile.COMPANY_TPE: 14,
    Profile.COMPANY_PME: 12,
    Profile.COMPANY_ETI: 6,
    Profile.COMPANY_GE: 5,
    Profile.PUBLIC_EU: 2,
    Profile.PUBLIC_STATE: 4,
    Profile.PUBLIC_REGION: 4,
    Profile.PUBLIC_DEPARTMENT: 8,
    Profile.PUBLIC_EPCI: 8,
    Profile.PUBLIC_COMMUNE: 10,
    Profile.INTERMEDIARY: 32,
    Profile.FUNDER: 18,
    Profile.ACADEMIC: 10,
    Profile.EXPERT: 12,
}
FIXED_LEVEL = {
    Profile.PUBLIC_EU: Level.EUROPE,
    Profile.PUBLIC_STATE: Level.NATIONAL,
    Profile.PUBLIC_REGION: Level.REGIONAL,
    Profile.PUBLIC_DEPARTMENT: Level.DEPARTMENTAL,
    Profile.PUBLIC_EPCI: Level.LOCAL,
    Profile.PUBLIC_COMMUNE: Level.LOCAL,
}
LEVEL_WEIGHTS = {
    Level.INTERNATIONAL: 3,
    Level.EUROPE: 2,
    Level.NATIONAL: 9,
    Level.REGIONAL: 18,
    Level.DEPARTMENTAL: 28,
    Level.LOCAL: 36,
    Level.VIRTUAL: 4,
}

WORDS = [
    "Alvéole", "Passerelle", "Boussole", "Tisserands", "Mosaïque", "Sillon", "Rebond",
    "Ricochet", "Horizon", "Cordée", "Ancrage", "Escale", "Envol", "Racines", "Tremplin",
    "Archipel", "Lueur", "Filament", "Canopée", "Sémaphore", "Confluence", "Ardoise", "Sentinelle",
    "Vigie", "Amarre", "Carrefour", "Étincelle", "Grain de Sel", "Fil d'Ariane", "Clé de Voûte",
]  # fmt: skip
ACTIVITIES = [
    "Entraide", "Jardins Partagés", "Repair Café", "Épicerie Solidaire", "Tiers-Lieu",
    "Ressourcerie", "Maison des Familles", "Atelier Vélo", "Accueil de Jour", "Numérique Pour Tous",
    "Culture en Partage", "Sport Ensemble", "Habitat Solidaire", "Mobilité Partagée",
    "Alpha Langues", "Cuisine Partagée", "Premiers Pas", "Coup de Pouce Emploi", "Répit Aidants",
    "Théâtre de Quartier",
]  # fmt: skip
SURNAMES = [
    "Aubert", "Barbier", "Bertin", "Carrel", "Chabert", "Delorme", "Faure", "Gauthier", "Giraud",
    "Jacquemin", "Lambert", "Marchand", "Masson", "Morel", "Perrin", "Rey", "Roussel", "Tessier",
    "Vidal", "Vasseur", "Lefebvre", "Dufour", "Brunet", "Caron", "Deschamps", "Leclercq",
]  # fmt: skip
FIRST_NAMES = [
    "Amandine", "Bastien", "Camille", "Damien", "Élodie", "Farid", "Gaëlle", "Hugo", "Inès",
    "Julien", "Karima", "Laurent", "Manon", "Nicolas", "Océane", "Pascal", "Quentin", "Rachida",
    "Samuel", "Thérèse", "Ulysse", "Valérie", "William", "Yasmine", "Zoé", "Mathis", "Léa",
]  # fmt: skip
JOB_TITLES = [
    "Directrice", "Directeur", "Présidente", "Président", "Chargée de mission", "Chargé de projets",
    "Coordinatrice", "Responsable partenariats", "Trésorier", "Animatrice réseau",
    "Responsable mécénat", "Chargé d'études",
]  # fmt: skip
FICTIONAL_VALLEYS = [
    "Val de Sorne", "Monts du Brévon", "Plaine de l'Aulnoy", "Pays de Bellerive", "Coteaux d'Orvel",
    "Haut-Lignon", "Vallée de l'Yvette-Haute", "Bocage de Ferlin",
]  # fmt: skip
FICTIONAL_TOWNS = [
    "Saint-Aubin-des-Prés", "Montclar-sur-Loire", "Rochebelle", "Valmont-le-Haut",
    "Bréval-en-Forez", "Les Essarts-Verts", "Fontenoy-la-Côte", "Sainte-Colombe-des-Bois", "Orvel",
    "Champfleury-sur-Aa",
]  # fmt: skip


def _names(rng: random.Random, profile: str, town: str, dept: str) -> str:
    """One candidate name for an actor of `profile` located in `town`."""
    word, activity, surname = rng.choice(WORDS), rng.choice(ACTIVITIES), rng.choice(SURNAMES)
    dept_name = DEPARTMENTS[dept][0] if dept else ""
    options = {
        Profile.ASSOCIATION_VOLUNTEER: [
            f"Collectif {activity} {town}",
            f"Les Amis du {word} ({town})",
            f"{activity} Bénévoles de {town}",
        ],
        Profile.ASSOCIATION_EMPLOYER: [
            f"Association {word} {town}",
            f"{activity} de {town}",
            f"{word} — {activity}",
        ],
        Profile.ASSOCIATION_LARGE: [
            f"Fédération {word}",
            f"Union {word} Solidarités",
            f"Réseau national {word}",
        ],
        Profile.FOUNDATION: [f"Fondation {surname}-{word}", f"Fonds de dotation {word}"],
        Profile.ESS_ENTERPRISE: [
            f"SCOP {word}",
            f"SCIC {word} {town}",
            f"{word} Insertion",
            f"Coopérative {activity} {town}",
        ],
        Profile.COMPANY_TPE: [f"{surname} Services", f"Atelier {surname}", f"{word} Bois"],
        Profile.COMPANY_PME: [
            f"{word} Technologies",
            f"{surname} et Associés",
            f"{word} Logistique",
        ],
        Profile.COMPANY_ETI: [f"Groupe {surname}", f"{word} Industrie"],
        Profile.COMPANY_GE: [f"{word} Énergies Groupe", f"Groupe {word} International"],
        Profile.PUBLIC_EU: [f"Bureau européen {word}", f"Programme européen {word}"],
        Profile.PUBLIC_STATE: [
            f"Délégation {word} de l'État",
            f"Mission interministérielle {word}",
        ],
        Profile.PUBLIC_REGION: [f"Agence régionale {word}", f"Mission régionale {word}"],
        Profile.PUBLIC_DEPARTMENT: [
            f"Service départemental {word} ({dept_name})",
            f"Maison départementale {word} ({dept_name})",
        ],
        Profile.PUBLIC_EPCI: [
            f"Communauté de communes {rng.choice(FICTIONAL_VALLEYS)}",
            f"Agglomération {word}",
        ],
        Profile.PUBLIC_COMMUNE: [f"Commune de {rng.choice(FICTIONAL_TOWNS)}"],
        Profile.INTERMEDIARY: [
            f"Réseau {word}",
            f"Pôle ESS {word} {town}",
            f"Maison de l'ESS {town}",
            f"Collectif des acteurs {word}",
        ],
        Profile.FUNDER: [
            f"Fonds {word} Solidaire",
            f"{word} Investissement Social",
            f"Caisse solidaire {word}",
        ],
        Profile.ACADEMIC: [f"Chaire {word} en économie sociale", f"Laboratoire {word} ({town})"],
        Profile.EXPERT: [
            f"Cabinet {surname} Conseil",
            f"{surname} Accompagnement",
            f"{word} Études",
        ],
    }[profile]
    return rng.choice(options)


DESCRIPTIONS = {
    "association": "Association qui agit à {town} : {activity}, accueil et accompagnement.",
    "foundation": "Fondation qui soutient des projets d'intérêt général autour de {town}.",
    "ess": "Entreprise de l'économie sociale et solidaire installée à {town} ({activity}).",
    "company": "Entreprise de {town} engagée auprès des associations de son territoire.",
    "public": "Acteur public qui finance et accompagne les projets du territoire ({town}).",
    "intermediary": "Tête de réseau qui relie les acteurs de l'ESS autour de {town}.",
    "funder": "Financeur solidaire : prêts, garanties et subventions, projets autour de {town}.",
    "academic": "Équipe de recherche sur l'économie sociale et les coopérations ({town}).",
    "expert": "Conseil et accompagnement des structures de l'ESS, basé à {town}.",
}


def _family(profile: str) -> str:
    if profile.startswith("association_"):
        return "association"
    if profile.startswith("company_"):
        return "company"
    if profile.startswith("public_"):
        return "public"
    return {"ess_enterprise": "ess"}.get(profile, profile)


def _siren(rng: random.Random, first_digit: str = "") -> str:
    body = (first_digit or str(rng.randint(3, 9))) + "".join(
        str(rng.randint(0, 9)) for _ in range(7)
    )
    return body + luhn.calc_check_digit(body)


def _siret(rng: random.Random, siren: str) -> str:
    body = siren + f"{rng.randint(1, 999):04d}"
    return body + luhn.calc_check_digit(body)


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum() or c in "-.")


@dataclass
class PlannedActor:
    name: str
    profile: str
    fields: dict
    missions: list[str]
    themes: list[int]  # indexes into the workspace's themes
    audiences: list[int]
    contacts: list[tuple[str, str, str, str]] = field(default_factory=list)


class Plan:
    """Everything the demo registry holds, computed from the seed alone (and the communes)."""

    def __init__(self, *, themes: int, audiences: int, communes: dict, today: date):
        self.rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
        self.themes, self.audiences = themes, audiences
        self.communes = communes  # department code → [Commune]
        self.today = today
        self.actors: list[PlannedActor] = []
        self.names: set[str] = set()
        self.sirens: set[str] = set()
        self.rnas: set[str] = set()
        self.emails: set[str] = set()
        self.relations: list[tuple[int, int, str, date | None, date | None, str]] = []
        self.qualifications: list[tuple[int, tuple[bool, bool, bool], date]] = []
        self._build()

    # --- actors --------------------------------------------------------------------------------

    def _department(self) -> str:
        codes = sorted(DEPARTMENTS)
        return self.rng.choices(codes, [DEPARTMENT_WEIGHTS.get(c, 1) for c in codes])[0]

    def _unique_name(self, profile: str, town: str, dept: str) -> str:
        for _attempt in range(30):
            name = _names(self.rng, profile, town, dept)
            if name not in self.names:
                break
        else:  # pragma: no cover - the word lists give far more names than needed
            name = f"{name} {len(self.names)}"
        self.names.add(name)
        return name

    def _new_siren(self, first_digit: str = "") -> str:
        while True:
            siren = _siren(self.rng, first_digit)
            if siren not in self.sirens:
                self.sirens.add(siren)
                return siren

    def _new_rna(self, dept: str) -> str:
        prefix = (dept or "69").replace("A", "0").replace("B", "0")
        while True:
            rna = f"W{prefix[:2]}{self.rng.randint(0, 9_999_999):07d}"
            if rna not in self.rnas:
                self.rnas.add(rna)
                return rna

    def _coordinates(self, lat: float, lon: float) -> dict:
        return {
            "latitude": Decimal(lat + self.rng.uniform(-0.12, 0.12)).quantize(COORDINATES),
            "longitude": Decimal(lon + self.rng.uniform(-0.16, 0.16)).quantize(COORDINATES),
        }

    def _place(self, level: str, dept: str = "") -> tuple[dict, str, str]:
        """Territory fields, the town the actor is in, and its department code.

        The commune (when the territories table has communes) is the one named like the town,
        else the department's largest: it never changes the random draws, so the plan (and the
        names) are the same with or without communes and a second run still finds every actor.
        """
        rng = self.rng
        if (
            dept
            or level in (Level.DEPARTMENTAL, Level.LOCAL)
            or (
                level in (Level.NATIONAL, Level.INTERNATIONAL, Level.EUROPE, Level.VIRTUAL)
                and rng.random() < 0.5
            )
        ):
            dept = dept or self._department()
            main, lat, lon, others = DEPARTMENTS[dept]
            town = main if level != Level.LOCAL or rng.random() < 0.4 else rng.choice(others)
            territory = {"department_id": dept, "region_id": _region(dept)}
            communes = self.communes.get(dept)
            if level == Level.LOCAL and communes:
                named = [c for c in communes if c.name == town]
                territory["commune"] = named[0] if named else communes[0]
            if rng.random() < 0.88:
                territory.update(self._coordinates(lat, lon))
            return territory, town, dept
        if level == Level.REGIONAL:
            region = rng.choice(["84", "84", "32"])
            town, lat, lon = REGIONS[region]
            territory = {"region_id": region}
            if rng.random() < 0.85:
                territory.update(self._coordinates(lat, lon))
            return territory, town, ""
        return {}, rng.choice(["Paris", "Bruxelles", "Lyon", "Lille"]), ""

    def _identifiers(self, profile: str, dept: str) -> dict:
        rng, ids = self.rng, {}
        roll = rng.random()
        if profile.startswith("public_"):
            if roll < 0.8:
                ids["siren"] = self._new_siren("2")
        elif profile == Profile.ASSOCIATION_VOLUNTEER:
            if roll < 0.3:
                ids["siret"] = _siret(rng, self._new_siren())
        elif roll < 0.75:
            ids["siret"] = _siret(rng, self._new_siren())
        elif roll < 0.9:
            ids["siren"] = self._new_siren()
        if ids.get("siret"):
            ids["siren"] = ids["siret"][:9]
        if profile.startswith("association_") and rng.random() < 0.85:
            ids["rna"] = self._new_rna(dept)
        return ids

    def _verification(self) -> dict:
        roll = self.rng.random()
        if roll < 0.45:
            return {"last_verified_on": self.today - timedelta(days=self.rng.randint(0, 90))}
        if roll < 0.7:
            return {"last_verified_on": self.today - timedelta(days=self.rng.randint(400, 1500))}
        return {}  # never verified

    def _missions(self, profile: str) -> list[str]:
        rng = self.rng
        weights = {
            Mission.RAISE_AWARENESS: 0.35,
            Mission.OBSERVE: 0.2,
            Mission.CONNECT: 0.3,
            Mission.SUPPORT: 0.4,
        }
        if profile == Profile.INTERMEDIARY:
            weights = dict.fromkeys(weights, 0.75)
        elif profile == Profile.ACADEMIC:
            weights[Mission.OBSERVE] = 0.9
        elif profile.startswith("company_"):
            weights = {m: w / 3 for m, w in weights.items()}
        return [m for m, w in weights.items() if rng.random() < w]

    def _contacts(self, profile: str) -> list[tuple[str, str, str, str]]:
        rng = self.rng
        count = rng.choices([0, 1, 2, 3], [35, 40, 20, 5])[0]
        contacts = []
        for _ in range(count):
            first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            email = f"{_ascii(first)}.{_ascii(last)}@example.org"
            number = 2
            while email in self.emails:
                email = f"{_ascii(first)}.{_ascii(last)}{number}@example.org"
                number += 1
            self.emails.add(email)
            phone = (
                f"01 99 00 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"
                if rng.random() < 0.6
                else f"06 39 98 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"
            )
            contacts.append((f"{first} {last}", rng.choice(JOB_TITLES), email, phone))
        return contacts

    def _actor(
        self, profile: str, *, name: str = "", level: str = "", dept: str = "", **extra
    ) -> int:
        rng = self.rng
        level = (
            level
            or FIXED_LEVEL.get(profile)
            or rng.choices(list(LEVEL_WEIGHTS), list(LEVEL_WEIGHTS.values()))[0]
        )
        territory, town, dept = self._place(level, dept)
        if name:
            assert name not in self.names, name  # names identify the demo's actors
            self.names.add(name)
        else:
            name = self._unique_name(profile, town, dept)
        activity = rng.choice(ACTIVITIES).lower()
        slug = _ascii(name.replace(" ", "-").replace("'", "-"))[:40].strip("-.") or "acteur"
        fields = {
            "name": name,
            "profile": str(profile),
            "level": str(level),
            "description": DESCRIPTIONS[_family(profile)].format(town=town, activity=activity),
            "website": f"https://{slug}.example.org" if rng.random() < 0.7 else "",
            "sdg_goals": goals_to_mask(rng.sample(range(1, 18), rng.choice([0, 1, 1, 2, 3, 4]))),
            **territory,
            **self._identifiers(profile, dept),
            **self._verification(),
            **extra,
        }
        if rng.random() < 0.15:
            fields["aliases"] = "".join(w[0] for w in name.split() if w[0].isupper())[:8]
        self.actors.append(
            PlannedActor(
                name=name,
                profile=str(profile),
                fields=fields,
                missions=self._missions(profile),
                themes=rng.sample(range(self.themes), min(self.themes, rng.randint(1, 3))),
                audiences=rng.sample(range(self.audiences), min(self.audiences, rng.randint(1, 3))),
                contacts=self._contacts(profile),
            )
        )
        return len(self.actors) - 1

    def _build(self) -> None:
        # The two associations of the demo alliance first.
        jardins = self._actor(
            Profile.ASSOCIATION_EMPLOYER,
            name="Les Jardins du Lien",
            level=Level.DEPARTMENTAL,
            dept="42",
        )
        trait = self._actor(
            Profile.ASSOCIATION_EMPLOYER,
            name="Trait d'Union Emploi",
            level=Level.DEPARTMENTAL,
            dept="69",
        )
        self.relations.append((jardins, trait, "co_leads_consortium", date(2021, 9, 1), None, ""))
        for profile, count in PROFILE_COUNTS.items():
            for _ in range(count):
                self._actor(profile)
        self._ensure_every_level()
        self._duplicates()
        self._network_heads()
        self._relations()

    def _ensure_every_level(self) -> None:
        present = {a.fields["level"] for a in self.actors}
        for level in Level.values:
            if level not in present:  # pragma: no cover - depends on the seed only
                self._actor(Profile.EXPERT, level=level)

    def _duplicates(self) -> None:
        """Pairs the duplicate finder must flag."""
        rng = self.rng
        # The same SIRET twice: an actor entered a second time under another name.
        for original_name, second_name, dept in (
            ("Ressourcerie des Monts du Forez", "La Ressourcerie Forézienne", "42"),
            ("Atelier Chantier Insertion Lys", "ACI Vallée de la Lys", "59"),
        ):
            siren = self._new_siren()
            siret = _siret(rng, siren)
            for name, profile in (
                (original_name, Profile.ESS_ENTERPRISE),
                (second_name, Profile.ESS_ENTERPRISE),
            ):
                self._actor(
                    profile,
                    name=name,
                    level=Level.DEPARTMENTAL,
                    dept=dept,
                    siren=siren,
                    siret=siret,
                )
        # The same RNA number twice.
        rna = self._new_rna("69")
        for name in ("Amicale des Locataires de la Duchère", "Locataires Duchère Ensemble"):
            self._actor(
                Profile.ASSOCIATION_VOLUNTEER,
                name=name,
                level=Level.DEPARTMENTAL,
                dept="69",
                rna=rna,
                siren="",
                siret="",
            )
        # Close names in the same department, no identifiers.
        for first, second, dept in (
            ("Épicerie Solidaire de Roubaix", "Epicerie solidaire Roubaix", "59"),
            ("Maison des Aidants du Pilat", "Maison des Aidants de Pilat", "42"),
        ):
            for name in (first, second):
                self._actor(
                    Profile.ASSOCIATION_EMPLOYER,
                    name=name,
                    level=Level.DEPARTMENTAL,
                    dept=dept,
                    siren="",
                    siret="",
                    rna="",
                )

    def _network_heads(self) -> None:
        """A dozen fully qualified network heads, some partial ones."""
        rng = self.rng
        candidates = [
            i
            for i, a in enumerate(self.actors)
            if a.profile in (Profile.INTERMEDIARY, Profile.ASSOCIATION_LARGE)
        ]
        chosen = rng.sample(candidates, 20)
        for index, actor_index in enumerate(chosen):
            if index < 12:
                criteria = (True, True, True)
                self.actors[actor_index].fields["is_network_head"] = True
            else:
                met = rng.sample([0, 1, 2], rng.randint(0, 2))
                criteria = tuple(i in met for i in range(3))
            assessed = self.today - timedelta(days=rng.randint(10, 700))
            self.qualifications.append((actor_index, criteria, assessed))

    def _relations(self) -> None:
        rng = self.rng
        by_profile: dict[str, list[int]] = {}
        for i, actor in enumerate(self.actors):
            by_profile.setdefault(actor.profile, []).append(i)

        def of(*profiles):
            return [i for p in profiles for i in by_profile.get(p, [])]

        associations = of(
            Profile.ASSOCIATION_VOLUNTEER, Profile.ASSOCIATION_EMPLOYER, Profile.ASSOCIATION_LARGE
        )
        field_actors = associations + of(Profile.ESS_ENTERPRISE)
        heads = [i for i, *_ in self.qualifications[:12]]
        funders = of(Profile.FUNDER, Profile.FOUNDATION)
        public = [i for i in range(len(self.actors)) if self.actors[i].profile.startswith("public")]
        big_funders = rng.sample(funders, 4)
        companies = of(Profile.COMPANY_TPE, Profile.COMPANY_PME, Profile.COMPANY_ETI)
        supporters = of(Profile.INTERMEDIARY, Profile.EXPERT, Profile.ACADEMIC)
        seen: set[tuple[int, int, str]] = set()

        def add(source: int, target: int, code: str, symmetric: bool = False) -> None:
            if source == target or (source, target, code) in seen:
                return
            if symmetric and (target, source, code) in seen:
                return
            seen.add((source, target, code))
            start = end = None
            if rng.random() < 0.7:
                start = date(rng.randint(2012, 2025), rng.randint(1, 12), 1)
                if rng.random() < 0.12:
                    end = start + timedelta(days=rng.randint(180, 1500))
            note = rng.choice(["", "", "", "Convention pluriannuelle", "Rencontre au forum ESS"])
            self.relations.append((source, target, code, start, end, note))

        for head in heads:  # hubs: each network head and its members
            for member in rng.sample(field_actors, rng.randint(6, 14)):
                add(head, member, "heads_network_of")
                if rng.random() < 0.5:
                    add(member, head, "member_of")
        for actor in rng.sample(field_actors, 40):
            add(actor, rng.choice(heads + of(Profile.INTERMEDIARY)), "member_of")
        for funder in big_funders:  # hubs: the big funders
            for target in rng.sample(field_actors, rng.randint(15, 25)):
                add(funder, target, "funds")
        for funder in funders + public:
            for target in rng.sample(field_actors, rng.randint(0, 3)):
                add(funder, target, "funds")
        for _ in range(50):
            a, b = rng.sample(field_actors + companies, 2)
            add(a, b, "partners_with", symmetric=True)
        for supporter in supporters:
            for target in rng.sample(field_actors, rng.randint(1, 3)):
                add(supporter, target, "supports")
        for company in companies:
            if rng.random() < 0.6:
                add(company, rng.choice(of(Profile.ESS_ENTERPRISE)), "subcontracts")
        for _ in range(14):
            a, b = rng.sample(field_actors, 2)
            add(a, b, "co_leads_consortium", symmetric=True)


_ARA = {"01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"}


def _region(dept: str) -> str:
    return "84" if dept in _ARA else "32"


EVIDENCE = (
    "Cité comme tiers de confiance par les membres interrogés lors de la cartographie.",
    "A co-animé un projet avec une collectivité et deux entreprises du territoire.",
    "Partage ses besoins à chaque comité et relaie les appels des autres structures.",
)


def _communes_by_department() -> dict:
    communes = (
        Commune.objects.filter(department_id__in=DEPARTMENTS)
        .order_by("-population", "code")
        .only("code", "name", "department_id", "epci_id")
    )
    by_department: dict[str, list] = {}
    for commune in communes:
        towns = by_department.setdefault(commune.department_id, [])
        if len(towns) < 25:
            towns.append(commune)
    return by_department


def seed(workspace, users) -> dict:
    """Create (or complete) the demo registry of `workspace`; return what was created."""
    taxonomy_ensure_defaults(workspace)
    people = list(users.values()) if isinstance(users, dict) else list(users)
    author = people[0] if people else None
    verifiers = people[:3] or [None]
    themes = list(Theme.objects.filter(workspace=workspace).order_by("position", "name", "id"))
    audiences = list(
        Audience.objects.filter(workspace=workspace).order_by("position", "name", "id")
    )
    types = {t.code: t for t in RelationType.objects.filter(workspace=workspace)}
    plan = Plan(
        themes=len(themes),
        audiences=len(audiences),
        communes=_communes_by_department(),
        today=date.today(),
    )
    created = {"actors": 0, "relations": 0, "contacts": 0, "qualifications": 0}

    # Actors (by name), with their derived fields, themes and audiences.
    existing = dict(Actor.objects.filter(workspace=workspace).values_list("name", "pk"))
    departments = {d.code: d for d in Department.objects.filter(code__in=DEPARTMENTS)}
    regions = {r.code: r for r in Region.objects.filter(code__in=REGIONS)}
    new_actors, new_planned = [], []
    for number, planned in enumerate(plan.actors):
        if planned.name in existing:
            continue
        values = dict(planned.fields)
        commune = values.pop("commune", None)
        actor = Actor(workspace=workspace, created_by=author, **values)
        for mission in planned.missions:
            setattr(actor, MISSION_FIELDS[mission], True)
        if commune is not None:
            actor.commune = commune
            actor.epci_id = commune.epci_id
        if actor.department_id:
            actor.department = departments[actor.department_id]
        if actor.region_id:
            actor.region = regions[actor.region_id]
        if actor.last_verified_on:
            actor.verified_by = verifiers[number % len(verifiers)]
        actor.search_text = search_text(actor)
        actor.name_key = name_key(actor.name)
        new_actors.append(actor)
        new_planned.append(planned)
    Actor.objects.bulk_create(new_actors, batch_size=500)
    created["actors"] = len(new_actors)
    theme_links, audience_links = [], []
    for actor, planned in zip(new_actors, new_planned, strict=True):
        theme_links += [
            Actor.themes.through(actor_id=actor.pk, theme_id=themes[i].pk) for i in planned.themes
        ]
        audience_links += [
            Actor.audiences.through(actor_id=actor.pk, audience_id=audiences[i].pk)
            for i in planned.audiences
        ]
    Actor.themes.through.objects.bulk_create(theme_links, batch_size=1000)
    Actor.audiences.through.objects.bulk_create(audience_links, batch_size=1000)
    ids = dict(Actor.objects.filter(workspace=workspace).values_list("name", "pk"))
    pk_of = [ids[planned.name] for planned in plan.actors]

    # Contacts (by actor and e-mail address).
    known = set(Contact.objects.filter(workspace=workspace).values_list("actor_id", "email"))
    contacts = [
        Contact(
            workspace=workspace,
            created_by=author,
            actor_id=pk_of[index],
            full_name=full_name,
            job_title=job_title,
            email=email,
            phone=phone,
        )
        for index, planned in enumerate(plan.actors)
        for full_name, job_title, email, phone in planned.contacts
        if (pk_of[index], email) not in known
    ]
    Contact.objects.bulk_create(contacts, batch_size=500)
    created["contacts"] = len(contacts)

    # Relations (by source, target and type).
    known = set(
        Relation.objects.filter(workspace=workspace).values_list(
            "source_id", "target_id", "relation_type_id"
        )
    )
    relations = []
    for source, target, code, start, end, notes in plan.relations:
        relation_type = types.get(code)
        if relation_type is None:  # the workspace removed this default type
            continue
        key = (pk_of[source], pk_of[target], relation_type.pk)
        if key in known:
            continue
        known.add(key)
        relations.append(
            Relation(
                workspace=workspace,
                created_by=author,
                source_id=key[0],
                target_id=key[1],
                relation_type=relation_type,
                start_date=start,
                end_date=end,
                notes=notes,
            )
        )
    Relation.objects.bulk_create(relations, batch_size=500)
    created["relations"] = len(relations)

    # Network-head qualifications (by actor).
    qualified = set(
        NetworkHeadQualification.objects.filter(workspace=workspace).values_list(
            "actor_id", flat=True
        )
    )
    qualifications = [
        NetworkHeadQualification(
            workspace=workspace,
            created_by=author,
            actor_id=pk_of[index],
            peer_recognition=criteria[0],
            peer_recognition_evidence=EVIDENCE[0] if criteria[0] else "",
            cross_world_co_building=criteria[1],
            cross_world_co_building_evidence=EVIDENCE[1] if criteria[1] else "",
            shares_and_relays=criteria[2],
            shares_and_relays_evidence=EVIDENCE[2] if criteria[2] else "",
            assessed_on=assessed,
            assessed_by=author,
        )
        for index, criteria, assessed in plan.qualifications
        if pk_of[index] not in qualified
    ]
    NetworkHeadQualification.objects.bulk_create(qualifications)
    created["qualifications"] = len(qualifications)
    return created
