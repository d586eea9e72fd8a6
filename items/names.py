"""Personal names: which are written family name first (Chinese, Korean, Vietnamese), for the
pipelines (display forms of the archive's "Zhou, Enlai") and the exports (credits written as
on the page, "Translated by Zhang Qian", which citation managers would read given-first)."""

from __future__ import annotations

import re

# Family name first in display: Chinese, Korean and Vietnamese names as the archive writes them.
FAMILY_FIRST = frozenset(
    # Chinese
    "bai bao bo cai cao chai chang chao chen cheng chiang chiao chou chu dai deng ding dong du "
    "fang fei feng fu gao geng gong gu guo han hao he hou hu hua huang hui ji jia jiang jin kang "
    "kao ke kong kuang lai lei li lian liang liao lin ling liu long lou lu luo ma mao meng mo mu "
    "nie ni ou pan pei peng qi qian qiao qin qiu rao ren rong ruan shen sheng shi shu si song su "
    "sun tan tang tao tian tong wan wang wei wen wu xi xia xiang xiao xie xin xing xiong xu xue "
    "yan yang yao ye yin you yu yuan yue zeng zha zhan zhang zhao zheng zhou zhu zhuang zhuo zou "
    "zuo "
    # Korean
    "ahn bae baek byun cha chae cho choe choi chon chong chun do gang gi go ha heo hong hwang "
    "hyon hyun jang jeon jeong ju jung kim ko kwak kwon lee mun nam noh paek pak park pyon ra ri "
    "rim ryu seo shin sin son yeo yeom yoon yun won "
    # Vietnamese
    "bui dang dinh duong ho hoang huynh lam le ly luu mai ngo nguyen pham phan ta tran trinh "
    "truong vo vu".split()
)
# One romanized syllable (pinyin, Wade-Giles, Korean, Vietnamese): an optional initial, one
# to three vowels, an optional final. "Qian", "En-lai", "Il", "Sung" are made of them;
# "Smith" or "Goldberg" are not.
SYLLABLE = (
    r"(?:[bcdfghjklmnpqrstvwxyz]|ch|sh|zh|ts|th|ph|tr|kh|gi|nh|ng)?'?"  # initial
    r"[aeiouy\u00fc]{1,3}(?:ng|n|r|m|k|p|l|t)?"  # vowels, final
)
ROMANIZED = re.compile(rf"(?:{SYLLABLE}){{1,3}}(?:[-'](?:{SYLLABLE}){{1,3}})*", re.I)


def family_first(name: str) -> tuple[str, str] | None:
    """(family, given) of a credit written family name first ("Zhang Qian" -> Zhang, Qian;
    "Kim Il Sung" -> Kim, Il Sung), or None for a name in the Western order ("Yafeng Xia",
    "Gary Goldberg") or anything else."""
    parts = name.split()
    if not 2 <= len(parts) <= 3 or parts[0].lower() not in FAMILY_FIRST:
        return None
    if not all(ROMANIZED.fullmatch(part) for part in parts[1:]):
        return None
    return parts[0], " ".join(parts[1:])
