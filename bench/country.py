"""The country's day, played against the service through its HTTP API at N times real speed (scripts/bench country).

Every premises the token sees, every resident staying there: each signs out and back in three times a day between
08:00 and 22:00; staff read the roll every hour and at each shift, hand over three times a day (the handover read,
two notes, the incoming shift's acknowledgement), look at alerts and at residents; managers read the occupancy, the
bed board, the placements and the forecast through the day and the month's report once, the regions' managers the
month across every premises (the dashboard's report) a few times an hour, and book about one arrival
a premises every three days (a new resident and their placement); incidents about one a week a premises; now and
then an evidence pack. The curfew worker is not here: scripts/bench runs it, every 60/N seconds.

Open loop: each request is sent when the simulated clock reaches it, whether or not the ones before have been
answered, and its latency counts from then (a generator that waits would hide the service's queue). Prints one line
per route: RESULT route count errors p50_ms p99_ms max_ms, then RUN lag_p99_ms cpu_s wall_s.

    python3 bench/country.py --url URL[,URL...] --token TOKEN --speed N [--days D] [--seed S]
"""

import argparse
import asyncio
import heapq
import json
import math
import random
import resource
import sys
import time
import urllib.parse
from collections import defaultdict
from datetime import date, timedelta

DAY = 86400.0
HOUR = 3600.0


class Connections:
    """Keep-alive HTTP/1.1 connections to one service, opened as needed and reused."""

    def __init__(self, url, token, limit):
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.head = f"Host: {parts.netloc}\r\nAuthorization: Bearer {token}\r\n"
        self.idle = []
        self.open = 0
        self.limit = limit
        self.freed = asyncio.Condition()

    async def acquire(self):
        async with self.freed:
            while not self.idle and self.open >= self.limit:
                await self.freed.wait()
            if self.idle:
                return self.idle.pop()
            self.open += 1
        try:
            return await asyncio.open_connection(self.host, self.port)
        except Exception:
            self.open -= 1
            raise

    async def release(self, conn, reusable):
        async with self.freed:
            if reusable:
                self.idle.append(conn)
            else:
                self.open -= 1
                conn[1].close()
            self.freed.notify()

    async def request(self, method, path, body=None):
        payload = b"" if body is None else json.dumps(body).encode()
        head = f"{method} {path} HTTP/1.1\r\n{self.head}"
        if body is not None:
            head += "Content-Type: application/json\r\n"
        head += f"Content-Length: {len(payload)}\r\n\r\n"
        conn = await self.acquire()
        reader, writer = conn
        try:
            writer.write(head.encode() + payload)
            status_line = await reader.readline()
            status = int(status_line.split()[1])
            length, chunked, close = 0, False, False
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "transfer-encoding" and "chunked" in value:
                    chunked = True
                elif name == "connection" and "close" in value.lower():
                    close = True
            if chunked:
                data = b""
                while True:
                    size = int((await reader.readline()).strip(), 16)
                    data += await reader.readexactly(size + 2)
                    if size == 0:
                        break
            else:
                data = await reader.readexactly(length)
        except BaseException:
            await self.release(conn, False)
            raise
        await self.release(conn, not close)
        return status, data


