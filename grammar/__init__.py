"""The grammar files, installed as the package `gmr.grammar` (see pyproject.toml)."""
