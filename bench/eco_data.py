"""Synthetic registry rows for bench/bench_ecosystem.py: CSV files in the `actors` import layout.

Deterministic for a given seed and row range. Every row carries one unique identifier (a SIRET
for 75 % of rows, else an RNA number for associations, else a SIREN), all with valid check
digits, so an import creates one actor per row and a re-import matches every row.

Text is built so that search has both kinds of terms:

- frequent words: "solidaire" in about 30 % of rows, "association" in about a third, "insertion"
  and "emploi" in about 10 %, French town names (with accents) in about 5 % each;
- rare words: descriptions draw 8 words out of a vocabulary of ~140,000 invented words
  (`RARE_VOCABULARY`), so a given word is in about 8 × rows / 140,000 rows (11 at 200,000
  rows, 115 at 2,000,000).
"""

import csv
import io
import random
from itertools import product

from stdnum import luhn

HEADER = [
    "name",
    "aliases",
    "profile",
    "siret",
    "rna",
    "siren",
    "website",
    "description",
    "level",
    "region",
    "department",
    "missions",
    "themes",
    "audiences",
    "sdg",
    "latitude",
    "longitude",
    "last_verified_on",
]

SYLLABLES = [
    "ba", "bo", "cha", "da", "dou", "fa", "fi", "ga", "gou", "ja", "ka", "la", "li", "lou", "ma",
    "mi", "mo", "na", "ni", "no", "pa", "pi", "po", "ra", "ri", "ro", "sa", "si", "so", "ta", "ti",
    "to", "va", "vi", "vo", "za", "zi", "zo", "bré", "cré", "dré", "fré", "gré", "tré", "vré",
    "pla", "pli", "plo", "gla", "gli", "glo", "tra",
]  # fmt: skip
# 52 × 52 × 52 = 140,608 invented three-syllable words.
RARE_VOCABULARY = ["".join(parts) for parts in product(SYLLABLES, repeat=3)]

PROFILES = [
    ("association_volunteer", 15),
    ("association_employer", 22),
    ("association_large", 5),
    ("foundation", 4),
    ("ess_enterprise", 10),
    ("company_tpe", 6),
    ("company_pme", 5),
    ("company_eti", 2),
    ("company_ge", 1),
    ("public_eu", 0.2),
    ("public_state", 0.8),
    ("public_region", 0.5),
    ("public_department", 1),
    ("public_epci", 2),
    ("public_commune", 4),
    ("intermediary", 6),
    ("funder", 4),
    ("academic", 3),
    ("expert", 5),
]
LEVELS = [
    ("local", 40),
    ("departmental", 25),
    ("regional", 15),
    ("national", 10),
    ("international", 3),
    ("europe", 3),
    ("virtual", 4),
]
PREFIXES = {
    "association": ["Association", "Collectif", "Les Amis de", "Union"],
    "foundation": ["Fondation", "Fonds de dotation"],
    "ess_enterprise": ["SCOP", "SCIC", "Coopérative", "Entreprise d'insertion"],
    "company": ["Société", "Groupe", "Atelier", "Établissements"],
    "public": ["Commune de", "Communauté de communes", "Conseil", "Mission"],
    "intermediary": ["Réseau", "Pôle", "Maison de l'ESS", "Fédération"],
    "funder": ["Fonds", "Caisse", "Finance"],
    "academic": ["Laboratoire", "Chaire", "Institut"],
    "expert": ["Cabinet", "Conseil", "Studio"],
}
TOWNS = ["Saint-Étienne", "Besançon", "Orléans", "Nîmes", "Béziers", "Périgueux", "Épinal"]
MISSIONS = ["raise_awareness", "observe", "connect", "support"]
# Department code → region code (metropolitan France; enough for filters and matrices).
DEPARTMENTS = {
    **dict.fromkeys(["01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"], "84"),
    **dict.fromkeys(["02", "59", "60", "62", "80"], "32"),
    **dict.fromkeys(["75", "77", "78", "91", "92", "93", "94", "95"], "11"),
    **dict.fromkeys(["13", "04", "05", "06", "83", "84"], "93"),
    **dict.fromkeys(["16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"], "75"),
    **dict.fromkeys(
        ["09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"], "76"
    ),
    **dict.fromkeys(["22", "29", "35", "56"], "53"),
    **dict.fromkeys(["44", "49", "53", "72", "85"], "52"),
    **dict.fromkeys(["08", "10", "51", "52", "54", "55", "57", "67", "68", "88"], "44"),
    **dict.fromkeys(["14", "27", "50", "61", "76"], "28"),
    **dict.fromkeys(["18", "28", "36", "37", "41", "45"], "24"),
    **dict.fromkeys(["21", "25", "39", "58", "70", "71", "89", "90"], "27"),
}
DEPARTMENT_CODES = sorted(DEPARTMENTS)


