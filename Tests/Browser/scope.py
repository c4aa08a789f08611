#!/usr/bin/env python3
"""The pages' refusals over plain HTTP with a signed-in session's cookie (what a browser would send, without one):
every page and form of one premises asked for with another premises' code or records, a manager's form posted by
the shift, and forms posted without their CSRF token.

    scope.py BASE_URL MANAGER_TOKEN STAFF_TOKEN CASES_JSON

CASES_JSON: {"foreign": [[METHOD, PATH], ...], "managerOnly": [...], "adminOnly": [...], "posts": [...]}, paths
filled in. Prints one
JSON object: for each case, the status the service answered (a redirect is not followed).
"""
import json, sys

from http_session import Session, csrf

base, manager_token, staff_token, cases = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])


def session(token):
    """A signed-in session and its CSRF token (read from the roll's forms)."""
    signed_in = Session(base).sign_in(token)
    _, page = signed_in.send("GET", "/premises/" + cases["home"] + "/roll")
    return signed_in, csrf(page)


manager, manager_csrf = session(manager_token)
staff, staff_csrf = session(staff_token)
result = {"foreign": {}, "managerOnly": {}, "withoutCSRF": {}}
for method, path in cases["foreign"]:
    status, page = manager.send(method, path, {"csrf": manager_csrf} if method == "POST" else None)
    result["foreign"][f"{method} {path}"] = status
    result.setdefault("foreignLeaks", []).extend(name for name in cases["names"] if name in page)
for method, path in cases["managerOnly"]:
    result["managerOnly"][f"{method} {path}"] = staff.send(method, path,
                                                           {"csrf": staff_csrf} if method == "POST" else None)[0]
result["adminOnly"] = {}
for method, path in cases["adminOnly"]:
    result["adminOnly"][f"{method} {path}"] = manager.send(method, path,
                                                         {"csrf": manager_csrf} if method == "POST" else None)[0]
for path in cases["posts"]:
    result["withoutCSRF"][path] = manager.send("POST", path, {"reason": "x", "at": ""})[0]
print(json.dumps(result))
