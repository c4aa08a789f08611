#!/usr/bin/env python3
"""A manager's and a shift's day in a real Chromium, in two parts with the curfew check between them.

    story.py book  BASE_URL CODE MANAGER_PASSWORD STAFF_PASSWORD CRN NIGHT SHOT_DIR
    story.py shift BASE_URL CODE MANAGER_PASSWORD STAFF_PASSWORD CRN NIGHT SHOT_DIR

`book`: the manager adds a resident (first with mistakes), gives them a curfew, books them in from NIGHT (a
night that is over: first with the departure before the arrival), chooses a bed and records the arrival that
afternoon; the shift records, late and with reasons, that they went out at 18:00 and came in at 23:40.
`shift`: the shift sees the alert the curfew check raised, acknowledges it, reports an incident naming the
resident, hands over, and records the departure (a confirmation first); the manager then puts a bed out of service.
Every page passes through axe-core, with screenshots at desktop and phone widths. Prints one JSON object.
"""
import datetime, json, os, sys

from pages import audit as audit_page, banner, chromium, errors, sign_in, submit
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

part, base, code, manager_password, staff_password, crn, night_text, shots = sys.argv[1:9]
os.makedirs(shots, exist_ok=True)
result = {"axe": {}, "phoneOverflow": {}}
night = datetime.date.fromisoformat(night_text)


def uk(day):
    """A date as staff type it: 1/12/2026."""
    return f"{day.day}/{day.month}/{day.year}"


night_uk = uk(night)


def audit(driver, name):
    audit_page(driver, result, shots, name)


def by_id(driver, name):
    return driver.find_element(By.ID, name)


def typed(driver, name, text):
    field = by_id(driver, name)
    field.clear()
    field.send_keys(text)


def button(driver, text):
    return next(b for b in driver.find_elements(By.CSS_SELECTOR, "main button") if b.text == text)


def nav(driver):
    return [a.text for a in driver.find_elements(By.CSS_SELECTOR, "body > nav a")]


def book(manager):
    sign_in(manager, base, "demo.manager", manager_password)
    manager.get(f"{base}/premises/{code}/placements")
    audit(manager, "placements")
    result["managerNav"] = nav(manager)
    submit(manager, manager.find_element(By.LINK_TEXT, "Book a placement"))
    submit(manager, manager.find_element(By.LINK_TEXT, "Add a new resident"))
    audit(manager, "new-resident")
    # Mistakes first: no names, a date of birth that is not one.
    typed(manager, "crn", crn)
    typed(manager, "dateOfBirth", "31/02/1990")
    submit(manager, button(manager, "Add the resident"))
    result["residentRefused"] = errors(manager)
    result["keptCrn"] = by_id(manager, "crn").get_attribute("value")
    audit(manager, "new-resident-error")
    typed(manager, "dateOfBirth", "27/3/1990")
    typed(manager, "givenName", "Robin")
    typed(manager, "familyName", "Story")
    manager.find_element(By.CSS_SELECTOR, "input[name=gender][value=male]").click()
    manager.find_element(By.CSS_SELECTOR, "input[name=rosh][value=medium]").click()
    typed(manager, "practitioner_name", "Pat Probation")
    submit(manager, button(manager, "Add the resident"))
    result["residentAdded"] = banner(manager)
    result["residentPage"] = manager.current_url
    audit(manager, "resident")

    # The practitioner's phone, learnt later: the record's details changed.
    submit(manager, manager.find_element(By.LINK_TEXT, "Change their details"))
    audit(manager, "edit-resident")
    typed(manager, "edit-practitioner_phone", "0300 123 4567")
    typed(manager, "edit-contingencyPlan", "Call Pat Probation, then the police on 101")
    submit(manager, by_id(manager, "save-details"))
    result["detailsChanged"] = banner(manager)

    # A curfew from that night, 21:00 to 07:00.
    Select(by_id(manager, "condition-kind")).select_by_value("curfew")
    Select(by_id(manager, "condition-source")).select_by_value("licence")
    typed(manager, "condition-startsOn", night_uk)
    manager.find_element(By.CSS_SELECTOR, "details.terms summary").click()
    typed(manager, "condition-curfew_windows_0_start", "21:00")
    typed(manager, "condition-curfew_windows_0_end", "07:00")
    submit(manager, by_id(manager, "add-condition-button"))
    result["conditionAdded"] = banner(manager)
    result["conditionShown"] = manager.find_element(By.CSS_SELECTOR, ".condition").text
    vary = manager.find_element(By.LINK_TEXT, "Vary this condition")
    submit(manager, vary)
    audit(manager, "vary-condition")
    result["varyKeepsWindow"] = by_id(manager, "vary-replacement_curfew_windows_0_start").get_attribute("value")
    manager.back()

    # The booking: first with the departure before the arrival, then right.
    submit(manager, manager.find_element(By.LINK_TEXT, "Book a placement"))
    result["bookingCrn"] = by_id(manager, "crn").get_attribute("value")
    typed(manager, "expectedArrival", night_uk)
    typed(manager, "expectedDeparture", uk(night - datetime.timedelta(days=3)))
    submit(manager, button(manager, "Continue to choose a bed"))
    result["bookingRefused"] = errors(manager)
    audit(manager, "book-error")
    typed(manager, "expectedDeparture", uk(night + datetime.timedelta(days=3)))
    manager.find_element(By.CSS_SELECTOR, "input[name=requiring][value=step_free]").click()
    submit(manager, button(manager, "Continue to choose a bed"))
    audit(manager, "choose-bed")
    choices = manager.find_elements(By.CSS_SELECTOR, "input[name=bedId]")
    assert choices, manager.find_element(By.TAG_NAME, "main").text
    choice = choices[0]
    result["bedChosen"] = choice.get_attribute("id").removeprefix("bed-")
    choice.click()
    submit(manager, button(manager, "Allocate the bed"))
    result["bedAllocated"] = banner(manager)
    result["placementPage"] = manager.current_url
    audit(manager, "placement-upcoming")


