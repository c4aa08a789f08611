#!/usr/bin/env python3
"""The shift's roll in a real Chromium, driven by Selenium: a staff member signs in with a password, signs a
resident out (first with a time that is not one), signs them in, and is refused a late entry without its reason.

    roll.py BASE_URL USERNAME PASSWORD OTHER_PREMISES_CODE SHOT_DIR

Prints one JSON object of what it saw.
"""
import json, os, sys, urllib.error, urllib.parse, urllib.request

from pages import audit as audit_page, banner as page_banner, chromium, errors as page_errors, sign_in
from pages import submit as submit_form
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

base, username, password, other, shots = sys.argv[1:6]
os.makedirs(shots, exist_ok=True)
driver = chromium()
result = {"axe": {}}


def submit(button):
    submit_form(driver, button)


def audit(name):
    audit_page(driver, result, shots, name)


def errors():
    return page_errors(driver)


def banner():
    return page_banner(driver)


try:
    sign_in(driver, base, username, password)
    result["landedOn"] = urllib.parse.urlparse(driver.current_url).path
    result["landedOnURL"] = driver.current_url
    audit("roll")
    form = driver.find_element(By.CSS_SELECTOR, "form[action$='/roll/out']")
    crn = form.find_element(By.NAME, "crn").get_attribute("value")
    result["crn"] = crn
    form.find_element(By.NAME, "destination").send_keys("job centre")
    form.find_element(By.NAME, "back").send_keys("25:99")
    submit(form.find_element(By.CSS_SELECTOR, "button"))
    result["badTime"] = errors()
    result["keptDestination"] = driver.find_element(By.ID, f"destination-{crn}").get_attribute("value")
    audit("roll-error")
    back = driver.find_element(By.ID, f"back-{crn}")
    back.clear()
    back.send_keys("23:30")
    submit(driver.find_element(By.ID, f"button-{crn}"))
    result["signedOut"] = banner()
    result["rowAfterOut"] = driver.find_element(By.ID, f"row-{crn}").text
    submit(driver.find_element(By.ID, f"button-{crn}"))
    result["signedIn"] = banner()

    Select(driver.find_element(By.ID, "late-crn")).select_by_value(crn)
    driver.find_element(By.CSS_SELECTOR, "input[name=kind][value=out]").click()
    driver.find_element(By.ID, "late-at").send_keys("2026-01-01 10:00")
    submit(driver.find_element(By.CSS_SELECTOR, "form[action$='/roll/late'] button"))
    result["lateWithoutReason"] = errors()
    result["keptLateAt"] = driver.find_element(By.ID, "late-at").get_attribute("value")

    # The sign-in just recorded, voided as a mistake: first without a reason.
    options = Select(driver.find_element(By.ID, "void-entry")).options
    entry = next(o.get_attribute("value") for o in options if f"({crn}) in " in o.text)
    result["voidedEntry"] = entry
    Select(driver.find_element(By.ID, "void-entry")).select_by_value(entry)
    submit(driver.find_element(By.CSS_SELECTOR, "form[action$='/roll/void'] button"))
    result["voidWithoutReason"] = errors()
    Select(driver.find_element(By.ID, "void-entry")).select_by_value(entry)
    driver.find_element(By.ID, "void-reason").send_keys("signed in the wrong resident")
    submit(driver.find_element(By.CSS_SELECTOR, "form[action$='/roll/void'] button"))
    result["voided"] = banner()

    # An open alert, acknowledged with what was done: first without saying what.
    driver.get(result["landedOnURL"])
    card = driver.find_element(By.CSS_SELECTOR, "form[action*='/acknowledge']")
    alert_id = card.get_attribute("action").split("/alerts/")[1].split("/")[0]
    result["alertId"] = alert_id
    submit(driver.find_element(By.ID, f"acknowledge-{alert_id}"))
    result["ackWithoutOutcome"] = errors()
    audit("roll-alert-error")
    Select(driver.find_element(By.ID, f"outcome-{alert_id}")).select_by_value("returned_late")
    driver.find_element(By.ID, f"note-{alert_id}").send_keys("back at 23:40")
    submit(driver.find_element(By.ID, f"acknowledge-{alert_id}"))
    result["acknowledged"] = banner()
    result["alertStillListed"] = bool(driver.find_elements(By.ID, f"alert-{alert_id}"))

    # The handover: a note refused when empty, then added; then acknowledged.
    submit(driver.find_element(By.LINK_TEXT, "Handover"))
    result["handoverTitle"] = driver.find_element(By.TAG_NAME, "h1").text
    audit("handover")
    submit(driver.find_element(By.CSS_SELECTOR, "form[action$='/handover/notes'] button"))
    result["emptyNote"] = errors()
    driver.find_element(By.ID, "text").send_keys("Room 4 window latch broken")
    submit(driver.find_element(By.CSS_SELECTOR, "form[action$='/handover/notes'] button"))
    result["noteAdded"] = banner()
    result["notesListed"] = "Room 4 window latch broken" in driver.find_element(By.TAG_NAME, "main").text
    submit(driver.find_element(By.CSS_SELECTOR, "form[action$='/handover/acknowledge'] button"))
    result["handoverAcknowledged"] = banner()

    # Incidents: a report sent empty is refused field by field; then reported, listed, and closed.
    driver.get(result["landedOnURL"])
    submit(driver.find_element(By.LINK_TEXT, "Incidents"))
    audit("incidents")
    submit(driver.find_element(By.CSS_SELECTOR, "form[action$='/incidents'] button"))
    result["emptyIncident"] = errors()
    driver.find_element(By.ID, "occurredAt").send_keys("2026-11-29 22:10")
    driver.find_element(By.ID, "location").send_keys("front door")
    Select(driver.find_element(By.ID, "category")).select_by_value("threats")
    driver.find_element(By.CSS_SELECTOR, "input[name=severity][value=medium]").click()
    driver.find_element(By.ID, "description").send_keys("Shouted at staff on the way in")
    driver.find_element(By.CSS_SELECTOR, "input[name=resident]").click()
    submit(driver.find_element(By.CSS_SELECTOR, "form[action$='/incidents'] button"))
    result["incidentReported"] = banner()
    card = next(c for c in driver.find_elements(By.CSS_SELECTOR, "div.card[id^=incident-]")
                if "Shouted at staff" in c.text)
    incident = card.get_attribute("id").split("incident-")[1]
    result["incidentId"] = incident
    submit(driver.find_element(By.ID, f"close-{incident}"))
    result["incidentClosed"] = banner()

    # The live banner's stream answers the shift's session (its first bytes).
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    code = result["landedOn"].split("/")[2]
    stream = urllib.request.urlopen(urllib.request.Request(f"{base}/premises/{code}/alerts/stream",
                                                           headers={"Cookie": cookie}), timeout=10)
    result["streamStatus"] = stream.status
    result["streamStart"] = stream.read(40).decode()
    stream.close()

    # Another premises' roll, and a form sent without the page's CSRF token.
    driver.get(f"{base}/premises/{other}/roll")
    result["otherPremises"] = driver.find_element(By.TAG_NAME, "h1").text
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    code = result["landedOn"].split("/")[2]
    request = urllib.request.Request(f"{base}/premises/{code}/roll/out", method="POST",
                                     data=urllib.parse.urlencode({"crn": crn, "destination": "x"}).encode(),
                                     headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    try:
        urllib.request.urlopen(request)
        result["withoutCSRF"] = 200
    except urllib.error.HTTPError as e:
        result["withoutCSRF"] = e.code
    driver.get(f"{base}/premises/{code}")
    result["managerPage"] = driver.find_element(By.TAG_NAME, "h1").text
finally:
    driver.quit()
print(json.dumps(result))
