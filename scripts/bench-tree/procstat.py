"""CPU time of long-lived processes (apiservers, etcd, latency proxies) from /proc, shared by the
tree and health benchmarks: they run on the same cores as the client, so their CPU during a run
bounds how fast the run can be on this machine."""

import os


def cpu_seconds(pids):
    """utime + stime of the processes, in seconds; deltas around a run are what counts."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (FileNotFoundError, IndexError, ValueError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def parse_pids(text):
    """`--server-pids 1,2,3` → [1, 2, 3] (empty entries ignored)."""
    return [int(p) for p in text.split(",") if p.strip()]


def idle_rate(pids, seconds=3.0):
    """CPU seconds per second the processes burn with no client (apiservers poll, etcd syncs):
    subtracted from a run's delta so the floor counts only the work the run caused."""
    import time

    before, start = cpu_seconds(pids), time.monotonic()
    time.sleep(seconds)
    return (cpu_seconds(pids) - before) / (time.monotonic() - start)


def run_cpu(pids, rate, before, elapsed):
    """The servers' CPU a run caused: the delta since `before`, less the idle rate over its time."""
    return max(0.0, cpu_seconds(pids) - before - rate * elapsed)
