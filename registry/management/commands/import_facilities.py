"""`manage.py import_facilities FILE.csv`: upsert health facilities (cơ sở KCB)."""
from registry.importers import import_facilities
from registry.management.commands._import import ImportCommand


class Command(ImportCommand):
    help = "Nhập danh mục cơ sở KCB từ CSV (code, name, province_code, level, ...)."
    importer = staticmethod(import_facilities)
