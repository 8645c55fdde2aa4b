"""Fictional demo partnerships for `manage.py seed_demo`: eight alliances of the demo workspace.

Runs after `ecosystem.demo`, `impact.demo` and `finance.demo` (INSTALLED_APPS order): members
are actors of the demo registry ("Les Jardins du Lien", "Trait d'Union Emploi" and organisations
picked by profile, preferably in the Loire and the Rhône), results are the demo's impact
indicators followed for the partnership (`impact.services`), and two finance projects are tied
to their partnership.

The eight cover every stage and status (seed 001 lifecycle): a shared venue (tiers-lieu) in
04 Deploy, a co-built skatepark and open stage and a skills-sponsorship programme in
03 Experiment, a PTCE paused in 03 Experiment, an advocacy alliance against food waste and a
coopetition of reuse shops in 02 Frame, a consortium answering a call that ended in 02 Frame,
and a PAT food plan still in 01 Meet. Stages are reached only through recorded gate decisions
(`services.lifecycle.record_gate_decision`); health lights come from 2–4 checklist reviews
(`services.checklists.refresh_health`), evaluation scores from 1–3 evaluations
(`services.evaluations.refresh_evaluation`). The skills-sponsorship is shared with the demo's
guest, Inès Garnier, speaking for the partner company.

Everything is invented. Deterministic and idempotent: a partnership is found by name; one that
exists is left alone, so running the demo twice adds nothing.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from maillage.core.services import tenant_create, tenant_update
from maillage.ecosystem.models import Actor
from maillage.workspaces.models import Membership, Role

from .checklists import ITEMS
from .choices import DEFAULT_KINDS, Dimension, MemberRole, Outcome, Side
from .models import (
    ActionItem,
    AxisResult,
    CanvasEntry,
    ChecklistAnswer,
    ChecklistReview,
    Evaluation,
    EvaluationScore,
    ExperimentPlan,
    FitExpectation,
    GovernanceRole,
    MasterPlan,
    Meeting,
    MeetingDecision,
    Milestone,
    Partnership,
    PartnershipGuest,
    PartnershipKind,
    PartnershipMember,
    Risk,
    Ritual,
    WorkAxis,
)
from .services.checklists import refresh_health
from .services.evaluations import refresh_evaluation
from .services.kinds import kinds_ensure_defaults
from .services.lifecycle import record_gate_decision

YEAR = 2025  # the reference year of the demo (the finance demo's books)
GUEST_EMAIL = "ines.garnier@demo.maillage.fr"
GUEST_NAME = "Inès Garnier"
D = date

# Actors of the demo registry: key → (profiles, how many to pick). "jardins" and "trait" are
# found by name; the others are the first by name of their profile in the Loire or the Rhône.
LOCAL = ("42", "69")
NAMED = {"jardins": "Les Jardins du Lien", "trait": "Trait d'Union Emploi"}
PICKS = {
    "public_commune": ["commune1", "commune2"],
    "public_epci": ["epci1", "epci2"],
    "public_department": ["department"],
    "company_ge": ["company_ge"],
    "company_pme": ["pme1", "pme2"],
    "company_tpe": ["tpe1", "tpe2"],
    "ess_enterprise": ["ess1", "ess2", "ess3", "ess4", "ess5"],
    "foundation": ["foundation"],
    "association_large": ["federation"],
    "intermediary": ["network1", "network2"],
    "association_volunteer": ["volunteers1", "volunteers2", "volunteers3"],
    "academic": ["lab"],
}
SIDE_OF_PROFILE = {
    "association": Side.ASSOCIATION,
    "ess_": Side.ASSOCIATION,
    "company": Side.COMPANY,
    "public": Side.AUTHORITY,
}

# A checklist review's answers: one digit per item of `checklists.ITEMS`, in order
# (0 no, 1 partly, 2 yes). Points / 36 gives the risk score: green < 20 %, red >= 45 %.
ANSWER_CODES = {"0": "no", "1": "partly", "2": "yes"}


def _kind_index(key: str) -> int:
    return [k for k, _label in DEFAULT_KINDS].index(key)


# --- the eight partnerships ---------------------------------------------------------------------

PARTNERSHIPS = [
    {
        "name": "Tiers-lieu La Fabrique des Buers",
        "kind": "community",
        "summary": (
            "Un ancien groupe scolaire mis à disposition par la commune devient un tiers-lieu "
            "partagé : jardin pédagogique, café associatif, permanences emploi, atelier de "
            "réparation d'ordinateurs et salle pour les habitants. Les deux associations de "
            "l'alliance y mutualisent accueil, locaux et bénévoles."
        ),
        "objectives": ["pool", "resources", "beneficiaries", "visibility"],
        "levels": ["operations", "downstream", "support"],
        "start": D(2025, 1, 15),
        "coordinator": 0,
        "finance_project": "JARDINS",
        "members": [
            ("jardins", MemberRole.LEAD, "Porte le bail, anime le jardin et le café associatif."),
            ("trait", MemberRole.PARTNER, "Tient deux permanences emploi par semaine sur place."),
            ("commune1", MemberRole.PARTNER, "Met l'ancienne école à disposition (bail de 6 ans)."),
            ("ess2", MemberRole.PARTNER, "Anime l'atelier de reconditionnement d'ordinateurs."),
        ],
        "decisions": [
            (
                D(2025, 2, 11),
                Outcome.GO,
                "Claire Martin\nKarim Benali\nÉlodie Faure (adjointe à la vie associative)",
                "Les quatre structures partagent le constat d'un quartier sans lieu d'accueil "
                "ouvert ; la commune confirme la disponibilité de l'école. On cadre le projet.",
                None,
                [("Motivations et freins de chaque partenaire partagés", True)],
            ),
            (
                D(2025, 5, 20),
                Outcome.GO,
                "Claire Martin\nKarim Benali\nÉlodie Faure\nDamien Rey (SCIC)",
                "Convention d'occupation signée, planning d'occupation partagé validé : on "
                "ouvre le lieu à l'essai pendant six mois.",
                None,
                [
                    ("Convention d'occupation signée", True),
                    ("Budget d'aménagement bouclé", True),
                    ("Assurance commune souscrite", False),
                ],
            ),
            (
                D(2025, 11, 18),
                Outcome.POSTPONE,
                "Claire Martin\nKarim Benali",
                "Le bilan chiffré de l'atelier numérique n'est pas prêt : on décide au comité "
                "de décembre.",
                D(2025, 12, 16),
                [],
            ),
            (
                D(2025, 12, 16),
                Outcome.GO,
                "Claire Martin\nKarim Benali\nÉlodie Faure\nDamien Rey (SCIC)",
                "Les résultats à six mois sont atteints ou presque ; la fréquentation dépasse "
                "les attentes. On déploie : ouverture cinq jours sur sept et gouvernance "
                "partagée en SCIC à l'étude.",
                None,
                "results",
            ),
        ],
        "experiment": {
            "tests": ["simple_actions", "joint_offer"],
            "tools": ["event", "workshop", "masterplan"],
            "description": (
                "Six mois d'ouverture trois jours par semaine : café associatif, permanences "
                "emploi et atelier numérique sous le même toit, un seul accueil."
            ),
            "criteria": (
                "150 passages par mois au tiers-lieu\n"
                "Planning d'occupation respecté par les quatre structures\n"
                "Un comité de pilotage par trimestre"
            ),
            "start": D(2025, 6, 2),
            "end": D(2025, 12, 12),
            "learnings": (
                "Un accueil unique simplifie la vie des habitants ; le ménage et les clés "
                "demandent une règle écrite ; l'atelier numérique attire un public nouveau."
            ),
        },
        "masterplan": {
            "starts_on": D(2025, 7, 1),
            "purpose": (
                "Offrir au quartier des Buers un lieu ouvert où l'on vient jardiner, se "
                "former, chercher un emploi et se rencontrer."
            ),
            "v6": "Le lieu ouvre trois jours par semaine avec un accueil commun.",
            "v1": "Ouverture cinq jours sur sept, 200 passages par mois.",
            "v3": "Le tiers-lieu est géré par une SCIC associant habitants et commune.",
            "processes": (
                "Décisions au comité de pilotage trimestriel, au consensus ; charges "
                "réparties au prorata des heures d'occupation ; une lettre mensuelle commune."
            ),
            "axes": [
                ("Atelier numérique", "NUM-04", "Ordinateurs remis, d'après le registre."),
                ("Gouvernance partagée", "GOV-01", "Comptes rendus des comités."),
            ],
        },
        "reviews": [
            (D(2025, 6, 30), "011101100011100000", "Premier point après l'ouverture."),
            (D(2025, 12, 10), "000100100011000000", "Règles d'occupation écrites."),
            (D(2026, 6, 30), "000000000010000000", "Fonctionnement rodé."),
        ],
        "evaluations": [
            (D(2025, 12, 5), "Fin de l'expérimentation", {"association": 4, "authority": 4}),
            (D(2026, 6, 25), "Six mois de déploiement", {"association": 5, "authority": 4}),
        ],
    },
    {
        "name": "Skatepark et scène ouverte du parc Mandela",
        "kind": "cooperation",
        "summary": (
            "Co-construire avec les jeunes un skatepark et une scène ouverte au parc "
            "Mandela : chantiers participatifs, programmation culturelle l'été, encadrement "
            "par les clubs. La commune porte l'investissement, les associations l'animation."
        ),
        "objectives": ["innovate", "beneficiaries", "common_front"],
        "levels": ["context", "operations", "downstream"],
        "start": D(2025, 2, 1),
        "coordinator": 1,
        "members": [
            ("commune2", MemberRole.LEAD, "Maître d'ouvrage, finance 70 % de l'équipement."),
            ("volunteers1", MemberRole.PARTNER, "Club de glisse : encadre les sessions."),
            ("volunteers2", MemberRole.PARTNER, "Programme la scène ouverte l'été."),
            ("tpe1", MemberRole.PARTNER, "Construit les modules avec les jeunes en chantier."),
            ("epci1", MemberRole.FUNDER, "Fonds de concours jeunesse (30 %)."),
        ],
        "decisions": [
            (
                D(2025, 3, 4),
                Outcome.GO,
                "Karim Benali\nHugo Vidal (commune)\nZoé Marchand (club de glisse)",
                "Trois ateliers avec 45 jeunes ont confirmé l'envie d'un lieu de glisse et de "
                "scène ; chacun sait ce qu'il apporte.",
                None,
                [("Besoins des jeunes recueillis", True)],
            ),
            (
                D(2025, 9, 23),
                Outcome.GO,
                "Karim Benali\nHugo Vidal (commune)\nZoé Marchand\nFarid Caron (entreprise)",
                "Le plan et le budget sont validés en conseil municipal ; on teste un premier "
                "module et deux soirées de scène ouverte avant le chantier complet.",
                None,
                [
                    ("Délibération du conseil municipal", True),
                    ("Règlement d'usage co-écrit avec les jeunes", False),
                ],
            ),
        ],
        "next_gate_on": D(2027, 3, 16),
        "experiment": {
            "tests": ["simple_actions", "shared_vision"],
            "tools": ["workshop", "event", "focus_group"],
            "description": (
                "Un premier module construit en chantier participatif et deux soirées de "
                "scène ouverte ; les jeunes évaluent avec les clubs."
            ),
            "criteria": "30 jeunes au chantier\nZéro incident grave\nDeux soirées tenues",
            "start": D(2025, 10, 1),
            "end": D(2026, 6, 30),
            "learnings": "",
        },
        "masterplan": {
            "starts_on": D(2026, 1, 1),
            "purpose": "Donner aux jeunes du quartier un lieu à eux, construit avec eux.",
            "v6": "Premier module ouvert, encadrement le mercredi et le samedi.",
            "v1": "Skatepark complet et scène ouverte chaque vendredi d'été.",
            "v3": "Un événement régional de glisse et de musique chaque année.",
            "late": True,
            "processes": "Comité mensuel ; la commune paie les fournisseurs sur devis validé.",
            "axes": [
                ("Chantier participatif", "BEN-01", "Feuilles de présence des chantiers."),
                ("Pilotage commun", "GOV-01", "Comptes rendus des comités."),
            ],
        },
        "reviews": [
            (D(2025, 10, 15), "000110000001100000", "Démarrage enthousiaste."),
            (D(2026, 3, 10), "001110100111100000", "Retards du fournisseur de béton."),
            (D(2026, 9, 15), "011111100111100000", "Tensions sur les horaires d'ouverture."),
        ],
        "evaluations": [
            (D(2026, 7, 7), "Bilan du premier été", {"authority": 3, "association": 4}),
        ],
    },
    {
        "name": "Alliance Zéro Gaspi Rhône-Loire",
        "kind": "advocacy",
        "summary": (
            "Une alliance de plaidoyer contre le gaspillage alimentaire : données communes "
            "sur les invendus, campagne auprès des collectivités pour la restauration "
            "collective, et une charte de dons pour les commerces."
        ),
        "objectives": ["common_front", "visibility", "resilience"],
        "levels": ["context", "upstream"],
        "start": D(2025, 4, 1),
        "coordinator": 0,
        "finance_project": "ALIM",
        "members": [
            ("jardins", MemberRole.LEAD, "Fournit les données de l'épicerie anti-gaspillage."),
            ("federation", MemberRole.PARTNER, "Porte la campagne au niveau régional."),
            ("network1", MemberRole.FACILITATOR, "Anime les groupes de travail."),
            ("foundation", MemberRole.FUNDER, "Finance l'étude sur les invendus (15 000 €)."),
            ("pme1", MemberRole.PARTNER, "Grossiste : ouvre ses données d'invendus."),
        ],
        "decisions": [
            (
                D(2025, 6, 17),
                Outcome.GO,
                "Claire Martin\nValérie Tessier (fédération)\nPascal Giraud (réseau)",
                "Constat partagé et trois messages communs identifiés : on cadre la campagne.",
                None,
                [("Trois messages communs écrits", True)],
            ),
            (
                D(2026, 10, 6),
                Outcome.POSTPONE,
                "Claire Martin\nValérie Tessier\nPascal Giraud",
                "L'étude sur les invendus n'est pas terminée ; la campagne attendra ses chiffres.",
                D(2027, 1, 19),
                [("Étude sur les invendus livrée", False)],
            ),
        ],
        "experiment": {
            "tests": ["shared_vision"],
            "tools": ["webinar", "marketing", "vision_values"],
            "description": "Un webinaire et une note commune aux élus, avant la campagne.",
            "criteria": "Note signée par les cinq membres\n50 élus au webinaire",
            "start": D(2027, 2, 1),
            "end": D(2027, 6, 30),
            "learnings": "",
        },
        "reviews": [
            (D(2025, 9, 30), "001100011101100000", "Rythme lent des réunions."),
            (D(2026, 9, 29), "001000111101100100", "Étude en retard."),
        ],
        "evaluations": [],
    },
    {
        "name": "Mécénat de compétences « Cap Numérique »",
        "kind": "patronage",
        "summary": (
            "Des salariés volontaires d'un groupe énergétique donnent deux jours par mois "
            "pour former au numérique les personnes accompagnées vers l'emploi et "
            "reconditionner les ordinateurs que le groupe renouvelle."
        ),
        "objectives": ["resources", "beneficiaries", "pool"],
        "levels": ["operations", "support"],
        "start": D(2025, 3, 1),
        "coordinator": 1,
        "guest_member": "company_ge",
        "members": [
            ("trait", MemberRole.LEAD, "Accueille les ateliers et oriente les participants."),
            ("company_ge", MemberRole.PARTNER, "12 salariés volontaires, 300 ordinateurs par an."),
            ("network2", MemberRole.FACILITATOR, "Plateforme de mécénat : cadre la convention."),
        ],
        "decisions": [
            (
                D(2025, 3, 25),
                Outcome.GO,
                "Karim Benali\nInès Garnier (entreprise)\nQuentin Lambert (plateforme)",
                "L'entreprise cherche du sens pour ses salariés, l'association des formateurs : "
                "les attentes se rejoignent.",
                None,
                [("Attentes de chaque côté écrites", True)],
            ),
            (
                D(2025, 9, 2),
                Outcome.GO,
                "Karim Benali\nInès Garnier (entreprise)",
                "Convention de mécénat signée ; trois mois d'ateliers à l'essai.",
                None,
                [("Convention de mécénat signée", True), ("Douze volontaires inscrits", True)],
            ),
            (
                D(2026, 9, 29),
                Outcome.NO_GO,
                "Karim Benali\nInès Garnier (entreprise)\nQuentin Lambert (plateforme)",
                "Les ateliers marchent mais le reconditionnement reste en deçà de l'objectif : "
                "on reste en expérimentation une saison de plus avant d'élargir.",
                None,
                "results",
            ),
        ],
        "next_gate_on": D(2027, 1, 26),
        "experiment": {
            "tests": ["joint_offer", "simple_actions"],
            "tools": ["workshop", "online_group", "masterplan"],
            "description": "Ateliers numériques animés en binôme salarié-formateur.",
            "criteria": "80 personnes formées\n150 ordinateurs remis\n10 volontaires fidèles",
            "start": D(2025, 10, 1),
            "end": D(2026, 12, 31),
            "learnings": "Les binômes fonctionnent ; la logistique des ordinateurs coince.",
        },
        "masterplan": {
            "starts_on": D(2026, 1, 1),
            "purpose": "Que personne ne reste à l'écart de l'emploi faute de numérique.",
            "v6": "Deux ateliers par mois, 150 ordinateurs remis.",
            "v1": "Un parcours numérique complet dans chaque accompagnement.",
            "v3": "Le programme s'ouvre à deux autres entreprises du territoire.",
            "behind": ("Reconditionnement",),
            "processes": "Convention annuelle ; bilan trimestriel co-signé ; reçu fiscal.",
            "axes": [
                ("Reconditionnement", "NUM-04", "Bons de remise signés."),
                ("Retour à l'emploi", "EMP-06", "Offres relayées aux participants."),
            ],
        },
        "reviews": [
            (D(2025, 12, 15), "000100000001000000", "Bon démarrage."),
            (D(2026, 6, 15), "000100000101000000", "Volontaires moins disponibles l'été."),
            (D(2026, 11, 10), "000000000101000000", "Rythme retrouvé."),
        ],
        "evaluations": [
            (D(2026, 1, 20), "Bilan des trois mois d'essai", {"association": 4, "company": 3}),
            (D(2026, 9, 22), "Bilan annuel", {"association": 4, "company": 4}),
        ],
    },
    {
        "name": "PTCE Rhône-Forez Coopérations",
        "kind": "economic_cooperation",
        "summary": (
            "Un pôle territorial de coopération économique autour du réemploi et de "
            "l'insertion : achats groupés, mutualisation d'un local logistique et d'un "
            "chargé de développement entre une SCIC, des entreprises et la communauté de "
            "communes."
        ),
        "objectives": ["pool", "resilience", "innovate"],
        "levels": ["upstream", "operations", "support"],
        "start": D(2025, 1, 10),
        "coordinator": 2,
        "members": [
            ("ess3", MemberRole.LEAD, "SCIC porteuse : emploie le chargé de développement."),
            ("epci2", MemberRole.FUNDER, "Finance 40 % du poste de coordination."),
            ("pme2", MemberRole.PARTNER, "Partage son entrepôt et ses achats."),
            ("lab", MemberRole.PARTNER, "Évalue les effets sur l'emploi local."),
            ("jardins", MemberRole.PARTNER, "Apporte ses débouchés en circuit court."),
        ],
        "decisions": [
            (
                D(2025, 2, 25),
                Outcome.GO,
                "Sophie Leroy\nAmandine Perrin (SCIC)\nLaurent Morel (communauté de communes)",
                "Cinq structures prêtes à mutualiser ; l'intercommunalité suit.",
                None,
                [],
            ),
            (
                D(2025, 7, 8),
                Outcome.GO,
                "Sophie Leroy\nAmandine Perrin (SCIC)\nLaurent Morel",
                "Poste de coordination financé pour un an : on teste les achats groupés.",
                None,
                [("Financement du poste acquis", True)],
            ),
            (
                D(2026, 5, 12),
                Outcome.PAUSE,
                "Sophie Leroy\nAmandine Perrin (SCIC)\nLaurent Morel",
                "Départ du chargé de développement et subvention intercommunale gelée au "
                "budget 2026 : on met le pôle en pause le temps de retrouver un financement.",
                None,
                [("Poste de coordination pourvu", False)],
            ),
        ],
        "experiment": {
            "tests": ["joint_offer"],
            "tools": ["workshop", "masterplan"],
            "description": "Achats groupés d'emballages et partage de l'entrepôt pendant un an.",
            "criteria": "15 % d'économies sur les achats\nEntrepôt occupé à 70 %",
            "start": D(2025, 9, 1),
            "end": D(2026, 8, 31),
            "learnings": "",
        },
        "masterplan": {
            "starts_on": D(2025, 10, 1),
            "purpose": "Créer de l'emploi local en coopérant plutôt qu'en se concurrençant.",
            "v6": "Achats groupés en place, entrepôt partagé.",
            "v1": "Une offre commune de réemploi aux collectivités.",
            "v3": "Dix emplois créés dans le pôle.",
            "behind": ("Emploi local",),
            "late": True,
            "processes": "Comité mensuel ; refacturation trimestrielle de l'entrepôt.",
            "axes": [("Emploi local", "EMP-06", "Offres diffusées par le pôle.")],
        },
        "reviews": [
            (D(2025, 10, 20), "000101100101100000", "Coordination lourde."),
            (D(2026, 4, 20), "011111102211110111", "Départ annoncé du coordinateur."),
            (D(2026, 10, 20), "121121102212110212", "Pause : financement à retrouver."),
        ],
        "evaluations": [
            (D(2026, 4, 28), "Point d'étape", {"association": 2, "authority": 3, "company": 2}),
        ],
    },
    {
        "name": "PAT des Monts du Forez — Manger local et solidaire",
        "kind": "sector_cooperation",
        "summary": (
            "Le projet alimentaire territorial de la communauté de communes : producteurs, "
            "associations d'aide alimentaire et cantines cherchent comment faire entrer les "
            "produits locaux dans l'aide alimentaire et la restauration scolaire."
        ),
        "objectives": ["common_front", "beneficiaries", "resilience"],
        "levels": ["context", "upstream", "downstream"],
        "start": D(2026, 6, 1),
        "coordinator": 3,
        "members": [
            ("epci2", MemberRole.LEAD, "Porte le PAT et son animation."),
            ("jardins", MemberRole.PARTNER, "Épicerie solidaire et jardins : débouchés."),
            ("volunteers3", MemberRole.PARTNER, "Distribution alimentaire bénévole."),
            ("tpe2", MemberRole.PARTNER, "Producteur maraîcher en vente directe."),
            ("department", MemberRole.FACILITATOR, "Apporte le diagnostic agricole."),
        ],
        "decisions": [
            (
                D(2026, 10, 20),
                Outcome.POSTPONE,
                "Lucas Moreau\nLaurent Morel (communauté de communes)",
                "Le diagnostic agricole du Département sort en janvier : on décidera du cadre "
                "après l'avoir lu ensemble.",
                D(2027, 2, 2),
                [("Diagnostic agricole partagé", False)],
            ),
        ],
        "reviews": [
            (D(2026, 7, 10), "001000000011000000", "Premières rencontres."),
            (D(2026, 11, 17), "001000001011100000", "Calendriers différents."),
        ],
        "evaluations": [],
    },
    {
        "name": "Consortium « Jeunes en parcours » — appel FSE+ 2026",
        "kind": "consortium",
        "summary": (
            "Un consortium monté pour répondre à l'appel à projets FSE+ « inclusion des "
            "jeunes » : parcours communs entre accompagnement, jardin d'insertion et "
            "entreprise d'insertion. La candidature n'a pas été retenue."
        ),
        "objectives": ["resources", "beneficiaries"],
        "levels": ["operations", "downstream"],
        "start": D(2025, 9, 1),
        "end": D(2026, 3, 31),
        "coordinator": 1,
        "members": [
            ("trait", MemberRole.LEAD, "Chef de file, dépose la candidature."),
            ("jardins", MemberRole.PARTNER, "Jardin d'insertion : 12 places."),
            ("ess4", MemberRole.PARTNER, "Entreprise d'insertion : mises en situation."),
        ],
        "decisions": [
            (
                D(2025, 10, 14),
                Outcome.GO,
                "Karim Benali\nClaire Martin\nSamuel Dufour (entreprise d'insertion)",
                "L'appel correspond à nos parcours : on cadre la candidature commune.",
                None,
                [("Répartition des rôles validée", True)],
            ),
            (
                D(2026, 3, 31),
                Outcome.END,
                "Karim Benali\nClaire Martin\nSamuel Dufour",
                "Candidature non retenue (classée 7e pour 5 lauréats). Les parcours croisés "
                "continuent hors consortium ; le consortium est clos.",
                None,
                [("Candidature retenue", False)],
            ),
        ],
        "reviews": [
            (D(2026, 1, 12), "000100011011100110", "Course contre la montre pour le dépôt."),
            (D(2026, 3, 30), "000101011111100110", "Déception après le refus."),
        ],
        "evaluations": [
            (D(2026, 4, 14), "Bilan de clôture", {"association": 3}),
        ],
    },
    {
        "name": "Coopétition du réemploi solidaire",
        "kind": "coopetition",
        "summary": (
            "Deux coopératives du réemploi, concurrentes sur les appels d'offres des "
            "collectivités, testent une collecte commune des encombrants et une boutique "
            "partagée, sans renoncer à leurs réponses séparées ailleurs."
        ),
        "objectives": ["pool", "resilience"],
        "levels": ["upstream", "operations"],
        "start": D(2025, 11, 3),
        "coordinator": 2,
        "members": [
            ("ess1", MemberRole.LEAD, "Propose la tournée de collecte commune."),
            ("ess5", MemberRole.PARTNER, "Apporte son camion et sa boutique."),
            ("network1", MemberRole.FACILITATOR, "Médiation et animation neutre."),
        ],
        "decisions": [
            (
                D(2026, 2, 10),
                Outcome.GO,
                "Sophie Leroy\nNicolas Brunet (coopérative)\nYasmine Roussel (coopérative)",
                "Les deux structures acceptent d'ouvrir leurs chiffres de collecte ; on cadre "
                "malgré la méfiance réciproque.",
                None,
                [("Accord de confidentialité signé", True)],
            ),
        ],
        "next_gate_on": D(2027, 1, 12),
        "reviews": [
            (D(2026, 3, 16), "112121011212110111", "Méfiance forte."),
            (D(2026, 6, 15), "112111011211110111", "Un peu mieux après la médiation."),
            (D(2026, 10, 12), "112011011211110111", "Appel d'offres commun refusé par l'une."),
        ],
        "evaluations": [],
    },
]

CANVAS = {
    # partnership name → [(member actor key, section, level, text, figures, qualifier)]
    "Tiers-lieu La Fabrique des Buers": [
        ("jardins", "objective", "downstream", "Accueillir plus d'habitants au jardin",
         "300 habitants différents par an d'ici 2027", ""),
        ("jardins", "blocking_point", "support", "Pas de local chauffé pour l'hiver", "",
         "internal"),
        ("jardins", "need", "support", "Une salle d'activité de 60 m²", "", "in_network"),
        ("trait", "objective", "downstream", "Être présent là où vivent les demandeurs "
         "d'emploi", "2 permanences par semaine", ""),
        ("trait", "opportunity", "operations", "Orienter les participants vers le jardin "
         "d'insertion", "", ""),
        ("commune1", "objective", "context", "Redonner vie à une école fermée", "", ""),
        ("commune1", "blocking_point", "context", "Normes d'accueil du public à revoir",
         "", "external"),
        ("ess2", "need", "upstream", "Un gisement régulier d'ordinateurs", "", "to_find"),
    ],
    "Alliance Zéro Gaspi Rhône-Loire": [
        ("jardins", "objective", "context", "Faire évoluer la commande publique des cantines",
         "3 collectivités signataires en 2027", ""),
        ("jardins", "blocking_point", "upstream", "Données d'invendus éparses", "",
         "external"),
        ("federation", "objective", "context", "Peser dans la révision du plan régional",
         "", ""),
        ("pme1", "need", "upstream", "Un débouché fiable pour les invendus frais", "",
         "in_network"),
        ("foundation", "opportunity", "context", "Publier une étude de référence", "", ""),
    ],
    "Mécénat de compétences « Cap Numérique »": [
        ("trait", "objective", "operations", "Former au numérique chaque personne "
         "accompagnée", "80 personnes par an", ""),
        ("trait", "need", "support", "Des formateurs disponibles en soirée", "", "to_find"),
        ("company_ge", "objective", "support", "Donner du sens à l'engagement des "
         "salariés", "12 volontaires fidèles", ""),
        ("company_ge", "blocking_point", "support", "Temps des volontaires limité par la "
         "production", "", "internal"),
        ("company_ge", "opportunity", "upstream", "Réemployer le parc informatique "
         "renouvelé", "", ""),
    ],
    "Skatepark et scène ouverte du parc Mandela": [
        ("commune2", "objective", "context", "Un équipement jeunesse co-construit", "", ""),
        ("volunteers1", "need", "operations", "Des encadrants diplômés le samedi", "",
         "to_find"),
        ("volunteers2", "opportunity", "downstream", "Une scène pour les groupes locaux",
         "", ""),
        ("tpe1", "blocking_point", "operations", "Délais des fournisseurs de béton", "",
         "external"),
    ],
}  # fmt: skip

FIT = {
    "Mécénat de compétences « Cap Numérique »": [
        ("trait", "association_value", "Des formateurs réguliers et du matériel", "fits"),
        ("trait", "common_good", "Moins de personnes exclues faute de numérique", "fits"),
        ("company_ge", "company_return", "Engagement et fierté des salariés", "partly"),
        ("company_ge", "common_good", "Un impact mesurable sur l'emploi", "partly"),
    ],
    "Tiers-lieu La Fabrique des Buers": [
        ("jardins", "association_value", "Un lieu pour l'hiver et plus de bénévoles", "fits"),
        ("commune1", "common_good", "Un quartier plus vivant", "fits"),
        ("trait", "association_value", "Des permanences au plus près du public", "partly"),
    ],
    "PTCE Rhône-Forez Coopérations": [
        ("ess3", "association_value", "Un poste de développement financé", "no"),
        ("pme2", "company_return", "Économies sur les achats", "partly"),
        ("epci2", "common_good", "Des emplois locaux non délocalisables", "fits"),
    ],
}

RISKS = {
    # name → [(title, side, nature, likelihood, impact, status, treatment)]
    "Tiers-lieu La Fabrique des Buers": [
        ("Fin du bail si la commune vend le bâtiment", "all", "strategic", 2, 5, "treated",
         "Bail de six ans signé ; clause de préavis de deux ans."),
        ("Épuisement des bénévoles de l'accueil", "association", "operational", 3, 3, "open",
         "Planning partagé ; recrutement de bénévoles avec le centre social."),
        ("Charges de chauffage plus élevées que prévu", "association", "operational", 4, 2,
         "open", "Compteurs séparés demandés à la commune."),
    ],
    "Skatepark et scène ouverte du parc Mandela": [
        ("Nuisances sonores et plaintes des riverains", "authority", "cultural", 4, 3,
         "open", "Horaires affichés ; médiation avec le conseil de quartier."),
        ("Accident sur un module", "all", "operational", 2, 5, "treated",
         "Contrôle annuel ; encadrement diplômé le samedi."),
        ("Retard de livraison du béton", "company", "operational", 5, 2, "occurred",
         "Chantier décalé de six semaines."),
    ],
    "Alliance Zéro Gaspi Rhône-Loire": [
        ("Messages divergents dans la presse", "all", "strategic", 3, 4, "open",
         "Porte-parole unique ; éléments de langage communs."),
        ("Le grossiste se retire de l'étude", "company", "strategic", 2, 4, "open", ""),
    ],
    "Mécénat de compétences « Cap Numérique »": [
        ("Moins de volontaires en période de production", "company", "operational", 4, 2,
         "treated", "Calendrier des ateliers fixé six mois à l'avance."),
        ("Données personnelles sur les ordinateurs donnés", "company", "operational", 2, 5,
         "closed", "Effacement certifié avant remise."),
        ("Image de « mécénat vitrine »", "association", "cultural", 2, 3, "open",
         "Bilan public co-signé, chiffres vérifiables."),
    ],
    "PTCE Rhône-Forez Coopérations": [
        ("Perte du financement de la coordination", "all", "strategic", 5, 5, "occurred",
         "Dossier déposé au fonds régional ESS ; pause du pôle."),
        ("Concurrence entre membres sur les marchés publics", "association", "strategic",
         3, 4, "open", "Charte de non-concurrence à écrire."),
        ("Cultures de travail trop différentes", "all", "cultural", 3, 2, "open", ""),
    ],
    "PAT des Monts du Forez — Manger local et solidaire": [
        ("Producteurs trop peu nombreux pour la demande", "company", "operational", 3, 4,
         "open", "Recensement avec la chambre d'agriculture."),
        ("Calendriers électoraux", "authority", "strategic", 2, 3, "open", ""),
    ],
    "Consortium « Jeunes en parcours » — appel FSE+ 2026": [
        ("Candidature non retenue", "all", "strategic", 3, 4, "occurred",
         "Parcours croisés maintenus hors consortium."),
        ("Avance de trésorerie trop lourde", "association", "operational", 4, 4, "closed",
         "Sans objet après le refus."),
    ],
    "Coopétition du réemploi solidaire": [
        ("Fuite d'informations commerciales", "association", "strategic", 3, 5, "open",
         "Accord de confidentialité ; données agrégées par le réseau."),
        ("Rupture après un appel d'offres perdu", "all", "cultural", 4, 4, "open",
         "Médiation trimestrielle."),
        ("Camion partagé indisponible", "association", "operational", 2, 2, "treated",
         "Planning de réservation en ligne."),
    ],
}  # fmt: skip


# --- meetings, rituals, roles and milestones (shared patterns, dated per partnership) ----------


def _meetings(spec: dict) -> list[dict]:
    """Three meetings a partnership held, spread over its life, with decisions and actions."""
    first = spec["decisions"][0][0]
    last = spec["decisions"][-1][0]
    middle = first + (last - first) / 2 if last > first else first + timedelta(days=35)
    people = [line.split(" (")[0] for line in spec["decisions"][0][2].splitlines()]
    owner_a, owner_b = people[0], people[-1]
    return [
        {
            "held_on": first - timedelta(days=14),
            "title": "Rencontre de lancement",
            "agenda": "Tour de table\nMotivations et freins de chacun\nSuite à donner",
            "minutes": "Chaque structure présente ses objectifs ; les attentes sont écrites.",
            "decisions": ["Remplir chacun son canevas d'objectifs avant la prochaine réunion."],
            "actions": [
                ("Envoyer le canevas d'objectifs à chaque membre", owner_a, 7, "done"),
            ],
        },
        {
            "held_on": middle,
            "title": "Comité de pilotage",
            "ritual": True,
            "agenda": "Avancement\nRisques\nCalendrier",
            "minutes": "Point d'avancement ; la grille des écueils est revue ensemble.",
            "decisions": [
                "Revoir la grille des écueils et des freins chaque trimestre.",
                "Désigner un référent par structure.",
            ],
            "actions": [
                ("Mettre à jour le registre des risques", owner_b, 21, "done"),
                ("Proposer un calendrier des comités", owner_a, 30, "in_progress"),
            ],
        },
        {
            "held_on": max(last, middle) + timedelta(days=21),
            "title": "Comité de pilotage",
            "ritual": True,
            "agenda": "Suites de la dernière décision\nActions en retard",
            "minutes": "Les actions en retard sont réaffectées ; prochaine étape fixée.",
            "decisions": ["Relancer les actions en retard par courriel chaque lundi."],
            "actions": [
                ("Rédiger le compte rendu partagé", owner_b, 10, "open"),
                ("Préparer le bilan pour la prochaine décision", owner_a, 45, "open"),
            ],
        },
    ]


RITUALS = [
    ("Comité de pilotage", "quarterly", "Décider ensemble, suivre les risques et les résultats."),
    ("Point opérationnel", "monthly", "Caler les plannings et les actions de la période."),
]


# --- helpers -----------------------------------------------------------------------------------


def _side(actor: Actor) -> str:
    for prefix, side in SIDE_OF_PROFILE.items():
        if actor.profile.startswith(prefix):
            return side
    return Side.OTHER


def _actors(workspace) -> dict[str, Actor]:
    """The demo registry's actors the partnerships use, by key (missing ones left out)."""
    found: dict[str, Actor] = {}
    actors = Actor.objects.filter(workspace=workspace)
    for key, name in NAMED.items():
        actor = actors.filter(name=name).order_by("pk").first()
        if actor is not None:
            found[key] = actor
    used = {a.pk for a in found.values()}
    # The registry's deliberate duplicates (same SIRET, RNA or name key) are left out.
    seen: Counter = Counter()
    for row in actors.values_list("siret", "rna", "name_key"):
        seen.update(f"{field}:{value}" for field, value in zip("srn", row, strict=True) if value)

    def duplicated(actor: Actor) -> bool:
        values = zip("srn", (actor.siret, actor.rna, actor.name_key), strict=True)
        return any(seen[f"{field}:{value}"] > 1 for field, value in values if value)

    for profile, keys in PICKS.items():
        candidates = [
            actor
            for actor in actors.filter(profile=profile).exclude(pk__in=used).order_by("name", "pk")
            if not duplicated(actor)
        ]
        candidates.sort(key=lambda a: a.department_id not in LOCAL)  # stable: local first
        for key, actor in zip(keys, candidates, strict=False):
            found[key] = actor
            used.add(actor.pk)
    return found


