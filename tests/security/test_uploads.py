"""Uploads: refused by size before the body is read, not world-readable, no decompression bomb (issue 15)."""

import io
import stat

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from registry.listings import photos

pytestmark = pytest.mark.django_db


class Unreadable(io.RawIOBase):
    """A body that must never be read."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readinto = read


def test_an_oversized_upload_is_refused_from_its_header(client, users, settings):
    client.force_login(users["stadt-erfurt"])
    size = (settings.IMPORT_MAX_MB + 5) * 1024 * 1024
    response = client.generic("POST", "/import/", b"", content_type="multipart/form-data; boundary=x",
                              CONTENT_LENGTH=str(size), **{"wsgi.input": Unreadable()})
    assert response.status_code == 413
    assert "größer als" in response.content.decode()


def test_an_import_upload_is_readable_by_the_app_only(client, users, settings, tmp_path):
    settings.IMPORT_UPLOADS = tmp_path / "uploads"
    from registry.places.models import Municipality

    client.force_login(users["stadt-erfurt"])
    erfurt = Municipality.objects.get(ags="16051000")
    content = "Straße;Hausnr.;Status\nAnger;1;leer\n".encode()
    client.post("/import/", {"municipality": erfurt.pk, "file": SimpleUploadedFile("erhebung.csv", content)})
    files = list(settings.IMPORT_UPLOADS.rglob("erhebung.csv"))
    assert files
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0
        assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0


def test_uploaded_photos_are_not_world_readable(settings):
    assert settings.FILE_UPLOAD_PERMISSIONS & 0o007 == 0
    assert settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS & 0o007 == 0


def test_an_81_megapixel_png_is_refused_before_decoding():
    out = io.BytesIO()
    Image.new("1", (9000, 9000)).save(out, "PNG")  # 81 MP in a few kilobytes
    upload = SimpleUploadedFile("gross.png", out.getvalue(), content_type="image/png")
    with pytest.raises(ValidationError, match="Megapixel"):
        photos.process(upload)


def test_a_phone_photo_still_fits():
    out = io.BytesIO()
    Image.new("RGB", (8000, 6000), "grey").save(out, "JPEG", quality=30)  # 48 MP, a phone's high-res mode
    large, thumbnail = photos.process(SimpleUploadedFile("handy.jpg", out.getvalue(), content_type="image/jpeg"))
    with Image.open(large) as image:
        assert max(image.size) == photos.LARGE


def test_an_xlsx_with_an_entity_bomb_is_refused(tmp_path):
    """An XML "billion laughs" inside a survey workbook: refused as unreadable, not expanded."""
    import zipfile

    import openpyxl

    from registry.imports import readers

    plain = tmp_path / "plain.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Straße", "Hausnr."])
    book.active.append(["Anger", "1"])
    book.save(plain)
    bomb = tmp_path / "erhebung.xlsx"
    laughs = '<!DOCTYPE x [<!ENTITY a "lol">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)) + "]>"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(bomb, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if b">Anger<" in data:  # the shared strings (or the sheet, if written inline)
                text = data.decode()
                head, rest = text.split("?>", 1) if text.startswith("<?xml") else ("", text)
                data = ((head + "?>" if head else "") + laughs + rest.replace(">Anger<", ">&j;<", 1)).encode()
            target.writestr(item, data)
    with pytest.raises(readers.ImportFileError):
        list(readers.read(bomb).records())
