"""Demo registries of the five domains for the demo county (called by ``cadre_portal.demo``).

Several hundred fictional talents entered through ``talents.services`` by each domain's
own officer (so history names them), recruitment plans for three years with talents
recruited against them, a few dozen platforms with members, support records for the
agricultural talents, a few status moves through ``talents.workflow``, and the arts
organizations register with activities. Business dates (recruitment, registry entry,
status moves) are spread over the last three years; the change rows carry those dates.
Persons are fictional; ID numbers are valid by construction and belong to nobody. A few
village reserve cadres are also registered as agricultural talents, to show one person
across registries.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from cadre_portal import idcard
from cadre_portal.models import CodeItem, Domain, Region, Role, Unit, User
from talents import codes, services, workflow
from talents.models import (
    ArtsOrganization,
    OrgActivity,
    OrgStateChange,
    Platform,
    PlatformStatusChange,
    RecruitmentPlan,
    Support,
    Talent,
    TalentStatusChange,
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN_M = ["伟", "强", "军", "磊", "洋", "勇", "杰", "涛", "超", "明", "浩", "鹏", "俊", "斌", "志远", "建华", "海波", "晓东", "文斌",
           "国栋", "振华", "思源", "永胜", "德明", "俊杰", "宏伟", "卫国", "建军", "立新", "光明"]
GIVEN_F = ["芳", "娜", "敏", "静", "丽", "燕", "霞", "婷", "玲", "琳", "雪", "慧", "颖", "倩", "晓燕", "春梅", "丽娟", "海燕", "雨欣",
           "思琪", "佳怡", "文静", "秀英", "欣怡", "红梅", "小红"]
BIRTH_REGIONS = ["421223"] * 6 + ["421202", "421281", "420106", "421221", "430621"]
HONOURS = ["湖北省优秀教师", "咸宁市劳动模范", "崇阳县优秀共产党员", "咸宁市青年岗位能手", "湖北省五一劳动奖章", "崇阳县“十佳”人才",
           "咸宁市三八红旗手", "全国乡村振兴青年先锋"]


class People:
    """Fictional persons with unique, valid ID numbers (none shared with another registry by chance)."""

    def __init__(self, rng: random.Random, today: date, taken: set[str]):
        self.rng, self.today, self.used = rng, today, set(taken)

    def person(self, *, min_age=24, max_age=58) -> dict:
        rng = self.rng
        female = rng.random() < 0.42
        while True:
            birth = self.today - timedelta(days=rng.randint(min_age * 365 + 10, max_age * 365 - 10))
            number = idcard.make(rng.choice(BIRTH_REGIONS), birth, rng.randrange(0, 499) * 2 + (0 if female else 1))
            if number not in self.used:
                self.used.add(number)
                break
        return {
            "name": rng.choice(SURNAMES) + rng.choice(GIVEN_F if female else GIVEN_M),
            "id_number": number,
            "political_status": rng.choice(["01", "01", "03", "13", "13", "13"]),
            "education": rng.choice(["11", "14", "21", "21", "21", "31", "31"]),
            "phone": f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}",
            "native_place": rng.choice(["湖北崇阳", "湖北崇阳", "湖北咸宁", "湖北通城", "湖南临湘", "湖北赤壁"]),
        }


def _unit(name, kind, region, domain, order=0) -> Unit:
    """The demo unit, reusing one another demo created (the young-cadre bank's hospitals and
    schools): a hospital is a medical unit, so a unit without a domain gets this one."""
    unit, _ = Unit.objects.get_or_create(region=region, name=name, defaults={"kind": kind, "domain": domain, "sort_order": order})
    if not unit.domain:
        unit.domain = domain
        unit.save(update_fields=["domain"])
    return unit


def _units(county, townships, rng) -> dict[str, list[Unit]]:
    I, E, S, O = Unit.Kind.INSTITUTION, Unit.Kind.ENTERPRISE, Unit.Kind.SOCIAL, Unit.Kind.OTHER
    towns = [t for t in townships if t.kind != Region.Kind.OTHER]
    park = next((t for t in townships if t.kind == Region.Kind.OTHER), county)
    units = {d: [] for d in Domain.values}
    for name in ["崇阳县第一中学", "崇阳县第二中学", "崇阳县职业教育集团学校", "崇阳县实验小学", "崇阳县城关中学", "崇阳县特殊教育学校"]:
        units["education"].append(_unit(name, I, county, Domain.EDUCATION))
    for t in towns:
        units["education"].append(_unit(f"{t.name}中心学校", I, t, Domain.EDUCATION))
    for name in ["崇阳县人民医院", "崇阳县中医医院", "崇阳县妇幼保健院", "崇阳县疾病预防控制中心"]:
        units["medical"].append(_unit(name, I, county, Domain.MEDICAL))
    for t in towns:
        units["medical"].append(_unit(f"{t.name}卫生院", I, t, Domain.MEDICAL))
    agri = [("崇阳县农业技术推广中心", I, county), ("崇阳县畜牧兽医服务中心", I, county)]
    products = ["茶叶", "楠竹", "中药材", "生猪", "油茶", "蔬菜"]
    for i, t in enumerate(towns):
        product = products[i % len(products)]
        agri.append((f"崇阳县{t.name[:-1]}{product}专业合作社", S, t))
        agri.append((f"{t.name[:-1]}{rng.choice(['绿源', '青山', '丰收', '兴旺', '富民'])}家庭农场", O, t))
    agri += [("湖北崇阳青山茶业有限公司", E, towns[0]), ("崇阳县竹海生态农业有限公司", E, towns[1]),
             ("崇阳县天成生猪养殖有限公司", E, towns[2]), ("崇阳县雨山中药材开发有限公司", E, towns[3])]
    for name, kind, region in agri:
        units["agriculture"].append(_unit(name, kind, region, Domain.AGRICULTURE))
    for name in ["湖北崇阳竹木制品有限公司", "湖北隽水新材料科技有限公司", "崇阳县天骄纺织有限公司", "湖北华洋机械制造有限公司",
                 "崇阳县明达电子科技有限公司", "湖北金塘钒业有限公司", "崇阳县永盛建材有限公司", "湖北瑞鑫医药化工有限公司"]:
        units["industry"].append(_unit(name, E, park, Domain.INDUSTRY))
    units["industry"].append(_unit("崇阳县经济和信息化局企业服务中心", I, county, Domain.INDUSTRY))
    for name, kind in [("崇阳县文化馆", I), ("崇阳县图书馆", I), ("崇阳县博物馆", I), ("崇阳县提琴戏传承发展中心", I),
                       ("崇阳县文学艺术界联合会", S), ("崇阳县作家协会", S)]:
        units["culture"].append(_unit(name, kind, county, Domain.CULTURE))
    for t in towns[:8]:
        units["culture"].append(_unit(f"{t.name}综合文化站", I, t, Domain.CULTURE))
    # A unit another demo created for another domain is not this domain's.
    return {domain: [u for u in found if u.domain == domain] for domain, found in units.items()}


# Per domain: (category code, how many, share recruited, posts, titles)
PLAN = {
    Domain.EDUCATION: [("E01", 34, 0.3), ("E02", 6, 0.0), ("E03", 38, 0.1), ("E04", 18, 0.05), ("E05", 20, 1.0), ("E06", 8, 0.0)],
    Domain.MEDICAL: [("M01", 22, 1.0), ("M02", 12, 1.0), ("M03", 14, 1.0), ("M04", 18, 1.0), ("M05", 8, 1.0), ("M06", 40, 0.0)],
    Domain.AGRICULTURE: [("A01", 22, 0.1), ("A02", 24, 0.0), ("A03", 12, 0.0), ("A04", 20, 0.0), ("A05", 14, 0.0),
                         ("A06", 6, 1.0), ("A07", 10, 1.0), ("A08", 6, 1.0)],
    Domain.INDUSTRY: [("I01", 16, 0.6), ("I02", 22, 0.8), ("I03", 14, 0.7), ("I04", 8, 1.0), ("I05", 6, 1.0), ("I06", 3, 1.0)],
    Domain.CULTURE: [("C01", 14, 0.0), ("C02", 20, 0.0), ("C03", 5, 0.0), ("C04", 4, 0.0), ("C05", 14, 0.0), ("C06", 8, 0.3)],
}
CHANNELS = {
    Domain.EDUCATION: ["05", "07", "06"],
    Domain.MEDICAL: ["01", "02", "03", "04"],
    Domain.AGRICULTURE: ["01", "06", "08"],
    Domain.INDUSTRY: ["05", "06", "08"],
    Domain.CULTURE: ["07"],
}
# (post, title) pairs per domain, from junior to senior.
POSTS = {
    Domain.EDUCATION: [("语文教师", "二级教师"), ("数学教师", "中学一级教师"), ("英语教师", "中学一级教师"), ("物理教师", "中学高级教师"),
                       ("班主任", "小学高级教师"), ("教研组长", "中学高级教师"), ("副校长", "中学高级教师"), ("学科组长", "正高级教师")],
    Domain.MEDICAL: [("住院医师", "医师"), ("乡村医生", "医师"), ("护士", "护师"), ("主治医师", "主治医师"), ("护士长", "主管护师"),
                     ("副主任医师", "副主任医师"), ("科室主任", "主任医师")],
    Domain.AGRICULTURE: [("负责人", ""), ("理事长", ""), ("总经理", ""), ("主播", ""), ("技术员", "农艺师"), ("站长", "高级农艺师")],
    Domain.INDUSTRY: [("高级技工", "技师"), ("工程师", "工程师"), ("车间主任", "工程师"), ("研发主管", "高级工程师"),
                      ("技术总监", "高级工程师"), ("技术顾问", "正高级工程师")],
    Domain.CULTURE: [("演员", "二级演员"), ("创作员", "馆员"), ("规划师", ""), ("非遗传承人", ""), ("导演", "一级演员"), ("馆长", "副研究馆员")],
}
TITLE_LEVELS = {"正高级教师": "1", "正高级工程师": "1", "主任医师": "1", "副主任医师": "2", "中学高级教师": "2", "高级农艺师": "2",
                "高级工程师": "2", "一级演员": "2", "副研究馆员": "2", "主治医师": "3", "中学一级教师": "3", "小学高级教师": "3",
                "工程师": "3", "主管护师": "3", "馆员": "3", "农艺师": "3", "技师": "3", "医师": "4", "护师": "4", "二级教师": "4",
                "二级演员": "3"}
# Ages (min, max) of the categories that are young or senior by nature; others 26-58.
AGES = {"E01": (24, 39), "E02": (40, 58), "E04": (35, 58), "M01": (23, 32), "M04": (22, 35), "M02": (32, 56), "M05": (45, 65),
        "A05": (22, 38), "A06": (28, 50), "I03": (22, 45), "I06": (55, 75), "C01": (45, 75), "C02": (18, 40)}
SENIOR = {"E02", "E04", "M02", "M05", "I05", "I06", "C01", "C06"}


def _details(domain, code, rng, today, units) -> tuple[dict, Unit | None]:
    served = None
    if domain == Domain.EDUCATION:
        d = {"school_stage": rng.choice(["basic"] * 6 + ["vocational", "vocational", "higher"]),
             "subject": rng.choice(["语文", "数学", "英语", "物理", "化学", "历史", "音乐", "信息技术", "数控技术", "护理"])}
        if rng.random() < 0.25:
            d["alliance_mode"] = rng.choice(["rotation", "itinerant", "pairing", "delivery"])
            served = rng.choice([u for u in units if "中心学校" in u.name])
        if code in ("E02", "E04") and rng.random() < 0.6:
            d["famous_class"] = True
        return d, served
    if domain == Domain.MEDICAL:
        d = {"practice": rng.choice(["clinical"] * 4 + ["tcm", "nursing", "nursing", "public_health", "technician"]),
             "department": rng.choice(["内科", "外科", "儿科", "妇产科", "急诊科", "心血管内科", "神经内科", "中医科", "护理部", "全科"])}
        if rng.random() < 0.2:
            d["posting"] = rng.choice(["county_to_township", "township_to_village"])
            served = rng.choice([u for u in units if u.name.endswith("卫生院")])
        if rng.random() < 0.12:
            d["management_selected_on"] = (today - timedelta(days=rng.randint(20, 900))).isoformat()
        if rng.random() < 0.1:
            d["key_talent"] = True
        if rng.random() < 0.06:
            d["discipline_leader"] = True
        return d, served
    if domain == Domain.AGRICULTURE:
        industry = rng.choice(["01", "02", "02", "03", "04"])
        d = {"industry": industry}
        if code in ("A01", "A02", "A03", "A04", "A05"):
            d["business_scale"] = {
                "01": f"楠竹林 {rng.randint(3, 30) * 100} 亩", "02": f"茶园 {rng.randint(2, 15) * 50} 亩",
                "03": f"中药材基地 {rng.randint(2, 20) * 50} 亩", "04": f"年出栏生猪 {rng.randint(5, 60) * 100} 头",
            }[industry] if code != "A05" else f"网店年销售额 {rng.randint(5, 80) * 10} 万元"
            d["households"] = rng.randint(10, 260)
        if rng.random() < 0.15:
            d["in_village_committee"] = True
        return d, None
    if domain == Domain.INDUSTRY:
        d = {"engagement": "full_time", "speciality_field": rng.choice(["新材料", "机械制造", "电子信息", "纺织工艺", "竹木加工", "生物医药"])}
        if code in ("I04", "I05", "I06"):
            d["engagement"] = rng.choice(["adviser", "equity", "flexible"])
            served = rng.choice([u for u in units if u.kind == Unit.Kind.ENTERPRISE])
        if rng.random() < 0.7:
            d["above_scale"] = True
        return d, served
    d = {"art_form": rng.choice(["提琴戏", "书法", "美术", "摄影", "文学", "民间音乐", "剪纸", "舞蹈"])}
    if code == "C02":
        d.update(heritage_item="提琴戏", art_form="提琴戏")
        if rng.random() < 0.7:
            d.update(school_programme=True, programme_school="崇阳县职业教育集团学校",
                     programme_year=rng.choice([today.year - 2, today.year - 1, today.year]))
    return d, None


def load(*, county: Region, rng: random.Random) -> None:
    """Fill the five registries; does nothing if any talent exists."""
    if Talent.objects.exists():
        return
    today = date.today()
    officers = {u.domain: u for u in User.objects.filter(role=Role.DOMAIN_OFFICER, is_active=True, region=county)}
    if set(officers) != set(Domain.values):
        return  # the demo users (one officer per domain) are missing
    townships = list(Region.objects.filter(parent=county, level=Region.Level.TOWNSHIP).order_by("path"))
    units = _units(county, townships, rng)
    from reserves.models import Candidate

    people = People(rng, today, set(Candidate.objects.values_list("id_number", flat=True)))
    categories = {(i.table, i.code): i for i in CodeItem.objects.filter(table__startswith="talent_")}
    channels = {i.code: i for i in CodeItem.objects.filter(table=codes.CHANNEL_TABLE)}
    years = [today.year - 2, today.year - 1, today.year]
    plans = _plans(officers, categories, channels, years, rng)
    created: dict[str, list[Talent]] = {d: [] for d in Domain.values}
    entered_on: dict[int, date] = {}
    for domain, rows in PLAN.items():
        officer = officers[domain]
        for code, count, recruited_share in rows:
            category = categories[(codes.category_table(domain), code)]
            for _ in range(count):
                talent = _talent(domain, code, category, recruited_share, people, units, channels, plans, years, today, rng)
                talent = services.create_talent(talent=talent, by=officer)
                created[domain].append(talent)
                entered_on[talent.pk] = talent.recruited_on or (today - timedelta(days=rng.randint(200, 1000)))
    # The registry entry of the locally cultivated happened when the registry was built.
    for row in TalentStatusChange.objects.filter(talent_id__in=entered_on):
        TalentStatusChange.objects.filter(pk=row.pk).update(on=entered_on[row.talent_id])
    _reserve_cadres_as_talents(officers, categories, units, created, today, rng)
    _status_moves(officers, created, entered_on, today, rng)
    _platforms(officers, units, created, today, rng)
    _supports(officers, created, today, rng)
    _organizations(officers[Domain.CULTURE], county, townships, units, today, rng)


def _plans(officers, categories, channels, years, rng) -> dict[tuple, object]:
    """Three years of plans: per domain, the recruited categories through their channels."""
    today = date.today()
    lines = {}
    for domain, rows in PLAN.items():
        for year in years:
            data = []
            for code, count, share in rows:
                if share <= 0:
                    continue
                for ch in CHANNELS[domain][: 2 if share >= 1 else 1]:
                    data.append({"category": categories[(codes.category_table(domain), code)], "channel": channels[ch],
                                 "planned": max(1, round(count * share / len(years) / (2 if share >= 1 else 1) * rng.uniform(0.9, 1.5)))})
            plan = services.save_plan(plan=RecruitmentPlan(domain=domain, year=year, approved_on=min(today, date(year, 3, rng.randint(1, 28))),
                                                           note=f"{year}年{Domain(domain).label}领域紧缺人才招引计划"),
                                      lines=data, by=officers[domain])
            for line in plan.lines.all():
                lines[(domain, year, line.category_id, line.channel_id)] = line
    return lines


def _talent(domain, code, category, recruited_share, people, units, channels, plans, years, today, rng) -> Talent:
    low, high = AGES.get(code, (26, 58))
    person = people.person(min_age=low, max_age=high)
    pairs = POSTS[domain]
    post, title = pairs[min(len(pairs) - 1, rng.randrange(len(pairs) // 2, len(pairs)))] if code in SENIOR else rng.choice(
        pairs[: max(2, len(pairs) - 1)] if low < 30 else pairs)
    details, served = _details(domain, code, rng, today, units[domain])
    pool = units[domain]
    unit = rng.choice(pool) if rng.random() < 0.92 else None
    talent = Talent(domain=domain, category=category, **person, post=post, title_name=title,
                    title_level=TITLE_LEVELS.get(title, ""), details=details, served_unit=served if served != unit else None,
                    level=rng.choice(["", "", "county", "city", "province"]) if code in ("E02", "E03", "E04", "C01", "M02") else "",
                    speciality=rng.choice(["", "", "教学科研", "临床诊疗", "技术攻关", "产业带动", "非遗传承"]))
    if unit is None:
        talent.workplace = rng.choice(["个体经营", "自由职业", "外地工作（柔性服务）"])
        talent.region = rng.choice([u.region for u in pool])
    else:
        talent.unit = unit
    if rng.random() < 0.2:
        talent.honours = rng.choice(HONOURS)
    if rng.random() < 0.15:
        talent.tags = f",{rng.choice(['青年', '返乡', '骨干', '双一流'])},"
    if rng.random() < recruited_share:
        year = rng.choice(years)
        latest = today if year == today.year else date(year, 12, 28)
        talent.origin = Talent.Origin.RECRUITED
        talent.recruited_on = date(year, 1, 2) + timedelta(days=rng.randint(0, max(0, (latest - date(year, 1, 2)).days)))
        options = [ch for ch in CHANNELS[domain] if (domain, year, category.pk, channels[ch].pk) in plans] or CHANNELS[domain]
        talent.channel = channels[rng.choice(options)]
        line = plans.get((domain, year, category.pk, talent.channel.pk))
        if line is not None and rng.random() < 0.85:
            talent.plan_line = line
    return talent


def _reserve_cadres_as_talents(officers, categories, units, created, today, rng) -> None:
    """A few village reserve cadres who are also rural entrepreneurs: one person, two registries."""
    from reserves.models import Candidate

    for c in Candidate.objects.filter(stage__in=["training", "pool", "appointed"]).select_related("village").order_by("pk")[:4]:
        talent = Talent(domain=Domain.AGRICULTURE, category=categories[(codes.category_table("agriculture"), "A01")],
                        name=c.name, id_number=c.id_number, political_status=c.political_status, education=c.education,
                        phone=c.phone, native_place=c.native_place, workplace=f"{c.village.name}返乡创业项目", region=c.village,
                        post="创业带头人", details={"industry": rng.choice(["02", "03"]), "in_village_committee": True,
                                                   "business_name": f"{c.village.name}{rng.choice(['茶叶', '中药材'])}种植基地"},
                        tags=",后备干部,")
        created[Domain.AGRICULTURE].append(services.create_talent(talent=talent, by=officers[Domain.AGRICULTURE]))


def _status_moves(officers, created, entered_on, today, rng) -> None:
    """Some talents left, retired or moved away; two lost ones came back."""
    for domain, talents in created.items():
        for talent in rng.sample(talents, k=max(2, len(talents) // 14)):
            start = entered_on.get(talent.pk) or today - timedelta(days=300)
            if start >= today:
                continue
            on = start + timedelta(days=rng.randint(1, max(1, (today - start).days)))
            action = rng.choice(["lose", "lose", "transfer_out", "retire"])
            reason = {"lose": rng.choice(["考取外地事业编制", "随配偶赴外地发展", "到沿海城市民营企业就业"]),
                      "transfer_out": "调往市直单位", "retire": "到龄退休"}[action]
            workflow.change_talent_status(talent_pk=talent.pk, action=action, on=on, reason=reason, by=officers[domain])
            if action == "lose" and rng.random() < 0.2 and on < today:
                workflow.change_talent_status(talent_pk=talent.pk, action="return",
                                              on=on + timedelta(days=rng.randint(1, max(1, (today - on).days))),
                                              reason="经组织关怀返回县内工作", by=officers[domain])


PLATFORMS = [
    # domain, kind, name, host unit (name part), level, members
    (Domain.EDUCATION, "teacher_studio", "周慧高中语文名师工作室", "第一中学", "city", 6),
    (Domain.EDUCATION, "teacher_studio", "程建华初中数学名师工作室", "城关中学", "county", 5),
    (Domain.EDUCATION, "teacher_studio", "刘芳小学英语名师工作室", "实验小学", "county", 5),
    (Domain.EDUCATION, "teacher_studio", "何勇职教数控技术名师工作室", "职业教育集团", "province", 4),
    (Domain.EDUCATION, "teacher_studio", "叶丽娟乡村音乐教育名师工作室", "沙坪镇中心学校", "county", 4),
    (Domain.EDUCATION, "teacher_studio", "汪立新高中物理名师工作室", "第二中学", "city", 5),
    (Domain.MEDICAL, "doctor_studio", "张振华心血管名医工作室", "人民医院", "city", 5),
    (Domain.MEDICAL, "doctor_studio", "李春梅中医妇科名医工作室", "中医医院", "province", 4),
    (Domain.MEDICAL, "doctor_studio", "陈德明骨伤科名医工作室", "中医医院", "county", 4),
    (Domain.MEDICAL, "doctor_studio", "王海波儿科名医工作室", "妇幼保健院", "county", 3),
    (Domain.MEDICAL, "expert_team", "县域慢病管理专家团队", "人民医院", "county", 6),
    (Domain.MEDICAL, "expert_team", "急危重症救治专家团队", "人民医院", "county", 5),
    (Domain.MEDICAL, "expert_team", "中医适宜技术推广专家团队", "中医医院", "county", 4),
    (Domain.MEDICAL, "chest_pain_center", "崇阳县人民医院胸痛中心", "人民医院", "province", 4),
    (Domain.MEDICAL, "stroke_center", "崇阳县人民医院卒中中心", "人民医院", "province", 4),
    (Domain.MEDICAL, "maternal_center", "崇阳县危重孕产妇救治中心", "妇幼保健院", "county", 3),
    (Domain.MEDICAL, "neonatal_center", "崇阳县危重新生儿救治中心", "妇幼保健院", "county", 3),
    (Domain.MEDICAL, "tcm_specialty", "针灸推拿科（中医重点专科）", "中医医院", "province", 3),
    (Domain.MEDICAL, "tcm_specialty", "脾胃病科（中医重点专科）", "中医医院", "city", 3),
    (Domain.MEDICAL, "tcm_specialty", "骨伤科（中医重点专科）", "中医医院", "city", 3),
    (Domain.AGRICULTURE, "expert_team", "崇阳茶产业专家服务团队", "农业技术推广中心", "county", 5),
    (Domain.AGRICULTURE, "expert_team", "中药材种植专家服务团队", "农业技术推广中心", "county", 4),
    (Domain.INDUSTRY, "enterprise_station", "隽水新材料企业人才工作站", "隽水新材料", "county", 4),
    (Domain.INDUSTRY, "enterprise_station", "华洋机械企业人才工作站", "华洋机械", "county", 3),
    (Domain.INDUSTRY, "enterprise_station", "天骄纺织企业人才工作站", "天骄纺织", "county", 3),
    (Domain.INDUSTRY, "remote_station", "崇阳县驻武汉光谷异地人才工作站", "企业服务中心", "county", 3),
    (Domain.INDUSTRY, "remote_station", "崇阳县驻深圳异地人才工作站", "企业服务中心", "county", 2),
    (Domain.INDUSTRY, "academician_station", "金塘钒业院士专家工作站", "金塘钒业", "province", 3),
    (Domain.INDUSTRY, "postdoc_station", "瑞鑫医药博士后科研工作站", "瑞鑫医药", "province", 3),
    (Domain.INDUSTRY, "enterprise_school_center", "竹木制品企校联合创新中心", "竹木制品", "city", 3),
    (Domain.INDUSTRY, "engineering_center", "新型建材工程技术研究中心", "永盛建材", "city", 3),
    (Domain.CULTURE, "artist_studio", "提琴戏名家工作室", "提琴戏传承发展中心", "province", 5),
    (Domain.CULTURE, "artist_studio", "隽水书画名家工作室", "文学艺术界联合会", "county", 4),
    (Domain.CULTURE, "artist_studio", "崇阳民间文学名家工作室", "作家协会", "county", 3),
    (Domain.CULTURE, "artist_studio", "乡村风貌设计名家工作室", "文化馆", "county", 3),
]


def _platforms(officers, units, created, today, rng) -> None:
    for domain, kind, name, host_part, level, size in PLATFORMS:
        officer = officers[domain]
        host = next(u for u in units[domain] if host_part in u.name)
        on_post = list(Talent.objects.filter(domain=domain, status=Talent.Status.ON_POST).order_by("pk"))
        members = rng.sample(on_post, k=min(size, len(on_post)))
        # The most senior member (by 职称 level) leads.
        members.sort(key=lambda t: t.title_level or "9")
        established = today - timedelta(days=rng.randint(120, 1400))
        platform = Platform(domain=domain, kind=kind, name=name, host_unit=host, level=level, established_on=established,
                            leader=members[0], description=f"依托{host.name}建设的{Platform.Kind(kind).label}。")
        if kind == "remote_station":
            platform.location = "武汉东湖新技术开发区" if "武汉" in name else "深圳市南山区"
            platform.served_places = "崇阳县工业园区"
        served = []
        if domain == Domain.INDUSTRY and kind != "enterprise_station":
            served = rng.sample([u for u in units[domain] if u.kind == Unit.Kind.ENTERPRISE], k=rng.randint(2, 4))
        platform = services.save_platform(platform=platform, served_units=served, by=officer)
        PlatformStatusChange.objects.filter(platform=platform).update(on=established)
        for talent in members[1:]:
            joined = established + timedelta(days=rng.randint(0, 100))
            services.add_member(platform_pk=platform.pk, talent_pk=talent.pk, role=rng.choice(["core", "member", "member"]),
                                joined_on=min(joined, today), note="", by=officer)
    # One studio closed when its leader retired.
    closed = Platform.objects.filter(kind="teacher_studio").order_by("pk").last()
    if closed is not None:
        workflow.change_platform_status(platform_pk=closed.pk, action="dissolve", on=today - timedelta(days=30),
                                        reason="领衔人退休，工作室撤销", by=officers[Domain.EDUCATION])


def _supports(officers, created, today, rng) -> None:
    officer = officers[Domain.AGRICULTURE]
    for talent in created[Domain.AGRICULTURE]:
        if talent.category.code not in ("A01", "A02", "A03", "A04", "A05") or rng.random() < 0.3:
            continue
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(["subsidy", "subsidy", "alliance", "loan", "training"])
            support = Support(date=today - timedelta(days=rng.randint(5, 1000)), kind=kind,
                              amount=rng.choice([5000, 10000, 20000, 30000, 50000]) if kind in ("subsidy", "loan") else None,
                              partner={"subsidy": "县级产业发展奖补资金", "alliance": rng.choice(["崇阳茶产业联盟", "中药材产销合作联盟"]),
                                       "loan": "农业信贷担保贴息", "training": "高素质农民培育"}[kind])
            services.add_support(talent_pk=talent.pk, support=support, by=officer)


ORG_NAMES = [("崇阳县提琴戏艺术研究会", "association"), ("崇阳县书法家协会", "association"), ("崇阳县美术家协会", "association"),
             ("崇阳县摄影家协会", "association"), ("崇阳县音乐家协会", "association"), ("崇阳县舞蹈家协会", "association"),
             ("崇阳县民间文艺家协会", "association"), ("崇阳县老年大学艺术团", "mass_team")]
ACTIVITIES = ["送戏下乡演出", "非遗进校园", "春节文艺汇演", "书画作品展", "采风创作", "广场文艺展演", "公益培训", "“我们的节日”主题活动"]


def _organizations(officer, county, townships, units, today, rng) -> None:
    responsible = next(u for u in units[Domain.CULTURE] if "文学艺术界联合会" in u.name)
    culture_center = next(u for u in units[Domain.CULTURE] if u.name == "崇阳县文化馆")
    towns = [t for t in townships if t.kind != Region.Kind.OTHER]
    entries = [(name, kind, county, responsible) for name, kind in ORG_NAMES]
    for t in towns:
        entries.append((f"{t.name}提琴戏业余剧团", "troupe", t, culture_center))
        if rng.random() < 0.6:
            entries.append((f"{t.name}广场舞蹈队", "mass_team", t, culture_center))
    for name, kind, region, unit in entries:
        founded = date(rng.randint(1995, today.year - 1), rng.randint(1, 12), 1)
        org = services.save_organization(organization=ArtsOrganization(
            name=name, kind=kind, responsible_unit=unit, region=region, members_count=rng.randint(12, 120), founded_on=founded,
            leader_name=rng.choice(SURNAMES) + rng.choice(GIVEN_M + GIVEN_F), phone=f"1{rng.choice('358')}{rng.randrange(10**8, 10**9)}",
        ), by=officer)
        registered_on = today - timedelta(days=rng.randint(300, 700))
        OrgStateChange.objects.filter(organization=org).update(on=registered_on)
        ArtsOrganization.objects.filter(pk=org.pk).update(state_date=registered_on)
        for _ in range(rng.randint(1, 5)):
            services.add_activity(organization_pk=org.pk, activity=OrgActivity(
                date=today - timedelta(days=rng.randint(1, 290)), title=rng.choice(ACTIVITIES), place=region.name,
                participants=rng.randint(20, 600)), by=officer)
        if rng.random() < 0.55:
            workflow.change_org_state(organization_pk=org.pk, action="regulate", on=registered_on + timedelta(days=rng.randint(30, 250)),
                                      by=officer)
    last = ArtsOrganization.objects.order_by("pk").last()
    if last is not None and last.state != ArtsOrganization.State.DISSOLVED:
        workflow.change_org_state(organization_pk=last.pk, action="dissolve", on=today, reason="长期未开展活动，经清理予以注销",
                                  by=officer)
