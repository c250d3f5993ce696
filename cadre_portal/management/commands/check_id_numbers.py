"""Find stored resident ID numbers that the one parsing function would not produce.

Every model of people (``PersonFields`` and the registries of ``cadre_portal.identity``)
is checked for numbers that are not exactly 17 ASCII digits and an ASCII digit or X
— non-ASCII digits, full-width characters, spaces, invisible characters, lower-case x
— which would let one person be recorded twice and hide from the ID search.
``--full`` also checks every number's check digit and birth date.

``--fix`` rewrites a number whose normalised spelling (``idcard.parse``) is valid,
unless that would duplicate another open record (then it is reported, for a person
to decide); each fix is audited with its count. The exit status is 1 when problems
remain, so cron or CI can alert.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction

from cadre_portal import idcard
from cadre_portal.people import PersonFields

CANONICAL = r"^[0-9]{17}[0-9X]$"


def person_models() -> list[tuple[type, str]]:
    """(model, id field) for every concrete model holding resident ID numbers."""
    found: dict[type, str] = {}
    for model in apps.get_models():
        if (issubclass(model, PersonFields) and model._meta.managed and not model._meta.abstract
                and not model.__name__.startswith("Historical")):
            found[model] = "id_number"
    try:
        from cadre_portal import identity

        for registry in identity.registries():
            found.setdefault(registry.model_class(), registry.id_field)
    except ImportError:  # pragma: no cover - the identity registry is optional
        pass
    return sorted(found.items(), key=lambda item: item[0]._meta.label)


class Command(BaseCommand):
    help = "检查已存储的身份证号码是否为规范写法（半角数字和 X）；--fix 改正可以改正的号码。"

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="把能规范化为有效号码的记录改为规范写法（记入审计日志）。")
        parser.add_argument("--full", action="store_true", help="同时核对每个号码的校验位和出生日期。")

    def handle(self, *args, fix=False, full=False, **options):
        problems = fixed = 0
        fixed_rows: list[str] = []
        for model, field in person_models():
            label = model._meta.verbose_name
            qs = model._base_manager.exclude(**{f"{field}__regex": CANONICAL}).exclude(**{field: ""})
            if full:
                rows = model._base_manager.exclude(**{field: ""}).values_list("pk", field).iterator(chunk_size=5000)
            else:
                rows = qs.values_list("pk", field).iterator(chunk_size=5000)
            for pk, number in rows:
                try:
                    info = idcard.parse(number)
                except idcard.IDNumberError as exc:
                    problems += 1
                    self.stdout.write(f"{label} #{pk}：{idcard.mask(number)}：{exc}")
                    continue
                if info.number == number:
                    continue
                if not fix:
                    problems += 1
                    self.stdout.write(f"{label} #{pk}：{idcard.mask(number)} 不是规范写法，应为 {idcard.mask(info.number)}（可用 --fix 改正）")
                    continue
                try:
                    with transaction.atomic():
                        model._base_manager.filter(pk=pk).update(**{field: info.number})
                except IntegrityError:
                    problems += 1
                    self.stdout.write(f"{label} #{pk}：规范写法 {idcard.mask(info.number)} 与另一条在办记录重复，请人工核对后处理。")
                    continue
                fixed += 1
                fixed_rows.append(f"{model._meta.label}#{pk}")
                self.stdout.write(f"{label} #{pk}：已改为规范写法 {idcard.mask(info.number)}")
        if fixed:
            from cadre_portal.audit import record
            from cadre_portal.models import AuditEvent

            record(AuditEvent.Kind.OTHER, summary=f"身份证号码规范化：改正 {fixed} 条", count=fixed, records=fixed_rows[:1000],
                   command="check_id_numbers")
        self.stdout.write(f"检查完毕：改正 {fixed} 条，待处理 {problems} 条。")
        if problems:
            raise CommandError(f"有 {problems} 条身份证号码需要处理。", returncode=1)
