#!/usr/bin/env python3
"""The evidence pack's page in a real Chromium, driven by Selenium (Debian's chromium and chromium-driver).

    evidence_print.py BASE_URL TOKEN PAGE_PATH SHOT_DIR

Signs in to the dashboard with TOKEN, opens PAGE_PATH (/residents/<id>/evidence?from=...&to=...), audits it with
axe-core, then lays it out as the browser prints it (print media, A4 width): a screenshot of that layout and the
PDF Chromium prints, both written to SHOT_DIR. Prints one JSON object of what it measured.
"""
import base64, json, os, sys

from axe_selenium_python import Axe
from pages import chromium, sign_in_with_token

base, token, path, shots = sys.argv[1:5]
os.makedirs(shots, exist_ok=True)
driver = chromium()
try:
    sign_in_with_token(driver, base, token)
    driver.get(base + path)
    result = {"title": driver.title, "url": driver.current_url}

    axe = Axe(driver)
    axe.inject()
    audit = axe.run()
    result["axeViolations"] = [{"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])}
                               for v in audit["violations"]]

    # As printed: print media, at the width of an A4 page at 96 dots an inch (210 mm less the 24 mm of margins).
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    driver.set_window_size(703, 1123)
    metrics = driver.execute_script("""
        const hidden = [...document.querySelectorAll('.no-print')].every(e => getComputedStyle(e).display === 'none');
        const rows = document.querySelectorAll('tbody tr').length;
        const altered = [...document.querySelectorAll('td.altered')].map(e => e.closest('tr').id);
        return {hiddenInPrint: hidden, scrollWidth: document.documentElement.scrollWidth,
                clientWidth: document.documentElement.clientWidth,
                bodyFontSize: getComputedStyle(document.body).fontSize, rows: rows, altered: altered};
    """)
    result.update(metrics)
    driver.save_screenshot(os.path.join(shots, "evidence-pack-print.png"))

    # Printed as the page asks (its @page rule), not at a size given here.
    pdf = base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})["data"])
    with open(os.path.join(shots, "evidence-pack.pdf"), "wb") as f:
        f.write(pdf)
    result["pdfHeader"] = pdf[:5].decode("latin-1")
    result["pdfPages"] = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    # The page size Chromium used, from the first /MediaBox (A4 is 595 x 842 points).
    box = pdf.find(b"/MediaBox")
    corners = pdf[box:box + 60].decode("latin-1").split("[")[1].split("]")[0].split() if box >= 0 else []
    result["pdfPageSize"] = [round(float(corners[2])), round(float(corners[3]))] if len(corners) == 4 else []
finally:
    driver.quit()
print(json.dumps(result))
