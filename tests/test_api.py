"""The JSON API, the CSV export and /files over HTTP (Flask's test client): every
parameter, every error in the one error shape, security headers, and an index swapped
under a running app."""

from __future__ import annotations

import csv
import io
import os
import zipfile

import pytest
from conftest import HOVEDSTADEN, PUBLIC_URL, SJAELLAND, SYDDANMARK, make_config

from searchapp.web import CONTENT_SECURITY_POLICY, create_app
from searchapp.web.export import XLSX_MIMETYPE

ERROR_KEYS = {"error"}


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == ERROR_KEYS
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert "Traceback" not in response.get_data(as_text=True)
    return body["error"]


# --- /api/search --------------------------------------------------------------------------


def test_search_shape(client):
    response = client.get("/api/search?q=ældrereformen")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert list(body) == [
        "query", "total", "page", "per_page", "pages", "results", "facets", "suggestion",
    ]  # fmt: skip
    assert body["query"] == {
        "q": "ældrereformen", "municipality": [], "committee": [], "status": [], "year": [],
        "party": [], "position": [], "person": [],
        "from": None, "to": None, "case": None, "attachments": "include", "sort": "relevance",
        "page": 1, "per_page": 20,
        "interpreted": {"words": "ældrereformen", "from": None, "to": None, "case": None,
                        "notes": []},
    }  # fmt: skip
    assert (body["total"], body["page"], body["per_page"], body["pages"]) == (2, 1, 20, 1)
    hit = body["results"][0]
    assert hit["id"] == "kkr-hovedstaden-2025-04-11-3.1"
    assert hit["url"] == "/items/kkr-hovedstaden-2025-04-11-3.1"
    assert hit["pdf_url"] == "/files/hovedstaden/kkr-hovedstaden-2025-04-11.pdf#page=4"
    assert "<mark>" in hit["snippet"] and hit["score"] > 0
    assert set(body["facets"]) == {"municipality", "committee", "year", "status", "party"}
    assert body["suggestion"] is None
    assert "æ" in response.get_data(as_text=True)  # UTF-8, not \u escapes


def test_empty_query_lists_everything(client, items):
    body = client.get("/api/search").get_json()
    assert body["total"] == len(items) and body["query"]["sort"] == "date_desc"
    assert client.get("/api/search?q=").get_json()["total"] == len(items)


def test_every_parameter(client):
    url = (
        "/api/search?q=ældrereformen&committee=KKR+Sjælland&committee=KKR+Hovedstaden"
        "&status=noted&status=discussed&year=2024&year=2025&from=2024-01-01&to=2025-12-31"
        "&case=2025-01103&sort=date_asc&page=1&per_page=1"
    )
    body = client.get(url).get_json()
    assert body["query"] == {
        "q": "ældrereformen", "municipality": [], "committee": [SJAELLAND, HOVEDSTADEN],
        "status": ["noted", "discussed"], "year": ["2024", "2025"],
        "party": [], "position": [], "person": [], "from": "2024-01-01",
        "to": "2025-12-31", "case": "SAG-2025-01103", "attachments": "include",
        "sort": "date_asc", "page": 1,
        "per_page": 1,
        "interpreted": {"words": "ældrereformen", "from": "2024-01-01", "to": "2025-12-31",
                        "case": "SAG-2025-01103", "notes": []},
    }  # fmt: skip
    assert body["total"] == 2 and body["pages"] == 2
    assert [h["id"] for h in body["results"]] == ["kkr-sjaelland-2024-06-03-2.3"]
    second = client.get(url.replace("page=1&per_page", "page=2&per_page")).get_json()
    assert [h["id"] for h in second["results"]] == ["kkr-hovedstaden-2025-04-11-3.1"]


@pytest.mark.parametrize(
    ("query", "total"),
    [
        ("committee=KKR+Syddanmark", 3),
        ("committee=KKR+Syddanmark&committee=KKR+Sjælland", 6),
        ("status=approved", 4),
        ("status=approved&status=unknown", 6),
        ("year=2021", 2),
        ("from=2025-01-01", 7),
        ("to=2021-12-31", 2),
        ("case=SAG-2021-00777", 1),
        ("q=budget&sort=date_desc", 2),
        ("q=titel:budget", 2),
        ("q=%22r%C3%B8d+l%C3%B8ber%22", 1),
    ],
)
def test_filters(client, query, total):
    assert client.get("/api/search?" + query).get_json()["total"] == total


