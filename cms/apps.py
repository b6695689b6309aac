from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Content"

    def ready(self):
        # The audit trail of publishing and reviews (see the module for why signals), and the
        # draft result notices made from published inspection results.
        from cms import inspection_notices, signals  # noqa: F401

        # Any publication clears the anonymous page cache, in whichever process publishes.
        from cms.page_cache import page_cache_connect

        page_cache_connect()
