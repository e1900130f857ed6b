#!/usr/bin/python3
"""tests/integration/badsmtp.py: an SMTP submission server that fails on
purpose, for tests/integration/outbox.sh.

    badsmtp.py CERT_CHAIN KEY DIR [LIFETIME_S]

Listens on 127.0.0.1 (implicit TLS with the test kit's certificate) and
writes its port to DIR/port. For each connection it reads DIR/mode:
  data5xx   554 after the message's final dot
  rcpt4xx   451 to every RCPT
  dropdata  closes the connection after the final dot, without a reply
  accept    250 after the final dot (a server without SMTPUTF8)
  size      as accept, but SIZE 2000
  utf8      as accept, and SMTPUTF8 offered
  cram      as accept, AUTH CRAM-MD5 only (the password must be
            alice-pw-1; "AUTH CRAM-MD5 ok" or "... FAILED" goes to
            DIR/commands.log)
  scram     as cram, with AUTH SCRAM-SHA-256 CRAM-MD5 PLAIN offered
            ("AUTH SCRAM-SHA-256 ok" when the proof is right)
Every command line but AUTH data is appended to DIR/commands.log.
Its pid goes to DIR/pid. Every message body received (dot-unstuffed, as the client sent it) is
kept in DIR/received-N.eml. It exits by itself after LIFETIME_S seconds
(default 120).
"""
import base64
import hashlib
import hmac
import os
import socket
import ssl
import sys
import threading
import time


def serve(conn, outdir, counter):
    f = conn.makefile("rb")

    def say(line):
        conn.sendall(line.encode() + b"\r\n")

    try:
        mode = open(os.path.join(outdir, "mode")).read().strip()
    except OSError:
        mode = "data5xx"
    def log(text):
        with open(os.path.join(outdir, "commands.log"), "ab") as o:
            o.write(text + b"\n")

    say("220 badsmtp ESMTP test server")
    while True:
        line = f.readline(4096)
        if not line:
            return
        cmd = line.decode("latin-1").rstrip("\r\n")
        verb = cmd.split(" ", 1)[0].upper()
        log(line.rstrip(b"\r\n"))
        if verb in ("EHLO", "HELO"):
            auth = {"cram": b"CRAM-MD5",
                    "scram": b"SCRAM-SHA-256 CRAM-MD5 PLAIN"}.get(
                        mode, b"PLAIN LOGIN")
            size = b"2000" if mode == "size" else b"10000000"
            utf8 = b"250-SMTPUTF8\r\n" if mode == "utf8" else b""
            conn.sendall(b"250-badsmtp\r\n250-AUTH " + auth + b"\r\n" +
                         utf8 + b"250-SIZE " + size + b"\r\n250 8BITMIME\r\n")
        elif verb == "AUTH" and cmd.split()[1:2] == ["SCRAM-SHA-256"]:
            ok = scram(f, say, cmd.split()[2:])
            log(b"AUTH SCRAM-SHA-256 " + (b"ok" if ok else b"FAILED"))
            say("235 2.7.0 ok" if ok else "535 5.7.8 bad credentials")
        elif verb == "AUTH" and mode in ("cram", "scram"):
            challenge = b"<12345.67890@badsmtp>"
            say("334 " + base64.b64encode(challenge).decode())
            answer = base64.b64decode(f.readline(4096).strip() or b"=")
            user, _, digest = answer.partition(b" ")
            want = hmac.new(b"alice-pw-1", challenge, hashlib.md5).hexdigest()
            ok = user == b"alice" and digest.decode("latin-1") == want
            log(b"AUTH CRAM-MD5 " + (b"ok" if ok else b"FAILED"))
            say("235 2.7.0 ok" if ok else "535 5.7.8 bad credentials")
        elif verb == "AUTH":
            parts = cmd.split()
            if len(parts) >= 2 and parts[1].upper() == "LOGIN":
                say("334 VXNlcm5hbWU6")
                f.readline(4096)
                say("334 UGFzc3dvcmQ6")
                f.readline(4096)
            elif len(parts) == 2:
                say("334 ")
                f.readline(4096)
            say("235 2.7.0 ok")
        elif verb == "MAIL":
            say("250 2.1.0 ok")
        elif verb == "RCPT":
            if mode == "rcpt4xx":
                say("451 4.3.0 try again later (badsmtp)")
            else:
                say("250 2.1.5 ok")
        elif verb == "DATA":
            say("354 go ahead")
            data = []
            while True:
                l = f.readline(1 << 20)
                if not l or l == b".\r\n":
                    break
                if l.startswith(b"."):
                    l = l[1:]
                data.append(l)
            n = next(counter)
            with open(os.path.join(outdir, "received-%d.eml" % n), "wb") as o:
                o.write(b"".join(data))
            if mode == "dropdata":
                conn.shutdown(socket.SHUT_RDWR)
                return
            if mode in ("accept", "size", "utf8", "cram", "scram"):
                say("250 2.0.0 accepted (badsmtp)")
                continue
            say("554 5.6.0 message refused (badsmtp)")
        elif verb == "RSET" or verb == "NOOP":
            say("250 ok")
        elif verb == "QUIT":
            say("221 bye")
            return
        else:
            say("502 5.5.2 not implemented")


