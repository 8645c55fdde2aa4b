# ruff: noqa: E501 - the demo's data tables read best one row a line
"""The fictional demo engagement for `manage.py seed_demo`: the organisational diagnostic of an
alliance of two social-finance associations (inspired by seed 000, every name invented).

Runs after the registry, impact, finance and partnerships demos (INSTALLED_APPS order). The
alliance: **Équité Finance** (a French association, 1999, social-performance tools for
inclusive finance, staff on permanent contracts, diversified income) and **GISA — Global
Impact Standards Alliance** (an international membership association, 2006, standards for
impact-driven financial institutions, grants and dues, mostly consultants). Both are added to
the demo registry when missing. Since 2022 they share a strategic plan, a brand, a website and
part of their staff; the engagement "Diagnostic organisationnel de l'alliance Équité Finance +
GISA" (March → November 2026, 25 days, 25,000 €) is in its implementation-plan phase.

What it holds: the seven default dimensions (French), 30 stakeholders of every category with
their consent, a 12-question guide FR/EN, 22 interviews done (16 individual, 6 group) with
short notes, 8 documents reviewed, 80 findings with 1–3 sources each (interviews and
documents, quotes mostly anonymised), the SWOT grouped from them (one item per quadrant ×
dimension, text = the heaviest finding, ranked by summed `scoring.finding_weight`), a
14-statement questionnaire answered by 20 stakeholders, dimension priorities, the four default
scenarios scored on the six criteria (the integrated alliance with shared services wins; lowering
the cultural-fit weight by 20 % swaps the second and third), the target scenario, 12
recommendations (proposed, validated by the directions, by the boards, one rejected), a plan of
20 actions (two overdue) with progress updates, and six steering-committee meetings.

Deterministic and idempotent: the engagement is found by title; when it exists nothing is
written.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from maillage.core.services import create_child, tenant_create, tenant_update
from maillage.ecosystem.models import Actor, Level, Profile
from maillage.ecosystem.services import actor_create
from maillage.impact.models import Indicator

from . import scoring
from .choices import (
    ActionStatus,
    CommitteeMeetingKind,
    CommitteeOutcomeKind,
    DocumentKind,
    EngagementStatus,
    InterviewKind,
    InterviewStatus,
    MilestoneKind,
    Priority,
    Quadrant,
    RecommendationStatus,
)
from .models import (
    ActionUpdate,
    CommitteeActionItem,
    CommitteeMeeting,
    CommitteeMember,
    CommitteeOutcome,
    Criterion,
    Dimension,
    Engagement,
    EngagementMilestone,
    EngagementOrganisation,
    Finding,
    FindingSource,
    Interview,
    InterviewQuestion,
    PlanAction,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireInvitation,
    QuestionnaireItem,
    Recommendation,
    ReviewedDocument,
    Scenario,
    ScenarioScore,
    Stakeholder,
    SwotItem,
    TimeSpent,
)
from .services.defaults import ensure_defaults

SEED = 20_261_130
D = date
TITLE = "Diagnostic organisationnel de l'alliance Équité Finance + GISA"
EQUITE = "Équité Finance"
GISA = "GISA — Global Impact Standards Alliance"
CONSULTANTS = ("Claire Martin", "Karim Benali")

ORGANISATIONS = {
    "equite": {
        "name": EQUITE,
        "profile": Profile.ASSOCIATION_EMPLOYER,
        "level": Level.NATIONAL,
        "description": (
            "Association française (fictive) créée en 1999 : outils gratuits de mesure de la "
            "performance sociale pour la finance inclusive, conseil aux organisations à impact. "
            "Salariés en CDI, financement diversifié (subventions, missions d'assistance "
            "technique)."
        ),
        "website": "https://equite-finance.example.org",
    },
    "gisa": {
        "name": GISA,
        "profile": Profile.INTERMEDIARY,
        "level": Level.INTERNATIONAL,
        "description": (
            "Association internationale (fictive) fondée en 2006, plus de 6 000 membres : "
            "normes de gestion de la performance sociale et environnementale des institutions "
            "financières. Financée par subventions et cotisations, équipe surtout de consultants."
        ),
        "website": "https://gisa-standards.example.org",
    },
}

# (key, name, job title, organisation key or None, category)
STAKEHOLDERS = [
    ("dg_e", "Hélène Vasseur", "Directrice générale", "equite", "direction"),
    ("dp_e", "Mathieu Carrel", "Directeur des programmes", "equite", "direction"),
    ("ed_g", "Amara Diallo", "Executive Director", "gisa", "direction"),
    ("dd_g", "Rosa Martínez", "Deputy Director, Standards", "gisa", "direction"),
    ("pca_e", "Bernard Lhuillier", "Président du conseil d'administration", "equite", "board"),
    ("tre_e", "Anne-Sophie Roche", "Trésorière", "equite", "board"),
    ("adm_e", "Yves Pelletier", "Administrateur", "equite", "board"),
    ("chair_g", "Priya Raman", "Board Chair", "gisa", "board"),
    ("treas_g", "Jonathan Ekwueme", "Board Treasurer", "gisa", "board"),
    ("mem_g", "Sofía Quintero", "Board member", "gisa", "board"),
    ("t1", "Camille Nguyen", "Chargée d'études performance sociale", "equite", "team"),
    ("t2", "Julien Mercier", "Responsable outils et données", "equite", "team"),
    ("t3", "Fatou Sow", "Consultante senior", "equite", "team"),
    ("t4", "Élodie Marchand", "Responsable administrative et financière", "equite", "team"),
    ("t5", "Daniel Okafor", "Membership Manager", "gisa", "team"),
    ("t6", "Laura Bianchi", "Communications Lead", "gisa", "team"),
    ("t7", "Tomás Herrera", "Standards Consultant", "gisa", "team"),
    ("t8", "Mei Lin", "Training Coordinator", "gisa", "team"),
    ("ii1", "Olivier Ferrand", "Directeur d'investissement, fonds d'impact", None, "impact_investor"),
    ("ii2", "Karen Schultz", "Impact Manager, fonds européen", None, "impact_investor"),
    ("ii3", "Nicolas Bertin", "Responsable ESG, société de gestion", None, "impact_investor"),
    ("ii4", "Aïcha Benjelloun", "Chargée d'impact, fondation", None, "impact_investor"),
    ("nm1", "Kwame Mensah", "Directeur, réseau africain de microfinance", None, "network_member"),
    ("nm2", "Lucía Paredes", "Social Performance Officer, réseau andin", None, "network_member"),
    ("nm3", "Rahul Iyer", "Responsable qualité, association de membres", None, "network_member"),
    ("nm4", "Marie Fontaine", "Déléguée, réseau français du microcrédit", None, "network_member"),
    ("fi1", "Samuel Kouassi", "Directeur général, institution de microfinance", None, "financial_institution"),
    ("fi2", "Ana Costa", "Head of Risk, banque coopérative", None, "financial_institution"),
    ("fi3", "Thierry Lamotte", "Responsable RSE, banque solidaire", None, "financial_institution"),
    ("fi4", "Nour El-Amine", "Chief Operating Officer, fintech inclusive", None, "financial_institution"),
]  # fmt: skip

# 16 individual interviews, then 6 group interviews (stakeholder keys, date).
INDIVIDUAL = [
    ("dg_e", D(2026, 4, 7)), ("ed_g", D(2026, 4, 8)), ("dp_e", D(2026, 4, 9)),
    ("dd_g", D(2026, 4, 10)), ("pca_e", D(2026, 4, 14)), ("chair_g", D(2026, 4, 15)),
    ("tre_e", D(2026, 4, 16)), ("treas_g", D(2026, 4, 17)), ("adm_e", D(2026, 4, 21)),
    ("mem_g", D(2026, 4, 22)), ("ii1", D(2026, 4, 23)), ("ii2", D(2026, 4, 24)),
    ("ii3", D(2026, 4, 28)), ("fi1", D(2026, 4, 29)), ("fi2", D(2026, 4, 30)),
    ("fi3", D(2026, 5, 5)),
]  # fmt: skip
GROUPS = [
    (("t1", "t2", "t3", "t4"), D(2026, 5, 6)),
    (("t5", "t6", "t7", "t8"), D(2026, 5, 7)),
    (("nm1", "nm2"), D(2026, 5, 12)),
    (("nm3", "nm4"), D(2026, 5, 13)),
    (("ii4", "fi4"), D(2026, 5, 19)),
    (("dg_e", "dp_e", "ed_g", "dd_g"), D(2026, 5, 26)),
]

NOTES = {
    "direction": [
        "Vision partagée très forte ; inquiétude sur la lisibilité du modèle économique commun. "
        "Souhaite des règles claires de répartition des coûts des fonctions partagées.",
        "Insiste sur la charge des doubles circuits de décision (deux bureaux, deux CA). "
        "Favorable à des services partagés, réservé sur une fusion à court terme.",
    ],
    "board": [
        "Le conseil découvre souvent les décisions communes a posteriori. Demande un tableau de "
        "bord conjoint et un calendrier d'arbitrages partagé entre les deux conseils.",
        "Attachement à l'identité de chaque organisation ; ouvert à une structure commune si "
        "elle protège l'indépendance des normes.",
    ],
    "team": [
        "Équipe motivée par la mission ; flou sur « qui décide quoi » entre les deux maisons. "
        "Outils différents (CRM, suivi du temps) : double saisie fréquente.",
        "Écart de statut (CDI / consultants) ressenti comme une source d'inégalité ; besoin "
        "d'un cadre RH commun et de parcours de formation croisés.",
    ],
    "impact_investor": [
        "Reconnaît la valeur des normes et des outils ; souhaite un interlocuteur unique et "
        "une offre de services lisible. Prêt à cofinancer des outils communs.",
        "La marque commune est bien identifiée ; la facturation séparée est perçue comme "
        "une complexité inutile.",
    ],
    "network_member": [
        "Les membres utilisent les deux offres sans toujours savoir qui les porte. Attentes "
        "fortes sur la formation en langues locales et l'accompagnement terrain.",
        "Cotisation jugée correcte ; demande de plus de retours sur l'usage des données "
        "collectées auprès des réseaux.",
    ],
    "financial_institution": [
        "Les audits sociaux fondés sur les outils de l'alliance sont devenus une référence "
        "pour les bailleurs. Calendriers de mise à jour des normes parfois mal coordonnés.",
        "Utilisatrice des outils gratuits ; demande un support technique plus réactif et une "
        "feuille de route publique des évolutions.",
    ],
}

GUIDE = [
    ("strategy", "Comment la stratégie commune est-elle revue, et par qui ?",
     "How is the common strategy reviewed, and by whom?"),
    ("strategy", "Quels objectifs communs vous semblent les plus / les moins partagés ?",
     "Which common objectives seem the most / the least shared?"),
    ("business_models", "Comment chaque organisation finance-t-elle les activités communes ?",
     "How does each organisation fund the joint activities?"),
    ("business_models", "Quelles sources de revenus l'alliance pourrait-elle développer ?",
     "Which sources of income could the alliance develop?"),
    ("governance", "Comment les décisions communes sont-elles prises et suivies ?",
     "How are joint decisions made and followed up?"),
    ("governance", "Quel rôle les conseils d'administration jouent-ils dans l'alliance ?",
     "What role do the boards play in the alliance?"),
    ("functions", "Quelles fonctions sont déjà partagées, lesquelles devraient l'être ?",
     "Which functions are already shared, which should be?"),
    ("functions", "Où observez-vous des doublons ou des trous dans l'organisation ?",
     "Where do you see duplications or gaps in the organisation?"),
    ("systems", "Quels outils et procédures utilisez-vous au quotidien avec l'autre équipe ?",
     "Which tools and procedures do you use daily with the other team?"),
    ("human_resources", "Comment vivez-vous le travail au sein d'équipes mixtes ?",
     "How do you experience working in mixed teams?"),
    ("human_resources", "Quels besoins de formation ou d'accompagnement identifiez-vous ?",
     "Which training or support needs do you see?"),
    ("cultures", "Qu'est-ce qui distingue la culture de chaque organisation ?",
     "What sets each organisation's culture apart?"),
]  # fmt: skip

DOCUMENTS = [
    ("plan", DocumentKind.INTERNAL, "Plan stratégique commun 2024-2028", "Directions de l'alliance",
     "Vision, mission et cinq axes communs ; pas d'indicateurs de suivi partagés."),
    ("mou", DocumentKind.INTERNAL, "Protocole d'accord Équité Finance – GISA (2022)",
     "Conseils d'administration", "Cadre de coopération, marque commune, comité de liaison."),
    ("budget", DocumentKind.INTERNAL, "Budget consolidé de l'alliance 2026", "Direction financière",
     "Ressources humaines partagées refacturées ; règles de répartition implicites."),
    ("ca", DocumentKind.INTERNAL, "Comptes rendus des conseils d'administration 2025",
     "Secrétariats des conseils", "Décisions communes ratifiées a posteriori, calendriers décalés."),
    ("org", DocumentKind.INTERNAL, "Organigrammes et fiches de poste", "Ressources humaines",
     "Postes partagés sans fiche commune ; deux lignes hiérarchiques pour six personnes."),
    ("survey", DocumentKind.INTERNAL, "Enquête membres 2025", "GISA",
     "Satisfaction élevée sur les normes, attentes sur la formation et le support."),
    ("lit1", DocumentKind.LITERATURE, "Alliances stratégiques entre associations : modèles et "
     "trajectoires", "Revue de la littérature, Institut fictif de l'ESS",
     "Typologie des rapprochements, du partenariat à la fusion."),
    ("lit2", DocumentKind.LITERATURE, "Shared services in non-profit networks", "Fictional "
     "Nonprofit Review", "Conditions de réussite des services partagés : gouvernance, coûts."),
]  # fmt: skip

S, W, OP, T = Quadrant.STRENGTH, Quadrant.WEAKNESS, Quadrant.OPPORTUNITY, Quadrant.THREAT
# Per dimension: (quadrant, severity, statement, quote, documents supporting it).
FINDINGS = {
    "strategy": [
        (S, 4, "Vision et mission communes formulées et partagées par les deux directions.",
         "On parle enfin d'une seule voix sur la mission.", ("plan",)),
        (S, 3, "Un plan stratégique conjoint existe et sert de référence aux équipes.",
         "Le plan commun, c'est notre boussole.", ("plan",)),
        (S, 3, "La marque commune est bien identifiée par les partenaires.",
         "Pour nous, c'est une seule maison.", ()),
        (W, 4, "Aucun mécanisme formel de revue annuelle de la stratégie commune.",
         "On a écrit le plan, puis on ne l'a plus relu ensemble.", ("plan",)),
        (W, 3, "Objectifs communs sans indicateurs de suivi partagés.",
         "Je ne sais pas dire si on avance sur l'axe 3.", ("plan",)),
        (W, 3, "Priorités perçues différemment selon l'organisation d'origine.",
         "Chacun lit le plan avec ses lunettes.", ()),
        (OP, 4, "Demande des bailleurs pour des standards unifiés et une voix commune.",
         "Les bailleurs veulent un seul référentiel.", ("lit1",)),
        (OP, 3, "Révision des normes prévue en 2027 : occasion d'un chantier commun.",
         "La révision des normes est le bon moment.", ()),
        (OP, 2, "Intérêt de nouveaux réseaux régionaux pour rejoindre l'alliance.",
         "D'autres réseaux nous demandent comment entrer.", ()),
        (T, 4, "Risque de dispersion si chaque organisation poursuit ses propres priorités.",
         "On risque de tirer chacun de son côté.", ()),
        (T, 3, "Concurrence d'autres initiatives de normes sociales et environnementales.",
         "D'autres référentiels arrivent vite sur le marché.", ("lit1",)),
        (W, 2, "Communication interne sur la stratégie irrégulière.",
         "On apprend les orientations par la newsletter externe.", ()),
    ],
    "business_models": [
        (S, 4, "Modèle d'Équité Finance diversifié (subventions, assistance technique).",
         "Nos missions de conseil nous donnent de l'air.", ("budget",)),
        (S, 3, "Base de membres de GISA large et fidèle.",
         "Les cotisations sont stables depuis cinq ans.", ("survey",)),
        (W, 5, "GISA dépend fortement de subventions et de cotisations annuelles.",
         "Un bailleur qui part, et c'est un tiers du budget.", ("budget",)),
        (W, 4, "Pas de règle explicite de partage des coûts et des recettes communes.",
         "On refacture à la louche.", ("budget", "mou")),
        (W, 3, "Offre de services payants peu lisible pour les clients.",
         "On ne sait pas à qui s'adresser pour une mission.", ()),
        (OP, 4, "Bailleurs prêts à cofinancer des outils et services communs.",
         "Nous cofinancerions volontiers un outil commun.", ()),
        (OP, 3, "Marché croissant de l'évaluation d'impact pour les investisseurs.",
         "La demande d'audits d'impact explose.", ("lit2",)),
        (OP, 3, "Offre de formation certifiante monnayable auprès des membres.",
         "Une certification serait un vrai plus.", ("survey",)),
        (T, 5, "Baisse annoncée de certaines subventions internationales.",
         "Les fonds publics internationaux se resserrent.", ()),
        (T, 3, "Pression des membres sur le niveau des cotisations.",
         "Augmenter la cotisation serait mal reçu.", ("survey",)),
        (T, 3, "Dépendance à quelques grands bailleurs communs.",
         "Trois bailleurs font l'essentiel du budget.", ("budget",)),
        (W, 3, "Tarifs des missions fixés différemment par chaque organisation.",
         "Deux grilles tarifaires pour le même client.", ("budget",)),
    ],
    "governance": [
        (S, 3, "Comité de liaison des directions réuni chaque mois.",
         "Le comité mensuel tient, c'est déjà beaucoup.", ("mou",)),
        (S, 3, "Conseils d'administration engagés dans le projet d'alliance.",
         "Les deux conseils veulent que ça marche.", ("ca",)),
        (W, 5, "Décisions communes ratifiées a posteriori par deux conseils séparés.",
         "Le CA apprend les décisions après coup.", ("ca",)),
        (W, 4, "Rôles et délégations entre les deux directions non formalisés.",
         "Qui décide quoi, ce n'est écrit nulle part.", ("mou",)),
        (W, 4, "Gestion de projets communs sans méthode ni outil partagés.",
         "Chaque projet commun invente sa méthode.", ()),
        (W, 3, "Calendriers des instances des deux organisations non alignés.",
         "Nos AG sont à six mois d'écart.", ("ca",)),
        (OP, 4, "Possibilité d'un comité stratégique commun aux deux conseils.",
         "Un comité commun des conseils simplifierait tout.", ("lit1",)),
        (OP, 3, "Outils de gestion de projet partagés faciles à déployer.",
         "Un outil commun suffirait pour commencer.", ()),
        (T, 4, "Risque de blocage en cas de désaccord entre les deux conseils.",
         "Si les conseils divergent, rien n'avance.", ()),
        (T, 3, "Fragilité juridique des engagements pris au nom de l'alliance.",
         "L'alliance n'a pas de personnalité juridique.", ("mou",)),
        (T, 3, "Essoufflement des administrateurs bénévoles.",
         "Les administrateurs sont déjà très sollicités.", ()),
        (S, 2, "Administrateurs aux compétences complémentaires (finance, normes, terrain).",
         "Nos conseils réunissent des profils très complémentaires.", ("ca",)),
    ],
    "functions": [
        (S, 4, "Communication et site web déjà mutualisés sous la marque commune.",
         "La com commune marche bien.", ()),
        (S, 3, "Équipe formation complémentaire entre les deux organisations.",
         "Les formateurs se complètent.", ("org",)),
        (W, 4, "Doublons dans les fonctions support (finance, administration).",
         "Deux comptabilités pour une seule activité.", ("org", "budget")),
        (W, 4, "Postes partagés sans fiche de poste commune.",
         "Je travaille pour deux maisons sans fiche de poste.", ("org",)),
        (W, 3, "Relation membres gérée séparément par chaque organisation.",
         "Les membres reçoivent deux relances.", ()),
        (OP, 4, "Services partagés (finance, RH, IT) sources d'économies d'échelle.",
         "Mutualiser le back-office libérerait du temps.", ("lit2",)),
        (OP, 3, "Guichet unique pour les membres et les clients.",
         "Un interlocuteur unique, c'est ce qu'on attend.", ()),
        (T, 3, "Perte de compétences clés en cas de départ d'un poste partagé.",
         "Si elle part, personne ne sait faire.", ()),
        (T, 3, "Charge de travail accrue pendant la transition vers les services partagés.",
         "La transition va peser sur les mêmes personnes.", ("lit2",)),
        (T, 2, "Résistance au changement de certaines équipes support.",
         "On nous a déjà annoncé des réorganisations.", ()),
        (S, 2, "Expertise technique reconnue des deux équipes.",
         "Les deux équipes sont pointues.", ()),
    ],
    "systems": [
        (S, 3, "Outils de mesure de la performance sociale reconnus et largement utilisés.",
         "Les outils sont la référence du secteur.", ("survey",)),
        (S, 2, "Procédures qualité d'Équité Finance documentées.",
         "Nos procédures sont écrites et suivies.", ()),
        (W, 4, "Deux CRM et deux systèmes de suivi du temps : double saisie.",
         "Je saisis tout deux fois.", ()),
        (W, 4, "Absence de tableau de bord commun d'activité et de budget.",
         "Impossible d'avoir une vue consolidée.", ("budget",)),
        (W, 3, "Procédures financières différentes pour les projets communs.",
         "Les règles de dépenses ne sont pas les mêmes.", ("budget",)),
        (OP, 4, "Migration vers un système d'information commun.",
         "Un CRM commun changerait la vie.", ()),
        (OP, 3, "Automatisation de la collecte de données auprès des membres.",
         "On pourrait automatiser la collecte.", ("survey",)),
        (T, 4, "Sécurité et confidentialité des données des institutions partenaires.",
         "Les données des institutions sont sensibles.", ()),
        (T, 3, "Coût et durée d'une migration informatique.",
         "Une migration, c'est un an de douleur.", ("lit2",)),
        (T, 2, "Dépendance à un prestataire informatique unique.",
         "Un seul prestataire connaît notre outil.", ()),
        (W, 2, "Archivage documentaire dispersé entre plusieurs espaces.",
         "Les documents sont partout.", ()),
    ],
    "human_resources": [
        (S, 4, "Forte adhésion des équipes à la mission commune.",
         "On est là pour la mission.", ()),
        (S, 3, "Équipes mixtes multilingues et internationales.",
         "Travailler en trois langues est une richesse.", ("org",)),
        (W, 5, "Statuts hétérogènes (CDI / consultants) sources d'inégalités perçues.",
         "À travail égal, pas les mêmes droits.", ("org",)),
        (W, 4, "Double ligne hiérarchique pour les postes partagés.",
         "J'ai deux managers qui ne se parlent pas.", ("org",)),
        (W, 3, "Pas de plan de formation commun.",
         "Chacun se forme de son côté.", ()),
        (OP, 4, "Cadre RH commun (charte, entretiens, formation) attendu par les équipes.",
         "Un cadre commun rassurerait tout le monde.", ()),
        (OP, 3, "Parcours de mobilité entre les deux organisations.",
         "Pouvoir passer d'une équipe à l'autre motiverait.", ()),
        (T, 4, "Risque de départ de personnes clés épuisées.",
         "Certains collègues sont à bout.", ()),
        (T, 3, "Contraintes de droit du travail différentes selon les pays.",
         "Le droit du travail n'est pas le même partout.", ("lit2",)),
        (T, 3, "Difficulté à recruter des profils spécialisés en performance sociale.",
         "Ces profils sont rares.", ()),
        (S, 2, "Culture du télétravail maîtrisée par les deux équipes.",
         "Le travail à distance est rodé.", ()),
    ],
    "cultures": [
        (S, 4, "Valeurs communes d'éthique et d'utilité sociale.",
         "Nos valeurs sont les mêmes.", ("mou",)),
        (S, 3, "Confiance personnelle entre les deux directions.",
         "Les deux directeurs se font confiance.", ()),
        (W, 4, "Cultures de décision différentes : consensus contre délégation.",
         "Chez eux on décide vite, chez nous on consulte.", ()),
        (W, 3, "Rapport au temps et aux délais différent.",
         "Les délais n'ont pas le même sens.", ()),
        (W, 3, "Attachement fort à l'identité de chaque organisation.",
         "On ne veut pas perdre notre âme.", ()),
        (OP, 3, "Séminaires communs pour construire une culture d'alliance.",
         "Un séminaire commun par an ferait du bien.", ("lit1",)),
        (OP, 3, "Diversité culturelle atout pour l'international.",
         "Notre diversité est un atout sur le terrain.", ()),
        (T, 4, "Risque de perte d'identité perçu en cas d'intégration poussée.",
         "Une fusion ferait fuir des membres historiques.", ("lit1",)),
        (T, 3, "Malentendus liés à la langue de travail.",
         "On se comprend mal en réunion.", ()),
        (T, 2, "Rivalités anciennes entre certaines équipes.",
         "Il y a encore des vieilles rancœurs.", ()),
        (OP, 2, "Langue de travail commune à définir pour les réunions d'alliance.",
         "Choisir une langue de travail nous simplifierait la vie.", ()),
    ],
}  # fmt: skip

QUESTIONNAIRE = {
    "strategy": (
        ("La stratégie commune est claire pour moi.", "The common strategy is clear to me."),
        ("La stratégie commune est revue régulièrement.", "The common strategy is reviewed regularly."),
    ),
    "business_models": (
        ("Le financement des activités communes est équitable.", "Joint activities are fairly funded."),
        ("Le modèle économique de l'alliance est durable.", "The alliance's business model is sustainable."),
    ),
    "governance": (
        ("Je sais qui prend les décisions communes.", "I know who makes the joint decisions."),
        ("Les conseils sont associés à temps aux décisions.", "The boards are involved in decisions in time."),
    ),
    "functions": (
        ("Les fonctions partagées fonctionnent bien.", "The shared functions work well."),
        ("Il y a peu de doublons entre les deux organisations.", "There is little duplication between the two."),
    ),
    "systems": (
        ("Nos outils facilitent le travail commun.", "Our tools make joint work easier."),
        ("Les procédures sont les mêmes pour tous.", "Procedures are the same for everyone."),
    ),
    "human_resources": (
        ("Les conditions de travail sont équitables entre équipes.", "Working conditions are fair across teams."),
        ("J'ai accès aux formations dont j'ai besoin.", "I have access to the training I need."),
    ),
    "cultures": (
        ("Les deux cultures se comprennent bien.", "The two cultures understand each other well."),
        ("Je me sens membre d'une même alliance.", "I feel part of one alliance."),
    ),
}  # fmt: skip
# The mean answer each dimension tends to (1–5): systems and HR are the sore points.
ANSWER_CENTRE = {
    "strategy": 3.6, "business_models": 2.6, "governance": 2.3, "functions": 3.0,
    "systems": 2.1, "human_resources": 2.4, "cultures": 3.3,
}  # fmt: skip

PRIORITIES = {
    "governance": (1, "Décisions ratifiées a posteriori et rôles non écrits : tout le reste en dépend."),
    "business_models": (2, "Dépendance aux subventions de GISA et coûts communs non répartis."),
    "human_resources": (3, "Statuts hétérogènes et double hiérarchie : risque de départs."),
    "systems": (4, "Double saisie et absence de tableau de bord commun ; questionnaire le plus bas."),
    "functions": (5, "Doublons des fonctions support, levier d'économies."),
    "strategy": (6, "Socle solide ; manque surtout une revue annuelle outillée."),
    "cultures": (7, "Valeurs partagées ; vigilance sur l'identité en cas d'intégration."),
}  # fmt: skip

# Scores 1–5 on mission, efficiency, finance, culture, feasibility, cost.
SCENARIO_SCORES = {
    "status_quo": (2, 2, 3, 5, 5, 5),
    "integrated": (5, 4, 4, 4, 4, 3),
    "joint_structure": (3, 3, 4, 3, 3, 3),
    "merger": (4, 5, 3, 1, 1, 1),
}
SCENARIO_TEXT = {
    "status_quo": ("Deux organisations, un comité de liaison renforcé et des règles écrites.",
                   "Peu de coûts, mais les doublons et la double gouvernance demeurent."),
    "integrated": ("Une alliance dotée d'un comité stratégique commun et de services partagés "
                   "(finance, RH, IT, relation membres) portés par une convention.",
                   "Économies d'échelle, guichet unique, identités préservées."),
    "joint_structure": ("Une structure juridique commune (GIE ou association faîtière) qui "
                        "emploie les équipes partagées.",
                        "Clarifie les engagements, mais coûteuse à créer et à gouverner."),
    "merger": ("Fusion des deux associations en une seule entité internationale.",
               "Efficacité maximale à terme ; fort risque culturel et juridique."),
}  # fmt: skip

# (key, dimension, title, priority, status, scenario key)
RECOMMENDATIONS = [
    ("r1", "governance", "Créer un comité stratégique commun aux deux conseils", 1, "boards"),
    ("r2", "governance", "Écrire une charte de délégation entre les directions", 1, "boards"),
    ("r3", "business_models", "Adopter une clé de répartition des coûts et recettes communs", 1, "boards"),
    ("r4", "business_models", "Construire une offre de services payants unifiée", 2, "boards"),
    ("r5", "human_resources", "Définir un cadre RH commun (charte, entretiens, formation)", 1, "boards"),
    ("r6", "human_resources", "Supprimer la double ligne hiérarchique des postes partagés", 2, "directions"),
    ("r7", "systems", "Déployer un CRM et un suivi du temps communs", 2, "boards"),
    ("r8", "systems", "Mettre en place un tableau de bord consolidé de l'alliance", 2, "boards"),
    ("r9", "functions", "Mutualiser finance, RH et informatique en services partagés", 1, "directions"),
    ("r10", "strategy", "Instaurer une revue annuelle de la stratégie avec indicateurs", 2, "proposed"),
    ("r11", "cultures", "Organiser un séminaire annuel commun des équipes", 3, "proposed"),
    ("r12", "functions", "Créer une structure juridique commune employant les équipes", 3, "rejected"),
]  # fmt: skip

# (recommendation, title, priority, start, due, owner, indicator codes, days, €, training,
#  status, progress)
ACTIONS = [
    ("r1", "Rédiger le mandat du comité stratégique commun", 1, D(2026, 9, 1), D(2026, 9, 30), "Bernard Lhuillier", ("GOV-01",), 2, 0, "", "done", 100),
    ("r1", "Tenir le premier comité stratégique commun", 1, D(2026, 10, 1), D(2026, 11, 15), "Priya Raman", ("GOV-01",), 1, 500, "", "done", 100),
    ("r1", "Aligner les calendriers des AG et des conseils", 2, D(2026, 10, 1), D(2027, 3, 31), "Hélène Vasseur", ("GOV-03",), 2, 0, "", "in_progress", 40),
    ("r2", "Cartographier les décisions et les délégations", 1, D(2026, 9, 1), D(2026, 10, 31), "Amara Diallo", (), 3, 0, "", "in_progress", 70),
    ("r2", "Faire adopter la charte de délégation par les deux conseils", 1, D(2026, 11, 1), D(2027, 1, 31), "Hélène Vasseur", (), 1, 0, "", "to_do", 0),
    ("r3", "Analyser les coûts des fonctions communes 2025", 1, D(2026, 9, 1), D(2026, 10, 15), "Élodie Marchand", (), 5, 0, "Comptabilité analytique", "in_progress", 60),
    ("r3", "Proposer la clé de répartition aux trésoriers", 1, D(2026, 10, 15), D(2026, 12, 15), "Anne-Sophie Roche", (), 2, 0, "", "in_progress", 30),
    ("r4", "Définir le catalogue de services unifié", 2, D(2026, 10, 1), D(2027, 2, 28), "Mathieu Carrel", ("PAR-02",), 6, 3000, "", "in_progress", 25),
    ("r4", "Lancer une certification de formateurs", 3, D(2027, 1, 1), D(2027, 6, 30), "Mei Lin", ("SAT-01",), 10, 8000, "Ingénierie de certification", "to_do", 0),
    ("r5", "Rédiger la charte RH commune", 1, D(2026, 9, 15), D(2026, 12, 31), "Élodie Marchand", (), 4, 0, "Droit social international", "in_progress", 50),
    ("r5", "Harmoniser les entretiens annuels", 2, D(2026, 11, 1), D(2027, 3, 31), "Daniel Okafor", (), 3, 0, "Conduite d'entretiens", "to_do", 0),
    ("r5", "Plan de formation commun 2027", 2, D(2026, 11, 1), D(2027, 1, 31), "Fatou Sow", ("GOV-02",), 3, 12000, "Recueil des besoins", "in_progress", 10),
    ("r6", "Nommer un responsable unique par poste partagé", 2, D(2026, 10, 1), D(2026, 12, 31), "Amara Diallo", (), 1, 0, "Management à distance", "in_progress", 50),
    ("r7", "Choisir le CRM commun (appel d'offres)", 2, D(2026, 9, 15), D(2026, 11, 15), "Julien Mercier", (), 4, 0, "", "done", 100),
    ("r7", "Migrer les données membres vers le CRM commun", 2, D(2026, 12, 1), D(2027, 6, 30), "Julien Mercier", ("PAR-01",), 15, 25000, "Prise en main du CRM", "to_do", 0),
    ("r7", "Adopter un outil commun de suivi du temps", 3, D(2026, 11, 1), D(2027, 2, 28), "Tomás Herrera", (), 2, 2000, "", "to_do", 0),
    ("r8", "Définir les indicateurs du tableau de bord consolidé", 2, D(2026, 9, 1), D(2026, 12, 15), "Camille Nguyen", ("PAR-03", "SAT-01"), 3, 0, "", "in_progress", 65),
    ("r8", "Publier le premier tableau de bord trimestriel", 2, D(2026, 11, 1), D(2027, 1, 15), "Camille Nguyen", ("PAR-03",), 2, 0, "", "to_do", 0),
    ("r9", "Étude de préfiguration des services partagés", 1, D(2026, 10, 1), D(2027, 1, 31), "Rosa Martínez", (), 6, 4000, "", "in_progress", 20),
    ("r9", "Consulter les équipes support sur le futur service", 2, D(2026, 11, 1), D(2027, 2, 28), "Laura Bianchi", (), 2, 0, "Conduite du changement", "to_do", 0),
]  # fmt: skip


def _actor(workspace, author, key: str) -> Actor:
    spec = ORGANISATIONS[key]
    found = Actor.objects.filter(workspace=workspace, name=spec["name"]).first()
    if found is not None:
        return found
    return actor_create(workspace=workspace, user=author, **spec)


def seed(workspace, users, *, today: date | None = None) -> dict:
    """Create the demo engagement of `workspace` unless it exists; return what was created."""
    people = list(users.values()) if isinstance(users, dict) else list(users)
    author = people[0] if people else None
    if Engagement.objects.filter(workspace=workspace, title=TITLE).exists():
        return {"engagements": 0}
    with transaction.atomic():
        return _build(workspace, author)


def _build(workspace, author) -> dict:
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data
    base = {"workspace": workspace, "created_by": author}
    orgs = {key: _actor(workspace, author, key) for key in ORGANISATIONS}

    def child(model, parent_field, parent, **fields):
        return create_child(model, parent_field, parent, user=author, **fields)

    engagement = tenant_create(
        Engagement,
        workspace=workspace,
        user=author,
        title=TITLE,
        summary=(
            "Équité Finance et GISA partagent depuis 2022 une vision, une marque, un site web, "
            "un plan stratégique et une partie de leurs équipes. Après deux ans de travail en "
            "commun, des questions de fonctionnement et de modèle d'affaires pèsent sur leur "
            "efficacité. Objectif : diagnostiquer l'alliance sur sept dimensions, choisir un "
            "scénario cible et bâtir un plan de mise en œuvre validé par les deux conseils."
        ),
        status=EngagementStatus.PLAN,
        start_date=D(2026, 3, 2),
        end_date=D(2026, 11, 30),
        consultants="\n".join(CONSULTANTS),
        project_lead="Claire Martin",
        focal_point="Hélène Vasseur (Équité Finance) et Amara Diallo (GISA)",
        budget_days=Decimal(25),
        budget_amount=Decimal(25000),
        expected_interviews=22,
    )
    for actor in orgs.values():
        child(EngagementOrganisation, "engagement", engagement, actor=actor)
    for name, role, org in (
        ("Bernard Lhuillier", "Président du CA", "equite"),
        ("Priya Raman", "Board Chair", "gisa"),
        ("Hélène Vasseur", "Directrice générale", "equite"),
        ("Amara Diallo", "Executive Director", "gisa"),
        ("Anne-Sophie Roche", "Trésorière", "equite"),
        ("Jonathan Ekwueme", "Board Treasurer", "gisa"),
    ):
        child(
            CommitteeMember, "engagement", engagement, name=name, role=role, organisation=orgs[org]
        )
    for kind, name, due, done in (
        (MilestoneKind.DIAGNOSTIC, "Diagnostic et SWOT remis", D(2026, 6, 15), D(2026, 6, 19)),
        (MilestoneKind.RECOMMENDATIONS, "Recommandations validées", D(2026, 7, 31), D(2026, 7, 24)),
        (MilestoneKind.PLAN, "Plan de mise en œuvre remis", D(2026, 11, 20), None),
    ):
        child(
            EngagementMilestone,
            "engagement",
            engagement,
            kind=kind,
            name=name,
            due_on=due,
            done_on=done,
        )
    for spent_on, person, days, what in (
        (D(2026, 3, 6), "Claire Martin", "1.5", "Cadrage, lancement du comité"),
        (D(2026, 3, 27), "Karim Benali", "2", "Revue documentaire"),
        (D(2026, 4, 30), "Claire Martin", "4", "Entretiens individuels"),
        (D(2026, 4, 30), "Karim Benali", "3", "Entretiens individuels"),
        (D(2026, 5, 29), "Claire Martin", "3", "Entretiens collectifs, questionnaire"),
        (D(2026, 6, 19), "Karim Benali", "3", "Analyse, SWOT, rapport de diagnostic"),
        (D(2026, 7, 10), "Claire Martin", "2.5", "Scénarios et recommandations"),
        (D(2026, 10, 16), "Karim Benali", "1.5", "Plan de mise en œuvre"),
        (D(2026, 11, 17), "Claire Martin", "1.5", "Restitution du plan"),
    ):
        child(
            TimeSpent,
            "engagement",
            engagement,
            spent_on=spent_on,
            person=person,
            days=Decimal(days),
            amount=Decimal(days) * 1000,
            description=what,
        )

    ensure_defaults(engagement, user=author, language="fr")
    dimensions = {d.key: d for d in Dimension.objects.filter(engagement=engagement)}
    for key, (rank, why) in PRIORITIES.items():
        tenant_update(
            dimensions[key],
            user=author,
            expected_version=None,
            priority_rank=rank,
            priority_rationale=why,
        )

    # Stakeholders, all consenting (the date they signed the consent form).
    stakeholders = {}
    for index, (key, name, job, org, category) in enumerate(STAKEHOLDERS):
        stakeholders[key] = child(
            Stakeholder,
            "engagement",
            engagement,
            name=name,
            job_title=job,
            organisation=orgs.get(org) if org else None,
            category=category,
            email=f"{key}@{'equite' if org == 'equite' else 'gisa' if org else 'partenaire'}.example.org",
            consent=True,
            consent_on=D(2026, 3, 23) + timedelta(days=index % 10),
        )

    for position, (dim, fr, en) in enumerate(GUIDE):
        child(
            InterviewQuestion,
            "engagement",
            engagement,
            dimension=dimensions[dim],
            text_fr=fr,
            text_en=en,
            position=position,
        )

    interviews = []
    for number, (key, held) in enumerate(INDIVIDUAL):
        person = stakeholders[key]
        interview = child(
            Interview,
            "engagement",
            engagement,
            kind=InterviewKind.INDIVIDUAL,
            status=InterviewStatus.DONE,
            planned_on=held,
            held_on=held,
            interviewer=CONSULTANTS[number % 2],
            notes=NOTES[person.category][number % 2],
        )
        interview.stakeholders.set([person])
        interviews.append(interview)
    for number, (keys, held) in enumerate(GROUPS):
        people = [stakeholders[k] for k in keys]
        interview = child(
            Interview,
            "engagement",
            engagement,
            kind=InterviewKind.GROUP,
            status=InterviewStatus.DONE,
            planned_on=held,
            held_on=held,
            interviewer=CONSULTANTS[number % 2],
            notes=f"Entretien collectif ({len(people)} personnes). "
            + NOTES[people[0].category][(number + 1) % 2],
        )
        interview.stakeholders.set(people)
        interviews.append(interview)

    documents = {
        key: child(
            ReviewedDocument, "engagement", engagement, kind=kind, title=title, source=source,
            reviewed_on=D(2026, 3, 16) + timedelta(days=3 * n), summary=summary,
        )
        for n, (key, kind, title, source, summary) in enumerate(DOCUMENTS)
    }  # fmt: skip

    # Findings and their sources (bulk: ~80 findings, ~190 sources).
    planned = [(dim, *spec) for dim, specs in FINDINGS.items() for spec in specs]
    findings = Finding.objects.bulk_create(
        [
            Finding(
                **base,
                engagement=engagement,
                dimension=dimensions[dim],
                quadrant=quadrant,
                statement=statement,
                severity=severity,
            )
            for dim, quadrant, severity, statement, _quote, _docs in planned
        ]
    )
    sources, frequency = [], {}
    for number, (finding, (_dim, _q, severity, _st, quote, docs)) in enumerate(
        zip(findings, planned, strict=True)
    ):
        heard = rng.sample(interviews, 1 + (severity >= 4) + (number % 3 == 0))
        for index, interview in enumerate(heard):
            sources.append(
                FindingSource(
                    **base,
                    finding=finding,
                    interview=interview,
                    quote=quote if index == 0 else "",
                    anonymise=not (index == 0 and number % 9 == 4),
                )
            )
        for doc in docs:
            sources.append(FindingSource(**base, finding=finding, document=documents[doc]))
        frequency[finding.pk] = len(heard) + len(docs)
    FindingSource.objects.bulk_create(sources)

    # The SWOT: one item per quadrant × dimension, heaviest statement, ranked by weight.
    groups: dict = {}
    for finding in findings:
        groups.setdefault((finding.quadrant, finding.dimension_id), []).append(finding)
    for quadrant in Quadrant.values:
        cells = [(key, rows) for key, rows in groups.items() if key[0] == quadrant]

        def weight(f):
            return scoring.finding_weight(frequency[f.pk], f.severity)

        cells.sort(key=lambda cell: (-sum(weight(f) for f in cell[1]), cell[0][1]))
        for position, (_cell, rows) in enumerate(cells):
            heaviest = max(rows, key=lambda f: (weight(f), -f.pk))
            item = child(
                SwotItem,
                "engagement",
                engagement,
                quadrant=quadrant,
                text=heaviest.statement,
                position=position,
            )
            item.findings.set(rows)

    # The questionnaire: 14 statements, 20 answers through personal links.
    questionnaire = child(
        Questionnaire,
        "engagement",
        engagement,
        title="Questionnaire court sur le fonctionnement de l'alliance",
        introduction="Quatorze affirmations, deux par dimension : de 1 (pas du tout d'accord) "
        "à 5 (tout à fait d'accord). Réponses anonymes dans les livrables.",
        is_open=False,
        closes_on=D(2026, 6, 5),
    )
    items = []
    for dim, statements in QUESTIONNAIRE.items():
        for fr, en in statements:
            items.append(
                child(
                    QuestionnaireItem,
                    "questionnaire",
                    questionnaire,
                    dimension=dimensions[dim],
                    statement_fr=fr,
                    statement_en=en,
                    position=len(items),
                )
            )
    invited = list(stakeholders.values())[:24]
    answers = []
    for number, stakeholder in enumerate(invited):
        invitation = child(
            QuestionnaireInvitation,
            "questionnaire",
            questionnaire,
            stakeholder=stakeholder,
            sent_on=D(2026, 5, 20),
        )
        if number % 6 == 5:  # four never answered
            continue
        tenant_update(
            invitation,
            user=author,
            expected_version=None,
            answered_at=timezone.make_aware(
                datetime.combine(D(2026, 5, 21) + timedelta(days=number % 12), time(10))
            ),
        )
        for item in items:
            centre = ANSWER_CENTRE[item.dimension.key]
            value = min(5, max(1, round(rng.gauss(centre, 0.9))))
            answers.append(
                QuestionnaireAnswer(**base, invitation=invitation, item=item, value=value)
            )
    QuestionnaireAnswer.objects.bulk_create(answers)

    # Scenarios scored on the criteria; the integrated alliance is the target.
    scenarios = {s.key: s for s in Scenario.objects.filter(engagement=engagement)}
    criteria = list(Criterion.objects.filter(engagement=engagement).order_by("position", "id"))
    for key, scenario in scenarios.items():
        description, impacts = SCENARIO_TEXT[key]
        tenant_update(
            scenario, user=author, expected_version=None, description=description, impacts=impacts
        )
        for criterion, score in zip(criteria, SCENARIO_SCORES[key], strict=True):
            child(
                ScenarioScore,
                "scenario",
                scenario,
                criterion=criterion,
                score=score,
                rationale=f"{scenario.name} — {criterion.name.lower()} : note {score}/5.",
            )
    tenant_update(
        engagement,
        user=author,
        expected_version=None,
        target_scenario=scenarios["integrated"],
        target_rationale=(
            "Meilleur score pondéré (4,15/5) et premier quelle que soit la variation de ±20 % "
            "d'un poids. Il répond aux trois dimensions prioritaires (gouvernance, modèle "
            "d'affaires, RH) sans le risque culturel et juridique d'une fusion ; une structure "
            "commune reste une étape possible après trois ans de services partagés."
        ),
    )

    # Recommendations with their validation trail.
    by_dimension: dict = {}
    for finding in findings:
        if finding.quadrant in (Quadrant.WEAKNESS, Quadrant.THREAT):
            by_dimension.setdefault(finding.dimension_id, []).append(finding)
    recommendations = {}
    for number, (key, dim, title, priority, status) in enumerate(RECOMMENDATIONS):
        trail = {}
        if status in ("directions", "boards"):
            trail |= {
                "directions_validated_by": "Hélène Vasseur, Amara Diallo",
                "directions_validated_on": D(2026, 7, 7),
            }
        if status == "boards":
            trail |= {
                "boards_validated_by": "Bernard Lhuillier (CA Équité Finance), Priya Raman "
                "(Board GISA)",
                "boards_validated_on": D(2026, 7, 21) if number < 5 else D(2026, 9, 22),
            }
        if status == "rejected":
            trail |= {
                "rejected_on": D(2026, 7, 21),
                "rejection_reason": "Prématuré : les conseils préfèrent éprouver trois ans de "
                "services partagés avant toute structure juridique commune.",
            }
        recommendation = child(
            Recommendation,
            "engagement",
            engagement,
            dimension=dimensions[dim],
            title=title,
            description=f"Réponse aux faiblesses relevées sur « {dimensions[dim].name} ».",
            priority=priority,
            scenario=scenarios["joint_structure" if key == "r12" else "integrated"],
            status=RecommendationStatus(status),
            **trail,
        )
        recommendation.findings.set(by_dimension.get(dimensions[dim].pk, [])[:3])
        recommendations[key] = recommendation

    # The implementation plan.
    indicators = {i.code: i for i in Indicator.objects.filter(workspace=workspace)}
    for number, spec in enumerate(ACTIONS):
        (
            reco,
            title,
            priority,
            start,
            due,
            owner,
            codes,
            days,
            amount,
            training,
            status,
            progress,
        ) = spec
        action = child(
            PlanAction,
            "engagement",
            engagement,
            recommendation=recommendations[reco],
            title=title,
            priority=Priority(priority),
            start_on=start,
            due_on=due,
            owner=owner,
            monitoring_mode="Point mensuel au comité de liaison ; suivi dans le tableau de bord.",
            resource_days=Decimal(days),
            resource_amount=Decimal(amount),
            training_needs=training,
            status=ActionStatus(status),
            progress=progress,
        )
        chosen = [indicators[c] for c in codes if c in indicators]
        if chosen:
            action.indicators.set(chosen)
        steps = [p for p in (progress // 3, (2 * progress) // 3, progress) if p] if progress else []
        for step_number, value in enumerate(dict.fromkeys(steps)):
            on = min(start + timedelta(days=20 * (step_number + 1)), D(2026, 11, 27))
            child(
                ActionUpdate,
                "action",
                action,
                on=on,
                progress=value,
                note="Terminé." if value == 100 else f"Avancement {value} %.",
            )
        if number in (3, 5):  # the two overdue actions: an update says why
            child(
                ActionUpdate,
                "action",
                action,
                on=D(2026, 11, 20),
                progress=progress,
                note="En retard : données comptables 2025 arrivées tard.",
            )

    # The steering committee.
    attendees = "\n".join(
        ["Bernard Lhuillier", "Priya Raman", "Hélène Vasseur", "Amara Diallo", *CONSULTANTS]
    )
    meetings = [
        (
            CommitteeMeetingKind.KICK_OFF,
            D(2026, 3, 10),
            "Cadrage, calendrier, méthode",
            [
                ("decision", "Le calendrier de 9 mois et les sept dimensions sont adoptés."),
                (
                    "arbitration",
                    "Les entretiens couvrent aussi les partenaires financiers (30 personnes).",
                ),
            ],
            [
                ("Transmettre les documents internes", "Hélène Vasseur", D(2026, 3, 20), "done"),
                ("Envoyer la liste des parties prenantes", "Amara Diallo", D(2026, 3, 24), "done"),
            ],
        ),
        (
            CommitteeMeetingKind.MONTHLY,
            D(2026, 4, 14),
            "Avancement des entretiens",
            [("decision", "Le questionnaire court est envoyé fin mai.")],
            [("Relancer les administrateurs non joints", "Priya Raman", D(2026, 4, 24), "done")],
        ),
        (
            CommitteeMeetingKind.MONTHLY,
            D(2026, 5, 19),
            "Premiers constats",
            [("arbitration", "Priorité donnée à la gouvernance sur les systèmes.")],
            [("Valider le questionnaire", "Hélène Vasseur", D(2026, 5, 20), "done")],
        ),
        (
            CommitteeMeetingKind.RECOMMENDATIONS,
            D(2026, 7, 7),
            "Restitution du diagnostic, des scénarios et des recommandations",
            [
                (
                    "decision",
                    "Le scénario « Alliance intégrée avec services partagés » est retenu.",
                ),
                (
                    "decision",
                    "Neuf recommandations validées par les directions, transmises aux conseils.",
                ),
                ("arbitration", "La structure juridique commune est écartée pour trois ans."),
            ],
            [
                (
                    "Présenter les recommandations aux deux conseils",
                    "Bernard Lhuillier",
                    D(2026, 7, 21),
                    "done",
                )
            ],
        ),
        (
            CommitteeMeetingKind.MONTHLY,
            D(2026, 9, 15),
            "Préparation du plan de mise en œuvre",
            [("decision", "Vingt actions au plus, chacune avec un responsable et un indicateur.")],
            [
                ("Désigner les responsables des actions", "Amara Diallo", D(2026, 9, 30), "done"),
                (
                    "Chiffrer les ressources du plan",
                    "Anne-Sophie Roche",
                    D(2026, 10, 31),
                    "in_progress",
                ),
            ],
        ),
        (
            CommitteeMeetingKind.PLAN,
            D(2026, 11, 17),
            "Restitution du plan de mise en œuvre",
            [
                (
                    "decision",
                    "Le plan est adopté ; revue trimestrielle en comité stratégique commun.",
                ),
                ("arbitration", "La migration CRM est décalée à décembre pour le budget 2027."),
            ],
            [
                ("Partager le plan avec les équipes", "Hélène Vasseur", D(2026, 11, 27), "to_do"),
                (
                    "Préparer le budget 2027 des services partagés",
                    "Jonathan Ekwueme",
                    D(2026, 12, 18),
                    "to_do",
                ),
            ],
        ),
    ]
    for kind, held, agenda, outcomes, items_ in meetings:
        meeting = child(
            CommitteeMeeting,
            "engagement",
            engagement,
            kind=kind,
            held_on=held,
            agenda=agenda,
            attendees=attendees,
            minutes=f"{agenda} : échanges, décisions et actions ci-dessous.",
        )
        for outcome_kind, text in outcomes:
            child(
                CommitteeOutcome,
                "meeting",
                meeting,
                kind=CommitteeOutcomeKind(outcome_kind),
                text=text,
            )
        for title, owner, due, status in items_:
            child(
                CommitteeActionItem,
                "meeting",
                meeting,
                title=title,
                owner=owner,
                due_on=due,
                status=ActionStatus(status),
            )
    return {
        "engagements": 1,
        "interviews": len(interviews),
        "findings": len(findings),
        "sources": len(sources),
        "answers": len(answers),
    }
