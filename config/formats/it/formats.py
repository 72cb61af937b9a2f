"""Italian formats where Regia departs from Django's: “2 luglio 2014”, not “02 Luglio 2014”.

Month names are lower case through Regia's own catalogue (see config/locale_overrides.py).
Anything not set here falls back to Django's Italian formats.
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
