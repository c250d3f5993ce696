"""Round-trip sample of the retention registries: measures with and without amounts
(one lowered with its reason), exported and re-imported unchanged by county staff."""

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
