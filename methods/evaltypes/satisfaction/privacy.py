"""Personal data and disclosure control of a satisfaction survey.

- :func:`personal_column`: a column named like 姓名/电话/手机/座机/身份证/住址/户主/微信 …, or
  holding mobile numbers or landlines (written with any separator, +86, an extension), e-mail
  addresses, resident ID numbers or a column of names (Chinese or pinyin, with notes such as
  （户主）, placeholders such as 匿名 left out, repeated or only a few), can never be an item,
  group, stratum, cluster, weight, fpc or calibration variable, whatever the case says; it must
  be listed in ``drop`` and is then removed on reading.
- No error message quotes a cell that looks personal (:func:`_safe_cell`, :func:`scrub`: a
  name is masked as 张*, a number not shown), nor a column name that does when the file has
  lost its header row.
- :func:`withhold`: a group breakdown cell of fewer than ``survey.min_cell`` respondents is not
  published, with complementary suppression so that it cannot be recovered from the published
  totals; the withheld groups' labels are not published either: they are one row
  :data:`MERGED_GROUPS` with their merged count when that is at least ``min_cell`` (the report,
  the comparisons, the ordinal model and results.json).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from methods.errors import CaseError
from methods.evaltypes.satisfaction.model import SurveySpec

if TYPE_CHECKING:
    from methods.evaltypes.satisfaction.reading import Table

MERGED_GROUPS = "其余分组（合并）"  # withheld groups in the comparisons and the ordinal model


@dataclass(frozen=True)
class Personal:
    """A column recognised as personal data.

    ``kind`` is what it holds (姓名, 手机号码 …); ``by`` is ``header`` (the column name says
    so) or ``content`` (the cells do); ``position`` is the first data row (0-based) whose
    content gave it away (None for a name recognised by its header).
    """

    kind: str
    by: str
    position: int | None = None


# Names anywhere in a header that only a personal field has (受访者姓名, 身份证号码, 手机号 …)
_HEADER_ANYWHERE = (
    (re.compile(r"姓名|名字"), "姓名"),
    (re.compile(r"身份证|证件号"), "身份证号"),
    (re.compile(r"手机号|电话号|座机号|固话号|联系方式|联系号码"), "电话号码"),
    (re.compile(r"门牌|家庭住址|居住地址|详细地址|家庭地址|通讯地址|联系地址|现住址"), "住址"),
    (re.compile(r"微信号|qq号|电子邮箱|电子邮件|邮箱地址"), "联系账号"),
)
# … and names a personal field ends with (联系电话, 家庭住址, 户主), while an item may merely
# mention the word (电话预约是否方便, 与户主关系)
_HEADER_TAIL = (
    (re.compile(r"(联系人|户主|受访人|受访者|被访人|被访者)(姓名|名字|名)?$"), "姓名"),
    (re.compile(r"(电话|手机|座机|固话)$"), "电话号码"),
    (re.compile(r"(住址|地址)$"), "住址"),
    (re.compile(r"(微信|qq|邮箱|email|e-mail|mail)(账号|号)?$"), "联系账号"),
)
_EN_TOKENS = frozenset(
    "phone mobile telephone tel cellphone email wechat address surname fullname firstname "
    "lastname idcard".split()
)
_EN_NAME_BEFORE = frozenset("full first last given family respondent contact person".split())
# common Chinese surnames (single and compound), for recognising a column of names
_SURNAMES_1 = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰"
    "焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲"
    "房滕屈饶解牟艾尤阳穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应"
    "臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝封谈匡鞠惠荆乐冀郁胥班储"
    "栗燕楚鄢劳谌奚粟冼蔺满闻厉伊仝郜阚权帅屠朴练廉禹祖漆卿狄晋扈晁芮阙浦鹿邸雍辜裘亓邰赫杭"
)
_SURNAMES_2 = (
    "欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|长孙|宇文|司徒|夏侯|令狐|端木|西门|南宫|独孤|"
    "呼延|轩辕|澹台|申屠|太史|钟离|闻人|赫连"
)
_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
# the most common surnames (about 85% of the population), for 老王 / 小李
_COMMON_SURNAMES = _SURNAMES_1[:96]
_NAME = re.compile(
    rf"(?:(?:{_SURNAMES_2})[{_CJK}]{{1,2}}|[{_SURNAMES_1}][{_CJK}]{{1,2}}"
    rf"|[{_CJK}]{{1,8}}[·•・.][{_CJK}]{{1,8}})"  # 阿依古丽·买买提
)
_HONORIFIC = re.compile(rf"[老小阿][{_COMMON_SURNAMES}]")  # 老王, 小李
# place and organisation names look like names but end like this (牛塘镇, 高家村, 湖塘东社区,
# 阳光花园, 王家宅, 横山桥)
_NOT_NAME_END = re.compile(
    r"[村镇区街路县市乡组社站局院所馆店厂队室楼号栋苑道省州岛湾场部处科"
    r"塘园寓庄府城居巷桥港浜埭宅湖坝堰岗岭屯营寨堡集铺家会委司校厅墅弄坊]$"
)
# words of group columns and answers that look like names (方便, 农民, 党员, 武进 …)
_NOT_NAMES = frozenset(
    "满意 满意度 满意率 权重 权数 方便 方便性 安全 安全感 安全性 舒适 舒适度 文明度 周到 文明 常常 经常 温馨 严格 齐全 安静 高效 高兴 高中 高职 高龄 党员 "
    "农民 农户 农业 司机 商人 商户 商业 管理 康复 康养 小康 老师 小车 老房 单身 单亲 常住 常驻 "
    "易地 武进 常州 金坛 钟楼 江阴 江苏 江南 宁波 成都 武汉 华东 金融 方面 何时 于是 包括 余额 "
    "任何 向往 全部 全体 明白 明显 顾客 石油 黄金 白天 夏天 秋天 冬天 春天 时间 毛病".split()
)
_MASKED_NAME = re.compile(
    rf"(?:{_SURNAMES_2}|[{_SURNAMES_1}])(?:[*×xX某○〇]{{1,3}}|[*]{{1,2}}[{_CJK}])"
)
# pinyin names (Zhang Wei, WANG Xiuying, Wei Zhang, ZhangWei): a common surname and a given
# name of one to three pinyin syllables
_PINYIN_SURNAMES = (
    "ouyang sima shangguan zhuge dongfang huangfu yuchi gongsun murong zhangsun yuwen situ "
    "xiahou linghu duanmu zhang wang li liu chen yang huang zhao wu zhou xu sun ma zhu hu guo "
    "he gao lin luo zheng liang xie song tang han feng deng cao peng zeng xiao tian dong yuan "
    "pan yu jiang cai du ye cheng su wei lu lv lyu ding ren shen yao cui zhong tan fan jin shi "
    "liao jia xia fu fang bai zou meng xiong qin qiu yin xue yan duan lei hou long tao gu mao "
    "hao gong shao wan qian dai mo kong xiang chang wen kang niu ge xing an qi qiao pang ni "
    "zhuang nie yue zhai zhan ou geng guan lan jiao zuo gan bao ning shang shu ruan ke ji mei "
    "tong ling bi shan huo miao qu weng ran xin chai hua pu teng rao mu nong zhuo jian che "
    "lian lou dou cen jing dang fei bu leng xi mi zong gui quan ying zang min gou bian luan "
    "sui diao sha rong kou sang lang zhen cong ao she chi cha kuang ju hui le ban chu lao "
    "xian man yi kan shuai tu zu qing di chao rui que yong tai hang"
).split()
_PY_SYLLABLE = (
    r"(?:[zcs]h|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|van|üan|ai|ei|ao|ou|an|en|in|un|vn|ün"
    r"|ia|ie|iu|ua|uo|ue|ve|üe|ui|er|a|o|e|i|u|v|ü)"
)
_PY_GIVEN = rf"(?:{_PY_SYLLABLE}){{1,3}}"
_PY_SURNAME = "(?:" + "|".join(sorted(set(_PINYIN_SURNAMES), key=len, reverse=True)) + ")"
_PINYIN_NAME = re.compile(
    rf"{_PY_SURNAME}(?:[ .\-_·]+{_PY_GIVEN}){{1,2}}"
    rf"|{_PY_GIVEN}(?:[ .\-_]+{_PY_GIVEN})?[ .\-_]+{_PY_SURNAME}"
)
# what a name cell may carry around the name: 王伟国（户主）, 姓名：李娜, 张伟2, 李娜 代答
_BRACKETED = re.compile(r"[(\[【〔<《「『][^)\]】〕>》」』]*[)\]】〕>》」』]")
_NAME_PREFIX = re.compile(
    r"^(?:姓名|名字|称呼|户主|联系人|受访者|受访人|被访者|被访人|填表人)\s*[:：]?\s*"
)
_ROLE_SUFFIX = re.compile(
    r"[\s\-_/:：,，、]*(?:户主|本人|代答|代填|代写|家属|配偶|子女|之妻|之夫|之子|之女|爱人|老伴)$"
)
_TRAILING_NUMBER = re.compile(r"[\s\-_#.:：/]*\d+$")
# answers that stand for "no name given": left out before judging a column
PLACEHOLDERS = frozenset(
    "匿名 不愿透露 不愿意透露 不便透露 不方便透露 不想透露 拒绝透露 不透露 保密 空 无 无名 无名氏 "
    "未填 未填写 不填 没填 未留 不留 不留名 不详 未知 略 拒答 拒绝回答 暂无 没有 本人 受访者 被访者 "
    "某某 无可奉告 - -- / — —— ? ？ * . x xx xxx n/a na none null nil anonymous anon unknown".split()
)
_MOBILE = re.compile(r"(?<![\d.])(?:86|0)?1[3-9]\d{9}(?!\d)")  # not 0.013912345678
_MOBILE_MASKED = re.compile(r"(?<!\d)1[3-9]\d[*xX]{4}\d{4}(?!\d)")
# area code (010, 02x, 0xxx) and a 7–8 digit local number that never starts with 0 or 1
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_LANDLINE = re.compile(r"(?<![\d.])(?:010|02\d|0[3-9]\d\d)[2-9]\d{6,7}(?!\d)")
# an extension after a landline: 0519-86123456-801, …转801, … ext 801, …#801
_EXTENSION = re.compile(r"\s*(?:[-—–]|转|分机|ext\.?|x|#)\s*\d{1,6}\s*$", re.IGNORECASE)
_ID_CANDIDATE = re.compile(r"(?<![\dA-Za-z])(\d{17}[\dXx]|\d{15})(?![\dA-Za-z])")
# first two digits of a resident ID number: the province (GB/T 2260)
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 "
    "64 65 71 81 82 83".split()
)
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
# a column of names: at least NAME_MIN_VALUES answers (placeholders such as 匿名 left out), of
# which NAME_SHARE look like names; and either NAME_MANY distinct names or at most NAME_REPEAT
# answers per distinct name on average (a group column has a few categories of many more)
NAME_SHARE = 0.8
NAME_MIN_VALUES = 2
NAME_REPEAT = 10
NAME_MANY = 30


def _header_text(name: str) -> str:
    h = unicodedata.normalize("NFKC", str(name)).strip().lower()
    h = re.sub(r"[(\[【][^)\]】]*[)\]】]", "", h)  # 手机号（选填） → 手机号
    h = re.sub(r"\s+", "", h)
    return re.sub(r"[\d_\-:.、*#]+$", "", h)  # 电话1, 地址：


def personal_header(name: str) -> str | None:
    """What a column named ``name`` holds when its name says it is personal (姓名, 联系电话,
    身份证号码, 家庭住址, 户主, 微信号, phone …), else None.

    An item that merely mentions such a word (电话预约是否方便, 与户主关系, 手机APP好用) is
    not personal: the word must be the whole point of the name (anywhere for 姓名, 身份证,
    手机号, 联系方式 …; at the end for 电话, 住址, 户主 …).
    """
    h = _header_text(name)
    if not h:
        return None
    for pattern, kind in (*_HEADER_ANYWHERE, *_HEADER_TAIL):
        if pattern.search(h):
            return kind
    spaced = unicodedata.normalize("NFKC", str(name)).lower()
    tokens = [t for t in re.split(r"[^a-z0-9]+", spaced) if t]
    if _EN_TOKENS & set(tokens) or tokens[-2:] in (["id", "card"], ["id", "number"]):
        return "个人信息"
    if tokens and tokens[-1] == "name" and (len(tokens) == 1 or tokens[-2] in _EN_NAME_BEFORE):
        return "姓名"
    return None


def _valid_id(cand: pd.Series) -> np.ndarray:
    """Which candidate numbers are resident ID numbers: a province code and a real birth date
    (18 digits: 19xx/20xx; 15 digits: 19xx), or a valid ISO 7064 check digit (18 digits).

    A typed-in number with a wrong check digit is still an ID number (checked by its birth
    date); long questionnaire numbers (2023110100…) have no province or no birth date.
    """
    c = cand.str.upper()
    long = (c.str.len() == 18).to_numpy()
    province = c.str[:2].isin(_PROVINCES).to_numpy()
    birth = np.where(long, c.str[6:14], "19" + c.str[6:12])
    born = pd.to_datetime(pd.Series(birth, index=c.index), format="%Y%m%d", errors="coerce")
    year = born.dt.year.to_numpy()
    dated = born.notna().to_numpy() & (year >= 1900) & (year <= 2100)
    checked = np.zeros(len(c), dtype=bool)
    if long.any():
        body = c[long].str[:17]
        digits = np.frombuffer("".join(body).encode("ascii"), dtype=np.uint8)
        digits = (digits.reshape(-1, 17) - 48).astype(np.int64)
        expect = np.array(list("10X98765432"))[(digits @ _ID_WEIGHTS) % 11]
        checked[long] = expect == c[long].str[17].to_numpy()
    return province & (dated | checked)


def _phone_digits(norm: pd.Series) -> pd.Series:
    """Cells with the separators of a written number removed: spaces, hyphens, brackets, slashes,
    dots between digit groups (138.1001.5678, never the point of a decimal such as 13.9123456),
    a float's ``.0`` (Excel) and the international prefix +86 / 0086 (written as the trunk 0)."""
    d = norm.str.replace(r"(?<=\d)\.0+$", "", regex=True)
    decimal = d.str.fullmatch(r"[+-]?(?:0|[1-9]\d*)\.\d+").to_numpy(dtype=bool)
    d = d.where(decimal, d.str.replace(r"(?<=\d)\s*[.。]\s*(?=\d)", "", regex=True))
    d = d.str.replace(r"(?:\+|(?<!\d)00)\s*86", "0", regex=True)
    return d.str.replace(r"[\s\-()+—–_/~·•]", "", regex=True)


