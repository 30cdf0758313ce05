#!/usr/bin/env python3
"""Runs the tree tools against the benchmark cluster for one cluster size and appends one JSON
line per (root, RTT, tool) to --out; `--table FILE` prints the Markdown table of such a file.

For each root and network condition the tools run interleaved (A B C A B C …) so that load on
the machine hits every tool alike: one warm-up run, then --runs measured runs. Wall time is taken
around the process; peak RSS and CPU time (user + system) come from wait4(2) for that very
process. API requests are counted in the apiserver's audit log (ResponseComplete events of the
admin user) during one extra run per tool at loopback. The two-round limit of a case is our
loopback median plus 4 RTT (TCP, TLS, and two dependent rounds of requests).
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from procstat import cpu_seconds, idle_rate, parse_pids, run_cpu


def run_rss(cmd, env=None):
    """Runs cmd; returns (seconds, peak RSS MiB, cpu seconds, exit code, stdout, stderr)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=None if env is None else {**os.environ, **env})
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
    code = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, usage.ru_maxrss / 1024.0, cpu, code, b"".join(chunks["out"]), b"".join(chunks["err"])


def cache_env(name, memory):
    """XDG_CACHE_HOME for a run of `name`: the size's plan memory, or an empty one (first run)."""
    if name == OURS:
        return {"XDG_CACHE_HOME": memory}
    if name == OURS_FIRST:
        first = memory + "-first"
        shutil.rmtree(first, ignore_errors=True)
        return {"XDG_CACHE_HOME": first}
    return None


def audit_lines(path):
    try:
        with open(path, "rb") as f:
            return sum(1 for _ in f)
    except FileNotFoundError:
        return 0


def count_requests(path, skip):
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


ROOTS = {
    # name: (our spec, flux args or None, flux-operator args)
    "whole cluster": (["ks/flux-system", "-n", "flux-system"], ["ks", "flux-system", "-n", "flux-system"],
                      ["ks", "flux-system", "-n", "flux-system"]),
    "subtree (team-a)": (["ks/team-a", "-n", "flux-system"], ["ks", "team-a", "-n", "flux-system"],
                         ["ks", "team-a", "-n", "flux-system"]),
    "one HelmRelease": (["hr/hr00", "-n", "bench-00"], None, ["hr", "hr00", "-n", "bench-00"]),
}
OURS = "kubectl fleet tree"
# Ours with an empty plan memory every run (src/tree/memory.rs): what the first `tree` of a root
# costs. Measured for the subtree, the one root whose first round the memory changes (the whole
# cluster needs its cluster-wide LISTs; a HelmRelease root sends none).
OURS_FIRST = "kubectl fleet tree, first run"
FIRST_RUN_ROOTS = ("subtree (team-a)",)
FLUX = "flux tree"
FLUX_OPERATOR = "flux-operator tree"


def tools(args, root, kubeconfig):
    ours, flux, fo = ROOTS[root]
    fleet = [args.fleet, "--kubeconfig", kubeconfig, "--context", args.context, *ours, "--color", "never"]
    out = [(OURS, fleet)]
    if root in FIRST_RUN_ROOTS:
        out.append((OURS_FIRST, fleet))
    if args.flux and flux:
        out.append((FLUX, [args.flux, "--kubeconfig", kubeconfig, "--context", args.context, "tree", *flux]))
    if args.flux_operator and fo:
        out.append((FLUX_OPERATOR, [args.flux_operator, "--kubeconfig", kubeconfig, "--kube-context", args.context,
                                    "tree", *fo]))
    return out


