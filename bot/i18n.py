"""Translations and locale formatting for Finnish, Swedish and English.

Every text a person sees goes through gettext catalogues in `locales/<lang>/LC_MESSAGES`.
The `.po` files are the source; they are compiled to `.mo` here at start-up when missing or
stale, and the bot refuses to start when a catalogue is missing or has untranslated or
fuzzy entries, because babel's `Translations.load` would otherwise fall back silently to
the English message ids.

Dates and numbers are formatted with babel for the person's locale, CLDR's Finland formats:
Finnish (`fi_FI`) and Swedish (`sv_FI`) `31.1.2027`, English `31 Jan 2027`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from bot.catalogue.models import LANGUAGES, Text

LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"
DOMAIN = "kotobot"
DEFAULT_LANGUAGE = "fi"

_BABEL_LOCALE = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
_DATE_FORMAT = {"fi": "d.M.yyyy", "sv": "d.M.yyyy", "en": "d MMM yyyy"}
"""CLDR's short dates for fi_FI and sv_FI (both d.M.y, as Finland writes them); English
spells the month out, so 1/2 never reads as January or February depending on the reader."""

_HYPHENATED = {"sv": re.compile(r"(?<=[a-zåäö]{5}s)-(?=[a-zåäö]{4})")}
"""Words the printed layout split at a compound's joint ("Verksamhets-modell",
"organisations-fältet"): joined when shown. Only Swedish's joint -s-, which no real
hyphenated word in the catalogue has."""
_LINE_BREAK_HYPHEN = re.compile(r"(?<=\w)-\n(?=\w)")


def N_(message: str) -> str:
    """Marks a module-level literal for extraction; it is translated where it is shown."""
    return message


class I18nError(Exception):
    """A catalogue is missing, broken or incomplete: the bot must not start with it."""


def _check_and_compile(po_path: Path) -> None:
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=po_path.parents[1].name, domain=DOMAIN)
    missing = [
        message.id
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not message.string
            or (isinstance(message.string, tuple) and not all(message.string))
        )
    ]
    if missing:
        sample = ", ".join(repr(m if isinstance(m, str) else m[0]) for m in missing[:5])
        raise I18nError(f"{po_path}: {len(missing)} untranslated or fuzzy message(s): {sample}")
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
        with mo_path.open("wb") as handle:
            write_mo(handle, catalog)


def compile_catalogues(locales_dir: Path = LOCALES_DIR) -> None:
    """Check every language's `.po` and (re)compile its `.mo`; raise I18nError on a gap."""
    for lang in LANGUAGES:
        po_path = locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not po_path.exists():
            raise I18nError(f"missing translation catalogue {po_path}")
        _check_and_compile(po_path)


@dataclass(frozen=True)
class Translator:
    """One language's gettext plus babel formatting; handlers call it `_`-style."""

    lang: str
    translations: Translations

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def text(self, text: Text) -> str:
        """A catalogue text in this language (official FI/SV, our English), with the printed
        layout's hyphenation joined."""
        shown = _LINE_BREAK_HYPHEN.sub("", text.get(self.lang))
        pattern = _HYPHENATED.get(self.lang)
        return pattern.sub("", shown) if pattern else shown

    @cached_property
    def locale(self) -> Locale:
        """Parsed once: a summary formats hundreds of numbers, and parsing the locale again
        for each was a third of rendering one."""
        return Locale.parse(_BABEL_LOCALE[self.lang])

    def date(self, value: date) -> str:
        return format_date(value, _DATE_FORMAT[self.lang], locale=self.locale)

    def datetime(self, value: datetime) -> str:
        return format_datetime(value, "short", locale=self.locale)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def percent(self, share: float) -> str:
        """`share` is 0..1."""
        return format_percent(share, locale=self.locale)


class Translators:
    """The three languages' translators, loaded and checked once at start-up."""

    def __init__(self, locales_dir: Path = LOCALES_DIR) -> None:
        compile_catalogues(locales_dir)
        self._by_lang: dict[str, Translator] = {}
        for lang in LANGUAGES:
            loaded = Translations.load(str(locales_dir), [lang], DOMAIN)
            if not isinstance(loaded, Translations):
                raise I18nError(f"no compiled catalogue for {lang!r} in {locales_dir}")
            self._by_lang[lang] = Translator(lang, loaded)

    def __getitem__(self, lang: str | None) -> Translator:
        return self._by_lang.get(lang or DEFAULT_LANGUAGE, self._by_lang[DEFAULT_LANGUAGE])


def language_from_telegram(language_code: str | None) -> str | None:
    """Our language for Telegram's `language_code` ("sv-FI" → "sv"), or None if unsupported."""
    if not language_code:
        return None
    base = language_code.split("-")[0].lower()
    return base if base in LANGUAGES else None
