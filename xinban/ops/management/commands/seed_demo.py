"""``manage.py seed_demo``: the demo a newcomer sees after the first start (docs/architecture.md,
"The campaign year and its data").

This year's campaign has every window open today, so every journey can be tried at
once; the two previous years are closed and published. Around them: the recommending
units (16 districts, industry bodies, corporate groups and the association's own unit),
the guiding units, ~200 organisations with their 附件2 and ~400 + 2 x 150 team
applications (附件3) that respect the campaign's rules, and one login per role.

The command refuses to run twice (it is a no-op that says so); ``--reset`` first removes
what the previous run created (the ids are kept in the audit log entry ``demo.seed``).
Random choices come from a fixed seed, so two runs on the same day give the same data.

The generator (:class:`DemoBuilder`) is also used by ``manage.py bench`` to build large
data sets quickly.
"""

from __future__ import annotations

import io
import random
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from django.apps import apps as django_apps
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.db.models import ProtectedError, Q, QuerySet, RestrictedError
from django.utils import timezone

from xinban.accounts.models import User
from xinban.applications.models import (
    Application,
    ApplicationRevision,
    ApplicationState,
    Attachment,
    YearSequence,
)
from xinban.applications.services import (
    application_content_snapshot,
    application_number_next,
    registration_snapshot,
)
from xinban.campaigns import seed as taxonomy
from xinban.campaigns.models import (
    Campaign,
    Domain,
    Industry,
    OrganisationNature,
    Phase,
    PhaseKind,
    TeamType,
)
from xinban.campaigns.services import template_window
from xinban.core.areas import area_modules
from xinban.core.models import AuditEntry
from xinban.organisations import reference
from xinban.organisations.models import (
    GuidingUnit,
    Organisation,
    OrganisationMembership,
    Participation,
    RecommendingUnit,
    Registration,
    UnitKind,
    UnitMembership,
    UnitRole,
)
from xinban.recommendation.models import (
    Invitation,
    InvitationRole,
    PanelMember,
    Recommendation,
    ReportStatus,
    UnitNote,
    UnitRecommendationReport,
)
from xinban.scoring import aggregation
from xinban.scoring.models import CriterionScore, Judge, ScoreSheet, SheetStatus, Stage
from xinban.scoring.services import engine_criteria, rubric_for

DEFAULT_SEED = 2024_0009  # 沪质协（2024）9号
DEMO_PASSWORD = "demo2026"  # noqa: S105 (documented demo password)
MARKER_SEED = "demo.seed"
MARKER_RESET = "demo.reset"
STAMPED_DIR = "stamped/demo"

S = ApplicationState
D_MANUFACTURING, D_MARKET, D_NONPROFIT, D_CONSTRUCTION, D_SPECIALISED = (
    name for name, _en in taxonomy.DOMAINS
)

# --- the campaign's calendar ------------------------------------------------------------

# The notice's nine phases, months and responsible parties: the template staff open a year
# with (xinban/campaigns/seed.py, ``campaign_open``); past demo years use it as it stands.
PHASE_RESPONSIBLE: dict[str, str] = {
    kind: responsible for kind, _start, _end, responsible in taxonomy.PHASE_TEMPLATE
}
OPEN_DAYS_BEFORE = 30
OPEN_DAYS_AFTER = 60

# --- recommending units -----------------------------------------------------------------


@dataclass(frozen=True)
class District:
    name: str
    short: str
    pinyin: str
    postcode: int
    streets: tuple[str, ...]
    roads: tuple[str, ...]


DISTRICTS: tuple[District, ...] = (
    District(
        "黄浦区",
        "黄浦",
        "huangpu",
        200001,
        ("外滩", "南京东路", "打浦桥"),
        ("西藏中路", "淮海中路", "河南南路"),
    ),
    District(
        "徐汇区",
        "徐汇",
        "xuhui",
        200030,
        ("徐家汇", "天平", "田林"),
        ("漕溪北路", "宜山路", "龙华中路"),
    ),
    District(
        "长宁区",
        "长宁",
        "changning",
        200050,
        ("天山", "北新泾", "仙霞"),
        ("天山路", "延安西路", "仙霞路"),
    ),
    District(
        "静安区",
        "静安",
        "jingan",
        200040,
        ("江宁", "曹家渡", "彭浦"),
        ("江宁路", "共和新路", "万荣路"),
    ),
    District(
        "普陀区",
        "普陀",
        "putuo",
        200060,
        ("长寿", "真如", "桃浦"),
        ("真北路", "中山北路", "武威路"),
    ),
    District(
        "虹口区",
        "虹口",
        "hongkou",
        200080,
        ("四川北路", "嘉兴", "江湾"),
        ("四川北路", "曲阳路", "广中路"),
    ),
    District(
        "杨浦区",
        "杨浦",
        "yangpu",
        200090,
        ("殷行", "五角场", "平凉"),
        ("国定路", "军工路", "长阳路"),
    ),
    District(
        "闵行区",
        "闵行",
        "minhang",
        201100,
        ("莘庄", "七宝", "古美"),
        ("莘松路", "剑川路", "都会路"),
    ),
    District(
        "宝山区",
        "宝山",
        "baoshan",
        201900,
        ("大场", "吴淞", "顾村"),
        ("友谊路", "蕴川路", "沪太路"),
    ),
    District(
        "嘉定区",
        "嘉定",
        "jiading",
        201800,
        ("安亭", "南翔", "江桥"),
        ("墨玉路", "叶城路", "曹安公路"),
    ),
    District(
        "浦东新区",
        "浦东",
        "pudong",
        200120,
        ("花木", "陆家嘴", "张江", "川沙"),
        ("张江路", "金桥路", "川沙路"),
    ),
    District(
        "金山区",
        "金山",
        "jinshan",
        201500,
        ("朱泾", "枫泾", "亭林"),
        ("龙胜路", "亭卫公路", "金山大道"),
    ),
    District(
        "松江区",
        "松江",
        "songjiang",
        201600,
        ("泗泾", "九亭", "新桥"),
        ("荣乐东路", "广富林路", "九杜路"),
    ),
    District(
        "青浦区",
        "青浦",
        "qingpu",
        201700,
        ("朱家角", "赵巷", "华新"),
        ("公园路", "崧泽大道", "沪青平公路"),
    ),
    District(
        "奉贤区",
        "奉贤",
        "fengxian",
        201400,
        ("南桥", "奉城", "庄行"),
        ("解放东路", "金海公路", "望园路"),
    ),
    District(
        "崇明区",
        "崇明",
        "chongming",
        202150,
        ("城桥", "堡镇", "陈家镇"),
        ("八一路", "陈海公路", "北沿公路"),
    ),
)
DISTRICT_BY_NAME = {d.name: d for d in DISTRICTS}
# Where organisations are (浦东 and 闵行 have the most enterprises).
DISTRICT_WEIGHTS = {"浦东新区": 4, "闵行区": 2, "嘉定区": 2, "松江区": 2, "宝山区": 2}

ASSOCIATION_UNIT = taxonomy.SPECIAL_UNIT  # loaded by organisations 0003

# A word of an organisation's name: (word, short word, slug for e-mail domains, industries).
Word = tuple[str, str, str, tuple[str, ...]]


@dataclass(frozen=True)
class OrgKind:
    """How to compose a plausible organisation of one sort."""

    domain: str
    words: tuple[Word, ...]
    pattern: str = "上海{brand}{word}{suffix}"
    short: str = "{brand}{wshort}"
    suffixes: tuple[str, ...] = ("有限公司", "股份有限公司")
    natures: tuple[tuple[str, int], ...] = (("国有", 3), ("民营", 4), ("外资", 3), ("合资", 2))
    industry_other: str = ""
    specialised: float = 0.0
    high_tech: float = 0.0
    departments: tuple[str, ...] = ("质量管理部", "质量保证部", "企业管理部")


KINDS: dict[str, OrgKind] = {
    "manufacturing": OrgKind(
        domain=D_MANUFACTURING,
        words=(
            ("精密机械", "精机", "jingji", ("高端装备",)),
            ("汽车零部件", "汽配", "qipei", ("汽车",)),
            ("电气设备", "电气", "dianqi", ("高端装备",)),
            ("智能装备", "智能装备", "zhineng", ("高端装备", "人工智能")),
            ("新材料科技", "新材料", "xincailiao", ("先进材料",)),
            ("特种钢材", "特钢", "tegang", ("先进材料",)),
            ("精细化工", "化工", "huagong", ("先进材料",)),
            ("食品", "食品", "shipin", ("时尚消费品",)),
            ("服饰", "服饰", "fushi", ("时尚消费品",)),
            ("日用化学品", "日化", "rihua", ("时尚消费品",)),
            ("电子科技", "电子", "dianzi", ("电子信息",)),
            ("航空零部件", "航空", "hangkong", ("高端装备",)),
            ("船舶配套设备", "船配", "chuanpei", ("高端装备", "航运")),
            ("新能源汽车电池", "电池", "dianchi", ("汽车", "先进材料")),
            ("医疗器械", "医械", "yixie", ("生物医药", "生命健康")),
            ("包装材料", "包装", "baozhuang", ("先进材料",)),
        ),
        high_tech=0.3,
        departments=("质量管理部", "质量保证部", "生产制造部", "企业管理部"),
    ),
    "pharma": OrgKind(
        domain=D_MANUFACTURING,
        words=(
            ("生物制药", "生物制药", "biopharm", ("生物医药",)),
            ("药业", "药业", "yaoye", ("生物医药",)),
            ("医疗器械", "医械", "yixie", ("生物医药", "生命健康")),
            ("生物技术", "生物", "shengwu", ("生物医药", "生命健康")),
            ("医药物流", "医药物流", "yywl", ("生物医药", "贸易")),
        ),
        natures=(("国有", 3), ("民营", 3), ("外资", 3), ("合资", 2)),
        high_tech=0.5,
        departments=("质量管理部", "质量保证部（QA）", "质量控制部（QC）"),
    ),
    "electronics": OrgKind(
        domain=D_MANUFACTURING,
        words=(
            ("微电子", "微电子", "weidianzi", ("集成电路", "电子信息")),
            ("半导体", "半导体", "bandaoti", ("集成电路",)),
            ("光电科技", "光电", "guangdian", ("电子信息",)),
            ("通信设备", "通信", "tongxin", ("电子信息",)),
            ("电子元器件", "元器件", "yqj", ("电子信息",)),
        ),
        natures=(("国有", 2), ("民营", 4), ("外资", 4), ("合资", 2)),
        high_tech=0.6,
    ),
    "services": OrgKind(
        domain=D_MARKET,
        words=(
            ("物流", "物流", "wuliu", ("航运", "贸易")),
            ("国际货运代理", "货代", "huodai", ("航运",)),
            ("供应链管理", "供应链", "gyl", ("贸易",)),
            ("信息技术", "信息", "xinxi", ("创新数字赋能信息服务",)),
            ("软件", "软件", "ruanjian", ("创新数字赋能信息服务",)),
            ("检测技术服务", "检测", "jiance", ("标准、计量、检测",)),
            ("计量技术服务", "计量", "jiliang", ("标准、计量、检测",)),
            ("酒店管理", "酒店", "jiudian", ("文化旅游",)),
            ("国际旅行社", "旅行社", "lvxing", ("文化旅游",)),
            ("工业设计", "设计", "sheji", ("现代设计",)),
            ("融资租赁", "租赁", "zulin", ("金融",)),
            ("物业管理", "物业", "wuye", ("社区服务",)),
            ("养老服务", "养老", "yanglao", ("健康养老服务",)),
        ),
        suffixes=("有限公司", "有限公司", "股份有限公司"),
        natures=(("国有", 3), ("民营", 5), ("外资", 2), ("合资", 1), ("其他", 1)),
        departments=("质量管理部", "运营管理部", "客户服务部", "综合管理部"),
    ),
    "trade": OrgKind(
        domain=D_MARKET,
        words=(
            ("商业", "商业", "shangye", ("贸易",)),
            ("连锁超市", "超市", "chaoshi", ("贸易",)),
            ("百货", "百货", "baihuo", ("贸易", "时尚消费品")),
            ("电子商务", "电商", "dianshang", ("贸易", "创新数字赋能信息服务")),
        ),
        natures=(("国有", 4), ("民营", 4), ("合资", 1)),
        departments=("质量管理部", "营运管理部", "食品安全部"),
    ),
    "transport": OrgKind(
        domain=D_MARKET,
        words=(
            ("公共交通", "公交", "gongjiao", ("其他",)),
            ("出租汽车", "出租", "chuzu", ("其他",)),
            ("集装箱运输", "集运", "jiyun", ("航运",)),
            ("港口服务", "港务", "gangwu", ("航运",)),
            ("冷链物流", "冷链", "lenglian", ("航运", "贸易")),
        ),
        natures=(("国有", 5), ("民营", 3), ("合资", 1)),
        industry_other="交通运输",
        departments=("安全质量部", "运营管理部", "服务质量部"),
    ),
    "gas": OrgKind(
        domain=D_MARKET,
        words=(
            ("燃气", "燃气", "ranqi", ("其他",)),
            ("燃气销售", "燃气销售", "rqxs", ("其他",)),
            ("燃气工程", "燃气工程", "rqgc", ("其他",)),
        ),
        suffixes=("有限公司",),
        natures=(("国有", 5), ("合资", 1)),
        industry_other="燃气供应",
        departments=("安全质量部", "客户服务中心", "管网运行部"),
    ),
    "construction": OrgKind(
        domain=D_CONSTRUCTION,
        words=(
            ("建设工程", "建设", "jianshe", ("其他",)),
            ("市政工程", "市政", "shizheng", ("其他",)),
            ("建筑装饰工程", "装饰", "zhuangshi", ("其他",)),
            ("机电安装工程", "安装", "anzhuang", ("其他",)),
            ("园林绿化工程", "园林", "yuanlin", ("其他",)),
            ("基础工程", "基础", "jichu", ("其他",)),
            ("建筑设计研究院", "设计院", "sjy", ("现代设计",)),
        ),
        suffixes=("有限公司", "股份有限公司"),
        natures=(("国有", 5), ("民营", 5), ("合资", 1)),
        industry_other="建筑业",
        departments=("质量安全部", "工程管理部", "技术质量部"),
    ),
    "power": OrgKind(
        domain=D_CONSTRUCTION,
        words=(
            ("电力工程", "电力工程", "dlgc", ("其他",)),
            ("输变电工程", "输变电", "sbd", ("其他",)),
            ("电力建设", "电建", "dianjian", ("其他",)),
            ("配电设备安装", "配电", "peidian", ("其他", "高端装备")),
        ),
        suffixes=("有限公司",),
        natures=(("国有", 6), ("民营", 2)),
        industry_other="电力",
        departments=("安全质量部", "运维检修部", "工程管理部"),
    ),
    "hospital": OrgKind(
        domain=D_NONPROFIT,
        pattern="上海市{district}{word}",
        short="{dshort}{wshort}",
        words=(
            ("中心医院", "中心医院", "zxyy", ("生命健康", "健康养老服务")),
            ("人民医院", "人民医院", "rmyy", ("生命健康", "健康养老服务")),
            ("中医医院", "中医院", "zyyy", ("生命健康",)),
            ("妇幼保健院", "妇幼", "fybj", ("生命健康",)),
            ("精神卫生中心", "精卫中心", "jwzx", ("生命健康",)),
            ("疾病预防控制中心", "疾控中心", "cdc", ("生命健康",)),
            ("老年护理院", "护理院", "hly", ("健康养老服务",)),
        ),
        suffixes=("",),
        natures=(("事业单位", 1),),
        departments=("医务处", "护理部", "质量管理办公室"),
    ),
    "community": OrgKind(
        domain=D_NONPROFIT,
        pattern="上海市{district}{street}{word}",
        short="{street}{wshort}",
        words=(
            ("社区卫生服务中心", "社区卫生", "sqws", ("健康养老服务", "社区服务")),
            ("社区事务受理服务中心", "社区事务", "sqsw", ("社区服务",)),
            ("社区综合为老服务中心", "为老服务", "wlfw", ("健康养老服务", "社区服务")),
        ),
        suffixes=("",),
        natures=(("事业单位", 1),),
        departments=("综合办公室", "质量管理办公室"),
    ),
    "school": OrgKind(
        domain=D_NONPROFIT,
        pattern="上海市{district}{word}",
        short="{dshort}{wshort}",
        words=(
            ("职业技术学校", "职校", "zhixiao", ("教育",)),
            ("业余大学", "业大", "yeda", ("教育",)),
            ("产品质量监督检验所", "质检所", "zjs", ("标准、计量、检测",)),
        ),
        suffixes=("",),
        natures=(("事业单位", 1),),
        departments=("教务处", "质量管理办公室", "综合办公室"),
    ),
    "specialised": OrgKind(
        domain=D_SPECIALISED,
        words=(
            ("智能科技", "智能", "zhineng", ("人工智能", "高端装备")),
            ("精密仪器", "仪器", "yiqi", ("高端装备",)),
            ("传感技术", "传感", "chuangan", ("电子信息",)),
            ("机器人", "机器人", "robot", ("人工智能", "高端装备")),
            ("生物科技", "生物", "shengwu", ("生物医药",)),
            ("新能源科技", "新能源", "xny", ("先进材料", "汽车")),
            ("光电科技", "光电", "guangdian", ("电子信息",)),
            ("工业软件", "软件", "ruanjian", ("创新数字赋能信息服务",)),
            ("芯片设计", "芯片", "xinpian", ("集成电路",)),
        ),
        natures=(("民营", 8), ("外资", 2), ("合资", 1)),
        specialised=1.0,
        high_tech=0.75,
        departments=("质量部", "品质管理部", "研发中心"),
    ),
}
DISTRICT_KIND_WEIGHTS = {
    "manufacturing": 30,
    "services": 22,
    "specialised": 16,
    "construction": 9,
    "hospital": 6,
    "community": 6,
    "school": 2,
    "trade": 4,
    "transport": 3,
}

