"""The web process loads what pages need: spaCy and its models load where ingestion runs."""

from __future__ import annotations

import subprocess
import sys


def test_building_the_web_app_imports_no_spacy():
    code = ("import sys; from kb.web.app import create_app; create_app(); "
            "print(sorted(m for m in ('spacy', 'thinc') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