def _name_core(norm: pd.Series) -> pd.Series:
    """What is left of a name cell without its bracketed notes, label, role and number:
    王伟国（户主） → 王伟国, 姓名：李娜 → 李娜, 张伟2 → 张伟, Zhang Wei 0 → Zhang Wei."""
    core = norm.str.replace(_BRACKETED, "", regex=True).str.strip()
    core = core.str.replace(_NAME_PREFIX, "", regex=True)
    core = core.str.replace(_ROLE_SUFFIX, "", regex=True)
    core = core.str.replace(_TRAILING_NUMBER, "", regex=True)
    return core.str.replace(_ROLE_SUFFIX, "", regex=True).str.strip()


def _name_kinds(norm: pd.Series) -> pd.DataFrame:
    """For each (NFKC, stripped) cell: ``placeholder`` (匿名, 不愿透露, 空 …), ``name`` (Chinese
    name, 老王, pinyin name), ``masked`` (李**, 王某) and ``key`` (the cell without brackets and
    spaces, lower case: what tells two people apart)."""
    unbracketed = norm.str.replace(_BRACKETED, "", regex=True).str.replace(r"\s+", "", regex=True)
    placeholder = unbracketed.str.lower().isin(PLACEHOLDERS) | (unbracketed == "")
    core = _name_core(norm)
    compact = core.str.replace(r"\s+", "", regex=True)
    ordinary = ~compact.isin(_NOT_NAMES).to_numpy(dtype=bool)
    chinese = compact.str.fullmatch(_NAME).to_numpy(dtype=bool) & ~compact.str.contains(
        _NOT_NAME_END
    ).to_numpy(dtype=bool)
    chinese |= compact.str.fullmatch(_HONORIFIC).to_numpy(dtype=bool)
    spaced = core.str.replace(r"(?<=[a-z])(?=[A-Z])", " ", regex=True).str.lower()
    pinyin = spaced.str.fullmatch(_PINYIN_NAME).to_numpy(dtype=bool)
    masked = compact.str.fullmatch(_MASKED_NAME).to_numpy(dtype=bool)
    placeholder = placeholder.to_numpy(dtype=bool)
    return pd.DataFrame(
        {
            "placeholder": placeholder,
            "name": ~placeholder & ~masked & ordinary & (chinese | pinyin),
            "masked": ~placeholder & masked,
            "key": unbracketed.str.lower().to_numpy(),
        },
        index=norm.index,
    )