# Industry bodies and the sorts of organisations they recommend.
INDUSTRY_UNITS: dict[str, tuple[str, ...]] = {
    "上海市建筑施工行业协会": ("construction",),
    "上海市电力行业": ("power",),
    "上海市医药行业协会": ("pharma",),
    "上海市交通运输行业协会": ("transport",),
    "上海市医院协会": ("hospital",),
    "上海市电子信息行业协会": ("electronics",),
    "上海市燃气行业协会": ("gas",),
    "上海市商业联合会": ("trade",),
}


@dataclass(frozen=True)
class Group:
    name: str
    brand: str
    slug: str
    domain: str
    words: tuple[Word, ...]
    industry_other: str = ""


GROUPS: tuple[Group, ...] = (
    Group(
        "上汽集团",
        "上汽",
        "saic",
        D_MANUFACTURING,
        (
            ("变速器", "变速器", "bsq", ("汽车",)),
            ("汽车制动系统", "制动", "zhidong", ("汽车",)),
            ("乘用车制造", "乘用车", "cyc", ("汽车",)),
            ("汽车电子", "汽车电子", "qcdz", ("汽车", "电子信息")),
            ("新能源动力系统", "新能源", "xny", ("汽车", "先进材料")),
        ),
    ),
    Group(
        "宝武钢铁集团",
        "宝武",
        "baowu",
        D_MANUFACTURING,
        (
            ("特种冶金", "特冶", "teye", ("先进材料",)),
            ("冷轧板材", "冷轧", "lengzha", ("先进材料",)),
            ("钢管", "钢管", "gangguan", ("先进材料",)),
            ("炭材料科技", "炭材", "tancai", ("先进材料",)),
            ("环境科技", "环境", "huanjing", ("其他",)),
        ),
        industry_other="钢铁冶金",
    ),
    Group(
        "上海电气集团",
        "上海电气",
        "shanghai-electric",
        D_MANUFACTURING,
        (
            ("电站设备", "电站", "dianzhan", ("高端装备",)),
            ("输配电", "输配电", "spd", ("高端装备",)),
            ("自动化仪表", "自仪", "ziyi", ("高端装备", "电子信息")),
            ("风电设备", "风电", "fengdian", ("高端装备",)),
            ("核电设备", "核电", "hedian", ("高端装备",)),
        ),
    ),
    Group(
        "华谊集团",
        "上海华谊",
        "huayi",
        D_MANUFACTURING,
        (
            ("新材料", "新材料", "xcl", ("先进材料",)),
            ("精细化工", "精化", "jinghua", ("先进材料",)),
            ("能源化工", "能化", "nenghua", ("先进材料",)),
            ("涂料", "涂料", "tuliao", ("先进材料", "时尚消费品")),
        ),
    ),
    Group(
        "光明食品集团",
        "光明",
        "bright",
        D_MANUFACTURING,
        (
            ("乳品", "乳品", "rupin", ("时尚消费品",)),
            ("米业", "米业", "miye", ("时尚消费品",)),
            ("糖酒", "糖酒", "tangjiu", ("时尚消费品", "贸易")),
            ("冷链物流", "冷链", "lenglian", ("航运", "贸易")),
            ("肉类食品", "肉食", "roushi", ("时尚消费品",)),
        ),
    ),
    Group(
        "上海建工集团",
        "上海建工",
        "scg",
        D_CONSTRUCTION,
        (
            ("一建集团", "一建", "yijian", ("其他",)),
            ("二建集团", "二建", "erjian", ("其他",)),
            ("四建集团", "四建", "sijian", ("其他",)),
            ("七建集团", "七建", "qijian", ("其他",)),
            ("基础工程集团", "基础", "jichu", ("其他",)),
            ("安装工程集团", "安装", "anzhuang", ("其他",)),
            ("装饰集团", "装饰", "zhuangshi", ("其他",)),
        ),
        industry_other="建筑业",
    ),
    Group(
        "上海城投集团",
        "上海城投",
        "chengtou",
        D_MARKET,
        (
            ("水务", "水务", "shuiwu", ("社区服务",)),
            ("环境", "环境", "huanjing", ("社区服务",)),
            ("公路投资建设发展", "公路", "gonglu", ("其他",)),
            ("污水处理", "污水", "wushui", ("社区服务",)),
        ),
        industry_other="城市基础设施",
    ),
    Group(
        "申通地铁集团",
        "上海地铁",
        "metro",
        D_MARKET,
        (
            ("第一运营", "一运", "yiyun", ("其他",)),
            ("第二运营", "二运", "eryun", ("其他",)),
            ("第三运营", "三运", "sanyun", ("其他",)),
            ("维护保障", "维保", "weibao", ("其他",)),
        ),
        industry_other="轨道交通",
    ),
    Group(
        "上海医药集团",
        "上药",
        "sphchina",
        D_MANUFACTURING,
        (
            ("信谊药厂", "信谊", "xinyi", ("生物医药",)),
            ("中华药业", "中华药业", "zhonghua", ("生物医药",)),
            ("生物医药", "生物医药", "bio", ("生物医药",)),
            ("控股医药物流", "医药物流", "yywl", ("生物医药", "贸易")),
        ),
    ),
    Group(
        "百联集团",
        "百联",
        "bailian",
        D_MARKET,
        (
            ("东方商厦", "东方商厦", "dfsx", ("贸易",)),
            ("连锁超市", "超市", "chaoshi", ("贸易",)),
            ("物流", "物流", "wuliu", ("贸易", "航运")),
            ("奥特莱斯商业", "奥莱", "outlets", ("贸易", "时尚消费品")),
        ),
    ),
)
GROUP_BY_NAME = {g.name: g for g in GROUPS}

