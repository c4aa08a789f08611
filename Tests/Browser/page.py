#!/usr/bin/env python3
"""One page as a signed-in user sees it, over plain HTTP with the session's cookie.

    page.py BASE_URL TOKEN PATH

Prints one JSON object: {"status": the status answered (a redirect is not followed), "html": the page}.
"""
import http.client, json, re, sys, urllib.parse

base, token, path = sys.argv[1:4]
url = urllib.parse.urlparse(base)
cookies = {}


def send(method, target, form=None):
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, target, body=body, headers=headers)
    reply = connection.getresponse()
    text = reply.read().decode()
    for header, value in reply.getheaders():
        if header.lower() == "set-cookie":
            name, rest = value.split("=", 1)
            cookies[name] = rest.split(";", 1)[0]
    connection.close()
    return reply.status, text


_, sign_in = send("GET", "/sign-in")
csrf = re.search(r'name="csrf" value="([^"]+)"', sign_in).group(1)
status, _ = send("POST", "/sign-in", {"csrf": csrf, "token": token})
assert status == 303, status
status, html = send("GET", path)
print(json.dumps({"status": status, "html": html}))
