"""Checking an uploaded annex: its name, its size and its type, read from its content.

An annex is accepted only when its content is what its name says: a PDF starts with %PDF-, a
PNG and a JPEG with their signatures, and a .docx, .xlsx or .odt is a zip archive that passes
the same zip-bomb limits as imported workbooks (procure.ingest.reading.check_xlsx_archive) and
whose own type entry names a Word document, an Excel workbook or an OpenDocument text. Files
with macros are refused. Nothing is unpacked beyond the one small type entry, and no XML is
parsed: the entry is searched for the exact content type.

Names are sanitised: a name with folders in it is refused, control and formatting characters
(such as a right-to-left override that hides the real extension) are dropped, and the name is
shortened to fit.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from procure.errors import N_, UserError
from procure.ingest import ImportFileError
from procure.ingest.reading import check_xlsx_archive

MAX_NAME_LENGTH = 150
MAX_TYPE_ENTRY = 1024**2  # [Content_Types].xml or mimetype: a few kB in real files
PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
ZIP_MAGIC = b"PK\x03\x04"
OOXML_MAIN = {
    "docx": b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
MACRO_MARKERS = (b"macroEnabled", b"vbaProject", b"vnd.ms-office.activeX")


@dataclass(frozen=True)
class AnnexType:
    kind: str
    media_type: str
    extensions: tuple[str, ...]


TYPES = {
    "pdf": AnnexType("pdf", "application/pdf", (".pdf",)),
    "docx": AnnexType("docx", "application/vnd.openxmlformats-officedocument."
                              "wordprocessingml.document", (".docx",)),
    "xlsx": AnnexType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      (".xlsx",)),
    "odt": AnnexType("odt", "application/vnd.oasis.opendocument.text", (".odt",)),
    "png": AnnexType("png", "image/png", (".png",)),
    "jpeg": AnnexType("jpeg", "image/jpeg", (".jpg", ".jpeg")),
}
BY_EXTENSION = {extension: kind for kind, annex_type in TYPES.items()
                for extension in annex_type.extensions}
ACCEPT = ",".join(sorted(BY_EXTENSION))  # for the file input's accept attribute


class AnnexFileError(UserError):
    """An uploaded annex that is refused: the message says why."""


@dataclass(frozen=True)
class CheckedAnnex:
    filename: str
    kind: str
    media_type: str
    content: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def format_size(size: int, language: str = "nb") -> str:
    """A file size for people, counted in 1024s as file managers do: 830 B, 12 kB, 4.2 MB,
    20 MB (with a decimal comma in bokmål)."""
    if size < 1024:
        text = f"{size} B"
    elif size < 1024**2:
        text = f"{max(1, round(size / 1024))} kB"
    else:
        text = f"{size / 1024**2:.1f}".removesuffix(".0") + " MB"
    return text.replace(".", ",") if language == "nb" else text


def clean_filename(name: str | None) -> str:
    """The name to store and show: no folders, no control or formatting characters, NFC,
    single spaces, no leading dots, at most MAX_NAME_LENGTH characters with its extension."""
    name = (name or "").strip()
    if not name:
        raise AnnexFileError(N_("Choose a file to upload."))
    if "/" in name or "\\" in name or name in (".", ".."):
        raise AnnexFileError(N_("The file name must be a name only, without folders: "
                                "%(name)s."), name=_shown(name))
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C"
                   and unicodedata.category(ch) not in ("Zl", "Zp"))
    name = " ".join(name.split()).lstrip(". ").rstrip(". ")
    path = PurePath(name)
    stem, suffix = path.stem, path.suffix.lower()
    if not stem or not suffix:
        raise _unknown_type()
    stem = stem[: MAX_NAME_LENGTH - len(suffix)].rstrip(". ")
    return f"{stem}{suffix}"


def _shown(name: str) -> str:
    """A refused name as the message shows it: printable and not too long."""
    printable = "".join(ch for ch in name if ch.isprintable())
    return printable if len(printable) <= 80 else printable[:79] + "…"


def _unknown_type() -> AnnexFileError:
    return AnnexFileError(N_("Upload a PDF, a Word document (.docx), an Excel workbook (.xlsx), "
                             "an OpenDocument text (.odt) or an image (.png, .jpg)."))


def check_annex(stream: IO[bytes], filename: str | None, *, max_bytes: int) -> CheckedAnnex:
    """The annex, checked: refused with an AnnexFileError when the name, size or content is
    not acceptable."""
    name = clean_filename(filename)
    claimed = BY_EXTENSION.get(PurePath(name).suffix.lower())
    if claimed is None:
        raise _unknown_type()
    content = stream.read(max_bytes + 1)
    if not content:
        raise AnnexFileError(N_("The file is empty."))
    if len(content) > max_bytes:
        raise AnnexFileError(N_("The file is too large: at most %(max)s."),
                             max=format_size(max_bytes))
    found = content_kind(content)
    if found != claimed:
        raise AnnexFileError(N_("The file's content does not match its name: %(name)s is not "
                                "a real %(type)s file."),
                             name=name, type=claimed.upper() if claimed != "jpeg" else "JPEG")
    return CheckedAnnex(name, claimed, TYPES[claimed].media_type, content,
                        hashlib.sha256(content).hexdigest())


def content_kind(content: bytes) -> str | None:
    """The annex type the content is, whatever its name says; None when it is none of them."""
    if content.startswith(PDF_MAGIC):
        return "pdf"
    if content.startswith(PNG_MAGIC):
        return "png"
    if content.startswith(JPEG_MAGIC):
        return "jpeg"
    if content.startswith(ZIP_MAGIC):
        return _archive_kind(content)
    return None


def _archive_kind(content: bytes) -> str | None:
    stream = io.BytesIO(content)
    try:
        check_xlsx_archive(stream)  # member count, unpacked size, packing ratio
    except ImportFileError:
        raise AnnexFileError(N_("The file was refused: it is a damaged archive, or it unpacks "
                                "to far more than it weighs.")) from None
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            by_name = {member.filename: member for member in members}
            if members and members[0].filename == "mimetype":
                return "odt" if _read(archive, members[0]).strip() == ODT_MIMETYPE else None
            types = by_name.get("[Content_Types].xml")
            if types is None:
                return None
            entry = _read(archive, types)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise AnnexFileError(N_("The file was refused: it is a damaged archive, or it unpacks "
                                "to far more than it weighs.")) from None
    if any(marker in entry for marker in MACRO_MARKERS) or any(
            name.lower().endswith("vbaproject.bin") for name in by_name):
        raise AnnexFileError(N_("Files with macros are not accepted: save the document as an "
                                "ordinary .docx or .xlsx file."))
    for kind, main in OOXML_MAIN.items():
        if b'ContentType="' + main + b'"' in entry:
            return kind
    return None


def _read(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    if member.file_size > MAX_TYPE_ENTRY:
        raise ValueError("type entry too large")
    with archive.open(member) as handle:
        return handle.read(MAX_TYPE_ENTRY + 1)
