#!/usr/bin/env python3
"""The pages' refusals over plain HTTP with a signed-in session's cookie (what a browser would send, without one):
every page and form of one premises asked for with another premises' code or records, a manager's form posted by
the shift, and forms posted without their CSRF token.

    scope.py BASE_URL MANAGER_TOKEN STAFF_TOKEN CASES_JSON

CASES_JSON: {"foreign": [[METHOD, PATH], ...], "managerOnly": [...], "adminOnly": [...], "posts": [...]}, paths
filled in. Prints one
JSON object: for each case, the status the service answered (a redirect is not followed).
"""
import http.client, json, re, sys, urllib.parse

base, manager_token, staff_token, cases = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
url = urllib.parse.urlparse(base)


def send(method, path, cookies, form=None):
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
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
            cookies[name] = rest.split(";", 1)[0]
    connection.close()
    return reply.status, text


def session(token):
    """Signs in with an API token, as the sign-in page's folded-away form does; the session's cookie and CSRF."""
    cookies = {}
    _, page = send("GET", "/sign-in", cookies)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    status, _ = send("POST", "/sign-in", cookies, {"csrf": csrf, "token": token})
    assert status == 303, status
    _, page = send("GET", "/premises/" + cases["home"] + "/roll", cookies)
    return cookies, re.search(r'name="csrf" value="([^"]+)"', page).group(1)


manager, manager_csrf = session(manager_token)
staff, staff_csrf = session(staff_token)
result = {"foreign": {}, "managerOnly": {}, "withoutCSRF": {}}
for method, path in cases["foreign"]:
    status, page = send(method, path, manager, {"csrf": manager_csrf} if method == "POST" else None)
    result["foreign"][f"{method} {path}"] = status
    result.setdefault("foreignLeaks", []).extend(name for name in cases["names"] if name in page)
for method, path in cases["managerOnly"]:
    result["managerOnly"][f"{method} {path}"] = send(method, path, staff,
                                                     {"csrf": staff_csrf} if method == "POST" else None)[0]
result["adminOnly"] = {}
for method, path in cases["adminOnly"]:
    result["adminOnly"][f"{method} {path}"] = send(method, path, manager,
                                                   {"csrf": manager_csrf} if method == "POST" else None)[0]
for path in cases["posts"]:
    result["withoutCSRF"][path] = send("POST", path, manager, {"reason": "x", "at": ""})[0]
print(json.dumps(result))
