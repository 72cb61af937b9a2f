"""Uploads: size before reading, type from content, images re-encoded, files kept private."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.checks import private_storage_outside_web_root
from core.uploads import (
    MAX_IMAGE_PIXELS,
    PDF,
    SizeLimitedUploadHandler,
    clean_upload,
    private_storage,
)
from partners.models import Agreement
from partners.services import agreement_attach_document, agreement_create
from tests.core import files

pytestmark = pytest.mark.usefixtures("english")

LIMIT = 64 * 1024


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.REGIA_UPLOAD_MAX_BYTES = LIMIT


class FileThatMustNotBeRead:
    """An upload that claims a size and fails the test if anyone reads or rewinds it."""

    name = "protocollo.pdf"

    def __init__(self, size):
        self.size = size

    def read(self, *args):
        raise AssertionError("the file was read before its size was checked")

    seek = chunks = open = read


def upload(content: bytes, name: str = "document.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refusal(uploaded) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        clean_upload(uploaded)
    return error.value


def test_file_over_the_limit_is_refused_before_being_read():
    error = refusal(FileThatMustNotBeRead(size=LIMIT + 1))

    assert error.code == "file_too_large"
    assert error.messages == ["The file is larger than 64.0\xa0KB."]


def test_file_of_unknown_size_is_refused_before_being_read():
    assert refusal(FileThatMustNotBeRead(size=None)).code == "file_too_large"


def test_file_of_exactly_the_limit_is_accepted():
    content = files.PDF + b"%" * (LIMIT - len(files.PDF))

    cleaned = clean_upload(upload(content))

    assert cleaned.size == LIMIT


def test_empty_file_is_refused():
    error = refusal(upload(b""))

    assert (error.code, error.messages) == ("file_empty", ["The file is empty."])


@pytest.mark.parametrize(
    ("content", "name"),
    [
        pytest.param(files.EXE, "protocollo.pdf", id="exe-renamed-pdf"),
        pytest.param(files.HTML, "protocollo.pdf", id="html-renamed-pdf"),
        pytest.param(files.SVG, "foto.png", id="svg-with-script-renamed-png"),
        pytest.param(b"Just some notes\n", "notes.jpg", id="text-renamed-jpg"),
    ],
)
def test_type_comes_from_the_content_not_the_name(content, name):
    error = refusal(SimpleUploadedFile(name, content, content_type="application/pdf"))

    assert error.code == "file_type"
    assert error.messages == ["This kind of file is not accepted (only PDF, PNG, JPG)."]


def test_accepted_kinds_can_be_narrowed():
    with pytest.raises(ValidationError, match=r"\(only PDF\)"):
        clean_upload(upload(files.png_with_text(), "scan.png"), kinds=(PDF,))


def test_pdf_is_kept_as_it_is_under_a_random_name():
    cleaned = clean_upload(upload(files.PDF, "Protocollo Telecom Fastweb.pdf"))

    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", cleaned.name)
    assert cleaned.read() == files.PDF


def test_pdf_bytes_named_png_are_stored_as_pdf():
    cleaned = clean_upload(upload(files.PDF, "image.png"))

    assert cleaned.name.endswith(".pdf")


def test_jpeg_loses_its_exif_and_gps_position():
    original = files.jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)

    cleaned = clean_upload(upload(original, "foto.jpg"))

    content = cleaned.read()
    with Image.open(io.BytesIO(content)) as image:
        assert (image.format, image.size) == ("JPEG", (40, 20))
        assert len(image.getexif()) == 0
        assert "exif" not in image.info
    assert b"Exif" not in content
    assert files.SECRET_AUTHOR.encode() not in content
    assert cleaned.name.endswith(".jpg")


def test_photo_taken_sideways_comes_out_upright():
    # EXIF orientation 6: the camera was turned; viewers rotate it by 90°.
    cleaned = clean_upload(upload(files.jpeg_with_gps(size=(40, 20), orientation=6), "f.jpg"))

    with Image.open(io.BytesIO(cleaned.read())) as image:
        assert image.size == (20, 40)


def test_png_is_re_encoded_without_its_text_chunks():
    original = files.png_with_text()

    cleaned = clean_upload(upload(original, "schema.png"))

    content = cleaned.read()
    assert content != original
    assert files.SECRET_AUTHOR.encode() not in content
    with Image.open(io.BytesIO(content)) as image, Image.open(io.BytesIO(original)) as before:
        assert image.format == "PNG"
        assert "Author" not in image.info
        assert image.tobytes() == before.convert(image.mode).tobytes()


@pytest.mark.parametrize(
    ("width", "height", "code"),
    [
        pytest.param(8000, 8000, "image_too_large", id="over-our-limit"),
        # Pillow itself refuses to open an image of more than twice its own limit.
        pytest.param(20000, 20000, "image_invalid", id="over-pillows-limit"),
    ],
)
def test_decompression_bomb_is_refused_before_it_is_decoded(width, height, code):
    assert width * height > MAX_IMAGE_PIXELS

    error = refusal(upload(files.png_claiming(width, height), "bomb.png"))

    assert error.code == code


def test_broken_image_is_refused():
    error = refusal(upload(b"\xff\xd8\xff\xe0" + b"garbage" * 20, "foto.jpg"))

    assert (error.code, error.messages) == ("image_invalid", ["The image cannot be read."])


@pytest.mark.django_db
def test_stored_documents_live_in_private_storage_only(manager, municipality, client):
    agreement = agreement_create(
        actor=manager,
        signatories=[(municipality, "promoter")],
        document=upload(files.PDF, "protocollo.pdf"),
        kind=Agreement.Kind.MEMORANDUM,
        title="Protocollo d'Intesa per la banda ultralarga",
        signed_on=datetime.date(2013, 5, 20),
        valid_from=datetime.date(2013, 5, 20),
    )

    path = Path(agreement.document.path).resolve()
    assert path.is_relative_to(Path(settings.PRIVATE_STORAGE_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert path.read_bytes() == files.PDF
    assert "protocollo" not in path.name
    assert client.get(f"{settings.MEDIA_URL}{agreement.document.name}").status_code == 404
    with pytest.raises(ValueError, match="no URL"):
        agreement.document.url  # noqa: B018 - the property itself refuses


@pytest.mark.django_db
def test_refused_document_leaves_no_agreement_and_no_file(manager, municipality):
    stored_before = set(Path(settings.PRIVATE_STORAGE_ROOT).rglob("*"))

    with pytest.raises(ValidationError, match="not accepted"):
        agreement_create(
            actor=manager,
            signatories=[(municipality, "promoter")],
            document=upload(files.HTML, "protocollo.pdf"),
            kind=Agreement.Kind.MEMORANDUM,
            title="Protocollo",
            signed_on=datetime.date(2013, 5, 20),
            valid_from=datetime.date(2013, 5, 20),
        )

    assert not Agreement.objects.exists()
    assert set(Path(settings.PRIVATE_STORAGE_ROOT).rglob("*")) == stored_before


@pytest.mark.django_db
def test_replacing_a_document_removes_the_old_file_once_committed(
    manager, municipality, django_capture_on_commit_callbacks
):
    agreement = agreement_create(
        actor=manager,
        signatories=[(municipality, "promoter")],
        document=upload(files.PDF),
        kind=Agreement.Kind.MEMORANDUM,
        title="Protocollo",
        signed_on=datetime.date(2013, 5, 20),
        valid_from=datetime.date(2013, 5, 20),
    )
    old_path = Path(agreement.document.path)

    with django_capture_on_commit_callbacks(execute=True):
        agreement = agreement_attach_document(
            agreement=agreement, document=upload(files.png_with_text(), "scan.png"), actor=manager
        )

    assert not old_path.exists()
    assert Path(agreement.document.path).exists()
    assert agreement.document.name.endswith(".png")


def test_upload_handler_keeps_no_more_than_the_limit_but_knows_the_real_size(settings):
    settings.REGIA_UPLOAD_MAX_BYTES = 1000
    handler = SizeLimitedUploadHandler()
    handler.new_file("document", "huge.pdf", "application/pdf", 5000)

    for start in range(0, 5000, 700):
        handler.receive_data_chunk(b"x" * min(700, 5000 - start), start)
    uploaded = handler.file_complete(5000)

    assert uploaded.size == 5000
    uploaded.seek(0, 2)
    assert uploaded.tell() == 1000
    with pytest.raises(ValidationError, match="larger than"):
        clean_upload(uploaded)


def test_private_files_have_no_url():
    with pytest.raises(ValueError, match="no URL"):
        private_storage().url("agreements/protocollo.pdf")


def test_private_storage_inside_the_web_root_fails_the_system_checks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "media" / "private"

    [error] = private_storage_outside_web_root(None)

    assert error.id == "regia.E001"
