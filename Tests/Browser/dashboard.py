#!/usr/bin/env python3
"""The managers' dashboard in a real Chromium, driven by Selenium.

    dashboard.py BASE_URL TOKEN SCREENSHOT_DIR [PATH_THAT_MUST_BE_REFUSED]

Checks the sign-in form's rules over plain HTTP, then signs in through the form with TOKEN, reads the overview's
figures, visits each premises' summary, beds and month report (each audited by axe-core, with screenshots at
desktop and phone widths), then opens the refused path. Prints one JSON object.
"""
import json, os, sys

from pages import audit, banner, chromium, errors, sign_in_with_token, submit
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select


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
    out = {"http": http_checks(base, token), "axe": {}, "phoneOverflow": {}}
    driver = chromium()
    try:
        js = driver.execute_script
        driver.get(base + "/overview")
        out["unsignedLandsOn"] = js("return location.pathname")
        audit(driver, out, shots, "sign-in")
        sign_in_with_token(driver, base, token)
        out["signedInLandsOn"] = js("return location.pathname")
        out["cookieVisibleToScripts"] = "ap_session" in (js("return document.cookie") or "")
        out["premises"] = js("""return [...document.querySelectorAll('section.premises')].map(s => ({
            code: s.querySelector('h2').textContent.trim().split(' ')[0],
            figures: Object.fromEntries([...s.querySelectorAll('[data-figure]')].map(b => [b.dataset.figure,
                Number(b.textContent)])),
            chartTitle: s.querySelector('svg title') && s.querySelector('svg title').textContent,
            chartSeries: s.querySelectorAll('svg path').length }))""")
        out["overviewIntro"] = driver.find_element(By.CSS_SELECTOR, "main p").text
        out["unlabelledInputs"] = 0
        audit(driver, out, shots, "overview")
        unlabelled = ("return [...document.querySelectorAll('input:not([type=hidden]),select,textarea')]"
                      ".filter(i => !i.closest('label') && !document.querySelector(`label[for='${i.id}']`)).length")
        for p in out["premises"]:
            code = p["code"]
            driver.get(f"{base}/premises/{code}")
            p["pageTitle"] = driver.find_element(By.TAG_NAME, "h1").text
            p["forecastRows"] = len(driver.find_elements(By.CSS_SELECTOR, "figure details tbody tr"))
            audit(driver, out, shots, f"premises-{code}")
            driver.get(f"{base}/premises/{code}/beds")
            p["boardRows"] = len(driver.find_elements(By.CSS_SELECTOR, "table.board tbody tr"))
            p["unlabelledInputs"] = js(unlabelled)
            audit(driver, out, shots, f"beds-{code}")
            driver.get(f"{base}/premises/{code}/occupancy-report")
            p["reportFigures"] = len(driver.find_elements(By.CSS_SELECTOR, "table")[0]
                                     .find_elements(By.CSS_SELECTOR, "tbody tr"))
            link = driver.find_elements(By.CSS_SELECTOR, "a[download]")
            p["csvLink"] = link[0].get_attribute("href").removeprefix(base) if link else None
            p["unlabelledInputs"] += js(unlabelled)
            audit(driver, out, shots, f"occupancy-report-{code}")
        # Adding a member of staff: offered to admins only; refused without a name, then done.
        code = out["premises"][0]["code"]
        driver.get(f"{base}/premises/{code}/staff")
        add = driver.find_elements(By.ID, "add-staff")
        out["staffAddOffered"] = bool(add)
        if add:
            submit(driver, add[0])
            out["staffAddRefused"] = errors(driver)
            driver.find_element(By.ID, "new-name").send_keys("Nia New-Starter")
            driver.find_element(By.CSS_SELECTOR, "input[name=role][value=staff]").click()
            submit(driver, driver.find_element(By.ID, "add-staff"))
            out["staffAdded"] = banner(driver)
            audit(driver, out, shots, "staff-added")
        # Opening a premises: offered to admins only; refused without a code, then opened with a room and a bed.
        driver.get(f"{base}/overview")
        opening = driver.find_elements(By.LINK_TEXT, "Open a premises")
        out["premisesOpeningOffered"] = bool(opening)
        if opening:
            submit(driver, opening[0])
            audit(driver, out, shots, "open-premises")
            submit(driver, driver.find_element(By.ID, "open-premises"))
            out["premisesRefused"] = errors(driver)
            for field, text in [("premises-code", "AP-009"), ("premises-name", "Dovecote House"),
                                ("premises-region", "North West")]:
                driver.find_element(By.ID, field).send_keys(text)
            driver.find_element(By.CSS_SELECTOR, "input[name=gender][value=female]").click()
            submit(driver, driver.find_element(By.ID, "open-premises"))
            out["premisesOpened"] = banner(driver)
            driver.find_element(By.ID, "room-code").send_keys("R1")
            driver.find_element(By.CSS_SELECTOR, "input[name=characteristics][value=step_free]").click()
            submit(driver, driver.find_element(By.ID, "add-room"))
            out["roomAdded"] = banner(driver)
            driver.find_element(By.ID, "bed-code").send_keys("1A")
            submit(driver, driver.find_element(By.ID, "add-bed"))
            out["bedRefused"] = errors(driver)
            Select(driver.find_element(By.ID, "bed-roomId")).select_by_visible_text("R1")
            submit(driver, driver.find_element(By.ID, "add-bed"))
            out["bedAdded"] = banner(driver)
            out["boardAfter"] = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "table.board tbody th")]
        if refused:
            driver.get(base + refused)
            out["refusedTitle"] = driver.find_element(By.TAG_NAME, "h1").text
            out["refusedBody"] = driver.find_element(By.TAG_NAME, "body").text
            audit(driver, out, shots, "refused")
    finally:
        driver.quit()
    print(json.dumps(out))


main()
