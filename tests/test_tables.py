"""The tables of the CLI as an operator sees them on a terminal, and in a pipe."""

from __future__ import annotations

from conftest import SAMPLES, run_gmr

GLANCE = str(SAMPLES / "glance-33.0.0-api.txt")
NOVA = str(SAMPLES / "nova-34.0.0-api.txt")


def test_summary_table_of_stdin_beside_a_file_names_both():
    ran = run_gmr("parse", "-", NOVA, stdin=(SAMPLES / "glance-33.0.0-api.txt").read_text(),
                  tty=True, width=120)
    assert ran.returncode == 0
    rows = [line.split()[:3] for line in ran.stdout.splitlines()
            if "glance" in line or "nova" in line]
    assert rows == [["<stdin>", "glance", "~2026.2"], [NOVA, "nova", "34.0.0"]]
