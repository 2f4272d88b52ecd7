"""Bounded YAML: refuse documents whose aliases expand past a node budget ('billion laughs')."""

from __future__ import annotations

import yaml

from perfpilot.inputs.limits import MAX_YAML_NODES


class YamlTooLarge(ValueError):
    """A YAML document that expands (through its aliases) to more nodes than the budget."""


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def expanded_size(root: yaml.Node, limit: int = MAX_YAML_NODES) -> int:
    """How many nodes `root` stands for once every alias is expanded; YamlTooLarge past `limit`.

    Each distinct node is visited once (sizes are memoised), so the check is linear in the file."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if not children_done and children:
            if id(node) in open_nodes:
                raise YamlTooLarge("a YAML alias refers to a node that contains it (a cycle)")
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        size = 1 + sum(sizes.get(id(child), 0) for child in children)
        if size > limit:
            raise YamlTooLarge(f"YAML aliases expand past {limit:,} nodes; refusing to expand")
        sizes[id(node)] = size
    return sizes[id(root)]
