"""Round-trip samples of the talents registries (see ``cadre_portal.excel.testing``): each
domain's talents (one recruited against the plan, one who has since left), platforms with
members, plan lines, arts organizations (one dissolved)."""

from datetime import date

from cadre_portal.excel.testing import RoundTrip, roundtrip_sample
from talents import domains, services, workflow
from talents.tests import builders as b


def _domain_sample(domain):
    def sample(personas):
        officer = personas.officer_of(domain)
        b.talent(personas, domain, name="在岗人才")
        left = b.talent(personas, domain, name="调出人才", post="=调出前岗位")
        workflow.change_talent_status(talent_pk=left.pk, action="transfer_out", on=date.today(), reason="调往市直单位",
                                      by=officer)
        return [RoundTrip(user=officer)]

    return sample


for _key in domains.keys():
    roundtrip_sample(f"talents_{_key}")(_domain_sample(_key))


@roundtrip_sample("talent_platforms")
def platforms(personas):
    lead = b.talent(personas, "medical")
    studio = b.platform(personas, "medical", leader=lead, established_on=date(2022, 1, 1))
    services.add_member(platform_pk=studio.pk, talent_pk=b.talent(personas, "medical").pk, role="member", joined_on=None,
                        by=personas.medical_officer)
    return [RoundTrip(user=personas.medical_officer)]


@roundtrip_sample("talent_plans")
def plans(personas):
    b.plan(personas, "medical", lines=[(None, "专项招引", 3), (None, "定向招聘", 2)])
    return [RoundTrip(user=personas.medical_officer)]


@roundtrip_sample("talent_arts_orgs")
def arts_organizations(personas):
    b.organization(personas, region=personas.tree.township_b, members_count=12, founded_on=date(2010, 1, 1), leader_name="吴某")
    gone = b.organization(personas, name="已注销剧团")
    workflow.change_org_state(organization_pk=gone.pk, action="dissolve", on=date.today(), reason="长期不活动",
                              by=personas.culture_officer)
    return [RoundTrip(user=personas.culture_officer)]
