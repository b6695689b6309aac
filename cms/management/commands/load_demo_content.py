"""Load demo content: `manage.py load_demo_content` (after `load_demo_data`)."""

from django.core.management.base import BaseCommand

from cms.demo import demo_content_load


class Command(BaseCommand):
    help = (
        "Add demo inspection items (the national list and some provinces' additions) and demo "
        "pages in Chinese and English (news, typical cases naming demo organisations, inspection "
        "result notices) on top of load_demo_data. Adds only what is missing: a second run adds "
        "nothing. Wagtail indexes the pages through the task worker."
    )

    def handle(self, *args, **options) -> None:
        summary = demo_content_load()
        self.stdout.write(
            f"Added {summary.items} inspection items, {summary.pages} pages and "
            f"{summary.translations} English translations."
        )
        for reason in summary.skipped:
            self.stdout.write(f"Skipped {reason}")