class Day:
    """The simulated clock's events, in order: (at, order, route, premises, argument)."""

    def __init__(self, rng):
        self.rng = rng
        self.heap = []
        self.order = 0

    def add(self, at, route, premises=None, arg=None):
        self.order += 1
        heapq.heappush(self.heap, (at, self.order, route, premises, arg))

    def spread(self, day_start, per_day, route, premises, first=0.0, last=DAY):
        """per_day events at random times between first and last of the day (a fraction by chance)."""
        whole = int(per_day)
        count = whole + (1 if self.rng.random() < per_day - whole else 0)
        for _ in range(count):
            self.add(day_start + self.rng.uniform(first, last), route, premises)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--speed", type=float, required=True)
    parser.add_argument("--days", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--connections", type=int, default=48, help="at most, to each service")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    services = [Connections(u, args.token, args.connections) for u in args.url.split(",")]
    first = services[0]

    status, data = await first.request("GET", "/api/v1/premises?limit=500")
    assert status == 200, f"listing premises: {status} {data[:200]!r}"
    listed = json.loads(data)["items"]
    premises = [p["id"] for p in listed]
    gender = {p["id"]: p["gender"] for p in listed}
    residents = {}  # resident id -> [premises id, is in, busy]
    staying = defaultdict(list)
    for p in premises:
        status, data = await first.request("GET", f"/api/v1/premises/{p}/roll?limit=100")
        assert status == 200, f"reading a roll: {status}"
        for entry in json.loads(data)["items"]:
            residents[entry["residentId"]] = [p, entry["isIn"], False]
            staying[p].append(entry["residentId"])

    today = date.today()
    month_ago = (today - timedelta(days=30)).isoformat()
    week_ago = (today - timedelta(days=7)).isoformat()
    next_month = (today + timedelta(days=30)).isoformat()
    routes = {
        "roll": lambda p, a: ("GET", f"/api/v1/premises/{p}/roll?limit=100", None),
        "handover": lambda p, a: ("GET", f"/api/v1/premises/{p}/handover", None),
        "handover-note": lambda p, a: ("POST", f"/api/v1/premises/{p}/handover/notes", {"text": "Quiet shift"}),
        "handover-ack": lambda p, a: ("POST", f"/api/v1/premises/{p}/handover/acknowledge", None),
        "alerts": lambda p, a: ("GET", f"/api/v1/premises/{p}/alerts?since={week_ago}", None),
        "resident": lambda p, a: ("GET", f"/api/v1/residents/{rng.choice(staying[p])}", None),
        "occupancy": lambda p, a: ("GET", f"/api/v1/premises/{p}/occupancy", None),
        "bed-board": lambda p, a: ("GET", f"/api/v1/premises/{p}/bed-board", None),
        "placements": lambda p, a: (
            "GET", f"/api/v1/premises/{p}/placements?from={today.isoformat()}&to={next_month}", None),
        "forecast": lambda p, a: ("GET", f"/api/v1/premises/{p}/forecast", None),
        "dashboard": lambda p, a: (
            "GET", f"/api/v1/occupancy-report?from={month_ago}&to={today.isoformat()}", None),
        "occupancy-report": lambda p, a: (
            "GET", f"/api/v1/premises/{p}/occupancy-report?from={month_ago}&to={today.isoformat()}", None),
        "evidence": lambda p, a: (
            "GET", f"/api/v1/residents/{rng.choice(staying[p])}/evidence?from={month_ago}&to={today.isoformat()}",
            None),
        "incident": lambda p, a: ("POST", f"/api/v1/premises/{p}/incidents", {
            "occurredAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 600)),
            "category": "threats", "severity": "medium", "description": "Argument in the kitchen",
            "residentIds": [rng.choice(staying[p])]}),
    }

    day = Day(rng)
    for d in range(math.ceil(args.days)):
        start = d * DAY
        # The regions' managers: the month across every premises they see, a few times an hour in office hours.
        day.spread(start, 24, "dashboard", None, 8 * HOUR, 18 * HOUR)
        for p in premises:
            for r in staying[p]:
                for outing in range(3):
                    day.add(start + rng.uniform(8 * HOUR, 19 * HOUR), "sign-out", p, r)
            for hour in range(24):
                day.add(start + hour * HOUR + rng.uniform(0, 600), "roll", p)
            for shift in (7, 15, 23):  # every premises changes shift at the same hours: the day's peaks
                at = start + shift * HOUR
                day.add(at - 3600 + rng.uniform(0, 1800), "handover-note", p)
                day.add(at - 1800 + rng.uniform(0, 1500), "handover-note", p)
                read = at + rng.uniform(0, 900)
                day.add(read, "handover", p)
                day.add(read + rng.uniform(120, 600), "handover-ack", p)
                day.add(read + rng.uniform(60, 300), "roll", p)
            day.spread(start, 12, "alerts", p)
            day.spread(start, 30, "resident", p, 7 * HOUR, 23 * HOUR)
            day.spread(start, 10, "occupancy", p, 8 * HOUR, 18 * HOUR)
            day.spread(start, 5, "bed-board", p, 8 * HOUR, 18 * HOUR)
            day.spread(start, 5, "placements", p, 8 * HOUR, 18 * HOUR)
            day.spread(start, 1, "forecast", p, 8 * HOUR, 18 * HOUR)
            day.spread(start, 1, "occupancy-report", p, 8 * HOUR, 18 * HOUR)
            day.spread(start, 1 / 3, "booking", p, 9 * HOUR, 17 * HOUR)
            day.spread(start, 1 / 7, "incident", p)
            day.spread(start, 0.2, "evidence", p, 9 * HOUR, 17 * HOUR)
    end = args.days * DAY

    latencies = defaultdict(list)
    errors = defaultdict(int)
    shown = [0]
    lags = []
    inflight = set()
    booked = [0]

    async def call(route, service, method, path, body, scheduled):
        try:
            status, data = await service.request(method, path, body)
        except Exception as e:  # a dropped connection is the service's failure, counted, not the run's end
            status, data = 599, str(e).encode()
        latencies[route].append(time.monotonic() - scheduled)
        if status >= 300:
            errors[route] += 1
            if shown[0] < 5:
                shown[0] += 1
                print(f"country: {route} {status} {data[:300]!r}", file=sys.stderr)
        return status, data

    async def sign(resident, service, scheduled, at):
        state = residents[resident]
        p = state[0]
        kind = "out" if state[1] else "in"
        status, _ = await call(f"sign-{kind}", service, "POST", f"/api/v1/premises/{p}/movements",
                               {"residentId": resident, "kind": kind, "destination": "work"}, scheduled)
        if status in (201, 409):  # 409: already so; the service's word is the state
            state[1] = not state[1]
        state[2] = False
        if kind == "out":
            back = at + rng.uniform(0.5, 3) * HOUR
            day.add(min(back, (at // DAY) * DAY + 22 * HOUR), "sign-in", p, resident)

    async def book(p, service, scheduled):
        booked[0] += 1
        crn = f"Z{(args.seed * 100000 + booked[0]) % 1000000:06d}"
        status, data = await call("resident-new", service, "POST", "/api/v1/residents", {
            "premisesId": p, "crn": crn, "givenName": "Bench", "familyName": f"Booking{booked[0]}",
            "dateOfBirth": "1990-01-01", "gender": gender[p], "rosh": "medium",
            "practitioner": {"name": "A Practitioner", "phone": "0100 000 0000", "email": "pp@example.org"}},
            scheduled)
        if status != 201:
            return
        resident = json.loads(data)["id"]
        await call("booking", service, "POST", "/api/v1/placements", {
            "residentId": resident, "premisesId": p, "expectedArrival": next_month,
            "expectedDeparture": (today + timedelta(days=120)).isoformat()}, time.monotonic())

    started = time.monotonic()
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    next_service = 0
    while day.heap:
        at, _, route, p, arg = heapq.heappop(day.heap)
        if at >= end:
            break
        due = started + at / args.speed
        wait = due - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        lags.append(max(0.0, time.monotonic() - due))
        service = services[next_service % len(services)]
        next_service += 1
        if route in ("sign-out", "sign-in"):
            state = residents[arg]
            if state[2] or state[1] != (route == "sign-out"):
                continue  # out already (or in flight): this outing is skipped, as a resident who stays in
            state[2] = True
            task = asyncio.create_task(sign(arg, service, due, at))
        elif route == "booking":
            task = asyncio.create_task(book(p, service, due))
        else:
            method, path, body = routes[route](p, arg)
            task = asyncio.create_task(call(route, service, method, path, body, due))
        inflight.add(task)
        task.add_done_callback(inflight.discard)
    if inflight:
        await asyncio.wait(inflight)
    wall = time.monotonic() - started
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu_s = used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime

    def pct(values, q):
        values = sorted(values)
        return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else 0.0

    for route in sorted(latencies):
        v = latencies[route]
        print(f"RESULT {route} {len(v)} {errors[route]} {pct(v, 0.5):.2f} {pct(v, 0.99):.2f} {max(v) * 1000:.2f}")
    print(f"RUN {pct(lags, 0.99):.2f} {cpu_s:.2f} {wall:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
