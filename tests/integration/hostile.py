#!/usr/bin/env python3
"""Hostile mail servers for tests/integration/hostile.sh (standard library
only). Usage: hostile.py MODE PORTFILE

Listens on 127.0.0.1 (a free port, written to PORTFILE once listening) and
serves every connection in a thread until killed. MODE:

  trickle  sends "* OK ..." one byte a second, forever, never a newline
           (also stalls a TLS handshake: the bytes are not TLS)
  literal  IMAP: greets, then answers the first command with an untagged
           FETCH announcing a 4,000,000,000-byte literal, sends 3 bytes of
           it and closes
  garbage  sends "\\xffGARBAGE " and 4 KB of random bytes (with line
           breaks), then closes
  silent   accepts and never sends anything
"""
import os
import socket
import sys
import threading
import time


def trickle(conn):
    text = b"* OK this greeting never ends "
    i = 0
    while True:
        conn.sendall(text[i % len(text):i % len(text) + 1])
        i += 1
        time.sleep(1)


def literal(conn):
    conn.sendall(b"* OK hostile IMAP server ready\r\n")
    conn.recv(4096)
    conn.sendall(b"* 1 FETCH (BODY[] {4000000000}\r\nabc")


def garbage(conn):
    data = bytearray(os.urandom(4096))
    for i in range(95, len(data), 97):
        data[i:i + 2] = b"\r\n"
    conn.sendall(b"\xffGARBAGE " + bytes(data))


def silent(conn):
    while conn.recv(4096):
        pass


MODES = {"trickle": trickle, "literal": literal, "garbage": garbage,
         "silent": silent}


def serve(mode, conn):
    try:
        MODES[mode](conn)
    except OSError:
        pass
    finally:
        conn.close()


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in MODES:
        sys.exit("usage: hostile.py trickle|literal|garbage|silent PORTFILE")
    mode, portfile = sys.argv[1], sys.argv[2]
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(mode, conn), daemon=True).start()


if __name__ == "__main__":
    main()
