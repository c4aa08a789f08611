#!/usr/bin/env python3
"""Drives the dashboard in a real headless Chromium over the DevTools protocol (standard library only).

    dashboard.py BASE_URL TOKEN SCREENSHOT_DIR [PATH_THAT_MUST_BE_REFUSED]

Signs in through the form with TOKEN, reads the overview's figures, visits each premises page and its
month report, writes a screenshot of every page, then opens the refused path. Prints one JSON object.
"""
import base64, json, os, shutil, socket, struct, subprocess, sys, tempfile, time, urllib.request


class CDP:
    """A minimal WebSocket client (RFC 6455, text frames, client masking) for one DevTools target."""

    def __init__(self, ws_url):
        host_port, path = ws_url[len("ws://"):].split("/", 1)
        host, port = host_port.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {host_port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise SystemExit(f"websocket handshake refused: {head[:80]!r}")
        self.next_id, self.events = 0, []

    def _send(self, text):
        data = text.encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        n = len(data)
        header += bytes([0x80 | n]) if n < 126 else (bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else bytes([0x80 | 127]) + struct.pack(">Q", n))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise SystemExit("the browser closed the connection")
            buf += chunk
        return buf

    def _recv(self):
        message = b""
        while True:
            b0, b1 = self._exact(2)
            n = b1 & 0x7F
            if n == 126: n = struct.unpack(">H", self._exact(2))[0]
            elif n == 127: n = struct.unpack(">Q", self._exact(8))[0]
            payload = self._exact(n)
            if b0 & 0x0F in (0x1, 0x0):
                message += payload
                if b0 & 0x80: return json.loads(message)

    def call(self, method, **params):
        self.next_id += 1
        self._send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = self._recv()
            if msg.get("id") == self.next_id:
                if "error" in msg: raise SystemExit(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, event, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            for i, e in enumerate(self.events):
                if e.get("method") == event:
                    return self.events.pop(i)
            self.events.append(self._recv())
        raise SystemExit(f"timed out waiting for {event}")


def http_checks(base, token):
    """The sign-in form's rules, seen without a browser: CSRF, and the session cookie's attributes."""
    import http.client, urllib.parse
    u = urllib.parse.urlparse(base)
    def req(method, path, body=None, headers={}):
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse(); r.read()
        return r.status, r.getheader("Location"), r.msg.get_all("Set-Cookie") or []
    status, _, cookies = req("GET", "/sign-in")
    csrf = next(c.split(";")[0].split("=", 1)[1] for c in cookies if c.startswith("ap_csrf="))
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    out = {"csrfCookie": next(c for c in cookies if c.startswith("ap_csrf="))}
    out["withoutCSRF"] = req("POST", "/sign-in", urllib.parse.urlencode({"token": token}), form)[0]
    out["wrongCSRF"] = req("POST", "/sign-in", urllib.parse.urlencode({"token": token, "csrf": "x" * 64}),
                           dict(form, Cookie=f"ap_csrf={csrf}"))[0]
    out["badToken"] = req("POST", "/sign-in", urllib.parse.urlencode({"token": "ap_" + "0" * 64, "csrf": csrf}), dict(form, Cookie=f"ap_csrf={csrf}"))[0]
    status, location, cookies = req("POST", "/sign-in", urllib.parse.urlencode({"token": token, "csrf": csrf}), dict(form, Cookie=f"ap_csrf={csrf}"))
    out["signIn"] = {"status": status, "location": location, "session": next((c for c in cookies if c.startswith("ap_session=")), None)}
    # A CSRF token the client chose itself, sent as both cookie and field, is not one the service issued.
    chosen = "c" * 64 + "." + "d" * 64
    out["chosenCSRF"] = req("POST", "/sign-in", urllib.parse.urlencode({"token": token, "csrf": chosen}), dict(form, Cookie=f"ap_csrf={chosen}"))[0]
    # Sign-out: without the session's CSRF token it is refused and the session lives on (the cookie is not
    # cleared either); with it, the session ends on the server, so replaying the cookie no longer works.
    session = out["signIn"]["session"].split(";")[0]
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    c.request("GET", "/overview", headers={"Cookie": session})
    r = c.getresponse(); page = r.read().decode()
    session_csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    status, _, cookies = req("POST", "/sign-out", "", dict(form, Cookie=session))
    out["signOutWithoutCSRF"] = {"status": status, "clearsCookie": any(c.startswith("ap_session=") for c in cookies),
                                 "overviewAfter": req("GET", "/overview", None, {"Cookie": session})[0]}
    status, location, cookies = req("POST", "/sign-out", urllib.parse.urlencode({"csrf": session_csrf}), dict(form, Cookie=session))
    after = req("GET", "/overview", None, {"Cookie": session})
    out["signOut"] = {"status": status, "location": location, "clearsCookie": any(c.startswith("ap_session=;") for c in cookies),
                      "overviewAfter": after[0], "overviewAfterGoesTo": after[1]}
    return out


def main():
    base, token, shots = sys.argv[1], sys.argv[2], sys.argv[3]
    refused = sys.argv[4] if len(sys.argv) > 4 else None
    os.makedirs(shots, exist_ok=True)
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser: raise SystemExit("chromium is not installed: scripts/test installs it (apt-get install chromium)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
    profile = tempfile.mkdtemp(prefix="ap-chromium-")
    proc = subprocess.Popen([browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                             f"--remote-debugging-port={port}", "--remote-debugging-address=127.0.0.1", f"--user-data-dir={profile}",
                             "--window-size=1280,900", "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # Up to two minutes for the browser to start: on two cores busy with the whole suite it can take a while.
        targets, deadline = None, time.time() + 120
        while targets is None and time.time() < deadline:
            try:
                targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2))
            except Exception: time.sleep(0.2)
        if targets is None: raise SystemExit("chromium did not open its DevTools port within two minutes")
        page = next(t for t in targets if t["type"] == "page")
        cdp = CDP(page["webSocketDebuggerUrl"])
        cdp.call("Page.enable")
        cdp.call("Network.enable")

        def visit(url):
            cdp.events.clear()
            cdp.call("Page.navigate", url=url)
            cdp.wait_for("Page.loadEventFired")

        def js(expr):
            return cdp.call("Runtime.evaluate", expression=expr, returnByValue=True)["result"].get("value")

        def shot(name):
            data = cdp.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
            with open(os.path.join(shots, name + ".png"), "wb") as f: f.write(base64.b64decode(data))

        out = {"http": http_checks(base, token)}
        visit(base + "/overview")
        out["unsignedLandsOn"] = js("location.pathname")
        shot("sign-in")
        js(f"document.getElementById('token').value = {json.dumps(token)}; document.getElementById('token-sign-in').submit()")
        cdp.wait_for("Page.loadEventFired")
        out["signedInLandsOn"] = js("location.pathname")
        out["cookieVisibleToScripts"] = "ap_session" in (js("document.cookie") or "")
        out["premises"] = js("""[...document.querySelectorAll('section.premises')].map(s => ({
            code: s.querySelector('h2').textContent.trim().split(' ')[0],
            figures: Object.fromEntries([...s.querySelectorAll('[data-figure]')].map(b => [b.dataset.figure, Number(b.textContent)])),
            chartTitle: s.querySelector('svg title') && s.querySelector('svg title').textContent,
            chartRows: s.querySelectorAll('details tbody tr').length }))""")
        out["headings"] = js("[...document.querySelectorAll('h1,h2')].map(h => h.tagName)")
        out["overviewIntro"] = js("document.querySelector('main p').textContent")
        out["unlabelledInputs"] = 0
        shot("overview")
        for p in out["premises"]:
            visit(f"{base}/premises/{p['code']}")
            p["pageTitle"] = js("document.querySelector('h1').textContent")
            p["boardRows"] = js("[...document.querySelectorAll('table')].find(t => t.caption && t.caption.textContent.startsWith('Beds of')).querySelectorAll('tbody tr').length")
            shot(f"premises-{p['code']}")
            visit(f"{base}/premises/{p['code']}/occupancy-report")
            p["reportFigures"] = js("document.querySelectorAll('table')[0].querySelectorAll('tbody tr').length")
            p["csvLink"] = js("document.querySelector('a[download]') && document.querySelector('a[download]').getAttribute('href')")
            p["unlabelledInputs"] = js("[...document.querySelectorAll('input:not([type=hidden])')].filter(i => !document.querySelector(`label[for='${i.id}']`)).length")
            shot(f"occupancy-report-{p['code']}")
        if refused:
            visit(base + refused)
            out["refusedTitle"] = js("document.querySelector('h1') && document.querySelector('h1').textContent")
            out["refusedBody"] = js("document.body.innerText")
            shot("refused")
        print(json.dumps(out))
    finally:
        proc.terminate()
        try: proc.wait(10)
        except Exception: proc.kill()
        shutil.rmtree(profile, ignore_errors=True)


main()
