"""Every message the code can show exists, translated, in all three catalogues; dates and
numbers follow each locale; a missing or incomplete catalogue stops the bot."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, I18nError, Translators, language_from_telegram

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
TAG = re.compile(r"</?[a-z]+>")


def code_messages() -> set[str]:
    found: set[str] = set()
    for folder in ("bot", "scheduler"):
        for _, _, message, _, _ in extract_from_dir(ROOT / folder, keywords=KEYWORDS,
                                                    comment_tags=(), strip_comment_tags=True):
            found.add(message if isinstance(message, str) else message[0])
    return found


def catalogue(lang: str) -> dict[str, object]:
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "kotobot.po").open("rb") as handle:
        return {(m.id if isinstance(m.id, str) else m.id[0]): m.string for m in read_po(handle) if m.id}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_every_message_in_the_code_is_translated(lang: str) -> None:
    translated = catalogue(lang)
    missing = sorted(code_messages() - set(translated))
    assert not missing, f"{lang}: not in the catalogue: {missing}"
    empty = [m for m, s in translated.items() if not s or (isinstance(s, tuple) and not all(s))]
    assert not empty, f"{lang}: untranslated: {empty}"


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_translations_keep_placeholders_and_markup(lang: str) -> None:
    for message, string in catalogue(lang).items():
        for text in (string if isinstance(string, tuple) else (string,)):
            assert set(PLACEHOLDER.findall(str(text))) <= set(PLACEHOLDER.findall(message)), message
            assert sorted(TAG.findall(str(text))) == sorted(TAG.findall(message)), message


def test_dates_and_numbers_per_locale() -> None:
    translators = Translators()
    deadline = date(2027, 1, 31)
    assert translators["fi"].date(deadline) == "31.1.2027"
    assert translators["sv"].date(deadline) == "31.1.2027"  # CLDR sv_FI
    assert translators["en"].date(deadline) == "31 Jan 2027"
    assert translators["en"].number(1200.5) == "1,200.5"
    assert translators["fi"].number(12.5) == "12,5"
    assert translators["sv"].number(12.5) == "12,5"


def test_plural_forms() -> None:
    translators = Translators()
    one = translators["fi"].ngettext("{count} measure due", "{count} measures due", 1)
    many = translators["fi"].ngettext("{count} measure due", "{count} measures due", 3)
    assert one != many


def test_missing_catalogue_is_refused(tmp_path: Path) -> None:
    shutil.copytree(LOCALES_DIR, tmp_path / "locales")
    (tmp_path / "locales" / "sv" / "LC_MESSAGES" / "kotobot.po").unlink()
    with pytest.raises(I18nError, match="missing translation catalogue"):
        Translators(tmp_path / "locales")


def test_untranslated_entry_is_refused(tmp_path: Path) -> None:
    shutil.copytree(LOCALES_DIR, tmp_path / "locales")
    po = tmp_path / "locales" / "fi" / "LC_MESSAGES" / "kotobot.po"
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "A brand new message"\nmsgstr ""\n',
                  encoding="utf-8")
    with pytest.raises(I18nError, match="untranslated or fuzzy"):
        Translators(tmp_path / "locales")


def test_telegram_language_codes() -> None:
    assert language_from_telegram("sv-FI") == "sv"
    assert language_from_telegram("fi") == "fi"
    assert language_from_telegram("pl") is None
    assert language_from_telegram(None) is None