def _family(profile: str) -> str:
    if profile.startswith("association_"):
        return "association"
    if profile.startswith("company_"):
        return "company"
    if profile.startswith("public_"):
        return "public"
    return profile


def siren_for(number: int) -> str:
    body = f"{10_000_000 + number:08d}"
    return body + luhn.calc_check_digit(body)


def siret_for(number: int) -> str:
    body = siren_for(number) + "0001"
    return body + luhn.calc_check_digit(body)


def rows(start: int, count: int, *, seed: int, themes: list[str], audiences: list[str]):
    """`count` rows for the global row numbers start … start + count - 1."""
    rng = random.Random(seed * 1_000_003 + start)
    profiles, profile_weights = zip(*PROFILES, strict=True)
    levels, level_weights = zip(*LEVELS, strict=True)
    profile_draws = rng.choices(profiles, profile_weights, k=count)
    level_draws = rng.choices(levels, level_weights, k=count)
    vocabulary = RARE_VOCABULARY
    for offset in range(count):
        number = start + offset
        profile = profile_draws[offset]
        family = _family(profile)
        level = level_draws[offset]
        words = [rng.choice(vocabulary) for _ in range(8)]
        name_words = [rng.choice(vocabulary).capitalize(), rng.choice(vocabulary).capitalize()]
        name = f"{rng.choice(PREFIXES[family])} {' '.join(name_words)}"
        if rng.random() < 0.3:
            name += " Solidaire"
        description_parts = [" ".join(words)]
        if family == "association" or rng.random() < 0.05:
            description_parts.append("association d'intérêt général")
        if rng.random() < 0.1:
            description_parts.append("chantier d'insertion et emploi")
        if rng.random() < 0.35:
            description_parts.append(f"à {rng.choice(TOWNS)}")
        siret = rna = siren = ""
        roll = rng.random()
        if roll < 0.75:
            siret = siret_for(number)
        elif family == "association":
            rna = f"W{number:09d}"
        else:
            siren = siren_for(number)
        department = region = ""
        if level in ("local", "departmental") or rng.random() < 0.3:
            department = rng.choice(DEPARTMENT_CODES)
        elif level == "regional":
            region = DEPARTMENTS[rng.choice(DEPARTMENT_CODES)]
        latitude = longitude = ""
        if rng.random() < 0.6:
            latitude = f"{rng.uniform(42.5, 51.0):.5f}"
            longitude = f"{rng.uniform(-4.5, 8.0):.5f}"
        yield [
            name,
            name_words[0][:4].upper() if rng.random() < 0.1 else "",
            profile,
            siret,
            rna,
            siren,
            f"https://acteur-{number}.example.org" if rng.random() < 0.5 else "",
            ", ".join(description_parts),
            level,
            region,
            department,
            " | ".join(m for m in MISSIONS if rng.random() < 0.3),
            " | ".join(rng.sample(themes, rng.randint(0, min(3, len(themes))))),
            " | ".join(rng.sample(audiences, rng.randint(0, min(2, len(audiences))))),
            ", ".join(str(g) for g in sorted(rng.sample(range(1, 18), rng.randint(0, 3)))),
            latitude,
            longitude,
            f"{rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            if rng.random() < 0.5
            else "",
        ]


def csv_bytes(start: int, count: int, **options) -> bytes:
    """A CSV file (`;`, UTF-8) with the header and `count` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows(start, count, **options))
    return buffer.getvalue().encode("utf-8")
