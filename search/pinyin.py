"""Pinyin for names, so that `beijing keji` and `bjkj` find 北京…科技.

pypinyin's own conversion segments text into phrases and costs ~0.2 ms per name, too slow for
rebuilding a million documents. We read its dictionaries once instead: each character's most
common reading, corrected by the two-character phrases whose reading differs (重庆 → chong qing,
银行 → yin hang), and by a few place names it gets wrong. Tones are dropped; ü is written v.
"""

import re
import unicodedata
from functools import cache

from pypinyin.phrases_dict import phrases_dict
from pypinyin.pinyin_dict import pinyin_dict

# Place names whose reading pypinyin's phrase list gives wrongly.
_PLACE_READINGS = {
    "朝阳": ("chao", "yang"),
    "陕西": ("shan", "xi"),
    "长治": ("chang", "zhi"),
    "昌都": ("chang", "du"),
    "蚌埠": ("beng", "bu"),
    "六安": ("lu", "an"),
    "番禺": ("pan", "yu"),
    "乐清": ("yue", "qing"),
    "厦门": ("xia", "men"),
}

_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN_OR_DIGITS = re.compile(r"[a-z0-9]+")


def _toneless(reading: str) -> str:
    decomposed = unicodedata.normalize("NFD", reading.replace("ü", "v"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@cache
def _tables() -> tuple[dict[str, str], dict[str, tuple[str, str]], frozenset[str]]:
    single: dict[str, str] = {}
    every_reading: set[str] = set()
    for code_point, readings in pinyin_dict.items():
        toneless = [_toneless(reading) for reading in readings.split(",")]
        single[chr(code_point)] = toneless[0]
        every_reading.update(toneless)
    pairs: dict[str, tuple[str, str]] = {}
    for phrase, readings in phrases_dict.items():
        if len(phrase) == 2:
            reading = (_toneless(readings[0][0]), _toneless(readings[1][0]))
            if reading != (single.get(phrase[0]), single.get(phrase[1])):
                pairs[phrase] = reading
    pairs.update(_PLACE_READINGS)
    return single, pairs, frozenset(every_reading)


def syllables(text: str) -> list[str]:
    """One syllable per Han character; runs of Latin letters and digits kept as they are.

    Expects normalised text (see `search.normalise`): simplified, lower case, half-width.
    """
    single, pairs, _ = _tables()
    result: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if _HAN.match(char):
            pair = pairs.get(text[index : index + 2])
            if pair:
                result.extend(pair)
                index += 2
                continue
            result.append(single.get(char, char))
        elif match := _LATIN_OR_DIGITS.match(text, index):
            result.append(match.group())
            index = match.end()
            continue
        index += 1
    return result


def initials(text: str) -> list[str]:
    """The first letter of each syllable of the Han characters: 北京科技 → b j k j."""
    return initials_of(syllables(text))


def initials_of(spelled: list[str]) -> list[str]:
    """`initials` for syllables already computed."""
    known = _tables()[2]
    return [syllable[0] for syllable in spelled if syllable in known]


def _better(candidate: list[str], current: list[str] | None) -> bool:
    """Fewer syllables win; on a tie, longer syllables first (changan → chang an, not chan gan)."""
    if current is None or len(candidate) != len(current):
        return current is None or len(candidate) < len(current)
    return [len(part) for part in candidate] > [len(part) for part in current]


def segment(query: str) -> list[str] | None:
    """Split typed pinyin into syllables (`beijingkeji` → bei jing ke ji), or None if it is not
    pinyin. Spaces and apostrophes separate syllables too; among the ways to split a run of
    letters, the one with the fewest syllables wins (`xian` stays one syllable)."""
    known = _tables()[2]
    result: list[str] = []
    for run in re.split(r"[\s']+", query.strip()):
        if not run:
            continue
        if not run.isascii() or not run.isalpha():
            return None
        # best[i]: the fewest syllables that spell run[:i]; six letters is the longest syllable.
        best: list[list[str] | None] = [[]] + [None] * len(run)
        for end in range(1, len(run) + 1):
            for start in range(max(0, end - 6), end):
                previous = best[start]
                if previous is not None and run[start:end] in known:
                    candidate = previous + [run[start:end]]
                    if _better(candidate, best[end]):
                        best[end] = candidate
        if best[-1] is None:
            return None
        result.extend(best[-1])
    return result or None
