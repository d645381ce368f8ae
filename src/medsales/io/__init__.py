"""Interchange: the tables of SPEC §10 and §19 in (CSV files in UTF-8 or GB18030, Excel
sheets, English or Chinese headers, wide 考核表 sheets), atomic files out.

Readers validate every row before returning anything: a file with bad rows raises one
:class:`~medsales.errors.DataFileError` listing every problem with file, line, column and
value. Writers (:mod:`medsales.io.write`) replace their target atomically (temporary file,
fsync, rename), refuse anything but a regular file, and neutralise formula-like cells.
"""

from medsales.io.csv import (
    EMPLOYEES_COLUMNS,
    INCIDENTS_COLUMNS,
    MEASUREMENTS_COLUMNS,
    OPTIONAL_COLUMNS,
    RATINGS_COLUMNS,
    SURVEYS_COLUMNS,
    Source,
    read_employees,
    read_incidents,
    read_measurements,
    read_ratings,
    read_surveys,
)
from medsales.io.write import (
    format_cell,
    make_folder,
    neutralise,
    write_bytes_atomic,
    write_csv_atomic,
    write_text_atomic,
)

__all__ = [
    "EMPLOYEES_COLUMNS",
    "INCIDENTS_COLUMNS",
    "MEASUREMENTS_COLUMNS",
    "OPTIONAL_COLUMNS",
    "RATINGS_COLUMNS",
    "SURVEYS_COLUMNS",
    "Source",
    "format_cell",
    "make_folder",
    "neutralise",
    "read_employees",
    "read_incidents",
    "read_measurements",
    "read_ratings",
    "read_surveys",
    "write_bytes_atomic",
    "write_csv_atomic",
    "write_text_atomic",
]
