#!/usr/bin/env python3
"""A second IMAP session for the cache tests: changes a mailbox behind
Postern's back.

Usage: imapctl.py PORT CAFILE USER PASS COMMAND ARGS...
  append FOLDER SUBJECT     append a message, print its UID
  flag FOLDER UID FLAG      add FLAG (e.g. \\Flagged) to UID
  expunge FOLDER UID        delete and expunge UID
  recreate FOLDER N         delete FOLDER, create it again with N messages
  uids FOLDER               print every UID, one a line, ascending
  uidvalidity FOLDER        print the UIDVALIDITY
"""
import imaplib
import ssl
import sys
import time


def message(subject):
    return ("From: Carol Second <carol@example.test>\r\n"
            "To: alice@example.test\r\n"
            "Subject: %s\r\n"
            "Date: %s\r\n"
            "Message-ID: <%s.%d@example.test>\r\n"
            "\r\n"
            "Sent by a second session.\r\n" % (
                subject, time.strftime("%a, %d %b %Y %H:%M:%S +0000",
                                       time.gmtime()),
                subject.replace(" ", "-"), time.time_ns())).encode()


def main():
    port, cafile, user, password, cmd = sys.argv[1:6]
    args = sys.argv[6:]
    ctx = ssl.create_default_context(cafile=cafile)
    m = imaplib.IMAP4_SSL("localhost", int(port), ssl_context=ctx)
    m.login(user, password)
    if cmd == "append":
        folder, subject = args
        typ, data = m.append(folder, None, None, message(subject))
        if typ != "OK":
            return 1
        # [APPENDUID validity uid]
        code = m.response("APPENDUID")[1][0]
        print(code.split()[1].decode() if code else "")
    elif cmd == "flag":
        folder, uid, flag = args
        m.select(folder)
        typ, _ = m.uid("STORE", uid, "+FLAGS", "(%s)" % flag)
        if typ != "OK":
            return 1
    elif cmd == "expunge":
        folder, uid = args
        m.select(folder)
        m.uid("STORE", uid, "+FLAGS", "(\\Deleted)")
        typ, _ = m.uid("EXPUNGE", uid)
        if typ != "OK":
            return 1
    elif cmd == "recreate":
        folder, n = args
        m.delete(folder)
        # A new UIDVALIDITY is the creation time: a second later.
        time.sleep(1.1)
        m.create(folder)
        for i in range(int(n)):
            m.append(folder, None, None, message("recreated %d" % i))
    elif cmd == "uids":
        folder, = args
        m.select(folder, readonly=True)
        typ, data = m.uid("SEARCH", None, "ALL")
        for u in sorted(int(x) for x in data[0].split()):
            print(u)
    elif cmd == "size":
        folder, uid = args
        m.select(folder, readonly=True)
        typ, data = m.uid("FETCH", uid, "(RFC822.SIZE)")
        if typ != "OK" or not data or data[0] is None:
            return 1
        print(data[0].decode().split("RFC822.SIZE")[1].strip(" )"))
    elif cmd == "uidvalidity":
        folder, = args
        typ, data = m.status(folder, "(UIDVALIDITY)")
        print(data[0].decode().split("UIDVALIDITY")[1].strip(" )"))
    else:
        return 2
    m.logout()
    return 0


if __name__ == "__main__":
    sys.exit(main())
