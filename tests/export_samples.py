"""Small exports of each meeting system, written by the tests into tmp_path.

Made up, in the shapes of the real ones in ../shared/real/ (an eDoc AgendaPublishing
folder, an SBSYS publication, a publishing site's meeting JSON), each with the traps
the real ones have: eDoc's `&#xC;` and its mixed CR/CRLF line ends, items out of
order, and in every format an item the system marks as not public whose text must
never reach the index.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from reportlab.pdfgen import canvas

FIXTURES = Path(__file__).parent / "fixtures" / "exports"
SECRET = "Hemmeligholdt"  # a word only the text of the closed items holds


def write_pdf(path: Path, *lines: str) -> Path:
    """A one-page PDF with a text layer."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf = canvas.Canvas(str(path))
    y = 800
    for line in lines or ("Bilag",):
        pdf.drawString(60, y, line)
        y -= 16
    pdf.save()
    return path


# -- eDoc -------------------------------------------------------------------------------

_EDOC_ITEM = """        <MeetingAgendaItem>
          <AgendaItemNumber>{number}</AgendaItemNumber>
          <PDFDocument>{pdf}</PDFDocument>
          <Document documentid="{number}00">
            <Title>{title}</Title>
            <NeutralTitle>{neutral}</NeutralTitle>
            <PublishingType>{publishing}</PublishingType>
            <AgendaItems>
              <AgendaItem>
                <Name>{title}</Name>
                <Committee>Teknik- og Miljøudvalget</Committee>
                <AgendaType>{agenda_type}</AgendaType>
                <AgendaItemNumber>{number}</AgendaItemNumber>
              </AgendaItem>
            </AgendaItems>
            <Attachments>{attachments}</Attachments>
          </Document>
          <FullText>{full_text}</FullText>
        </MeetingAgendaItem>
"""

_EDOC_ATTACHMENT = """
              <Attachment>
                <Title>{title}</Title>
                <PDFDocument>{pdf}</PDFDocument>
                <PublishingType>{publishing}</PublishingType>
                <FullText>{title}</FullText>
              </Attachment>"""


def _edoc_full_text(*lines: str) -> str:
    """An item's FullText as eDoc writes it: a form feed as a character reference,
    Word's paragraphs ending in CR, some lines in CRLF."""
    text = "&#xC;\r\n" + "\r".join(lines) + "\r\n\r\n&#xC;"
    return text


EDOC_ITEMS = {
    "1": "Meddelelser",
    "2": "Trafiksikkerhedsplan 2024 - anlægsbevilling",
    "3": "Salg af grund på Industrivej",  # not to be published
    "4": "Personalesag",  # on the closed agenda: its neutral title
}


