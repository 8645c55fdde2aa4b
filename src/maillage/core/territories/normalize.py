"""Place names normalised for accent- and case-insensitive search, the same on every database.

"Saint-Étienne" and "saint etienne" both become "saint etienne"; "L'Haÿ-les-Roses" becomes
"l hay les roses"; "Œuilly" becomes "oeuilly".
"""

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize_search_text(text: str) -> str:
    """Lower-case ASCII words separated by single spaces (accents, punctuation, dashes dropped)."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_LIGATURES))
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_ALNUM.sub(" ", ascii_text.casefold()).strip()
