from django.apps import AppConfig


class ExcelConfig(AppConfig):
    name = "cadre_portal.excel"
    label = "excel"
    verbose_name = "Excel 导入导出"
