"""Fields and serializers shared by the API views of every app (imported from
registry.api as well), with the schema each one really has."""
from django.core.validators import RegexValidator
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry.forms import NO_CONTROL_CHARACTERS_PATTERN, reject_control_characters


class DetailSerializer(serializers.Serializer):
    """An answer that is only a message (an accepted request, a result still being made),
    in the client's language. Errors have the same shape (vssid_portal/api/schema.py)."""

    detail = serializers.CharField()


@extend_schema_field({"type": "string", "format": "binary"})
class UploadField(serializers.FileField):
    """A file sent in a multipart body: the schema says binary (DRF's FileField is
    described as a URL, which is what it gives back, never what it reads)."""


class StrictCharField(serializers.CharField):
    """A CharField that takes text only. DRF's own turns a JSON number into its text, which
    the schema (type string) does not allow; and a BHXH code, phone or OTP sent as a number
    has already lost its leading zeros."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class PlainCharField(StrictCharField):
    """A CharField that refuses control characters (NUL included) with a Vietnamese message
    before DRF's own NUL check, whose message is English."""

    def to_internal_value(self, data):
        return reject_control_characters(super().to_internal_value(data))


class _PlainCharFieldSchema(OpenApiSerializerFieldExtension):
    """The schema of a PlainCharField says that it refuses control characters (unless the
    field has a pattern of its own, stricter already)."""

    target_class = PlainCharField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction,
                                                   bypass_extensions=True)
        if not any(isinstance(validator, RegexValidator) for validator in
                   self.target.validators):
            schema.setdefault("pattern", NO_CONTROL_CHARACTERS_PATTERN)
        return schema
