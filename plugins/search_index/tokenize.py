"""The search tokenizer: one rule, written here for the build and again in
theme/static/js/search.js for the browser. tests/search_vectors.json holds the
cases both must agree on.

Rule (code points, not UTF-16 units):
1. fold: full-width ASCII U+FF01–FF5E becomes ASCII, U+3000 a space, A–Z
   lower case. Nothing else changes, so a folded text has the same length as
   the original and offsets found in one are valid in the other.
2. a run of Han characters gives its overlapping bigrams (低碳发展 → 低碳 碳发
   发展); a Han character standing alone is a token by itself;
3. an ASCII word is kept whole: letters and digits, with inner dots
   (pm2.5, 5g, 2211, rcep);
4. everything else separates tokens. No stemmer, no stop words.

Bigrams make every Chinese substring of two or more characters a conjunction
of index terms; a single character is found with a wildcard at query time.
"""
from __future__ import annotations

import re

HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
HAN_RE = re.compile(f"[{HAN}]+")
SEGMENT = re.compile(f"([{HAN}]+)|([a-z0-9]+(?:\\.[a-z0-9]+)*)")
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20
_FOLD.update({code: code + 32 for code in range(ord("A"), ord("Z") + 1)})
_FOLD.update({code: code - 0xFEE0 + 32 for code in range(0xFF21, 0xFF3B)})  # Ａ → a, not A


def fold(text: str) -> str:
    """Full-width ASCII to ASCII, ASCII upper case to lower; length-preserving."""
    return text.translate(_FOLD)


def tokenize(text: str) -> list[str]:
    """Index terms of a text, in order, repeats kept (they count for scoring)."""
    tokens: list[str] = []
    for match in SEGMENT.finditer(fold(text)):
        han, word = match.groups()
        if word:
            tokens.append(word)
        elif len(han) == 1:
            tokens.append(han)
        else:
            tokens.extend(han[i:i + 2] for i in range(len(han) - 1))
    return tokens
