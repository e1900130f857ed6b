#!/usr/bin/env python3
"""A TCP proxy on 127.0.0.1 whose link can be cut and restored.

Usage: flakyproxy.py PORTFILE TARGET_PORT DOWNFILE [LIFETIME_S]

Listens on a free loopback port (written to PORTFILE) and forwards every
connection to 127.0.0.1:TARGET_PORT byte for byte (TLS passes through).
While DOWNFILE exists, every open connection is closed and new ones are
closed at once: the server looks unreachable. Exits after LIFETIME_S
seconds (default 300), so it never outlives its test.
"""
import os
import select
import socket
import sys
import time


def main():
    portfile, target, downfile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    deadline = time.monotonic() + (int(sys.argv[4]) if len(sys.argv) > 4
                                   else 300)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(8)
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(tmp, portfile)
    pairs = {}          # socket -> its peer

    def drop(s):
        peer = pairs.pop(s, None)
        s.close()
        if peer is not None:
            pairs.pop(peer, None)
            peer.close()

    while time.monotonic() < deadline:
        down = os.path.exists(downfile)
        if down:
            for s in list(pairs):
                if s in pairs:
                    drop(s)
        r, _, _ = select.select([ls] + list(pairs), [], [], 0.2)
        for s in r:
            if s is ls:
                c, _ = ls.accept()
                if os.path.exists(downfile):
                    c.close()
                    continue
                try:
                    srv = socket.create_connection(("127.0.0.1", target),
                                                   timeout=10)
                except OSError:
                    c.close()
                    continue
                pairs[c] = srv
                pairs[srv] = c
                continue
            if s not in pairs:
                continue
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if not data:
                drop(s)
                continue
            try:
                pairs[s].sendall(data)
            except OSError:
                drop(s)
    return 0


if __name__ == "__main__":
    sys.exit(main())
