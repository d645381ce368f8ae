"""Deprecated: moved to :mod:`medsales.analysis.check`; this path goes in the next release."""

from medsales._moved import alias

alias(__name__)