def _kinds(workspace) -> dict[str, PartnershipKind]:
    kinds_ensure_defaults(workspace)
    ordered = list(PartnershipKind.objects.filter(workspace=workspace).order_by("position", "pk"))
    by_position = {kind.position: kind for kind in ordered}
    return {key: by_position.get(_kind_index(key), ordered[0]) for key, _label in DEFAULT_KINDS}


def _guest_membership(workspace, users: dict):
    """The demo's guest (Inès Garnier, of the partner company); created if the demo has none."""
    membership = Membership.objects.filter(
        workspace=workspace, role=Role.GUEST, user__email=GUEST_EMAIL
    ).first()
    if membership is None:
        membership = (
            Membership.objects.filter(workspace=workspace, role=Role.GUEST).order_by("pk").first()
        )
    if membership is None:
        from maillage.accounts.models import User

        user = User.objects.filter(email=GUEST_EMAIL).first()
        if user is None:
            user = User.objects.create_user(
                email=GUEST_EMAIL,
                password="maillage-demo",  # noqa: S106 - the demo's printed password
                full_name=GUEST_NAME,
            )
        membership = Membership.objects.create(workspace=workspace, user=user, role=Role.GUEST)
    return membership


def _quarters(start: date, until: date) -> list[tuple[date, date]]:
    """Calendar quarters from the one holding `start`, each ending before `until`."""
    quarters = []
    year, quarter = start.year, (start.month - 1) // 3
    while True:
        begin = date(year, quarter * 3 + 1, 1)
        end = (date(year + (quarter == 3), (quarter * 3 + 3) % 12 + 1, 1)) - timedelta(days=1)
        if end >= until:
            return quarters
        quarters.append((begin, end))
        quarter = (quarter + 1) % 4
        year += quarter == 0


