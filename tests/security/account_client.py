"""A bare HTTP visitor for the account attack replays: keeps its cookies by hand (so a test can
copy one to an attacker), follows no redirect, reads CSRF tokens from the pages like a browser."""

import http.client
import re
import urllib.parse
from dataclasses import dataclass
from http.cookies import SimpleCookie

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                   r'name="csrf_token" value="([^"]+)"')


@dataclass
class Answer:
    status: int
    location: str
    body: str


class Visitor:
    def __init__(self, base: str, cookies: dict | None = None):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = dict(cookies or {})

    def request(self, method: str, path: str, data: dict | None = None) -> Answer:
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            text = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return Answer(response.status, response.headers.get("Location", ""), text)
        finally:
            connection.close()

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, data: dict, token_from: str | None = None) -> Answer:
        page = self.get(token_from or path).body
        match = TOKEN.search(page)
        assert match, f"no CSRF token on {token_from or path}"
        return self.request("POST", path, dict(data, csrf_token=match.group(1) or match.group(2)))

    def login(self, email: str, password: str, remember: bool = False) -> Answer:
        data = {"login": email, "password": password}
        if remember:
            data["remember"] = "y"
        return self.post("/auth/login", data)

    def signed_in(self) -> bool:
        """Whether the workspace answers (not a redirect to the login page)."""
        answer = self.get("/me/")
        return not (answer.status == 302 and "/auth/login" in answer.location)
