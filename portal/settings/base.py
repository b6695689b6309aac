"""Settings shared by every environment. Values that vary come from `portal.env`."""

from pathlib import Path

from portal.env import BASE_DIR, DEFAULT_CACHE_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Ours. Domain apps first: they import nothing from the presentation apps below them.
    "portal.core",
    "portal.records",
    "portal.inspections",
    "search",
    "cms",
    "complaints",
    # Background work.
    "django_tasks",
    "django_tasks_db",
    # Wagtail.
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.table_block",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # django-ninja: its Swagger UI assets, served from this site (templates/ninja/swagger.html).
    "ninja",
    # Django.
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware, keeping the cookie-based language of views outside the pages.
    "cms.middleware.PageLocaleMiddleware",
    # Whole pages for anonymous visitors, keyed by the language set just above.
    "cms.page_cache.AnonymousPageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "portal.core.context_processors.responsible_authority",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

# SQLite beside the code by default; DATABASE_URL=postgres://… in CI and production.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the task worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Simplified Chinese is the primary language; English serves foreign workers.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# E-mail.
EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@localhost")

# Elasticsearch. The default points at the node that `manage.py search_node start` manages.
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="http://127.0.0.1:9200")
ELASTICSEARCH_TIMEOUT = env.float("ELASTICSEARCH_TIMEOUT", default=5.0)
# Every index and alias name starts with this, so environments can share one cluster.
SEARCH_INDEX_PREFIX = env.str("SEARCH_INDEX_PREFIX", default="portal")
# The most rows one CSV export of a search may hold.
SEARCH_EXPORT_LIMIT = env.int("SEARCH_EXPORT_LIMIT", default=100_000)
# Nightly full dumps of the public record (`manage.py publish_dumps`), served on /data/: where
# they are written, and how many runs are kept.
PUBLIC_DUMPS_DIR = Path(env.str("PUBLIC_DUMPS_DIR", default=str(BASE_DIR / "var" / "dumps")))
PUBLIC_DUMPS_KEEP = env.int("PUBLIC_DUMPS_KEEP", default=7)
# Replicas per index: 0 on a single node, at least 1 on a production cluster.
SEARCH_INDEX_REPLICAS = env.int("SEARCH_INDEX_REPLICAS", default=0)
# Where the managed local node keeps its download, installation and data.
SEARCH_NODE_HOME = Path(
    env.str("SEARCH_NODE_HOME", default=str(DEFAULT_CACHE_DIR / "foreign-work-portal"))
)

# The credit clock: how long negative events stay public, and when credit repair becomes
# possible (months from publication). Defaults as Credit China; see portal/records/credit.py.
CREDIT_CLOCK = {
    "ordinary": {
        "min_months": env.int("CREDIT_CLOCK_ORDINARY_MIN_MONTHS", default=3),
        "max_months": env.int("CREDIT_CLOCK_ORDINARY_MAX_MONTHS", default=12),
    },
    "serious": {
        "min_months": env.int("CREDIT_CLOCK_SERIOUS_MIN_MONTHS", default=6),
        "max_months": env.int("CREDIT_CLOCK_SERIOUS_MAX_MONTHS", default=36),
    },
    "positive": {"max_months": env.int("CREDIT_CLOCK_POSITIVE_MAX_MONTHS", default=36)},
}

# The cache is shared by every web process: it holds the API's rate-limit counters. The database
# cache needs no extra service (`manage.py createcachetable` creates its table); use
# redis://… or memcache://… at scale.
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://portal_cache")}
# How long a rendered page is kept for anonymous visitors; any publication clears them all
# (cms/page_cache.py). 0 turns the page cache off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
# How long each process keeps reference data it reads on nearly every request (regions,
# authorities and routing, complaint categories, holidays, the blank complaint form; see
# portal/core/process_cache.py): a change made in another process shows within this time.
# 0 reads them every time.
PROCESS_CACHE_SECONDS = env.int("PROCESS_CACHE_SECONDS", default=60)

# Requests per client address, per endpoint of the open data API (429 with Retry-After beyond).
API_RATES = {
    "search": env.str("API_RATE_SEARCH", default="60/m"),
    "suggest": env.str("API_RATE_SUGGEST", default="300/m"),
    "organisation": env.str("API_RATE_ORGANISATION", default="120/m"),
    "export": env.str("API_RATE_EXPORT", default="6/m"),
    "report": env.str("API_RATE_REPORT", default="10/m"),
}
# How many reverse proxies stand in front of the web processes: the client address is taken
# from X-Forwarded-For that many hops back (0: the connection's address; never trust the header).
NINJA_NUM_PROXIES = env.int("TRUSTED_PROXY_COUNT", default=0)

# Background work (django-tasks with its database backend; `manage.py db_worker` runs it).
# Index sync has a queue of its own ("search"), so a backlog of e-mails or page work never holds
# back the moment a change becomes searchable; production runs a worker for each queue.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "search"],
    }
}

