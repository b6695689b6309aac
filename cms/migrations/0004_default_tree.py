"""The default page tree, in Chinese and English, so a fresh database shows a whole site.

Under the Chinese home: the lists of news, typical cases and inspection result notices, and the
FAQ and contact pages. Then the English locale, and English copies of the home and of those
pages (same translation keys, as `simple_translation` would make them), which editors can
revise. Pages that already exist (same slug under the same parent) are left alone.
"""

import uuid

from django.db import migrations
from django.utils import timezone

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEP = 4


def _next_path(Page, parent):
    last = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    number = int(last[-STEP:], 36) + 1 if last else 1
    digits = ""
    while number:
        number, remainder = divmod(number, 36)
        digits = ALPHABET[remainder] + digits
    return parent.path + digits.rjust(STEP, "0")


def _body(*blocks):
    return [{"type": kind, "value": value, "id": str(uuid.uuid4())} for kind, value in blocks]


def _question(question, answer):
    return ("question", {"question": question, "answer": answer})


# slug, model, Chinese fields, English fields
TREE = [
    (
        "news",
        "newsindexpage",
        {
            "title": "政策与新闻",
            "introduction": "外国人来华工作管理的政策法规、工作动态和通知公告。",
            "search_description": "外国人来华工作管理的政策法规、工作动态和通知公告。",
        },
        {
            "title": "Policies and news",
            "introduction": "Policies, news and announcements on foreigners' work in China.",
            "search_description": "Policies, news and announcements on foreigners' work in China.",
        },
    ),
    (
        "cases",
        "typicalcaseindexpage",
        {
            "title": "典型案例",
            "introduction": "人力资源社会保障部门查处的外国人来华工作违法违规典型案例。",
            "search_description": "外国人来华工作违法违规典型案例。",
        },
        {
            "title": "Typical cases",
            "introduction": "Typical cases of violations of the rules on foreigners' work in "
            "China, decided by the human resources and social security authorities.",
            "search_description": "Typical cases of violations of the rules on foreigners' "
            "work in China.",
        },
    ),
    (
        "notices",
        "inspectionresultnoticeindexpage",
        {
            "title": "抽查结果公示",
            "introduction": "“双随机、一公开”抽查的检查事项、检查对象和检查结果。",
            "search_description": "“双随机、一公开”抽查结果公示。",
        },
        {
            "title": "Inspection results",
            "introduction": "The items, the inspected employers and agencies and the results of "
            "the random inspections.",
            "search_description": "Results of the random inspections of employers and agencies.",
        },
    ),
    (
        "faq",
        "standardpage",
        {
            "title": "常见问题",
            "introduction": "关于信用记录查询和投诉举报的常见问题。",
            "search_description": "关于信用记录查询和投诉举报的常见问题。",
            "body": _body(
                _question(
                    "如何查询用人单位或中介机构的信用记录？",
                    "<p>在首页或“信用记录”页输入单位名称、拼音或统一社会信用代码即可查询。</p>",
                ),
                _question(
                    "信用记录会公示多长时间？",
                    "<p>一般失信记录公示期为3个月至1年，严重失信记录为6个月至3年；"
                    "到期后不再公示。</p>",
                ),
                _question(
                    "外国人个人的信息会公开吗？",
                    "<p>不会。外国人的个人信息只记入个人信用档案，不在本平台公开。</p>",
                ),
            ),
        },
        {
            "title": "Frequently asked questions",
            "introduction": "Questions about the credit records and about complaints.",
            "search_description": "Questions about the credit records and about complaints.",
            "body": _body(
                _question(
                    "How do I look up the credit record of an employer or agency?",
                    "<p>Type its name, its name in pinyin or its unified social credit code "
                    "on the home page or the credit records page.</p>",
                ),
                _question(
                    "How long does a record stay public?",
                    "<p>An ordinary negative record stays public for 3 months to 1 year, a "
                    "serious one for 6 months to 3 years; after that it is no longer shown.</p>",
                ),
                _question(
                    "Is my personal information as a foreign worker published?",
                    "<p>No. A foreign worker's personal information goes only into their "
                    "personal credit file and is never published here.</p>",
                ),
            ),
        },
    ),
    (
        "contact",
        "standardpage",
        {
            "title": "联系我们",
            "introduction": "投诉举报和咨询的联系方式。",
            "search_description": "投诉举报和咨询的联系方式。",
            "body": _body(
                ("heading", "咨询和投诉电话"),
                (
                    "paragraph",
                    "<p>全国人力资源和社会保障服务热线：12333。"
                    "各地主管部门的投诉电话见其机构页面。</p>",
                ),
            ),
        },
        {
            "title": "Contact",
            "introduction": "How to reach us with a question or a complaint.",
            "search_description": "How to reach us with a question or a complaint.",
            "body": _body(
                ("heading", "Phone numbers for questions and complaints"),
                (
                    "paragraph",
                    "<p>National human resources and social security hotline: 12333. The "
                    "complaint phone of each local authority is on its page.</p>",
                ),
            ),
        },
    ),
]


