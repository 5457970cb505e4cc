#!/usr/bin/env python3
"""Cortex-M3 results of core-pkcs11 next to the C reference: a table, JSON and a chart.

usage: python3 scripts/bench/device_report.py BENCH_LOG SIZE_REPORT OUT_DIR [--no-chart]

BENCH_LOG is the console log of the bench firmware (freertos-demo/run.sh bench writes it to
<build dir>/logs/bench.log); SIZE_REPORT is the output of freertos-demo/size-report.sh.
Writes OUT_DIR/device.json and OUT_DIR/device.md, and OUT_DIR/device.png (matplotlib) unless
--no-chart. Fails when a figure is missing from the inputs; judges no figure.
"""

import json
import re
import sys

# The C reference, corePKCS11 v3.6.4 + mbedTLS 2.28 built with -Os, through the PKCS #11
# function list on the same QEMU mps2-an385 with -icount shift=0 (issue 7), and the targets.
REFERENCE = {
    "C_SignInit+C_Sign CKM_ECDSA": ("ECDSA P-256 sign", 13_600_000, 6_800_000),
    "C_VerifyInit+C_Verify CKM_ECDSA": ("ECDSA P-256 verify", 27_300_000, 13_700_000),
    "C_GenerateKeyPair EC P-256": ("P-256 key generation", 13_000_000, 6_500_000),
    "C_SignInit+C_Sign CKM_RSA_PKCS 2048": ("RSA-2048 sign", 99_600_000, 80_000_000),
    "C_DigestInit+C_Digest SHA-256 1 KiB": ("SHA-256 of 1 KiB", 66_000, None),
    "C_GenerateRandom 32 bytes": ("32 random bytes", 6_400, None),
}
REFERENCE_FLASH = 52_000  # library + mbedTLS, text + data
REFERENCE_STATIC_RAM = 4_000
# Issue 7's targets: ECDSA + RSA + SHA-256 <= 52 KB, ECDSA + SHA-256 <= 32 KB. The default
# build adds AES-CMAC, which the targets do not include.
FLASH_TARGETS = {"default": None, "ecdsa_rsa": 52_000, "ecdsa": 32_000}
BUILDS = ("default", "ecdsa_rsa", "ecdsa")

BENCH_LINE = re.compile(
    r"bench: (?P<op>.+?)\s+first\s+(?P<first>\d+)\s+steady\s+(?P<steady>\d+) instructions"
    r"\s+stack\s+(?P<stack>\d+)\s+heap\s+(?P<heap>\d+) bytes"
)
SIZE_LINE = re.compile(
    r"^(?P<image>provision_demo\S*)\s+\((?P<what>[^)]*)\)\s+core-pkcs11 flash\s+(?P<flash>\d+) bytes"
    r".*static RAM (?P<ram>\d+) bytes"
)


def parse(bench_log, size_report):
    ops = []
    for line in bench_log.splitlines():
        m = BENCH_LINE.search(line)
        if m:
            ops.append(
                {
                    "operation": m["op"].strip(),
                    "first": int(m["first"]),
                    "steady": int(m["steady"]),
                    "stack": int(m["stack"]),
                    "heap": int(m["heap"]),
                }
            )
    builds = {}
    for line in size_report.splitlines():
        m = SIZE_LINE.search(line)
        if m:
            name = m["image"].removeprefix("provision_demo").removeprefix("_") or "default"
            builds[name] = {
                "features": m["what"],
                "flash": int(m["flash"]),
                "static_ram": int(m["ram"]),
            }
    missing = [op for op in REFERENCE if op not in {o["operation"] for o in ops}]
    if missing or set(builds) != set(BUILDS):
        raise SystemExit(
            f"device_report.py: missing from the inputs: {missing or ''} "
            f"{'' if set(builds) == set(BUILDS) else 'size lines'}"
        )
    for o in ops:
        ref = REFERENCE.get(o["operation"])
        if ref:
            o["label"], o["reference"], o["target"] = ref
    return {"operations": ops, "builds": builds}


def fmt_count(n):
    return f"{n / 1e6:.2f} M" if n >= 1_000_000 else f"{n / 1e3:.1f} k"


def markdown(data):
    rows = [
        "| operation | core-pkcs11 instructions | C reference | reference / ours | target | stack | heap |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for o in data["operations"]:
        if "reference" not in o:
            continue
        target = f"≤ {fmt_count(o['target'])}" if o["target"] else "beat the reference"
        rows.append(
            f"| {o['label']} | {fmt_count(o['steady'])} | {fmt_count(o['reference'])} | "
            f"{o['reference'] / o['steady']:.2f} | {target} | {o['stack']} B | {o['heap']} B |"
        )
    rows.append("")
    rows.append("| library build | flash (text + rodata + data) | target | static RAM |")
    rows.append("|---|---:|---:|---:|")
    for name in BUILDS:
        b = data["builds"][name]
        target = f"≤ {FLASH_TARGETS[name]:,} B" if FLASH_TARGETS[name] else "(no target: adds AES-CMAC)"
        rows.append(f"| {b['features']} | {b['flash']:,} B | {target} | {b['static_ram']} B |")
    rows.append(
        f"| C reference (corePKCS11 + mbedTLS) | {REFERENCE_FLASH:,} B | | "
        f"{REFERENCE_STATIC_RAM:,} B |"
    )
    return "\n".join(rows) + "\n"


def chart(data, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ops = [o for o in data["operations"] if "reference" in o]
    labels = [o["label"].replace(" ", "\n", 1) for o in ops]
    x = range(len(ops))
    fig, ax = plt.subplots(figsize=(10, 4.8))
    width = 0.38
    ours = [o["steady"] for o in ops]
    ref = [o["reference"] for o in ops]
    ax.bar([i - width / 2 for i in x], ours, width, label="core-pkcs11", color="#1f77b4")
    ax.bar([i + width / 2 for i in x], ref, width, label="corePKCS11 + mbedTLS", color="#ff7f0e")
    ax.set_yscale("log")
    ax.set_xticks(list(x))
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_ylabel("instructions per operation (log)")
    ax.set_title("Cortex-M3 (QEMU mps2-an385, -icount shift=0): lower is better")
    for i, o in enumerate(ops):
        ax.annotate(
            f"{o['reference'] / o['steady']:.2f}x",
            (i, max(o["steady"], o["reference"])),
            textcoords="offset points",
            xytext=(0, 4),
            ha="center",
            fontsize=8,
        )
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv):
    args = [a for a in argv[1:] if a != "--no-chart"]
    if len(args) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8", errors="replace") as f:
        bench_log = f.read()
    with open(args[1], encoding="utf-8", errors="replace") as f:
        size_report = f.read()
    data = parse(bench_log, size_report)
    out = args[2]
    with open(f"{out}/device.json", "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
    with open(f"{out}/device.md", "w", encoding="utf-8") as f:
        f.write(markdown(data))
    if "--no-chart" not in argv:
        chart(data, f"{out}/device.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
