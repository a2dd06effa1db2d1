"""`manage.py import_offices FILE.csv`: upsert BHXH offices."""
from registry.importers import import_offices
from registry.management.commands._import import ImportCommand


class Command(ImportCommand):
    help = "Nhập danh mục cơ quan BHXH từ CSV (code, name, level, parent_code, province_code...)."
    importer = staticmethod(import_offices)
