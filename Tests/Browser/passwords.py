#!/usr/bin/env python3
"""Signing in with a username and password, in a real Chromium driven by Selenium.

    passwords.py BASE_URL USERNAME FIRST_PASSWORD NEW_PASSWORD SHOT_DIR

A first password leads to the form to choose one's own, and nowhere else until it is done; a form sent wrong
shows an error summary and the error beside its field; the new password works and the old does not; five wrong
passwords lock the account. Every page is audited with axe-core and captured at desktop and phone widths.
Prints one JSON object of what it saw.
"""
import json, os, sys

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

base, username, first, new, shots = sys.argv[1:6]
os.makedirs(shots, exist_ok=True)
options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
    options.add_argument(flag)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
result = {"axe": {}}


def audit(name):
    axe = Axe(driver)
    axe.inject()
    result["axe"][name] = [v["id"] for v in axe.run()["violations"] if v["impact"] in ("serious", "critical")]
    for width, label in ((1200, "desktop"), (390, "phone")):
        driver.set_window_size(width, 900)
        driver.save_screenshot(os.path.join(shots, f"{name}-{label}.png"))
        if width == 390:
            result.setdefault("phoneOverflow", {})[name] = driver.execute_script(
                "return document.documentElement.scrollWidth > document.documentElement.clientWidth")
    driver.set_window_size(1200, 900)


def gone(element):
    """Whether the page an element was on has been replaced (chromedriver says so in more than one way)."""
    try:
        element.is_enabled()
        return False
    except WebDriverException:
        return True


def submit(selector):
    """Sends a form and waits for the page that answers it."""
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, selector).click()
    WebDriverWait(driver, 10).until(lambda d: gone(page))
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")


def sign_in(user, password):
    driver.get(base + "/sign-in")
    driver.find_element(By.ID, "username").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password)
    submit("#password-sign-in button[type=submit]")


def errors():
    summary = [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".error-summary a")]
    beside = {e.get_attribute("id"): e.text for e in driver.find_elements(By.CSS_SELECTOR, ".error-message")}
    return {"summary": summary, "beside": beside, "title": driver.title}


try:
    driver.get(base + "/sign-in")
    audit("sign-in")
    sign_in(username, "")
    result["empty"] = errors()
    sign_in(username, first)
    result["afterFirst"] = driver.current_url.split(base)[1]
    audit("change-password")
    driver.get(base + "/overview")
    result["overviewBeforeChange"] = driver.current_url.split(base)[1]
    driver.find_element(By.ID, "current").send_keys(first)
    driver.find_element(By.ID, "password").send_keys(new)
    driver.find_element(By.ID, "confirm").send_keys(new + "x")
    submit("form[action='/password'] button[type=submit]")
    result["mismatch"] = errors()
    audit("change-password-error")
    driver.find_element(By.ID, "current").send_keys(first)
    driver.find_element(By.ID, "password").send_keys(new)
    driver.find_element(By.ID, "confirm").send_keys(new)
    submit("form[action='/password'] button[type=submit]")
    result["afterChange"] = driver.current_url.split(base)[1]
    driver.delete_all_cookies()
    sign_in(username, first)
    result["oldPassword"] = errors()
    sign_in(username, new)
    result["newPassword"] = driver.current_url.split(base)[1]
    driver.delete_all_cookies()
    for _ in range(5):
        sign_in(username, "wrong-guess-0000")
    sign_in(username, new)
    result["afterFiveWrong"] = errors()
    audit("sign-in-locked")
finally:
    driver.quit()
print(json.dumps(result))
