#!/usr/bin/env python3
# tests/integration/dnsserver.py: a tiny DNS server for the tests, on
# 127.0.0.1 (UDP) only, that answers SRV questions from a table on its
# command line and exits by itself after its lifetime. Standard library,
# raw DNS packets.
#
#   dnsserver.py PORTFILE LIFETIME LOGFILE NAME=SPEC...
#
# It writes the port it listens on to PORTFILE, and each question
# ("NAME TYPE") to LOGFILE. SPEC is one of:
#   PRIO:WEIGHT:PORT:TARGET[,...]  SRV records (TARGET "." for "not offered")
#   malformed                      an answer cut inside its SRV record
#   badname                        a record whose target has a control byte
#   loop                           a target that is a compression loop
#   timeout                        no answer at all
#   servfail                       SERVFAIL
# Any other name gets NXDOMAIN.
import socket
import struct
import sys
import time


def encode_name(name):
    out = b""
    if name not in ("", "."):
        for label in name.rstrip(".").split("."):
            raw = label.encode("ascii")
            out += bytes([len(raw)]) + raw
    return out + b"\0"


def parse_question(pkt):
    """(id, flags, qname, qtype, end of question) or None."""
    if len(pkt) < 12:
        return None
    qid, flags, qd = struct.unpack("!HHH", pkt[:6])
    if qd != 1:
        return None
    pos, labels = 12, []
    while True:
        if pos >= len(pkt):
            return None
        n = pkt[pos]
        pos += 1
        if n == 0:
            break
        if n > 63 or pos + n > len(pkt):
            return None
        labels.append(pkt[pos:pos + n].decode("ascii", "replace"))
        pos += n
    if pos + 4 > len(pkt):
        return None
    qtype, _ = struct.unpack("!HH", pkt[pos:pos + 4])
    return qid, flags, ".".join(labels).lower(), qtype, pos + 4


def header(qid, flags, rcode, ancount):
    rd = flags & 0x0100
    return struct.pack("!HHHHHH", qid, 0x8000 | 0x0400 | rd | 0x0080 |
                       rcode, 1, ancount, 0, 0)


def srv_rr(prio, weight, port, target_bytes):
    rdata = struct.pack("!HHH", prio, weight, port) + target_bytes
    return (b"\xc0\x0c" + struct.pack("!HHIH", 33, 1, 60, len(rdata)) +
            rdata)


def answer(pkt, table):
    q = parse_question(pkt)
    if q is None:
        return None
    qid, flags, qname, qtype, qend = q
    question = pkt[12:qend]
    spec = table.get(qname)
    if spec is None:
        return header(qid, flags, 3, 0) + question
    if spec == "timeout":
        return None
    if spec == "servfail":
        return header(qid, flags, 2, 0) + question
    if qtype != 33:
        return header(qid, flags, 0, 0) + question
    if spec == "malformed":
        rr = srv_rr(0, 0, 993, encode_name("localhost"))
        # The record says 8 more bytes of data than the packet holds.
        return header(qid, flags, 0, 1) + question + rr[:-8]
    if spec == "badname":
        rr = srv_rr(0, 0, 993, b"\x05lo\x01al\x00")
        return header(qid, flags, 0, 1) + question + rr
    if spec == "loop":
        # The target points at itself.
        start = len(header(0, 0, 0, 0)) + len(question) + 12 + 6
        ptr = struct.pack("!H", 0xc000 | start)
        rr = srv_rr(0, 0, 993, ptr)
        return header(qid, flags, 0, 1) + question + rr
    rrs = b""
    n = 0
    for rec in spec.split(","):
        prio, weight, port, target = rec.split(":", 3)
        rrs += srv_rr(int(prio), int(weight), int(port), encode_name(target))
        n += 1
    return header(qid, flags, 0, n) + question + rrs


def main():
    portfile, lifetime, logfile = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    table = {}
    for arg in sys.argv[4:]:
        name, spec = arg.split("=", 1)
        table[name.lower().rstrip(".")] = spec
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % sock.getsockname()[1])
    import os
    os.rename(portfile + ".tmp", portfile)
    end = time.monotonic() + lifetime
    with open(logfile, "a", buffering=1) as log:
        while True:
            left = end - time.monotonic()
            if left <= 0:
                break
            sock.settimeout(left)
            try:
                pkt, peer = sock.recvfrom(4096)
            except socket.timeout:
                break
            q = parse_question(pkt)
            if q is not None:
                log.write("%s %d\n" % (q[2], q[3]))
            out = answer(pkt, table)
            if out is not None:
                sock.sendto(out, peer)


if __name__ == "__main__":
    main()
