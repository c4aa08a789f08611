#!/usr/bin/env python3
"""An integration reading the service's events as a real one would: from the cursor it kept, a page at a time,
writing each page's events and nothing else to its file in one write (the file is where it is: its last line's
id is its cursor), until a page comes back empty.

    events_reader.py BASE_URL TOKEN OUT_FILE PAGE_SIZE PAUSE_SECONDS

Killed at any moment (kill -9) and started again, it carries on from the last event it wrote.
"""
import json, os, sys, time, urllib.request

base, token, path, size, pause = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
cursor = "0"
if os.path.exists(path):
    with open(path) as f:
        lines = [line for line in f.read().split("\n") if line]
    if lines:
        cursor = lines[-1].split(" ")[0]
fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
while True:
    request = urllib.request.Request(f"{base}/api/v1/events?after={cursor}&limit={size}",
                                     headers={"Authorization": f"Bearer {token}"})
    page = json.load(urllib.request.urlopen(request, timeout=30))
    if not page["events"]:
        break
    os.write(fd, "".join(f"{e['id']} {e['type']} {e['link']}\n" for e in page["events"]).encode())
    os.fsync(fd)
    cursor = page["cursor"]
    time.sleep(pause)
os.close(fd)