def test_facets_exclude_their_own_filter(client):
    body = client.get("/api/search?committee=KKR+Sjælland&status=approved").get_json()
    assert body["total"] == 1
    committees = {f["value"]: f["count"] for f in body["facets"]["committee"]}
    assert committees == {HOVEDSTADEN: 2, SJAELLAND: 1, SYDDANMARK: 1}
    statuses = {f["value"]: f["count"] for f in body["facets"]["status"]}
    assert statuses == {"approved": 1, "rejected": 1, "noted": 1}
    assert all(set(f) == {"value", "label", "count"} for f in body["facets"]["status"])


def test_suggestion(client):
    assert client.get("/api/search?q=fingerplanan").get_json()["suggestion"] == "fingerplanen"


def test_snippets_are_escaped(client):
    body = client.get("/api/search?q=alert").get_json()
    snippet = body["results"][0]["snippet"]
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet


@pytest.mark.parametrize(
    "query",
    [
        "page=0", "page=-3", "page=x", "per_page=0", "per_page=10000", "per_page=1.5",
        "page=5000&per_page=100", "from=2025-13-01", "from=yesterday", "to=2025-02-30",
        "from=2025-06-01&to=2025-01-01", "sort=newest", "sort=", "status=maybe",
        "status=approved&status=nope", "year=99", "case=abc", "q=" + "x" * 501,
    ],
)  # fmt: skip
def test_bad_parameters_are_400(client, query):
    response = client.get("/api/search?" + query)
    if query == "sort=":  # blank means: not given
        assert response.status_code == 200
        return
    assert_error(response, 400, "invalid_parameter")
    assert_error(client.get("/feed?" + query), 400, "invalid_parameter")
    if not query.startswith(("page", "per_page")):  # the CSV takes every row
        assert_error(client.get("/api/search.csv?" + query), 400, "invalid_parameter")


@pytest.mark.parametrize(
    "q",
    ['"', "((", "))", "AND OR NOT", "-", "*", "titel:", "udvalg:(", "[a TO", "\x00", "%",
     "<script>alert(1)</script>", "😀 ældre", "a" * 500, "sag:2025-"],
)  # fmt: skip
def test_odd_queries_are_200(client, q):
    assert client.get("/api/search", query_string={"q": q}).status_code == 200


def test_unknown_parameters_are_ignored(client, items):
    assert client.get("/api/search?foo=bar&limit=3").get_json()["total"] == len(items)


# --- /api/items/<id> ------------------------------------------------------------------------


def test_get_item(client, items):
    body = client.get(f"/api/items/{items[1].id}").get_json()
    for key, value in items[1].to_dict().items():
        assert body[key] == (value if key != "source" else "kkr-hovedstaden-2025-04-11.pdf")
    assert body["url"] == f"/items/{items[1].id}"
    assert body["pdf_url"].startswith("/files/hovedstaden/")
    assert body["status_label"] == "Godkendt"


def test_unknown_item_is_404(client):
    error = assert_error(client.get("/api/items/no-such-item"), 404, "not_found")
    assert "no-such-item" in error["message"]
    assert_error(client.get("/api/items/a/b"), 404, "not_found")


# --- Errors everywhere ----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/nope", "/api/search/x", "/api/items/", "/api/v2/search"])
def test_unknown_api_path_is_json_404(client, path):
    assert_error(client.get(path), 404, "not_found")


def test_unknown_page_for_a_program_is_json_and_for_a_browser_html(client):
    assert_error(client.get("/no-such-page"), 404, "not_found")
    response = client.get("/no-such-page", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 404 and response.mimetype == "text/html"


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_wrong_method_is_405(client, method):
    response = getattr(client, method)("/api/search", data="x")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_unexpected_error_is_json_500_without_traceback(index_root, sources_root):
    app = create_app(make_config(index_root, sources_root))

    @app.get("/api/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/api/boom")
    error = assert_error(response, 500, "internal_error")
    assert "secret internals" not in response.get_data(as_text=True)
    assert "secret" not in error["message"]


def test_no_index_is_503(tmp_path, sources_root):
    client = create_app(make_config(tmp_path / "none", sources_root)).test_client()
    for path in ("/api/search", "/api/search.csv", "/api/items/x"):
        response = client.get(path)
        assert_error(response, 503, "index_unavailable")
        assert response.headers["Retry-After"]


def test_request_size_is_limited(app):
    assert app.config["MAX_CONTENT_LENGTH"] <= 1024 * 1024


# --- Security headers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/api/search", "/api/search?page=0", "/api/nope", "/api/search.csv",
     "/api/openapi.json", "/files/hovedstaden/kkr-hovedstaden-2021-04-19.pdf",
     "/files/../secret.pdf"],
)  # fmt: skip
def test_security_headers(client, path):
    headers = client.get(path).headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"]


