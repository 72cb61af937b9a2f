"""Refresh docs/screenshots/ with the main pages as they look now.

    .venv/bin/python tests/browser/screenshots.py

Runs the tests of tests/browser/test_main_pages.py and test_ledger_pages.py that photograph
pages against a live server with the demo data (Debian's chromium at /usr/bin/chromium), which
writes the PNGs the README shows.
"""

import os
import sys
from pathlib import Path

import pytest

if __name__ == "__main__":
    os.environ["REGIA_DOCS_SCREENSHOTS"] = "1"
    here = Path(__file__).resolve().parent
    os.chdir(here.parents[1])
    # The tests that photograph the main pages (the others only check more pages).
    tests = [
        f"{here / module}::{name}"
        for module, name in (
            ("test_main_pages.py", "test_main_public_pages_are_accessible"),
            ("test_main_pages.py", "test_main_pages_of_a_programme_manager_are_accessible"),
            ("test_main_pages.py", "test_council_area_is_accessible"),
            ("test_ledger_pages.py", "test_partner_ledger_pages_are_accessible"),
            ("test_ledger_pages.py", "test_manager_ledger_pages_are_accessible"),
        )
    ]
    sys.exit(pytest.main([*tests, "-p", "no:xdist", "-q", *sys.argv[1:]]))
