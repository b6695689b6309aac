"""RSS and Atom feeds of the public lists (django.contrib.syndication)."""

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

__all__ = ["Atom1Feed", "ListFeed", "Rss201rev2Feed"]


class ListFeed(Feed):
    """The newest items of an index page (already filtered), in the feed format given."""

    def __init__(self, index_page, items, feed_type):
        super().__init__()
        self.index_page = index_page
        self.items_list = list(items)
        self.feed_type = feed_type

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return self.index_page

    def title(self, obj):
        return obj.seo_title or obj.title

    def link(self, obj):
        return obj.url

    def description(self, obj):
        return obj.search_description or getattr(obj, "introduction", "") or obj.title

    def language(self, obj):
        return obj.locale.language_code

    def items(self, obj):
        return self.items_list

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary()

    def item_link(self, item):
        return item.url

    def item_pubdate(self, item):
        moment = datetime.datetime.combine(item.published_on, datetime.time())
        return timezone.make_aware(moment)

    def item_updateddate(self, item):
        return item.last_published_at