def personal_content(values: pd.Series) -> tuple[str, int] | None:
    """(kind, first row position) when the cells of a column hold personal data, else None.

    Any single cell holding a mobile number (also +86 / 0086, with spaces, hyphens, dots or
    brackets, inside other text, or masked as 139****5678), a landline with its area code
    (0519-86123456, (010)62345678, with an extension 0519-86123456-801 / 转801), an e-mail
    address or a resident ID number (18 digits incl. X, or 15) makes the column personal.

    Names are judged on the column. Placeholders (匿名, 不愿透露, 空, 无 …) are left out; of the
    other answers (at least :data:`NAME_MIN_VALUES`) at least :data:`NAME_SHARE` must look
    like names: a Chinese name (2–3 characters beginning with a common surname, 2–4 with a
    compound one, 阿依古丽·买买提; not ending like a place such as …镇, …村, …花园, not a
    common word such as 方便, 农民), 老王 / 小李, a pinyin name (Zhang Wei, WANG Xiuying), or a
    masked name (李**, 王某) — once a bracketed note, a label, a role or a number is taken off
    (王伟国（户主）, 李娜(代答), 姓名：张伟, 张伟2). A column of masked names is personal as such;
    a column of names when it holds many distinct names (:data:`NAME_MANY`) or when names
    repeat no more than :data:`NAME_REPEAT` times on average (the same person answering twice,
    a household's members): a genuine group column (镇街道, 性别, 职业, or interviewers) has a
    few large categories.

    The checks run on the column's distinct values (a survey's answer columns have a handful).
    """
    text = values.astype(str)
    counts = text.value_counts(sort=False)
    uniq = pd.Series(counts.index, dtype=object)
    weight = counts.to_numpy(dtype=np.int64)
    norm = uniq.str.normalize("NFKC").str.strip()
    keep = (norm != "").to_numpy()
    uniq, norm, weight = uniq[keep], norm[keep], weight[keep]
    if uniq.empty:
        return None

    def first(hit: np.ndarray) -> int:
        return int(np.flatnonzero(text.isin(uniq[hit]).to_numpy())[0])

    digits = _phone_digits(norm)
    digits_ext = _phone_digits(norm.str.replace(_EXTENSION, "", regex=True))
    for pattern, kind, cells in (
        (_MOBILE, "手机号码", (digits,)),
        (_MOBILE_MASKED, "部分隐藏的手机号码", (digits,)),
        (_LANDLINE, "固定电话号码", (digits, digits_ext)),
        (_EMAIL, "电子邮箱", (norm,)),
    ):
        hit = np.zeros(len(norm), dtype=bool)
        for c in cells:
            hit |= c.str.contains(pattern).to_numpy(dtype=bool)
        if hit.any():
            return kind, first(hit)
    cand = digits.str.extract(_ID_CANDIDATE, expand=False)
    has = cand.notna().to_numpy()
    if has.any():
        ok = np.zeros(len(cand), dtype=bool)
        ok[has] = _valid_id(cand[has])
        if ok.any():
            return "身份证号", first(ok)
    kinds = _name_kinds(norm)
    name = kinds["name"].to_numpy()
    masked = kinds["masked"].to_numpy()
    answers = int(weight[~kinds["placeholder"].to_numpy()].sum())
    n_name, n_masked = int(weight[name].sum()), int(weight[masked].sum())
    if n_name + n_masked < max(NAME_MIN_VALUES, NAME_SHARE * answers):
        return None
    if n_masked >= n_name:
        return "部分隐藏的姓名", first(masked)
    distinct = kinds.loc[name, "key"].nunique()
    if distinct >= NAME_MANY or n_name <= NAME_REPEAT * distinct:
        return "姓名", first(name)
    return None