def arrival_and_late_entries(staff):
    """The shift finds the arrival due on the roll and records it, then two entries after the fact."""
    sign_in(staff, base, "demo.staff", staff_password)
    result["arrivalsDue"] = [p.text for p in staff.find_elements(By.XPATH, "//h2[.='Due today']/following-sibling::p")
                             if p.text.startswith("Arriving")]
    submit(staff, staff.find_element(By.PARTIAL_LINK_TEXT, "Robin Story"))
    typed(staff, "arrive-at", f"{night_uk} 14:00")
    submit(staff, by_id(staff, "record-arrival"))
    result["arrived"] = banner(staff)
    result["facts"] = staff.find_element(By.CSS_SELECTOR, "dl.summary").text
    staff.get(f"{base}/premises/{code}/roll")
    for kind, at, reason in [("out", "18:00", "the book was not signed when they left"),
                             ("in", "23:40", "came in while staff were on a room check")]:
        Select(by_id(staff, "late-crn")).select_by_value(crn)
        staff.find_element(By.CSS_SELECTOR, f"input[name=kind][value={kind}]").click()
        typed(staff, "late-at", f"{night_text} {at}")
        typed(staff, "late-reason", reason)
        submit(staff, staff.find_element(By.CSS_SELECTOR, "form[action$='/roll/late'] button"))
        result[f"late-{kind}"] = banner(staff)


