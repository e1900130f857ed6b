"""Hostile fake IMAP/POP3/SMTP servers for security tests (started by
start-servers). None of them ever lets a client log in: they only record
what a client sends, so a test can assert that credentials never left the
client. Each listener NAME logs every line it receives to
DIR/log/fake-NAME.log ("C: ..." lines, TLS events), and writes a line
"CREDENTIALS-SEEN ..." whenever a client sent a password (LOGIN,
AUTHENTICATE/AUTH data, PASS, APOP) or tried MAIL FROM without TLS.

Listener names: <proto>_<mode>, proto imap|imaps|pop3|pop3s|smtp|smtps,
mode:
  nostarttls   plaintext; STARTTLS/STLS is not advertised and refused.
  starttlsfail plaintext; STARTTLS advertised, but the command fails.
  inject       plaintext; STARTTLS advertised and accepted, but the server
               sends an extra line right after the OK, in the same packet
               and before the TLS handshake (STARTTLS response injection).
               The injected line is "* CAPABILITY IMAP4rev1 AUTH=PLAIN
               X-INJECTED" (IMAP), "+OK X-INJECTED" (POP3), "250 X-INJECTED"
               (SMTP). A correct client discards it or aborts.
               After the handshake (good certificate) the server behaves as
               a server that refuses all logins.
  badhost      implicit TLS, certificate chains to the kit's CA but is for
               DNS:wrong.host.invalid (host name mismatch).
  selfsigned   implicit TLS, self-signed certificate for localhost.
  expired      implicit TLS, certificate from the kit's CA, expired in 2020.
"""
import argparse
import asyncio
import os
import signal
import ssl
import sys
import time

INJECT = {
    "imap": b"* CAPABILITY IMAP4rev1 AUTH=PLAIN X-INJECTED\r\n",
    "pop3": b"+OK X-INJECTED\r\n",
    "smtp": b"250 X-INJECTED\r\n",
}