def looks_personal(value: Any) -> str | None:
    """What one cell looks like when it looks personal (手机号码, 姓名 …), else None: the
    patterns of :func:`personal_content`, a name judged on the cell alone, or a long number."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    found = personal_content(pd.Series([text], dtype=object))
    if found is not None:
        return found[0]
    kinds = _name_kinds(pd.Series([text], dtype=object)).iloc[0]
    if kinds["name"] or kinds["masked"]:
        return "姓名"
    if re.search(r"\d{7,}", re.sub(r"[\s\-()./]", "", text)):
        return "长数字"
    return None


def personal_column(name: str, values: pd.Series) -> Personal | None:
    """A column recognised as personal data, by its name (:func:`personal_header`) or by its
    cells (:func:`personal_content`), else None."""
    kind = personal_header(name)
    if kind is not None:
        return Personal(kind, "header")
    found = personal_content(values)
    if found is not None:
        return Personal(found[0], "content", found[1])
    return None


PERSONAL_CELL = "（该单元格含个人信息样式的文本，不显示）"


def _safe_cell(value: Any) -> str:
    """A cell as quoted in an error message: never a phone, ID or long number (not shown) nor a
    name (masked: '张*')."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    kind = looks_personal(text)
    if kind == "姓名":
        return f"'{text[0]}{'*' * min(max(len(text) - 1, 1), 3)}'"
    if kind is not None:
        return PERSONAL_CELL
    return f"'{text[:20]}…'" if len(text) > 20 else f"'{text}'"