def shift(staff, manager):
    sign_in(staff, base, "demo.staff", staff_password)
    result["staffNav"] = nav(staff)
    alert = next(a for a in staff.find_elements(By.CSS_SELECTOR, ".alert") if f"({crn})" in a.text)
    result["alertShown"] = alert.text
    alert_id = alert.get_attribute("id").removeprefix("alert-")
    result["alertId"] = alert_id
    Select(by_id(staff, f"outcome-{alert_id}")).select_by_value("returned_late")
    typed(staff, f"note-{alert_id}", "spoke to them at 23:45")
    submit(staff, by_id(staff, f"acknowledge-{alert_id}"))
    result["acknowledged"] = banner(staff)
    # Robin reports to staff (a check-in): first without saying who.
    submit(staff, by_id(staff, "record-reported"))
    result["reportedRefused"] = errors(staff)
    Select(by_id(staff, "reported-residentId")).select_by_visible_text(f"Robin Story ({crn})")
    typed(staff, "reported-note", "asked about the job centre")
    submit(staff, by_id(staff, "record-reported"))
    result["reported"] = banner(staff)
    audit(staff, "roll")

    submit(staff, staff.find_element(By.LINK_TEXT, "Incidents"))
    typed(staff, "occurredAt", f"{night_text} 23:45")
    typed(staff, "location", "front door")
    Select(by_id(staff, "category")).select_by_value("threats")
    staff.find_element(By.CSS_SELECTOR, "input[name=severity][value=low]").click()
    typed(staff, "description", "Argued with staff about the late return")
    box = next(label for label in staff.find_elements(By.CSS_SELECTOR, "#residents label")
               if "Robin Story" in label.text)
    box.find_element(By.TAG_NAME, "input").click()
    submit(staff, staff.find_element(By.CSS_SELECTOR, "form[action$='/incidents'] button"))
    result["incidentReported"] = banner(staff)
    # The incident updated: first with its description emptied, then put under review as more serious.
    card = next(c for c in staff.find_elements(By.CSS_SELECTOR, "div.card[id^=incident-]")
                if "Argued with staff" in c.text)
    submit(staff, card.find_element(By.LINK_TEXT, "Update it, or see its versions"))
    typed(staff, "update-draft_description", "")
    submit(staff, by_id(staff, "update-incident"))
    result["incidentUpdateRefused"] = errors(staff)
    audit(staff, "incident-error")
    typed(staff, "update-draft_description", "Argued with staff about the late return; calm by midnight")
    staff.find_element(By.CSS_SELECTOR, "input[name='status'][value=under_review]").click()
    staff.find_element(By.CSS_SELECTOR, "input[name='draft.severity'][value=medium]").click()
    submit(staff, by_id(staff, "update-incident"))
    result["incidentUpdated"] = banner(staff)
    result["incidentVersions"] = [li.text for li in staff.find_elements(By.CSS_SELECTOR, "ol.timeline li")]

    submit(staff, staff.find_element(By.LINK_TEXT, "Handover"))
    typed(staff, "text", "Robin Story was late back; acknowledged and reported")
    submit(staff, staff.find_element(By.CSS_SELECTOR, "form[action$='/handover/notes'] button"))
    submit(staff, staff.find_element(By.CSS_SELECTOR, "form[action$='/handover/acknowledge'] button"))
    result["handedOver"] = banner(staff)

    # The placement's page as the shift sees it: the departure, none of the manager's actions.
    staff.get(placement_url())
    audit(staff, "placement-shift")
    result["shiftSeesManagerActions"] = [i for i in ("cancel-placement", "move-bed", "assign-key-worker")
                                         if staff.find_elements(By.ID, i)]
    Select(by_id(staff, "depart-reason")).select_by_value("planned_move_on")
    typed(staff, "depart-notes", "to a flat with his sister")
    submit(staff, by_id(staff, "record-departure"))
    result["confirmQuestion"] = staff.find_element(By.TAG_NAME, "h1").text
    audit(staff, "confirm-departure")
    submit(staff, button(staff, "Yes, record the departure"))
    result["departed"] = banner(staff)
    result["timeline"] = [li.text for li in staff.find_elements(By.CSS_SELECTOR, "ol.timeline li")]

    # The manager's other pages: the beds, a bed out of service (refused first), its history, and the rest.
    sign_in(manager, base, "demo.manager", manager_password)
    manager.get(f"{base}/premises/{code}/beds")
    audit(manager, "beds")
    result["boardNames"] = len(manager.find_elements(By.CSS_SELECTOR, "table.board td a"))
    submit(manager, button(manager, "Put the bed out of service"))
    result["outOfServiceRefused"] = errors(manager)
    Select(by_id(manager, "oos-bedId")).select_by_visible_text("99A (room R99)")
    typed(manager, "oos-from", uk(night + datetime.timedelta(days=40)))
    typed(manager, "oos-to", uk(night + datetime.timedelta(days=47)))
    Select(by_id(manager, "oos-reason")).select_by_value("planned_refurbishment")
    bed = Select(by_id(manager, "oos-bedId")).first_selected_option.text.split(" ")[0]
    submit(manager, button(manager, "Put the bed out of service"))
    result["outOfService"] = banner(manager) or errors(manager)
    submit(manager, manager.find_element(By.LINK_TEXT, bed))
    audit(manager, "bed")
    period = manager.find_element(By.CSS_SELECTOR, ".period")
    typed(manager, f"withdraw-{period.get_attribute('id').removeprefix('period-')}-reason", "refurbishment postponed")
    submit(manager, period.find_element(By.CSS_SELECTOR, "form[action$='/withdraw'] button"))
    result["periodWithdrawn"] = banner(manager)
    result["periodHistory"] = manager.find_element(By.CSS_SELECTOR, ".period").text
    for name, path in [("overview", "/overview"), ("premises", f"/premises/{code}"),
                       ("report", f"/premises/{code}/occupancy-report"), ("staff", f"/premises/{code}/staff"),
                       ("placements-past", f"/premises/{code}/placements?show=past&q=story")]:
        manager.get(base + path)
        audit(manager, name)
    result["pastFound"] = [r.text for r in manager.find_elements(By.CSS_SELECTOR, "tbody tr")]


def placement_url():
    with open(os.path.join(shots, "placement.txt")) as f:
        return f.read().strip()


staff, manager = chromium(), chromium()
try:
    if part == "book":
        book(manager)
        with open(os.path.join(shots, "placement.txt"), "w") as f:
            f.write(result["placementPage"].split("?")[0])
        arrival_and_late_entries(staff)
    else:
        shift(staff, manager)
finally:
    staff.quit()
    manager.quit()
print(json.dumps(result))
