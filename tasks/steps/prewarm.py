"""Imported once by the extraction pool's fork server: warm the extractor before forking.

trafilatura's date finder hands some strings to dateparser, whose first call loads every
locale (about 1.6 s here). Doing that once in the fork server means no worker pays it.
"""

from tasks.text.extract import warm_up

warm_up()
