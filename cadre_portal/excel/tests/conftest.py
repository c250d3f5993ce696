import pytest


@pytest.fixture(autouse=True)
def excel_storage(settings, tmp_path):
    """Each test keeps its uploads in its own folder (checked to be emptied)."""
    settings.EXCEL_IMPORT_DIR = str(tmp_path / "excel_imports")
    settings.EXCEL_EXPORT_DIR = str(tmp_path / "excel_exports")
    return tmp_path / "excel_imports"


def stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
