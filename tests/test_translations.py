"""The product in French and in English (DESIGN: every text through gettext).

The French catalogue is complete (no entry left untranslated or fuzzy, which gettext would show
in English), keeps every placeholder, and follows one typography. Pages, service errors and API
errors answer in the user's chosen language, else in the browser's, French by default.
"""

import ast
import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client, RequestFactory
from django.utils import timezone, translation

from salespipe import settings as project_settings
from salespipe.api.models import ApiToken
from salespipe.customers.models import Account
from salespipe.org.models import Collaborator
from salespipe.pipeline.models import Opportunity, Quote
from salespipe.pipeline.presenters.card_html import CardRenderer
from salespipe.test import PASSWORD, World, make_opportunity, make_user

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"

# %(name)s, %s, %d… and {name}: what gettext's callers fill in.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{\w*\}")
# French puts a space before : ; ? ! (a normal one, everywhere the same).
GLUED_PUNCTUATION = re.compile(r"[^\s\u00a0][:;?!](?=\s|$)")


def _messages() -> list[Message]:
    with CATALOGUE.open("rb") as po:
        catalog = read_po(po, locale="fr")
    return [message for message in catalog if message.id]


def _ids(message: Message) -> tuple[str, ...]:
    ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
    return tuple(str(text) for text in ids)


def _strings(message: Message) -> tuple[str, ...]:
    strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
    return tuple(text or "" for text in strings)


def _client(user: Collaborator, language: str = "") -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    assert client.login(
        request=RequestFactory().post("/login/"), username=user.username, password=PASSWORD
    )
    return client


def _page(client: Client, url: str, accept_language: str) -> str:
    response = client.get(url, headers={"Accept-Language": accept_language})
    assert response.status_code == 200, url
    return response.content.decode()


# --- the catalogue --------------------------------------------------------------------------


def test_the_french_catalogue_has_no_untranslated_or_fuzzy_entry():
    messages = _messages()

    untranslated = [_ids(m)[0] for m in messages if not all(_strings(m))]
    fuzzy = [_ids(m)[0] for m in messages if m.fuzzy]

    assert len(messages) > 400
    assert untranslated == []
    assert fuzzy == []


# The names the code translates through; `makemessages` reads their first argument.
_GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext"}


def _translated_inside_f_strings(path: Path) -> list[int]:
    """The lines of `path` that translate a message inside an f-string's braces, which
    `makemessages` doesn't read: the message would never be translated."""
    tree = ast.parse(path.read_text(), filename=str(path))
    return sorted(
        call.lineno
        for string in ast.walk(tree)
        if isinstance(string, ast.JoinedStr)
        for call in ast.walk(string)
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id in _GETTEXT_NAMES
    )


def test_no_message_is_translated_where_makemessages_cant_find_it():
    package = Path(settings.BASE_DIR) / "salespipe"
    found = {
        str(path.relative_to(package)): lines
        for path in package.rglob("*.py")
        if (lines := _translated_inside_f_strings(path))
    }
    assert found == {}


def test_a_card_without_an_action_offers_one_in_french():
    """B20: the card's + button says what it does in the user's language."""
    with translation.override("fr"):
        button = CardRenderer(today=timezone.localdate(), now=timezone.now()).no_action_button
    assert 'title="Aucune action planifiée"' in button
    assert 'aria-label="Aucune action planifiée : en planifier une"' in button


def test_every_french_translation_keeps_the_placeholders_of_its_text():
    changed: list[tuple[str, str]] = []
    for message in _messages():
        # The plural form names the same values as the singular, for every French form.
        expected = Counter(PLACEHOLDER.findall(_ids(message)[-1]))
        changed.extend(
            (_ids(message)[0], string)
            for string in _strings(message)
            if Counter(PLACEHOLDER.findall(string)) != expected
        )

    assert changed == []


def test_french_translations_follow_one_typography():
    """Spaced : ; ? !, French quotes where the English has curly ones, one kind of apostrophe."""
    wrong = []
    for message in _messages():
        english = _ids(message)[0]
        for string in _strings(message):
            quoted_in_english = "“" in english
            if (
                GLUED_PUNCTUATION.search(string)
                or any(mark in string for mark in "’“”")
                or (quoted_in_english and "«" not in string)
            ):
                wrong.append(string)

    assert wrong == []


# --- pages ----------------------------------------------------------------------------------


def test_the_users_chosen_french_wins_over_an_english_browser(world: World):
    """B7, A1: alice chose French; her browser asks for English; the navigation speaks French."""
    page = _page(_client(world.alice, "fr"), "/", "en")

    assert '<html lang="fr">' in page
    assert ">Opportunités</a>" in page
    assert ">Comptes</a>" in page
    assert ">Se déconnecter</button>" in page
    assert "Regroupements de portefeuilles" in page
    world.alice.refresh_from_db()
    assert world.alice.language == "fr"


def test_without_a_chosen_language_the_browsers_english_is_used(world: World):
    """B7, A1: bob chose nothing; his browser asks for English."""
    page = _page(_client(world.bob), "/", "en")

    assert '<html lang="en">' in page
    assert ">Opportunities</a>" in page
    assert ">Log out</button>" in page
    assert "Opportunités" not in page
    world.bob.refresh_from_db()
    assert world.bob.language == ""


