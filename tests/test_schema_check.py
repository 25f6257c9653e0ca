"""The quick yes of plugins/schema_check.py never differs from jsonschema's
verdict: on every real file, and on mutations of them (types swapped, fields
added and removed, lengths and numbers on both sides of every bound)."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from conftest import FIXTURES, ROOT
from schema_check import Schema, conforms, decidable
from yaml_safe import load_yaml

SCHEMAS = {path.name: json.loads(path.read_text(encoding="utf-8")) for path in (ROOT / "schemas").glob("*.json")}
KIND_SCHEMA = {"terms": "term.schema.json", "threads": "thread.schema.json", "indicators": "indicator.schema.json"}


def real_files() -> list[tuple[str, Path]]:
    files = []
    for root in (ROOT / "annotations", FIXTURES / "annotations"):
        for kind, schema in KIND_SCHEMA.items():
            files += [(schema, path) for path in sorted((root / kind).glob("*.yml"))]
    files += [("report.schema.json", path) for path in sorted([*(ROOT / "content" / "reports").glob("*/report.yml"),
                                                              *(FIXTURES / "reports").glob("*/report.yml")])]
    files.append(("sources.schema.json", ROOT / "annotations" / "sources.yml"))
    files.append(("coverage.schema.json", ROOT / "annotations" / "coverage.yml"))
    return files


def data_of(path: Path):
    return load_yaml(path.read_text(encoding="utf-8"), str(path), limit=10**7).data


REAL = [(name, data_of(path)) for name, path in real_files()]


def jsonschema_says(name: str, data) -> bool:
    return Draft202012Validator(SCHEMAS[name]).is_valid(data)


def quick_says(name: str, data) -> bool:
    return conforms(SCHEMAS[name], data, SCHEMAS[name])


def test_every_schema_of_ours_is_decided_quickly():
    assert set(SCHEMAS) >= set(KIND_SCHEMA.values()) | {"report.schema.json", "sources.schema.json"}
    assert all(decidable(schema) for schema in SCHEMAS.values())


def test_a_schema_with_another_keyword_goes_to_jsonschema():
    schema = {"type": "object", "properties": {"a": {"type": "string", "format": "date"}}}
    assert not decidable(schema)
    assert [e.validator for e in Schema(schema).iter_errors({"a": 5})] == ["type"]
    assert not decidable({"$ref": "other.json#/x"})


@pytest.mark.parametrize("name,path", real_files(), ids=lambda value: getattr(value, "name", value))
def test_real_files_get_the_same_verdict(name, path):
    data = data_of(path)
    assert quick_says(name, data) is jsonschema_says(name, data) is True


def test_known_differences_of_types_are_kept():
    term = copy.deepcopy(next(data for name, data in REAL if name == "term.schema.json"))
    for value in (True, 1, 1.0, None, [], {}):  # category is an enum of strings
        assert quick_says("term.schema.json", {**term, "category": value}) is jsonschema_says(
            "term.schema.json", {**term, "category": value}) is False
    assert quick_says("term.schema.json", {**term, "match": ["a", "a"]}) is False  # uniqueItems
    assert quick_says("term.schema.json", {**term, 5: "x"}) is False  # a key that is not text


def paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, prefix + (index,))


TEXT = st.text(alphabet="ab-z09 台州\n_:/.%", max_size=8) | st.builds(
    lambda char, size: char * size, st.sampled_from("a台-0 "), st.integers(0, 2100))
SCALARS = TEXT | st.integers(-3, 3000) | st.floats(allow_nan=False, allow_infinity=False) | st.booleans() | st.none()
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=3),
                      max_leaves=6)


@settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_mutated_files_get_the_same_verdict(data):
    name, original = data.draw(st.sampled_from(REAL))
    value = copy.deepcopy(original)
    for _ in range(data.draw(st.integers(1, 3))):
        places = list(paths(value))
        where = data.draw(st.sampled_from(places))
        action = data.draw(st.sampled_from(["replace", "delete", "add", "repeat"]))
        if not where:
            value = data.draw(VALUES) if action == "replace" else value
            continue
        parent = value
        for step in where[:-1]:
            parent = parent[step]
        key = where[-1]
        if action == "replace":
            parent[key] = data.draw(VALUES)
        elif action == "delete":
            del parent[key]
        elif action == "add" and isinstance(parent, dict):
            known = list(SCHEMAS[name].get("properties", {})) + ["extra"]
            parent[data.draw(st.sampled_from(known) | TEXT)] = data.draw(VALUES)
        elif action == "repeat" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
    assert quick_says(name, value) is jsonschema_says(name, value)


def bounds(schema) -> tuple[set[int], set[float]]:
    """Every length and number bound anywhere in a schema."""
    lengths, numbers = set(), set()
    for node in walk(schema):
        lengths |= {node[k] for k in ("minLength", "maxLength", "minItems", "maxItems") if k in node}
        numbers |= {node[k] for k in ("minimum", "maximum") if k in node}
    return lengths, numbers


def walk(schema):
    if isinstance(schema, dict):
        yield schema
        for value in schema.values():
            yield from walk(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from walk(value)


def candidates(schema) -> list:
    """Values on both sides of every bound, of every type."""
    lengths, numbers = bounds(schema)
    sizes = sorted({max(0, n + d) for n in lengths for d in (-1, 0, 1)})
    values = [char * size for size in sizes for char in ("a", "台")]
    values += [n + d for n in numbers for d in (-1, 0, 1, -0.5, 0.5)] + [float(n) for n in numbers]
    values += [["a"] * size for size in sizes if size < 50] + [["a", "a"], ["a", "b"], [1], [True]]
    values += [True, False, None, {}, {"extra": 1}, "0-a", "a--b", "A", "https://example.org", "2026-02-30"]
    return values


def small(value):
    """The same shapes, fewer of each: lists cut to 2 items, long mappings
    (sources.yml's domains) to 3 keys."""
    if isinstance(value, list):
        return [small(item) for item in value[:2]]
    if isinstance(value, dict):
        return {key: small(item) for key, item in list(value.items())[:3 if len(value) > 12 else None]}
    return value


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_values_at_every_bound_get_the_same_verdict(name):
    files = [small(data) for schema, data in REAL if schema == name]
    richest = max(files, key=lambda data: len(list(paths(data))))
    disagree = []
    for where in list(paths(richest))[1:]:
        for candidate in candidates(SCHEMAS[name]):
            value = copy.deepcopy(richest)
            parent = value
            for step in where[:-1]:
                parent = parent[step]
            parent[where[-1]] = candidate
            if quick_says(name, value) is not jsonschema_says(name, value):
                disagree.append((where, candidate if not isinstance(candidate, str) else len(candidate)))
    assert not disagree