# reCAPTCHA (django-recaptcha). www.recaptcha.net is the domain that serves mainland China.
RECAPTCHA_PUBLIC_KEY = env.str("RECAPTCHA_PUBLIC_KEY", default="")
RECAPTCHA_PRIVATE_KEY = env.str("RECAPTCHA_PRIVATE_KEY", default="")
RECAPTCHA_DOMAIN = env.str("RECAPTCHA_DOMAIN", default="www.recaptcha.net")

# Complaints. The captcha of the complaint form: "altcha" (self-hosted proof of work; works where
# Google cannot be reached), "recaptcha" (the keys above) or "none" (development only).
COMPLAINT_CAPTCHA = env.str("COMPLAINT_CAPTCHA", default="altcha")
# The key that signs ALTCHA challenges; empty: derived from SECRET_KEY.
ALTCHA_HMAC_KEY = env.str("ALTCHA_HMAC_KEY", default="")
# PBKDF2 iterations per attempt (about 256 attempts per challenge), and how long one is valid.
ALTCHA_COST = env.int("ALTCHA_COST", default=5000)
ALTCHA_EXPIRY_SECONDS = env.int("ALTCHA_EXPIRY_SECONDS", default=1200)
# Requests per client address: complaints filed, and tracking lookups.
COMPLAINT_RATES = {
    "submit": env.str("COMPLAINT_RATE_SUBMIT", default="20/h"),
    "track": env.str("COMPLAINT_RATE_TRACK", default="20/10m"),
}
# Complaints: how many days after a decision the complainant may ask the level above for a review,
# and how many days after it personal data of a closed complaint is kept (`manage.py
# complaints_anonymise` removes it after that; 3 years by default).
COMPLAINT_REVIEW_DAYS = env.int("COMPLAINT_REVIEW_DAYS", default=30)
COMPLAINT_RETENTION_DAYS = env.int("COMPLAINT_RETENTION_DAYS", default=3 * 365)
# Where complaint attachments are kept: outside MEDIA_ROOT, served by no URL.
COMPLAINT_ATTACHMENTS_ROOT = Path(
    env.str("COMPLAINT_ATTACHMENTS_ROOT", default=str(BASE_DIR / "var" / "complaint-attachments"))
)
# The ClamAV daemon that scans every attachment for malware before staff may download it:
# unix:///run/clamav/clamd.ctl or tcp://host:3310. Empty: no scanning, and the staff pages say
# that the files were not scanned.
COMPLAINT_ATTACHMENT_CLAMD_URL = env.str("COMPLAINT_ATTACHMENT_CLAMD_URL", default="")

# Inspection results: days after the subject is notified of a negative result or a penalty in
# which it may submit a statement or request a hearing; publication comes after them.
INSPECTION_STATEMENT_DAYS = env.int("INSPECTION_STATEMENT_DAYS", default=7)
# Where the evidence of on-site inspections is kept: outside MEDIA_ROOT, served by no URL.
INSPECTION_EVIDENCE_ROOT = Path(
    env.str("INSPECTION_EVIDENCE_ROOT", default=str(BASE_DIR / "var" / "inspection-evidence"))
)

# Wagtail.
WAGTAIL_SITE_NAME = "外国人来华工作监管公示平台"
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Page content in Chinese and English (wagtail.contrib.simple_translation; see cms/localisation.py).
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# The editorial process (cms/workflows.py, cms/permissions.py). Workflows on; an approved review
# publishes the page without the publish permission, which no one holds for pages that name an
# organisation. Revisions, comparison, locking, previews and scheduled go-live and expiry are
# Wagtail's own (scheduled ones need `manage.py publish_scheduled` every minute: scripts/run.sh).
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_FINISH_WORKFLOW_ACTION = "cms.workflow_actions.publish_workflow_state"
# Publishing a page directly (where one may) ends the review in progress on it.
WAGTAIL_WORKFLOW_CANCEL_ON_PUBLISH = True
# The admin too works in mainland China and offline: no avatars from gravatar.com (initials
# instead), no check for new Wagtail releases from the browser.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Uploads (tests/cms/test_upload_safety.py). Images: raster formats only (an SVG can carry
# script), at most 10 MB and 50 megapixels (a decompression bomb is refused before it is
# decoded). Documents: office and data formats only (no HTML or SVG to run on this origin);
# Wagtail serves them with `Content-Security-Policy: default-src 'none'` and `nosniff`, inline
# only for PDF.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 50_000_000
WAGTAILDOCS_EXTENSIONS = ["csv", "doc", "docx", "odt", "ods", "pdf", "ppt", "pptx", "rtf", "txt"]
WAGTAILDOCS_EXTENSIONS += ["xls", "xlsx", "zip"]
WAGTAIL_ENABLE_UPDATE_CHECK = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # The client logs every request at INFO; one line per search is noise.
        "elastic_transport": {"level": "WARNING"},
    },
}