class Conn:
    def __init__(self, name, proto, mode, reader, writer, logf, tls_ctx):
        self.name, self.proto, self.mode = name, proto, mode
        self.r, self.w, self.logf, self.tls_ctx = reader, writer, logf, tls_ctx
        self.tls = mode in ("badhost", "selfsigned", "expired")

    def log(self, msg):
        self.logf.write("%s %s\n" % (time.strftime("%H:%M:%S"), msg))
        self.logf.flush()

    def creds(self, what):
        self.log("CREDENTIALS-SEEN %s tls=%s" % (what, self.tls))

    async def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.w.write(data)
        await self.w.drain()

    async def line(self):
        ln = await asyncio.wait_for(self.r.readline(), 60)
        if not ln:
            raise EOFError
        self.log("C: " + ln.decode("utf-8", "replace").rstrip("\r\n"))
        return ln.decode("utf-8", "replace").rstrip("\r\n")

    async def starttls(self, ok_line):
        """Accept STARTTLS (mode inject) and do the handshake."""
        await self.send(ok_line.encode() + INJECT[self.proto])
        self.log("STARTTLS accepted, injected %r" % INJECT[self.proto])
        try:
            await self.w.start_tls(self.tls_ctx["good"])
        except Exception as e:  # noqa: BLE001
            self.log("TLS handshake failed: %r" % e)
            raise EOFError
        self.tls = True
        self.log("TLS established")

    # ------------------------------------------------------------ IMAP
    async def imap(self):
        caps = "IMAP4rev1 AUTH=PLAIN AUTH=LOGIN"
        if self.mode in ("starttlsfail", "inject"):
            caps = "IMAP4rev1 STARTTLS AUTH=PLAIN AUTH=LOGIN"
        await self.send("* OK [CAPABILITY %s] Fake IMAP server (%s) ready\r\n" % (caps, self.mode))
        while True:
            ln = await self.line()
            parts = ln.split(" ", 2)
            tag = parts[0] if parts else "*"
            cmd = parts[1].upper() if len(parts) > 1 else ""
            if cmd == "CAPABILITY":
                c = caps if not self.tls else "IMAP4rev1 AUTH=PLAIN AUTH=LOGIN"
                await self.send("* CAPABILITY %s\r\n%s OK done\r\n" % (c, tag))
            elif cmd == "STARTTLS":
                if self.tls or self.mode == "nostarttls":
                    await self.send("%s BAD STARTTLS not supported\r\n" % tag)
                elif self.mode == "starttlsfail":
                    await self.send("%s NO [UNAVAILABLE] TLS unavailable\r\n" % tag)
                else:
                    await self.starttls("%s OK Begin TLS negotiation now\r\n" % tag)
            elif cmd == "LOGIN":
                self.creds("IMAP LOGIN")
                await self.send("%s NO [AUTHENTICATIONFAILED] Fake server refuses logins\r\n" % tag)
            elif cmd == "AUTHENTICATE":
                args = parts[2].split() if len(parts) > 2 else []
                if len(args) < 2:
                    await self.send("+ \r\n")
                    await self.line()
                self.creds("IMAP AUTHENTICATE")
                await self.send("%s NO [AUTHENTICATIONFAILED] Fake server refuses logins\r\n" % tag)
            elif cmd == "NOOP" or cmd == "ID" or cmd == "ENABLE":
                await self.send("%s OK done\r\n" % tag)
            elif cmd == "LOGOUT":
                await self.send("* BYE bye\r\n%s OK done\r\n" % tag)
                return
            else:
                await self.send("%s BAD Not supported by fake server\r\n" % tag)

    # ------------------------------------------------------------ POP3
    async def pop3(self):
        await self.send("+OK Fake POP3 server (%s) ready <1896.697170952@localhost>\r\n" % self.mode)
        while True:
            ln = await self.line()
            cmd = ln.split(" ", 1)[0].upper()
            if cmd == "CAPA":
                caps = ["USER", "UIDL", "TOP", "SASL PLAIN LOGIN"]
                if self.mode in ("starttlsfail", "inject") and not self.tls:
                    caps.append("STLS")
                await self.send("+OK Capability list follows\r\n" + "".join(c + "\r\n" for c in caps) + ".\r\n")
            elif cmd == "STLS":
                if self.tls or self.mode == "nostarttls":
                    await self.send("-ERR STLS not supported\r\n")
                elif self.mode == "starttlsfail":
                    await self.send("-ERR TLS unavailable\r\n")
                else:
                    await self.starttls("+OK Begin TLS negotiation\r\n")
            elif cmd == "USER":
                await self.send("+OK\r\n")
            elif cmd in ("PASS", "APOP"):
                self.creds("POP3 " + cmd)
                await self.send("-ERR [AUTH] Fake server refuses logins\r\n")
            elif cmd == "AUTH":
                if len(ln.split()) < 3 and len(ln.split()) > 1:
                    await self.send("+ \r\n")
                    await self.line()
                self.creds("POP3 AUTH")
                await self.send("-ERR [AUTH] Fake server refuses logins\r\n")
            elif cmd == "QUIT":
                await self.send("+OK bye\r\n")
                return
            elif cmd == "NOOP":
                await self.send("+OK\r\n")
            else:
                await self.send("-ERR Not supported by fake server\r\n")

    # ------------------------------------------------------------ SMTP
    async def smtp(self):
        await self.send("220 localhost ESMTP Fake SMTP server (%s)\r\n" % self.mode)
        while True:
            ln = await self.line()
            cmd = ln.split(" ", 1)[0].upper()
            if cmd == "EHLO":
                ext = ["localhost", "PIPELINING", "8BITMIME", "AUTH PLAIN LOGIN"]
                if self.mode in ("starttlsfail", "inject") and not self.tls:
                    ext.insert(1, "STARTTLS")
                out = "".join("250-%s\r\n" % e for e in ext[:-1]) + "250 %s\r\n" % ext[-1]
                await self.send(out)
            elif cmd == "HELO":
                await self.send("250 localhost\r\n")
            elif cmd == "STARTTLS":
                if self.tls or self.mode == "nostarttls":
                    await self.send("502 5.5.1 STARTTLS not supported\r\n")
                elif self.mode == "starttlsfail":
                    await self.send("454 4.7.0 TLS not available\r\n")
                else:
                    await self.starttls("220 2.0.0 Ready to start TLS\r\n")
            elif cmd == "AUTH":
                args = ln.split()
                mech = args[1].upper() if len(args) > 1 else ""
                if mech == "LOGIN":
                    if len(args) < 3:
                        await self.send("334 VXNlcm5hbWU6\r\n")
                        await self.line()
                    await self.send("334 UGFzc3dvcmQ6\r\n")
                    await self.line()
                elif len(args) < 3:
                    await self.send("334 \r\n")
                    await self.line()
                self.creds("SMTP AUTH " + mech)
                await self.send("535 5.7.8 Fake server refuses logins\r\n")
            elif cmd == "MAIL":
                self.creds("SMTP MAIL-without-auth")
                await self.send("530 5.7.0 Authentication required\r\n")
            elif cmd in ("RSET", "NOOP"):
                await self.send("250 OK\r\n")
            elif cmd == "QUIT":
                await self.send("221 bye\r\n")
                return
            else:
                await self.send("502 5.5.2 Not supported by fake server\r\n")

    async def run(self):
        self.log("connect mode=%s tls=%s" % (self.mode, self.tls))
        if self.tls:
            self.log("TLS established")
        try:
            await getattr(self, self.proto)()
        except (EOFError, ConnectionError, asyncio.TimeoutError, ssl.SSLError):
            pass
        except Exception as e:  # noqa: BLE001
            self.log("error %r" % e)
        finally:
            self.log("close")
            try:
                self.w.close()
            except Exception:  # noqa: BLE001
                pass


