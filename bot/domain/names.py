"""Finding a theme or unit by the name a person types, in any of the three languages.

People type "Työ", "tyo", "arbete" or "employment" rather than our ids; matching ignores
case and accents (ä → a, å → a, é → e), accepts a prefix of the name or of any of its words,
and prefers an exact name over a prefix so that "Työ" is not ambiguous with "Työllisyys…".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping


def fold(text: str) -> str:
    """Lower case without accents or punctuation, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = "".join(c if c.isalnum() else " " for c in plain)
    return " ".join(cleaned.split())


def match_names(query: str, names: Mapping[str, Iterable[str]]) -> list[str]:
    """The ids whose names best match `query`: exact matches if any, else names starting with
    it, else names with a word starting with it. Empty if nothing matches; several if the
    query is ambiguous (the caller lists them). The id itself counts as a name."""
    wanted = fold(query)
    if not wanted:
        return []
    folded = {key: {fold(n) for n in [key, *values]} for key, values in names.items()}
    exact = [key for key, forms in folded.items() if wanted in forms]
    if exact:
        return exact
    prefix = [key for key, forms in folded.items() if any(f.startswith(wanted) for f in forms)]
    if prefix:
        return prefix
    return [key for key, forms in folded.items()
            if any(word.startswith(wanted) for f in forms for word in f.split())]