# --- the seed -----------------------------------------------------------------------------------


def seed(workspace, users, *, today: date | None = None) -> dict:
    """Create the demo partnerships of `workspace` that do not exist yet; return counts."""
    today = today or date.today()
    people = list(users.values()) if isinstance(users, dict) else list(users)
    people = [p for p in people if p is not None]
    author = people[0] if people else None
    created = {"partnerships": 0, "decisions": 0, "meetings": 0, "reviews": 0}
    actors = _actors(workspace)
    if "jardins" not in actors or "trait" not in actors:
        return created  # no demo registry: nothing to build partnerships from
    existing = set(
        Partnership.objects.filter(
            workspace=workspace, name__in=[s["name"] for s in PARTNERSHIPS]
        ).values_list("name", flat=True)
    )
    with transaction.atomic():
        kinds = _kinds(workspace)
        for spec in PARTNERSHIPS:
            if spec["name"] in existing:
                continue
            if any(key not in actors for key, _role, _text in spec["members"]):
                continue  # a registry without this profile
            _build(workspace, spec, actors, kinds, people, author, users, today, created)
    return created


def _build(workspace, spec, actors, kinds, people, author, users, today, created) -> None:
    def create(model, **fields):
        return tenant_create(model, workspace=workspace, user=author, **fields)

    coordinator = people[spec["coordinator"] % len(people)] if people else None
    partnership = create(
        Partnership,
        name=spec["name"],
        summary=spec["summary"],
        kind=kinds[spec["kind"]],
        objectives=spec["objectives"],
        value_chain_levels=spec["levels"],
        start_date=spec["start"],
        end_date=spec.get("end"),
        coordinator=coordinator,
    )
    created["partnerships"] += 1
    members = {}
    for key, role, contribution in spec["members"]:
        actor = actors[key]
        members[key] = create(
            PartnershipMember,
            partnership=partnership,
            actor=actor,
            role=role,
            side=_side(actor),
            contribution=contribution,
            joined_on=spec["start"],
        )

    # Canvas, fit check.
    for position, (key, section, level, text, figures, qualifier) in enumerate(
        CANVAS.get(spec["name"], [])
    ):
        create(
            CanvasEntry,
            partnership=partnership,
            member=members[key],
            section=section,
            level=level,
            text=text,
            figures=figures,
            qualifier=qualifier,
            position=position,
        )
    for key, dimension, expectation, fit in FIT.get(spec["name"], []):
        create(
            FitExpectation,
            partnership=partnership,
            member=members[key],
            dimension=dimension,
            expectation=expectation,
            fit=fit,
        )

    # Experiment plan, MasterPlan, axes, results tied to impact indicators.
    results = _plans(workspace, partnership, spec, create, author, today)

    # Rituals, governance roles.
    rituals = [
        create(
            Ritual,
            partnership=partnership,
            name=name,
            frequency=frequency,
            purpose=purpose,
            participants="Un représentant par membre",
        )
        for name, frequency, purpose in RITUALS
    ]
    lead_key = spec["members"][0][0]
    deciders = spec["decisions"][0][2].splitlines()
    create(
        GovernanceRole,
        partnership=partnership,
        member=members[lead_key],
        person=deciders[-1].split(" (")[0] if len(deciders) > 1 else deciders[0],
        responsibility="Présidence du comité de pilotage",
    )
    create(
        GovernanceRole,
        partnership=partnership,
        member=members[spec["members"][1][0]],
        person=deciders[0].split(" (")[0],
        responsibility="Coordination, comptes rendus et suivi des actions",
    )

    # Meetings, their decisions and action items (some overdue).
    # The alliance's own people act for its association in the partnership, when it is one.
    ours = members.get("trait") if spec["members"][0][0] == "trait" else None
    ours = ours or members.get("jardins") or members.get("trait")
    our_people = {"Claire Martin", "Karim Benali", "Sophie Leroy", "Lucas Moreau"}
    for planned in _meetings(spec):
        meeting = create(
            Meeting,
            partnership=partnership,
            held_on=min(planned["held_on"], today - timedelta(days=3)),
            title=planned["title"],
            ritual=rituals[0] if planned.get("ritual") else None,
            agenda=planned["agenda"],
            attendees="\n".join(line.split(" (")[0] for line in deciders),
            minutes=planned["minutes"],
        )
        created["meetings"] += 1
        for text in planned["decisions"]:
            create(MeetingDecision, partnership=partnership, meeting=meeting, text=text)
        for title, owner, days, status in planned["actions"]:
            due = meeting.held_on + timedelta(days=days)
            create(
                ActionItem,
                partnership=partnership,
                meeting=meeting,
                title=title,
                owner=owner,
                owner_member=ours if owner in our_people else None,
                due_on=due,
                status=status,
                done_on=min(due, today) if status == "done" else None,
            )

    # Risks.
    for title, side, nature, likelihood, impact, status, treatment in RISKS.get(spec["name"], []):
        create(
            Risk,
            partnership=partnership,
            title=title,
            side=side,
            nature=nature,
            likelihood=likelihood,
            impact=impact,
            status=status,
            treatment=treatment,
            owner=deciders[0].split(" (")[0],
        )

    # Checklist reviews, then the health light.
    for reviewed_on, codes, notes in spec["reviews"]:
        review = create(
            ChecklistReview,
            partnership=partnership,
            reviewed_on=reviewed_on,
            reviewed_by=coordinator,
            notes=notes,
        )
        ChecklistAnswer.objects.bulk_create(
            ChecklistAnswer(
                workspace=workspace,
                created_by=author,
                review=review,
                item=item.key,
                answer=ANSWER_CODES[code],
            )
            for item, code in zip(ITEMS, codes, strict=True)
        )
        created["reviews"] += 1
    refresh_health(partnership)

    # Evaluations: each side scores the three dimensions (its lead member speaks for it).
    speakers = {}
    for key, _role, _text in spec["members"]:
        speakers.setdefault(members[key].side, members[key])
    for evaluated_on, title, levels in spec["evaluations"]:
        evaluation = create(
            Evaluation,
            partnership=partnership,
            evaluated_on=evaluated_on,
            title=title,
            notes="Chaque côté note les trois dimensions, preuves à l'appui.",
        )
        for side, level in levels.items():
            member = speakers.get(side)
            if member is None:
                continue
            for shift, dimension in zip((0, -1, 1), Dimension.values, strict=True):
                create(
                    EvaluationScore,
                    evaluation=evaluation,
                    partnership=partnership,
                    member=member,
                    dimension=dimension,
                    score=max(1, min(5, level + shift)),
                    evidence=EVIDENCE[dimension],
                )
    refresh_evaluation(partnership)

    # Gate decisions, in order, through the lifecycle service only.
    for decided_on, outcome, deciders_text, rationale, next_gate_on, criteria in spec["decisions"]:
        if criteria == "results":
            criteria = [
                {
                    "label": f"{result.axis.name} : {result.get_horizon_display().lower()}",
                    "met": result.horizon == 3 or outcome == Outcome.GO,
                    "result": result,
                }
                for result in results
            ]
        else:
            criteria = [{"label": label, "met": met} for label, met in criteria]
        record_gate_decision(
            partnership,
            user=author,
            expected_version=None,
            decided_on=decided_on,
            outcome=outcome,
            deciders=deciders_text,
            rationale=rationale,
            next_gate_on=next_gate_on,
            criteria=criteria,
        )
        created["decisions"] += 1

    if spec.get("next_gate_on"):  # planned after the last decision (a go clears it)
        tenant_update(
            partnership, user=author, expected_version=None, next_gate_on=spec["next_gate_on"]
        )

    # Shared with the demo's guest (the partner company's contact).
    if spec.get("guest_member"):
        create(
            PartnershipGuest,
            partnership=partnership,
            membership=_guest_membership(workspace, users),
            member=members[spec["guest_member"]],
        )

    # The finance demo's project this partnership carries.
    code = spec.get("finance_project")
    if code:
        from maillage.finance.models import Project

        project = Project.objects.filter(
            workspace=workspace, code=code, partnership__isnull=True
        ).first()
        if project is not None:
            tenant_update(project, user=author, expected_version=None, partnership=partnership)


