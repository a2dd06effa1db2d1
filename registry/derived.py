"""Models whose folded-name columns are computed from other columns, on every write path
(save(), full_clean() and the bulk paths, which skip save())."""
from django.db import models

from registry.text import fold, normalize_name


class DerivedFieldsQuerySet(models.QuerySet):
    """bulk_create()/bulk_update() skip save(): fill the derived columns (normalised name,
    `name_folded`, birth year) there too, so that every write path keeps them in step."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.fill_derived()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.fill_derived()
        return super().bulk_update(objs, self.model.with_derived(fields), *args, **kwargs)


class DerivedFieldsModel(models.Model):
    """A model whose `name_folded` (and friends) are computed from other columns."""

    # source field -> derived fields that must be written together with it.
    DERIVED_FROM: dict[str, tuple[str, ...]] = {"name": ("name", "name_folded")}

    objects = DerivedFieldsQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.fill_derived()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = self.with_derived(kwargs["update_fields"])
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # Before validate_constraints() in full_clean(): the derived columns take part.
        super().clean()
        self.fill_derived()

    def fill_derived(self) -> None:
        self.name = normalize_name(self.name)
        self.name_folded = fold(self.name)

    @classmethod
    def with_derived(cls, fields) -> list[str]:
        result = list(fields)
        for source, names in cls.DERIVED_FROM.items():
            if source in result:
                result.extend(name for name in names if name not in result)
        return result
