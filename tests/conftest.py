"""Shared fixtures: a dozen hand-made agenda items, a temporary index built from them
once per test session, the Flask app over it, its test client and a CLI runner.

The items are chosen so each search feature has something to find: three committees,
three years, every status, a case spanning two meetings, an item longer than Whoosh's
default 32 KB highlighting window with its only hit near the end, and an item whose text
holds markup that must come out escaped.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from searchapp.models import AgendaItem

HOVEDSTADEN = "KKR Hovedstaden"
SJAELLAND = "KKR Sjælland"
SYDDANMARK = "KKR Syddanmark"

LONG_FILLER = (
    "Kommunerne drøfter den fælles regionale udvikling og samarbejdet om opgaverne "
    "på tværs af kommunegrænserne i hele regionen. "
)


def _item(
    source: Path, committee: str, day: str, number: str, title: str, body: str, **fields
) -> AgendaItem:
    slug = committee.lower().replace(" ", "-").replace("æ", "ae")
    return AgendaItem(
        id=f"{slug}-{day}-{number}",
        committee=committee,
        meeting_date=day,
        number=number,
        title=title,
        part=fields.pop("part", "3. Sager"),
        text=f"{number}. {title}\n{body}",
        source=str(source),
        pages=fields.pop("pages", [int(number.split(".")[0]) + 1]),
        **fields,
    )


def make_items(sources: Path) -> list[AgendaItem]:
    h25 = sources / "hovedstaden" / "kkr-hovedstaden-2025-04-11.pdf"
    h21 = sources / "hovedstaden" / "kkr-hovedstaden-2021-04-19.pdf"
    sj24 = sources / "sjaelland" / "kkr-sjaelland-2024-06-03.pdf"
    sy25 = sources / "kkr-syddanmark-2025-01-20.txt"
    long_body = LONG_FILLER * 400 + (
        "Til sidst nævnes, at gravide med rusmiddelbrug skal have et særligt tilbud."
    )
    return [
        _item(
            h25,
            HOVEDSTADEN,
            "2025-04-11",
            "3.1",
            "Ældrereformen",
            "KKR Hovedstaden drøfter ældrereformen og dialogmødet med ældreministeren.",
            presentation="Dialogmøde med ældreministeren om ældrereformen.",
            decision="Drøftet.",
            status="discussed",
            case_number="SAG-2025-01103",
        ),
        _item(
            h25,
            HOVEDSTADEN,
            "2025-04-11",
            "3.2",
            "Mobilitetsanalyse for hovedstadsområdet",
            "Analysen af mobilitet i hovedstadsområdet peger på busser og tog. "
            "Den røde løber rulles ud for investeringer.",
            recommendation="Det indstilles, at analysen godkendes.",
            decision="Godkendt.",
            status="approved",
            case_number="SAG-2025-00420",
            urls=["https://www.kl.dk/mobilitet"],
        ),
        _item(
            h25,
            HOVEDSTADEN,
            "2025-04-11",
            "3.10",
            "Gravide med rusmiddelbrug",
            "Social- og Boligstyrelsen har bevilget midler til gravide med rusmiddelbrug.",
            decision="Taget til efterretning.",
            status="noted",
        ),
        _item(
            h25,
            HOVEDSTADEN,
            "2025-04-11",
            "3.9",
            "Status på socialområdet",
            long_body,
            decision="Taget til efterretning.",
            status="noted",
        ),
        _item(
            h21,
            HOVEDSTADEN,
            "2021-04-19",
            "3.6",
            "Passagerpulsen og passagerråd",
            "Passagerpulsen giver bus og tog en stemme. <script>alert('x')</script> "
            "Se også <b>fed</b> tekst & mere.",
            decision="Godkendt.",
            status="approved",
        ),
        _item(
            h21,
            HOVEDSTADEN,
            "2021-04-19",
            "3.8",
            "Lærepladsaftale for SOSU-uddannelserne",
            "Aftalen om SOSU-uddannelserne og praktikpladser fortsætter.",
            decision="Udsat til næste møde.",
            status="postponed",
            case_number="SAG-2021-00777",
        ),
        _item(
            sj24,
            SJAELLAND,
            "2024-06-03",
            "2.1",
            "Budget for erhvervsfremme",
            "Budgettet for erhvervsfremme og anlæg i regionen.",
            decision="Afvist.",
            status="rejected",
        ),
        _item(
            sj24,
            SJAELLAND,
            "2024-06-03",
            "2.2",
            "Budget for driften",
            "Budgettet for driften i Region Sjælland.",
            decision="Godkendt.",
            status="approved",
        ),
        _item(
            sj24,
            SJAELLAND,
            "2024-06-03",
            "2.3",
            "Ældrereformen i Sjælland",
            "Opfølgning på ældrereformen. Sagen fortsætter fra Hovedstaden.",
            decision="Taget til efterretning.",
            status="noted",
            case_number="SAG-2025-01103",
        ),
        _item(
            sy25,
            SYDDANMARK,
            "2025-01-20",
            "1.1",
            "Godkendelse af dagsorden",
            "Dagsordenen blev godkendt.",
            status="approved",
            pages=[],
        ),
        _item(
            sy25,
            SYDDANMARK,
            "2025-01-20",
            "1.2",
            "Fingerplanen og klimatilpasning",
            "Revision af Fingerplanen med fokus på klima og kystbeskyttelse.",
            status="unknown",
            pages=[],
        ),
        _item(
            sy25,
            SYDDANMARK,
            "2025-01-20",
            "4",
            "Eventuelt",
            "Intet.",
            part="4. Eventuelt",
            status="unknown",
            pages=[],
        ),
    ]


@pytest.fixture(scope="session")
def sources_root(tmp_path_factory) -> Path:
    """A source folder with the (fake) PDFs the items point at, and a secret beside it
    that /files must never serve."""
    base = tmp_path_factory.mktemp("sources")
    root = base / "minutes"
    for rel in (
        "hovedstaden/kkr-hovedstaden-2025-04-11.pdf",
        "hovedstaden/kkr-hovedstaden-2021-04-19.pdf",
        "sjaelland/kkr-sjaelland-2024-06-03.pdf",
    ):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4\n% " + rel.encode() + b"\n%%EOF\n")
    (root / "kkr-syddanmark-2025-01-20.txt").write_text("KKR Syddanmark | 20-01-2025\n")
    (base / "secret.pdf").write_bytes(b"%PDF-1.4 secret\n")
    (base / "secret.txt").write_text("secret\n")
    (root / "link-out.pdf").symlink_to(base / "secret.pdf")
    (root / "hovedstaden" / ".hidden.pdf").write_bytes(b"%PDF-1.4 hidden\n")
    return root


@pytest.fixture(scope="session")
def items(sources_root) -> list[AgendaItem]:
    return make_items(sources_root)


@pytest.fixture(scope="session")
def index_root(tmp_path_factory, items) -> Path:
    """The index of `items`, built once; tests must not change it (see fresh_index)."""
    from searchapp.index import build_index

    root = tmp_path_factory.mktemp("index")
    build_index(items, root)
    return root


@pytest.fixture(scope="session")
def engine(index_root, sources_root):
    """The search engine over the session index, with its source folders."""
    from searchapp.engine import open_engine

    return open_engine(index_root, [sources_root])


PUBLIC_URL = "https://moeder.example.dk/"  # server.public_url: the feed's links


def make_config(index_root: Path, sources_root: Path):
    from searchapp.config import Config

    # No rate limits: the fuzz tests send thousands of requests (test_limits.py has them).
    return Config(sources=[sources_root], index_path=index_root, public_url=PUBLIC_URL,
                  rate_limit_api="", rate_limit_pages="")  # fmt: skip


@pytest.fixture
def app(index_root, sources_root):
    from searchapp.web import create_app

    app = create_app(make_config(index_root, sources_root))
    app.config.update(TESTING=True)
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def config_file(tmp_path, index_root, sources_root) -> Path:
    """A config.toml pointing at the session index and sources."""
    path = tmp_path / "config.toml"
    path.write_text(
        f'[sources]\npaths = ["{sources_root}"]\n\n[index]\npath = "{index_root}"\n',
        encoding="utf-8",
    )
    return path


def index_contents(ix) -> tuple:
    """Every term of every field of the Whoosh index `ix` with its postings (document,
    weight, value: positions decoded, so packed and pickled compare by what they say),
    every field length and every stored field: to show two indexes are the same."""
    with ix.searcher() as searcher:
        reader = searcher.reader()
        postings = {}
        for fieldname, text in reader.all_terms():
            m = reader.postings(fieldname, text)
            postings[(fieldname, text)] = found = []
            while m.is_active():
                value = m.value_as("positions") if m.supports("positions") else m.value()
                found.append((m.id(), m.weight(), value))
                m.next()
        names = ix.schema.scorable_names()
        lengths = [reader.doc_field_length(d, f) for d in reader.all_doc_ids() for f in names]
        stored = list(reader.all_stored_fields())
    return postings, lengths, stored
