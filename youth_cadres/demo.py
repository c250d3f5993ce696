"""Demo young cadres for the demo county (崇阳县), built through the real workflow.

Units: the county's party and government departments (县直单位), its public
institutions and state enterprises (the three teams 机关/事业/企业), and each
township's party committee and government (党委/政府). Every unit gets its
leadership posts with approved headcounts; most posts are held (some vacancies,
some holders near the age ceiling or term limit). A few hundred cadres with
plausible ages, levels and dates; a bank of about 120 across the four cohorts,
recommended, inspected and admitted by county staff (a few still in inspection,
some appointed from the bank across the three teams, a few transferred out),
with training plans and records from both lines, study records, conduct notes,
work logs written by the unit contacts, performance checks, supervision
opinions, integrity checks, rewards and assessments, and career plans (some
reviews overdue). Persons are fictional; ID numbers are valid by construction
and belong to nobody.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cadre_portal import idcard
from cadre_portal.models import Region, Role, Unit, User
from youth_cadres import cohorts, services, workflow
from youth_cadres.models import (
    DIMENSIONS,
    AnnualAssessment,
    AppointmentRound,
    BankEntry,
    BankTransition,
    Cadre,
    CareerMilestone,
    CareerPlan,
    CareerReview,
    ConductNote,
    FamilyMember,
    IntegrityCheck,
    Line,
    PerformanceCheck,
    Post,
    ResumeEntry,
    RewardPunishment,
    StudyRecord,
    SupervisionOpinion,
    TrainingPlan,
    TrainingPlanItem,
    TrainingRecord,
    WorkLogEntry,
)

COUNTY_NAME = "崇阳县"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董程曹袁邓许沈曾彭吕苏卢蒋蔡丁魏叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔毛邱江史顾侯邵孟龙万段雷钱汤黎易常乔贺龚"
GIVEN_M = ["伟", "强", "军", "磊", "洋", "勇", "杰", "涛", "超", "明", "浩", "鹏", "俊", "斌", "宇", "志远", "建华", "海波", "晓东",
           "文斌", "国栋", "振华", "子豪", "思源", "永胜", "德明", "俊杰", "宏伟", "卫国", "建军", "亚军", "红兵", "立新", "少华", "一鸣", "博文"]
GIVEN_F = ["芳", "娜", "敏", "静", "丽", "燕", "霞", "婷", "玲", "琳", "雪", "慧", "颖", "倩", "晓燕", "春梅", "丽娟", "海燕", "雨欣",
           "思琪", "佳怡", "梦瑶", "文静", "秀英", "欣怡", "小红", "艳", "丹"]
BIRTH_REGIONS = ["421223"] * 8 + ["421202", "421281", "421221", "421222", "421224", "420106", "420111", "421002"]
NATIVE = {"421223": "湖北崇阳", "421202": "湖北咸宁", "421281": "湖北赤壁", "421221": "湖北嘉鱼", "421222": "湖北通城",
          "421224": "湖北通山", "420106": "湖北武汉", "420111": "湖北武汉", "421002": "湖北荆州"}
SCHOOLS = [
    ("华中师范大学", "汉语言文学专业"), ("武汉大学", "行政管理专业"), ("华中科技大学", "土木工程专业"), ("中南财经政法大学", "法学专业"),
    ("湖北大学", "思想政治教育专业"), ("华中农业大学", "农学专业"), ("武汉理工大学", "交通运输专业"), ("湖北科技学院", "临床医学专业"),
    ("长江大学", "会计学专业"), ("中国地质大学（武汉）", "资源勘查工程专业"), ("湖北经济学院", "金融学专业"), ("三峡大学", "水利水电工程专业"),
]
ELITE_SCHOOLS = [("武汉大学", "经济学专业"), ("华中科技大学", "计算机科学与技术专业"), ("中山大学", "公共管理专业"), ("南开大学", "法学专业")]

# County units: name, kind, posts [(title, level, headcount)]
ORGAN_POSTS = [("局长", "141", 1), ("副局长", "142", 3)]
COUNTY_UNITS = [
    ("中共崇阳县委办公室", "party_gov", [("主任", "141", 1), ("副主任", "142", 3)]),
    ("崇阳县人民政府办公室", "party_gov", [("主任", "141", 1), ("副主任", "142", 4)]),
    ("中共崇阳县纪律检查委员会", "party_gov", [("副书记", "141", 2), ("常委", "142", 3)]),
    ("中共崇阳县委组织部", "party_gov", [("常务副部长", "141", 1), ("副部长", "142", 3)]),
    ("中共崇阳县委宣传部", "party_gov", [("常务副部长", "141", 1), ("副部长", "142", 2)]),
    ("中共崇阳县委统战部", "party_gov", [("常务副部长", "141", 1), ("副部长", "142", 2)]),
    ("中共崇阳县委政法委员会", "party_gov", [("常务副书记", "141", 1), ("副书记", "142", 2)]),
    ("崇阳县发展和改革局", "party_gov", ORGAN_POSTS),
    ("崇阳县教育局", "party_gov", ORGAN_POSTS),
    ("崇阳县经济和信息化局", "party_gov", ORGAN_POSTS),
    ("崇阳县公安局", "party_gov", [("政委", "141", 1), ("副局长", "142", 4)]),
    ("崇阳县民政局", "party_gov", ORGAN_POSTS),
    ("崇阳县财政局", "party_gov", ORGAN_POSTS),
    ("崇阳县人力资源和社会保障局", "party_gov", ORGAN_POSTS),
    ("崇阳县自然资源和规划局", "party_gov", ORGAN_POSTS),
    ("崇阳县住房和城乡建设局", "party_gov", ORGAN_POSTS),
    ("崇阳县交通运输局", "party_gov", ORGAN_POSTS),
    ("崇阳县水利和湖泊局", "party_gov", ORGAN_POSTS),
    ("崇阳县农业农村局", "party_gov", ORGAN_POSTS),
    ("崇阳县商务局", "party_gov", ORGAN_POSTS),
    ("崇阳县文化和旅游局", "party_gov", ORGAN_POSTS),
    ("崇阳县卫生健康局", "party_gov", ORGAN_POSTS),
    ("崇阳县退役军人事务局", "party_gov", [("局长", "141", 1), ("副局长", "142", 2)]),
    ("崇阳县应急管理局", "party_gov", [("局长", "141", 1), ("副局长", "142", 2)]),
    ("崇阳县审计局", "party_gov", [("局长", "141", 1), ("副局长", "142", 2)]),
    ("崇阳县市场监督管理局", "party_gov", ORGAN_POSTS),
    ("崇阳县林业局", "party_gov", [("局长", "141", 1), ("副局长", "142", 2)]),
    ("崇阳县医疗保障局", "party_gov", [("局长", "141", 1), ("副局长", "142", 2)]),
    ("崇阳县行政审批局", "party_gov", [("局长", "141", 1), ("副局长", "142", 2)]),
    ("中共崇阳县委党校", "institution", [("常务副校长", "141", 1), ("副校长", "142", 2)]),
    ("崇阳县融媒体中心", "institution", [("主任", "141", 1), ("副主任", "142", 2)]),
    ("崇阳县人民医院", "institution", [("院长", "141", 1), ("副院长", "142", 3)]),
    ("崇阳县中医医院", "institution", [("院长", "141", 1), ("副院长", "142", 2)]),
    ("崇阳县第一中学", "institution", [("校长", "141", 1), ("副校长", "142", 3)]),
    ("崇阳县提琴戏传承发展中心", "institution", [("主任", "142", 1)]),
    ("崇阳县城市建设投资有限公司", "soe", [("董事长", "141", 1), ("总经理", "141", 1), ("副总经理", "142", 2)]),
    ("崇阳县国有资产经营有限公司", "soe", [("董事长", "141", 1), ("副总经理", "142", 2)]),
    ("崇阳县交通投资有限公司", "soe", [("总经理", "141", 1), ("副总经理", "142", 2)]),
    ("崇阳县农业发展投资有限公司", "soe", [("总经理", "141", 1), ("副总经理", "142", 1)]),
]
PARTY_POSTS = [("党委书记", "141", 1), ("党委副书记", "142", 2), ("纪委书记", "142", 1), ("组织委员", "142", 1), ("宣传委员", "142", 1)]
GOV_POSTS = [("镇长", "141", 1), ("副镇长", "142", 3)]
STAFF_POSTS = ["综合办公室主任", "党建办干事", "经济发展办科员", "社会事务办科员", "政策法规股股长", "办公室副主任", "业务股科员"]

DEMO_CONTACT_UNITS = {"fagaiju": "崇阳县发展和改革局", "tczhengfu": "崇阳县天城镇人民政府"}

WORK_TOPICS = [
    ("牵头起草县域经济高质量发展三年行动方案", "方案经县政府常务会审议通过"),
    ("赴乡镇调研楠竹产业链发展情况", "形成调研报告1篇，提出建议5条"),
    ("组织召开项目建设推进会", "协调解决项目用地、用电问题3个"),
    ("参加“双招双引”外出招商活动", "对接企业4家，签约意向项目1个"),
    ("包保联系村开展矛盾纠纷排查", "化解信访积案1件"),
    ("督办重点项目建设进度", "按期完成季度投资任务"),
    ("开展安全生产隐患排查", "整改隐患12处"),
    ("参与防汛值班和巡查", "及时转移受威胁群众23人"),
    ("对接省直部门争取政策资金", "争取专项资金800万元"),
    ("组织开展政策宣讲进村入户", "覆盖群众300余人"),
    ("推进“一网通办”事项梳理", "新增可网办事项21项"),
    ("驻村开展乡村振兴工作", "帮助村集体茶叶合作社拓展销路"),
]


def _local(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


class _People:
    """Fictional persons with valid, unique ID numbers."""

    def __init__(self, rng: random.Random):
        self.rng, self.used = rng, set(Cadre.objects.values_list("id_number", flat=True))

    def identity(self, birth: date, female: bool) -> tuple[str, str, str]:
        rng = self.rng
        while True:
            region = rng.choice(BIRTH_REGIONS)
            seq = rng.randrange(0, 499) * 2 + (0 if female else 1)
            number = idcard.make(region, birth, seq)
            if number not in self.used:
                self.used.add(number)
                return number, NATIVE[region], region

    def name(self, female: bool) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + rng.choice(GIVEN_F if female else GIVEN_M)


def _units(county: Region) -> list[tuple[Unit, list]]:
    """The county's units (get_or_create, so the shell's own demo units are reused) and their posts."""
    result = []
    for order, (name, kind, posts) in enumerate(COUNTY_UNITS):
        unit, _ = Unit.objects.get_or_create(region=county, name=name, defaults={"kind": kind, "sort_order": 100 + order})
        result.append((unit, posts))
    townships = Region.objects.filter(parent=county, level=Region.Level.TOWNSHIP).order_by("path")
    for order, town in enumerate(townships):
        if town.kind == Region.Kind.OTHER:  # the industrial park
            party_name, gov_name = f"中共崇阳县{town.name.removeprefix('崇阳县')}工作委员会", f"{town.name}管理委员会"
            gov_posts = [("主任", "141", 1), ("副主任", "142", 2)]
            party_posts = [("党工委书记", "141", 1), ("党工委副书记", "142", 1)]
        else:
            party_name, gov_name = f"中共崇阳县{town.name}委员会", f"崇阳县{town.name}人民政府"
            head = "镇长" if town.name.endswith("镇") else "乡长"
            gov_posts = [(head, "141", 1), (f"副{head}", "142", 3)]
            party_posts = PARTY_POSTS
        party, _ = Unit.objects.get_or_create(region=town, name=party_name, defaults={"kind": Unit.Kind.PARTY_GOV, "sort_order": 300 + order * 2})
        gov, _ = Unit.objects.get_or_create(region=town, name=gov_name, defaults={"kind": Unit.Kind.PARTY_GOV, "sort_order": 301 + order * 2})
        result += [(party, party_posts), (gov, gov_posts)]
    return result


def _birth(rng, low_age: int, high_age: int, today: date) -> date:
    return today - timedelta(days=rng.randint(low_age * 365 + 20, high_age * 365 - 20))


def _make_cadre(rng, people, unit, *, post_title: str, level: str, birth: date, today: date, tags=(), elite=False,
                rank: str = "", recent: bool = False) -> Cadre:
    female = rng.random() < 0.3
    number, native, _region = people.identity(birth, female)
    age = today.year - birth.year
    start_age = 22 if not elite else 24
    work_start = date(birth.year + start_age + rng.choice([0, 0, 1]), rng.choice([7, 8, 9]), 1)
    school = rng.choice(ELITE_SCHOOLS if elite else SCHOOLS)
    fulltime = "21" if not elite or rng.random() < 0.5 else "11"
    degree = rng.choice(["302", "303", "308", "312"] if fulltime == "11" else ["401", "402", "403", "405", "407", "408", "409", "412"])
    years_at_level = rng.randint(1, 2) if recent else rng.randint(1, max(1, min(12, age - start_age - 4)))
    level_since = date(today.year - years_at_level, rng.choice([1, 3, 6, 9, 12]), 1)
    if level_since <= work_start:
        level_since = work_start + relativedelta(years=3)
    rank = rank or {"141": rng.choice(["07", "08"]), "142": rng.choice(["09", "10"]), "150": rng.choice(["11", "10"])}.get(level, "")
    cadre = Cadre(
        name=people.name(female), id_number=number, sex="2" if female else "1", birth_date=birth,
        unit=unit, current_post=f"{unit.name}{post_title}",
        post_level=level if level in ("141", "142") else ("" if rank in ("07", "08") else "150"),
        rank=rank, level_since=min(level_since, today), work_start=work_start,
        party_join=date(work_start.year + rng.choice([-2, -1, 1, 2, 3]), rng.choice([5, 6, 7, 10, 12]), 1) if rng.random() < 0.9 else None,
        political_status="01" if rng.random() < 0.9 else "13",
        ethnicity="01", native_place=native, birth_place=native, health="健康",
        education=fulltime, degree=degree,
        fulltime_education=fulltime, fulltime_degree=degree,
        fulltime_school=f"{school[0]}{school[1]}",
        inservice_education="11" if fulltime == "21" and rng.random() < 0.35 else "",
        inservice_degree="", inservice_school="湖北省委党校经济管理专业" if fulltime == "21" and rng.random() < 0.35 else "",
        specialty=rng.choice(["综合文字", "经济管理", "基层治理", "财政金融", "城乡规划", "农业技术", "项目管理", "法律事务", "医疗卫生管理", "教育管理"]),
        professional_title=rng.choice(["", "", "", "工程师", "经济师", "高级工程师", "主治医师", "一级教师"]),
        phone=f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}",
    )
    if cadre.inservice_school:
        cadre.inservice_education = "11"
        cadre.inservice_degree = "349"
    cadre.set_tags(tags)
    cadre.fill_derived_fields()
    return cadre


def _resume(rng, cadre: Cadre) -> list[ResumeEntry]:
    start = cadre.work_start
    school_start = date(start.year - 4, 9, 1)
    rows = [ResumeEntry(cadre=cadre, start=school_start, end=date(start.year, 7, 1), text=f"{cadre.fulltime_school}学习")]
    step = start
    posts = rng.sample(STAFF_POSTS, k=2)
    for i, title in enumerate(posts):
        end = step + relativedelta(years=rng.randint(2, 5))
        if end >= cadre.level_since:
            break
        rows.append(ResumeEntry(cadre=cadre, start=step, end=end, text=f"{cadre.unit.name}{title}"))
        step = end
    rows.append(ResumeEntry(cadre=cadre, start=max(step, cadre.level_since), end=None, text=cadre.current_post))
    return rows


def _family(rng, people, cadre: Cadre, today: date) -> list[FamilyMember]:
    spouse_f = cadre.sex == "1"
    members = [
        FamilyMember(cadre=cadre, relation="妻子" if spouse_f else "丈夫", name=people.name(spouse_f),
                     birth_date=cadre.birth_date + timedelta(days=rng.randint(-900, 900)), political_status=rng.choice(["01", "13"]),
                     work_unit_post=rng.choice(["崇阳县实验小学教师", "崇阳县人民医院护士", "崇阳县农商银行职员", "崇阳县税务局科员"]), sort_order=1),
        FamilyMember(cadre=cadre, relation="父亲", name=cadre.name[0] + rng.choice(GIVEN_M),
                     birth_date=cadre.birth_date - timedelta(days=rng.randint(24 * 365, 32 * 365)), political_status=rng.choice(["01", "13"]),
                     work_unit_post=rng.choice(["崇阳县天城镇农民", "已退休", "崇阳县供销社退休职工"]), sort_order=3),
        FamilyMember(cadre=cadre, relation="母亲", name=people.name(True),
                     birth_date=cadre.birth_date - timedelta(days=rng.randint(22 * 365, 30 * 365)), political_status="13",
                     work_unit_post=rng.choice(["崇阳县沙坪镇农民", "已退休", "务农"]), sort_order=4),
    ]
    child_birth = cadre.birth_date + timedelta(days=rng.randint(27 * 365, 33 * 365))
    if child_birth < today:
        son = rng.random() < 0.5
        members.append(FamilyMember(cadre=cadre, relation="儿子" if son else "女儿", name=cadre.name[0] + rng.choice(GIVEN_F if not son else GIVEN_M),
                                    birth_date=child_birth, political_status="13" if today.year - child_birth.year > 14 else "",
                                    work_unit_post="学生", sort_order=2))
    return members


@transaction.atomic
def load(*, county: Region, rng: random.Random) -> None:
    """Fill the demo county with units, posts, cadres and the bank; does nothing if cadres exist."""
    if Cadre.objects.exists():
        return
    staff = User.objects.filter(role=Role.COUNTY_STAFF, is_active=True).order_by("pk").first()
    if staff is None:
        return
    today = date.today()
    people = _People(rng)
    units = _units(county)
    contacts = _unit_contacts()

    # Posts and their holders ---------------------------------------------------------------
    Post.objects.bulk_create([
        Post(unit=unit, title=title, level=level, headcount=headcount, sort_order=i)
        for unit, posts in units for i, (title, level, headcount) in enumerate(posts)
        if not Post.objects.filter(unit=unit, title=title).exists()
    ])
    posts = list(Post.objects.select_related("unit").order_by("unit__sort_order", "sort_order"))
    cadres, holdings = [], []
    for post in posts:
        filled = post.headcount if rng.random() < 0.8 else max(0, post.headcount - 1)
        for _ in range(filled):
            young = rng.random() < 0.45  # the 80后 and 90后 already in leadership posts
            if post.level == "141":
                birth = _birth(rng, 37, 46, today) if young else _birth(rng, 46, 57, today)
            else:
                birth = _birth(rng, 30, 40, today) if young else _birth(rng, 40, 54, today)
            tags = ["professional"] if post.unit.kind in ("institution", "soe") and rng.random() < 0.4 else []
            cadre = _make_cadre(rng, people, post.unit, post_title=post.title, level=post.level, birth=birth, today=today, tags=tags,
                                recent=young and post.level == "141" and rng.random() < 0.5)
            cadres.append(cadre)
            holdings.append((post, cadre))
    # Professional cadres (专业干部) in institutions and enterprises, below the top posts.
    professional_units = [u for u, _ in units if u.kind in (Unit.Kind.INSTITUTION, Unit.Kind.STATE_ENTERPRISE)]
    for _ in range(28):
        unit = rng.choice(professional_units)
        cadres.append(_make_cadre(rng, people, unit, post_title=rng.choice(["业务科科长", "技术骨干", "财务部经理", "医务科主任"]),
                                  level=rng.choice(["142", "150"]), birth=_birth(rng, 30, 45, today), today=today, tags=["professional"]))
    # Staff below leadership level: the 90后 pipeline (选调生, 名校毕业生) and others.
    organs = [u for u, _ in units if u.kind == Unit.Kind.PARTY_GOV]
    # 80后 with a 正科 rank (一级、二级主任科员) but no leading post.
    for _ in range(45):
        unit = rng.choice(organs)
        cadres.append(_make_cadre(rng, people, unit, post_title=rng.choice(["一级主任科员", "二级主任科员"]), level="150",
                                  birth=_birth(rng, 37, 46, today), today=today, rank=rng.choice(["07", "08"])))
    for _ in range(130):
        unit = rng.choice(organs)
        elite = rng.random() < 0.35
        tags = ["selected"] if not elite and rng.random() < 0.4 else (["elite"] if elite else [])
        birth = _birth(rng, 26, 35, today)
        level = "142" if today.year - birth.year >= 29 and rng.random() < 0.4 else "150"
        title = rng.choice(STAFF_POSTS)
        cadres.append(_make_cadre(rng, people, unit, post_title=title, level=level, birth=birth, today=today, tags=tags, elite=elite))
    Cadre.objects.bulk_create(cadres, batch_size=500)
    cadres = list(Cadre.objects.select_related("unit__region").order_by("pk"))
    by_number = {c.id_number: c for c in cadres}
    for post, cadre in holdings:
        fresh = by_number[cadre.id_number]
        start = max(fresh.level_since, today - relativedelta(years=rng.randint(1, 12)))
        if post.level == "142" and rng.random() < 0.1:
            start = today - relativedelta(years=rng.randint(8, 11))  # near the term limit
        workflow.add_holder(post=post, cadre=fresh, by=staff, start=min(start, today))

    # Dossier basics for everyone ------------------------------------------------------------
    ResumeEntry.objects.bulk_create([r for c in cadres for r in _resume(rng, c)], batch_size=1000)
    FamilyMember.objects.bulk_create([f for c in cadres for f in _family(rng, people, c, today)], batch_size=1000)
    AnnualAssessment.objects.bulk_create([
        AnnualAssessment(cadre=c, year=y, result=rng.choices(["1", "2"], weights=[25, 75])[0], recorded_by=staff)
        for c in cadres for y in range(today.year - 3, today.year) if date(y, 12, 31) > c.work_start
    ], batch_size=1000)

    bank = _bank(rng, staff, cadres, posts, today)
    _plans_and_records(rng, staff, contacts, bank, today)
    _career_plans(rng, staff, bank, today)
    _appointments(rng, staff, bank, posts, today)


def _unit_contacts() -> dict[int, User]:
    """Unit id -> its demo unit contact (the users exist from cadre_portal.demo)."""
    return {u.unit_id: u for u in User.objects.filter(role=Role.UNIT_CONTACT, is_active=True, unit__isnull=False)}


def _bank(rng, staff, cadres, posts, today) -> list[BankEntry]:
    """About 120 bank entries across the cohorts, through the workflow, dated over two years."""
    eligible: dict[str, list[Cadre]] = {key: [] for key, _ in cohorts.CHOICES}
    for cadre in cadres:
        key = cohorts.cohort_of(cadre, today - relativedelta(years=2))
        if key:
            eligible[key].append(cadre)
    quota = {"leader_80": 40, "rotation_85": 20, "potential_90": 56, "professional": 20}
    contact_units = set(_unit_contacts())
    chosen: list[Cadre] = []
    for key, n in quota.items():
        pool = eligible[key]
        rng.shuffle(pool)
        # The demo unit contacts' units always have members to keep logs for.
        pool.sort(key=lambda c: c.unit_id not in contact_units)
        chosen += pool[:n]
    higher = {"141": [p for p in posts if p.level == "141"], "142": [p for p in posts if p.level == "142"]}
    entries = []
    targeted: dict[int, int] = {}
    timeline: list[tuple[int, str, date]] = []
    for i, cadre in enumerate(chosen):
        recommended_on = today - timedelta(days=rng.randint(200, 720))
        # Recommended once at the present level (and eligible on that day).
        if cadre.level_since and recommended_on < cadre.level_since + timedelta(days=60):
            recommended_on = min(today - timedelta(days=120), cadre.level_since + timedelta(days=rng.randint(60, 200)))
        if not cohorts.cohort_of(cadre, recommended_on):
            continue
        target_level = "141" if cadre.post_level in ("141", "142") or cadre.cohort in ("leader_80", "rotation_85") else "142"
        candidates = [p for p in higher[target_level] if p.unit_id != cadre.unit_id or target_level == "141"]
        same_team = [p for p in candidates if p.unit.team == cadre.unit.team] or candidates
        # Fill posts up towards two candidates first (the 2-per-post standard), so the bench
        # board shows both covered and uncovered posts.
        same_team.sort(key=lambda p: (targeted.get(p.pk, 0) >= 2, rng.random()))
        targets = same_team[: rng.choice([1, 2, 2, 3])]
        for p in targets:
            targeted[p.pk] = targeted.get(p.pk, 0) + 1
        source = rng.choice([s for s, _ in BankEntry.Source.choices])
        entry = workflow.recommend(cadre=cadre, by=staff, source=source, recommended_on=recommended_on, target_posts=targets,
                                   recommendation=rng.choice(["政治素质好，工作实绩突出。", "年轻有为，善于攻坚克难。", "专业功底扎实，群众公认度高。"]))
        timeline.append((entry.pk, "recommend", recommended_on))
        if i % 25 == 7:
            entries.append(entry)
            continue  # still recommended
        inspect_on = recommended_on + timedelta(days=rng.randint(10, 40))
        workflow.start_inspection(entry=entry, by=staff, on=inspect_on)
        timeline.append((entry.pk, "inspect", inspect_on))
        if i % 25 == 13:
            entries.append(entry)
            continue  # in inspection
        admit_on = inspect_on + timedelta(days=rng.randint(15, 45))
        workflow.admit(entry=entry, by=staff, inspection_opinion=rng.choice([
            "经民主推荐、个别谈话、实绩考核，考察合格。", "考察组认为该同志政治坚定、敢于担当，同意入库。",
        ]), entry_date=admit_on, key_training=rng.random() < 0.35)
        timeline.append((entry.pk, "admit", admit_on))
        if i % 40 == 21:
            out = admit_on + timedelta(days=rng.randint(60, 200))
            if out < today:
                workflow.transfer_out(entry=entry, by=staff, reason=rng.choice(["调任市直单位工作", "考核不达标，调出库"]), on=out)
                timeline.append((entry.pk, "transfer", out))
        entries.append(entry)
    _backdate(timeline)
    return list(BankEntry.objects.filter(pk__in=[e.pk for e in entries]).select_related("cadre__unit__region"))


def _backdate(timeline) -> None:
    """Transition rows carry the moment the workflow ran; give them their business dates."""
    planned = {(pk, action): day for pk, action, day in timeline}
    rows = list(BankTransition.objects.filter(entry_id__in={pk for pk, _a, _d in timeline}))
    for row in rows:
        day = planned.get((row.entry_id, row.action))
        if day:
            row.at = _local(day, 9 + row.pk % 8)
    BankTransition.objects.bulk_update(rows, ["at"], batch_size=500)


def _plans_and_records(rng, staff, contacts, entries, today) -> None:
    plan_items = {}
    measures = {
        "political": ("参加县委党校中青年干部培训班，系统学习习近平新时代中国特色社会主义思想", Line.DEPARTMENT),
        "leadership": ("安排主持本单位一项重点工作，锻炼统筹协调能力", Line.UNIT),
        "professional": ("参加省市业务部门专题培训，提升专业能力", Line.UNIT),
        "grassroots": ("选派到乡镇或重点村驻村锻炼不少于6个月", Line.DEPARTMENT),
        "key_post": ("安排到项目建设、招商引资等重要岗位历练", Line.DEPARTMENT),
        "key_task": ("参与防汛救灾、信访维稳等重点任务攻坚", Line.UNIT),
    }
    for key, label in cohorts.CHOICES:
        plan = TrainingPlan.objects.create(
            cohort=key, year=today.year, title=f"{today.year}年{label}培养计划", goal=f"聚焦{cohorts.focus(key)}，因岗因人落实差异化培养。",
            created_by=staff,
        )
        for order, (dim, _dim_label) in enumerate(DIMENSIONS):
            content, line = measures[dim]
            plan_items[(key, dim)] = TrainingPlanItem.objects.create(plan=plan, dimension=dim, content=content, line=line,
                                                                     schedule=rng.choice(["上半年", "下半年", "全年", "第三季度"]), sort_order=order)
    training, study, conduct, logs, checks, opinions, integrity, rewards = [], [], [], [], [], [], [], []
    for entry in entries:
        if entry.status != BankEntry.Status.IN_BANK:
            continue
        cadre = entry.cadre
        key = cadre.cohort
        contact = contacts.get(cadre.unit_id)
        start = entry.entry_date or today
        for dim in rng.sample([d for d, _ in DIMENSIONS], k=rng.randint(1, 3)):
            item = plan_items.get((key, dim))
            line = item.line if item else Line.DEPARTMENT
            day = min(today - timedelta(days=rng.randint(1, 20)), start + timedelta(days=rng.randint(10, 300)))
            end = day + timedelta(days=rng.randint(3, 120))
            training.append(TrainingRecord(
                cadre=cadre, plan_item=item, dimension=dim, line=line, start=day, end=end if end < today else None,
                title=item.content[:60] if item else "专题培训", content="按计划完成。", result=rng.choice(["表现优秀", "完成良好", "收获较大"]),
                recorded_by=contact if line == Line.UNIT and contact else staff,
            ))
        for _ in range(rng.randint(1, 3)):
            study.append(StudyRecord(cadre=cadre, date=today - timedelta(days=rng.randint(5, 300)), form=rng.choice(["central", "lecture", "online", "self"]),
                                     topic=rng.choice(["党的二十届四中全会精神专题学习", "习近平总书记关于基层治理的重要论述", "《中国共产党纪律处分条例》", "县域经济高质量发展专题"]),
                                     hours=rng.choice([2, 4, 8, 16]), recorded_by=staff))
        if rng.random() < 0.4:
            conduct.append(ConductNote(cadre=cadre, date=today - timedelta(days=rng.randint(10, 300)), aspect=rng.choice(["political", "conduct"]),
                                       nature="praise", content=rng.choice(["在防汛抢险中冲锋在前，表现突出。", "主动担当急难险重任务，群众评价好。"]),
                                       source="单位党组（党委）", recorded_by=staff))
        writer = contact or staff
        for _ in range(rng.randint(4, 12)):
            topic, result = rng.choice(WORK_TOPICS)
            logs.append(WorkLogEntry(cadre=cadre, date=today - timedelta(days=rng.randint(0 if contact else 20, 120)), content=topic, result=result, written_by=writer))
        if rng.random() < 0.7:
            checks.append(PerformanceCheck(cadre=cadre, kind=PerformanceCheck.Kind.PERIODIC, checked_on=today - timedelta(days=rng.randint(5, 150)),
                                           rating=rng.choice(["好", "好", "较好"]), comment="常态化考查日常表现，工作积极主动。", recorded_by=staff))
        if contact:
            checks.append(PerformanceCheck(cadre=cadre, kind=PerformanceCheck.Kind.DAILY, checked_on=today - timedelta(days=rng.randint(1, 60)),
                                           rating="好", comment="出勤、作风和工作完成情况良好。", recorded_by=contact))
        if rng.random() < 0.75:
            source, given_by = rng.choice([("leader", "分管县领导"), ("colleague", "单位同事"), ("public", "服务对象代表"), ("discipline", "县纪委监委")])
            opinions.append(SupervisionOpinion(cadre=cadre, source=source,
                                               date=today - timedelta(days=rng.randint(10, 400)), given_by=given_by,
                                               content=rng.choice(["未发现违规违纪问题。", "工作作风扎实，廉洁自律。", "群众反映良好。"]), recorded_by=staff))
        if rng.random() < 0.5:
            integrity.append(IntegrityCheck(cadre=cadre, date=today - timedelta(days=rng.randint(30, 400)), method=rng.choice(["discipline_opinion", "personal_matters"]),
                                            result="clear", content="经核查，未发现问题。", recorded_by=staff))
        if rng.random() < 0.3:
            rewards.append(RewardPunishment(cadre=cadre, date=today - timedelta(days=rng.randint(100, 900)), kind="reward",
                                            text=rng.choice(["2024年度嘉奖", "全县优秀共产党员", "全市脱贫攻坚先进个人", "年度考核优秀，记三等功"]),
                                            issued_by="中共崇阳县委", recorded_by=staff))
    for model, rows in [(TrainingRecord, training), (StudyRecord, study), (ConductNote, conduct), (WorkLogEntry, logs),
                        (PerformanceCheck, checks), (SupervisionOpinion, opinions), (IntegrityCheck, integrity), (RewardPunishment, rewards)]:
        model.objects.bulk_create(rows, batch_size=1000)


def _career_plans(rng, staff, entries, today) -> None:
    for i, entry in enumerate(e for e in entries if e.status == BankEntry.Status.IN_BANK):
        if i % 5 == 4:
            continue
        cadre = entry.cadre
        made_on = (entry.entry_date or today) + timedelta(days=rng.randint(5, 40))
        if made_on > today:
            made_on = today
        plan = services.save_career_plan(plan=CareerPlan(
            analysis=f"{cadre.age}岁，{cadre.get_education_display()}，熟悉{cadre.specialty}，{cohorts.focus(cadre.cohort)}方面潜力较大。",
            goal=rng.choice(["三年内具备担任乡镇党政正职的能力", "五年内成长为县直部门主要负责人", "成为本领域业务骨干和管理能手"]),
            path="先到基层一线和重要岗位历练，再交流到综合部门，逐步承担更重的担子。", made_on=made_on,
        ), cadre=cadre, by=staff)
        CareerMilestone.objects.bulk_create([
            CareerMilestone(plan=plan, due=made_on + relativedelta(months=m), description=d,
                            done_on=(made_on + relativedelta(months=m)) if made_on + relativedelta(months=m) < today and rng.random() < 0.7 else None)
            for m, d in [(6, "完成基层一线实践锻炼"), (18, "到重要岗位历练"), (36, "具备提拔任用条件")]
        ])
        review_day = made_on + relativedelta(months=12)
        if review_day <= today and i % 3 != 0:
            services.record_review(plan=plan, by=staff, reviewed_on=review_day, summary="规划落实情况良好，按节点推进。")
        # the rest stay due: an overdue review when made more than a year ago


def _appointments(rng, staff, entries, posts, today) -> None:
    """Appoint some bank members over the last two years, across the three teams for a few."""
    rounds = [
        AppointmentRound.objects.create(title=f"{today.year - 1}年第二批干部任免", date=today - timedelta(days=300), reporting_unit="中共崇阳县委组织部",
                                        filled_by="李卫东", filled_on=today - timedelta(days=305), created_by=staff),
        AppointmentRound.objects.create(title=f"{today.year}年第一批干部任免", date=today - timedelta(days=60), reporting_unit="中共崇阳县委组织部",
                                        filled_by="李卫东", filled_on=today - timedelta(days=65), created_by=staff),
    ]
    in_bank = [e for e in entries if e.status == BankEntry.Status.IN_BANK]
    rng.shuffle(in_bank)
    made = 0
    for entry in in_bank:
        if made >= 12:
            break
        entry.refresh_from_db()
        cadre = entry.cadre
        want = "141" if cadre.post_level == "142" or cadre.cohort == "leader_80" else "142"
        vacant = [p for p in Post.objects.filter(level=want, holder_count__lt=F("headcount")).select_related("unit") if p.unit_id != cadre.unit_id]
        if not vacant:
            continue
        cross = made % 4 == 0
        choices = [p for p in vacant if (p.unit.team != cadre.unit.team) == cross] or vacant
        post = rng.choice(choices)
        round_ = rounds[made % 2]
        day = round_.date
        if entry.entry_date and day < entry.entry_date:
            day = min(today, entry.entry_date + timedelta(days=30))
        try:
            appointment = workflow.appoint(entry=entry, by=staff, post=post, appointed_on=day, removed_post=cadre.current_post,
                                           reason="工作需要，从优秀年轻干部库中选拔任用。", round=round_)
        except workflow.WorkflowError:
            continue
        BankTransition.objects.filter(entry=entry, action="appoint").update(at=_local(appointment.appointed_on, 15))
        made += 1
