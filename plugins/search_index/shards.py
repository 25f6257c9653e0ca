"""The split index: postings in shards by term, texts in chunks by report,
and a small manifest that names them all. Every file is a script named by
the hash of its content (cache it forever) that registers its data:

    (self.SEARCH_DATA=self.SEARCH_DATA||{})["<key>"]=<json>;

so it loads with <script src>, from a server or from file://.

Documents are numbered once for the whole library, in the order results are
shown: annotation entries, then each report's blocks, newest report first.

- index shard `search/index-<k>.<hash>.js` (k = fnv1a(term) mod shards): the
  terms that hash to k, space-separated, and their postings: document numbers
  as base-36 deltas ("0,3,1a"), one list per term, lists separated by ";".
  <hash> is one hash of all the shards (see `named`).
- text chunk `search/text-<group>-<n>.<hash>.js`: consecutive documents of one
  group (`-notes` for the annotations, or a report's slug), each
  [kind, ref, title, path, text]; ref is a block id for report blocks, the
  entry's URL for annotations. <hash> is one hash of the group's chunks.
- manifest `search/manifest.<hash>.js`: the shard count and their hash; per
  group (annotations first, then reports newest first) its slug, title, year,
  page, hash and the number of documents of each chunk; the annotations'
  names, so that names rank first and suggestions work before any text.

The shard count grows with the library (a power of two, about SHARD_BYTES of
postings each), so a query fetches a few shards of similar size at any N.
"""
from __future__ import annotations

import hashlib
import json
import sys
from array import array
from collections import defaultdict
from dataclasses import dataclass
from itertools import repeat
from operator import add, sub

from .documents import Document
from .tokenize import PIECES, fold

OUTPUT_DIR = "search"
DATA_KEY = "SEARCH_DATA"
SHARD_BYTES = 16_000   # at most this much raw postings per shard: 10 KB raw, 4–5 KB gzip on average
CHUNK_BYTES = 3_000    # raw text per chunk (about 2 KB gzip): a page of results needs a few
HASH_LENGTH = 10


@dataclass(frozen=True)
class Group:
    """The documents of one report (slug, title …) or of the annotations (slug "")."""

    slug: str
    title: str
    year: int
    url: str
    docs: list[Document]


def fnv1a(term: str) -> int:
    """32-bit FNV-1a over UTF-16 code units: search.js computes the same."""
    data = term.encode("utf-16-le")
    value = 0x811C9DC5
    for i in range(0, len(data), 2):
        value ^= data[i] | (data[i + 1] << 8)
        value = (value * 0x01000193) & 0xFFFFFFFF
    return value


def base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def encode_postings(ids: list[int], digits: list[str]) -> str:
    """`digits`: base36 of every number up to the largest id, looked up rather
    than computed (2.3 M deltas for 100 reports: 380 ms → 90 ms)."""
    return ",".join(map(digits.__getitem__, map(sub, ids, [0, *ids])))


# Code points in machine order, so that memoryview.cast reads them as numbers.
_UTF32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"


def postings(docs: list[Document]) -> dict[str, list[int]]:
    """Each term's document numbers, ascending; the terms in no particular
    order (build sorts each shard's). The same as collecting tokenize.terms of
    every document, but without a Python step per character: for 100 reports
    (2.3 M term-document pairs) 370 ms instead of 730 ms.

    A document's characters and adjacent pairs are read as numbers (4 and 8
    bytes of its UTF-32) into sets, and each set's lists are appended to by
    map, all in C. Folding and dropping white space then happen once per
    distinct term: fold maps one code point to one, white space to white
    space only, so the terms come out the same (tests compare them)."""
    chars: defaultdict[int, list[int]] = defaultdict(list)
    pairs: defaultdict[int, list[int]] = defaultdict(list)
    for number, doc in enumerate(docs):
        codes = doc.searchable.encode(_UTF32)
        odd = codes[4:]
        two = set(memoryview(codes[:len(codes) & ~7]).cast("Q"))  # pairs at 0, 2, 4 …
        two.update(memoryview(odd[:len(odd) & ~7]).cast("Q"))     # pairs at 1, 3, 5 …
        # any() runs the appends (each returns None) to the end, in C
        any(map(list.append, map(chars.__getitem__, set(memoryview(codes).cast("I"))), repeat(number)))
        any(map(list.append, map(pairs.__getitem__, two), repeat(number)))
    # back to text in two calls, not two per term (19 k terms: 11 ms less)
    one = fold(array("I", chars).tobytes().decode(_UTF32))
    both = fold(array("Q", pairs).tobytes().decode(_UTF32))
    found: dict[str, list[int]] = {}
    for term, ids in zip([*one, *map(add, both[0::2], both[1::2])], [*chars.values(), *pairs.values()]):
        if not PIECES.fullmatch(term):  # white space, or a pair across it
            continue
        # "A" and "a", "，" and ",": one term, one list (200 of 19 k terms in the default build)
        found[term] = sorted({*found[term], *ids}) if term in found else ids
    return found


