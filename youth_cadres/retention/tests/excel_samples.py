"""Round-trip samples of the retention registries, exported and re-imported unchanged:
measures with and without amounts (one lowered with its reason); interviews of a young
cadre and a reserve cadre (one with the unit heard); demands in every status (a pay
demand resolved with its rise, one unresolvable, one in hand, one raised)."""

from datetime import date, timedelta

from cadre_portal.excel.testing import RoundTrip, roundtrip_sample
from youth_cadres.retention import codes, workflow


@roundtrip_sample("retention_measures")
def measures(personas):
    staff = personas.county_staff
    today = date.today()
    workflow.create_measure(by=staff, title="提高乡镇工作补贴标准", category=codes.item(codes.ALLOWANCE),
                            effective_on=today - timedelta(days=300), amount_before=300, amount_after=500,
                            content="=自实施之日起执行")
    workflow.create_measure(by=staff, title="调整偏远村补贴", category=codes.item(codes.ALLOWANCE),
                            effective_on=today - timedelta(days=30), amount_before="520.50", amount_after=500,
                            reduction_reason="并入绩效奖励统一发放。")
    workflow.create_measure(by=staff, title="新建乡镇干部周转房", category=codes.item(codes.HOUSING),
                            effective_on=today - timedelta(days=10))
    return [RoundTrip(user=staff), RoundTrip(user=staff, params={"category": str(codes.item(codes.HOUSING).pk)})]



def _people(personas):
    """A young cadre and a reserve cadre, both under care for a year."""
    from cadre_portal.testing import make_unit
    from youth_cadres.retention.tests import builders

    unit = make_unit("崇阳县留才样例局", personas.tree.county)
    youth = builders.youth_care(personas, unit, name="留才甲")
    reserve = builders.reserve_care(personas, personas.tree.village_a1, name="留才乙")
    return youth, reserve


@roundtrip_sample("retention_interviews")
def interviews(personas):
    from youth_cadres.retention.tests import builders

    youth, reserve = _people(personas)
    today = date.today()
    builders.interview(personas, youth, held_on=today - timedelta(days=200), intention="wants_to_leave",
                       unit_heard=True, unit_opinion="单位希望留下，建议解决住房。", state_of_mind="=考虑离开，家庭原因")
    builders.interview(personas, youth, held_on=today - timedelta(days=20), intention="settled")
    builders.interview(personas, reserve, held_on=today - timedelta(days=5), intention="asked_transfer")
    return [RoundTrip(user=personas.county_staff),
            RoundTrip(user=personas.county_staff, params={"intention": "settled"})]


@roundtrip_sample("retention_demands")
def demands(personas):
    from youth_cadres.retention.tests import builders

    youth, reserve = _people(personas)
    staff = personas.county_staff
    today = date.today()
    open_one = builders.demand(personas, youth, codes.HOUSING, content="希望解决周转房", raised_on=today - timedelta(days=60))
    workflow.add_action(demand=open_one, by=staff, on=today - timedelta(days=50), note="已联系住建局")
    pay = builders.demand(personas, youth, codes.PAY, content="+希望提高待遇", raised_on=today - timedelta(days=90))
    workflow.resolve(demand=pay, by=staff, resolution="职级晋升，每月增资", closed_on=today - timedelta(days=10), pay_rise="420.50")
    refused = builders.demand(personas, reserve, codes.MARRIAGE, content="希望帮助解决婚恋问题", raised_on=today - timedelta(days=30))
    workflow.refuse(demand=refused, by=staff, reason="本人暂无意向参加联谊活动", closed_on=today - timedelta(days=3))
    builders.demand(personas, reserve, codes.ALLOWANCE, content="补贴偏低", raised_on=today - timedelta(days=7), nature="common")
    return [RoundTrip(user=staff),
            RoundTrip(user=staff, params={"status": "open"})]
