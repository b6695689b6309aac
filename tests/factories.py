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
