"""What oslo.reports prints for a value oslo.config held: the oracle for parsed values."""

from __future__ import annotations

from typing import Any


def printed(value: Any, secret: bool = False) -> Any:
    """The value as `gmr.parse` should give it back: text for a scalar, a sorted tuple
    of texts for a list, a dict of texts for a dict, `***` for a secret."""
    if secret:
        return "***"
    if isinstance(value, list):
        # An empty list prints `name = `, the same as an empty string.
        return tuple(sorted(str(item) for item in value)) if value else ""
    if isinstance(value, dict):
        return {str(key): str(value[key]) for key in sorted(value, key=str)}
    return str(value)


def parsed_values(report: Any) -> dict[str, dict[str, Any]]:
    return {group.name: {name: option.value for name, option in group.options.items()}
            for group in report.configuration}


def expected_values(generated: Any) -> dict[str, dict[str, Any]]:
    return {group: {name: printed(value, (group, name) in generated.secrets)
                    for name, value in options.items()}
            for group, options in generated.values.items()}