def header_row_is_data(header: Any) -> bool:
    """Whether a file's header row looks like a respondent's answers (the file has no header
    row): a header holds a phone, ID or long number, or is a plain number."""
    for h in header:
        text = unicodedata.normalize("NFKC", str(h)).strip()
        if re.fullmatch(r"[+-]?\d+(?:\.\d+)?", text) or looks_personal(text) not in (None, "姓名"):
            return True
    return False


def safe_header(name: Any, data_like: bool = False) -> str:
    """A column name as listed in a message: not shown when it holds a phone, ID or long
    number; masked (王**) when it looks like a name and the header row looks like a respondent's
    answers (``data_like``: :func:`header_row_is_data`), as in a file without its header row."""
    text = str(name)
    kind = looks_personal(text)
    if kind is None or (kind == "姓名" and not data_like):
        return text
    quoted = _safe_cell(text)
    return quoted[1:-1] if quoted.startswith("'") else "（不显示）"


def scrub(message: Any) -> str:
    """``message`` with every quoted value that looks personal masked (:func:`_safe_cell`): for
    messages of :mod:`methods.survey` that quote a data value (a stratum, a category)."""
    return re.sub(r"'([^'\n]{1,200})'", lambda m: _safe_cell(m.group(1)), str(message))


def used_columns(spec: SurveySpec, loc: tuple = ("survey",)) -> list[tuple[str, tuple, str]]:
    """(column, field path, role) of every column the spec uses, in the order of the case file:
    items and their importance, overall, groups, the design, the calibration variables.

    None of them may be personal data, whatever the case says (:func:`personal_column`); only
    ``drop`` may name a personal column.
    """
    out: list[tuple[str, tuple, str]] = []
    for j, it in enumerate(spec.items):
        out.append((it.column, (*loc, "items", j, "column"), "满意度题目"))
        if it.importance:
            out.append((it.importance, (*loc, "items", j, "importance"), "重要性题目"))
    if spec.overall:
        out.append((spec.overall, (*loc, "overall"), "总体满意度题目"))
    for k, g in enumerate(spec.groups):
        out.append((g, (*loc, "groups", k), "受访者分组"))
    d = spec.design
    for role, col, what in (
        ("strata", d.strata, "分层"),
        ("cluster", d.cluster, "整群（初级抽样单位）"),
        ("weights", d.weights, "抽样权重"),
        ("fpc", d.fpc, "有限总体校正"),
    ):
        if col:
            out.append((col, (*loc, "design", role), what))
    if spec.calibration is not None:
        for var in spec.calibration.margins:
            out.append((var, (*loc, "calibration", "margins", var), "权重校准变量"))
    return out