class ImplicitTLS(asyncio.Protocol):
    """Accepts a TCP connection and does the TLS handshake itself, so that a
    failed handshake (the client rejected the certificate) is logged.
    Reading is paused in connection_made so that no byte of the ClientHello
    is consumed before loop.start_tls() takes over the transport (with
    StreamWriter.start_tls() after start_server() the ClientHello can land in
    the StreamReader's buffer first and the handshake then hangs)."""

    def __init__(self, name, proto, mode, logf, ctxs):
        self.args = (name, proto, mode, logf, ctxs)

    def connection_made(self, transport):
        transport.pause_reading()
        asyncio.get_running_loop().create_task(self.setup(transport))

    async def setup(self, transport):
        name, proto, mode, logf, ctxs = self.args
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=1 << 16)
        sproto = asyncio.StreamReaderProtocol(reader)
        try:
            tls_tr = await loop.start_tls(transport, sproto, ctxs[mode],
                                          server_side=True,
                                          ssl_handshake_timeout=30)
        except Exception as e:  # noqa: BLE001
            logf.write("%s connect mode=%s tls=True\n%s TLS handshake failed: %r\n"
                       % (time.strftime("%H:%M:%S"), mode, time.strftime("%H:%M:%S"), e))
            logf.flush()
            transport.close()
            return
        sproto.connection_made(tls_tr)
        writer = asyncio.StreamWriter(tls_tr, sproto, reader, loop)
        await Conn(name, proto, mode, reader, writer, logf, ctxs).run()

    def data_received(self, data):  # never called: reading is paused
        pass


def make_ctx(tls_dir, chain, key):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(os.path.join(tls_dir, chain), os.path.join(tls_dir, key))
    return ctx


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--listen", required=True, help="name=port,name=port,...")
    ap.add_argument("--ipv6", default="0")
    ap.add_argument("--ready", help="file to create once every port is bound")
    a = ap.parse_args()
    tls_dir = os.path.join(a.dir, "tls")
    ctxs = {
        "good": make_ctx(tls_dir, "server-chain.pem", "server.key"),
        "badhost": make_ctx(tls_dir, "badhost-chain.pem", "badhost.key"),
        "selfsigned": make_ctx(tls_dir, "selfsigned.pem", "selfsigned.key"),
        "expired": make_ctx(tls_dir, "expired-chain.pem", "expired.key"),
    }
    hosts = ["127.0.0.1"] + (["::1"] if a.ipv6 == "1" else [])
    servers = []
    for item in a.listen.split(","):
        name, port = item.split("=")
        proto, mode = name.split("_", 1)
        implicit = proto in ("imaps", "pop3s", "smtps")
        if implicit:
            proto = proto[:-1]
        logf = open(os.path.join(a.dir, "log", "fake-%s.log" % name), "a", encoding="utf-8")

        def cb(reader, writer, name=name, proto=proto, mode=mode, logf=logf):
            return Conn(name, proto, mode, reader, writer, logf, ctxs).run()

        def factory(name=name, proto=proto, mode=mode, logf=logf):
            return ImplicitTLS(name, proto, mode, logf, ctxs)

        loop = asyncio.get_running_loop()
        for h in hosts:
            if implicit:
                servers.append(await loop.create_server(factory, h, int(port)))
            else:
                servers.append(await asyncio.start_server(cb, h, int(port)))
    print("fakeservers: listening %s" % a.listen, file=sys.stderr, flush=True)
    if a.ready:
        open(a.ready, "w").close()
    stop = asyncio.Event()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    await stop.wait()
    for s in servers:
        s.close()


if __name__ == "__main__":
    asyncio.run(main())