# --- CSV --------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_has_every_row_not_a_page(client, items):
    response = client.get("/api/search.csv?per_page=2")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.is_streamed
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == ["id", "municipality", "committee", "meeting_id", "meeting_date",
                       "number", "title", "case_number", "status", "status_label", "decision",
                       "positions", "url", "pdf_url", "meeting_url"]  # fmt: skip
    assert len(rows) == len(items) + 1
    json_ids = [h["id"] for h in client.get("/api/search?per_page=100").get_json()["results"]]
    assert [r[0] for r in rows[1:]] == json_ids


def test_csv_follows_the_search(client):
    rows = read_csv(client.get("/api/search.csv?q=ældrereformen&sort=date_asc"))
    assert [r[0] for r in rows[1:]] == [
        "kkr-sjaelland-2024-06-03-2.3", "kkr-hovedstaden-2025-04-11-3.1",
    ]  # fmt: skip
    row = dict(zip(rows[0], rows[2], strict=True))
    assert row["committee"] == HOVEDSTADEN and row["case_number"] == "SAG-2025-01103"
    assert row["pdf_url"] == f"{PUBLIC_URL}files/hovedstaden/kkr-hovedstaden-2025-04-11.pdf#page=4"
    assert row["url"] == f"{PUBLIC_URL}items/kkr-hovedstaden-2025-04-11-3.1"
    assert row["meeting_url"] == f"{PUBLIC_URL}meetings/kkr-hovedstaden-2025-04-11"
    assert (row["status_label"], row["decision"]) == ("Drøftet", "Drøftet.")
    assert row["title"] == "Ældrereformen"


@pytest.mark.parametrize("paging", ["page=0", "per_page=10000", "page=x&per_page=-1"])
def test_csv_accepts_and_ignores_the_paging_it_does_not_use(client, items, paging):
    """Issue #18: /api/search.csv?page=0 was refused for a parameter the CSV ignores."""
    rows = read_csv(client.get(f"/api/search.csv?{paging}"))
    assert len(rows) == len(items) + 1
    assert_error(client.get(f"/api/search.csv?{paging}&sort=bogus"), 400, "invalid_parameter")


def test_one_name_per_field_across_endpoints(client):
    """Issue #18: hits and the CSV said item_number, /api/items number."""
    hit = client.get("/api/search?q=ældrereformen").get_json()["results"][0]
    item = client.get(hit["url"].replace("/items/", "/api/items/")).get_json()
    rows = read_csv(client.get("/api/search.csv?q=ældrereformen"))
    for key in ("number", "meeting_id", "case_number", "title", "status", "url", "pdf_url"):
        assert hit[key] == item[key], key
        assert key in rows[0], key
    assert "item_number" not in hit and "item_number" not in rows[0]


def test_no_server_path_in_any_answer(client, sources_root):
    """Issue #18: `source` showed the server's file path (/srv/.../file.pdf)."""
    server_path = str(sources_root)
    item = client.get("/api/items/kkr-hovedstaden-2025-04-11-3.1").get_json()
    assert item["source"] == "kkr-hovedstaden-2025-04-11.pdf"
    assert item["pdf_url"] == "/files/hovedstaden/kkr-hovedstaden-2025-04-11.pdf#page=4"
    for url in ("/api/search?per_page=100", "/api/search.csv", "/feed", "/?q=ældrereformen",
                "/api/items/kkr-hovedstaden-2025-04-11-3.1",
                "/items/kkr-hovedstaden-2025-04-11-3.1",
                "/api/meetings/kkr-hovedstaden-2025-04-11"):  # fmt: skip
        body = client.get(url).get_data(as_text=True)
        assert server_path not in body and server_path.replace("/", "\\/") not in body, url
    with zipfile.ZipFile(io.BytesIO(client.get("/api/search.xlsx").data)) as book:
        for part in book.namelist():
            assert server_path.encode() not in book.read(part), part


