"""Bulk CSV imports into the registry: one module per kind, shared plumbing in `base`.
The management commands (import_insured_persons, import_offices, import_facilities) only
translate arguments and print the report."""
from registry.importers.base import ImportFileError, ImportReport, Rejection
from registry.importers.facilities import import_facilities
from registry.importers.offices import import_offices
from registry.importers.persons import import_insured_persons

__all__ = [
    "ImportFileError",
    "ImportReport",
    "Rejection",
    "import_facilities",
    "import_insured_persons",
    "import_offices",
]
