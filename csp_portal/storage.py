"""The object stores the portal can keep its files in (csp_portal/settings/object_storage.py), as
django-storages has them, except that a file's address is never the store's own.

A file is read only through the storage by a view that checks who asks. Pages that show a FileField
as a link (the Django admin does) get the same MEDIA_URL address the local disk gives, which the
portal never serves (tests/test_media_not_served.py): no page ever names a blob or an object, signed
or not.
"""

from __future__ import annotations

from urllib.parse import urljoin

from azure.core.exceptions import ResourceNotFoundError
from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends import azure_storage, s3


class UnpublishedAddresses:
    def url(self, name, *args, **kwargs) -> str:
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))


class AzureStorage(UnpublishedAddresses, azure_storage.AzureStorage):
    """Azure Blob Storage, in a private container. A blob opened for reading is fetched at once, so
    that a missing one raises FileNotFoundError, as a missing file on disk does (the download views
    then answer 404), rather than failing halfway through a response."""

    def _open(self, name, mode="rb"):
        opened = super()._open(name, mode)
        if "r" in mode:
            try:
                opened.file  # noqa: B018 - reading it downloads the blob (into memory, or a temporary file if large)
            except ResourceNotFoundError:
                raise FileNotFoundError(f"No blob {name!r} in the container.") from None
        return opened


class S3Storage(UnpublishedAddresses, s3.S3Storage):
    """Amazon S3 or an S3-compatible store, in a private bucket."""