def test_csv_and_spreadsheet_are_named_after_the_search(client):
    response = client.get("/api/search.csv?q=ældrereformen&committee=KKR+Hovedstaden")
    disposition = response.headers["Content-Disposition"]
    assert 'filename="soegning-aeldrereformen-kkr-hovedstaden.csv"' in disposition
    response = client.get("/api/search.xlsx")
    assert 'filename="soegning.xlsx"' in response.headers["Content-Disposition"]


def read_xlsx(response):
    openpyxl = pytest.importorskip("openpyxl")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == XLSX_MIMETYPE
    return openpyxl.load_workbook(io.BytesIO(response.data))


def test_spreadsheet_has_every_row_with_labels_decisions_and_links(client, items):
    """Issue #18: a Danish Excel reads a comma CSV as one column; a real workbook,
    with what people look for: the status in Danish, the decision, links that work."""
    book = read_xlsx(client.get("/api/search.xlsx?per_page=2&page=0"))  # paging ignored
    sheet = book["Punkter"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:8] == ("Kommune", "Udvalg", "Mødedato", "Punkt", "Titel", "Sagsnummer",
                           "Beslutning", "Beslutningens tekst")  # fmt: skip
    assert len(rows) == len(items) + 1
    json_ids = [h["id"] for h in client.get("/api/search?per_page=100").get_json()["results"]]
    assert [r[-1] for r in rows[1:]] == json_ids
    head = rows[0]
    row = dict(zip(head, next(r for r in rows if r[-1] == "kkr-hovedstaden-2021-04-19-3.8"),
                   strict=True))  # fmt: skip
    assert (row["Udvalg"], row["Punkt"], row["Sagsnummer"]) == (HOVEDSTADEN, "3.8",
                                                                "SAG-2021-00777")
    assert row["Mødedato"].date().isoformat() == "2021-04-19"  # a date, not text
    assert (row["Beslutning"], row["Beslutningens tekst"]) == ("Udsat", "Udsat til næste møde.")
    at = rows.index(next(r for r in rows if r[-1] == "kkr-hovedstaden-2021-04-19-3.8")) + 1
    for col, name in enumerate(head, start=1):
        if name in ("Punktet", "PDF", "Mødet"):
            cell = sheet.cell(at, col)
            assert cell.value.startswith(PUBLIC_URL), name
            link = cell.hyperlink  # Excel keeps a "#page=4" apart, as its location
            target = link.target + (f"#{link.location}" if link.location else "")
            assert target == cell.value, name
    about = dict(book["Om udtrækket"].iter_rows(values_only=True))
    assert about["Søgning"] == "(alle punkter)" and about["Punkter"] == len(items)


def test_spreadsheet_follows_the_search_and_its_errors(client):
    book = read_xlsx(client.get("/api/search.xlsx?q=ældrereformen&sort=date_asc"))
    ids = [r[-1] for r in book["Punkter"].iter_rows(min_row=2, values_only=True)]
    assert ids == ["kkr-sjaelland-2024-06-03-2.3", "kkr-hovedstaden-2025-04-11-3.1"]
    assert_error(client.get("/api/search.xlsx?sort=bogus"), 400, "invalid_parameter")
    empty = read_xlsx(client.get("/api/search.xlsx?q=zzzzqqq"))
    assert len(list(empty["Punkter"].iter_rows(values_only=True))) == 1


def test_spreadsheet_text_is_never_a_formula(tmp_path, sources_root):
    from searchapp.web.export import write_xlsx

    openpyxl = pytest.importorskip("openpyxl")
    book = write_xlsx([{"title": "=HYPERLINK(\"http://x\")", "number": "+1", "id": "@a"}], [])
    sheet = openpyxl.load_workbook(book)["Punkter"]
    cells = [c for c in sheet[2] if c.value]
    assert {c.value for c in cells} == {"=HYPERLINK(\"http://x\")", "+1", "@a"}
    assert all(c.data_type == "s" for c in cells)


def test_csv_of_nothing_is_just_the_header(client):
    rows = read_csv(client.get("/api/search.csv?q=zzzzqqq"))
    assert len(rows) == 1


def test_csv_cells_are_not_formulas():
    from searchapp.web.export import _cell

    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _cell("@SUM") == "'@SUM" and _cell("Budget") == "Budget" and _cell(None) == ""


# --- /files -----------------------------------------------------------------------------------


