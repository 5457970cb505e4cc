#!/usr/bin/env python3
"""Grouped bar chart of a core-pkcs11-bench JSON result: ops/s per operation (log scale),
one bar per module, with the ours/baseline ratio over each group.

usage: python3 scripts/bench/chart.py RESULTS.json OUT.png
Needs matplotlib (pip install matplotlib).
"""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

# Short axis labels for the benchmark's operation names.
LABELS = {
    "ecdsa_p256_sign": "ECDSA P-256\nsign",
    "ecdsa_p256_verify": "ECDSA P-256\nverify",
    "rsa2048_sign": "RSA-2048\nsign",
    "rsa2048_verify": "RSA-2048\nverify",
    "sha256_1k": "SHA-256\n1 KiB",
    "sha256_64k": "SHA-256\n64 KiB",
    "random_32": "random\n32 B",
    "find_label_class": "find by\nlabel+class",
    "ec_keygen_session": "EC keygen\nsession",
    "ec_keygen_token": "EC keygen\ntoken",
}
COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"]


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        data = json.load(f)

    ops = [o["name"] for o in data["operations"]]
    modules = data["modules"]
    rates = {
        m["name"]: {r["operation"]: r["ops_per_sec"] for r in m["results"]} for m in modules
    }
    ops = [op for op in ops if any(op in rates[m["name"]] for m in modules)]
    ratios = data.get("ratios", {})

    fig, ax = plt.subplots(figsize=(13, 5.5), dpi=110)
    n = len(modules)
    width = 0.8 / max(n, 1)
    for i, m in enumerate(modules):
        xs = [k + (i - (n - 1) / 2) * width for k in range(len(ops))]
        ys = [rates[m["name"]].get(op, 0) or 0 for op in ops]
        bars = ax.bar(xs, ys, width, label=m["name"], color=COLORS[i % len(COLORS)])
        for bar, y in zip(bars, ys):
            if y > 0:
                text = f"{y:,.0f}" if y >= 100 else f"{y:.1f}"
                ax.annotate(
                    text,
                    (bar.get_x() + bar.get_width() / 2, y),
                    ha="center",
                    va="bottom",
                    fontsize=6.5,
                    rotation=90,
                    xytext=(0, 2),
                    textcoords="offset points",
                )

    ax.set_yscale("log")
    top = max((v for r in rates.values() for v in r.values() if v), default=1)
    ax.set_ylim(top=top * 30)
    ours, base = data.get("ours"), data.get("baseline")
    if ratios and ours and base:
        for k, op in enumerate(ops):
            if op in ratios and ratios[op] is not None:
                ax.annotate(
                    f"\u00d7{ratios[op]:.2f}",
                    (k, top * 8),
                    ha="center",
                    fontsize=8,
                    fontweight="bold",
                    color="#333333",
                )
    ax.set_xticks(range(len(ops)))
    ax.set_xticklabels([LABELS.get(op, op) for op in ops], fontsize=8)
    ax.set_ylabel("operations per second (log scale)")
    title = "PKCS #11 operations per second"
    if ours and base:
        title += f" \u2014 {ours} vs {base} (\u00d7 = {ours}/{base})"
    ax.set_title(title, fontsize=11)
    host = data.get("host", {})
    ax.text(
        0.0,
        -0.17,
        f"{host.get('cpu', '')}, {host.get('cores', '?')} cores; budget {data.get('budget', '')} "
        f"per operation, best of {data.get('rounds', 1)} round(s); "
        f"token objects: {str(data.get('token_objects')).lower()}",
        transform=ax.transAxes,
        fontsize=7,
        color="#555555",
    )
    ax.grid(axis="y", which="major", linestyle=":", alpha=0.6)
    ax.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0), fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(argv[2])
    print(f"wrote {argv[2]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