def _column_label(table: Table, col: str) -> str:
    """A column as named in a message: ``'镇街道'``, or by its position when its name looks
    personal (a file without a header row: the first respondent's answers are the names)."""
    shown = safe_header(col, header_row_is_data(table.cells.columns))
    if shown == str(col):
        return f"'{col}'"
    k = list(table.cells.columns).index(col) + 1 if col in table.cells.columns else None
    where = f"第 {k} 列" if k else "一列"
    name = "不显示" if shown == "（不显示）" else f"形如 {shown}"
    return f"{where}（列名{name}：含个人信息样式的文本，数据文件可能缺少表头行）"


def _refuse_personal(table: Table, spec: SurveySpec, display: str, loc: tuple) -> None:
    """A column recognised as personal data stops the analysis: used by the spec (as an item,
    group, stratum, cluster, weight …) it is refused at that field, whatever the case says;
    unused, it must be listed in ``drop``. Messages never quote the personal value (nor a
    column name that looks like one)."""
    cells, rows = table.cells, table.rows
    checked: set[str] = set()
    for col, field_path, role in used_columns(spec, loc):
        if col in checked or col not in cells.columns:
            continue  # a dropped or missing column is reported where it is read
        checked.add(col)
        found = personal_column(col, cells[col])
        if found is None:
            continue
        how = (
            "按列名识别" if found.by == "header" else f"第 {rows[found.position]} 行起的内容"  # type: ignore[index]
        )
        label = _column_label(table, col)
        raise _err(
            f"{display} 的列 {label} 是个人信息（{found.kind}，{how}），不能用作{role}："
            "个人信息列只能列入 survey.drop（读入时删除）",
            field_path,
            hint=f"从案例文件的这一处删去 {label}，并在 survey.drop 中列出它；"
            "分组、分层、整群请使用不含个人信息的列（如 镇街道、年龄段、社区）",
        )
    for col in cells.columns:
        if col in checked:
            continue
        found = personal_column(col, cells[col])
        if found is None:
            continue
        label = _column_label(table, col)
        if found.by == "header":
            raise _err(
                f"{display} 的列 {label} 看起来是个人信息（{found.kind}）：满意度分析不需要，也不能存档",
                (*loc, "drop"),
                hint=f"在 survey.drop 中列出 {label}（读入时即删除），或从数据文件中删去该列",
            )
        where = col if label == f"'{col}'" else label
        raise _err(
            f"{display} 第 {rows[found.position]} 行 {where}：内容看起来是{found.kind}（个人信息），"  # type: ignore[index]
            "不能用于分析",
            (*loc, "drop"),
            hint=f"在 survey.drop 中列出 {label}（读入时即删除），或从数据文件中删去该内容",
        )


