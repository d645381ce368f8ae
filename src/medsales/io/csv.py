"""The files of SPEC §10: the readers (from :mod:`medsales.io.records`) and atomic writers.

Reading goes through three layers: :mod:`medsales.io.sources` (files, streams, sheets and
their encodings), :mod:`medsales.io.cells` (headers, cells checked in place, one problem
collector) and :mod:`medsales.io.records` (the records of each table). This module keeps
the names users import from it.

The writers live in :mod:`medsales.io.write`; ``format_cell``, ``write_csv_atomic`` and
``write_text_atomic`` are still importable from here.
"""

from __future__ import annotations

from medsales.io.cells import (
    EMPLOYEES_COLUMNS,
    FALSE_WORDS,
    GOALS_COLUMNS,
    INCIDENTS_COLUMNS,
    MEASUREMENTS_COLUMNS,
    OPTIONAL_COLUMNS,
    RATINGS_COLUMNS,
    SURVEYS_COLUMNS,
    TRUE_WORDS,
)
from medsales.io.records import (
    read_employees,
    read_goals,
    read_incidents,
    read_measurements,
    read_ratings,
    read_surveys,
)
from medsales.io.sources import Source
from medsales.io.write import format_cell, write_csv_atomic, write_text_atomic

__all__ = [
    "EMPLOYEES_COLUMNS",
    "FALSE_WORDS",
    "GOALS_COLUMNS",
    "INCIDENTS_COLUMNS",
    "MEASUREMENTS_COLUMNS",
    "OPTIONAL_COLUMNS",
    "RATINGS_COLUMNS",
    "SURVEYS_COLUMNS",
    "TRUE_WORDS",
    "Source",
    "format_cell",
    "read_employees",
    "read_goals",
    "read_incidents",
    "read_measurements",
    "read_ratings",
    "read_surveys",
    "write_csv_atomic",
    "write_text_atomic",
]