EVIDENCE = {
    Dimension.ASSOCIATION_VALUE: "Heures de bénévolat et moyens apportés, d'après le suivi.",
    Dimension.COMPANY_RETURN: "Questionnaire aux salariés et retombées internes.",
    Dimension.COMMON_GOOD: "Indicateurs d'impact suivis pour le partenariat.",
}


def _plans(workspace, partnership, spec, create, author, today) -> list[AxisResult]:
    """Experiment plan, MasterPlan, axes with their 3- and 6-month results, milestones; the
    results' indicators followed for the partnership with targets and a few measurements."""
    from maillage.impact import services as impact_services
    from maillage.impact.models import Indicator

    experiment = spec.get("experiment")
    if experiment:
        create(
            ExperimentPlan,
            partnership=partnership,
            tests=experiment["tests"],
            tools=experiment["tools"],
            description=experiment["description"],
            success_criteria=experiment["criteria"],
            start_date=experiment["start"],
            end_date=experiment["end"],
            learnings=experiment["learnings"],
        )
    plan = spec.get("masterplan")
    if not plan:
        return []
    starts_on = plan["starts_on"]
    create(
        MasterPlan,
        partnership=partnership,
        starts_on=starts_on,
        purpose=plan["purpose"],
        vision_6_months=plan["v6"],
        vision_1_year=plan["v1"],
        vision_3_years=plan["v3"],
        processes=plan["processes"],
    )
    results = []
    quarters = _quarters(starts_on, today)
    for position, (name, code, how) in enumerate(plan["axes"]):
        axis = create(
            WorkAxis,
            partnership=partnership,
            name=name,
            description=how,
            position=position,
        )
        indicator = Indicator.objects.filter(workspace=workspace, code=code).first()
        if indicator is not None:
            tracked = impact_services.indicator_track(
                indicator,
                user=author,
                subject_kind="partnership",
                subject_id=partnership.pk,
                note=f"Suivi pour le partenariat « {partnership.name} ».",
            )
            base = Decimal(6 + 3 * position)
            for horizon, (start, end) in zip((3, 6), quarters[:2], strict=False):
                target = impact_services.target_save(
                    tracked,
                    user=author,
                    period_start=start,
                    period_end=end,
                    value=base + (2 if horizon == 6 else 0),
                )
                results.append(
                    create(
                        AxisResult,
                        partnership=partnership,
                        axis=axis,
                        horizon=horizon,
                        indicator=indicator,
                        target=target,
                        how_measured=how,
                    )
                )
            for number, (start, end) in enumerate(quarters[:4]):
                impact_services.measurement_create(
                    tracked,
                    user=author,
                    period_start=start,
                    period_end=end,
                    value=base + number - (3 if name in plan.get("behind", ()) else 0),
                    measured_on=min(end + timedelta(days=10), today),
                    narrative="Chiffre relevé au comité de pilotage.",
                )
        last_axis = position == len(plan["axes"]) - 1
        milestones = [
            (f"{name} : lancement", 0, 20, False),
            (f"{name} : premier bilan", 60, 90, False),
            (f"{name} : bilan à six mois", 150, 182, plan.get("late") and last_axis),
            (f"{name} : bilan annuel", 300, 365, False),
        ]
        for label, begin, due, late in milestones:
            due_on = starts_on + timedelta(days=due)
            done = due_on < today and not late
            create(
                Milestone,
                partnership=partnership,
                axis=axis,
                name=label,
                start_date=starts_on + timedelta(days=begin),
                due_date=due_on,
                done_on=due_on - timedelta(days=2) if done and due_on < today else None,
                owner=spec["decisions"][0][2].splitlines()[0],
            )
    return results