def test_a_browser_without_a_preference_gets_the_products_french(world: World, settings):
    """DESIGN: French by default (the shared test set-up reads English; the product's own
    setting is restored here)."""
    settings.LANGUAGE_CODE = project_settings.LANGUAGE_CODE
    client = _client(world.bob)

    response = client.get("/")

    assert project_settings.LANGUAGE_CODE == "fr"
    assert response["Content-Language"] == "fr"
    assert ">Opportunités</a>" in response.content.decode()
    world.bob.refresh_from_db()
    assert world.bob.language == ""


@pytest.mark.parametrize(
    ("accept_language", "expected", "absent"),
    [
        ("fr", ["Connexion à Salespipe", "Nom d'utilisateur", "Mot de passe"], "Password"),
        ("en", ["Log in to Salespipe", "Username", "Password"], "Mot de passe"),
    ],
)
def test_the_login_page_speaks_the_browsers_language(
    db, accept_language: str, expected: list[str], absent: str
):
    page = _page(Client(), "/login/", accept_language)

    for text in expected:
        assert text in page
    assert absent not in page
    assert not Collaborator.objects.exists()


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        (
            "fr",
            [
                "Administration de Salespipe",
                "Pipeline commercial",
                "Portefeuilles",
                "Modèles de stades",
                "Motifs d&#x27;archivage",
                "Types de vente",
                "Taux de change",
                "Collaborateurs",
            ],
        ),
        (
            "en",
            [
                "Salespipe administration",
                "Pipeline",
                "Portfolios",
                "Stage templates",
                "Loss reasons",
                "Sale types",
                "Exchange rates",
                "Collaborators",
            ],
        ),
    ],
)
def test_the_administration_names_its_models_in_the_browsers_language(
    world: World, accept_language: str, expected: list[str]
):
    """AD1-AD3: the configuration screens list the models by their translated names."""
    admin = make_user("admin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)

    page = _page(client, "/admin/", accept_language)

    for text in expected:
        assert text in page
    admin.refresh_from_db()
    assert admin.language == ""


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("fr", ["<dt>Téléphone</dt>", "<dt>Société</dt>", ">Aucune action pour l'instant.<"]),
        ("en", ["<dt>Phone</dt>", "<dt>Company</dt>", ">No action yet.<"]),
    ],
)
def test_an_account_page_speaks_the_browsers_language(
    world: World, accept_language: str, expected: list[str]
):
    """A1: the account's facts and its empty Actions tab."""
    page = _page(
        _client(world.bob), f"/accounts/{world.account_a.pk}/?tab=actions", accept_language
    )

    for text in expected:
        assert text in page
    assert Account.objects.filter(pk=world.account_a.pk, name="Boulangerie Dupont").exists()


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("fr", ["Nom d&#x27;appel", ">Montants<", ">Activités<", ">Historique<"]),
        ("en", ["Call name", ">Amounts<", ">Activities<", ">History<"]),
    ],
)
def test_an_opportunity_sheet_speaks_the_browsers_language(
    world: World, accept_language: str, expected: list[str]
):
    """S1-S8: the fields' labels and the tabs."""
    deal = make_opportunity(world.portfolio_a, account=world.account_a, name="Fours")

    page = _page(_client(world.bob), f"/opportunities/{deal.pk}/", accept_language)

    for text in expected:
        assert text in page
    deal.refresh_from_db()
    assert (deal.name, deal.version) == ("Fours", 1)


# --- errors of the services -----------------------------------------------------------------


def test_a_refused_delete_tells_a_french_user_why_and_keeps_the_opportunity(world: World):
    """B18, S7: a quote refers to the opportunity; the refusal comes from the service, in French."""
    deal = make_opportunity(world.portfolio_a, account=world.account_a, name="Fours")
    Quote.objects.create(company=world.company_a, number="D-7", opportunity=deal)

    response = _client(world.bob, "fr").post(
        f"/opportunities/{deal.pk}/delete/", {"version": "1"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 409
    assert (
        "Cette opportunité ne peut pas être supprimée : les devis D-7 y font référence."
        in response.content.decode()
    )
    assert Opportunity.objects.filter(pk=deal.pk, version=1).exists()


@pytest.mark.parametrize(
    ("accept_language", "message"),
    [
        ("fr", "Un compte de cette société a déjà ce SIREN."),
        ("en", "An account of this company already has this SIREN."),
    ],
)
def test_an_api_rule_error_answers_in_the_requests_language(
    world: World, accept_language: str, message: str
):
    """P8: the readable detail of a 422 from a service follows Accept-Language; nothing changes."""
    _token, clear = ApiToken.objects.issue(world.alice, name="tests")
    client = Client(headers={"Authorization": f"Bearer {clear}"})

    response = client.post(
        "/api/v1/accounts",
        {"company": world.company_a.pk, "name": "Twin", "siren": "732829320"},
        content_type="application/json",
        headers={"Accept-Language": accept_language},
    )

    assert response.status_code == 422
    assert response.json()["detail"] == f"siren: {message}"
    assert response.json()["errors"][0]["msg"] == message
    assert not Account.objects.filter(name="Twin").exists()
