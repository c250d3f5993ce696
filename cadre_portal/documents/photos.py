"""Photos on the form: checked and normalised to JPEG before they are stored or written.

The ``.lrmx`` file carries the photo as base64 JPEG; the form prints it in a
25 × 35 mm box. A photo is refused when it is too large in bytes or pixels
(a decompression bomb), or is not an image at all; PNG, BMP or GIF photos are
converted to JPEG.
"""

from __future__ import annotations

import io
import warnings

from django.conf import settings
from PIL import Image, UnidentifiedImageError

from cadre_portal.documents.formdata import FormValueError

# Largest photo stored or read: an ID photo is 20-200 KB.
DEFAULT_MAX_PHOTO_BYTES = 2 * 1024 * 1024
# Pixels a photo may have (a 35 mm photo at 600 dpi is ~ 600 x 830).
MAX_PHOTO_PIXELS = 25_000_000
# Stored photos are scaled down to this height (a 35 mm box at ~ 450 dpi).
STORED_MAX_HEIGHT = 630


def max_photo_bytes() -> int:
    return int(getattr(settings, "DOCUMENTS_MAX_PHOTO_BYTES", DEFAULT_MAX_PHOTO_BYTES))


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def normalize(data: bytes | None, *, label: str = "照片") -> tuple[bytes | None, list[str]]:
    """(JPEG bytes or None, notes for the user). Raises FormValueError for a photo
    that must be refused."""
    if not data:
        return None, []
    if len(data) > max_photo_bytes():
        raise FormValueError(f"{label}为 {_size(len(data))}，超过上限 {_size(max_photo_bytes())}，请压缩后再导入。")
    notes: list[str] = []
    too_many = FormValueError(f"{label}的像素过多，请缩小后再导入。")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_PHOTO_PIXELS:
                raise too_many
            fmt = image.format
            image.load()
    except FormValueError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise FormValueError(f"{label}不是可以识别的图片（应为 JPEG 格式）。") from None
    if fmt == "JPEG" and image.mode in ("RGB", "L"):
        return data, notes
    converted = io.BytesIO()
    image.convert("RGB").save(converted, format="JPEG", quality=90)
    notes.append(f"{label}原为 {fmt or '未知'} 格式，已转换为 JPEG。")
    return converted.getvalue(), notes


def for_storage(data: bytes) -> bytes:
    """A JPEG no taller than needed for the printed box (uploads from cameras are large)."""
    image = Image.open(io.BytesIO(data))
    if image.height <= STORED_MAX_HEIGHT and image.format == "JPEG":
        return data
    image = image.convert("RGB")
    if image.height > STORED_MAX_HEIGHT:
        ratio = STORED_MAX_HEIGHT / image.height
        image = image.resize((max(1, round(image.width * ratio)), STORED_MAX_HEIGHT), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88)
    return out.getvalue()


def dimensions(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size