def measure(args):
    conditions = [(0, args.kubeconfig)] + [(int(r), k) for r, k in zip(args.rtt_ms, args.proxy_kubeconfig)]
    roots = [r for r in ROOTS if r in args.roots]
    # Our plan memory lives here for this size, not in the user's cache.
    memory = tempfile.mkdtemp(prefix="bench-tree-memory-")
    server_pids = parse_pids(args.server_pids)
    with open(args.out, "a") as out:
        for root in roots:
            requests = {}
            for name, cmd in tools(args, root, args.kubeconfig):
                if name == OURS:
                    run_rss(cmd, cache_env(name, memory))  # what the memory learns from a first run
                before = audit_lines(args.audit_log)
                extra = ["-v"] if name == OURS else []
                _, _, _, code, _, err = run_rss(cmd + extra, cache_env(name, memory))
                time.sleep(1.0)
                requests[name] = count_requests(args.audit_log, before)
                if name == OURS:
                    m = re.search(rb"(\d+) API requests in (\d+) rounds?", err)
                    if m:
                        requests["ours-rounds"] = int(m.group(2))
            for rtt, kubeconfig in conditions:
                # Measured again before each case: after the cluster grew, the apiserver and etcd
                # stay busy for a while (compaction, GC), and a stale rate would be subtracted
                # from every later run.
                rate = idle_rate(server_pids) if server_pids else 0.0
                samples = {name: [] for name, _ in tools(args, root, kubeconfig)}
                lines = {}
                for i in range(args.runs + 1):
                    for name, cmd in tools(args, root, kubeconfig):
                        server_before = cpu_seconds(server_pids)
                        elapsed, rss, cpu, code, stdout, err = run_rss(cmd, cache_env(name, memory))
                        server = run_cpu(server_pids, rate, server_before, elapsed)
                        if code != 0:
                            print(f"{name} ({root}, {rtt} ms) failed with exit {code}:\n"
                                  f"{err.decode(errors='replace')[-2000:]}", file=sys.stderr)
                            sys.exit(1)
                        lines[name] = stdout.count(b"\n")
                        if i > 0:
                            samples[name].append((elapsed, rss, cpu, server))
                load = os.getloadavg()[0]
                for name, s in samples.items():
                    times = [x[0] for x in s]
                    record = {
                        "objects": args.objects, "root": root, "rtt_ms": rtt, "tool": name,
                        "median_ms": statistics.median(times) * 1000, "min_ms": min(times) * 1000,
                        "max_ms": max(times) * 1000, "runs": len(times),
                        "rss_mib": max(x[1] for x in s), "cpu_ms": statistics.median(x[2] for x in s) * 1000,
                        "requests": requests.get(name), "rounds": requests.get("ours-rounds") if name == OURS else None,
                        "lines": lines[name], "load": load,
                        "server_cpu_ms": statistics.median(x[3] for x in s) * 1000 if server_pids else None,
                        "cores": os.cpu_count(),
                    }
                    out.write(json.dumps(record) + "\n")
                    out.flush()
                    print(f"  {args.objects:>6} {root:18} {rtt:>3} ms {name:29} median {record['median_ms']:8.0f} ms "
                          f"(min {record['min_ms']:.0f}, max {record['max_ms']:.0f}), {record['requests']} requests, "
                          f"RSS {record['rss_mib']:.0f} MiB, CPU {record['cpu_ms']:.0f} ms, {lines[name]} lines, "
                          f"load {load:.1f}", file=sys.stderr)
    shutil.rmtree(memory, ignore_errors=True)
    shutil.rmtree(memory + "-first", ignore_errors=True)


def fleet(args):
    """Our tree on 6 clusters (contexts c0…c5, each behind its own proxy), against c0 alone."""
    one = [args.fleet, "--kubeconfig", args.fleet_kubeconfig, "--context", "c0", "ks/flux-system",
           "-n", "flux-system", "--color", "never"]
    six = [args.fleet, "--kubeconfig", args.fleet_kubeconfig] + sum(
        (["--context", f"c{i}"] for i in range(6)), []) + ["ks/flux-system", "-n", "flux-system", "--color", "never"]
    samples = {"1 cluster": [], "6 clusters": []}
    server_pids = parse_pids(args.server_pids)
    rate = idle_rate(server_pids) if server_pids else 0.0
    for i in range(args.runs + 1):
        for name, cmd in (("1 cluster", one), ("6 clusters", six)):
            server_before = cpu_seconds(server_pids)
            elapsed, rss, cpu, code, _, err = run_rss(cmd)
            server = run_cpu(server_pids, rate, server_before, elapsed)
            if code != 0:
                print(f"fleet {name} failed: {err.decode(errors='replace')[-2000:]}", file=sys.stderr)
                sys.exit(1)
            if i > 0:
                samples[name].append((elapsed, rss, cpu, server))
    with open(args.out, "a") as out:
        for name, s in samples.items():
            record = {"fleet": name, "objects": args.objects, "rtt_ms": int(args.rtt_ms[0]),
                      "median_ms": statistics.median(x[0] for x in s) * 1000,
                      "cpu_ms": statistics.median(x[2] for x in s) * 1000, "rss_mib": max(x[1] for x in s),
                      "server_cpu_ms": statistics.median(x[3] for x in s) * 1000 if server_pids else None,
                      "cores": os.cpu_count(), "runs": len(s), "load": os.getloadavg()[0]}
            out.write(json.dumps(record) + "\n")
            print(f"  fleet {name}: median {record['median_ms']:.0f} ms, CPU {record['cpu_ms']:.0f} ms, "
                  f"RSS {record['rss_mib']:.0f} MiB", file=sys.stderr)


