"""``python -m medsales.cli``."""

from medsales.cli import entry

entry()
