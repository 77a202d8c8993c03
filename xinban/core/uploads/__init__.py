"""Uploads and downloads of attachments: size limit while streaming, content sniffing,
zip-bomb check, safe storage names, checksums and attachment responses.

Everything here trusts the *bytes*, never the client's file name or content type: staff
rename files, browsers guess content types, and a hostile client can send anything.

One module per concern (`size`, `content`, `ole`, `names`, `files`); every public name
is re-exported here (settings name `xinban.core.uploads.LimitedUploadHandler`).
"""

from xinban.core.uploads.content import (
    DEFAULT_ZIP_LIMITS,
    FORMATS,
    DetectedType,
    Kinds,
    UploadKind,
    ZipLimits,
    accept_attribute,
    accepted_labels,
    validate_upload,
)
from xinban.core.uploads.files import attachment_response, sha256_of
from xinban.core.uploads.names import (
    MAX_FILE_NAME_CHARS,
    UNNAMED,
    clean_display_name,
    download_name_for,
    long_file_name_error,
    refuse_long_file_name,
    safe_storage_name,
)
from xinban.core.uploads.size import (
    KIB,
    LONG_NAMES_ATTR,
    MIB,
    MULTIPART_OVERHEAD_BYTES,
    REFUSALS_ATTR,
    LimitedUploadHandler,
    add_upload_refusal_errors,
    format_size,
    logger,
    max_request_bytes,
    max_upload_bytes,
    upload_refused_fields,
    upload_too_large_error,
)

__all__ = [
    "DEFAULT_ZIP_LIMITS",
    "DetectedType",
    "FORMATS",
    "KIB",
    "Kinds",
    "LONG_NAMES_ATTR",
    "LimitedUploadHandler",
    "MAX_FILE_NAME_CHARS",
    "MIB",
    "MULTIPART_OVERHEAD_BYTES",
    "REFUSALS_ATTR",
    "UNNAMED",
    "UploadKind",
    "ZipLimits",
    "accept_attribute",
    "accepted_labels",
    "add_upload_refusal_errors",
    "attachment_response",
    "clean_display_name",
    "download_name_for",
    "format_size",
    "logger",
    "long_file_name_error",
    "max_request_bytes",
    "max_upload_bytes",
    "refuse_long_file_name",
    "safe_storage_name",
    "sha256_of",
    "upload_refused_fields",
    "upload_too_large_error",
    "validate_upload",
]
