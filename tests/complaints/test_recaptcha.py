"""COMPLAINT_CAPTCHA = "recaptcha": django-recaptcha, with Google's verification endpoint faked at
the network boundary: a real HTTPS server on loopback (a self-signed certificate the client is
told to trust through SSL_CERT_FILE) standing in for RECAPTCHA_DOMAIN."""

import json
import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from complaints.models import Complaint

pytestmark = pytest.mark.django_db

GOOD_TOKEN = "token-from-a-solved-widget"


class FakeSiteverify(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - the standard library's name
        length = int(self.headers.get("Content-Length", 0))
        form = {
            key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()
        }
        FakeSiteverify.received.append({"path": self.path, **form})
        valid = form.get("response") == GOOD_TOKEN and form.get("secret") == "server-secret"
        body = {"success": valid, "hostname": "testserver"}
        if not valid:
            body["error-codes"] = ["invalid-input-response"]
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def recaptcha(settings):
    settings.COMPLAINT_CAPTCHA = "recaptcha"
    settings.RECAPTCHA_PUBLIC_KEY = "site-key"
    settings.RECAPTCHA_PRIVATE_KEY = "server-secret"
    return settings


@pytest.fixture
def fake_google(recaptcha, tmp_path, monkeypatch):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSiteverify)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeSiteverify.received = []
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    recaptcha.RECAPTCHA_DOMAIN = f"127.0.0.1:{server.server_address[1]}"
    yield FakeSiteverify.received
    server.shutdown()
    server.server_close()


def form_data(category, **overrides) -> dict:
    data = {
        "form_token": "2" * 32,
        "complainant_kind": "employee",
        "name": "李雷",
        "phone": "13800138000",
        "subject_kind": "organisation",
        "organisation": "深圳市某某公司",
        "subject_region": "440300",
        "category": str(category.pk),
        "what_happened": "公司拖欠两个月工资。",
        "g-recaptcha-response": GOOD_TOKEN,
    }
    data.update(overrides)
    return data


def test_the_form_loads_the_widget_from_the_configured_domain(client, recaptcha, authorities):
    recaptcha.RECAPTCHA_DOMAIN = "www.recaptcha.net"
    html = client.get("/complaints/new/").content.decode()
    assert 'data-sitekey="site-key"' in html
    assert "https://www.recaptcha.net/recaptcha/api.js" in html
    assert "<altcha-widget" not in html


def test_a_token_google_accepts_files_the_complaint(client, fake_google, authorities, wages):
    response = client.post("/complaints/new/", form_data(wages))
    assert response.status_code == 200
    assert Complaint.objects.count() == 1
    [request] = fake_google
    assert request["path"] == "/recaptcha/api/siteverify"
    assert request["secret"] == "server-secret"
    assert request["response"] == GOOD_TOKEN


def test_a_token_google_refuses_gets_a_message_and_400(client, fake_google, authorities, wages):
    response = client.post(
        "/complaints/new/", form_data(wages, **{"g-recaptcha-response": "forged"})
    )
    assert response.status_code == 400
    assert 'id="id_captcha_error"' in response.content.decode()
    assert Complaint.objects.count() == 0
    assert len(fake_google) == 1


def test_an_unreachable_google_gets_a_message_and_400_not_500(
    client, recaptcha, authorities, wages
):
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    recaptcha.RECAPTCHA_DOMAIN = f"127.0.0.1:{port}"
    response = client.post("/complaints/new/", form_data(wages), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "The verification service cannot be reached" in response.content.decode()
    assert Complaint.objects.count() == 0
