#!/usr/bin/env python3
"""A manager gives a member of staff a first password from the pages, and the member of staff signs in with it.

    staff.py BASE_URL MANAGER_TOKEN PREMISES_CODE STAFF_NAME SHOT_DIR

Prints one JSON object of what it saw.
"""
import json, os, sys, urllib.parse

from pages import audit, banner, chromium, sign_in, sign_in_with_token, submit
from selenium.webdriver.common.by import By

base, token, code, name, shots = sys.argv[1:6]
os.makedirs(shots, exist_ok=True)
driver = chromium()
result = {}
try:
    sign_in_with_token(driver, base, token)
    driver.get(f"{base}/premises/{code}/staff")
    audit(driver, result, shots, "staff")
    row = next(r for r in driver.find_elements(By.CSS_SELECTOR, "tbody tr") if name in r.text)
    submit(driver, row.find_element(By.CSS_SELECTOR, "button"))
    given = driver.find_elements(By.CSS_SELECTOR, ".banner strong")
    result["banner"] = banner(driver)
    result["username"], result["password"] = given[0].text, given[1].text
    audit(driver, result, shots, "staff-given")
    driver.delete_all_cookies()
    sign_in(driver, base, result["username"], result["password"])
    result["staffLandsOn"] = urllib.parse.urlparse(driver.current_url).path
    driver.get(f"{base}/premises/{code}/staff")
    result["staffSeesStaffPage"] = driver.find_element(By.TAG_NAME, "h1").text
finally:
    driver.quit()
print(json.dumps(result))
