#!/usr/bin/env python3
"""A second IMAP session for tests/integration/imapops.sh (imaplib).

Usage: imapops.py PORT CAFILE COMMAND FOLDER [ARGS]
  append FOLDER SUBJECT      appends a small message
  flags FOLDER SUBJECT       prints the flags of each message so titled
  count FOLDER SUBJECT       prints how many messages are so titled
  store FOLDER SUBJECT OP    UID STORE OP (e.g. "+FLAGS (\\Flagged)")
  expunge FOLDER SUBJECT     marks them \\Deleted and expunges
  caps - WORD...             prints the capabilities after login but WORDs
Logs in as alice over TLS, verifying the test CA.
"""
import imaplib
import re
import ssl
import sys


def uids(m, subject):
    typ, data = m.uid("SEARCH", "CHARSET", "UTF-8", "SUBJECT",
                      '"%s"' % subject)
    if typ != "OK":
        raise SystemExit("search failed")
    return [u for u in data[0].decode().split() if u]


def main():
    port, cafile, cmd, folder = sys.argv[1:5]
    args = sys.argv[5:]
    ctx = ssl.create_default_context(cafile=cafile)
    m = imaplib.IMAP4_SSL("localhost", int(port), ssl_context=ctx,
                          timeout=20)
    m.login("alice", "alice-pw-1")
    if cmd == "caps":
        typ, data = m.capability()
        caps = data[0].decode().split()
        print(" ".join(c for c in caps if c not in args))
        return 0
    if cmd == "append":
        msg = ("From: Bob <bob@example.test>\r\nTo: alice@example.test\r\n"
               "Subject: %s\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
               "Message-ID: <%s@example.test>\r\n\r\nbody of %s\r\n"
               % (args[0], re.sub(r"\W", "", args[0]), args[0]))
        typ, _ = m.append(folder, None, None, msg.encode())
        print(typ)
        return 0 if typ == "OK" else 1
    m.select(folder)
    found = uids(m, args[0])
    if cmd == "count":
        print(len(found))
    elif cmd == "flags":
        for u in found:
            typ, data = m.uid("FETCH", u, "(FLAGS)")
            print(data[0].decode())
    elif cmd == "store":
        if found:
            m.uid("STORE", ",".join(found), args[1].split(" ", 1)[0],
                  args[1].split(" ", 1)[1])
    elif cmd == "expunge":
        if found:
            m.uid("STORE", ",".join(found), "+FLAGS", "(\\Deleted)")
            m.expunge()
    else:
        raise SystemExit("unknown command " + cmd)
    m.logout()
    return 0


if __name__ == "__main__":
    sys.exit(main())
