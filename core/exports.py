"""Tables written as files: CSV (RFC 4180), "Excel Italia" CSV and XLSX, streamed.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula: every text cell that does is written with a leading apostrophe, which
spreadsheets show as text. Numbers are written as numbers, negative ones included, and never
neutralised. ``unneutralise`` undoes it when a file comes back, so an export imports unchanged.
"""

from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"


def neutralise(text: str) -> str:
    """A text cell that no spreadsheet will run as a formula."""
    if text and text.startswith(FORMULA_TRIGGERS):
        return NEUTRALISER + text
    return text


def unneutralise(text: str) -> str:
    """The text ``neutralise`` was given (a file exported by Regia reads back unchanged)."""
    if text.startswith(NEUTRALISER) and text[1:2] and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text
