"""The keywords of /alert and /unalert in both languages, and how a typed word is read.

Each keyword has an English and a Turkish word (the locales' `word.*` texts: what a chat is
shown and what its commands are typed back with), and a few more spellings:

| keyword  | English  | Turkish (also read)        |
| -------- | -------- | -------------------------- |
| above    | above    | üstünde (üzerinde)         |
| below    | below    | altında                    |
| amount   | amount   | miktar (miktarı)           |
| price    | price    | fiyat (fiyatı)             |
| value    | value    | değer (değeri)             |
| move     | move     | hareket                    |
| total    | total    | toplam                     |
| cooldown | cooldown | bekleme                    |
| urgent   | urgent   | acil                       |
| confirm  | confirm  | onayla                     |
| all      | all      | hepsi                      |

Every chat reads every spelling, in any case and with or without the Turkish letters
(ALTINDA, altinda and altında are one word): none of them means anything else in the other
language.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection

from balance_bot.core.locales import en, tr

KEYWORDS = (
    "above",
    "below",
    "amount",
    "price",
    "value",
    "move",
    "total",
    "cooldown",
    "urgent",
    "confirm",
    "all",
)
_MORE = {"above": ("üzerinde",), "amount": ("miktarı",), "price": ("fiyatı",), "value": ("değeri",)}
_LANGUAGES = {"en": en.TEXTS, "tr": tr.TEXTS}
_FOLD = str.maketrans("üğşçöı", "ugscoi", "\u0307")  # and the dot İ leaves after lower()


def fold(text: str) -> str:
    """Return `text` as words are compared: lower case, without the Turkish letters."""
    return text.strip().lower().translate(_FOLD)


def asset_code(text: str) -> str:
    """Return an asset code as typed, the way BTCTurk writes it: upper case, a Turkish
    keyboard's İ and ı as I (SHİB and shıb are SHIB)."""
    return text.strip().replace("İ", "I").upper()


def word(keyword: str, language: str) -> str:
    """Return how a chat in `language` writes `keyword`: above, üstünde."""
    return _LANGUAGES[language][f"word.{keyword}"]


def spellings(keyword: str) -> tuple[str, ...]:
    """Return every spelling of `keyword`, English first, then Turkish."""
    return (word(keyword, "en"), word(keyword, "tr"), *_MORE.get(keyword, ()))


_READ = {fold(spelling): keyword for keyword in KEYWORDS for spelling in spellings(keyword)}


def read_keyword(text: str, among: Collection[str] = KEYWORDS) -> str | None:
    """Return the keyword `text` spells, when it is one of `among`, else None."""
    keyword = _READ.get(fold(text))
    return keyword if keyword in among else None


def closest_keyword(text: str, among: Collection[str]) -> str | None:
    """Return the keyword of `among` that `text` most likely misspells, in any of its
    spellings, or None."""
    candidates = {fold(spelling): keyword for keyword in among for spelling in spellings(keyword)}
    found = difflib.get_close_matches(fold(text), list(candidates), n=1, cutoff=0.6)
    return candidates[found[0]] if found else None
