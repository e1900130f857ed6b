"""SMTP submission test server (aiosmtpd), started by start-servers.

Two listeners on loopback:
  --starttls-port  587-style: STARTTLS required before anything but
                   EHLO/HELO/NOOP/QUIT; AUTH offered only after STARTTLS.
  --tls-port       465-style: implicit TLS from the first byte.
Both require AUTH (PLAIN or LOGIN) with the users in --users
(user:password lines) before MAIL FROM.

Every accepted message is written to DIR/smtp-out/NNNNNN.eml (the DATA bytes
exactly as received, after dot-unstuffing) with NNNNNN.json beside it
(envelope: mail_from, rcpt_tos, auth user, port, tls). The .json is written
first and the .eml is renamed into place last, so a test that sees the .eml
sees a complete message.

Recipients whose local part starts with "reject" get 550, "tempfail" 451,
so tests can exercise error paths.
"""
import argparse
import asyncio
import itertools
import json
import logging
import os
import signal
import ssl
import sys
import time
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

SEQ = None  # set in main(): continues after the highest NNNNNN already in smtp-out/


def load_users(path):
    users = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line or line.startswith("#") or ":" not in line:
                continue
            u, p = line.split(":", 1)
            users[u] = p
    return users


class Authenticator:
    def __init__(self, users):
        self.users = users

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user = auth_data.login.decode("utf-8", "replace")
        pw = auth_data.password.decode("utf-8", "replace")
        ok = user in self.users and self.users[user] == pw
        logging.info("AUTH %s user=%r %s", mechanism, user, "ok" if ok else "FAILED")
        return AuthResult(success=ok, handled=False, auth_data=user if ok else None)


class Handler:
    def __init__(self, outdir):
        self.outdir = outdir

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 Recipient rejected (test kit)"
        if local.startswith("tempfail"):
            return "451 4.3.0 Temporary failure (test kit)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        base = "%06d" % next(SEQ)
        meta = {
            "mail_from": envelope.mail_from,
            "mail_options": envelope.mail_options,
            "rcpt_tos": envelope.rcpt_tos,
            "auth_user": session.auth_data if session.authenticated else None,
            "port": server.transport.get_extra_info("sockname")[1] if server.transport else None,
            "tls": server.transport.get_extra_info("ssl_object") is not None if server.transport else None,
            "size": len(envelope.original_content or b""),
            "received": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        tmp = os.path.join(self.outdir, ".tmp-" + base)
        with open(tmp + ".json", "w", encoding="utf-8") as f:
            json.dump(meta, f, indent=1)
        os.rename(tmp + ".json", os.path.join(self.outdir, base + ".json"))
        with open(tmp + ".eml", "wb") as f:
            f.write(envelope.original_content or b"")
        os.rename(tmp + ".eml", os.path.join(self.outdir, base + ".eml"))
        logging.info("stored %s.eml from=%r to=%r (%d bytes)", base,
                     envelope.mail_from, envelope.rcpt_tos, meta["size"])
        return "250 2.0.0 OK queued as %s" % base


class ImplicitTLSSMTP(SMTP):
    """aiosmtpd only knows TLS it started itself (STARTTLS): with implicit
    TLS it would hide AUTH (auth_require_tls). The transport is TLS from the
    start here, so AUTH is allowed without STARTTLS."""


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--users", required=True)
    ap.add_argument("--starttls-port", type=int, required=True)
    ap.add_argument("--tls-port", type=int, required=True)
    ap.add_argument("--ipv6", default="0")
    ap.add_argument("--ready", help="file to create once every port is bound")
    a = ap.parse_args()

    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")

    outdir = os.path.join(a.dir, "smtp-out")
    os.makedirs(outdir, exist_ok=True)
    global SEQ
    seen = [int(f[:6]) for f in os.listdir(outdir) if f[:6].isdigit()]
    SEQ = itertools.count(max(seen, default=0) + 1)
    users = load_users(a.users)
    auth = Authenticator(users)
    handler = Handler(outdir)

    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(os.path.join(a.dir, "tls", "server-chain.pem"),
                        os.path.join(a.dir, "tls", "server.key"))

    common = dict(hostname="localhost", data_size_limit=35 * 1024 * 1024,
                  enable_SMTPUTF8=True, auth_required=True,
                  authenticator=auth, decode_data=False, timeout=120)

    def starttls_factory():
        return SMTP(handler, tls_context=ctx, require_starttls=True,
                    auth_require_tls=True, **common)

    def implicit_factory():
        return ImplicitTLSSMTP(handler, tls_context=None, require_starttls=False,
                               auth_require_tls=False, **common)

    loop = asyncio.get_running_loop()
    hosts = ["127.0.0.1"] + (["::1"] if a.ipv6 == "1" else [])
    servers = []
    for h in hosts:
        servers.append(await loop.create_server(starttls_factory, h, a.starttls_port))
        servers.append(await loop.create_server(implicit_factory, h, a.tls_port, ssl=ctx))
    logging.info("listening: starttls=%d tls=%d on %s", a.starttls_port, a.tls_port, hosts)
    if a.ready:
        open(a.ready, "w").close()

    stop = asyncio.Event()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    await stop.wait()
    for s in servers:
        s.close()
    logging.info("stopped")


if __name__ == "__main__":
    asyncio.run(main())
