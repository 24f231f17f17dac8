"""Model fields for personal identifiers at rest (apps.core.crypto).

`EncryptedCharField` holds the plain value in Python and a Fernet token in its column: `investor.pan`
reads and writes as before, the table holds no PAN. A token cannot be compared, so the field refuses
every lookup except `isnull`; a value that must be found or kept unique names a `hash_field`, a
`KeyedHashField` beside it that `KeyedHashesMixin.save()` keeps equal to `keyed_hash(value)`. Lookups go
through the owning app's selectors, which hash their input the same way.

A queryset `update()` or `bulk_create()` of an encrypted field bypasses `save()` and so the hash: write
these fields through `save()` (services do)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldError
from django.db import models

from apps.core.crypto import decrypt, encrypt, keyed_hash

__all__ = ["EncryptedCharField", "KeyedHashField", "KeyedHashesMixin"]


class EncryptedCharField(models.TextField):
    """A short string encrypted at rest under `purpose` (a Fernet token is about 100 characters: text
    column). Empty stays empty and None stays None, so `blank` and `null` keep their meaning."""

    ALLOWED_LOOKUPS = frozenset({"isnull"})

    def __init__(self, *args: Any, purpose: str, hash_field: str | None = None, **kwargs: Any) -> None:
        self.purpose = purpose
        self.hash_field = hash_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["purpose"] = self.purpose
        if self.hash_field:
            kwargs["hash_field"] = self.hash_field
        return name, path, args, kwargs

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value, purpose=self.purpose)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt(value, purpose=self.purpose)

    def get_lookup(self, lookup_name: str):
        if lookup_name not in self.ALLOWED_LOOKUPS:
            by = f" by {self.hash_field} (see the app's selectors)" if self.hash_field else ""
            raise FieldError(f"{self.model.__name__}.{self.name} is encrypted and cannot be compared; look it up{by}.")
        return super().get_lookup(lookup_name)

    def hash_of(self, value: str | None) -> str | None:
        return keyed_hash(value, purpose=self.purpose) if value else None


class KeyedHashField(models.CharField):
    """The HMAC-SHA256 (hex) of an EncryptedCharField's value; None when the value is empty."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)


class KeyedHashesMixin:
    """On a model with EncryptedCharFields: every save writes each one's hash field from its value, also
    when `update_fields` names only the encrypted field."""

    def save(self, *args: Any, update_fields: Any = None, **kwargs: Any) -> None:
        for field in self._meta.concrete_fields:  # type: ignore[attr-defined]
            if isinstance(field, EncryptedCharField) and field.hash_field:
                setattr(self, field.hash_field, field.hash_of(getattr(self, field.attname)))
                if update_fields is not None and field.name in update_fields:
                    update_fields = {*update_fields, field.hash_field}
        super().save(*args, update_fields=update_fields, **kwargs)  # type: ignore[misc]
