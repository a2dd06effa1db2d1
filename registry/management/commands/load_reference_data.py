"""`manage.py load_reference_data`: provinces, BHXH offices and health facilities."""
from django.core.management.base import BaseCommand

from registry.demo import load_reference_data


class Command(BaseCommand):
    help = "Nạp dữ liệu danh mục: 34 tỉnh/thành phố, cơ quan BHXH, cơ sở KCB (idempotent)."

    def handle(self, *args, **options) -> None:
        counts = load_reference_data()
        self.stdout.write(
            "provinces={provinces} offices={offices} facilities={facilities}".format(**counts)
        )