def make_edoc_folder(folder: Path) -> Path:
    """An eDoc AgendaPublishing folder: the XML, the whole minutes, one PDF per item and
    an attachment. Returns the XML's path."""
    folder.mkdir(parents=True, exist_ok=True)
    item2 = _edoc_full_text(
        "2.\tTrafiksikkerhedsplan 2024 - anlægsbevilling",
        "",
        "Sagsnr.: 2024-1234",
        "Dok.nr.: 2024-56789",
        "",
        "Sammendrag",
        "Planen for trafiksikkerhed skal godkendes, så anlægsmidlerne kan frigives.",
        "",
        "Sagsfremstilling",
        "Skolevejene ved Egebjerg Skole får hævede flader og nye fodgængerfelter.",
        "Særligt om cykelstier",  # a subheading: a paragraph of its own
        "Cykelstien langs Ringvejen forlænges.",
        "",
        "Økonomiske konsekvenser og finansiering",
        "Anlægsbevillingen er på 2.500.000 kr.",
        "",
        "Bilag",
        "2024-50001 - Kort over skolevejene",
        "",
        "Indstilling",
        "Center for Trafik indstiller, at",
        "A)",
        "Trafiksikkerhedsplanen godkendes.",
        "",
        "Teknik- og Miljøudvalgets beslutning den 05.03.2024 Punkt 2",
        "Indstillingen godkendt",
        "",
        "Følgende deltog ikke i behandlingen af punktet:",
        " ",
    )
    item1 = _edoc_full_text(
        "1.\tMeddelelser",
        "Sagsnr.: 2023-98765",
        "Dok.nr.: 2024-11111",
        "a.",
        "Møder og konferencer",
        "b.",
        "Konference om klimatilpasning",
        "Bilag",
        "2024-50002 - Program for konferencen",
        "c.",
        "Redegørelse fra Vej og Park om vintertjenesten",
        "Teknik- og Miljøudvalgets beslutning den 05.03.2024 Punkt 1",
        "Taget til efterretning",
    )
    secret = _edoc_full_text(
        "3.\tSalg af grund på Industrivej",
        "Sagsnr.: 2024-4444",
        "Sagsfremstilling",
        f"{SECRET} pris for grunden.",
        "Teknik- og Miljøudvalgets beslutning den 05.03.2024 Punkt 3",
        f"{SECRET} godkendt",
    )
    closed = _edoc_full_text(
        "4.\tAfsked af medarbejder",
        "Sagsfremstilling",
        f"{SECRET} personoplysninger.",
    )
    att1 = _EDOC_ATTACHMENT.format(
        title="Kort over skolevejene", pdf="200.PDF", publishing="SKAL PUBLICERES"
    )
    att2 = _EDOC_ATTACHMENT.format(
        title=f"{SECRET} notat", pdf="201.PDF", publishing="MÅ IKKE PUBLICERES"
    )
    open_items = "".join(
        [
            # Out of order, as eDoc writes them.
            _EDOC_ITEM.format(
                number="2",
                pdf="102.PDF",
                title=EDOC_ITEMS["2"],
                neutral=EDOC_ITEMS["2"],
                publishing="SKAL PUBLICERES",
                agenda_type="Åben dagsorden",
                attachments=att1 + att2,
                full_text=item2,
            ),  # fmt: skip
            _EDOC_ITEM.format(
                number="1",
                pdf="101.PDF",
                title=EDOC_ITEMS["1"],
                neutral=EDOC_ITEMS["1"],
                publishing="SKAL PUBLICERES",
                agenda_type="Åben dagsorden",
                attachments="",
                full_text=item1,
            ),  # fmt: skip
            _EDOC_ITEM.format(
                number="3",
                pdf="103.PDF",
                title=EDOC_ITEMS["3"],
                neutral=EDOC_ITEMS["3"],
                publishing="MÅ IKKE PUBLICERES",
                agenda_type="Åben dagsorden",
                attachments="",
                full_text=secret,
            ),  # fmt: skip
        ]
    )
    closed_items = _EDOC_ITEM.format(
        number="4", pdf="104.PDF", title=f"Afsked af medarbejder {SECRET}",
        neutral=EDOC_ITEMS["4"], publishing="SKAL PUBLICERES",
        agenda_type="Lukket dagsorden", attachments="", full_text=closed,
    )  # fmt: skip
    meeting_text = "\r\n".join(
        [
            "Teknik- og Miljøudvalget",
            "Referat",
            "Åbent referat",
            "Dato: 05.03.2024",
            "tirsdag den 5. marts 2024, kl. 16:00",
            "i Mødelokale 2 på Egedal Rådhus",
            "Tilstede",
            "Anna Hansen (A) - formand",
            "Afbud/Fraværende",
            "Bent Olsen (V)",
            "INDHOLDSFORTEGNELSE",
            "Åbent referat",
            "1.\tMeddelelser\t3",
            "2.\tTrafiksikkerhedsplan 2024 - anlægsbevilling\t3",
            "Lukket referat",  # empty, right before item 1, as eDoc prints it
            "1.\tMeddelelser",
        ]
    )
    xml = f"""<?xml version="1.0"?>\r
<Meeting>\r
  <Committee>Teknik- og Miljøudvalget</Committee>\r
  <MeetingDate>05-03-2024 16:00:00</MeetingDate>\r
  <MeetingState>Referat endeligt godkendt</MeetingState>\r
  <MeetingAgendaTypes>
    <MeetingAgendaType>
      <AgendaType>Åben dagsorden</AgendaType>
      <PDFDocument>100.PDF</PDFDocument>
      <MeetingAgendaItems>
{open_items}      </MeetingAgendaItems>
      <FullText>{meeting_text}</FullText>
    </MeetingAgendaType>
    <MeetingAgendaType>
      <AgendaType>Lukket dagsorden</AgendaType>
      <PDFDocument>105.PDF</PDFDocument>
      <MeetingAgendaItems>
{closed_items}      </MeetingAgendaItems>
    </MeetingAgendaType>
  </MeetingAgendaTypes>
</Meeting>
"""
    path = folder / "eDocAgendaPublishing.xml"
    path.write_bytes(xml.encode("utf-8"))
    write_pdf(folder / "100.PDF", "Teknik- og Miljøudvalget", "Referat 05.03.2024")
    for name in ("101.PDF", "102.PDF", "103.PDF", "104.PDF", "105.PDF", "200.PDF", "201.PDF"):
        write_pdf(folder / name, name)
    return path


# -- SBSYS ------------------------------------------------------------------------------

SBSYS_DIR = FIXTURES / "Publication7"


def make_sbsys_folder(folder: Path) -> Path:
    """The unzipped publication: `Publication7/Publication7.xml` and its enclosure.
    Returns the XML's path."""
    target = folder / "Publication7"
    shutil.copytree(SBSYS_DIR, target)
    write_pdf(target / "Enclosures" / "1.pdf", "Tilbud på cykelparkering")
    return target / "Publication7.xml"


def make_sbsys_zip(folder: Path) -> Path:
    """The same publication as SBSYS ships it: a zip of the folder."""
    unzipped = make_sbsys_folder(folder / "unzipped")
    path = folder / "udvalg-2024-04-10-Publication7.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(unzipped.parent.rglob("*")):
            archive.write(file, file.relative_to(unzipped.parent.parent))
    shutil.rmtree(folder / "unzipped")
    return path


# -- a publishing site's meeting JSON -----------------------------------------------------

PUBLISHING_JSON = FIXTURES / "dagsordener.egedal.dk" / "moeder" / "Byråd_2024-05-27_m1.json"


def make_publishing_mirror(folder: Path, with_attachment: bool = True) -> Path:
    """The meeting as the fetcher mirrors it: `<host>/moeder/<meeting>.json`, its
    attachment in `<host>/bilag/<id>.pdf`. Returns the JSON's path."""
    site = folder / "dagsordener.egedal.dk"
    shutil.copytree(FIXTURES / "dagsordener.egedal.dk", site)
    if with_attachment:
        write_pdf(site / "bilag" / "b0000001-0000-4000-8000-000000000001.pdf", "Bilag")
    return site / "moeder" / PUBLISHING_JSON.name
