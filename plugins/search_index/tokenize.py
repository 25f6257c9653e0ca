"""The search terms: one rule, written here for the build and again in
theme/static/js/search.js for the browser. tests/search_vectors.json holds the
cases both must agree on.

Rule (code points, not UTF-16 units):
1. fold: full-width ASCII U+FF01–FF5E becomes ASCII, U+3000 a space, A–Z
   lower case. Nothing else changes, so a folded text has the same length as
   the original and offsets found in one are valid in the other.
2. the folded text is cut at white space into pieces;
3. every character of a piece is a term, and so is every pair of adjacent
   characters (低碳发展 → 低 碳 发 展 低碳 碳发 发展; pm2.5 → p m 2 . 5 pm m2 2. .5).
   Punctuation is a character like any other: “保、城” finds 保、城.

So any query of one or two characters is exactly one term (its postings are
its results, nothing to confirm), and a longer one is a conjunction of pairs
whose hits the browser confirms against the text. No stemmer, no stop words,
no wildcards: nothing to scan at query time.
"""
from __future__ import annotations

import re

# White space, written out so that Python and JavaScript agree (their \s differ).
SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
PIECES = re.compile(f"[^{SPACE}]+")
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20
_FOLD.update({code: code + 32 for code in range(ord("A"), ord("Z") + 1)})
_FOLD.update({code: code - 0xFEE0 + 32 for code in range(0xFF21, 0xFF3B)})  # Ａ → a, not A


def fold(text: str) -> str:
    """Full-width ASCII to ASCII, ASCII upper case to lower; length-preserving."""
    return text.translate(_FOLD)


def terms(text: str) -> list[str]:
    """Index terms of a text: every character and every adjacent pair within a
    piece, each once, in order of first appearance."""
    found: dict[str, None] = {}
    for piece in PIECES.findall(fold(text)):
        for i, char in enumerate(piece):
            found[char] = None
            if i + 1 < len(piece):
                found[piece[i:i + 2]] = None
    return list(found)