BRANDS: tuple[tuple[str, str], ...] = (
    ("浦江", "pujiang"),
    ("申华", "shenhua"),
    ("东方", "dongfang"),
    ("华东", "huadong"),
    ("海纳", "haina"),
    ("金桥", "jinqiao"),
    ("张江", "zhangjiang"),
    ("临港", "lingang"),
    ("虹桥", "hongqiao"),
    ("沪东", "hudong"),
    ("新华", "xinhua"),
    ("恒通", "hengtong"),
    ("明珠", "mingzhu"),
    ("长江", "changjiang"),
    ("申菱", "shenling"),
    ("中科", "zhongke"),
    ("宏达", "hongda"),
    ("华鑫", "huaxin"),
    ("国盛", "guosheng"),
    ("启明", "qiming"),
    ("天祥", "tianxiang"),
    ("申联", "shenlian"),
    ("沪光", "huguang"),
    ("远东", "yuandong"),
    ("江南", "jiangnan"),
    ("吴淞", "wusong"),
    ("嘉誉", "jiayu"),
    ("松禾", "songhe"),
    ("青禾", "qinghe"),
    ("奉城", "fengcheng"),
    ("凯达", "kaida"),
    ("瑞丰", "ruifeng"),
    ("华通", "huatong"),
    ("恒泰", "hengtai"),
    ("鼎盛", "dingsheng"),
    ("信诚", "xincheng"),
    ("博远", "boyuan"),
    ("众诚", "zhongcheng"),
    ("嘉禾", "jiahe"),
    ("沪宁", "huning"),
    ("建达", "jianda"),
    ("卓越", "zhuoyue"),
    ("同润", "tongrun"),
    ("兴沪", "xinghu"),
    ("海湾", "haiwan"),
    ("东海", "donghai"),
    ("星火", "xinghuo"),
    ("协力", "xieli"),
    ("精诚", "jingcheng"),
    ("源盛", "yuansheng"),
    ("德诚", "decheng"),
    ("中盈", "zhongying"),
    ("九州", "jiuzhou"),
    ("万航", "wanhang"),
    ("宝联", "baolian"),
    ("泓毅", "hongyi"),
    ("锐思", "ruisi"),
    ("智远", "zhiyuan"),
    ("云澜", "yunlan"),
    ("安澜", "anlan"),
)
SURNAMES: tuple[tuple[str, str], ...] = (
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("黄", "huang"),
    ("赵", "zhao"),
    ("周", "zhou"),
    ("吴", "wu"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("朱", "zhu"),
    ("马", "ma"),
    ("胡", "hu"),
    ("郭", "guo"),
    ("林", "lin"),
    ("何", "he"),
    ("高", "gao"),
    ("沈", "shen"),
    ("顾", "gu"),
    ("陆", "lu"),
    ("蔡", "cai"),
    ("钱", "qian"),
    ("金", "jin"),
    ("姚", "yao"),
    ("施", "shi"),
    ("邱", "qiu"),
)
GIVEN_NAMES: tuple[tuple[str, str], ...] = (
    ("伟", "wei"),
    ("芳", "fang"),
    ("敏", "min"),
    ("静", "jing"),
    ("丽", "li"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("军", "jun"),
    ("洋", "yang"),
    ("勇", "yong"),
    ("艳", "yan"),
    ("杰", "jie"),
    ("娟", "juan"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("秀英", "xiuying"),
    ("华", "hua"),
    ("慧", "hui"),
    ("建华", "jianhua"),
    ("海燕", "haiyan"),
    ("志刚", "zhigang"),
    ("晓东", "xiaodong"),
    ("佳怡", "jiayi"),
    ("雯", "wen"),
    ("俊", "jun"),
    ("婷", "ting"),
    ("浩", "hao"),
    ("宇", "yu"),
    ("琳", "lin"),
    ("卫东", "weidong"),
    ("国平", "guoping"),
    ("红梅", "hongmei"),
    ("立新", "lixin"),
    ("文斌", "wenbin"),
)
TITLES = ("经理", "副经理", "主管", "质量工程师", "主任", "副主任", "专员")
MOBILE_PREFIXES = (
    "133", "135", "136", "137", "138", "139", "150", "151", "152", "158", "159",
    "177", "180", "181", "186", "187", "189", "199",
)  # fmt: skip
OTHER_NATURES = ("集体所有制", "民办非企业单位", "股份合作制")

# --- teams ------------------------------------------------------------------------------

# Team names per team type and domain ("*" = any domain). Every name follows the naming
# rule of 附件3 note 3: the full name, no superior department, never "班组", and an
# accepted ending (班, 组, 工段, 室, 站, 队, 所, 科, 中心).
TEAM_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "生产操作型": {
        D_MANUFACTURING: (
            "总装一班",
            "焊装二班",
            "冲压工段",
            "数控加工班",
            "精密装配组",
            "热处理工段",
            "注塑成型班",
            "涂装工段",
            "机加工甲班",
            "质量检验班",
            "电芯装配班",
            "表面处理工段",
            "炼钢连铸班",
            "轧钢精整工段",
            "制剂一班",
            "无菌灌装班",
            "包装二班",
            "晶圆清洗班",
            "封装测试班",
            "发动机缸体加工班",
        ),
        D_CONSTRUCTION: (
            "钢筋作业班",
            "混凝土浇筑班",
            "盾构掘进班",
            "幕墙安装班",
            "机电安装工段",
            "测量放线组",
            "桩基施工队",
            "装饰施工班",
            "管道焊接班",
            "变电检修班",
        ),
        D_MARKET: (
            "配送一班",
            "装卸作业班",
            "列车检修班",
            "管网抢修班",
            "燃气巡检班",
            "驾驶员一班",
            "仓储作业班",
            "冷链分拣班",
            "供水调度班",
        ),
        D_NONPROFIT: ("消毒供应中心", "营养膳食班", "设备维修班", "标本运送组"),
        D_SPECIALISED: (
            "精密加工班",
            "传感器装配组",
            "光学镀膜班",
            "机器人装调组",
            "芯片测试班",
            "SMT贴片班",
            "试剂灌装班",
        ),
    },
    "服务型": {
        D_MANUFACTURING: ("售后服务站", "客户服务组", "物料配送班", "设备保障班"),
        D_CONSTRUCTION: ("项目综合服务组", "物资供应组", "工程回访服务组"),
        D_MARKET: (
            "客户服务热线班",
            "营业厅服务班",
            "站务一班",
            "乘务二组",
            "收银服务组",
            "前厅服务组",
            "客房服务班",
            "报关服务组",
            "抢修服务队",
        ),
        D_NONPROFIT: (
            "门诊服务组",
            "急诊护理组",
            "导医服务组",
            "病区护理组",
            "家庭医生服务组",
            "社区服务站",
            "志愿服务队",
            "窗口受理组",
            "健康管理组",
            "预防接种门诊组",
        ),
        D_SPECIALISED: ("客户技术支持组", "现场服务组"),
    },
    "管理型": {
        "*": (
            "质量管理室",
            "计划调度室",
            "设备管理科",
            "仓储管理组",
            "采购管理组",
            "安全管理室",
            "综合管理科",
            "生产计划组",
            "质量控制组",
            "成本管理组",
        ),
        D_NONPROFIT: ("院感管理组", "护理质控组", "病案管理室"),
        D_CONSTRUCTION: ("项目质量管理组", "技术资料室"),
    },
    "技术研发型": {
        "*": (
            "工艺技术室",
            "新产品研发组",
            "理化检测室",
            "计量校准室",
            "工程技术组",
            "信息技术组",
            "模具设计室",
        ),
        D_MANUFACTURING: ("电气设计室", "材料研发室", "检验检测中心"),
        D_CONSTRUCTION: ("结构设计室", "BIM技术中心"),
        D_NONPROFIT: ("临床药学室", "医学检验组"),
        D_SPECIALISED: ("算法研发组", "软件测试组", "嵌入式开发组"),
        D_MARKET: ("软件测试组", "数据分析组"),
    },
    "其他": {
        "*": (
            "职工创新工作室",
            "劳模创新工作室",
            "工匠创新工作室",
            "青年突击队",
            "节能降耗攻关组",
            "巾帼质量攻关组",
            "后勤保障班",
            "质量攻关队",
        ),
    },
}

WORK: dict[str, tuple[str, ...]] = {
    D_MANUFACTURING: ("关键工序的生产操作与首检、自检、互检", "产品装配、调试与过程质量控制"),
    D_MARKET: ("一线窗口服务与客户诉求的首问处理", "运输、配送与现场服务的组织实施"),
    D_NONPROFIT: ("门诊和病区的日常护理与患者服务", "面向社区居民的公共服务事项办理"),
    D_CONSTRUCTION: ("现场施工作业与工序质量自检", "分部分项工程的施工与质量验收配合"),
    D_SPECIALISED: ("核心产品的精密加工与出厂检验", "关键部件的研发试制与小批量生产"),
}
TOPICS: dict[str, tuple[str, ...]] = {
    D_MANUFACTURING: (
        "降低焊接返修率",
        "提高一次交检合格率",
        "降低装配漏装率",
        "减少设备非计划停机",
    ),
    D_MARKET: ("缩短客户投诉处理时长", "提高热线一次解决率", "降低配送差错率", "提高准点率"),
    D_NONPROFIT: ("缩短门诊患者平均等候时间", "降低住院患者跌倒发生率", "提高窗口一次办结率"),
    D_CONSTRUCTION: ("减少混凝土结构表面裂缝", "提高钢筋保护层厚度合格率", "降低管道焊口返修率"),
    D_SPECIALISED: ("提高传感器标定一次通过率", "降低精密零件尺寸超差率", "缩短新品试制周期"),
}
MOTTOS = (
    "人人都是质量第一责任人",
    "把每一道工序做成精品",
    "用心服务，追求零差错",
    "精益求精，一次做对",
    "以客户满意为唯一标准",
    "质量就是生命，细节决定成败",
)
VISIONS = (
    "打造行业一流的质量信得过班组",
    "让每一位顾客放心满意",
    "成为公司质量文化的标杆",
    "零缺陷、零投诉、零事故",
    "培养一支学习型、创新型、技能型队伍",
)
FEATURES = (
    "一岗一标、一日一查",
    "首问负责、限时办结",
    "三检合一、闭环管理",
    "数据说话、持续改进",
    "标准化作业、可视化管理",
    "师徒结对、全员改善",
)
GROUP_HONOURS = (
    "工人先锋号",
    "三八红旗集体",
    "青年文明号",
    "优秀质量管理小组",
    "质量信得过班组",
    "巾帼文明岗",
    "安全生产先进集体",
)
PERSON_HONOURS = ("上海市五一劳动奖章", "上海工匠", "优秀质量工作者", "技术能手", "优秀QC小组组长")
PRIZES = ("一等奖", "二等奖", "三等奖", "优胜奖")
RETURN_REASONS = (
    "创建材料第4部分“质量改进和创新能力”缺少具体的改进案例和数据，请补充后重新提交。",
    "盖章申报表扫描件不清晰，公章无法辨认，请重新上传。",
    "班组名称与盖章申报表上的名称不一致，请核对后修改。",
    "第6部分“近三年荣誉”未附证书扫描件，请补充上传。",
    "年培训人数与班组人数不一致，请核实指标数据。",
    "创建材料第5部分缺少近三年的业绩数据对比，请补充。",
)

# Sentences of the six material areas; {placeholders} come from the application.
MATERIAL_SENTENCES: tuple[tuple[str, ...], ...] = (
    (
        "{team}现有成员{size}人，其中党员{party}人，高级工及以上技能等级{senior}人，平均年龄{age}岁。",
        "班组长由具有{years}年一线经验的骨干担任，下设质量员、安全员、设备员、培训员等兼职岗位，做到人人有岗、岗岗有责。",
        "班组主要负责{work}，严格按照作业指导书组织日常工作。",
        "班组以“{motto}”为理念，提出“{vision}”的愿景，形成了积极向上的班组文化。",
        "班组坚持“班前五分钟”质量讲评和每周质量例会制度，营造比学赶超的氛围。",
    ),
    (
        "班组全面推行《质量信得过班组建设准则》（T/CAQ 10204-2017），"
        "建立了岗位责任制、交接班、质量自检等{rules}项管理制度。",
        "现场推行6S管理和目视化管理，定置定位率达到100%，工器具完好率保持在{tools}%以上。",
        "通过班组管理看板实时展示质量、安全、效率指标，异常问题当班发现、当班处置。",
        "班组台账齐全、质量记录可追溯，{prev}年内部审核未发现不符合项。",
        "编制标准作业程序（SOP）{sop}份，并根据工艺和服务要求的变化及时修订。",
    ),
    (
        "{prev}年班组累计开展技能培训{hours}学时，参训{trainees}人次，{upgraded}名成员取得技能等级提升。",
        "班组推行“师带徒”结对培养，每名新员工配备一名导师，三个月内实现独立上岗。",
        "成员熟练运用QC七种工具、PDCA循环和5W1H等方法分析问题，{certified}人取得六西格玛绿带或QC小组活动诊断师资格。",
        "班组定期开展岗位练兵和技能比武，在{prev}年度{level}技能竞赛中获得团体{prize}。",
    ),
    (
        "近三年班组完成质量改进课题{projects}项，其中“{topic}”课题使相关不良率由{before}%降至{after}%。",
        "班组成员人均提出合理化建议{ideas}条，采纳实施率{adopted}%，年创效益约{benefit}万元。",
        "班组运用FMEA方法识别关键风险点{risks}个，制定并落实防错措施，实现质量问题零流出。",
        "班组鼓励成员参与技术革新，近三年获得实用新型专利{patents}项。",
    ),
    (
        "{prev}年班组工作完成率{completion}%，产品/服务一次合格率{first_pass}%，顾客满意度测评得分{satisfaction}分。",
        "班组形成了“{feature}”的管理特色，相关做法在{scope}范围内推广。",
        "班组连续{safe_years}年未发生质量、安全、环保事故，质量成本逐年下降。",
        "班组在上级单位年度考核中评价为优秀，{prev}年顾客投诉{complaints}件，均在规定时限内闭环处理。",
    ),
    (
        "{prev}年获评{scope}“{honour}”称号。",
        "班组长{leader}获得“{person_honour}”称号。",
        "成员{member}在{prev2}年上海市职业技能竞赛中获得{prize}。",
        "{prev2}年班组质量改进成果获上海市优秀质量管理小组成果{prize}。",
    ),
)

# --- states -----------------------------------------------------------------------------

CURRENT_STATE_WEIGHTS: dict[str, int] = {
    S.DRAFT: 14,
    S.SUBMITTED: 22,
    S.RETURNED: 7,
    S.WITHDRAWN: 4,
    S.RECOMMENDED: 14,
    S.NOT_RECOMMENDED: 6,
    S.FORMAL_PASSED: 8,
    S.FORMAL_FAILED: 3,
    S.EXPERT_REVIEW: 8,
    S.SELECTED: 7,
    S.TYPICAL_CANDIDATE: 4,
    S.TYPICAL: 3,
}
PAST_STATE_WEIGHTS: dict[str, int] = {S.SELECTED: 55, S.TYPICAL: 10, S.NOT_SELECTED: 35}

# The recommending unit's review (docs/architecture.md, "Scores and rankings"). States in which the
# unit's judges have
# scored (or are scoring) an application; states that mean the unit submitted its 附件5
# and recommended it (every later state too); states still waiting for the unit.
REVIEWED_STATES = frozenset(
    {
        S.SUBMITTED,
        S.RECOMMENDED,
        S.NOT_RECOMMENDED,
        S.FORMAL_PASSED,
        S.FORMAL_FAILED,
        S.EXPERT_REVIEW,
        S.SELECTED,
        S.TYPICAL_CANDIDATE,
        S.TYPICAL,
        S.NOT_SELECTED,
    }
)
DECIDED_STATES = REVIEWED_STATES - {S.SUBMITTED}
RECOMMENDED_STATES = DECIDED_STATES - {S.NOT_RECOMMENDED}
PENDING_STATES = frozenset({S.SUBMITTED, S.RETURNED})
# How good an application in a state is, as a share of the maximum points (the judges'
# scores scatter around it): recommended ones above the ones a unit did not recommend.
QUALITY: dict[str, tuple[float, float]] = {
    S.SUBMITTED: (0.62, 0.93),
    S.NOT_RECOMMENDED: (0.58, 0.78),
    S.RECOMMENDED: (0.78, 0.92),
    S.FORMAL_FAILED: (0.76, 0.88),
    S.FORMAL_PASSED: (0.78, 0.92),
    S.EXPERT_REVIEW: (0.78, 0.93),
    S.NOT_SELECTED: (0.76, 0.88),
    S.SELECTED: (0.8, 0.93),
    S.TYPICAL_CANDIDATE: (0.86, 0.95),
    S.TYPICAL: (0.88, 0.96),
}
PANEL_SIZE = (3, 7)  # judges per unit
# At least the campaign's minimum of judge sheets to recommend (rule 2, docs/rules.md).
JUDGES_PER_APPLICATION = (3, 5)
# judge@demo.saq's sheets in 浦东新区, in this order of the unit's submitted applications.
FEATURED_SHEETS = (
    SheetStatus.SUBMITTED,
    SheetStatus.DRAFT,
    SheetStatus.ASSIGNED,
    SheetStatus.SUBMITTED,
    SheetStatus.ASSIGNED,
    SheetStatus.DRAFT,
    SheetStatus.SUBMITTED,
    SheetStatus.ASSIGNED,
)
FEATURED_UNIT = "浦东新区"  # unit X: report in progress, a few recommendations chosen
OPEN_UNITS = ("浦东新区", "黄浦区")  # units X and Y are still reviewing this year
UNIT_REPORT_DIR = "unit_reports/demo"

INDUSTRY_SLUGS: dict[str, str] = {
    "上海市建筑施工行业协会": "jzsg",
    "上海市电力行业": "dianli",
    "上海市医药行业协会": "yiyao",
    "上海市交通运输行业协会": "jtys",
    "上海市医院协会": "yyxh",
    "上海市电子信息行业协会": "dzxx",
    "上海市燃气行业协会": "ranqi",
    "上海市商业联合会": "shanglian",
}
# Where judges work besides the unit's own bodies: (name, e-mail slug, district).
CITY_EMPLOYERS: tuple[tuple[str, str, str], ...] = (
    ("上海市质量协会", "saq", "长宁区"),
    ("上海质量管理科学研究院", "sqi", "徐汇区"),
    ("上海市质量和标准化研究院", "sist", "长宁区"),
    ("上海市计量测试技术研究院", "simt", "徐汇区"),
    ("同济大学经济与管理学院", "tongji", "杨浦区"),
    ("上海交通大学安泰经济与管理学院", "sjtu", "徐汇区"),
    ("华东理工大学商学院", "ecust", "徐汇区"),
    ("上海理工大学管理学院", "usst", "杨浦区"),
    ("上海大学管理学院", "shu", "宝山区"),
)
STRENGTHS = ("基础管理", "现场管理", "技能培训", "质量改进", "班组文化建设", "标准化作业")
CONFORMITY_TEXTS: dict[str, tuple[str, ...]] = {
    "high": (
        "班组建设全面符合《质量信得过班组建设准则》要求，六个方面材料完整、数据翔实，"
        "{strength}尤为突出。",
        "对照准则逐项核查，班组各项指标均达到或优于要求，{strength}成效显著。",
    ),
    "mid": (
        "班组建设基本符合《质量信得过班组建设准则》要求，材料较为完整，{strength}有一定成效。",
        "大部分条款符合准则要求，{strength}做法规范，个别指标的证据略显不足。",
    ),
    "low": (
        "班组建设部分符合准则要求，{weak}方面的材料和数据支撑不足。",
        "对照准则，班组在{weak}方面与要求仍有差距，需进一步完善。",
    ),
}
FEATURE_TEXTS = (
    "“{feature}”的管理做法扎实有效，具有推广价值。",
    "围绕“{topic}”开展质量改进，过程规范，效果数据清晰。",
    "班组以“{motto}”为理念，班组文化鲜明，凝聚力强。",
    "师带徒和岗位练兵常态化，成员技能等级提升明显。",
    "管理看板和目视化管理运用得当，异常问题处置闭环及时。",
)
SHORTCOMING_TEXTS = (
    "质量改进成果的经济效益测算依据不够充分。",
    "近三年业绩数据缺少与同行业水平的对比。",
    "创新成果的推广应用范围有限。",
    "班组文化建设的特色提炼不够。",
    "质量工具应用以排列图、因果图为主，方法较单一。",
    "标准作业程序的修订记录不够完整。",
    "荣誉证明材料不够齐全。",
    "人员技能等级结构有待进一步优化。",
)
OPINIONS = (
    "该班组{strength}扎实，“{feature}”特色鲜明，同意推荐。",
    "班组管理规范，质量改进成效显著，推荐参加上海市质量信得过班组评审。",
    "材料完整、数据翔实，在“{topic}”方面成果突出，同意推荐。",
    "经本单位评委评审，该班组综合得分靠前，同意推荐。",
)
ON_SITE_NOTES = (
    "拟赴现场查看班组管理看板、质量记录和交接班制度的执行情况。",
    "现场核实改进课题的数据来源，并与班组长和两名成员座谈。",
)


# --- demo logins ------------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    email: str
    name: str
    role: str


LOGINS: tuple[Login, ...] = (
    Login("staff@demo.saq", "陈思远", "质协工作人员（会员与质量推进部）；Django 管理后台 /admin/"),
    Login(
        "applicant-a@demo.saq", "王海燕", "申报单位 A（浦东新区，3 份申报：草稿、已提交、退回修改）"
    ),
    Login(
        "applicant-b@demo.saq",
        "李俊",
        "申报单位 B（黄浦区，2 份申报：草稿、已提交；还可新建 1 份）",
    ),
    Login("unit-x@demo.saq", "张立明", "推荐单位 X 管理员：浦东新区（评审进行中，推荐表填写中）"),
    Login("unit-y@demo.saq", "刘芳", "推荐单位 Y 管理员：黄浦区"),
    Login("judge@demo.saq", "赵建国", "评委（浦东新区评委，评审任务：已提交、评分中、待评分）"),
    Login("expert@demo.saq", "孙文博", "质协专家评委（专家评审）"),
    Login("guide@demo.saq", "周敏", "指导单位：" + taxonomy.GUIDING_UNITS[0]),
)


# --- plans ------------------------------------------------------------------------------


@dataclass
class OrgPlan:
    """An organisation to create and what its yearly registration says."""

    name: str
    short_name: str
    slug: str
    district: District
    domain: str
    nature: str
    industries: tuple[str, ...]
    unit: str
    nature_other: str = ""
    industry_other: str = ""
    is_member: bool = False
    is_specialised: bool = False
    is_high_tech: bool = False
    department: str = "质量管理部"
    promoter_name: str = ""
    promoter_email: str = ""
    promoter_mobile: str = ""
    promoter_position: str = ""
    address: str = ""
    postcode: str = ""


@dataclass
class AppPlan:
    registration: Registration
    unit: RecommendingUnit
    team_type: TeamType
    team_name: str
    state: str
    created_at: datetime
    submitted_at: datetime | None
    actor: User | None = None


@dataclass
class Panel:
    """A recommending unit's admin (who assigns, recommends and submits) and its judges."""

    unit: RecommendingUnit
    admin: User
    judges: list[Judge] = field(default_factory=list)


@dataclass
class Created:
    """What this run created; recorded in the audit log so ``--reset`` can remove it."""

    campaign_ids: list[int] = field(default_factory=list)
    organisation_ids: list[int] = field(default_factory=list)
    unit_ids: list[int] = field(default_factory=list)
    guiding_unit_ids: list[int] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)
    judge_ids: list[int] = field(default_factory=list)
    years: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, list[int]]:
        return {
            "campaign_ids": self.campaign_ids,
            "organisation_ids": self.organisation_ids,
            "unit_ids": self.unit_ids,
            "guiding_unit_ids": self.guiding_unit_ids,
            "user_ids": self.user_ids,
            "judge_ids": self.judge_ids,
            "years": self.years,
        }


