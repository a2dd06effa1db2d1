"""`manage.py import_insured_persons FILE.csv`: upsert insured persons (and their BHYT card)."""
from django.core.management.base import CommandParser

from registry.importers import import_insured_persons
from registry.management.commands._import import ImportCommand


class Command(ImportCommand):
    help = (
        "Nhập người tham gia từ CSV (bhxh_code, full_name, date_of_birth, sex, id_number, "
        "phone, email, address, province_code; tùy chọn office_code và các cột thẻ BHYT)."
    )
    importer = staticmethod(import_insured_persons)

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--lenient-id", action="store_true",
            help="do not require a CCCD's century/sex/year digits to agree with DOB and sex",
        )

    def importer_options(self, options: dict) -> dict:
        return {"strict_id": not options["lenient_id"]}