def _recount_children(Page, parent_ids):
    for parent in Page.objects.filter(pk__in=parent_ids):
        parent.numchild = Page.objects.filter(
            path__startswith=parent.path, depth=parent.depth + 1
        ).count()
        parent.save(update_fields=["numchild"])


def create_tree(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("cms.HomePage")

    chinese_home = HomePage.objects.filter(depth=2).order_by("path").first()
    if chinese_home is None:
        return
    english, _ = Locale.objects.get_or_create(language_code="en")
    now = timezone.now()

    def add_child(parent, model_name, slug, locale, translation_key, fields):
        model = apps.get_model("cms", model_name)
        existing = Page.objects.filter(
            path__startswith=parent.path, depth=parent.depth + 1, slug=slug
        ).first()
        if existing is not None:
            return existing
        content_type, _ = ContentType.objects.get_or_create(app_label="cms", model=model_name)
        page = model.objects.create(
            draft_title=fields["title"],
            slug=slug,
            content_type=content_type,
            path=_next_path(Page, parent),
            depth=parent.depth + 1,
            numchild=0,
            url_path=f"{parent.url_path}{slug}/",
            locale=locale,
            translation_key=translation_key,
            live=True,
            has_unpublished_changes=False,
            first_published_at=now,
            last_published_at=now,
            show_in_menus=parent.depth > 1,
            **fields,
        )
        Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + 1)
        parent.numchild += 1
        return page

    chinese_pages = {}
    for slug, model_name, chinese, _english in TREE:
        chinese_pages[slug] = add_child(
            chinese_home, model_name, slug, chinese_home.locale, uuid.uuid4(), chinese
        )

    english_home = HomePage.objects.filter(
        translation_key=chinese_home.translation_key, locale=english
    ).first()
    if english_home is None:
        root = Page.objects.get(depth=1)
        english_home = add_child(
            root,
            "homepage",
            f"{chinese_home.slug}-en",
            english,
            chinese_home.translation_key,
            {
                "title": "Foreign Work Permit Supervision Portal",
                "search_description": "Credit records of employers and agencies that hire "
                "foreigners in China, typical cases, inspection results and complaints.",
                "introduction": "",
                "file_complaint_url": chinese_home.file_complaint_url,
                "track_complaint_url": chinese_home.track_complaint_url,
            },
        )
    for slug, model_name, _chinese, english_fields in TREE:
        add_child(
            english_home,
            model_name,
            slug,
            english,
            chinese_pages[slug].translation_key,
            english_fields,
        )


def remove_tree(apps, schema_editor):
    Page = apps.get_model("wagtailcore.Page")
    HomePage = apps.get_model("cms.HomePage")
    slugs = [slug for slug, *_rest in TREE]
    homes = list(HomePage.objects.filter(depth=2))
    for home in homes:
        Page.objects.filter(
            path__startswith=home.path, depth=home.depth + 1, slug__in=slugs, numchild=0
        ).delete()
    HomePage.objects.filter(depth=2, locale__language_code="en", numchild=0).delete()
    _recount_children(Page, [home.pk for home in homes] + [Page.objects.get(depth=1).pk])


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_page_types"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_tree, remove_tree)]
