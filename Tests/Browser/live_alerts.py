#!/usr/bin/env python3
"""The live alert banner in a real Chromium, driven by Selenium (Debian's chromium and chromium-driver).

    live_alerts.py BASE_URL MANAGER_TOKEN PREMISES_CODE WORKER_TOKEN NEW_ALERT_JSON SHOT_DIR

Signs in, opens the premises page, raises an alert through the API as the worker would (NEW_ALERT_JSON), and
times how long the banner takes to announce it. Then opens the page again with scripts switched off: the alert
is listed all the same. Prints one JSON object of what it saw.
"""
import json, os, sys, time, urllib.request

from axe_selenium_python import Axe
from pages import chromium, sign_in_with_token
from selenium.webdriver.common.by import By

base, token, code, worker, new_alert, shots = sys.argv[1:7]
os.makedirs(shots, exist_ok=True)


def browser(scripts=True):
    driver = chromium(scripts)
    sign_in_with_token(driver, base, token)
    driver.get(f"{base}/premises/{code}")
    return driver


result = {}
driver = browser()
try:
    time.sleep(0.5)  # the stream opens after the page has loaded
    if not driver.find_elements(By.ID, "live-alerts"):
        raise SystemExit("no banner on " + driver.current_url + ": " + driver.find_element(By.TAG_NAME, "body").text[:300])
    result["bannerHiddenAtFirst"] = driver.execute_script("return document.getElementById('live-alerts').hidden")
    request = urllib.request.Request(base + "/api/v1/alerts", data=new_alert.encode(), method="POST",
                                     headers={"Authorization": "Bearer " + worker, "Content-Type": "application/json"})
    raised = json.load(urllib.request.urlopen(request))
    started = time.time()
    text = ""
    while time.time() - started < 5 and "New alert" not in text:
        text = driver.execute_script("return document.getElementById('live-alerts').textContent")
        time.sleep(0.02)
    result["bannerSeconds"] = round(time.time() - started, 3)
    result["bannerText"] = text
    result["alertId"] = raised["id"]
    axe = Axe(driver)
    axe.inject()
    result["axeViolations"] = [{"id": v["id"], "impact": v["impact"]} for v in axe.run()["violations"]]
    driver.save_screenshot(os.path.join(shots, "premises-live-alert.png"))
finally:
    driver.quit()

driver = browser(scripts=False)
try:
    result["withoutScripts"] = driver.find_element(By.TAG_NAME, "main").text
finally:
    driver.quit()
print(json.dumps(result))