def shard_count(encoded: dict[str, str]) -> int:
    total = sum(len(term.encode()) + len(value) + 2 for term, value in encoded.items())
    count = 1
    while total / count > SHARD_BYTES:
        count *= 2
    return count


def script(key: str, data) -> str:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f'(self.{DATA_KEY}=self.{DATA_KEY}||{{}})[{json.dumps(key)}]={body};\n'


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def read_script(text: str) -> tuple[str, object]:
    """(key, data) of a file written by `script` (tests, bench)."""
    head, body = text.split("]=", 1)
    return json.loads(head[head.rindex("[") + 1:]), json.loads(body.rstrip().rstrip(";"))


def chunks(docs: list[Document], group: str) -> list[list[list[str]]]:
    out: list[list[list[str]]] = [[]]
    size = 0
    for doc in docs:
        if out[-1] and size >= CHUNK_BYTES:
            out.append([])
            size = 0
        ref = doc.url.split("#", 1)[1] if group else doc.url
        out[-1].append([doc.kind, ref, doc.title, doc.path, doc.text])
        size += len(doc.text.encode()) + len(doc.path.encode())
    return [c for c in out if c]


def build(groups: list[Group], shards: int | None = None) -> tuple[dict[str, str], str]:
    """Every file of the split index ({path: script}) and the manifest's path.
    `shards` forces the shard count (1: a single index, for comparison)."""
    every = [doc for group in groups for doc in group.docs]
    if not every:
        raise ValueError("nothing to index")
    digits = [base36(n) for n in range(len(every))]
    encoded = {term: encode_postings(ids, digits) for term, ids in postings(every).items()}
    count = shards or shard_count(encoded)
    buckets: list[list[str]] = [[] for _ in range(count)]
    for term in encoded:
        buckets[fnv1a(term) % count].append(term)
    scripts = {}
    for k, bucket in enumerate(buckets):
        bucket.sort(key=lambda t: t.encode("utf-16-be"))
        scripts[f"index-{k}"] = script(f"index-{k}", {"terms": " ".join(bucket),
                                                     "postings": ";".join(encoded[t] for t in bucket)})
    files = named(scripts)
    index_hash = files.pop("")
    listed = []
    for group in groups:
        name = group.slug or "-notes"  # a slug never starts with "-": no clash with a report
        parts = chunks(group.docs, group.slug)
        group_files = named({f"text-{name}-{n}": script(f"text-{name}-{n}", chunk) for n, chunk in enumerate(parts)})
        entry = {"slug": group.slug, "title": group.title, "year": group.year, "url": group.url,
                 "hash": group_files.pop(""), "chunks": [len(c) for c in parts]}
        if not group.slug:  # names rank first; suggestions offer them (no texts needed)
            entry["names"] = [d.title for d in group.docs]
        files.update(group_files)
        listed.append(entry)
    manifest = script("manifest", {"version": 1, "docs": len(every), "shards": count, "index": index_hash,
                                   "groups": listed})
    path = f"{OUTPUT_DIR}/manifest.{content_hash(manifest)}.js"
    files[path] = manifest
    return files, path


def named(scripts: dict[str, str]) -> dict[str, str]:
    """{path: script} for a set of files named by one hash of all their
    contents (under the key ""). One hash per set, not per file: any change
    to a report rewrites nearly every index shard anyway, and a set's names
    change whenever one of its files does, so each name can be cached forever."""
    digest = content_hash("".join(scripts[k] for k in sorted(scripts)))
    files = {f"{OUTPUT_DIR}/{key}.{digest}.js": text for key, text in scripts.items()}
    files[""] = digest
    return files
