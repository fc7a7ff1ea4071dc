"""Listing photos: type sniffed from the content, re-encoded by Pillow, all metadata dropped.

Only pixels survive: EXIF (with GPS), XMP, ICC and comments are not copied into
the new JPEG. The original upload is never stored.
"""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
LARGE, THUMBNAIL = 1600, 400
# What a photo needs: 50 megapixels covers the high-resolution mode of today's phone cameras. Pillow only
# warns at its limit and refuses at twice it, so the limit is checked here before any pixel is decoded
# (an 81-megapixel PNG of 79 KB cost the web process ~320 MB).
MAX_PIXELS = 50_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def _jpeg(image, size):
    copy = image.copy()
    copy.thumbnail((size, size))
    out = io.BytesIO()
    copy.save(out, format="JPEG", quality=85, optimize=True)  # no exif=…: nothing is carried over
    return out.getvalue()


def process(upload):
    """(large, thumbnail) as ContentFiles, or a German ValidationError; nothing is stored here."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("Das Foto ist größer als 10 MB."))
    try:
        with Image.open(upload) as probe:
            kind = probe.format
            if kind not in ALLOWED_FORMATS:  # before decoding anything of a GIF, BMP or TIFF
                raise ValidationError(_("Bildformat %(kind)s wird nicht angenommen (erlaubt sind JPEG, PNG und "
                                        "WebP).") % {"kind": kind})
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise Image.DecompressionBombError
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.draft("RGB", (LARGE, LARGE))  # JPEG: decode at reduced scale, a fraction of the memory
            image.load()
            image = ImageOps.exif_transpose(image).convert("RGB")
    except Image.DecompressionBombError:
        raise ValidationError(_("Das Foto hat mehr als %(mp)d Megapixel; bitte verkleinern.")
                              % {"mp": MAX_PIXELS // 1_000_000}) from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValidationError(_("Die Datei ist kein lesbares Bild (erlaubt sind JPEG, PNG und WebP).")) from None
    stem = "foto"
    return ContentFile(_jpeg(image, LARGE), name=f"{stem}.jpg"), ContentFile(_jpeg(image, THUMBNAIL),
                                                                           name=f"{stem}-klein.jpg")
