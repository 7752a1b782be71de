"""Where uploaded files and rendered reports are kept: the local disk (MEDIA_ROOT) unless an object
store is configured, which every web and worker machine then shares: Azure Blob Storage or Amazon S3
(or any S3-compatible store), through django-storages.

Either way the files stay private. The portal never hands out a file's address: each file is read
through the storage by a view that checks who asks (tests/test_media_not_served.py), and no page
ever names a blob or an object (csp_portal/storage.py). The container or bucket must refuse
anonymous reads, and the storage never signs an address (no SAS token, no pre-signed query string).
"""

from __future__ import annotations

from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

from . import env

DISK = "django.core.files.storage.FileSystemStorage"
AZURE = "csp_portal.storage.AzureStorage"
S3 = "csp_portal.storage.S3Storage"

AZURE_VARIABLES = (
    "AZURE_STORAGE_CONNECTION_STRING",
    "AZURE_STORAGE_ACCOUNT_NAME",
    "AZURE_STORAGE_ACCOUNT_KEY",
    "AZURE_STORAGE_CONTAINER",
)
S3_VARIABLES = (
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_REGION_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
)


def default_storage() -> dict:
    """STORAGES["default"]: Azure Blob Storage, S3 or, when neither is configured, the local disk."""
    azure, s3 = _azure(), _s3()
    if azure and s3:
        raise ImproperlyConfigured(
            "Set the AZURE_STORAGE_... variables or the AWS_... ones, not both: the files are kept in one place."
        )
    return azure or s3 or {"BACKEND": DISK}


def _azure() -> dict | None:
    connection_string = env.string("AZURE_STORAGE_CONNECTION_STRING")
    account_name = env.string("AZURE_STORAGE_ACCOUNT_NAME")
    account_key = env.string("AZURE_STORAGE_ACCOUNT_KEY")
    container = env.string("AZURE_STORAGE_CONTAINER")
    if not any((connection_string, account_name, account_key, container)):
        return None
    if connection_string and (account_name or account_key):
        raise ImproperlyConfigured(
            "Set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT_NAME and AZURE_STORAGE_ACCOUNT_KEY, "
            "not both."
        )
    if not connection_string and not (account_name and account_key):
        raise ImproperlyConfigured(
            "Azure Blob Storage needs AZURE_STORAGE_CONNECTION_STRING, "
            "or both AZURE_STORAGE_ACCOUNT_NAME and AZURE_STORAGE_ACCOUNT_KEY."
        )
    if not container:
        raise ImproperlyConfigured("AZURE_STORAGE_CONTAINER must be set: the private container that holds the files.")
    # Never a SAS token in an address (expiration_secs None), never a file replaced by another of its name.
    options = {"azure_container": container, "expiration_secs": None, "overwrite_files": False}
    if connection_string:
        _check_connection_string(connection_string)
        options["connection_string"] = connection_string
    else:
        options.update(account_name=account_name, account_key=account_key)
    return {"BACKEND": AZURE, "OPTIONS": options}


def _check_connection_string(value: str) -> None:
    parts = dict(part.split("=", 1) for part in value.split(";") if "=" in part)
    if not ({"AccountName", "BlobEndpoint"} & set(parts)):
        raise ImproperlyConfigured(
            "AZURE_STORAGE_CONNECTION_STRING is not a storage account's connection string: "
            "copy it from the account's 'Access keys' (DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...)."
        )


def _s3() -> dict | None:
    bucket = env.string("AWS_STORAGE_BUCKET_NAME")
    if not bucket:
        stray = [name for name in S3_VARIABLES[1:3] if env.is_set(name)]
        if stray:
            raise ImproperlyConfigured(f"{stray[0]} is set but AWS_STORAGE_BUCKET_NAME is not: name the bucket.")
        return None
    access_key, secret_key = env.string("AWS_ACCESS_KEY_ID"), env.string("AWS_SECRET_ACCESS_KEY")
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured(
            "Set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither (then boto3 finds its own, e.g. a role)."
        )
    # Private objects, addresses never pre-signed, never a file replaced by another of its name.
    options = {"bucket_name": bucket, "default_acl": "private", "querystring_auth": False, "file_overwrite": False}
    if region := env.string("AWS_S3_REGION_NAME"):
        options["region_name"] = region
    if endpoint := env.string("AWS_S3_ENDPOINT_URL"):
        parsed = urlparse(endpoint)
        if parsed.scheme not in {"http", "https"} or not parsed.hostname:
            raise ImproperlyConfigured(f"AWS_S3_ENDPOINT_URL={endpoint!r} is not an http:// or https:// address.")
        options["endpoint_url"] = endpoint
    if access_key:
        options.update(access_key=access_key, secret_key=secret_key)
    return {"BACKEND": S3, "OPTIONS": options}
