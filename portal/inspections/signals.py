"""Signals the inspection office sends for the layers above it.

`results_published` says that inspection results went on the public credit record, after the
publication committed: the CMS drafts a result notice from them (cms/inspection_notices.py).
The domain never imports the CMS; it announces, and whoever cares listens.

Arguments: `results`, the ids of the results published (a list of int); `on`, the day of
publication (a date).
"""

from django.dispatch import Signal

results_published = Signal()
