#!/usr/bin/env python3
"""One page as a signed-in user sees it, over plain HTTP with the session's cookie.

    page.py BASE_URL TOKEN PATH

Prints one JSON object: {"status": the status answered (a redirect is not followed), "html": the page}.
"""
import json, sys

from http_session import Session

base, token, path = sys.argv[1:4]
status, html = Session(base).sign_in(token).send("GET", path)
print(json.dumps({"status": status, "html": html}))
