"""The categories a new installation starts with; editors change them in the admin."""

from django.db import migrations

# code, parent code, name, English name, anonymous allowed, acceptance days, conclusion days,
# notice, English notice
CATEGORIES = [
    ("employer", None, "用人单位违法行为", "Employer violations", False, 7, 60, "", ""),
    (
        "working-without-permit", "employer", "未办理工作许可聘用外国人",
        "Employing a foreigner without a work permit", True, 7, 60,
        "举报可以匿名。请尽量写明单位名称、地址和外国人工作的岗位。",
        "You may report this anonymously. Give the employer's name, address and the job if you can.",
    ),
    (
        "permit-fraud", "employer", "骗取外国人工作许可", "Work permit fraud", True, 7, 60,
        "举报可以匿名。请说明虚假材料的内容。",
        "You may report this anonymously. Say which documents were false.",
    ),
    (
        "unpaid-wages", "employer", "拖欠工资", "Unpaid wages", False, 5, 30,
        "请准备劳动合同、工资记录等材料，并留下联系方式以便核实。",
        "Have your contract and pay records ready, and leave a contact so the facts can be checked.",
    ),
    (
        "passport-withheld", "employer", "扣押护照或其他证件", "Passport or documents withheld",
        False, 3, 30,
        "如有人身安全危险，请立即拨打110。",
        "If you are in danger, call the police on 110 now.",
    ),
    ("agency", None, "中介机构违法行为", "Agency violations", False, 7, 60, "", ""),
    (
        "illegal-agency-fees", "agency", "违规收取中介费用", "Illegal agency fees", True, 7, 60,
        "请写明收费金额、时间和方式。", "Give the amount, the date and how you paid.",
    ),
    (
        "officer-misconduct", None, "工作人员违法违纪", "Officer misconduct", True, 7, 60,
        "对工作人员的投诉由上一级机关办理，被投诉人看不到您的投诉。",
        "Complaints about officers are handled by the level above; the officer does not see yours.",
    ),
]


def create_categories(apps, schema_editor):
    Category = apps.get_model("complaints", "ComplaintCategory")
    created = {}
    for order, row in enumerate(CATEGORIES):
        code, parent, name, name_en, anonymous, acceptance, conclusion, notice, notice_en = row
        created[code] = Category.objects.create(
            code=code,
            parent=created.get(parent),
            name=name,
            name_en=name_en,
            anonymous_allowed=anonymous,
            acceptance_days=acceptance,
            conclusion_days=conclusion,
            notice=notice,
            notice_en=notice_en,
            sort_order=order,
        )


def remove_categories(apps, schema_editor):
    Category = apps.get_model("complaints", "ComplaintCategory")
    for code, *_rest in reversed(CATEGORIES):
        Category.objects.filter(code=code).delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(create_categories, remove_categories)]
