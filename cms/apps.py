from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Content"

    def ready(self):
        # Any publication clears the anonymous page cache, in whichever process publishes.
        from cms.page_cache import page_cache_connect

        page_cache_connect()
