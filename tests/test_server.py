"""The server layer (issue #14): waitress as `searchapp serve` sets it up, and nginx
with docs/deploy/nginx.conf in front of it, on 127.0.0.1. Slow clients are cut off and
do not lock others out; the servers' own errors come in the JSON shape with the
security headers; OPTIONS, Cache-Control and rate limits behave.

scripts/slowloris.py is the long run (200 connections for 60 s); its figures are in
docs/reliability.md."""

from __future__ import annotations

import http.client
import importlib.util
import json
import shutil
import socket
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import make_config

from searchapp.web import CONTENT_SECURITY_POLICY, create_app
from searchapp.web.server import make_server

PROJECT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, PROJECT / "scripts" / f"{name}.py")
    module = sys.modules[name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def server(tmp_path_factory, request):
    """`searchapp serve`'s waitress on a free port, a 2 s request deadline."""
    index_root = request.getfixturevalue("index_root")
    sources_root = request.getfixturevalue("sources_root")
    config = make_config(index_root, sources_root)
    config = type(config)(**{**config.__dict__, "request_timeout": 2, "connection_limit": 300})
    app = create_app(config)
    server = make_server(app, config, HOST, 0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield server.effective_port
    server.close()


def get(port: int, path: str, method: str = "GET", headers=None, body=None):
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def raw(port: int, data: bytes) -> tuple[int, dict, bytes]:
    with socket.create_connection((HOST, port), timeout=10) as s:
        s.sendall(data)
        chunks = []
        try:
            while chunk := s.recv(65536):
                chunks.append(chunk)
        except ConnectionResetError:
            if not chunks:  # a reset after the answer is how some servers close
                raise
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


def assert_json_error(status, headers, body, expected_status, code):
    assert status == expected_status, body
    assert headers["Content-Type"].startswith("application/json")
    assert json.loads(body)["error"]["code"] == code
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cache-Control"] == "no-store"


# --- waitress's own errors ---------------------------------------------------------------------


def test_malformed_request_line_is_a_json_400(server):
    assert_json_error(*raw(server, b"GET /%%zz HTTP/1.1 extra\r\nHost: x\r\n\r\n"),
                      400, "bad_request")  # fmt: skip
    assert_json_error(*raw(server, b"GET / HTTP/1.1\r\nBad Header\r\n\r\n"), 400, "bad_request")


def test_too_large_body_and_headers_are_json_errors(server):
    # Refused from its Content-Length, before the body is sent.
    assert_json_error(*raw(server, b"POST /api/search HTTP/1.1\r\nHost: x\r\n"
                           b"Content-Length: 131072\r\n\r\n"), 413, "request_too_large")
    # Just past waitress's 256 KB, all of it read before the answer (else a reset).
    headers = b"".join(b"X-%d: %s\r\n" % (i, b"y" * 1000) for i in range(265)) + b"\r\n"
    assert_json_error(*raw(server, b"GET / HTTP/1.1\r\nHost: x\r\n" + headers),
                      431, "request_header_fields_too_large")  # fmt: skip


# --- Slow clients ------------------------------------------------------------------------------


def test_a_client_trickling_its_request_is_cut_off(server):
    with socket.create_connection((HOST, server), timeout=10) as s:
        s.sendall(b"GET /api/search?q=budget HTTP/1.1\r\nHost: x\r\n")
        started, closed = time.monotonic(), False
        while time.monotonic() - started < 8:
            try:
                s.sendall(b"X")
                s.settimeout(0.5)
                if s.recv(1024) == b"":
                    closed = True
                    break
            except TimeoutError:
                continue
            except OSError:
                closed = True
                break
        assert closed and time.monotonic() - started < 6  # the deadline is 2 s


def test_a_client_that_stops_half_way_is_cut_off(server):
    with socket.create_connection((HOST, server), timeout=10) as s:
        s.sendall(b"GET /api/search?q=budget HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        assert s.recv(1024) == b""  # closed, without an answer
        assert time.monotonic() - started < 6  # the deadline is 2 s


def test_an_idle_keep_alive_connection_is_kept(server):
    conn = http.client.HTTPConnection(HOST, server, timeout=10)
    try:
        for _ in range(2):
            conn.request("GET", "/api/search?q=budget")
            assert conn.getresponse().read()
            time.sleep(3)  # longer than the request deadline: idle is not slow
    finally:
        conn.close()


def test_slow_connections_do_not_lock_a_normal_client_out(server):
    """150 slowloris connections, more than waitress's default limit of 100."""
    attackers = []
    try:
        for _ in range(150):
            s = socket.create_connection((HOST, server), timeout=5)
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            attackers.append(s)
        for _ in range(5):
            started = time.monotonic()
            status, _, body = get(server, "/api/search?q=budget")
            assert status == 200 and json.loads(body)["total"] == 2
            assert time.monotonic() - started < 2
    finally:
        for s in attackers:
            s.close()


# --- Answers of the app ---------------------------------------------------------------------------


def test_options_answers_204_with_allow(server):
    status, headers, body = get(server, "/api/search", method="OPTIONS")
    assert status == 204 and body == b""
    assert set(headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD", "OPTIONS"}
    assert "Content-Type" not in headers
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_dynamic_answers_carry_cache_control(server):
    for path in ("/api/search?q=budget", "/?q=budget", "/feed?q=budget", "/api/search.csv"):
        status, headers, _ = get(server, path)
        assert status == 200 and headers["Cache-Control"] == "no-cache", path
    status, headers, _ = get(server, "/api/items/nothing-here")
    assert status == 404 and headers["Cache-Control"] == "no-store"


# --- Rate limits ---------------------------------------------------------------------------------


def limited_app(index_root, sources_root, **limits):
    config = make_config(index_root, sources_root)
    return create_app(type(config)(**{**config.__dict__, **limits}))


def test_rate_limit_answers_429_with_retry_after(index_root, sources_root):
    client = limited_app(index_root, sources_root, rate_limit_api="3 per minute",
                         rate_limit_pages="2 per minute").test_client()  # fmt: skip
    statuses = [client.get("/api/search?q=budget").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/items/x")  # one budget for the whole API
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "too_many_requests"
    assert "3 per 1 minute" in response.get_json()["error"]["message"]
    assert 1 <= int(response.headers["Retry-After"]) <= 61
    assert response.headers["Cache-Control"] == "no-store"
    # The pages have their own budget; a browser gets the Danish page.
    assert client.get("/?q=budget").status_code == 200
    assert client.get("/?q=budget").status_code == 200
    page = client.get("/?q=budget", headers={"Accept": "text/html"})
    assert page.status_code == 429 and "For mange forespørgsler" in page.get_data(as_text=True)
    assert client.get("/static/style.css").status_code == 200  # static files are free


def test_rate_limit_is_per_address(index_root, sources_root):
    client = limited_app(index_root, sources_root, rate_limit_api="2 per minute").test_client()
    for address in ("10.0.0.1", "10.0.0.2"):
        environ = {"REMOTE_ADDR": address}
        codes = [client.get("/api/search", environ_base=environ).status_code for _ in range(3)]
        assert codes == [200, 200, 429]


def test_forwarded_for_counts_only_behind_a_trusted_proxy(index_root, sources_root):
    spoofed = [{"X-Forwarded-For": f"192.0.2.{i}"} for i in range(3)]
    client = limited_app(index_root, sources_root, rate_limit_api="2 per minute").test_client()
    codes = [client.get("/api/search", headers=h).status_code for h in spoofed]
    assert codes == [200, 200, 429]  # the header is ignored: one address
    client = limited_app(index_root, sources_root, rate_limit_api="2 per minute",
                         trusted_proxies=1).test_client()  # fmt: skip
    codes = [client.get("/api/search", headers=h).status_code for h in spoofed]
    assert codes == [200, 200, 200]  # behind nginx: the client's address counts


def test_a_limit_that_cannot_be_read_is_a_config_error(index_root, sources_root):
    from searchapp.config import ConfigError

    with pytest.raises(ConfigError, match="'limits.api' must be a rate limit"):
        limited_app(index_root, sources_root, rate_limit_api="lots")


# --- nginx in front (docs/deploy/nginx.conf) ------------------------------------------------


@pytest.fixture(scope="module")
def nginx(server, tmp_path_factory):
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        pytest.skip("nginx is not installed (apt-get install nginx-light); .ci/run installs it")
    slowloris = _script("slowloris")
    work = tmp_path_factory.mktemp("nginx")
    port = slowloris.free_port()
    with open(work / "nginx.out", "wb") as log:
        process = slowloris.start_nginx(work, port, server, log)
    try:
        slowloris.wait_for(port)
        yield port
    finally:
        slowloris.stop(process)


def test_nginx_passes_searches_through(nginx):
    status, headers, body = get(nginx, "/api/search?q=budget")
    assert status == 200 and json.loads(body)["total"] == 2
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "nginx" not in headers.get("Server", "").lower() or "/" not in headers["Server"]


def test_nginx_errors_are_json_with_the_security_headers(nginx):
    assert_json_error(*raw(nginx, b"GET / HTTP/1.1 x\r\n\r\n"), 400, "bad_request")
    assert_json_error(*raw(nginx, b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"),
                      414, "uri_too_long")  # fmt: skip
    assert_json_error(*raw(nginx, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"y" * 9000
                           + b"\r\n\r\n"), 431, "request_header_fields_too_large")  # fmt: skip
    assert_json_error(*raw(nginx, b"POST /api/search HTTP/1.1\r\nHost: x\r\n"
                           b"Content-Length: 131072\r\n\r\n"), 413, "request_too_large")


def test_nginx_keeps_a_normal_client_going_under_slowloris(nginx):
    attackers = []
    try:
        for _ in range(100):
            s = socket.socket()
            s.bind(("127.0.0.2", 0))
            s.connect((HOST, nginx))
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            attackers.append(s)
        for _ in range(5):
            started = time.monotonic()
            status, _, _ = get(nginx, "/api/search?q=budget")
            assert status == 200 and time.monotonic() - started < 2
    finally:
        for s in attackers:
            s.close()
