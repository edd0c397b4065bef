"""Bahasa Indonesia first (DESIGN.md 1): the shipped catalog is complete and compiled, and the
participant pages speak Indonesian by default and English on request."""

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from core.factories import DEMO_PASSWORD
from demo.identities import HEAD_NIK
from demo.seed import seed_demo

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
ID_PO = LOCALE_DIR / "id" / "LC_MESSAGES" / "django.po"
ID_MO = LOCALE_DIR / "id" / "LC_MESSAGES" / "django.mo"
PLACEHOLDER = re.compile(r"%(?:\([A-Za-z_]+\))?[sdif%]")
KEYWORD_LINE = re.compile(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")')


@dataclass
class PoEntry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{ID_PO.name}:{self.line} {self.msgid[:60]!r}"


def _unquote(token: str) -> str:
    # A .po string is a C string literal; the escapes gettext writes are few.
    body = token.strip()[1:-1]
    return re.sub(
        r"\\(.)",
        lambda m: {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(m.group(1), m.group(1)),
        body,
    )


def parse_po(path: Path) -> list[PoEntry]:
    """A small .po reader: enough for the files makemessages writes (no obsolete entries)."""
    entries: list[PoEntry] = []
    entry: PoEntry | None = None
    target: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        keyword = line.split(" ", 1)[0]
        starts_entry = line.startswith("#") or keyword in ("msgctxt", "msgid")
        if starts_entry and (entry is None or entry.msgstr):
            entry = PoEntry(line=number)
            entries.append(entry)
            target = None
        assert entry is not None, f"{path}:{number}: text before the first entry"
        if line.startswith("#,"):
            entry.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert target is not None, f"{path}:{number}: continuation without a keyword"
            _append(entry, target, _unquote(line))
        else:
            match = KEYWORD_LINE.fullmatch(line)
            assert match, f"{path}:{number}: cannot read {line!r}"
            name, index, text = match.groups()
            target = ("msgstr", int(index or 0)) if name.startswith("msgstr") else (name, 0)
            if target[0] == "msgstr":
                entry.msgstr[target[1]] = ""
            _append(entry, target, _unquote(text))
    return entries


def _append(entry: PoEntry, target: tuple[str, int], text: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] += text
    elif name == "msgid":
        entry.msgid += text
    elif name == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + text
    else:
        entry.msgctxt = (entry.msgctxt or "") + text


@pytest.fixture(scope="module")
def id_entries() -> list[PoEntry]:
    assert ID_PO.exists(), f"{ID_PO} is missing: run makemessages -l id"
    return parse_po(ID_PO)


def test_po_reader_reads_multiline_and_flags(tmp_path: Path) -> None:
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: id\\n"\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgid ""\n"Pay %(a)s "\n"now"\nmsgstr "Bayar"\n\n'
        'msgid "x"\nmsgstr ""\n',
        encoding="utf-8",
    )

    header, pay, x = parse_po(po)

    assert header.msgstr == {0: "Language: id\n"}
    assert (pay.msgid, pay.msgstr, pay.flags) == (
        "Pay %(a)s now",
        {0: "Bayar"},
        {"fuzzy", "python-format"},
    )
    assert (x.msgid, x.msgstr) == ("x", {0: ""})


def test_every_indonesian_message_is_translated_and_not_fuzzy(id_entries: list[PoEntry]) -> None:
    messages = [e for e in id_entries if e.msgid]

    assert len(messages) > 100
    assert [e.where for e in id_entries if "fuzzy" in e.flags] == []
    assert [e.where for e in messages if not all(e.msgstr.values())] == []


def test_header_declares_indonesian_utf8(id_entries: list[PoEntry]) -> None:
    header = next(e for e in id_entries if not e.msgid).msgstr[0]

    assert "Language: id\n" in header
    assert "charset=UTF-8" in header


def test_translations_keep_the_placeholders(id_entries: list[PoEntry]) -> None:
    wrong = [
        e.where
        for e in id_entries
        if e.msgid and "python-format" in e.flags
        for s in e.msgstr.values()
        if sorted(PLACEHOLDER.findall(s)) != sorted(PLACEHOLDER.findall(e.msgid))
    ]

    assert wrong == []


def test_compiled_catalog_matches_the_po(id_entries: list[PoEntry]) -> None:
    """The .mo ships in the repository (no gettext at runtime), so it must not lag the .po."""
    with ID_MO.open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)

    stale = [
        e.where
        for e in id_entries
        if e.msgid
        and e.msgid_plural is None
        and e.msgctxt is None
        and catalog.gettext(e.msgid) != e.msgstr[0]
    ]

    assert stale == [], "run compilemessages -l id"


@pytest.mark.django_db
def test_info_peserta_is_indonesian_by_default_and_english_on_request(client: Client) -> None:
    # Given the demo head of family, logged in through the login page.
    seed_demo(log=lambda _msg: None)
    client.post(reverse("login"), {"username": HEAD_NIK, "password": DEMO_PASSWORD})

    # When they open Info Peserta without choosing a language.
    page = client.get(reverse("families:family")).content.decode()

    # Then it is in Indonesian.
    assert '<html lang="id">' in page
    assert "Info Peserta" in page
    assert "Keluar" in page
    assert "Istri/Suami" in page
    assert "Participant info" not in page

    # When they choose English.
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("families:family")}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()

    # Then the page is in English.
    assert '<html lang="en">' in page
    assert "Participant info" in page
    assert "Log out" in page
    assert "Info Peserta" not in page

    # And choosing Indonesian again brings it back.
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert "Info Peserta" in client.get(reverse("families:family")).content.decode()


@pytest.mark.django_db
def test_login_page_is_indonesian_by_default(client: Client) -> None:
    page = client.get(reverse("login")).content.decode()

    assert "Masuk ke JKN Portal" in page
    assert "Kata sandi" in page


@pytest.mark.django_db
def test_browser_language_does_not_override_indonesian_default(client: Client) -> None:
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()

    assert "Masuk ke JKN Portal" in page
