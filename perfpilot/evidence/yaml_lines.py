"""YAML loading that keeps each mapping's and sequence item's line, so errors can point at them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from perfpilot.evidence.errors import EvidenceError
from perfpilot.inputs.yaml_bounds import YamlTooLarge, expanded_size


class LinedDict(dict[str, Any]):
    """A YAML mapping that remembers its own line and the line of each key (1-based)."""

    line: int | None = None
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int | None:
        """The line of a key, or of the mapping when the key is absent."""
        return getattr(self, "key_lines", {}).get(key, self.line)


class _LinedLoader(yaml.SafeLoader):
    """SafeLoader whose mappings are LinedDict."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LinedDict:
    loader.flatten_mapping(node)
    result = LinedDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        result[str(key)] = loader.construct_object(value_node, deep=True)
        result.key_lines[str(key)] = key_node.start_mark.line + 1
    return result


_LinedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def yaml_documents(text: str, source: str) -> Iterator[tuple[Any, int]]:
    """Yield (document, first line) for every document in a YAML stream; syntax errors name the line."""
    try:
        loader = _LinedLoader(text)  # the reader refuses control characters here already
    except yaml.YAMLError as exc:
        raise EvidenceError(source, None, f"not valid YAML: {getattr(exc, 'problem', None) or exc}") from None
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            expanded_size(node)
            yield loader.construct_document(node), node.start_mark.line + 1
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise EvidenceError(source, line, f"not valid YAML: {problem}") from None
    except YamlTooLarge as exc:
        raise EvidenceError(source, None, str(exc)) from None
    except RecursionError:
        raise EvidenceError(source, None, "YAML nested too deeply to read") from None
    finally:
        loader.dispose()


def line_of(data: object, key: str | None = None) -> int | None:
    """The line of a mapping (or of one of its keys) when it came from YAML, else None."""
    if isinstance(data, LinedDict):
        return data.line if key is None else data.line_of(key)
    return None
