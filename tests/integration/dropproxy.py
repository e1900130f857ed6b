#!/usr/bin/env python3
"""A TCP proxy on 127.0.0.1 that cuts its first connection after N bytes.

Usage: dropproxy.py PORTFILE TARGET_PORT CUT_AFTER [LIFETIME_S]

Listens on a free loopback port (written to PORTFILE), forwards one
connection to 127.0.0.1:TARGET_PORT byte for byte (TLS passes through
untouched), and after CUT_AFTER bytes from the server closes both sides
and exits. It also exits after LIFETIME_S seconds (default 120), so it
never outlives its test.
"""
import os
import select
import socket
import sys
import time


def main():
    portfile, target, cut = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    deadline = time.monotonic() + (int(sys.argv[4]) if len(sys.argv) > 4 else 120)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(tmp, portfile)
    r, _, _ = select.select([ls], [], [], max(0, deadline - time.monotonic()))
    if not r:
        return 1
    client, _ = ls.accept()
    ls.close()
    server = socket.create_connection(("127.0.0.1", target), timeout=10)
    sent = 0
    while time.monotonic() < deadline:
        r, _, _ = select.select([client, server], [], [], 1)
        for s in r:
            data = s.recv(65536)
            if not data:
                return 0
            if s is server:
                data = data[:cut - sent]
                client.sendall(data)
                sent += len(data)
                if sent >= cut:
                    print("cut after %d bytes" % sent, flush=True)
                    client.close()
                    server.close()
                    return 0
            else:
                server.sendall(data)
    return 1


if __name__ == "__main__":
    sys.exit(main())