def test_files_serves_a_source_pdf(client):
    response = client.get("/files/hovedstaden/kkr-hovedstaden-2025-04-11.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.get_data().startswith(b"%PDF")


def test_pdf_url_of_a_hit_is_served(client):
    hit = client.get("/api/search?q=dialogmødet").get_json()["results"][0]
    assert client.get(hit["pdf_url"].split("#")[0]).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/files/../secret.pdf",
        "/files/%2e%2e/secret.pdf",
        "/files/%2E%2E/secret.pdf",
        "/files/hovedstaden/../../secret.pdf",
        "/files/hovedstaden/%2e%2e/%2e%2e/secret.pdf",
        "/files/..%2fsecret.pdf",
        "/files/%2fetc%2fpasswd",
        "/files//etc/passwd",
        "/files/..\\secret.pdf",
        "/files/link-out.pdf",  # a symlink leading out of the source folder
        "/files/hovedstaden/.hidden.pdf",
        "/files/kkr-syddanmark-2025-01-20.txt",  # a source, but not a PDF
        "/files/nope.pdf",
        "/files/hovedstaden",
        "/files/%00.pdf",
    ],
)
def test_files_outside_the_sources_are_404(client, path):
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 404
    assert b"secret" not in response.get_data()


def test_files_refuses_an_absolute_path(sources_root):
    from searchapp.web.api import source_path

    secret = sources_root.parent / "secret.pdf"
    assert source_path(str(secret), [sources_root]) is None
    assert source_path("hovedstaden/kkr-hovedstaden-2025-04-11.pdf", [sources_root])


# --- OpenAPI, and the index swapped under the app ----------------------------------------------


def test_openapi_describes_every_endpoint(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.0")
    assert set(spec["paths"]) == {
        "/api/search", "/api/search.csv", "/api/items/{id}", "/files/{path}",
        "/api/openapi.json", "/api/meetings/{id}", "/api/people/{id}", "/feed",
        "/api/alerts", "/api/alerts/confirm/{token}", "/api/alerts/unsubscribe/{token}",
        "/api/search.xlsx", "/api/stats",
    }  # fmt: skip
    params = {p["name"]: p for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert set(params) == {"q", "municipality", "committee", "status", "year", "party",
                           "position", "person", "from", "to", "case", "attachments",
                           "sort", "page", "per_page"}  # fmt: skip
    assert params["attachments"]["schema"]["enum"] == ["include", "exclude", "only"]
    assert params["per_page"]["schema"]["maximum"] == 100
    assert params["page"]["schema"]["minimum"] == 1
    assert params["status"]["schema"]["items"]["enum"][0] == "approved"
    assert params["sort"]["schema"]["enum"] == ["relevance", "date_desc", "date_asc"]


def test_reindex_is_served_without_restart(tmp_path, items, sources_root):
    from searchapp.index import build_index

    root = tmp_path / "index"
    build_index(items[:3], root)
    client = create_app(make_config(root, sources_root)).test_client()
    assert client.get("/api/search").get_json()["total"] == 3
    assert client.get(f"/api/items/{items[-1].id}").status_code == 404
    build_index(items, root)
    assert client.get("/api/search").get_json()["total"] == len(items)
    assert client.get(f"/api/items/{items[-1].id}").status_code == 200


def test_create_app_from_a_dict(tmp_path, index_root, sources_root):
    app = create_app({
        "sources": {"paths": [str(sources_root)]},
        "index": {"path": str(index_root)},
        "TESTING": True,
    })  # fmt: skip
    assert app.testing
    assert app.test_client().get("/api/search").status_code == 200


def test_create_app_reads_the_config_file(config_file, monkeypatch):
    monkeypatch.setenv("SEARCHAPP_CONFIG", str(config_file))
    assert create_app().test_client().get("/api/search?q=budget").get_json()["total"] == 2


def test_stats_counts_this_process_searches_and_fallbacks(client):
    """The fallback counts a server keeps are readable from outside it: /api/stats."""
    before = client.get("/api/stats").get_json()
    assert before["pid"] == os.getpid() and before["generation"].startswith("gen-")
    client.get("/api/search?q=budget")
    client.get("/api/search?q=NOT+AND+budget")  # NOT with nothing to exclude: plain words
    after = client.get("/api/stats").get_json()
    assert after["searches"] == before["searches"] + 2
    assert after["fallbacks"]["syntax"] == before["fallbacks"]["syntax"] + 1
    assert client.get("/api/").get_json()["stats"] == "/api/stats"
