"""French formats: Django's, with the narrow no-break space as thousands separator.

The narrow no-break space (U+202F) is the separator of French typography (Imprimerie nationale)
and the one `core.templatetags.maillage_format` uses for amounts, so every number on a page looks
the same.
"""

from django.conf.locale.fr.formats import *  # noqa: F403

THOUSAND_SEPARATOR = "\u202f"
