"""Plain HTTP as a signed-in browser sends it (the session's cookie, and the CSRF token of its forms), for tests that
need a session but not a browser."""
import http.client, re, urllib.parse


class Session:
    def __init__(self, base):
        self.url = urllib.parse.urlparse(base)
        self.cookies = {}

    def send(self, method, path, form=None):
        """The status and the page; a redirect is not followed."""
        connection = http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        reply = connection.getresponse()
        text = reply.read().decode()
        for header, value in reply.getheaders():
            if header.lower() == "set-cookie":
                name, rest = value.split("=", 1)
                self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return reply.status, text

    def sign_in(self, token):
        """Signs in with an API token, as the sign-in page's folded-away form does."""
        _, page = self.send("GET", "/sign-in")
        status, _ = self.send("POST", "/sign-in", {"csrf": csrf(page), "token": token})
        assert status == 303, status
        return self


def csrf(page):
    """The CSRF token of the first form on a page."""
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)
