"""factory_boy factories for the project's models. Data is realistic and valid by construction."""

import factory

from portal.core.models import Region
from portal.records import uscc
from portal.records.models import Organisation


class RegionFactory(factory.django.DjangoModelFactory):
    """Regions normally come from the GB/T 2260 data migration; this finds or makes one."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "440305"
    name = "南山区"
    level = Region.Level.COUNTY


def _uscc(sequence: int) -> str:
    return uscc.build(
        authority="9", category="1", region="440305", organisation_code8=f"MA{sequence:06d}"
    )


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    uscc = factory.Sequence(_uscc)
    kind = Organisation.Kind.EMPLOYER
    name = factory.Sequence(lambda n: f"深圳市测试{n}号科技有限公司")
    name_en = ""
    region = factory.LazyFunction(lambda: RegionFactory())
    address = "深圳市南山区科技园路1号"
    industry = "软件和信息技术服务业"
    legal_representative = "张伟"


# Credit records -------------------------------------------------------------------------------
# Imports stay inside functions so this section only appends to the file.


def _date(year: int, month: int, day: int):
    import datetime

    return datetime.date(year, month, day)


def _clock(event):
    from portal.records import credit

    return credit.clock_for(
        kind=event.kind,
        severity=event.severity,
        outcome=event.outcome,
        published_on=event.published_on,
    )


def _personal_code() -> str:
    from portal.records.services import personal_code_generate

    return personal_code_generate()


class CreditEventFactory(factory.django.DjangoModelFactory):
    """A published ordinary penalty with its clock computed as the services store it. Use
    `portal.records.services.credit_event_create` instead where the rating must follow."""

    class Meta:
        model = "records.CreditEvent"

    organisation = factory.SubFactory(OrganisationFactory)
    kind = "penalty"
    severity = "ordinary"
    outcome = ""
    reference = factory.Sequence(lambda n: f"REF-{n:06d}")
    title = "未按规定办理外国人工作许可"
    facts = "该单位聘用外国人未按规定办理工作许可。"
    decision_number = factory.Sequence(lambda n: f"深人社罚〔2024〕{n}号")
    published_on = factory.LazyFunction(lambda: _date(2024, 3, 1))
    repair_possible_from = factory.LazyAttribute(lambda event: _clock(event).repair_possible_from)
    public_until = factory.LazyAttribute(lambda event: _clock(event).public_until)


class ForeignWorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "records.ForeignWorker"

    personal_code = factory.LazyFunction(_personal_code)
    surname = factory.Sequence(lambda n: f"Smith{n}")
    given_names = "John"
    nationality = "GBR"
    passport_number = factory.Sequence(lambda n: f"P{n:08d}")
    birth_date = factory.LazyFunction(lambda: _date(1990, 5, 17))


# Authorities ----------------------------------------------------------------------------------


class AuthorityFactory(factory.django.DjangoModelFactory):
    """A live prefectural authority of a real prefecture (深圳市 unless `region` says otherwise);
    use `level` and `parent` for the others. Staff: `StaffMembershipFactory`."""

    class Meta:
        model = "core.Authority"
        django_get_or_create = ("region",)

    name = factory.LazyAttribute(
        lambda a: f"{a.region.name}人力资源和社会保障局" if a.region else "国家外国专家局"
    )
    name_en = factory.LazyAttribute(
        lambda a: (
            "Test Municipal Human Resources and Social Security Bureau"
            if a.region
            else "State Administration of Foreign Experts Affairs"
        )
    )
    level = "prefectural"
    region = factory.LazyFunction(lambda: Region.objects.get(code="440300"))
    complaint_phone = "0755-12333"
    address = "深圳市福田区福中三路市民中心"
    address_en = "Civic Centre, Fuzhong 3rd Road, Futian District, Shenzhen"
    opening_hours = "周一至周五 9:00—12:00，14:00—17:30"
    opening_hours_en = "Monday to Friday, 9:00–12:00 and 14:00–17:30"
    languages = factory.LazyFunction(lambda: ["zh-hans", "en"])


class StaffMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "core.StaffMembership"

    user = factory.SubFactory("tests.factories.UserFactory")
    authority = factory.SubFactory(AuthorityFactory)
    role = "editor"


class UserFactory(factory.django.DjangoModelFactory):
    """A staff user who may reach the Wagtail admin (password "password")."""

    class Meta:
        model = "auth.User"
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("password")

    @factory.post_generation
    def admin_access(self, create, extracted, **kwargs):
        if create and extracted is not False:
            from django.contrib.auth.models import Permission

            self.user_permissions.add(
                Permission.objects.get(
                    content_type__app_label="wagtailadmin", codename="access_admin"
                )
            )


# Complaints -----------------------------------------------------------------------------------


class ComplaintCategoryFactory(factory.django.DjangoModelFactory):
    """A category (the default tree comes from the complaints data migration); found by code."""

    class Meta:
        model = "complaints.ComplaintCategory"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test-category-{n}")
    name = factory.Sequence(lambda n: f"测试类别{n}")
    name_en = factory.Sequence(lambda n: f"Test category {n}")
    acceptance_days = 7
    conclusion_days = 60
    anonymous_allowed = False


class HolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "complaints.Holiday"
        django_get_or_create = ("date",)

    date = factory.LazyFunction(lambda: _date(2026, 10, 1))
    kind = "holiday"
    name = "国庆节"


# Inspection items -----------------------------------------------------------------------------


class InspectionItemFactory(factory.django.DjangoModelFactory):
    """A live national item in force since 2024 (give `authority` a national or provincial
    authority; publish through `portal.inspections.services` to get its history)."""

    class Meta:
        model = "inspections.InspectionItem"

    code = factory.Sequence(lambda n: f"T-{n:03d}")
    name = "外国人工作许可持证情况"
    name_en = "Whether foreigners hold valid work permits"
    authority = factory.SubFactory(AuthorityFactory, region=None, level="national")
    subject_type = "employer"
    method = "on_site"
    legal_basis = "《中华人民共和国出境入境管理法》第四十一条"
    legal_basis_en = "Exit and Entry Administration Law, article 41"
    frequency = "每年一次，抽查比例不低于5%"
    frequency_en = "Once a year, at least 5% of employers"
    department = "外国人来华工作管理处"
    department_en = "Foreigners' Work Administration Division"
    in_force_from = factory.LazyFunction(lambda: _date(2024, 1, 1))
    live = True
