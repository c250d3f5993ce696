"""No silent destruction through the admin.

Deleting a reserve cadre in the admin used to cascade through transitions, attendance,
appraisals and the pool entry with no audit entry. Registry records are withdrawn or
archived through their workflows; the admin's delete is kept only as an administrator's
explicit **purge**:

- only a portal administrator (``User.is_portal_admin``) sees the delete button and the
  bulk action, relabelled “彻底删除…（记入审计日志）”; for anyone else deleting is refused;
- Django's confirmation page lists every record the purge removes, related ones included,
  with a count per kind, and asks to confirm;
- the purge and its audit entry commit together: the entry names the records (up to
  ``MAX_NAMES``) and counts every kind removed, cascades included.

``guard_admin_site`` applies this to every ModelAdmin of the portal's apps (run from
``CadrePortalConfig.ready`` after the admin autodiscovered them, so an app's admin needs
no change and a new app is covered the day it lands); ``cadre_portal/tests/test_purge.py``
checks no admin of those apps escapes it.
"""

from __future__ import annotations

from django.contrib.admin.utils import NestedObjects
from django.db import router, transaction

PROJECT_APPS = ("cadre_portal", "notifications", "excel", "dashboards", "documents", "figures",
                "reserves", "youth_cadres", "talents", "retention")
MAX_NAMES = 200


def removal_counts(objs, model) -> dict[str, int]:
    """What deleting ``objs`` removes, cascades included: {Chinese plural name: count}."""
    collector = NestedObjects(using=router.db_for_write(model))
    collector.collect(list(objs))
    counts: dict[str, int] = {}
    for related_model, instances in collector.model_objs.items():
        if related_model._meta.auto_created:  # many-to-many link rows
            continue
        name = str(related_model._meta.verbose_name_plural)
        counts[name] = counts.get(name, 0) + len(instances)
    return counts


def record_purge(*, request, model, objs, counts) -> None:
    from cadre_portal import audit
    from cadre_portal.models import AuditEvent

    names = [str(o) for o in objs]
    label = str(model._meta.verbose_name_plural)
    own = counts.get(label, len(names))
    others = "，".join(f"{k} {v} 条" for k, v in counts.items() if k != label)
    summary = f"彻底删除{label} {own} 条：{'、'.join(names[:10])}{'等' if len(names) > 10 else ''}"
    if others:
        summary += f"（连带删除 {others}）"
    audit.record(
        AuditEvent.Kind.PURGE, user=request.user, request=request, summary=summary,
        model=model._meta.label, count=own, names=names[:MAX_NAMES], ids=[o.pk for o in objs][:MAX_NAMES],
        counts=counts,
    )


class AuditedPurgeMixin:
    """A ModelAdmin whose delete is an administrator's audited purge (see the module)."""

    audited_purge = True

    def has_delete_permission(self, request, obj=None):
        user = request.user
        if not (user.is_active and getattr(user, "is_portal_admin", False)):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            func, name, _ = actions["delete_selected"]
            actions["delete_selected"] = (
                func, name, f"彻底删除所选{self.model._meta.verbose_name_plural}（仅限系统管理员，记入审计日志）")
        return actions

    def delete_model(self, request, obj):
        with transaction.atomic(using=router.db_for_write(self.model)):
            counts = removal_counts([obj], self.model)
            record_purge(request=request, model=self.model, objs=[obj], counts=counts)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic(using=router.db_for_write(self.model)):
            objs = list(queryset)
            counts = removal_counts(objs, self.model)
            record_purge(request=request, model=self.model, objs=objs, counts=counts)
            super().delete_queryset(request, queryset)


def guard_admin_site(site) -> int:
    """Give every ModelAdmin of the portal's apps the audited purge; returns how many."""
    guarded = 0
    for model, model_admin in list(site._registry.items()):
        if model._meta.app_label not in PROJECT_APPS or isinstance(model_admin, AuditedPurgeMixin):
            continue
        cls = type(model_admin)
        guarded_cls = type(cls.__name__, (AuditedPurgeMixin, cls), {"__module__": cls.__module__})
        site._registry[model] = guarded_cls(model, site)
        guarded += 1
    return guarded