Numbering = Callable[[int], str]
M = TypeVar("M", bound=models.Model)


def aware(day: date, at: dtime = dtime.min) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def year_window(year: int, kind: str) -> tuple[datetime, datetime]:
    return template_window(year, kind)


def open_window(today: date) -> tuple[datetime, datetime]:
    return (
        aware(today - timedelta(days=OPEN_DAYS_BEFORE)),
        aware(today + timedelta(days=OPEN_DAYS_AFTER), dtime(23, 59, 59)),
    )


def stamped_sample_pdf(
    title: str = "质量信得过班组建设活动申报表（附件3）",
    note: str = "演示数据：盖章申报表扫描件样例，非真实文件。",
) -> bytes:
    """A one-page stand-in for the scan of a stamped form (built once per run): the 附件3
    by default, the 附件5 for the units' reports."""
    from reportlab.lib.colors import red
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.setFont("STSong-Light", 16)
    pdf.drawString(72, 760, title)
    pdf.setFont("STSong-Light", 11)
    pdf.drawString(72, 736, note)
    pdf.setStrokeColor(red)
    pdf.setFillColor(red)
    pdf.circle(420, 640, 48, stroke=1, fill=0)
    pdf.drawCentredString(420, 636, "演示用章")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def bulk_create_dated(model: type[M], rows: list[M], *, keep: bool = True) -> list[M]:
    """``bulk_create`` that keeps the ``created_at`` / ``updated_at`` the rows carry (the
    auto_now_add / auto_now fields would overwrite them with now), so that the demo's
    history is spread over the year; rows without a value get now. The fields' flags are
    switched off only during the insert of this one-off, single-threaded process."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if keep and (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
    ]
    now = timezone.now()
    for row in rows:
        for f in fields:
            if getattr(row, f.attname) is None:
                setattr(row, f.attname, now)
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]  # type: ignore[attr-defined]
    try:
        for f in fields:
            f.auto_now = f.auto_now_add = False  # type: ignore[attr-defined]
        return model._default_manager.bulk_create(rows, batch_size=500)
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add  # type: ignore[attr-defined]


def _pct(rng: random.Random, low: float, high: float) -> Decimal:
    value = Decimal(f"{rng.uniform(low, high):.2f}")
    return min(max(value, Decimal("0.00")), Decimal("100.00"))


class DemoBuilder:
    """Builds the demo's rows quickly (bulk inserts) and consistently with the rules.

    ``numbering`` gives each application its 编号 (default: the service's
    ``application_number_next``); ``with_files`` writes a sample stamped scan for each
    application that needs one; ``backdate`` spreads created/updated times over the year.
    """

    def __init__(
        self,
        *,
        rng: random.Random,
        numbering: Numbering = application_number_next,
        with_files: bool = True,
        backdate: bool = True,
    ) -> None:
        self.rng = rng
        self.numbering = numbering
        self.with_files = with_files
        self.backdate = backdate
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.created = Created()
        self.natures = {n.name: n for n in OrganisationNature.objects.all()}
        self.industries = {i.name: i for i in Industry.objects.all()}
        self.domains = {d.name: d for d in Domain.objects.all()}
        self.team_types = list(TeamType.objects.filter(active=True).order_by("position", "id"))
        missing = [n for n, *_ in taxonomy.NATURES if n not in self.natures]
        if missing or len(self.domains) < len(taxonomy.DOMAINS) or not self.team_types:
            raise CommandError(
                "分类数据缺失：请先运行 manage.py migrate（campaigns 0003 会写入它们）。"
            )
        self.units: dict[str, RecommendingUnit] = {}
        self.plans: dict[int, OrgPlan] = {}  # organisation id → plan
        self.used_names: set[str] = set(Organisation.objects.values_list("name", flat=True))
        self._pdf: bytes | None = None
        self._report_pdf: bytes | None = None
        self._password_hash: str | None = None
        self._emails: set[str] = set()
        self._tgq = rng.randint(100, 900)
        self._bias: dict[int, float] = {}  # judge id → how harsh (−) or lenient (+)

    # --- reference data -----------------------------------------------------------------

    def ensure_units(self) -> None:
        specs: list[tuple[str, str]] = [(d.name, UnitKind.DISTRICT) for d in DISTRICTS]
        specs += [(name, UnitKind.INDUSTRY) for name in INDUSTRY_UNITS]
        specs += [(g.name, UnitKind.GROUP) for g in GROUPS]
        # The special unit and its rule are reference data (organisations 0003), not demo.
        reference.load(django_apps)
        existing = {u.name: u for u in RecommendingUnit.objects.all()}
        new = [
            RecommendingUnit(name=name, kind=kind, position=i + 1)
            for i, (name, kind) in enumerate(specs)
            if name not in existing
        ]
        RecommendingUnit.objects.bulk_create(new)
        created = {u.name for u in new}
        self.created.unit_ids += [u.pk for u in RecommendingUnit.objects.filter(name__in=created)]
        self.units = {u.name: u for u in RecommendingUnit.objects.all()}

    def ensure_guiding_units(self) -> list[GuidingUnit]:
        result = []
        for name in taxonomy.GUIDING_UNITS:
            unit, created = GuidingUnit.objects.get_or_create(name=name)
            if created:
                self.created.guiding_unit_ids.append(unit.pk)
            result.append(unit)
        return result

    def campaign(self, year: int, *, open_now: bool) -> Campaign:
        campaign = Campaign.objects.create(
            year=year,
            title=f"{year}年上海市“质量信得过班组”建设活动",
            results_published=not open_now,
        )
        phases = []
        for kind in PhaseKind:  # the notice's order
            starts, ends = open_window(self.today) if open_now else year_window(year, kind)
            phases.append(
                Phase(
                    campaign=campaign,
                    kind=kind,
                    starts_at=starts,
                    ends_at=ends,
                    responsible=PHASE_RESPONSIBLE[kind],
                )
            )
        Phase.objects.bulk_create(phases)
        self.created.campaign_ids.append(campaign.pk)
        self.created.years.append(year)
        return campaign

    # --- organisations ------------------------------------------------------------------

    def _person(self) -> tuple[str, str]:
        surname, s_py = self.rng.choice(SURNAMES)
        given, g_py = self.rng.choice(GIVEN_NAMES)
        return surname + given, f"{g_py}.{s_py}"

    def _mobile(self) -> str:
        prefix = self.rng.choice(MOBILE_PREFIXES)
        return prefix + "".join(self.rng.choices("0123456789", k=11 - len(prefix)))

    def _weighted(self, weights: dict[str, int] | Sequence[tuple[str, int]]) -> str:
        items = list(weights.items()) if isinstance(weights, dict) else list(weights)
        return self.rng.choices([k for k, _ in items], weights=[w for _, w in items])[0]

    def _district(self) -> District:
        return self.rng.choices(
            DISTRICTS, weights=[DISTRICT_WEIGHTS.get(d.name, 1) for d in DISTRICTS]
        )[0]

    def plan_organisation(self) -> OrgPlan:
        rng = self.rng
        district = self._district()
        roll = rng.random()
        group: Group | None = None
        if roll < 0.55:
            unit = district.name
            kind = KINDS[self._weighted(DISTRICT_KIND_WEIGHTS)]
        elif roll < 0.78:
            unit = rng.choice(list(INDUSTRY_UNITS))
            kind = KINDS[rng.choice(INDUSTRY_UNITS[unit])]
        else:
            group = rng.choice(GROUPS)
            unit = group.name
            kind = KINDS["manufacturing" if group.domain == D_MANUFACTURING else "services"]
        street = rng.choice(district.streets)
        for attempt in range(60):
            if group is not None:
                word, wshort, code, industries = rng.choice(group.words)
                brand, slug = group.brand, f"{code}.{group.slug}"
                name = (
                    f"{brand}{word}有限公司"
                    if attempt < 30
                    else f"{brand}{word}{district.short}分公司"
                )
                short = f"{brand}{wshort}"
                domain = group.domain
                industry_other = group.industry_other
            else:
                word, wshort, code, industries = rng.choice(kind.words)
                brand, brand_py = rng.choice(BRANDS)
                suffix = rng.choice(kind.suffixes)
                values = {
                    "brand": brand,
                    "word": word,
                    "suffix": suffix,
                    "wshort": wshort,
                    "district": district.name,
                    "dshort": district.short,
                    "street": street,
                }
                name = kind.pattern.format(**values)
                short = kind.short.format(**values)
                slug = (
                    f"{brand_py}-{code}"
                    if "{brand}" in kind.pattern
                    else f"{district.pinyin}-{code}"
                )
                domain = kind.domain
                industry_other = kind.industry_other
                if attempt >= 30:  # crowded: a branch of an existing name
                    name = f"{name}{district.short}分公司"
                    street = rng.choice(district.streets)
            if attempt >= 50:
                name = f"{name[:-3]}第{attempt - 48}分公司"
            if name not in self.used_names:
                break
        self.used_names.add(name)
        if group is not None:
            nature = "国有" if rng.random() < 0.85 else "合资"
        else:
            nature = self._weighted(kind.natures)
        is_specialised = rng.random() < kind.specialised
        is_high_tech = rng.random() < kind.high_tech
        is_member = rng.random() < (0.7 if nature == "外资" or is_specialised else 0.4)
        eligible_for_association = is_member and (
            nature == "外资" or is_specialised or (is_high_tech and nature == "民营")
        )
        if eligible_for_association and rng.random() < 0.3:
            unit = ASSOCIATION_UNIT
        promoter, email_local = self._person()
        department = rng.choice(kind.departments)
        return OrgPlan(
            name=name,
            short_name=short[:40],
            slug=slug,
            district=district,
            domain=domain,
            nature=nature,
            nature_other=rng.choice(OTHER_NATURES) if nature == "其他" else "",
            industries=industries,
            industry_other=(industry_other or "其他服务业") if "其他" in industries else "",
            unit=unit,
            is_member=is_member,
            is_specialised=is_specialised,
            is_high_tech=is_high_tech,
            department=department,
            promoter_name=promoter,
            promoter_email=f"{email_local}@{slug}.demo.saq",
            promoter_mobile=self._mobile(),
            promoter_position=f"{department} {rng.choice(TITLES)}",
            address=f"上海市{district.name}{rng.choice(district.roads)}{rng.randint(1, 2999)}号",
            postcode=f"{district.postcode + rng.randint(0, 9):06d}",
        )

    def create_organisations(self, plans: Sequence[OrgPlan]) -> list[Organisation]:
        organisations = Organisation.objects.bulk_create(
            [Organisation(name=p.name, short_name=p.short_name) for p in plans], batch_size=500
        )
        for organisation, plan in zip(organisations, plans, strict=True):
            assert organisation.pk is not None
            self.plans[organisation.pk] = plan
            self.created.organisation_ids.append(organisation.pk)
        return organisations

    def register(
        self,
        campaign: Campaign,
        organisations: Sequence[Organisation],
        *,
        continuing: set[int] | None = None,
    ) -> list[Registration]:
        """附件2 for each organisation; returns them with everything the snapshot needs."""
        continuing = continuing or set()
        rows = []
        for organisation in organisations:
            plan = self.plans[organisation.pk]
            rows.append(
                Registration(
                    organisation=organisation,
                    campaign=campaign,
                    is_member=plan.is_member,
                    nature=self.natures[plan.nature],
                    nature_other=plan.nature_other,
                    industry_other=plan.industry_other,
                    domain=self.domains[plan.domain],
                    is_specialised=plan.is_specialised,
                    is_high_tech=plan.is_high_tech,
                    address=plan.address,
                    postcode=plan.postcode,
                    management_department=plan.department,
                    promoter_name=plan.promoter_name,
                    promoter_position=plan.promoter_position,
                    promoter_mobile=plan.promoter_mobile,
                    promoter_email=plan.promoter_email,
                    participation=Participation.CONTINUING
                    if organisation.pk in continuing
                    else Participation.FIRST_TIME,
                    applies_with_experience=True,
                )
            )
        if self.backdate and campaign.year < self.today.year:
            for row in rows:
                row.created_at = row.updated_at = aware(
                    date(campaign.year, 2, 1) + timedelta(days=self.rng.randint(0, 100)),
                    dtime(9 + self.rng.randint(0, 8), self.rng.randint(0, 59)),
                )
        registrations = bulk_create_dated(Registration, rows, keep=self.backdate)
        through = Registration.industries.through
        through.objects.bulk_create(
            [
                through(registration_id=r.pk, industry_id=self.industries[name].pk)
                for r in registrations
                for name in self.plans[r.organisation_id].industries
            ],
            batch_size=1000,
        )
        ids = {r.pk for r in registrations}
        return [
            r
            # In creation order: PostgreSQL returns an unordered query's rows in any order
            # (a reset's new rows fill the freed space), and the plans shuffle this list.
            for r in Registration.objects.filter(campaign=campaign)
            .order_by("pk")
            .select_related("organisation", "nature", "domain", "campaign")
            .prefetch_related("industries")
            if r.pk in ids
        ]

    # --- applications -------------------------------------------------------------------

    def team_name(self, type_name: str, domain: str, used: set[str]) -> str:
        names = TEAM_NAMES.get(type_name, TEAM_NAMES["其他"])
        candidates = [*names.get(domain, ()), *names.get("*", ())] or [
            n for group in names.values() for n in group
        ]
        free = [n for n in candidates if n not in used] or [
            n for n in TEAM_NAMES["其他"]["*"] if n not in used
        ]
        name = self.rng.choice(free)
        used.add(name)
        return name

    def _times(self, campaign: Campaign, state: str) -> tuple[datetime, datetime | None]:
        rng = self.rng
        if campaign.year >= self.today.year:
            start = aware(self.today - timedelta(days=OPEN_DAYS_BEFORE - 1))
            span = max((self.now - start).total_seconds() - 3600, 3600)
            created = start + timedelta(seconds=rng.uniform(0, span * 0.6))
            if state == S.DRAFT:
                return created, None
            left = max((self.now - created).total_seconds() - 600, 60)
            return created, created + timedelta(seconds=rng.uniform(left * 0.1, left * 0.7))
        created = aware(
            date(campaign.year, 2, 15) + timedelta(days=rng.randint(0, 80)),
            dtime(rng.randint(8, 19), rng.randint(0, 59)),
        )
        submitted = created + timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 8))
        return created, min(submitted, year_window(campaign.year, PhaseKind.APPLICATION)[1])

    def plan_applications(
        self,
        campaign: Campaign,
        registrations: Sequence[Registration],
        *,
        target: int,
        weights: dict[str, int],
        existing: dict[int, list[AppPlan]] | None = None,
    ) -> list[AppPlan]:
        """About ``target`` applications spread over the registrations: 1–3 per
        organisation (the campaign's limit), each of a different team type."""
        existing = existing or {}
        limit = campaign.max_applications_per_org
        slots = {r.pk: limit - len(existing.get(r.organisation_id, [])) for r in registrations}
        counts: Counter[int] = Counter()
        order = [r for r in registrations if slots[r.pk] > 0]
        self.rng.shuffle(order)
        remaining = target
        for registration in order:  # everybody who applies gets one …
            if remaining <= 0:
                break
            counts[registration.pk] = 1
            remaining -= 1
        growable = [r.pk for r in order if counts[r.pk] and counts[r.pk] < slots[r.pk]]
        while remaining > 0 and growable:  # … then some get a second or a third
            index = self.rng.randrange(len(growable))
            pk = growable[index]
            counts[pk] += 1
            remaining -= 1
            if counts[pk] >= slots[pk]:
                growable[index] = growable[-1]
                growable.pop()
        plans: list[AppPlan] = []
        for registration in order:
            if not counts[registration.pk]:
                continue
            org_plan = self.plans[registration.organisation_id]
            taken = {p.team_type.pk for p in existing.get(registration.organisation_id, [])}
            used = {p.team_name for p in existing.get(registration.organisation_id, [])}
            types = [t for t in self.team_types if t.pk not in taken]
            for team_type in self.rng.sample(types, min(counts[registration.pk], len(types))):
                state = self._weighted(weights)
                created, submitted = self._times(campaign, state)
                plans.append(
                    AppPlan(
                        registration=registration,
                        unit=self.units[org_plan.unit],
                        team_type=team_type,
                        team_name=self.team_name(team_type.name, org_plan.domain, used),
                        state=state,
                        created_at=created,
                        submitted_at=submitted,
                    )
                )
        return plans

    def _materials(self, app: Application, plan: AppPlan, domain: str) -> dict[str, str]:
        rng = self.rng
        year = plan.registration.campaign.year
        before = rng.uniform(2.5, 8.0)
        values: dict[str, Any] = {
            "team": app.team_name,
            "size": app.team_size,
            "party": rng.randint(1, max(1, app.team_size // 3)),
            "senior": rng.randint(1, max(1, app.team_size // 2)),
            "age": rng.randint(28, 44),
            "years": rng.randint(8, 25),
            "work": rng.choice(WORK[domain]),
            "motto": rng.choice(MOTTOS),
            "vision": rng.choice(VISIONS),
            "rules": rng.randint(8, 24),
            "tools": rng.choice(("98", "99", "99.5")),
            "prev": year - 1,
            "prev2": year - 2,
            "sop": rng.randint(6, 40),
            "hours": app.training_hours_per_year or rng.randint(40, 300),
            "trainees": app.trainees_per_year or app.team_size,
            "upgraded": rng.randint(1, max(1, app.team_size // 3)),
            "certified": rng.randint(1, 4),
            "level": rng.choice(("区级", "行业", "集团", "市级")),
            "prize": rng.choice(PRIZES),
            "projects": rng.randint(2, 9),
            "topic": rng.choice(TOPICS[domain]),
            "before": f"{before:.1f}",
            "after": f"{before * rng.uniform(0.2, 0.6):.1f}",
            "ideas": rng.randint(2, 12),
            "adopted": rng.randint(60, 95),
            "benefit": rng.randint(5, 180),
            "risks": rng.randint(6, 30),
            "patents": rng.randint(1, 6),
            "completion": app.completion_rate or "99.00",
            "first_pass": app.first_pass_rate or "99.00",
            "satisfaction": f"{rng.uniform(92, 99.5):.1f}",
            "feature": rng.choice(FEATURES),
            "scope": rng.choice(("本单位", "集团", "行业", "上海市", "本区")),
            "safe_years": rng.randint(3, 12),
            "complaints": app.complaints_per_year or 0,
            "honour": rng.choice(GROUP_HONOURS),
            "person_honour": rng.choice(PERSON_HONOURS),
            "leader": self._person()[0],
            "member": self._person()[0],
        }
        texts = []
        for sentences in MATERIAL_SENTENCES:
            picked = rng.sample(sentences, rng.randint(3, len(sentences)))
            texts.append("".join(s.format(**values) for s in picked))
        fields = (
            "material_composition",
            "material_basic_management",
            "material_skills",
            "material_improvement",
            "material_results",
            "material_honours",
        )
        return dict(zip(fields, texts, strict=True))

    def _stamped_file(self, number: str) -> str:
        if self._pdf is None:
            self._pdf = stamped_sample_pdf()
        return default_storage.save(f"{STAMPED_DIR}/{number}.pdf", ContentFile(self._pdf))

    def create_applications(self, plans: Sequence[AppPlan]) -> list[Application]:
        """Materialise the plans (numbers in the order of creation), with the frozen
        organisation snapshot, the stamped scan and a revision for every submitted one."""
        rng = self.rng
        plans = sorted(plans, key=lambda p: (p.registration.campaign.year, p.created_at))
        snapshots: dict[int, dict[str, Any]] = {}
        applications: list[Application] = []
        for plan in plans:
            registration = plan.registration
            domain = registration.domain.name
            state = plan.state
            draft = state == S.DRAFT
            size = rng.randint(8, 40) if domain == D_NONPROFIT else rng.randint(6, 30)
            nonconformity = _pct(rng, 0, 1.5)
            app = Application(
                campaign=registration.campaign,
                organisation=registration.organisation,
                recommending_unit=plan.unit,
                number=self.numbering(registration.campaign.year),
                state=state,
                version=1 if draft else (3 if state in (S.RETURNED, S.WITHDRAWN) else 2),
                team_name=plan.team_name,
                team_type=plan.team_type,
                team_size=size,
                completion_rate=_pct(rng, 96, 100),
                qualification_rate=_pct(rng, 95, 100),
                nonconformity_rate=nonconformity,
                first_pass_rate=_pct(rng, 95, 100 - float(nonconformity)),
                accidents_per_year=0,
                complaints_per_year=rng.randint(0, 6 if domain in (D_MARKET, D_NONPROFIT) else 3),
                trainees_per_year=size * rng.randint(1, 3),
                training_hours_per_year=rng.randint(24, 360),
                improvement_participation_rate=_pct(rng, 85, 100),
                coverage_rate=_pct(rng, 30, 100),
                quality_cost=Decimal(f"{rng.uniform(2, 150):.2f}"),
                created_by=plan.actor,
                submitted_at=plan.submitted_at,
            )
            complete = not draft or rng.random() < 0.4
            if draft and rng.random() < 0.5:  # a draft being filled in: some gaps
                for name in rng.sample(
                    [
                        "completion_rate",
                        "first_pass_rate",
                        "complaints_per_year",
                        "training_hours_per_year",
                        "coverage_rate",
                        "quality_cost",
                    ],
                    rng.randint(1, 4),
                ):
                    setattr(app, name, None)
            for name, text in self._materials(app, plan, domain).items():
                if complete or rng.random() < 0.6:
                    setattr(app, name, text)
            ticked = complete and (not draft or rng.random() < 0.6)
            app.commitment_voluntary = app.commitment_standard = ticked
            app.commitment_truthful = app.commitment_secrecy = ticked
            app.eligibility_basic_unit = app.eligibility_no_accidents = ticked
            if not draft:
                if registration.pk not in snapshots:
                    snapshots[registration.pk] = registration_snapshot(registration)
                app.organisation_snapshot = snapshots[registration.pk]
            if state == S.RETURNED:
                app.return_reason = rng.choice(RETURN_REASONS)
            if self.with_files and (not draft or rng.random() < 0.3):
                app.stamped_form.name = self._stamped_file(app.number)
                short = registration.organisation.short_name
                app.stamped_form_name = f"{short}{app.team_name}申报表（盖章）.pdf"
            app.created_at = plan.created_at
            app.updated_at = max(plan.created_at, plan.submitted_at or plan.created_at)
            applications.append(app)
        bulk_create_dated(Application, applications, keep=self.backdate)
        revisions = []
        for app, plan in zip(applications, plans, strict=True):
            assert app.pk is not None
            if plan.submitted_at is None:
                continue
            # No attachments yet: tell the snapshot so (as a prefetch would), instead of
            # asking the database once per application.
            no_attachments = Attachment.objects.none()
            no_attachments._result_cache = []
            no_attachments._prefetch_done = True  # type: ignore[attr-defined]
            app._prefetched_objects_cache = {"attachments": no_attachments}  # type: ignore[attr-defined]
            revisions.append(
                ApplicationRevision(
                    application=app,
                    number=1,
                    content=application_content_snapshot(app),
                    submitted_at=plan.submitted_at,
                    submitted_by=plan.actor,
                )
            )
        ApplicationRevision.objects.bulk_create(revisions, batch_size=500)
        return applications

    # --- recommending units: admins, judges, review -------------------------------------

    def _unit_slug(self, unit: RecommendingUnit) -> str:
        if unit.name in DISTRICT_BY_NAME:
            return DISTRICT_BY_NAME[unit.name].pinyin
        if unit.name in GROUP_BY_NAME:
            return GROUP_BY_NAME[unit.name].slug
        if unit.name == ASSOCIATION_UNIT:
            return "saq-hy"
        return INDUSTRY_SLUGS.get(unit.name, f"unit{unit.pk}")

    def _email(self, local: str, domain: str) -> str:
        email = f"{local}@{domain}"
        for n in range(2, 100):
            if email not in self._emails:
                break
            email = f"{local}{n}@{domain}"
        self._emails.add(email)
        return email

    def _accounts(self, people: Sequence[tuple[str, str, str]]) -> list[User]:
        """Accounts (e-mail, name, mobile) of the people who act in the demo's history:
        unit admins and judges. They have no password: the demo logins are the ones in
        :data:`LOGINS`."""
        users = User.objects.bulk_create(
            [
                User(
                    email=email,
                    name=name,
                    mobile=mobile,
                    email_verified=True,
                    password=make_password(None),  # unusable, and no hashing
                )
                for email, name, mobile in people
            ],
            batch_size=500,
        )
        self.created.user_ids += [u.pk for u in users]
        return users

    def unit_admins(self, known: dict[str, User]) -> dict[int, User]:
        """Every unit's admin: the demo logins for the units in ``known`` (name → user,
        their memberships made by the caller), an account for each other unit."""
        admins = {self.units[name].pk: user for name, user in known.items()}
        missing = [u for u in sorted(self.units.values(), key=lambda u: u.pk) if u.pk not in admins]
        people = []
        for unit in missing:
            name, _local = self._person()
            email = self._email("admin", f"{self._unit_slug(unit)}.demo.saq")
            people.append((email, name, self._mobile()))
        for unit, user in zip(missing, self._accounts(people), strict=True):
            admins[unit.pk] = user
        UnitMembership.objects.bulk_create(
            [UnitMembership(unit=u, user=admins[u.pk], role=UnitRole.ADMIN) for u in missing]
        )
        return admins

    def _employers(self, unit: RecommendingUnit) -> list[tuple[str, str, str]]:
        """The unit's own bodies judges come from: (name, e-mail slug, district)."""
        if unit.name in DISTRICT_BY_NAME:
            d = DISTRICT_BY_NAME[unit.name]
            return [
                (f"上海市{d.name}质量技术协会", f"zjxh.{d.pinyin}", d.name),
                (f"上海市{d.name}市场监督管理局", f"scjg.{d.pinyin}", d.name),
            ]
        if unit.name in GROUP_BY_NAME:
            g = GROUP_BY_NAME[unit.name]
            district = self._district().name
            return [
                (f"{g.name}质量管理部", g.slug, district),
                (f"{g.name}技术中心", f"jszx.{g.slug}", district),
            ]
        if unit.name == ASSOCIATION_UNIT:
            return [("上海市质量协会会员与质量推进部", "saq", "长宁区")]
        slug = INDUSTRY_SLUGS.get(unit.name, f"unit{unit.pk}")
        return [
            (f"{unit.name}秘书处", slug, "静安区"),
            (f"{unit.name}专家委员会", f"zjwyh.{slug}", "黄浦区"),
        ]

    def _tgq_number(self) -> str:
        """A TGQ judge certificate number like TGQ20230517 (year of issue, serial)."""
        self._tgq += self.rng.randint(1, 29)
        return f"TGQ{self.rng.randint(2015, 2024)}{self._tgq:04d}"

    def _address(self, district: str) -> str:
        d = DISTRICT_BY_NAME.get(district) or self._district()
        return f"上海市{d.name}{self.rng.choice(d.roads)}{self.rng.randint(1, 2999)}号"

    def judge_panels(
        self,
        admins: dict[int, User],
        *,
        applicants: dict[int, list[Organisation]],
        featured: tuple[User, str] | None = None,
    ) -> dict[int, Panel]:
        """Every unit's panel of 3–7 judges with TGQ numbers, employers, addresses and
        mobiles. Judges who score have an account; some units wait for a judge to accept
        the e-mailed invitation (no account yet); some panels have a judge who works for
        an organisation that applies to the unit (``applicants``: unit id → organisations),
        who never scores that organisation. ``featured`` (user, unit name) is the demo
        login put first on that unit's panel."""
        rng = self.rng
        rows: list[tuple[int, Judge, bool]] = []  # unit id, judge, needs an account
        people: list[tuple[str, str, str]] = []
        for unit in sorted(self.units.values(), key=lambda u: (u.position, u.pk)):
            is_featured = featured is not None and unit.name == featured[1]
            size = PANEL_SIZE[1] if is_featured else rng.randint(*PANEL_SIZE)
            kinds = ["plain"] * size
            if is_featured:
                kinds[0] = "featured"
            if size >= 4 and rng.random() < 0.35:
                kinds[-1] = "pending"  # invited, has not accepted yet
            candidates = applicants.get(unit.pk, [])
            if candidates and rng.random() < 0.35:
                kinds[1] = "applicant"
            own = self._employers(unit)
            for kind in kinds:
                name, local = self._person()
                organisation: Organisation | None = None
                if kind == "applicant":
                    organisation = rng.choice(candidates)
                    plan = self.plans[organisation.pk]
                    employer, slug, address = organisation.name, plan.slug, plan.address
                else:
                    employer, slug, district = rng.choice(
                        own if kind == "featured" or rng.random() < 0.5 else CITY_EMPLOYERS
                    )
                    address = self._address(district)
                judge = Judge(
                    name=name,
                    employer=employer,
                    employer_organisation=organisation,
                    tgq_number=self._tgq_number(),
                    address=address,
                    email=self._email(local, f"{slug}.demo.saq"),
                    mobile=self._mobile(),
                )
                if kind == "featured":
                    assert featured is not None
                    user = featured[0]
                    judge.user, judge.name, judge.email = user, user.name, user.email
                    judge.mobile = user.mobile or judge.mobile
                elif kind != "pending":
                    people.append((judge.email, judge.name, judge.mobile))
                rows.append((unit.pk, judge, kind not in ("featured", "pending")))
        accounts = iter(self._accounts(people))
        for _unit_pk, judge, needs_account in rows:
            if needs_account:
                judge.user = next(accounts)
        judges = bulk_create_dated(Judge, [judge for _u, judge, _a in rows], keep=False)
        self.created.judge_ids += [j.pk for j in judges]
        PanelMember.objects.bulk_create(
            [PanelMember(unit_id=unit_pk, judge=judge) for unit_pk, judge, _a in rows]
        )
        Invitation.objects.bulk_create(
            [
                Invitation(
                    unit_id=unit_pk,
                    email=judge.email,
                    role=InvitationRole.JUDGE,
                    token=f"demo-{rng.getrandbits(160):040x}",
                    judge=judge,
                    invited_by=admins[unit_pk],
                )
                for unit_pk, judge, _a in rows
                if judge.user_id is None
            ]
        )
        panels = {pk: Panel(unit=u, admin=admins[pk]) for pk, u in self.units_by_pk().items()}
        for unit_pk, judge, _a in rows:
            panels[unit_pk].judges.append(judge)
        return panels

    def units_by_pk(self) -> dict[int, RecommendingUnit]:
        return {u.pk: u for u in self.units.values()}

    def settle_unit_states(
        self, campaign: Campaign, plans: Sequence[AppPlan], *, still_open: Iterable[str] = ()
    ) -> set[int]:
        """Make the planned states agree with the units' 附件5 reports, per unit: a unit
        that has submitted its report has nothing waiting any more (as ``report_submit``
        leaves it: a submitted application recommended or not, a returned one not
        recommended); a unit still reviewing (all in ``still_open``, and those with more
        applications waiting than decided) has decided none. Recommended applications
        respect the per-organisation quota. Returns the ids of the units that submitted."""
        rng = self.rng
        keep = {self.units[name].pk for name in still_open if name in self.units}
        quota = campaign.default_recommend_quota  # the demo raises no unit's quota
        by_unit: dict[int, list[AppPlan]] = defaultdict(list)
        for plan in plans:
            by_unit[plan.unit.pk].append(plan)
        done: set[int] = set()
        for unit_pk, unit_plans in sorted(by_unit.items()):
            decided = sum(p.state in DECIDED_STATES for p in unit_plans)
            pending = sum(p.state in PENDING_STATES for p in unit_plans)
            if unit_pk not in keep and decided and decided >= pending:
                done.add(unit_pk)
                for p in unit_plans:
                    if p.state == S.SUBMITTED and rng.random() < 0.5:
                        p.state = S.RECOMMENDED
                    elif p.state in PENDING_STATES:
                        p.state = S.NOT_RECOMMENDED
                if not any(p.state in RECOMMENDED_STATES for p in unit_plans):
                    # A report recommends at least one (report_submit refuses an empty list).
                    next(
                        p for p in unit_plans if p.state == S.NOT_RECOMMENDED
                    ).state = S.RECOMMENDED
            else:
                for p in unit_plans:
                    if p.state in DECIDED_STATES:
                        p.state = S.SUBMITTED
            recommended: Counter[int] = Counter()
            # The ones the association has moved on with first: only RECOMMENDED can drop.
            for p in sorted(unit_plans, key=lambda p: p.state == S.RECOMMENDED):
                if p.state in RECOMMENDED_STATES:
                    organisation = p.registration.organisation_id
                    if recommended[organisation] >= quota:
                        p.state = S.NOT_RECOMMENDED
                    else:
                        recommended[organisation] += 1
        return done

    def _review_window(self, campaign: Campaign, submitted: datetime) -> tuple[datetime, datetime]:
        """When the unit assigned an application and until when its judges worked on it."""
        rng = self.rng
        if campaign.year >= self.today.year:
            assigned = submitted + (self.now - submitted) * rng.uniform(0.05, 0.3)
            return assigned, self.now - timedelta(minutes=5)
        opens, closes = year_window(campaign.year, PhaseKind.RECOMMENDATION)
        limit = closes - timedelta(days=10)
        assigned = max(submitted + timedelta(days=rng.randint(1, 7)), opens + timedelta(hours=9))
        return min(assigned, limit - timedelta(days=10)), limit

    def _sheet_statuses(self, state: str, count: int, *, finished: float = 0.45) -> list[str]:
        """All submitted once the unit has decided; while it is still reviewing, all
        submitted with probability ``finished``, else a mix."""
        rng = self.rng
        done, draft, todo = SheetStatus.SUBMITTED, SheetStatus.DRAFT, SheetStatus.ASSIGNED
        roll = rng.random()
        if state != S.SUBMITTED or roll < finished:
            return [done] * count
        if roll < 0.8:
            return [rng.choice((done, done, draft, todo)) for _ in range(count)]
        return [rng.choice((draft, todo, todo)) for _ in range(count)]

    def _points(self, max_points: Decimal, share: float) -> Decimal:
        share = min(1.0, max(0.3, share + self.rng.gauss(0, 0.05)))
        return (max_points * Decimal(f"{share:.3f}")).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def _sheet_texts(self, application: Application, share: float) -> tuple[str, str, str]:
        """符合标准程度 / 特色 / 不足之处 of one judge, in keeping with their points."""
        rng = self.rng
        plan = self.plans.get(application.organisation_id)
        domain = plan.domain if plan is not None else D_MANUFACTURING
        band = "high" if share >= 0.85 else "mid" if share >= 0.72 else "low"
        values = {
            "strength": rng.choice(STRENGTHS),
            "weak": rng.choice(STRENGTHS),
            "feature": rng.choice(FEATURES),
            "topic": rng.choice(TOPICS[domain]),
            "motto": rng.choice(MOTTOS),
        }
        conformity = rng.choice(CONFORMITY_TEXTS[band]).format(**values)
        features = "".join(t.format(**values) for t in rng.sample(FEATURE_TEXTS, rng.randint(1, 2)))
        shortcomings = "".join(rng.sample(SHORTCOMING_TEXTS, 1 if band == "high" else 2))
        return conformity, features, shortcomings

    def _opinion(self, application: Application) -> str:
        plan = self.plans.get(application.organisation_id)
        domain = plan.domain if plan is not None else D_MANUFACTURING
        return self.rng.choice(OPINIONS).format(
            strength=self.rng.choice(STRENGTHS),
            feature=self.rng.choice(FEATURES),
            topic=self.rng.choice(TOPICS[domain]),
        )

    def review(
        self,
        campaign: Campaign,
        applications: Sequence[Application],
        *,
        panels: dict[int, Panel],
        done_units: set[int],
        featured: Judge | None = None,
        showcase: str | None = None,
    ) -> None:
        """The units' review of one campaign's ``applications``: for each one in a reviewed
        state, score sheets (stage unit) of 3–5 judges of its unit's panel (never a judge
        of the applying organisation), scored per criterion of the campaign's unit rubric,
        totals as ``sheet_save`` computes them; all submitted once the unit has decided,
        a mix while it reviews. Then each unit's 附件5 report (see :meth:`_reports`).

        ``featured`` is the judge whose sheets in the ``showcase`` unit this year follow
        :data:`FEATURED_SHEETS` (and who gets no others); the showcase unit keeps its
        report in progress with a few recommendations chosen."""
        rng = self.rng
        rubric = rubric_for(campaign=campaign, stage=Stage.UNIT)
        criteria = list(rubric.criteria.all())
        engine = engine_criteria(rubric)
        current = campaign.year >= self.today.year
        reviewed = sorted(
            (a for a in applications if a.state in REVIEWED_STATES), key=lambda a: a.number
        )
        showcase_pk = self.units[showcase].pk if showcase in self.units else None
        designated: dict[int, str] = {}
        if featured is not None and current and showcase_pk is not None:
            pool = [
                a
                for a in reviewed
                if a.recommending_unit_id == showcase_pk
                and a.state == S.SUBMITTED
                and a.organisation_id != featured.employer_organisation_id
            ]
            # Every other one, so that the unit also has fully scored ones without them.
            designated = {
                a.pk: status for a, status in zip(pool[::2], FEATURED_SHEETS, strict=False)
            }
        showcased = 0  # the showcase unit's first few others are fully scored
        sheets: list[ScoreSheet] = []
        points: list[dict[int, Decimal]] = []
        for app in reviewed:
            panel = panels[app.recommending_unit_id]
            eligible = [
                j
                for j in panel.judges
                if j.user_id is not None
                and j.employer_organisation_id != app.organisation_id
                and j is not featured
            ]
            high = min(JUDGES_PER_APPLICATION[1], len(eligible))
            chosen = rng.sample(eligible, rng.randint(min(JUDGES_PER_APPLICATION[0], high), high))
            finished = 0.45
            if app.recommending_unit_id == showcase_pk and app.pk not in designated:
                finished = 1.0 if showcased < 5 else 0.55
                showcased += app.state == S.SUBMITTED
            statuses = self._sheet_statuses(app.state, len(chosen), finished=finished)
            if app.pk in designated and featured is not None:
                chosen = [featured, *chosen[: max(1, len(chosen) - 1)]]
                statuses = [designated[app.pk], *statuses[: len(chosen) - 1]]
            quality = rng.uniform(*QUALITY[app.state])
            assert app.submitted_at is not None
            assigned, until = self._review_window(campaign, app.submitted_at)
            for judge, status in zip(chosen, statuses, strict=True):
                if judge.pk not in self._bias:
                    self._bias[judge.pk] = rng.uniform(-0.05, 0.05)
                share = quality + self._bias[judge.pk]
                if status == SheetStatus.SUBMITTED:
                    scored = criteria
                elif status == SheetStatus.DRAFT:
                    scored = rng.sample(criteria, rng.randint(1, len(criteria) - 1))
                else:
                    scored = []
                values = {c.pk: self._points(c.max_points, share) for c in scored}
                texts = self._sheet_texts(app, share) if scored else ("", "", "")
                worked = assigned + (until - assigned) * rng.uniform(0.1, 0.9)
                sheet = ScoreSheet(
                    application=app,
                    judge=judge,
                    stage=Stage.UNIT,
                    status=status,
                    assigned_at=assigned,
                    assigned_by=panel.admin,
                    updated_at=worked if scored else assigned,
                )
                if status == SheetStatus.SUBMITTED:
                    sheet.conformity, sheet.features, sheet.shortcomings = texts
                    # As scoring.services.sheet_save computes it.
                    sheet.total = aggregation.weighted_total(
                        {str(k): v for k, v in values.items()}, engine
                    )
                    sheet.submitted_at = worked
                elif status == SheetStatus.DRAFT:
                    sheet.conformity = texts[0]  # still writing the rest
                sheets.append(sheet)
                points.append(values)
        bulk_create_dated(ScoreSheet, sheets, keep=self.backdate)
        CriterionScore.objects.bulk_create(
            [
                CriterionScore(sheet=sheet, criterion_id=criterion_id, points=value)
                for sheet, values in zip(sheets, points, strict=True)
                for criterion_id, value in values.items()
            ],
            batch_size=2000,
        )
        self._reports(
            campaign,
            reviewed,
            sheets,
            panels=panels,
            done_units=done_units,
            showcase_pk=showcase_pk,
            normalise=rubric.normalise_judges,
        )

    def _report_file(self, campaign: Campaign, unit_pk: int) -> str:
        if self._report_pdf is None:
            self._report_pdf = stamped_sample_pdf(
                "质量信得过班组建设经验推荐表（附件5）",
                "演示数据：推荐单位盖章推荐表扫描件样例，非真实文件。",
            )
        return default_storage.save(
            f"{UNIT_REPORT_DIR}/{campaign.year}-{unit_pk}.pdf", ContentFile(self._report_pdf)
        )

    def _reports(
        self,
        campaign: Campaign,
        applications: Sequence[Application],
        sheets: Sequence[ScoreSheet],
        *,
        panels: dict[int, Panel],
        done_units: set[int],
        showcase_pk: int | None,
        normalise: bool,
    ) -> None:
        """Each unit's 附件5: units that decided have submitted it (signed, declared,
        stamped) with their recommended applications in the order of the ranking; the
        showcase unit has a draft with a few of its best fully scored applications chosen;
        other units still reviewing have a draft (sometimes with a choice or two) or none
        yet. Recommendations respect the per-organisation quota."""
        rng = self.rng
        quota = campaign.default_recommend_quota
        by_unit: dict[int, list[Application]] = defaultdict(list)
        for app in applications:
            by_unit[app.recommending_unit_id].append(app)
        by_application: dict[int, list[ScoreSheet]] = defaultdict(list)
        for sheet in sheets:
            by_application[sheet.application.pk].append(sheet)
        reports: list[UnitRecommendationReport] = []
        chosen_by_report: list[list[Application]] = []
        spans: list[tuple[datetime, datetime]] = []  # when each unit's choices were made
        for unit_pk, apps in sorted(by_unit.items()):
            panel = panels[unit_pk]
            of_unit = {a.pk: a for a in apps}
            ranked = aggregation.evaluate(
                [
                    aggregation.JudgeScore(s.judge.pk, a.pk, s.total)
                    for a in apps
                    for s in by_application[a.pk]
                    if s.total is not None
                ],
                groups={a.pk: "unit" for a in apps},
                normalise_judges=normalise,
                tiebreaks={a.pk: (a.number,) for a in apps},
            )
            order = [of_unit[r.application_id] for r in ranked]  # best first
            worked = [s.submitted_at for a in apps for s in by_application[a.pk] if s.submitted_at]
            last = max(worked, default=self.now - timedelta(days=1))
            report = UnitRecommendationReport(unit=panel.unit, campaign=campaign)
            if unit_pk in done_units:
                chosen = [a for a in order if a.state in RECOMMENDED_STATES]
                if campaign.year >= self.today.year:
                    at = last + (self.now - last) * rng.uniform(0.2, 0.8)
                else:
                    closes = year_window(campaign.year, PhaseKind.RECOMMENDATION)[1]
                    at = closes - timedelta(days=rng.randint(1, 5), hours=rng.randint(6, 12))
                report.status = ReportStatus.SUBMITTED
                report.filler_name = panel.admin.name
                report.filler_phone = f"021-{rng.randint(5000_0000, 6999_9999)}"
                report.fill_date = timezone.localtime(at).date()
                report.no_fee_declared = report.declaration_accepted = True
                report.version = rng.randint(2, 6)
                report.submitted_at = at
                report.submitted_by = panel.admin
                if self.with_files:
                    report.stamped_scan.name = self._report_file(campaign, unit_pk)
                    report.stamped_scan_name = f"{panel.unit.name}-盖章推荐表.pdf"
            else:
                complete = [
                    a
                    for a in order
                    if a.state == S.SUBMITTED
                    and len(by_application[a.pk]) >= max(campaign.min_unit_judge_sheets, 1)
                    and all(s.status == SheetStatus.SUBMITTED for s in by_application[a.pk])
                ]
                if unit_pk == showcase_pk:  # a few chosen, others left to choose
                    wanted = max(1, min(rng.randint(3, 4), len(complete) - 2)) if complete else 0
                    report.filler_name = panel.admin.name
                    report.filler_phone = f"021-{rng.randint(5000_0000, 6999_9999)}"
                elif rng.random() < 0.5:
                    wanted = rng.randint(0, min(2, len(complete) // 2))
                else:
                    continue  # no report yet
                taken: Counter[int] = Counter()
                chosen = []
                for a in complete:
                    if len(chosen) < wanted and taken[a.organisation_id] < quota:
                        taken[a.organisation_id] += 1
                        chosen.append(a)
                report.version = 1 + len(chosen)
                at = self.now
            reports.append(report)
            chosen_by_report.append(chosen)
            spans.append((min(last, at), max(last, at)))
        UnitRecommendationReport.objects.bulk_create(reports)
        recommendations = []
        for report, chosen, (start, end) in zip(reports, chosen_by_report, spans, strict=True):
            admin = panels[report.unit_id].admin
            for position, app in enumerate(chosen, start=1):
                recommendations.append(
                    Recommendation(
                        report=report,
                        application=app,
                        opinion=self._opinion(app),
                        position=position,
                        created_by=admin,
                        created_at=start + (end - start) * rng.uniform(0.1, 0.9),
                    )
                )
        bulk_create_dated(Recommendation, recommendations, keep=self.backdate)
        if showcase_pk is not None and showcase_pk in by_unit:
            recommended = {r.application.pk for r in recommendations}
            visits = [
                a
                for a in by_unit[showcase_pk]
                if a.state == S.SUBMITTED and a.pk not in recommended
            ][:2]
            UnitNote.objects.bulk_create(
                [
                    UnitNote(
                        application=app,
                        on_site_review=True,
                        on_site_date=self.today + timedelta(days=3 + 4 * i),
                        on_site_notes=ON_SITE_NOTES[i % len(ON_SITE_NOTES)],
                    )
                    for i, app in enumerate(visits)
                ]
            )

    # --- people -------------------------------------------------------------------------

    def user(self, login: Login, *, usable: bool = True, **extra: Any) -> User:
        """A verified demo user. The password is hashed once (argon2 is slow on purpose)
        and the hash shared by the demo accounts, which all have the same password."""
        user = User(email=login.email, name=login.name, email_verified=True, **extra)
        if not usable:
            user.set_unusable_password()
        else:
            if self._password_hash is None:
                self._password_hash = make_password(DEMO_PASSWORD)
            user.password = self._password_hash
        user.save()
        self.created.user_ids.append(user.pk)
        return user


# --- the command ------------------------------------------------------------------------


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(rows: Iterable[Sequence[object]]) -> str:
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(display_width(r[i]) for r in cells) for i in range(len(cells[0]))]
    return "\n".join(
        "  ".join(
            c + " " * (w - display_width(c)) for c, w in zip(row, widths, strict=True)
        ).rstrip()
        for row in cells
    )


def latest_marker() -> AuditEntry | None:
    return (
        AuditEntry.objects.filter(action__in=[MARKER_SEED, MARKER_RESET])
        .order_by("-at", "-id")
        .first()
    )


def delete_with_dependents(queryset: QuerySet[Any], depth: int = 0) -> int:
    """Delete the rows and, first, whatever protects them from deletion (a recommendation
    of a demo application, a judge profile of a demo user, …): it was made in the demo.
    Returns how many rows of the queryset's own model were deleted."""
    model = queryset.model
    for _attempt in range(20):
        try:
            with transaction.atomic():  # a savepoint, so that a refused delete can be retried
                return queryset.delete()[1].get(model._meta.label, 0)
        except (ProtectedError, RestrictedError) as exc:
            if depth >= 8:
                raise CommandError(f"演示数据仍被其他数据引用，无法清除：{exc.args[0]}") from exc
            blockers = (
                exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
            )
            by_model: dict[type[models.Model], list[Any]] = defaultdict(list)
            for obj in blockers:
                by_model[type(obj)].append(obj.pk)
            for blocker_model, pks in by_model.items():
                delete_with_dependents(blocker_model._default_manager.filter(pk__in=pks), depth + 1)
    raise CommandError(f"无法清除 {model._meta.label} 的演示数据。")


def demo_reset(marker: AuditEntry) -> dict[str, int]:
    """Delete what the run recorded in ``marker`` (and what hangs off it)."""
    ids: dict[str, list[int]] = marker.changes
    campaigns = ids.get("campaign_ids", [])
    organisations = ids.get("organisation_ids", [])
    units = ids.get("unit_ids", [])
    applications = Application.objects.filter(
        Q(campaign_id__in=campaigns)
        | Q(organisation_id__in=organisations)
        | Q(recommending_unit_id__in=units)
    )
    files = [
        n for n in applications.exclude(stamped_form="").values_list("stamped_form", flat=True)
    ]
    files += list(
        Attachment.objects.filter(application__in=applications).values_list("file", flat=True)
    )
    reports = UnitRecommendationReport.objects.filter(
        Q(campaign_id__in=campaigns) | Q(unit_id__in=units)
    )
    files += list(reports.exclude(stamped_scan="").values_list("stamped_scan", flat=True))
    counts = {
        # Recommendations go with the reports; score sheets with the applications.
        "reports": delete_with_dependents(reports),
        "applications": delete_with_dependents(applications),
        "registrations": delete_with_dependents(
            Registration.objects.filter(
                Q(campaign_id__in=campaigns) | Q(organisation_id__in=organisations)
            )
        ),
        "organisations": delete_with_dependents(Organisation.objects.filter(pk__in=organisations)),
        "campaigns": delete_with_dependents(Campaign.objects.filter(pk__in=campaigns)),
        "judges": delete_with_dependents(Judge.objects.filter(pk__in=ids.get("judge_ids", []))),
        "units": delete_with_dependents(RecommendingUnit.objects.filter(pk__in=units)),
        "guiding_units": delete_with_dependents(
            GuidingUnit.objects.filter(pk__in=ids.get("guiding_unit_ids", []))
        ),
        "users": delete_with_dependents(User.objects.filter(pk__in=ids.get("user_ids", []))),
    }
    YearSequence.objects.filter(year__in=ids.get("years", [])).delete()

    def remove_files() -> None:
        for name in files:
            if name and default_storage.exists(name):
                default_storage.delete(name)

    transaction.on_commit(remove_files)
    AuditEntry.objects.create(
        action=MARKER_RESET,
        actor_repr="system",
        object_type="core.demo",
        object_id=str(marker.pk),
        object_repr="演示数据",
        changes=counts,
    )
    return counts


@dataclass
class DemoContext:
    """What an area's ``demo.seed(ctx)`` gets (see xinban.core.areas): the builder (its
    ``rng``, ``units`` by name, ``created`` ids), the current year and the three campaign
    years (``year - 2``, ``year - 1`` published; ``year`` open now). Area data must hang
    off these campaigns, their applications or the demo users, so that ``--reset`` (which
    deletes those with their dependents) removes it too."""

    builder: DemoBuilder
    year: int
    campaigns: dict[int, Campaign]

    def user(self, email: str) -> User:
        """A demo login by e-mail (see LOGINS), e.g. ``ctx.user("staff@demo.saq")``."""
        return User.objects.get(email=email)


class Command(BaseCommand):
    help = "载入演示数据（本年度各阶段均开放，另有两个已发布的往年）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="先清除上次载入的演示数据")
        parser.add_argument("--organisations", type=int, default=200, help="申报单位数（默认 200）")
        parser.add_argument(
            "--applications", type=int, default=None, help="本年度申报数（默认 单位数×2）"
        )
        parser.add_argument(
            "--past-applications",
            type=int,
            default=None,
            help="每个往年的申报数（默认 单位数×3/4）",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机数种子")
        parser.add_argument(
            "--no-files", action="store_true", help="不写盖章申报表样例文件（更快）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        organisations = max(2, options["organisations"])
        current_target = options["applications"]
        if current_target is None:
            current_target = organisations * 2
        past_target = options["past_applications"]
        if past_target is None:
            past_target = organisations * 3 // 4
        with transaction.atomic():
            marker = latest_marker()
            if marker is not None and marker.action == MARKER_SEED:
                if not options["reset"]:
                    self.stdout.write(
                        f"演示数据已于 {timezone.localtime(marker.at):%Y-%m-%d %H:%M} 载入，"
                        "本次未做任何修改。需要重新生成请使用 --reset。"
                    )
                    return
                counts = demo_reset(marker)
                self.stdout.write(
                    "已清除上次的演示数据：" + "，".join(f"{k} {v}" for k, v in counts.items())
                )
            year = timezone.localdate().year
            self._refuse_conflicts(year)
            builder = DemoBuilder(
                rng=random.Random(options["seed"]), with_files=not options["no_files"]
            )
            campaigns = self._build(builder, year, organisations, current_target, past_target)
            context = DemoContext(builder=builder, year=year, campaigns=campaigns)
            for area in area_modules("demo"):
                area.seed(context)
            AuditEntry.objects.create(
                action=MARKER_SEED,
                actor_repr="system",
                object_type="core.demo",
                object_id=str(year),
                object_repr="演示数据",
                changes=builder.created.as_json(),
            )
        self._summary(builder, time.monotonic() - started)

    def _refuse_conflicts(self, year: int) -> None:
        years = [year, year - 1, year - 2]
        taken = list(Campaign.objects.filter(year__in=years).values_list("year", flat=True))
        if taken:
            raise CommandError(
                f"数据库中已有 {sorted(taken)} 年度的活动（不是演示数据），演示数据未载入。"
                "演示数据需要一个空数据库。"
            )
        emails = [login.email for login in LOGINS]
        users = list(User.objects.filter(email__in=emails).values_list("email", flat=True))
        if users:
            raise CommandError(f"演示账号已存在：{', '.join(users)}；演示数据未载入。")

    def _build(
        self, builder: DemoBuilder, year: int, organisations: int, current: int, past: int
    ) -> dict[int, Campaign]:
        rng = builder.rng
        builder.ensure_units()
        guiding = builder.ensure_guiding_units()
        campaigns = {
            year - 2: builder.campaign(year - 2, open_now=False),
            year - 1: builder.campaign(year - 1, open_now=False),
            year: builder.campaign(year, open_now=True),
        }

        # People.
        users = {login.email: login for login in LOGINS}
        staff = builder.user(
            users["staff@demo.saq"], is_association_staff=True, is_staff=True, is_superuser=True
        )
        applicant_a = builder.user(users["applicant-a@demo.saq"], mobile="13916880001")
        applicant_b = builder.user(users["applicant-b@demo.saq"], mobile="13816880002")
        unit_x = builder.user(users["unit-x@demo.saq"])
        unit_y = builder.user(users["unit-y@demo.saq"])
        judge = builder.user(users["judge@demo.saq"], mobile="13761880006")
        builder.user(users["expert@demo.saq"])
        guide = builder.user(users["guide@demo.saq"])
        del staff
        # The judge is on 浦东新区's panel (below), not a member of the unit: a judge sees
        # only the applications assigned to them.
        UnitMembership.objects.bulk_create(
            [
                UnitMembership(unit=builder.units["浦东新区"], user=unit_x, role=UnitRole.ADMIN),
                UnitMembership(unit=builder.units["黄浦区"], user=unit_y, role=UnitRole.ADMIN),
            ]
        )
        guiding[0].members.add(guide)

        # Organisations: A and B first, then the generated ones.
        plan_a = OrgPlan(
            name="上海浦江智能装备股份有限公司",
            short_name="浦江智能装备",
            slug="pujiang-zhineng",
            district=DISTRICT_BY_NAME["浦东新区"],
            domain=D_MANUFACTURING,
            nature="民营",
            industries=("高端装备", "人工智能"),
            unit="浦东新区",
            is_member=True,
            is_high_tech=True,
            department="质量管理部",
            promoter_name=applicant_a.name,
            promoter_email=applicant_a.email,
            promoter_mobile=applicant_a.mobile,
            promoter_position="质量管理部 经理",
            address="上海市浦东新区张江路1188号",
            postcode="201203",
        )
        plan_b = OrgPlan(
            name="上海外滩数字信息服务有限公司",
            short_name="外滩数字",
            slug="waitan-shuzi",
            district=DISTRICT_BY_NAME["黄浦区"],
            domain=D_MARKET,
            nature="国有",
            industries=("创新数字赋能信息服务", "金融"),
            unit="黄浦区",
            is_member=False,
            department="运营管理部",
            promoter_name=applicant_b.name,
            promoter_email=applicant_b.email,
            promoter_mobile=applicant_b.mobile,
            promoter_position="运营管理部 主管",
            address="上海市黄浦区河南南路288号",
            postcode="200002",
        )
        builder.used_names |= {plan_a.name, plan_b.name}
        plans = [plan_a, plan_b] + [builder.plan_organisation() for _ in range(organisations - 2)]
        orgs = builder.create_organisations(plans)
        org_a, org_b = orgs[0], orgs[1]
        OrganisationMembership.objects.bulk_create(
            [
                OrganisationMembership(organisation=org_a, user=applicant_a),
                OrganisationMembership(organisation=org_b, user=applicant_b),
            ]
        )

        # Registrations: past years for most, the current year for all.
        others = orgs[2:]
        registered: dict[int, list[Organisation]] = {}
        seen: set[int] = set()
        for y in (year - 2, year - 1):
            chosen = [o for o in others if rng.random() < 0.65]
            registered[y] = [org_a, *([org_b] if y == year - 1 else []), *chosen]
        registered[year] = list(orgs)
        regs: dict[int, list[Registration]] = {}
        for y in (year - 2, year - 1, year):
            regs[y] = builder.register(campaigns[y], registered[y], continuing=set(seen))
            seen |= {o.pk for o in registered[y]}

        # Fixed applications of A and B (their users created them).
        types = {t.name: t for t in builder.team_types}

        def fixed(
            reg: Registration, actor: User, unit: str, rows: list[tuple[str, str, str]]
        ) -> list[AppPlan]:
            result = []
            for type_name, team_name, state in rows:
                created, submitted = builder._times(reg.campaign, state)
                result.append(
                    AppPlan(
                        registration=reg,
                        unit=builder.units[unit],
                        team_type=types[type_name],
                        team_name=team_name,
                        state=state,
                        created_at=created,
                        submitted_at=submitted,
                        actor=actor,
                    )
                )
            return result

        def reg_of(y: int, organisation: Organisation) -> Registration:
            return next(r for r in regs[y] if r.organisation_id == organisation.pk)

        fixed_plans: dict[int, dict[int, list[AppPlan]]] = {
            year: {
                org_a.pk: fixed(
                    reg_of(year, org_a),
                    applicant_a,
                    "浦东新区",
                    [
                        ("技术研发型", "智能产线工艺技术室", S.DRAFT),
                        ("生产操作型", "总装一班", S.SUBMITTED),
                        ("管理型", "质量管理室", S.RETURNED),
                    ],
                ),
                org_b.pk: fixed(
                    reg_of(year, org_b),
                    applicant_b,
                    "黄浦区",
                    [
                        ("服务型", "客户服务热线班", S.DRAFT),
                        ("技术研发型", "软件测试组", S.SUBMITTED),
                    ],
                ),
            },
            year - 1: {
                org_a.pk: fixed(
                    reg_of(year - 1, org_a),
                    applicant_a,
                    "浦东新区",
                    [
                        ("生产操作型", "精密装配组", S.SELECTED),
                        ("技术研发型", "新产品研发组", S.TYPICAL),
                    ],
                ),
                org_b.pk: fixed(
                    reg_of(year - 1, org_b),
                    applicant_b,
                    "黄浦区",
                    [
                        ("服务型", "营业厅服务班", S.SELECTED),
                    ],
                ),
            },
            year - 2: {
                org_a.pk: fixed(
                    reg_of(year - 2, org_a),
                    applicant_a,
                    "浦东新区",
                    [
                        ("管理型", "计划调度室", S.NOT_SELECTED),
                    ],
                ),
            },
        }
        applications: dict[int, list[Application]] = {}
        decided_units: dict[int, set[int]] = {}
        for y in (year - 2, year - 1, year):
            fixed_here = fixed_plans[y]
            generated = builder.plan_applications(
                campaigns[y],
                [r for r in regs[y] if r.organisation_id not in fixed_here],
                target=max(
                    0, (current if y == year else past) - sum(map(len, fixed_here.values()))
                ),
                weights=CURRENT_STATE_WEIGHTS if y == year else PAST_STATE_WEIGHTS,
            )
            year_plans = [p for ps in fixed_here.values() for p in ps] + generated
            decided_units[y] = builder.settle_unit_states(
                campaigns[y], year_plans, still_open=OPEN_UNITS if y == year else ()
            )
            applications[y] = builder.create_applications(year_plans)
        # Some organisations registered this year without applying (yet).
        applying = set(
            Application.objects.filter(campaign=campaigns[year]).values_list(
                "organisation_id", flat=True
            )
        )
        idle = [r.pk for r in regs[year] if r.organisation_id not in applying]
        Registration.objects.filter(pk__in=idle[: len(idle) // 2]).update(
            applies_with_experience=False
        )

        # The recommending units: admins, judge panels, score sheets, 附件5 reports.
        admins = builder.unit_admins({"浦东新区": unit_x, "黄浦区": unit_y})
        applicants: dict[int, list[Organisation]] = defaultdict(list)
        for app in applications[year]:
            if app.organisation not in applicants[app.recommending_unit_id]:
                applicants[app.recommending_unit_id].append(app.organisation)
        panels = builder.judge_panels(
            admins, applicants=applicants, featured=(judge, FEATURED_UNIT)
        )
        featured = panels[builder.units[FEATURED_UNIT].pk].judges[0]
        for y in (year - 2, year - 1, year):
            builder.review(
                campaigns[y],
                applications[y],
                panels=panels,
                done_units=decided_units[y],
                featured=featured,
                showcase=FEATURED_UNIT if y == year else None,
            )
        return campaigns

    def _summary(self, builder: DemoBuilder, seconds: float) -> None:
        campaign_ids = builder.created.campaign_ids
        sheets = ScoreSheet.objects.filter(application__campaign_id__in=campaign_ids)
        sheets_submitted = sheets.filter(status=SheetStatus.SUBMITTED).count()
        reports = Counter(
            UnitRecommendationReport.objects.filter(campaign_id__in=campaign_ids).values_list(
                "status", flat=True
            )
        )
        reports_submitted = reports[ReportStatus.SUBMITTED]
        reports_draft = reports[ReportStatus.DRAFT]
        rows: list[Sequence[object]] = [("年度", "报名表", "申报", "各状态")]
        for campaign in Campaign.objects.filter(pk__in=campaign_ids).order_by("-year"):
            states = Counter(
                Application.objects.filter(campaign=campaign).values_list("state", flat=True)
            )
            labels = dict(ApplicationState.choices)
            rows.append(
                (
                    campaign.year,
                    Registration.objects.filter(campaign=campaign).count(),
                    sum(states.values()),
                    "、".join(
                        f"{labels[s]} {n}" for s, n in sorted(states.items(), key=lambda x: -x[1])
                    ),
                )
            )
        self.stdout.write("")
        self.stdout.write(
            table(
                [
                    ("项目", "数量"),
                    ("活动年度", len(campaign_ids)),
                    ("阶段", Phase.objects.filter(campaign_id__in=campaign_ids).count()),
                    ("推荐单位", RecommendingUnit.objects.count()),
                    ("指导单位", GuidingUnit.objects.count()),
                    ("申报单位", len(builder.created.organisation_ids)),
                    (
                        "提交版本",
                        ApplicationRevision.objects.filter(
                            application__campaign_id__in=campaign_ids
                        ).count(),
                    ),
                    ("评委", len(builder.created.judge_ids)),
                    ("评分表（已提交 / 全部）", f"{sheets_submitted} / {sheets.count()}"),
                    ("推荐表（已报送 / 填写中）", f"{reports_submitted} / {reports_draft}"),
                    (
                        "推荐",
                        Recommendation.objects.filter(report__campaign_id__in=campaign_ids).count(),
                    ),
                    ("演示账号", len(LOGINS)),
                    (
                        "其他账号（推荐单位管理员、评委；无密码）",
                        len(builder.created.user_ids) - len(LOGINS),
                    ),
                ]
            )
        )
        self.stdout.write("")
        self.stdout.write(table(rows))
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        self.stdout.write(
            table([("账号", "姓名", "角色"), *((x.email, x.name, x.role) for x in LOGINS)])
        )
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"演示数据已载入，用时 {seconds:.1f} 秒。"))
