"""English names of regions: the Hanyu Pinyin of the place with its type translated, the way
Chinese maps and government sites write them in English (广东省 Guangdong Province, 西安市 Xi'an
City, 南山区 Nanshan District, 延边朝鲜族自治州 Yanbian Korean Autonomous Prefecture).

Pinyin comes from pypinyin (its phrase dictionary reads place names such as 重庆 Chongqing and
厦门 Xiamen right); syllables are written together, with an apostrophe before a syllable that
starts with a, o or e (Xi'an). A few names have a fixed English form that pinyin does not give
(陕西 Shaanxi, unlike 山西 Shanxi; 内蒙古 Inner Mongolia; 香港 Hong Kong).
"""

import re

from pypinyin import Style, lazy_pinyin

# Longest first, so 自治区 wins over 区.
SUFFIXES = (
    ("特别行政区", "Special Administrative Region"),
    ("自治区", "Autonomous Region"),
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"),
    ("林区", "Forestry District"),
    ("矿区", "Mining District"),
    ("新区", "New Area"),
    ("特区", "Special District"),
    ("地区", "Prefecture"),
    ("盟", "League"),
    ("省", "Province"),
    ("市", "City"),
    ("区", "District"),
    ("县", "County"),
    ("旗", "Banner"),
)
# The four municipalities directly under the central government.
MUNICIPALITY = "Municipality"

PLACES = {
    "陕西": "Shaanxi",
    "内蒙古": "Inner Mongolia",
    "西藏": "Xizang",
    "香港": "Hong Kong",
    "澳门": "Macao",
}

# The peoples named in autonomous regions, prefectures, counties and banners. Those written
# without 族 in official names are marked True (新疆维吾尔自治区, 伊犁哈萨克自治州).
ETHNIC_GROUPS = {
    "维吾尔": ("Uygur", True),
    "哈萨克": ("Kazakh", True),
    "柯尔克孜": ("Kirgiz", True),
    "鄂伦春": ("Oroqen", True),
    "达斡尔": ("Daur", False),
    "鄂温克": ("Ewenki", False),
    "蒙古": ("Mongolian", False),
    "朝鲜": ("Korean", False),
    "土家": ("Tujia", False),
    "布依": ("Bouyei", False),
    "哈尼": ("Hani", False),
    "傈僳": ("Lisu", False),
    "景颇": ("Jingpo", False),
    "纳西": ("Naxi", False),
    "仫佬": ("Mulao", False),
    "毛南": ("Maonan", False),
    "仡佬": ("Gelao", False),
    "拉祜": ("Lahu", False),
    "独龙": ("Derung", False),
    "普米": ("Pumi", False),
    "阿昌": ("Achang", False),
    "德昂": ("De'ang", False),
    "布朗": ("Blang", False),
    "撒拉": ("Salar", False),
    "东乡": ("Dongxiang", False),
    "保安": ("Bonan", False),
    "裕固": ("Yugur", False),
    "锡伯": ("Xibe", False),
    "塔吉克": ("Tajik", False),
    "各": ("Multi-ethnic", False),
    "壮": ("Zhuang", False),
    "回": ("Hui", False),
    "藏": ("Tibetan", False),
    "苗": ("Miao", False),
    "彝": ("Yi", False),
    "侗": ("Dong", False),
    "瑶": ("Yao", False),
    "白": ("Bai", False),
    "傣": ("Dai", False),
    "黎": ("Li", False),
    "畲": ("She", False),
    "水": ("Shui", False),
    "土": ("Tu", False),
    "羌": ("Qiang", False),
    "满": ("Manchu", False),
    "佤": ("Va", False),
    "怒": ("Nu", False),
}
_GROUP = "|".join(
    sorted(
        (
            re.escape(name) + ("族?" if written_bare else "族")
            for name, (_english, written_bare) in ETHNIC_GROUPS.items()
        ),
        key=len,
        reverse=True,
    )
)
_TRAILING_GROUPS = re.compile(rf"((?:{_GROUP})+)$")
_ONE_GROUP = re.compile(rf"({'|'.join(sorted(ETHNIC_GROUPS, key=len, reverse=True))})族?")


def pinyin(chinese: str) -> str:
    """广东 → Guangdong, 西安 → Xi'an; characters that are not Chinese are kept."""
    if chinese in PLACES:
        return PLACES[chinese]
    syllables = lazy_pinyin(chinese, style=Style.NORMAL, v_to_u=True)
    word = ""
    for syllable in syllables:
        if word and syllable[:1] in ("a", "o", "e"):
            word += "'"
        word += syllable
    return word[:1].upper() + word[1:]


def _peoples(stem: str) -> tuple[str, str]:
    """Split 延边朝鲜族 into (延边, Korean); 湘西土家族苗族 into (湘西, Tujia and Miao)."""
    if stem in PLACES:
        return stem, ""
    match = _TRAILING_GROUPS.search(stem)
    if match is None:
        return stem, ""
    names = [ETHNIC_GROUPS[group][0] for group in _ONE_GROUP.findall(match.group(1))]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return stem[: match.start()], joined


def region_name_en(name: str, *, level: int | None = None) -> str:
    """The English name of a region from its Chinese name; `level` 1 (province) makes a 市 a
    Municipality (北京市 Beijing Municipality)."""
    for suffix, english in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if suffix == "市" and level == 1:
                english = MUNICIPALITY
            if suffix.startswith("自治"):
                stem, peoples = _peoples(stem)
                if peoples:
                    english = f"{peoples} {english}"
            return f"{pinyin(stem)} {english}".strip() if stem else english
    return pinyin(name)
