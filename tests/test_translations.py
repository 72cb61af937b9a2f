"""Italian is the interface's first language: its catalogue is complete and compiles."""

import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import formats, translation

from core.money import euro

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "it" / "LC_MESSAGES" / "django.po"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs gettext's msgfmt")
def test_every_message_has_a_checked_italian_translation():
    result = subprocess.run(  # noqa: S603 - fixed arguments
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr
    assert "untranslated" not in result.stderr, result.stderr


def test_dates_read_the_italian_way():
    with translation.override("it"):
        assert formats.date_format(date(2026, 11, 21)) == "21 novembre 2026"
        assert formats.date_format(date(2014, 7, 2)) == "2 luglio 2014"


def test_amounts_read_the_italian_way():
    with translation.override("it"):
        assert euro(Decimal("1234567.89")) == "1.234.567,89\u00a0€"
    with translation.override("en"):
        assert euro(Decimal("1234567.89")) == "1,234,567.89\u00a0€"
