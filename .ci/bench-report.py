"""Prints the ratios of the last `cargo bench --bench signing` run as a
Markdown table, from criterion's estimates (medians), and checks them against
the project's targets. Every ratio compares numbers measured in the same run.

    cargo bench --bench signing && python3 .ci/bench-report.py
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent / "target" / "criterion"


def median_ns(group, function):
    path = ROOT / group / function / "new" / "estimates.json"
    return json.loads(path.read_text())["median"]["point_estimate"]


SIZES = [1, 10, 50, 200, 1000]
GROUPS = ["header"] + [f"widget_signature_{n}" for n in SIZES] + ["widget_url_10", "verify_10"]
# (group, description, ratio function, bound, "max" or "min"): the header's
# target of issue 11 and those of issue 23.
crate_floor = lambda t: t["crate"] / t["floor"]
naive_crate = lambda t: t["naive"] / t["crate"]
TARGETS = [("header", "crate / floor", crate_floor, 1.10, "max")]
TARGETS += [(f"widget_signature_{n}", "naive / crate", naive_crate, 1.5, "min") for n in SIZES]
TARGETS += [
    ("widget_signature_1000", "time per parameter / that at 50",
     lambda t: (t["crate"] / 1000) / (times["widget_signature_50"]["crate"] / 50), 1.5, "max"),
    ("verify_10", "verify / sign", lambda t: t["crate"] / t["crate_sign"], 1.5, "max"),
    ("widget_url_10", "crate / floor", crate_floor, 2.5, "max"),
]

times = {}
print("| operation | crate | floor | naive | crate / floor | naive / crate |")
print("|---|---:|---:|---:|---:|---:|")
for group in GROUPS:
    t = {f: median_ns(group, f) for f in ("crate", "floor", "naive")}
    if group == "verify_10":
        t["crate_sign"] = median_ns(group, "crate_sign")
    times[group] = t
    print(f"| {group} | {t['crate']:.0f} ns | {t['floor']:.0f} ns | {t['naive']:.0f} ns "
          f"| {t['crate'] / t['floor']:.2f}x | {t['naive'] / t['crate']:.2f}x |")
v = times["verify_10"]
print(f"\nverify_10: verification / signing the same parameters = {v['crate'] / v['crate_sign']:.2f}x")

print("\n| target | measured | bound | met |")
print("|---|---:|---:|---|")
missed = 0
for group, what, ratio, bound, kind in TARGETS:
    r = ratio(times[group])
    ok = r <= bound if kind == "max" else r >= bound
    missed += not ok
    sign = "<=" if kind == "max" else ">="
    print(f"| {group}: {what} | {r:.2f}x | {sign} {bound}x | {'yes' if ok else 'NO'} |")
sys.exit(1 if missed else 0)
