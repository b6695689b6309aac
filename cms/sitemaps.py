"""sitemap.xml: every live, public page in every language."""

from wagtail.contrib.sitemaps import Sitemap


class PortalSitemap(Sitemap):
    """Wagtail's sitemap lists the pages under the site's root page only, which is the Chinese
    home; the English tree sits under its translation, so list both."""

    def items(self):
        root = self.get_wagtail_site().root_page
        pages = root.get_descendants(inclusive=True)
        for translation in root.get_translations():
            pages = pages | translation.get_descendants(inclusive=True)
        return pages.live().public().order_by("path").defer_streamfields().specific()
