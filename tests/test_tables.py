"""The rich tables the library builds for the CLI, rendered as a terminal would."""

from __future__ import annotations

import io

from conftest import SAMPLES
from rich.console import Console

import gmr
from gmr.tables import reports_table


def rendered(table, width: int = 120) -> list[str]:
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(table)
    return console.export_text().splitlines()


def test_summary_table_of_parsed_text_beside_a_file_names_both():
    reports = gmr.parse((SAMPLES / "glance-33.0.0-api.txt").read_text())
    reports += gmr.parse_file(SAMPLES / "nova-34.0.0-api.txt")
    lines = rendered(reports_table(reports))
    assert lines[0].rstrip() == f"Guru Meditation Reports in {SAMPLES}/"
    rows = [line.split()[:3] for line in lines if "glance" in line or "nova" in line]
    assert rows == [["<stdin>", "glance", "3"], ["nova-34.0.0-api.txt", "nova", "34.0.0"]]
