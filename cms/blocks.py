"""StreamField blocks for the body of standard pages and news."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock


class HeadingBlock(blocks.CharBlock):
    """A section heading (rendered as h2, the page title being the h1)."""

    class Meta:
        icon = "title"
        template = "cms/blocks/heading.html"
        label = _("Heading")


class QuestionBlock(blocks.StructBlock):
    """One question and its answer, shown as an expandable entry (FAQ pages)."""

    question = blocks.CharBlock(label=_("Question"))
    answer = blocks.RichTextBlock(
        label=_("Answer"), features=["bold", "italic", "link", "ol", "ul"]
    )

    class Meta:
        icon = "help"
        template = "cms/blocks/question.html"
        label = _("Question and answer")


class BodyBlock(blocks.StreamBlock):
    """What an editor can put in a page body: headings, paragraphs, tables, questions."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        icon="pilcrow",
        label=_("Paragraph"),
        features=["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"],
    )
    table = TableBlock(label=_("Table"))
    question = QuestionBlock()