def scram(f, say, initial):
    """The server side of SCRAM-SHA-256 (RFC 5802, 7677) for alice."""
    def b64(b):
        return base64.b64encode(b).decode()

    def hm(key, msg):
        return hmac.new(key, msg, hashlib.sha256).digest()

    if initial:
        first = base64.b64decode(initial[0])
    else:
        say("334 ")
        first = base64.b64decode(f.readline(4096).strip() or b"=")
    # gs2 header ("n,,") then the bare message
    bare = first.split(b",", 2)[2] if first.count(b",") >= 2 else b""
    attrs = dict(a.split(b"=", 1) for a in bare.split(b",") if b"=" in a)
    salt, iters = b"badsmtp-salt", 4096
    nonce = attrs.get(b"r", b"") + b"srvnonce"
    server_first = b"r=" + nonce + b",s=" + base64.b64encode(salt) + \
        b",i=%d" % iters
    say("334 " + b64(server_first))
    final = base64.b64decode(f.readline(4096).strip() or b"=")
    without_proof, _, proof = final.rpartition(b",p=")
    salted = hashlib.pbkdf2_hmac("sha256", b"alice-pw-1", salt, iters)
    client_key = hm(salted, b"Client Key")
    auth_msg = bare + b"," + server_first + b"," + without_proof
    sig = hm(hashlib.sha256(client_key).digest(), auth_msg)
    want = bytes(a ^ b for a, b in zip(client_key, sig))
    ok = attrs.get(b"n") == b"alice" and \
        base64.b64decode(proof or b"=") == want
    if ok:
        server_sig = hm(hm(salted, b"Server Key"), auth_msg)
        say("334 " + b64(b"v=" + base64.b64encode(server_sig)))
        f.readline(4096)
    return ok


def counter_gen():
    n = 0
    while True:
        n += 1
        yield n


def main():
    chain, key, outdir = sys.argv[1:4]
    lifetime = float(sys.argv[4]) if len(sys.argv) > 4 else 120.0
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(chain, key)
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    tmp = os.path.join(outdir, "port.tmp")
    with open(os.path.join(outdir, "pid"), "w") as o:
        o.write("%d\n" % os.getpid())
    with open(tmp, "w") as o:
        o.write("%d\n" % srv.getsockname()[1])
    os.rename(tmp, os.path.join(outdir, "port"))
    deadline = time.monotonic() + lifetime
    counter = counter_gen()
    lock = threading.Lock()

    def handle(raw):
        try:
            raw.settimeout(30)
            conn = ctx.wrap_socket(raw, server_side=True)
            with lock:
                serve(conn, outdir, counter)
            conn.close()
        except (OSError, ssl.SSLError):
            pass
        finally:
            raw.close()

    srv.settimeout(0.5)
    while time.monotonic() < deadline:
        try:
            raw, _ = srv.accept()
        except socket.timeout:
            continue
        threading.Thread(target=handle, args=(raw,), daemon=True).start()
    srv.close()


if __name__ == "__main__":
    main()
