#!/usr/bin/env python3
"""Measures one command line of the `kubectl fleet health` benchmark: wall time (median of
--runs after a warm-up), peak RSS of the process (or, for a shell loop, of its largest child),
and the API requests it made (ResponseComplete events of the fleet-admin user in the apiserver's
audit log). With --server-pids it also accounts the CPU time the apiserver, etcd and the latency
proxy spent during each run (all of them share this machine's cores with the client), and prints
the floor the machine allows: (client CPU + server CPU) / cores. Prints one JSON line. Only the
Python standard library is used."""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench-tree"))
from procstat import cpu_seconds, idle_rate, parse_pids, run_cpu  # noqa: E402


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


def run_once(cmd):
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.monotonic() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    client_cpu = usage.ru_utime + usage.ru_stime
    return elapsed, usage.ru_maxrss / 1024.0, os.waitstatus_to_exitcode(status), err, client_cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", required=True)
    ap.add_argument("--contexts", type=int, required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--audit-log", required=True)
    ap.add_argument("--server-pids", default="", help="comma-separated PIDs of apiserver, etcd, proxy")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    server_pids = parse_pids(args.server_pids)
    rate = idle_rate(server_pids) if server_pids else 0.0
    run_once(cmd)  # warm-up (page cache, TLS session setup on the apiserver side)
    times, rss, client_cpu, server_cpu = [], [], [], []
    requests = None
    codes = set()
    for i in range(args.runs):
        before = audit_lines(args.audit_log) if i == 0 else None
        server_before = cpu_seconds(server_pids)
        elapsed, peak, code, err, cpu = run_once(cmd)
        server_cpu.append(run_cpu(server_pids, rate, server_before, elapsed))
        client_cpu.append(cpu)
        codes.add(code)
        if code not in (0, 1):
            print(f"{args.name}: exit {code}: {err[-500:]}", file=sys.stderr)
        if i == 0:
            # The audit log is written asynchronously: let it settle.
            time.sleep(1.0)
            requests = count_requests(args.audit_log, before)
        times.append(elapsed)
        rss.append(peak)
    print(json.dumps({
        "name": args.name,
        "contexts": args.contexts,
        "seconds": statistics.median(times),
        "rss_mb": max(rss),
        "requests_per_cluster": requests / args.contexts if requests is not None else None,
        "exit_codes": sorted(codes),
        "client_cpu": statistics.median(client_cpu),
        "server_cpu": statistics.median(server_cpu) if server_pids else None,
        "cores": os.cpu_count(),
    }))


if __name__ == "__main__":
    main()
