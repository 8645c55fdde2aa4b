"""Fictional demo indicators for `manage.py seed_demo`: the alliance's impact, 2025 onwards.

About 25 indicators of the demo alliance (employment integration, urban gardens and food aid,
digital inclusion, volunteering, satisfaction, partnerships, governance), every aggregation and
kind, monthly, quarterly and yearly. Each is followed for the workspace itself (what the alliance
does jointly) and, when the registry has them (`ecosystem.demo` runs first), for the two allied
associations, "Les Jardins du Lien" and "Trait d'Union Emploi"; without them, the workspace
carries their share. Targets run from January 2025 to the end of the current year, measurements
from January 2025 to the last period that ended before today, with breakdowns by the default
dimensions (`services.breakdowns_ensure_defaults`), French narratives, evidence links under
example.org and a few periods explicitly "not measured" with the reason.

Everything is invented. Deterministic: each (indicator, subject) draws from its own
`random.Random`, so a period's figures depend neither on today's date nor on what else exists.
Idempotent: indicators are found by code, followed indicators by subject, targets and
measurements by followed indicator and period; only what is missing is written.

Indicators and their subjects go through `impact.services` (validated, audited). Targets,
measurements and breakdowns are checked by the same functions the services use (period,
values, ratio computed and quantised, breakdowns adding up for sums and running totals), then
bulk-inserted: a thousand rows through the services, each with its audit event, take seconds.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import override

from . import periods, services, subjects
from .models import (
    Aggregation,
    BreakdownCategory,
    BreakdownDimension,
    Direction,
    Frequency,
    Indicator,
    Kind,
    Measurement,
    MeasurementBreakdown,
    SdgTarget,
    Target,
    TrackedIndicator,
)

SEED = 20_261_130
START = date(2025, 1, 1)

WORKSPACE, JARDINS, TRAIT = "workspace", "jardins", "trait"
ACTOR_NAMES = {JARDINS: "Les Jardins du Lien", TRAIT: "Trait d'Union Emploi"}
SUBJECT_SLUGS = {
    WORKSPACE: "alliance",
    JARDINS: "jardins-du-lien",
    TRAIT: "trait-d-union-emploi",
}
SUBJECT_NOTES = {
    JARDINS: "Chiffres des Jardins du Lien, saisis par leur coordinatrice.",
    TRAIT: "Chiffres de Trait d'Union Emploi, issus de leur logiciel de suivi des parcours.",
}

# Indexes into services.DEFAULT_DIMENSIONS.
GENDER, AGE, TERRITORY, AUDIENCE = range(4)
WEIGHTS = {
    GENDER: (52, 46, 2),
    AGE: (4, 30, 56, 10),
    TERRITORY: (47, 36, 17),
    AUDIENCE: (20, 50, 12, 18),
}

# Month by month, how activity varies around its yearly mean.
SEASONS = {
    "school": (1.0, 1.05, 1.1, 1.05, 1.0, 0.9, 0.55, 0.35, 1.15, 1.25, 1.15, 0.85),
    "garden": (0.15, 0.2, 0.45, 0.8, 1.25, 1.6, 1.8, 1.75, 1.5, 1.1, 0.55, 0.3),
    "outdoor": (0.8, 0.8, 0.95, 1.05, 1.15, 1.15, 0.9, 0.75, 1.1, 1.15, 1.05, 0.95),
    "winter": (1.2, 1.15, 1.05, 0.95, 0.9, 0.85, 0.85, 0.85, 0.95, 1.0, 1.1, 1.25),
}


@dataclass(frozen=True)
class Spec:
    """One demo indicator and how its figures are drawn.

    `base` is the value of one period for a subject of scale 1 at the start: a flow for a sum or
    a running total, a level for the latest value, the mean for an average, the rate for a ratio
    (0.55 for 55 %, or hours per volunteer). `growth` is relative per year for flows and levels,
    additive per year for averages and rates.
    """

    code: str
    name: str
    definition: str
    aggregation: str
    frequency: str
    unit: str = ""
    kind: str = Kind.QUANTITATIVE
    direction: str = Direction.INCREASE
    decimal_places: int = 0
    ratio_as_percentage: bool = True
    method: str = ""
    external_codes: str = ""
    sdg_goals: tuple[int, ...] = ()
    sdg_targets: tuple[str, ...] = ()
    dimensions: tuple[int, ...] = ()
    weights: dict = field(default_factory=dict)  # dimension index → weights of its categories
    subjects: tuple[tuple[str, float], ...] = ((WORKSPACE, 1.0),)
    base: float = 0
    growth: float = 0
    season: str = ""
    noise: float = 0.08
    spread: float = 0  # average/ratio: how far a subject's level may sit from `base`
    initial: float = 0  # cumulative: the total reached before January 2025 (scale 1)
    denominator: float = 0  # ratio: the denominator of one period (scale 1)
    uplift: float | None = 0.05  # target = expected value × (1 + uplift); None: no target
    target_value: float | None = None  # a constant target instead (average, ratio)
    texts: tuple[str, ...] = ()  # qualitative: the observations
    target_text: str = ""  # qualitative: the target


PEOPLE_METHOD = (
    "Personnes comptées une fois par mois quelle que soit le nombre de rendez-vous, d'après "
    "l'export mensuel du logiciel de suivi ; genre, âge et quartier tels que déclarés à "
    "l'inscription."
)

SPECS: tuple[Spec, ...] = (
    # --- Employment integration -------------------------------------------------------------
    Spec(
        code="EMP-01",
        name="Personnes accompagnées vers l'emploi",
        definition=(
            "Personnes en recherche d'emploi ayant bénéficié d'un accompagnement individuel dans "
            "le mois : entretiens, ateliers CV, simulations d'entretien, mises en relation."
        ),
        aggregation=Aggregation.SUM,
        frequency=Frequency.MONTH,
        unit="personnes",
        method=PEOPLE_METHOD,
        external_codes="IRIS+ PI4060\nODD 8.5.2",
        sdg_goals=(8, 10),
        sdg_targets=("8.5", "10.2"),
        dimensions=(GENDER, AGE, TERRITORY),
        subjects=((TRAIT, 1.0), (JARDINS, 0.3), (WORKSPACE, 0.12)),
        base=62,
        growth=0.12,
        season="school",
    ),
    Spec(
        code="EMP-02",
        name="Taux de sorties dynamiques vers l'emploi",
        definition=(
            "Part des personnes sorties du parcours d'insertion dans le trimestre qui ont trouvé "
            "un emploi durable, un emploi de transition ou une formation qualifiante."
        ),
        aggregation=Aggregation.RATIO,
        frequency=Frequency.QUARTER,
        decimal_places=1,
        method=(
            "Numérateur : sorties vers l'emploi ou la formation qualifiante (définition DREETS "
            "des sorties dynamiques). Dénominateur : toutes les sorties du trimestre, hors "
            "déménagements et arrêts maladie longs. Situation vérifiée à un mois par téléphone."
        ),
        external_codes="IRIS+ PI2822\nDREETS IAE — sorties dynamiques",
        sdg_goals=(8,),
        sdg_targets=("8.5", "8.6"),
        subjects=((TRAIT, 1.0), (JARDINS, 0.6)),
        base=0.52,
        growth=0.04,
        noise=0.06,
        spread=0.05,
        denominator=14,
        target_value=60,
    ),
    Spec(
        code="EMP-03",
        name="Heures de travail en insertion",
        definition="Heures rémunérées des salariés en parcours d'insertion (chantiers, ateliers).",
        aggregation=Aggregation.SUM,
        frequency=Frequency.MONTH,
        unit="heures",
        method="Bulletins de paie du mois (service paie mutualisé de l'alliance).",
        sdg_goals=(8,),
        sdg_targets=("8.5",),
        subjects=((JARDINS, 1.0), (TRAIT, 0.7)),
        base=1450,
        growth=0.08,
        season="outdoor",
        noise=0.05,
        uplift=0.03,
    ),
    Spec(
        code="EMP-04",
        name="Salariés en parcours d'insertion",
        definition="Équivalents temps plein des contrats d'insertion en cours au dernier jour.",
        aggregation=Aggregation.LATEST,
        frequency=Frequency.MONTH,
        unit="ETP",
        decimal_places=1,
        method="Registre du personnel au dernier jour du mois ; un contrat de 26 h compte 0,74.",
        sdg_goals=(8,),
        sdg_targets=("8.5",),
        subjects=((JARDINS, 1.0),),  # the gardens' integration workshop (ACI)
        base=11.5,
        growth=0.06,
        noise=0.04,
        uplift=0.02,
    ),
    Spec(
        code="EMP-05",
        name="Délai moyen avant un premier rendez-vous",
        definition=(
            "Jours entre la première prise de contact d'une personne et son premier entretien."
        ),
        aggregation=Aggregation.AVERAGE,
        frequency=Frequency.MONTH,
        unit="jours",
        direction=Direction.DECREASE,
        decimal_places=1,
        method=(
            "Jours calendaires entre la première demande (téléphone, formulaire, orientation par "
            "France Travail) et le premier entretien ; moyenne des personnes reçues dans le mois."
        ),
        sdg_goals=(10,),
        sdg_targets=("10.2",),
        subjects=((TRAIT, 1.0), (WORKSPACE, 1.0)),
        base=17,
        growth=-3.5,
        noise=1.8,
        spread=2,
        target_value=10,
    ),
    Spec(
        code="EMP-06",
        name="Offres d'emploi relayées",
        definition=(
            "Offres d'emploi et de stage transmises aux personnes accompagnées (un chiffre à "
            "suivre : il dépend surtout du marché du travail local)."
        ),
        aggregation=Aggregation.SUM,
        frequency=Frequency.QUARTER,
        unit="offres",
        direction=Direction.NONE,
        method="Offres diffusées sur la liste de l'alliance et en entretien, dédoublonnées.",
        sdg_goals=(8,),
        subjects=((TRAIT, 1.0), (WORKSPACE, 0.25)),
        base=160,
        growth=0.1,
        noise=0.12,
        uplift=None,
    ),
    # --- Urban gardens and food aid -----------------------------------------------------------
    Spec(
        code="ALI-01",
        name="Légumes récoltés",
        definition="Légumes et fruits récoltés sur les parcelles cultivées.",
        aggregation=Aggregation.SUM,
        frequency=Frequency.MONTH,
        unit="kg",
        method=(
            "Pesée des récoltes à la sortie des parcelles (balance du jardin), relevé "
            "hebdomadaire saisi par l'encadrant technique."
        ),
        external_codes="VALOR'ESS — utilité territoriale",
        sdg_goals=(2, 12),
        sdg_targets=("2.4",),
        subjects=((JARDINS, 1.0), (WORKSPACE, 0.15)),
        base=1300,
        growth=0.1,
        season="garden",
        noise=0.1,
    ),
    Spec(
        code="ALI-02",
        name="Colis alimentaires distribués",
        definition="Colis remis aux foyers orientés par les travailleurs sociaux.",
        aggregation=Aggregation.SUM,
        frequency=Frequency.MONTH,
        unit="colis",
        method="Registre de distribution signé par les bénéficiaires, compté chaque semaine.",
        sdg_goals=(1, 2),
        sdg_targets=("2.1", "1.4"),
        dimensions=(TERRITORY,),
        weights={TERRITORY: (58, 34, 8)},
        subjects=((JARDINS, 1.0), (WORKSPACE, 0.2)),
        base=380,
        growth=0.07,
        season="winter",
        uplift=0.03,
    ),
    Spec(
        code="ALI-03",
        name="Foyers aidés par l'aide alimentaire",
        definition=(
            "Foyers différents servis dans le mois (un chiffre à suivre : la demande, pas un "
            "objectif)."
        ),
        aggregation=Aggregation.SUM,
        frequency=Frequency.MONTH,
        unit="foyers",
        direction=Direction.NONE,
        method="Cartes de bénéficiaires présentées au moins une fois dans le mois.",
        sdg_goals=(1, 2),
        sdg_targets=("2.1",),
        dimensions=(TERRITORY, AUDIENCE),
        weights={TERRITORY: (60, 32, 8), AUDIENCE: (14, 38, 10, 38)},
        subjects=((JARDINS, 1.0), (WORKSPACE, 0.2)),
        base=140,
        growth=0.05,
        season="winter",
        uplift=None,
    ),
    Spec(
        code="ALI-04",
        name="Denrées perdues ou jetées",
        definition="Denrées déclassées : invendus non redistribuables et pertes de récolte.",
        aggregation=Aggregation.SUM,
        frequency=Frequency.QUARTER,
        unit="kg",
        direction=Direction.DECREASE,
        method="Pesée des denrées déclassées au local de stockage avant compostage.",
        external_codes="ODD 12.3.1",
        sdg_goals=(12,),
        sdg_targets=("12.3",),
        subjects=((JARDINS, 1.0), (WORKSPACE, 0.1)),
        base=260,
        growth=-0.2,
        noise=0.12,
        uplift=-0.15,
    ),
    Spec(
        code="ALI-05",
        name="Surface cultivée en agroécologie",
        definition="Surface des parcelles cultivées sans intrant de synthèse, au 31 décembre.",
        aggregation=Aggregation.LATEST,
        frequency=Frequency.YEAR,
        unit="m²",
        method="Plan des parcelles tenu par l'encadrant technique, mesuré au décamètre.",
        sdg_goals=(2, 15),
        sdg_targets=("2.4", "15.3"),
        subjects=((JARDINS, 1.0),),
        base=8200,
        growth=0.08,
        noise=0.02,
    ),
    # --- Digital inclusion -----------------------------------------------------------------
    Spec(
        code="NUM-01",
        name="Personnes formées au numérique depuis le début",
        definition=(
            "Personnes ayant suivi au moins un parcours complet d'initiation au numérique depuis "
            "le lancement du programme « Numérique pour tous » (2022) : un total cumulé."
        ),
        aggregation=Aggregation.CUMULATIVE,
        frequency=Frequency.MONTH,
        unit="personnes",
        method=(
            "Feuilles d'émargement des parcours (5 séances) ; une personne compte une fois, à la "
            "fin de son premier parcours."
        ),
        external_codes="ODD 4.4.1",
        sdg_goals=(4, 10),
        sdg_targets=("4.4", "10.2"),
        dimensions=(GENDER, AGE),
        weights={GENDER: (61, 37, 2), AGE: (2, 12, 48, 38)},
        subjects=((WORKSPACE, 1.0), (TRAIT, 0.6), (JARDINS, 0.4)),
        base=26,
        growth=0.15,
        season="school",
        noise=0.15,
        initial=340,
        uplift=0.04,
    ),
    Spec(
        code="NUM-02",
        name="Taux d'assiduité aux ateliers numériques",
        definition="Présences aux ateliers rapportées aux places réservées.",
        aggregation=Aggregation.RATIO,
        frequency=Frequency.MONTH,
        decimal_places=1,
        method="Numérateur : présences émargées. Dénominateur : places réservées.",
        sdg_goals=(4,),
        sdg_targets=("4.4",),
        subjects=((WORKSPACE, 1.0), (TRAIT, 0.5)),
        base=0.78,
        growth=0.02,
        noise=0.04,
        spread=0.03,
        denominator=120,
        season="school",
        target_value=85,
    ),
    Spec(
        code="NUM-03",
        name="Démarches administratives en ligne accompagnées",
        definition=(
            "Démarches faites avec une personne : CAF, impôts, France Travail, santé, "
            "titres de séjour."
        ),
        aggregation=Aggregation.SUM,
        frequency=Frequency.MONTH,
        unit="démarches",
        method="Fiche de passage remplie par l'aidant numérique à chaque démarche.",
        sdg_goals=(10, 16),
        sdg_targets=("10.2",),
        dimensions=(AGE,),
        weights={AGE: (3, 22, 50, 25)},
        subjects=((TRAIT, 1.0), (JARDINS, 0.5), (WORKSPACE, 0.3)),
        base=95,
        growth=0.18,
        season="school",
    ),
    Spec(
        code="NUM-04",
        name="Ordinateurs reconditionnés remis",
        definition="Ordinateurs reconditionnés donnés ou vendus à prix solidaire.",
        aggregation=Aggregation.SUM,
        frequency=Frequency.QUARTER,
        unit="ordinateurs",
        method="Bons de remise signés ; numéro de série relevé.",
        sdg_goals=(4, 12),
        sdg_targets=("12.5",),
        subjects=((WORKSPACE, 1.0),),
        base=42,
        growth=0.25,
        noise=0.15,
    ),
    # --- Volunteering ---------------------------------------------------------------------
    Spec(
        code="BEN-01",
        name="Bénévoles actifs dans l'alliance",
        definition=(
            "Bénévoles ayant donné au moins deux heures dans le trimestre, à l'une ou l'autre "
            "des associations (registre commun)."
        ),
        aggregation=Aggregation.LATEST,
        frequency=Frequency.QUARTER,
        unit="bénévoles",
        method="Registre commun des bénévoles au dernier jour du trimestre.",
        sdg_goals=(16, 17),
        sdg_targets=("16.7", "17.17"),
        dimensions=(GENDER, AGE),
        weights={GENDER: (58, 41, 1), AGE: (1, 14, 45, 40)},
        base=112,
        growth=0.1,
        noise=0.05,
    ),
    Spec(
        code="BEN-02",
        name="Heures de bénévolat",
        definition="Heures données par les bénévoles (jardins, distributions, ateliers).",
        aggregation=Aggregation.SUM,
        frequency=Frequency.MONTH,
        unit="heures",
        method="Heures déclarées par les bénévoles sur la feuille de présence de chaque activité.",
        external_codes="France Bénévolat — valorisation du bénévolat",
        sdg_goals=(17,),
        subjects=((JARDINS, 1.0), (TRAIT, 0.5), (WORKSPACE, 0.3)),
        base=620,
        growth=0.08,
        season="outdoor",
    ),
    Spec(
        code="BEN-03",
        name="Heures de bénévolat par bénévole actif",
        definition="Heures données dans le trimestre rapportées au nombre de bénévoles actifs.",
        aggregation=Aggregation.RATIO,
        frequency=Frequency.QUARTER,
        unit="heures par bénévole",
        decimal_places=1,
        ratio_as_percentage=False,
        method="Numérateur : heures de bénévolat du trimestre. Dénominateur : bénévoles actifs.",
        sdg_goals=(17,),
        subjects=((JARDINS, 1.0), (TRAIT, 0.55)),
        base=28,
        growth=1,
        noise=1.5,
        spread=2,
        denominator=64,
        target_value=30,
    ),
    # --- What the people met say ------------------------------------------------------------
    Spec(
        code="SAT-01",
        name="Satisfaction des personnes accompagnées",
        definition="Note de satisfaction donnée à la fin d'un accompagnement ou d'un atelier.",
        aggregation=Aggregation.AVERAGE,
        frequency=Frequency.QUARTER,
        unit="/10",
        decimal_places=1,
        method=(
            "Questionnaire anonyme (papier ou en ligne), note de 0 à 10 ; moyenne des réponses "
            "du trimestre, au moins 20 réponses par structure."
        ),
        sdg_goals=(3, 10),
        dimensions=(GENDER,),
        subjects=((TRAIT, 1.0), (JARDINS, 1.0), (WORKSPACE, 1.0)),
        base=7.6,
        growth=0.25,
        noise=0.2,
        spread=0.3,
        target_value=8,
    ),
    Spec(
        code="SAT-02",
        name="Paroles des personnes accompagnées",
        definition="Ce que les personnes disent de l'accompagnement, recueilli chaque trimestre.",
        aggregation=Aggregation.LATEST,
        frequency=Frequency.QUARTER,
        kind=Kind.QUALITATIVE,
        method="Entretiens de fin de parcours et cahier de liaison ; citations anonymisées.",
        sdg_goals=(10,),
        subjects=((TRAIT, 1.0), (JARDINS, 1.0), (WORKSPACE, 1.0)),
        texts=(
            "« Ici on m'a écoutée avant de me parler de CV. » Plusieurs personnes disent "
            "avoir repris confiance grâce aux ateliers collectifs.",
            "Les personnes apprécient de retrouver la même conseillère d'un rendez-vous à "
            "l'autre ; deux regrettent les délais d'attente de l'été.",
            "« Le jardin, c'est le seul endroit où je parle à des voisins. » Le lien social "
            "revient dans presque tous les entretiens.",
            "Les horaires des ateliers ne conviennent pas aux parents seuls : une demande de "
            "séances le mercredi matin revient souvent.",
            "Plusieurs participants demandent un suivi après l'embauche, les premières semaines "
            "en entreprise étant vécues comme difficiles.",
            "« J'ai fait ma déclaration d'impôts seule pour la première fois. » Fierté des "
            "personnes formées au numérique.",
            "Les personnes orientées par France Travail disent mieux comprendre ce que propose "
            "l'alliance depuis la plaquette commune.",
            "Les distributions du samedi sont jugées plus dignes depuis le passage au libre "
            "choix des produits.",
        ),
        target_text=(
            "Recueillir au moins trois témoignages par trimestre et les partager en comité de "
            "pilotage."
        ),
    ),
    # --- Partnerships -----------------------------------------------------------------------
    Spec(
        code="PAR-01",
        name="Partenaires sous convention",
        definition=(
            "Partenaires liés à l'alliance ou à l'une des associations par une convention en "
            "cours (entreprises, collectivités, fondations)."
        ),
        aggregation=Aggregation.LATEST,
        frequency=Frequency.QUARTER,
        unit="partenaires",
        method="Tableau des conventions signées et non échues au dernier jour du trimestre.",
        sdg_goals=(17,),
        sdg_targets=("17.17",),
        base=31,
        growth=0.15,
        noise=0.04,
    ),
    Spec(
        code="PAR-02",
        name="Projets menés en commun depuis la création de l'alliance",
        definition="Projets portés ensemble par les deux associations, depuis 2021 : un cumul.",
        aggregation=Aggregation.CUMULATIVE,
        frequency=Frequency.QUARTER,
        unit="projets",
        method="Un projet compte quand sa fiche commune est validée en comité de pilotage.",
        sdg_goals=(17,),
        sdg_targets=("17.17",),
        subjects=((WORKSPACE, 1.0),),
        base=1.2,
        growth=0.1,
        noise=0.4,
        initial=7,
        uplift=0.1,
    ),
    Spec(
        code="PAR-03",
        name="Bilan de la coopération",
        definition="Ce que l'année a appris sur la coopération entre les deux associations.",
        aggregation=Aggregation.LATEST,
        frequency=Frequency.YEAR,
        kind=Kind.QUALITATIVE,
        method="Séminaire annuel des deux équipes et des administrateurs, compte rendu validé.",
        sdg_goals=(17,),
        texts=(
            "Année de consolidation : la permanence commune à Saint-Étienne a fait ses preuves, "
            "le logiciel de suivi partagé est adopté par les deux équipes. Point de vigilance : "
            "la charge des coordinatrices, qui portent l'essentiel des projets communs.",
        ),
        target_text=(
            "Un bilan partagé par les deux conseils d'administration et une feuille de route "
            "commune pour l'année suivante."
        ),
    ),
    # --- Governance ---------------------------------------------------------------------
    Spec(
        code="GOV-01",
        name="Comités de pilotage communs tenus",
        definition="Réunions du comité de pilotage de l'alliance avec compte rendu diffusé.",
        aggregation=Aggregation.SUM,
        frequency=Frequency.QUARTER,
        unit="réunions",
        method="Comptes rendus archivés dans l'espace partagé.",
        sdg_goals=(16, 17),
        sdg_targets=("16.7",),
        subjects=((WORKSPACE, 1.0),),
        base=3,
        noise=0.2,
        uplift=0,
    ),
    Spec(
        code="GOV-02",
        name="Part des femmes dans les instances de gouvernance",
        definition="Femmes parmi les membres des conseils d'administration et du comité commun.",
        aggregation=Aggregation.RATIO,
        frequency=Frequency.YEAR,
        decimal_places=1,
        method="Composition des instances au 31 décembre (registre des délibérations).",
        external_codes="ODD 5.5.2",
        sdg_goals=(5,),
        sdg_targets=("5.5",),
        subjects=((JARDINS, 1.0), (TRAIT, 0.85), (WORKSPACE, 0.65)),
        base=0.45,
        growth=0.05,
        noise=0.03,
        spread=0.08,
        denominator=12,
        target_value=50,
    ),
    Spec(
        code="GOV-03",
        name="Participation aux assemblées générales",
        definition="Membres présents ou représentés à l'assemblée générale annuelle.",
        aggregation=Aggregation.RATIO,
        frequency=Frequency.YEAR,
        decimal_places=1,
        method=(
            "Numérateur : membres présents ou représentés (feuille d'émargement). "
            "Dénominateur : membres à jour de cotisation."
        ),
        sdg_goals=(16,),
        sdg_targets=("16.7",),
        subjects=((JARDINS, 1.0), (TRAIT, 0.65)),
        base=0.38,
        noise=0.03,
        spread=0.04,
        denominator=140,
        target_value=40,
    ),
)

#: (indicator code, subject, period key) → why nothing was measured.
NOT_MEASURED = {
    ("EMP-03", TRAIT, "2025-12"): (
        "Export de paie non disponible à la date de saisie (changement de prestataire de paie)."
    ),
    ("EMP-05", TRAIT, "2025-08"): (
        "Permanence fermée du 4 au 22 août : aucun premier rendez-vous à mesurer."
    ),
    ("NUM-02", WORKSPACE, "2025-08"): "Pas d'atelier numérique en août (fermeture estivale).",
    ("NUM-02", WORKSPACE, "2026-08"): "Pas d'atelier numérique en août (fermeture estivale).",
    ("SAT-01", JARDINS, "2025-Q3"): (
        "Questionnaires non passés : saison des récoltes, l'équipe était mobilisée sur les "
        "parcelles."
    ),
    ("ALI-01", JARDINS, "2026-01"): (
        "Balance en panne tout le mois : récoltes d'hiver (poireaux, choux) non pesées."
    ),
    ("BEN-02", TRAIT, "2026-02"): (
        "Feuilles de présence égarées pendant le déménagement du local ; reprise en mars."
    ),
}

NARRATIVES = {
    "EMP": (
        "Ouverture d'une permanence commune au centre social de Montreynaud.",
        "Deux job datings organisés avec les entreprises du parc d'activités du Pilat.",
        "Nouvelle convention avec France Travail : orientations plus nombreuses.",
        "Une conseillère en congé : rendez-vous espacés pendant trois semaines.",
        "Forte demande après la fermeture d'un atelier textile voisin.",
        "Recrutements saisonniers en logistique : plusieurs sorties rapides vers l'emploi.",
    ),
    "ALI": (
        "Mise en culture de la nouvelle parcelle de la rue des Tilleuls.",
        "Épisode de grêle fin juin : une partie des tomates perdue.",
        "Hausse des orientations par le CCAS après la hausse des prix de l'énergie.",
        "Collecte nationale de novembre : stock renforcé pour l'hiver.",
        "Partenariat avec deux supermarchés pour la récupération des invendus.",
        "Formation de l'équipe à la conservation (lacto-fermentation, bocaux).",
    ),
    "NUM": (
        "Dix ordinateurs prêtés par l'entreprise partenaire pour la salle d'atelier.",
        "Session spéciale « déclaration de revenus » en mai, très demandée.",
        "Un nouvel aidant numérique recruté en service civique.",
        "Ateliers délocalisés à la médiathèque de quartier le samedi.",
        "Panne du réseau du local pendant une semaine : ateliers reportés.",
    ),
    "BEN": (
        "Journée d'accueil des nouveaux bénévoles avec visite des jardins.",
        "Forte mobilisation pour les chantiers collectifs du printemps.",
        "Départ de plusieurs bénévoles étudiants en fin d'année universitaire.",
        "Partenariat avec une entreprise pour du mécénat de compétences.",
    ),
    "SAT": (
        "Taux de réponse en hausse depuis le questionnaire en ligne.",
        "Remarques récurrentes sur l'attente au téléphone.",
        "Les ateliers collectifs sont les mieux notés.",
    ),
    "PAR": (
        "Convention signée avec la communauté de communes pour trois ans.",
        "Un mécène a renouvelé son soutien pour deux ans.",
        "Fin de la convention avec un bailleur social, non renouvelée.",
    ),
    "GOV": (
        "Séminaire commun des deux conseils d'administration.",
        "Renouvellement partiel des conseils lors des assemblées générales.",
        "Ordre du jour consacré à la mutualisation des fonctions support.",
    ),
}


# --- the plan: what each followed indicator holds, computed from the seed alone ---------------


@dataclass
class PlannedMeasurement:
    start: date
    end: date
    data: dict
    breakdowns: dict = field(default_factory=dict)  # dimension index → value per category


@dataclass
class PlannedTarget:
    start: date
    end: date
    value: Decimal | None = None
    text: str = ""


def _years(start: date, end: date) -> float:
    """Years from START to the middle of the period."""
    return ((start - START).days + (end - start).days / 2) / 365.25


def _season(spec: Spec, start: date, end: date) -> float:
    """The mean seasonal factor of the months in the period (1 without a season)."""
    if not spec.season:
        return 1.0
    months = [m for m in range(1, 13) if start <= date(start.year, m, 15) <= end] or [start.month]
    return sum(SEASONS[spec.season][m - 1] for m in months) / len(months)


def _expected(spec: Spec, scale: float, start: date, end: date) -> float:
    """A flow's or a level's value for the period, without noise."""
    return spec.base * scale * (1 + spec.growth) ** _years(start, end) * _season(spec, start, end)


def _split(total: int, weights, rng: random.Random) -> list[int]:
    """Split an integer by slightly perturbed weights, parts adding up to it exactly."""
    drawn = [max(w * (1 + rng.gauss(0, 0.12)), 0.001) if w else 0.0 for w in weights]
    whole = sum(drawn)
    shares = [total * w / whole for w in drawn]
    parts = [int(s) for s in shares]
    order = sorted(range(len(shares)), key=lambda i: shares[i] - parts[i], reverse=True)
    for index in order[: total - sum(parts)]:
        parts[index] += 1
    return parts


def _quantise(value: float, places: int) -> Decimal:
    return Decimal(f"{value:.{places}f}")


def plan_measurements(
    spec: Spec, subject: str, scale: float, shown: list[tuple[date, date]]
) -> list[PlannedMeasurement]:
    """The measurements of one subject over `shown` (consecutive periods from START)."""
    rng = random.Random(f"{SEED}:{spec.code}:{subject}")  # noqa: S311 - demo data
    split_rng = random.Random(f"{SEED}:{spec.code}:{subject}:breakdowns")  # noqa: S311
    text_rng = random.Random(f"{SEED}:{spec.code}:{subject}:texts")  # noqa: S311
    offset = rng.uniform(-spec.spread, spec.spread)
    weights = {d: spec.weights.get(d, WEIGHTS[d]) for d in spec.dimensions}
    running = 0
    running_parts = {
        d: _split(round(spec.initial * scale), w, split_rng) for d, w in weights.items()
    }
    texts = list(spec.texts)
    text_rng.shuffle(texts)
    narratives = NARRATIVES.get(spec.code.split("-")[0], ())
    found = []
    for number, (start, end) in enumerate(shown):
        t = _years(start, end)
        breakdowns: dict = {}
        if spec.kind == Kind.QUALITATIVE:
            data = {"text_value": texts[number % len(texts)]}
        elif spec.aggregation in (Aggregation.SUM, Aggregation.CUMULATIVE):
            flow = max(
                0, round(_expected(spec, scale, start, end) * (1 + rng.gauss(0, spec.noise)))
            )
            parts = {d: _split(flow, w, split_rng) for d, w in weights.items()}
            if spec.aggregation == Aggregation.SUM:
                value, breakdowns = flow, parts
            else:
                running += flow
                value = round(spec.initial * scale) + running
                for d, values in parts.items():
                    running_parts[d] = [
                        a + b for a, b in zip(running_parts[d], values, strict=True)
                    ]
                breakdowns = {d: list(values) for d, values in running_parts.items()}
            data = {"value": Decimal(value)}
        elif spec.aggregation == Aggregation.LATEST:
            level = _expected(spec, scale, start, end) * (1 + rng.gauss(0, spec.noise))
            if spec.decimal_places:
                data = {"value": _quantise(max(level, 0), spec.decimal_places)}
            else:
                count = max(0, round(level))
                data = {"value": Decimal(count)}
                breakdowns = {d: _split(count, w, split_rng) for d, w in weights.items()}
        elif spec.aggregation == Aggregation.AVERAGE:
            level = spec.base + offset + spec.growth * t + rng.gauss(0, spec.noise)
            top = 10.0 if spec.unit == "/10" else float("inf")
            level = min(max(level, 1.0), top)
            data = {"value": _quantise(level, spec.decimal_places)}
            for d in weights:  # each category's own average, around the whole's
                breakdowns[d] = [
                    _quantise(
                        min(max(level + split_rng.gauss(0, 0.35), 0.0), top), spec.decimal_places
                    )
                    for _ in WEIGHTS[d]
                ]
        else:  # ratio
            season = _season(spec, start, end)
            denominator = max(1, round(spec.denominator * scale * season * (1 + rng.gauss(0, 0.1))))
            rate = spec.base + offset + spec.growth * t + rng.gauss(0, spec.noise)
            rate = min(max(rate, 0.02), 0.99) if spec.ratio_as_percentage else max(rate, 0.5)
            numerator = round(denominator * rate)
            data = {"numerator": Decimal(numerator), "denominator": Decimal(denominator)}
        reason = NOT_MEASURED.get(
            (spec.code, subject, periods.period_key(spec.frequency, start, end))
        )
        if reason:
            data, breakdowns = {"status": Measurement.Status.NOT_MEASURED, "narrative": reason}, {}
        else:
            if narratives and text_rng.random() < 0.25:
                data["narrative"] = text_rng.choice(narratives)
            if text_rng.random() < 0.3:
                key = periods.period_key(spec.frequency, start, end)
                data["evidence_url"] = (
                    f"https://example.org/{SUBJECT_SLUGS[subject]}/indicateurs/"
                    f"{spec.code.lower()}/{key}"
                )
        if breakdowns:
            breakdowns = {
                d: [v if isinstance(v, Decimal) else Decimal(v) for v in values]
                for d, values in breakdowns.items()
            }
        found.append(PlannedMeasurement(start, end, data, breakdowns))
    return found


def plan_targets(spec: Spec, scale: float, shown: list[tuple[date, date]]) -> list[PlannedTarget]:
    """The targets of one subject: constant, or the expected trend raised by `uplift`."""
    if spec.kind == Kind.QUALITATIVE:
        return [PlannedTarget(s, e, text=spec.target_text) for s, e in shown if spec.target_text]
    if spec.target_value is not None:
        value = _quantise(spec.target_value, spec.decimal_places)
        return [PlannedTarget(s, e, value) for s, e in shown]
    if spec.uplift is None:
        return []
    found = []
    running = spec.initial * scale
    for start, end in shown:
        expected = _expected(spec, scale, start, end) * (1 + spec.uplift)
        if spec.aggregation == Aggregation.CUMULATIVE:
            running += expected
            expected = running
        found.append(PlannedTarget(start, end, _quantise(expected, spec.decimal_places)))
    return found


# --- writing ---------------------------------------------------------------------------------


def _default_dimensions(workspace) -> dict[int, tuple[BreakdownDimension, list]]:
    """The workspace's default dimensions with their categories in the default order, found by
    their names in the site's language or in English (the catalogue may have changed since they
    were created); a dimension the workspace renamed or changed is left out."""
    services.breakdowns_ensure_defaults(workspace)

    def names(text) -> set[str]:
        found = set()
        for language in (settings.LANGUAGE_CODE, "en"):
            with override(language):
                found.add(str(text))
        return found

    dimensions = {d.name: d for d in BreakdownDimension.objects.filter(workspace=workspace)}
    categories = {
        (c.dimension_id, c.name): c for c in BreakdownCategory.objects.filter(workspace=workspace)
    }
    found = {}
    for index, (name, defaults) in enumerate(services.DEFAULT_DIMENSIONS):
        dimension = next((dimensions[n] for n in names(name) if n in dimensions), None)
        if dimension is None:
            continue
        row = [
            next(
                (
                    categories[(dimension.pk, n)]
                    for n in names(c)
                    if (dimension.pk, n) in categories
                ),
                None,
            )
            for c in defaults
        ]
        if all(row):
            for category in row:
                category.dimension = dimension
            found[index] = (dimension, row)
    return found


def _subjects(workspace) -> dict[str, int]:
    """The allied associations found in the registry, by demo key."""
    ids: dict[str, int] = {}
    actors = subjects.get_kind("actor").queryset(workspace).filter(name__in=ACTOR_NAMES.values())
    for name, pk in actors.order_by("pk").values_list("name", "pk"):
        ids.setdefault(name, pk)  # the first of two namesakes
    return {key: ids[name] for key, name in ACTOR_NAMES.items() if name in ids}


def _shares(spec: Spec, actors: dict[str, int]) -> dict[str, float]:
    """Each followed subject's scale; a missing association's share goes to the workspace."""
    shares: dict[str, float] = {}
    for subject, scale in spec.subjects:
        key = subject if subject == WORKSPACE or subject in actors else WORKSPACE
        shares[key] = shares.get(key, 0.0) + scale
    return shares


def seed(workspace, users, *, today: date | None = None) -> dict:
    """Create (or complete) the demo indicators of `workspace`; return what was created."""
    today = today or date.today()
    people = list(users.values()) if isinstance(users, dict) else list(users)
    author = people[0] if people else None
    measurers = {
        WORKSPACE: people[1 % len(people)] if people else None,
        JARDINS: people[2 % len(people)] if people else None,
        TRAIT: people[3 % len(people)] if people else None,
    }
    created = dict.fromkeys(("indicators", "tracked", "targets", "measurements", "breakdowns"), 0)
    with transaction.atomic():
        dimensions = _default_dimensions(workspace)
        actors = _subjects(workspace)
        codes = [spec.code for spec in SPECS]
        wanted_targets = {code for spec in SPECS for code in spec.sdg_targets}
        sdg_targets = {t.code: t for t in SdgTarget.objects.filter(code__in=wanted_targets)}
        indicators = {
            i.code: i
            for i in Indicator.objects.filter(workspace=workspace, code__in=codes).prefetch_related(
                "sdg_targets"
            )
        }
        for spec in SPECS:
            targets = [sdg_targets[c] for c in spec.sdg_targets if c in sdg_targets]
            indicator = indicators.get(spec.code)
            if indicator is None:
                indicators[spec.code] = services.indicator_create(
                    workspace=workspace,
                    user=author,
                    code=spec.code,
                    name=spec.name,
                    definition=spec.definition,
                    kind=spec.kind,
                    unit=spec.unit,
                    direction=spec.direction,
                    aggregation=spec.aggregation,
                    ratio_as_percentage=spec.ratio_as_percentage,
                    frequency=spec.frequency,
                    decimal_places=spec.decimal_places,
                    method=spec.method,
                    external_codes=spec.external_codes,
                    sdg_goals=spec.sdg_goals,
                    sdg_targets=targets,
                    dimensions=[dimensions[d][0] for d in spec.dimensions if d in dimensions],
                )
                created["indicators"] += 1
                created["tracked"] += 1  # followed for the workspace at once
            elif set(targets) - set(indicator.sdg_targets.all()):
                # The SDG reference was imported after the first run: link its targets.
                services.indicator_update(
                    indicator,
                    user=author,
                    expected_version=None,
                    sdg_targets=[*indicator.sdg_targets.all(), *targets],
                )

        tracks = {
            (t.indicator_id, t.subject_kind, t.subject_id): t
            for t in TrackedIndicator.objects.filter(
                workspace=workspace, indicator__code__in=codes
            ).select_related("indicator")
        }
        followed = []  # (spec, subject, scale, tracked)
        for spec in SPECS:
            indicator = indicators[spec.code]
            for subject, scale in _shares(spec, actors).items():
                kind, pk = (
                    (subjects.WORKSPACE, None)
                    if subject == WORKSPACE
                    else ("actor", actors[subject])
                )
                tracked = tracks.get((indicator.pk, kind, pk))
                if tracked is None:
                    tracked = services.indicator_track(
                        indicator,
                        user=author,
                        subject_kind=kind,
                        subject_id=pk,
                        note=SUBJECT_NOTES.get(subject, ""),
                    )
                    created["tracked"] += 1
                tracked.indicator = indicator
                followed.append((spec, subject, scale, tracked))

        tracked_ids = [t.pk for *_rest, t in followed]
        known_targets = set(
            Target.objects.filter(tracked_id__in=tracked_ids).values_list(
                "tracked_id", "period_start", "period_end"
            )
        )
        known_measurements = set(
            Measurement.objects.filter(tracked_id__in=tracked_ids).values_list(
                "tracked_id", "period_start", "period_end"
            )
        )
        new_targets, new_measurements, new_breakdowns = [], [], []
        target_end = date(today.year, 12, 31)
        for spec, subject, scale, tracked in followed:
            measured = [
                p for p in periods.periods_between(spec.frequency, START, today) if p[1] < today
            ]
            for planned in plan_targets(
                spec, scale, periods.periods_between(spec.frequency, START, target_end)
            ):
                if (tracked.pk, planned.start, planned.end) in known_targets:
                    continue
                periods.check_period(spec.frequency, planned.start, planned.end)
                fields = services.target_fields(tracked, planned.value, planned.text)
                target = Target(
                    workspace=workspace,
                    created_by=author,
                    tracked=tracked,
                    indicator_id=tracked.indicator_id,
                    period_start=planned.start,
                    period_end=planned.end,
                    **fields,
                )
                new_targets.append(target)
            for planned in plan_measurements(spec, subject, scale, measured):
                if (tracked.pk, planned.start, planned.end) in known_measurements:
                    continue
                periods.check_period(spec.frequency, planned.start, planned.end)
                values = {
                    category: value
                    for d, parts in planned.breakdowns.items()
                    if d in dimensions
                    for category, value in zip(dimensions[d][1], parts, strict=True)
                    if value or not tracked.indicator.is_additive
                }
                fields = services.measurement_fields(
                    tracked, {**planned.data, "breakdowns": values}
                )
                values = services.checked_breakdowns(tracked, fields["value"], values)
                measurement = Measurement(
                    workspace=workspace,
                    created_by=author,
                    tracked=tracked,
                    indicator_id=tracked.indicator_id,
                    period_start=planned.start,
                    period_end=planned.end,
                    measured_by=measurers[subject],
                    measured_on=min(planned.end + timedelta(days=3 + planned.end.day % 17), today),
                    **fields,
                )
                new_measurements.append(measurement)
                new_breakdowns.append(values)
        for row in (*new_targets, *new_measurements):
            row.full_clean(
                exclude=["workspace", "created_by", "tracked", "indicator", "measured_by"],
                validate_unique=False,
                validate_constraints=False,
            )
        Target.objects.bulk_create(new_targets, batch_size=500)
        Measurement.objects.bulk_create(new_measurements, batch_size=500)
        breakdown_rows = [
            MeasurementBreakdown(
                workspace=workspace,
                created_by=author,
                measurement_id=measurement.pk,
                category=category,
                value=value,
            )
            for measurement, values in zip(new_measurements, new_breakdowns, strict=True)
            for category, value in values.items()
        ]
        MeasurementBreakdown.objects.bulk_create(breakdown_rows, batch_size=1000)
        created["targets"] = len(new_targets)
        created["measurements"] = len(new_measurements)
        created["breakdowns"] = len(breakdown_rows)
    return created