def table(path):
    records = [json.loads(line) for line in open(path) if line.strip()]
    cases = {}
    fleet_rows = [r for r in records if "fleet" in r]
    for r in records:
        if "fleet" in r:
            continue
        cases.setdefault((r["objects"], r["root"], r["rtt_ms"]), {})[r["tool"]] = r
    root_order = list(ROOTS)
    loopback = {(o, root): t[OURS]["median_ms"] for (o, root, rtt), t in cases.items() if rtt == 0 and OURS in t}
    print("| objects | root | RTT | ours | ours, first run | flux tree | flux-operator tree | ours vs flux "
          "| ours vs flux-operator | two-round limit | ours / limit | requests (ours, rounds / flux / f-o) "
          "| peak RSS MiB (ours / flux / f-o) | ours CPU | server CPU (ours / f-o) | CPU floor | load |")
    print("|" + "---|" * 17)

    def ratio(ours, other):
        if other is None:
            return "n/a"
        r = other["median_ms"] / ours["median_ms"]
        return f"{r:.1f}× faster" if r >= 1 else f"{1 / r:.1f}× slower"

    for key in sorted(cases, key=lambda k: (k[0], root_order.index(k[1]), k[2])):
        objects, root, rtt = key
        t = cases[key]
        ours = t.get(OURS)
        if ours is None:
            continue
        flux, fo = t.get(FLUX), t.get(FLUX_OPERATOR)
        limit = loopback.get((objects, root), ours["median_ms"]) + 4 * rtt
        cell = lambda r: "n/a" if r is None else f"{r['median_ms']:.0f} ms"
        req = lambda r: "n/a" if r is None or r.get("requests") is None else str(r["requests"])
        rss = lambda r: "n/a" if r is None else f"{r['rss_mib']:.0f}"
        server = lambda r: "n/a" if r is None or r.get("server_cpu_ms") is None else f"{r['server_cpu_ms']:.0f} ms"
        # Client and apiserver share this machine's cores: no run here can be faster than this.
        floor = lambda r: ("n/a" if r.get("server_cpu_ms") is None else
                           f"{(r['cpu_ms'] + r['server_cpu_ms']) / r.get('cores', os.cpu_count()):.0f} ms")
        first = t.get(OURS_FIRST)
        print(f"| {objects:,} | {root} | {rtt} ms | {cell(ours)} | {'=' if first is None else cell(first)} "
              f"| {cell(flux)} | {cell(fo)} | {ratio(ours, flux)} "
              f"| {ratio(ours, fo)} | {limit:.0f} ms | {ours['median_ms'] / limit:.2f} "
              f"| {req(ours)} ({ours.get('rounds')}) / {req(flux)} / {req(fo)} "
              f"| {rss(ours)} / {rss(flux)} / {rss(fo)} | {ours['cpu_ms']:.0f} ms "
              f"| {server(ours)} / {server(fo)} | {floor(ours)} | {ours['load']:.1f} |")
    if fleet_rows:
        print()
        print("| fleet view | objects per cluster | RTT | wall median | vs 1 cluster | client CPU "
              "| server CPU (apiservers, etcd, proxies) | machine floor | peak RSS | load |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        one = next((r for r in fleet_rows if r["fleet"] == "1 cluster"), None)
        for r in fleet_rows:
            server = r.get("server_cpu_ms")
            # The clusters' control planes share the client's cores: a run cannot beat this.
            floor = None if server is None else (r["cpu_ms"] + server) / r.get("cores", os.cpu_count())
            vs = f"{r['median_ms'] / one['median_ms']:.2f}×" if one else "-"
            print(f"| {r['fleet']} | {r['objects']:,} | {r['rtt_ms']} ms | {r['median_ms']:.0f} ms | {vs} "
                  f"| {r['cpu_ms']:.0f} ms | {'-' if server is None else f'{server:.0f} ms'} "
                  f"| {'-' if floor is None else f'{floor:.0f} ms'} | {r['rss_mib']:.0f} MiB | {r['load']:.1f} |")
        six = next((r for r in fleet_rows if r["fleet"] == "6 clusters"), None)
        if one and six and six.get("server_cpu_ms") is not None:
            floor = (six["cpu_ms"] + six["server_cpu_ms"]) / six.get("cores", os.cpu_count())
            target = 2 * one["median_ms"]
            print(f"\n6 clusters {six['median_ms']:.0f} ms against 2× one = {target:.0f} ms "
                  f"({'met' if six['median_ms'] <= target else 'missed'}); machine floor {floor:.0f} ms"
                  f"{' — the target is below it' if floor > target else ''}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--table", help="print the table of a results file and exit")
    ap.add_argument("--fleet", help="kubectl-fleet-tree binary")
    ap.add_argument("--flux", default="")
    ap.add_argument("--flux-operator", default="")
    ap.add_argument("--kubeconfig")
    ap.add_argument("--proxy-kubeconfig", action="append", default=[], help="one per --rtt-ms, in order")
    ap.add_argument("--rtt-ms", action="append", default=[])
    ap.add_argument("--context", default="bench")
    ap.add_argument("--audit-log")
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--objects", type=int, default=0)
    ap.add_argument("--roots", action="append", default=[])
    ap.add_argument("--out")
    ap.add_argument("--fleet-kubeconfig", help="measure the fleet view with contexts c0…c5 of this kubeconfig")
    ap.add_argument("--server-pids", default="", help="PIDs of the apiservers, etcds and proxies, whose CPU each run causes is recorded")
    args = ap.parse_args()
    if args.table:
        table(args.table)
        return
    if not args.roots:
        args.roots = list(ROOTS)
    if args.fleet_kubeconfig:
        fleet(args)
    else:
        measure(args)


if __name__ == "__main__":
    main()
