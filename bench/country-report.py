"""The tables of scripts/bench country, from the files it wrote into the directory given (or, with --held FILE, whether
one step held): YEARS-SPEED for each step (bench/country.py's RESULT and RUN lines, then CPU db service worker and
ALERTS raised), idle-YEARS (IDLE years db worker passes: the worker alone, CPU milliseconds a pass), multi, and
workers-NAME.log (the workers' warnings and errors)."""

import os
import sys

# Every premises' month (the regions' dashboard), 50 ms by itself: shown, not held to 100 ms. The target is for the
# routes people wait on through the day, and a deployment sends reports to a replica.
JUDGED_APART = {"dashboard"}


def read_step(path):
    """A step's file: its routes (count, errors, p50, p99, max), RUN, CPU, alerts raised and worker passes; or the
    two-process run's file (its routes, and MULTI speed raised twice)."""
    routes, run, cpu, alerts, passes, multi = {}, None, None, 0, 0, None
    for line in open(path):
        f = line.split()
        if f[0] == "RESULT":
            routes[f[1]] = (int(f[2]), int(f[3]), float(f[4]), float(f[5]), float(f[6]))
        elif f[0] == "RUN":
            run = tuple(map(float, f[1:]))
        elif f[0] == "CPU":
            cpu = tuple(map(float, f[1:]))
        elif f[0] == "ALERTS":
            alerts = int(f[1])
        elif f[0] == "PASSES":
            passes = int(f[1])
        elif f[0] == "MULTI":
            multi = tuple(map(int, f[1:]))
    return routes, run, cpu, alerts, passes, multi


def held(routes):
    return all(errors == 0 and p99 <= 100
               for name, (_, errors, _, p99, _) in routes.items() if name not in JUDGED_APART)


if sys.argv[1] == "--held":  # scripts/bench asks, after each step: 1 if it held, 0 if not
    print(1 if held(read_step(sys.argv[2])[0]) else 0)
    sys.exit(0)

directory = sys.argv[1]
steps = {}
idle = {}
for name in os.listdir(directory):
    if name.startswith("idle-"):
        f = open(os.path.join(directory, name)).read().split()
        idle[int(f[1])] = (float(f[2]), float(f[3]), int(f[4]))
        continue
    if name == "multi" or name.endswith(".log"):
        continue
    years, speed = map(int, name.split("-"))
    step = read_step(os.path.join(directory, name))
    if step[1] and step[2]:  # a step cut short (the bench stopped) has no RUN or CPU
        steps[(years, speed)] = step[:5]


print("Each step plays one day of every premises; CPU is seconds for that simulated day; the worker is asked for a")
print("pass every simulated minute (1,440 a day) and makes what it can.")
print(f"{'history':>8} {'speed':>7} {'req/s':>7} {'worst p99 (judged)':>22} {'errors':>6} {'CPU: database':>14} "
      f"{'service':>8} "
      f"{'worker':>7} {'generator':>9} {'alerts':>6} {'passes':>6}  held")
for (years, speed), (routes, run, cpu, alerts, passes) in sorted(steps.items()):
    count = sum(r[0] for r in routes.values())
    worst = max(((n, r) for n, r in routes.items() if n not in JUDGED_APART), key=lambda kv: kv[1][3])
    print(f"{years:>6} y {speed:>6}x {count / run[2]:>7,.0f} {f'{worst[0]} {worst[1][3]:.1f} ms':>22} "
          f"{sum(r[1] for r in routes.values()):>6} {cpu[0]:>14.1f} {cpu[1]:>8.1f} {cpu[2]:>7.1f} {run[1]:>9.1f} "
          f"{alerts:>6} {passes:>6}  {'yes' if held(routes) else 'NO'}")

for years, (db, worker, passes) in sorted(idle.items()):
    print(f"{years:>6} y, the worker alone, pass after pass ({passes} passes): a pass costs the database {db:.1f} ms "
          f"and the worker {worker:.1f} ms; 1,440 a day, {db * 1.44:.0f} s and {worker * 1.44:.0f} s")

years_seen = sorted({y for y, _ in steps})
for years in years_seen:
    speeds = [s for (y, s), step in steps.items() if y == years and held(step[0])]
    print(f"{years} y of history: the fastest day that held every route's p99 within 100 ms (the dashboard apart): "
          + (f"{max(speeds)}x real speed" if speeds else "none"))

# Flatness: every route at the fastest speed all the histories reached, first history against last.
common = [s for s in sorted({s for _, s in steps}) if all((y, s) in steps for y in years_seen)]
held_by_all = [s for s in common if all(held(steps[(y, s)][0]) for y in years_seen)]
if common:
    speed = max(held_by_all) if held_by_all else common[0]
    first, last = years_seen[0], years_seen[-1]
    print(f"\nEach route at {speed}x, p50 and p99 in ms by years of history"
          + (f"; p99 {last} y / {first} y (target <= 1.5x)" if last != first else ""))
    names = sorted({n for y in years_seen for n in steps[(y, speed)][0]})
    print(f"{'route':18}" + "".join(f"{f'{y} y: n, p50, p99':>26}" for y in years_seen))
    for n in names:
        cells = []
        for y in years_seen:
            r = steps[(y, speed)][0].get(n)
            cells.append(f"{f'{r[0]}, {r[2]:.2f}, {r[3]:.2f}' if r else '-':>26}")
        line = f"{n:18}" + "".join(cells)
        a, b = steps[(first, speed)][0].get(n), steps[(last, speed)][0].get(n)
        if a and b and last != first:
            ratio = b[3] / a[3]
            line += f"   {ratio:.2f}x{'' if ratio <= 1.5 else '  NOT MET'}"
        print(line)

multi = os.path.join(directory, "multi")
if os.path.exists(multi):
    routes, *_, (speed, raised, twice) = read_step(multi)
    worst = max(((n, r) for n, r in routes.items() if n not in JUDGED_APART), key=lambda kv: kv[1][3])
    log = os.path.join(directory, "workers-multi.log")
    failed = sum(1 for line in open(log) if "error" in line or "warning" in line) if os.path.exists(log) else 0
    print(f"\nTwo service processes and two workers, one database, at {speed}x: "
          f"worst p99 {worst[0]} {worst[1][3]:.1f} ms, {sum(r[1] for r in routes.values())} errors; "
          f"{raised} alerts raised, {twice} raised twice"
          + f"; the workers logged {failed} warnings or errors"
          + ("" if twice == 0 and raised > 0 and failed == 0 else "  NOT MET"))
