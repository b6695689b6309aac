"""Settings for the test suite: a real database and a real Elasticsearch node, own index names."""

import os

from portal.env import env

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# One prefix per test run, so two runs against the same node (a developer's and CI's) never
# delete each other's indices.
SEARCH_INDEX_PREFIX = env.str("SEARCH_INDEX_PREFIX", default=f"test-{os.getpid()}")
# Tests see every change at once; tests/cms/test_page_cache.py turns the page cache on.
PAGE_CACHE_SECONDS = 0
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# The suite calls the API thousands of times from one address; the rate-limit test sets its own.
API_RATES = {
    scope: "100000/m" for scope in ("search", "suggest", "organisation", "export", "report")
}
# Likewise one test database per run on a shared PostgreSQL server (SQLite's is in memory).
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"].setdefault("TEST", {})["NAME"] = (  # noqa: F405
        f"test_{DATABASES['default']['NAME']}_{os.getpid()}"  # noqa: F405
    )
