"""JSON Schema validation with a quick yes first.

Every build validates every annotation file, report.yml and sources.yml
against schemas/. Through jsonschema that cost about 0.1 s a build at one
report (its import 30–40 ms, mostly `referencing` building attrs classes;
then ~0.2 ms a file), nearly all of it to learn that the files are fine.

`Schema.iter_errors` first asks `conforms`, a plain walk over the few
keywords our schemas use; only when the answer is no (or the schema uses a
keyword it does not know) is jsonschema imported, to give its errors, which
are what the check turns into located messages. So the messages are
jsonschema's, and a file passes only when it does: tests/test_schema_check.py
holds `conforms` to jsonschema's verdict on every real file and on thousands
of mutated ones.
"""
from __future__ import annotations

import re

# Keywords `conforms` decides; annotations that change nothing. A schema with
# any other keyword, or a $ref outside its own $defs, goes to jsonschema.
DECIDED = {"type", "enum", "minLength", "maxLength", "pattern", "minimum", "maximum", "properties",
           "additionalProperties", "required", "propertyNames", "items", "minItems", "maxItems", "uniqueItems",
           "anyOf", "$ref"}
IGNORED = {"$schema", "$id", "$defs", "title", "description", "$comment", "examples", "default"}

_patterns: dict[str, re.Pattern] = {}


def decidable(schema, root=None) -> bool:
    """Whether `conforms` knows every keyword of `schema` (and its subschemas)."""
    root = schema if root is None else root
    if isinstance(schema, bool):
        return True
    if not isinstance(schema, dict) or not set(schema) <= DECIDED | IGNORED:
        return False
    ref = schema.get("$ref")
    if (ref is not None and _target(root, ref) is None) or not isinstance(schema.get("anyOf", []), list):
        return False
    subschemas = [*(schema.get("properties") or {}).values(), *(schema.get("$defs") or {}).values(),
                  *schema.get("anyOf", [])]
    subschemas += [schema[k] for k in ("additionalProperties", "propertyNames", "items") if k in schema]
    return all(decidable(s, root) for s in subschemas)


def _target(root: dict, ref):
    if not isinstance(ref, str) or not ref.startswith("#/$defs/"):
        return None
    return (root.get("$defs") or {}).get(ref[len("#/$defs/"):])


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: _is_number(v) and (isinstance(v, int) or v.is_integer()),
    "number": _is_number,
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def _equal(one, two) -> bool:
    """jsonschema's equality (enum, uniqueItems): true is not 1, 1 is 1.0."""
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(_equal(a, b) for a, b in zip(one, two))
    if isinstance(one, dict) and isinstance(two, dict):
        return one.keys() == two.keys() and all(_equal(one[k], two[k]) for k in one)
    if isinstance(one, bool) or isinstance(two, bool):
        return type(one) is type(two) and one == two
    return one == two


def _unique(items: list) -> bool:
    if all(isinstance(item, str) for item in items):  # our lists: in linear time, whatever a file holds
        return len(set(items)) == len(items)
    return not any(_equal(a, b) for i, a in enumerate(items) for b in items[i + 1:])


def conforms(schema, value, root) -> bool:
    """Whether `value` is valid against `schema` (a decidable one)."""
    if isinstance(schema, bool):
        return schema
    if "$ref" in schema and not conforms(_target(root, schema["$ref"]), value, root):
        return False
    kind = schema.get("type")
    if kind is not None and not any(TYPES[k](value) for k in ([kind] if isinstance(kind, str) else kind)):
        return False
    if "enum" in schema and not any(_equal(value, option) for option in schema["enum"]):
        return False
    if "anyOf" in schema and not any(conforms(s, value, root) for s in schema["anyOf"]):
        return False
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", len(value)):
            return False
        pattern = schema.get("pattern")
        if pattern is not None:
            if pattern not in _patterns:
                _patterns[pattern] = re.compile(pattern)
            if not _patterns[pattern].search(value):
                return False
    elif _is_number(value):
        if value < schema.get("minimum", value) or value > schema.get("maximum", value):
            return False
    elif isinstance(value, list):
        if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", len(value)):
            return False
        if "items" in schema and not all(conforms(schema["items"], item, root) for item in value):
            return False
        if schema.get("uniqueItems") and not _unique(value):
            return False
    elif isinstance(value, dict):
        return _object_conforms(schema, value, root)
    return True


def _object_conforms(schema: dict, value: dict, root) -> bool:
    if any(name not in value for name in schema.get("required", ())):
        return False
    properties = schema.get("properties") or {}
    for name, item in value.items():
        if name in properties:
            if not conforms(properties[name], item, root):
                return False
        elif "additionalProperties" in schema and not conforms(schema["additionalProperties"], item, root):
            return False
    names = schema.get("propertyNames")
    return names is None or all(conforms(names, name, root) for name in value)


class Schema:
    """One schema file: iter_errors(data) as jsonschema's Draft 2020-12
    validator gives them, with nothing imported when there are none."""

    def __init__(self, schema: dict) -> None:
        self.schema = schema
        self.quick = decidable(schema)
        self._validator = None

    def iter_errors(self, data):
        if self.quick and conforms(self.schema, data, self.schema):
            return iter(())
        if self._validator is None:
            from jsonschema import Draft202012Validator

            self._validator = Draft202012Validator(self.schema)
        return self._validator.iter_errors(data)
