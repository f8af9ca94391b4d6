"""docs/rules.md is generated from the rules' docs and must be current."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from make_rules_doc import DOC, rules_markdown  # noqa: E402


def test_rules_doc_is_current():
    assert DOC.read_text(encoding="utf-8") == rules_markdown(), \
        "docs/rules.md is stale: run python tools/make_rules_doc.py"
