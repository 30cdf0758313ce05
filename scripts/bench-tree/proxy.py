#!/usr/bin/env python3
"""A TCP proxy on 127.0.0.1 that adds network latency in front of an apiserver.

Every chunk is delivered RTT/2 after it arrived, in each direction, and a new connection waits one
extra RTT before anything flows (the TCP handshake a remote cluster costs). Bandwidth is not
limited: this models distance, not a slow link. TLS passes through untouched, so clients verify
the apiserver's own certificate (its SAN covers 127.0.0.1). It counts connections and prints the
count to stderr when it receives SIGTERM.
"""

import argparse
import asyncio
import signal
import sys


class Stats:
    connections = 0


async def pump(reader, writer, delay):
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def deliver():
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                try:
                    writer.write_eof()
                except OSError:
                    pass
                return
            writer.write(data)
            await writer.drain()

    sender = asyncio.create_task(deliver())
    try:
        while True:
            data = await reader.read(1 << 16)
            queue.put_nowait((loop.time() + delay, data))
            if not data:
                break
        await sender
    except (ConnectionError, OSError):
        sender.cancel()


async def handle(client_reader, client_writer, upstream, rtt):
    Stats.connections += 1
    host, port = upstream
    try:
        server_reader, server_writer = await asyncio.open_connection(host, port)
    except OSError:
        client_writer.close()
        return
    # The handshake of a real connection costs a round trip before the first byte.
    await asyncio.sleep(rtt)
    try:
        await asyncio.gather(
            pump(client_reader, server_writer, rtt / 2),
            pump(server_reader, client_writer, rtt / 2),
        )
    finally:
        for w in (client_writer, server_writer):
            try:
                w.close()
            except OSError:
                pass


async def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--listen", type=int, required=True, help="port on 127.0.0.1")
    ap.add_argument("--upstream", required=True, help="host:port")
    ap.add_argument("--rtt-ms", type=float, default=20.0)
    args = ap.parse_args()
    host, port = args.upstream.rsplit(":", 1)
    rtt = args.rtt_ms / 1000.0
    server = await asyncio.start_server(
        lambda r, w: handle(r, w, (host, int(port)), rtt), "127.0.0.1", args.listen
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()
    print(f"proxy: {Stats.connections} connections", file=sys.stderr)


if __name__ == "__main__":
    asyncio.run(main())
