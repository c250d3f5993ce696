"""Review queues: what waits for a decision, village by village, and the batch that
decides a village's whole list at once (seed: 提交县委组织部审查备案; 乡镇党委审议;
县委组织部审核备案).

A queue names the stage its people wait in, the role that decides, and the
decisions it offers (the first is the default for the village's list). Villages
come in region order; after a village is done the page moves to the next one
still waiting ("next in queue"). The decisions themselves go through
``workflow.run_batch``: one transaction, every person through their own workflow
function, all or none.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from cadre_portal.models import Region, Role
from reserves.models import Candidate, Transition

S = Candidate.Stage
A = Transition.Action


@dataclass(frozen=True)
class Queue:
    key: str
    title: str
    stage: str
    roles: tuple[str, ...]
    actions: tuple[str, ...]  # the first is the village's default decision
    action_labels: dict
    needs_date: bool = False  # the committee's meeting date

    def allows(self, user) -> bool:
        return bool(user and user.is_authenticated and user.is_active and not user.is_read_only and user.role in self.roles)

    def people(self, user, village=None):
        qs = Candidate.objects.visible_to(user).filter(stage=self.stage).select_related("village__parent")
        if village is not None:
            qs = qs.filter(village=village)
        return qs.order_by("village__path", "name_pinyin", "pk")

    def villages(self, user) -> list[dict]:
        """Villages with people waiting, in region order: pk, name, township, count."""
        rows = (
            self.people(user).order_by().values("village_id").annotate(n=Count("pk")).values_list("village_id", "n")
        )
        counts = dict(rows)
        villages = Region.objects.filter(pk__in=counts).select_related("parent").order_by("path")
        return [{"village": v, "count": counts[v.pk]} for v in villages]

    def next_village(self, user, after: Region | None = None):
        """The next village (after ``after`` in region order, wrapping round) with people waiting."""
        waiting = [row["village"] for row in self.villages(user)]
        if not waiting:
            return None
        if after is not None:
            later = [v for v in waiting if v.path > after.path]
            if later:
                return later[0]
            others = [v for v in waiting if v.pk != after.pk]
            return others[0] if others else None
        return waiting[0]


QUEUES: dict[str, Queue] = {
    q.key: q
    for q in [
        Queue("nominations", "审查备案推荐人选", S.SUBMITTED, (Role.COUNTY_STAFF,), (A.FILE, A.RETURN, A.REJECT),
              {A.FILE: "审查备案，纳入培养序列", A.RETURN: "退回乡镇修改", A.REJECT: "不予备案"}),
        Queue("final", "综合考察审核备案", S.COMMITTEE_APPROVED, (Role.COUNTY_STAFF,), (A.FINAL_FILE, A.FINAL_RETURN),
              {A.FINAL_FILE: "审核备案", A.FINAL_RETURN: "退回乡镇重新考察"}),
        Queue("committee", "乡镇党委审议综合考察结果", S.FINAL_INSPECTED, (Role.TOWNSHIP_OFFICER,), (A.COMMITTEE, A.COMMITTEE_RETURN),
              {A.COMMITTEE: "同意", A.COMMITTEE_RETURN: "不同意，退回重新考察"}, needs_date=True),
    ]
}


def for_user(user) -> list[Queue]:
    return [q for q in QUEUES.values() if q.allows(user)]
