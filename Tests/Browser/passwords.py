#!/usr/bin/env python3
"""Signing in with a username and password, in a real Chromium driven by Selenium.

    passwords.py BASE_URL USERNAME FIRST_PASSWORD NEW_PASSWORD SHOT_DIR

A first password leads to the form to choose one's own, and nowhere else until it is done; a form sent wrong
shows an error summary and the error beside its field; the new password works and the old does not; five wrong
passwords lock the account. Every page is audited with axe-core and captured at desktop and phone widths.
Prints one JSON object of what it saw.
"""
import json, os, sys

from pages import audit as audit_page, chromium, errors as page_errors, sign_in as sign_in_with, submit as submit_form
from selenium.webdriver.common.by import By

base, username, first, new, shots = sys.argv[1:6]
os.makedirs(shots, exist_ok=True)
driver = chromium()
result = {"axe": {}}


def audit(name):
    audit_page(driver, result, shots, name)


def submit(selector):
    submit_form(driver, driver.find_element(By.CSS_SELECTOR, selector))


def sign_in(user, password):
    sign_in_with(driver, base, user, password)


def errors():
    return page_errors(driver)


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