def _err(message: str, loc: tuple, hint: str | None = None) -> CaseError:
    return CaseError(message, field=loc, hint=hint)


def _suppress(d: dict[str, Any], withheld: tuple[str, ...], min_n: int) -> dict[str, Any]:
    """Per-group rows of a comparison of a withheld group or with fewer than ``min_n``
    respondents lose their estimates (a group of one would disclose that respondent's answer).
    Withheld groups are left out of the comparisons already; this is the last guard."""
    rows = []
    for r in d.get("table", []):
        if str(r.get(d.get("group"))) in withheld or (r.get("n") or 0) < min_n:
            r = {**r, "estimate": None, "se": None, "ci_low": None, "ci_high": None}
            r["suppressed"] = True
        rows.append(r)
    return {**d, "table": rows}


def withhold(t: pd.DataFrame, min_cell: int) -> pd.Series:
    """Why each row of a by-group table is withheld: ``min_cell``, ``complementary`` or None.

    Statistical disclosure control of the group breakdowns (the threshold rule with secondary
    suppression; Hundepool et al., *Statistical Disclosure Control*, Wiley 2012, on tabular
    data): a cell estimated from fewer than ``min_cell`` respondents is not published (a group
    of one is that respondent's answer; an empty cell has no estimate and is not withheld).
    Since the totals are published (overall, each dimension, each group), a line of the table with a single withheld cell would give it away
    by subtraction, so the smallest other cell of that line is withheld too: across the groups
    for the overall index and for each dimension, and across the dimensions within a group. A
    group whose overall index is withheld is withheld as a whole. Totals are never changed.

    Parameters
    ----------
    t : DataFrame
        ``group``, ``level`` (``overall`` / ``dimension``), ``name``, ``n_respondents``.
    min_cell : int
    """
    n = t["n_respondents"].to_numpy(dtype=float)
    primary = (n > 0) & (n < min_cell)  # an empty cell has nothing to disclose
    hidden = primary.copy()
    overall = (t["level"] == "overall").to_numpy()
    group = t["group"].astype(str).to_numpy()
    name = t["name"].astype(str).to_numpy()
    every = np.ones(len(t), dtype=bool)
    while True:
        before = hidden.copy()
        hidden |= np.isin(group, group[overall & hidden])
        hidden |= _complement(hidden, n, name, every)
        hidden |= _complement(hidden, n, group, ~overall)
        if (hidden == before).all():
            break
    reason = np.where(primary, "min_cell", np.where(hidden, "complementary", None))
    return pd.Series(reason, index=t.index, dtype=object)


def _complement(hidden: np.ndarray, n: np.ndarray, key: np.ndarray, among: np.ndarray):
    """Rows to withhold so that no line (rows of one ``key`` value, among ``among``) has exactly
    one withheld cell: the smallest other cell of such a line. Empty cells (no respondent, no
    estimate) neither need nor give protection and are left out."""
    df = pd.DataFrame({"key": key, "hidden": hidden, "n": n})[among & (n > 0)]
    per = df.groupby("key", sort=False)["hidden"].agg(["sum", "size"])
    lone = per.index[(per["sum"] == 1) & (per["size"] >= 2)]
    cand = df[df["key"].isin(lone) & ~df["hidden"]]
    pick = cand.sort_values("n", kind="stable").groupby("key", sort=False).head(1).index
    out = np.zeros(len(hidden), dtype=bool)
    out[pick.to_numpy()] = True
    return out
