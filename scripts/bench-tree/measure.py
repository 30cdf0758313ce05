#!/usr/bin/env python3
"""Runs the tree tools against the benchmark cluster and prints medians, ratios, API requests and
peak RSS as a Markdown table.

Each tool runs once to warm up, then --runs times per network condition; wall time is measured
around the process, peak RSS comes from wait4(2) for that very process. API requests are counted
from the apiserver's audit log (one ResponseComplete event per request) during one extra run per
tool; our own count (-v) is shown next to it.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time


def run_rss(cmd, env=None):
    """Runs cmd; returns (seconds, peak RSS of exactly this process in MiB (wait4), exit code,
    stdout, stderr)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    # Drain the pipes on threads so a large tree cannot block the child.
    chunks = {"out": [], "err": []}

    def drain(stream, key):
        for block in iter(lambda: stream.read(1 << 16), b""):
            chunks[key].append(block)

    threads = [threading.Thread(target=drain, args=(proc.stdout, "out")),
               threading.Thread(target=drain, args=(proc.stderr, "err"))]
    for t in threads:
        t.start()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    for t in threads:
        t.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024.0, proc.returncode, b"".join(chunks["out"]), b"".join(chunks["err"])


def audit_lines(path):
    try:
        with open(path, "rb") as f:
            return sum(1 for _ in f)
    except FileNotFoundError:
        return 0


def count_requests(path, skip):
    """ResponseComplete events of the admin user after line `skip`."""
    n = 0
    with open(path, "rb") as f:
        for i, line in enumerate(f):
            if i < skip:
                continue
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            if ev.get("stage") == "ResponseComplete" and ev.get("user", {}).get("username") == "fleet-admin":
                n += 1
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fleet", required=True, help="kubectl-fleet-tree binary")
    ap.add_argument("--flux", default="", help="flux CLI binary (optional)")
    ap.add_argument("--flux-operator", default="", help="flux-operator CLI binary (optional)")
    ap.add_argument("--kubeconfig", required=True)
    ap.add_argument("--proxy-kubeconfig", default="", help="kubeconfig through the latency proxy")
    ap.add_argument("--rtt-ms", default="20")
    ap.add_argument("--context", required=True)
    ap.add_argument("--audit-log", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--title", default="")
    ap.add_argument("--kinds", type=int, default=12, help="kinds in the tree, for the request budget")
    args = ap.parse_args()

    def tools(kubeconfig):
        out = [("kubectl fleet tree (with status)",
                [args.fleet, "--kubeconfig", kubeconfig, "--context", args.context,
                 "ks/flux-system", "-n", "flux-system", "--color", "never"])]
        if args.flux:
            out.append(("flux tree ks flux-system",
                        [args.flux, "--kubeconfig", kubeconfig, "--context", args.context,
                         "tree", "ks", "flux-system", "-n", "flux-system"]))
        if args.flux_operator:
            out.append(("flux-operator tree ks flux-system",
                        [args.flux_operator, "--kubeconfig", kubeconfig, "--kube-context", args.context,
                         "tree", "ks", "flux-system", "-n", "flux-system"]))
        return out

    scenarios = [("loopback", args.kubeconfig)]
    if args.proxy_kubeconfig:
        scenarios.append((f"{args.rtt_ms} ms RTT", args.proxy_kubeconfig))

    results = {}  # (tool, scenario) -> (median s, max RSS MiB, lines, min s, max s)
    for scenario, kubeconfig in scenarios:
        # Runs are interleaved (A B C A B C …) so that load on the machine hits every tool alike.
        samples = {name: ([], [], 0) for name, _ in tools(kubeconfig)}
        for i in range(args.runs + 1):
            for name, cmd in tools(kubeconfig):
                elapsed, peak, code, out, err = run_rss(cmd)
                if code != 0:
                    print(f"{name} ({scenario}) failed with exit {code}:\n{err.decode(errors='replace')[-2000:]}",
                          file=sys.stderr)
                    sys.exit(1)
                if i == 0:
                    continue  # warm-up (page cache, the server's caches)
                times, rss, _ = samples[name]
                times.append(elapsed)
                rss.append(peak)
                samples[name] = (times, rss, out.count(b"\n"))
        for name, (times, rss, lines) in samples.items():
            results[(name, scenario)] = (statistics.median(times), max(rss), lines, min(times), max(times))
            print(f"  {name:36} {scenario:10} median {statistics.median(times) * 1000:8.0f} ms "
                  f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}), {lines} lines, "
                  f"peak RSS {max(rss):.0f} MiB", file=sys.stderr)

    requests = {}
    ours_reported = None
    for name, cmd in tools(args.kubeconfig):
        before = audit_lines(args.audit_log)
        cmd = cmd + (["-v"] if name.startswith("kubectl fleet") else [])
        _, _, code, _, err = run_rss(cmd)
        time.sleep(0.5)
        requests[name] = count_requests(args.audit_log, before)
        if name.startswith("kubectl fleet"):
            m = re.search(rb"(\d+) API requests in (\d+) rounds", err)
            if m:
                ours_reported = (int(m.group(1)), int(m.group(2)))

    print()
    if args.title:
        print(f"### {args.title}\n")
    header = "| tool | " + " | ".join(f"{s} median" for s, _ in scenarios) + " | " + \
        " | ".join(f"ratio vs ours ({s})" for s, _ in scenarios) + " | API requests | peak RSS | lines |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    ours = "kubectl fleet tree (with status)"
    for name, _ in tools(args.kubeconfig):
        cells = [name]
        for s, _ in scenarios:
            cells.append(f"{results[(name, s)][0] * 1000:.0f} ms")
        for s, _ in scenarios:
            ratio = results[(name, s)][0] / results[(ours, s)][0]
            cells.append("1.0×" if name == ours else f"{ratio:.1f}× slower" if ratio >= 1 else f"{1 / ratio:.1f}× faster")
        req = str(requests[name])
        if name == ours and ours_reported:
            req += f" (own count {ours_reported[0]}, {ours_reported[1]} rounds; budget ≤ {args.kinds + 5})"
        cells.append(req)
        cells.append(f"{max(results[(name, s)][1] for s, _ in scenarios):.0f} MiB")
        cells.append(str(results[(name, scenarios[0][0])][2]))
        print("| " + " | ".join(cells) + " |")
    print()


if __name__ == "__main__":
    main()
