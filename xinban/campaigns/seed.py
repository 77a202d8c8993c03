"""The notice's taxonomies (docs/architecture.md, "The campaign year and its data"), used by the
data migration and by tests."""

NATURES = [
    # name, name_en, is_other, is_foreign_invested, is_private
    ("国有", "State-owned", False, False, False),
    ("民营", "Private", False, False, True),
    ("外资", "Foreign-invested", False, True, False),
    ("合资", "Joint venture", False, False, False),
    ("事业单位", "Public institution", False, False, False),
    ("其他", "Other", True, False, False),
]

INDUSTRIES = [
    # group, group_en, name, name_en
    ("先导产业", "Leading industries", "集成电路", "Integrated circuits"),
    ("先导产业", "Leading industries", "生物医药", "Biomedicine"),
    ("先导产业", "Leading industries", "人工智能", "Artificial intelligence"),
    ("重点产业", "Key industries", "电子信息", "Electronic information"),
    ("重点产业", "Key industries", "生命健康", "Life and health"),
    ("重点产业", "Key industries", "汽车", "Automotive"),
    ("重点产业", "Key industries", "高端装备", "High-end equipment"),
    ("重点产业", "Key industries", "先进材料", "Advanced materials"),
    ("重点产业", "Key industries", "时尚消费品", "Fashion consumer goods"),
    ("现代服务业", "Modern services", "金融", "Finance"),
    ("现代服务业", "Modern services", "贸易", "Trade"),
    ("现代服务业", "Modern services", "航运", "Shipping"),
    ("现代服务业", "Modern services", "科技创新服务", "Sci-tech innovation services"),
    ("现代服务业", "Modern services", "创新数字赋能信息服务", "Digital information services"),
    ("现代服务业", "Modern services", "现代设计", "Modern design"),
    ("现代服务业", "Modern services", "健康养老服务", "Health and elderly care"),
    ("现代服务业", "Modern services", "文化旅游", "Culture and tourism"),
    ("现代服务业", "Modern services", "教育", "Education"),
    ("现代服务业", "Modern services", "标准、计量、检测", "Standards, metrology, testing"),
    ("现代服务业", "Modern services", "社区服务", "Community services"),
    ("其他", "Other", "其他", "Other"),
]

DOMAINS = [
    ("制造", "Manufacturing"),
    ("市场服务", "Market services"),
    ("非营利性服务", "Non-profit services"),
    ("建设工程", "Construction"),
    ("“专精特新”中小企业", "Specialised and innovative SMEs"),
]

TEAM_TYPES = [
    ("生产操作型", "Production / operation"),
    ("服务型", "Service"),
    ("管理型", "Management"),
    ("技术研发型", "Technology / R&D"),
    ("其他", "Other"),
]

TEAM_NAME_ENDINGS = [
    ("班", "班 (shift team)"),
    ("组", "组 (group)"),
    ("工段", "工段 (section)"),
    ("室", "室 (office)"),
    ("站", "站 (station)"),
    ("队", "队 (crew)"),
    ("所", "所 (unit)"),
    ("科", "科 (section office)"),
    ("中心", "中心 (centre)"),
]

GUIDING_UNITS = [
    "上海市市场监督管理局（上海市质量工作领导小组办公室）",
    "上海市总工会",
    "共青团上海市委员会",
    "上海市妇女联合会",
]

# The campaign year's nine phases (notice 三, 活动安排) in the notice's order: the months and
# days of the notice (end day 0 = the month's last day) and who is responsible. Staff open a
# year from this template (`manage.py open_year`, docs/deploy.md "第一天 / First day") and
# edit the windows afterwards in the admin.
PHASE_TEMPLATE = [
    # kind, (start month, start day), (end month, end day or 0), responsible
    ("registration", (2, 1), (5, 0), "各自愿申报单位"),
    ("briefing", (2, 22), (2, 0), "上海市质协"),  # 2月底
    ("training", (1, 1), (12, 0), "上海市质协/相关专业机构"),
    ("application", (2, 1), (5, 0), "各自愿申报单位"),
    ("recommendation", (4, 1), (6, 0), "各推荐单位"),
    ("evaluation", (7, 1), (8, 0), "上海市质协"),
    ("publication", (8, 1), (8, 0), "上海市质协"),
    ("exchange", (9, 1), (9, 0), "上海市质协"),
    ("promotion", (10, 1), (12, 0), "上海市质协"),
]

# The special recommending unit and its eligibility rule (docs/rules.md, rule 13): the
# notice admits 外商企业 and 民营企业 that are “专精特新” or high-tech. Loaded once by the data
# migration organisations 0003; staff edit the rule on the unit afterwards.
SPECIAL_UNIT = "其他-市质协会员与质量推进部"
SPECIAL_UNIT_NATURES = ["外资"]
