"""Small YAML files a one-place command reads on every run, parsed once and kept in the cache.

A place's profile (`evaluate kent`) and the pack.yaml files that say which pack is the default: with its
pack, vocabulary and council register built and cached (negotiator/cache.py), such a command then reads no
YAML at all, and never imports PyYAML (about a tenth of it). An entry is keyed by the file's bytes and its
name as shown (and, as every entry, the current folder and negotiator's code), so it is always the document
a fresh parse would give. Only documents that parse are kept: a file with a problem is read, and its
problems reported, every time. Rounds read their many profiles with `load_places`, never kept.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..cache import cached
from ..yamlio import Located, parse_bytes, read_yaml_bytes


def load_kept(path: Path, name: str | None = None) -> Located:
    """`yamlio.load_yaml(path, name)`, from the cache where the same bytes were parsed before."""
    name = name or str(path)
    return parse_kept(read_yaml_bytes(path, name), name)


def parse_kept(data: bytes, name: str) -> Located:
    """`yamlio.parse_bytes(data, name)`, from the cache where the same bytes were parsed before."""
    return cached("yaml", (name, hashlib.sha256(data).hexdigest()), lambda: parse_bytes(data, name),
                  lambda found: isinstance(found, Located) and found.file == name)
