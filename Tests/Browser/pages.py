"""What the browser tests share: Chromium through Selenium (Debian's chromium and chromium-driver), signing in,
sending a form and waiting for the page that answers it, the errors and banner a page shows, and an axe-core
audit with screenshots at desktop and phone widths."""
import os

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def chromium(scripts=True):
    """A headless Chromium at desktop width; `scripts=False` with JavaScript switched off."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    if not scripts:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_window_size(1200, 900)
    return driver


def gone(element):
    """Whether the page an element was on has been replaced (chromedriver says so in more than one way)."""
    try:
        element.is_enabled()
        return False
    except WebDriverException:
        return True


def submit(driver, button):
    """Clicks a form's button and waits for the page that answers it."""
    page = driver.find_element(By.TAG_NAME, "html")
    button.click()
    WebDriverWait(driver, 10).until(lambda d: gone(page))
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")


def sign_in(driver, base, username, password):
    driver.get(base + "/sign-in")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "#password-sign-in button[type=submit]"))


def sign_in_with_token(driver, base, token):
    driver.get(base + "/sign-in")
    driver.find_element(By.CSS_SELECTOR, "details summary").click()  # the token's form is folded away
    driver.find_element(By.ID, "token").send_keys(token)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "#token-sign-in button[type=submit]"))


def errors(driver):
    """The error summary's messages and the fields they link to, and the errors shown beside fields."""
    links = driver.find_elements(By.CSS_SELECTOR, ".error-summary a")
    return {"summary": [a.text for a in links], "links": [a.get_attribute("href").split("#")[1] for a in links],
            "beside": {e.get_attribute("id"): e.text for e in driver.find_elements(By.CSS_SELECTOR, ".error-message")},
            "title": driver.title}


def banner(driver):
    found = driver.find_elements(By.CSS_SELECTOR, ".banner")
    return found[0].text if found else ""


def audit(driver, result, shots, name):
    """axe-core's serious and critical violations, screenshots at 1200 and 390 pixels, and whether the page is
    wider than a phone, into `result`."""
    axe = Axe(driver)
    axe.inject()
    result.setdefault("axe", {})[name] = [v["id"] for v in axe.run()["violations"]
                                          if v["impact"] in ("serious", "critical")]
    whole_page(driver, 1200, os.path.join(shots, f"{name}-desktop.png"))
    driver.set_window_size(390, 900)
    result.setdefault("phoneOverflow", {})[name] = driver.execute_script(
        "return document.documentElement.scrollWidth > document.documentElement.clientWidth")
    whole_page(driver, 390, os.path.join(shots, f"{name}-phone.png"))
    driver.set_window_size(1200, 900)


def whole_page(driver, width, path):
    """A screenshot of the whole page from its top (up to 8,000 pixels), not of wherever the window had scrolled."""
    driver.set_window_size(width, 900)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(max(height, 900), 8000) + 120)
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(path)
