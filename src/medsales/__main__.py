"""``python -m medsales``: the ``medsales`` command."""

from medsales.cli import entry

entry()
