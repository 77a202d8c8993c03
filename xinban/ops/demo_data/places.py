"""The demo's places: the seed, the calendar, the districts, the kinds of organisation and
the industry bodies (docs/architecture.md, "Extension points")."""

from __future__ import annotations

from dataclasses import dataclass

from xinban.applications.models import (
    ApplicationState,
)
from xinban.campaigns import seed as taxonomy

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
