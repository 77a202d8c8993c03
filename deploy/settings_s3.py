"""Settings for uploads in S3-compatible object storage through django-storages.

    DJANGO_SETTINGS_MODULE=deploy.settings_s3
    FILE_STORAGE=storages.backends.s3.S3Storage
    AWS_STORAGE_BUCKET_NAME=...  AWS_ACCESS_KEY_ID=...  AWS_SECRET_ACCESS_KEY=...
    (optional) AWS_S3_ENDPOINT_URL, AWS_S3_REGION_NAME, AWS_S3_ADDRESSING_STYLE,
               AWS_S3_SIGNATURE_VERSION, AWS_LOCATION

django-storages reads its configuration from Django settings named AWS_*; only the access
keys does it also look up in the environment. ``config/settings.py`` does not (yet) turn the
other AWS_* environment variables into settings, so this module does: everything else is
``config.settings`` unchanged. Needs the ``s3`` extra (``pip install -e '.[s3]'``:
django-storages and boto3). See docs/deploy.md, "Object storage"; tested by
tests/deploy/test_object_storage.py.
"""

from __future__ import annotations

from config.env import env_str
from config.settings import *  # noqa: F403

AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME") or None
AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL") or None  # e.g. MinIO, OSS, COS
AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME") or None
AWS_S3_ADDRESSING_STYLE = env_str("AWS_S3_ADDRESSING_STYLE") or None  # "virtual" / "path"
AWS_S3_SIGNATURE_VERSION = env_str("AWS_S3_SIGNATURE_VERSION") or None
AWS_LOCATION = env_str("AWS_LOCATION", "")  # key prefix inside the bucket

# Uploads are private: objects get no ACL (the bucket's, which must deny public access),
# and the application streams every download itself after its permission check, so no
# public or pre-signed object URL is ever handed out.
AWS_DEFAULT_ACL = None
AWS_QUERYSTRING_AUTH = True
# Never overwrite an object silently (the application already stores under random names).
AWS_S3_FILE_OVERWRITE = False
