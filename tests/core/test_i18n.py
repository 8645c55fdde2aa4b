"""French by default, English on request; the catalogues are complete and compiled."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LOCALE = Path(settings.LOCALE_PATHS[0])


@pytest.fixture(autouse=True)
def french_default(settings):
    settings.LANGUAGE_CODE = "fr"


def test_french_is_the_default_whatever_the_browser_says(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.content.decode()
    assert "Se connecter" in response.content.decode()


def test_the_switch_sets_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in page
    assert "Sign in" in page
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert "Se connecter" in client.get(reverse("accounts:login")).content.decode()


def test_preferred_language_of_the_user_applies_without_cookie(client, member, workspace):
    member.user.language = "en"
    member.user.save()
    client.force_login(member.user)
    page = client.get(reverse("workspaces:dashboard", args=[workspace.slug])).content.decode()
    assert '<html lang="en">' in page


def test_amounts_and_dates_follow_the_language(client):
    from datetime import date
    from decimal import Decimal

    from django.template import Context, Template
    from django.utils import translation

    template = Template('{{ d|date:"SHORT_DATE_FORMAT" }} {{ n|floatformat:"2g" }}')
    context = Context({"d": date(2026, 3, 14), "n": Decimal("1234.5")})
    with translation.override("fr"):
        assert template.render(context) == "14/03/2026 1\u202f234,50"
    with translation.override("en"):
        assert template.render(context) == "03/14/2026 1,234.50"


def _entries(po_path: Path):
    """(msgid, msgstr, fuzzy) of each entry of a .po file, without gettext tools."""
    entries, block = [], []
    for line in [*po_path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.strip():
            block.append(line)
            continue
        if block:
            entries.append(block)
            block = []
    result = []
    for block in entries:
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block)
        text = "\n".join(block)
        if "msgid " not in text or block[0].startswith("#~"):
            continue
        msgid = _field(block, "msgid")
        strs = [
            _field(block, key) for key in ("msgstr", "msgstr[0]", "msgstr[1]") if _has(block, key)
        ]
        result.append((msgid, strs, fuzzy))
    return result


def _has(block, key):
    return any(line.startswith(key + " ") for line in block)


def _field(block, key):
    out, inside = [], False
    for line in block:
        if line.startswith(key + " "):
            inside = True
            out.append(line[len(key) + 1 :].strip().strip('"'))
        elif inside and line.startswith('"'):
            out.append(line.strip().strip('"'))
        elif inside:
            break
    return "".join(out)


def test_french_catalogue_is_complete_and_compiled():
    po = LOCALE / "fr" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert po.exists() and mo.exists()
    missing = [msgid for msgid, strs, fuzzy in _entries(po) if msgid and (fuzzy or not all(strs))]
    assert not missing, f"{len(missing)} untranslated or fuzzy French messages: {missing[:10]}"
    assert mo.stat().st_mtime >= po.stat().st_mtime - 1, "run `make messages`"
