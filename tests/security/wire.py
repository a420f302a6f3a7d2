"""A raw HTTP client for replaying attacks on the live server: it keeps cookies, fills in the
CSRF token as a browser would, follows no redirect and lets a test forge any header (Host,
Referer) — what urllib and the Flask test client smooth over."""

import http.client
import re
import urllib.parse
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from tests.factories import PASSWORD, totp_code

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                   r'type="hidden" name="csrf_token" value="([^"]+)"|'
                   r'name="csrf_token" value="([^"]+)"')


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


@dataclass
class Wire:
    base: str                                   # http://127.0.0.1:<port>
    headers: dict = field(default_factory=dict)  # sent with every request (e.g. a forged Host)
    cookies: dict = field(default_factory=dict)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> Reply:
        parts = urllib.parse.urlsplit(self.base)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        sent = {**self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.putrequest(method, path, skip_host="Host" in sent,
                                  skip_accept_encoding=True)
            for name, value in sent.items():
                connection.putheader(name, value)
            if body is not None:
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            reply = Reply(response.status, response.headers, response.read())
        finally:
            connection.close()
        for raw in reply.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(raw)
            for name, morsel in jar.items():
                if morsel["expires"] and "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return reply

    def get(self, path: str, **headers) -> Reply:
        return self.request("GET", path, headers=headers)

    def token(self, page: str) -> str:
        match = TOKEN.search(self.get(page).text)
        assert match, f"no CSRF token on {page}"
        return next(g for g in match.groups() if g)

    def post(self, path: str, data: dict, token_from: str, headers: dict | None = None) -> Reply:
        fields = dict(data, csrf_token=self.token(token_from))
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        return self.request("POST", path, body, {
            "Content-Type": "application/x-www-form-urlencoded", **(headers or {})})

    def upload(self, path: str, data: dict, files: list[tuple[str, str, bytes]],
               token_from: str) -> Reply:
        """multipart/form-data: *files* are (field, filename, content), a field may repeat."""
        boundary = uuid.uuid4().hex
        chunks = []
        for name, value in dict(data, csrf_token=self.token(token_from)).items():
            chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                          f"{value}\r\n".encode())
        for name, filename, content in files:
            chunks.append(  # the file name raw in UTF-8, as browsers send it
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
        chunks.append(f"--{boundary}--\r\n".encode())
        return self.request("POST", path, b"".join(chunks),
                            {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def login(self, email: str, password: str = PASSWORD) -> None:
        reply = self.post("/auth/login", {"login": email, "password": password}, "/auth/login")
        if reply.status == 302 and "/auth/two-factor" in reply.location:  # an admin's second step
            step = urllib.parse.urlsplit(reply.location).path
            reply = self.post(step, {"code": totp_code(email)}, step)
        assert reply.status == 302 and "/auth/login" not in reply.location, "login failed"
        assert "/auth/two-factor" not in reply.location, "second step failed"
