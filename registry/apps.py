from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Cơ sở dữ liệu người tham gia")

    def ready(self) -> None:
        # Provinces, offices and facilities are served from memory (registry.reference):
        # any save or delete (the admin, services) makes every process reload them. Bulk
        # writes: registry.models.ReferenceQuerySet.
        from django.db.models.signals import post_delete, post_save

        from registry.models import HealthFacility, Office, Province
        from registry.reference import reference_data_changed

        for model in (Province, Office, HealthFacility):
            for name, signal in (("save", post_save), ("delete", post_delete)):
                signal.connect(reference_data_changed, sender=model,
                               dispatch_uid=f"registry.reference.{name}.{model.__name__}")
