"""A rule's documentation as text: one rendering for `gmr rules CODE`, SARIF and
docs/rules.md."""

from __future__ import annotations

from gmr.lint.api import Example, Rule


def releases_text(rule: Rule) -> str:
    if not rule.releases:
        return "all"
    low, high = rule.releases
    if low and high:
        return low if low == high else f"{low} to {high}"
    return f"{low} and later" if low else f"up to {high}"


def rule_doc(rule: Rule) -> str:
    """One rule's documentation as plain text, for `gmr rules CODE`; a custom rule may
    leave out why and fix, and then says nothing about them."""
    parts = [f"{rule.code} {rule.name} ({rule.severity.value})",
             f"Services: {', '.join(rule.services) or 'all'}; releases: {releases_text(rule)}",
             "", f"What it does: {rule.what}"]
    for heading, text in (("Why it matters", rule.why), ("How to fix", rule.fix)):
        if text:
            parts += ["", f"{heading}: {text}"]
    for example in rule.examples:
        parts += ["", example_heading(example) + ":"]
        for node in example.nodes:
            if len(example.nodes) > 1:
                parts.append(f"  {node.service} {node.release}:")
            parts.append(_indent(node.config))
        if example.message is not None:
            parts.append(f"  gives: {example.message}")
    parts += ["", f"Source: {rule.source}"]
    return "\n".join(parts)


def example_heading(example: Example) -> str:
    """`Flagged on nova 2026.2` or `Passes on neutron 2025.1` (one node), or the same
    with `a fleet of N reports`."""
    verb = "Flagged" if example.failing else "Passes"
    if len(example.nodes) > 1:
        return f"{verb} on a fleet of {len(example.nodes)} reports"
    (node,) = example.nodes
    return f"{verb} on {node.service} {node.release}"


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())
