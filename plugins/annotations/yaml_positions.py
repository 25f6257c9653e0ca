"""Load YAML and remember where every key and item stands. The loader now lives
in plugins/yaml_safe.py, shared with content front matter; these names stay
for existing imports. New code: `yaml_safe.load_yaml(text, path)`."""
from __future__ import annotations

from yaml_safe import Located, Path_, TextDateLoader, YamlError, load  # noqa: F401
