#!/usr/bin/env python3
# tests/ui/mkmail.py DIR: writes the test messages of tests/ui/attach.sh
# into DIR (CRLF line ends), and the original files they carry.
import base64
import os
import sys

d = sys.argv[1]


def write(name, data):
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def crlf(text):
    return text.replace("\n", "\r\n").encode()


def b64(data):
    s = base64.b64encode(data).decode()
    return "\n".join(s[i:i + 76] for i in range(0, len(s), 76))


# Binary bytes: every byte value, twice, and some more.
binary = bytes(range(256)) * 2 + b"\r\n\x00\x1b[31m end\n"
write("report.bin", binary)
passwd = b"root:x:0:0:not really:/root:/bin/sh\n"
viewed = b"payload-for-the-viewer\n"

html = crlf("""From: Hannah <hannah@example.test>
To: alice@example.test
Subject: HTML only
Date: Tue, 05 Mar 2024 10:00:00 +0000
Message-ID: <html-only@example.test>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><head><style>p { color: red }</style></head><body>
<p>Hello from <b>HTML</b> mail.</p>
<p>Read <a href="https://example.org/html-link?x=1&amp;y=2">the page</a>.</p>
</body></html>
""")
write("html.eml", html)

long_line = "LONGSTART-" + "y" * 180 + "-LONGEND"
files = crlf("""From: Fred <fred@example.test>
To: alice@example.test
Subject: Files attached
Date: Mon, 04 Mar 2024 10:00:00 +0000
Message-ID: <files@example.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="BOUND"

--BOUND
Content-Type: text/plain; charset=utf-8

The files are attached. See https://example.com/path?a=1&b=2 and
<http://bad.example/x;touch$IFS""" + d + """/pwned;x>.
""" + long_line + """

--BOUND
Content-Type: application/octet-stream; name="report.bin"
Content-Disposition: attachment; filename="report.bin"
Content-Transfer-Encoding: base64

""" + b64(binary) + """
--BOUND
Content-Type: text/plain; charset=us-ascii
Content-Disposition: attachment; filename="../../etc/passwd"
Content-Transfer-Encoding: base64

""" + b64(passwd) + """
--BOUND
Content-Type: text/plain; charset=us-ascii
Content-Disposition: attachment;
 filename="=?utf-8?q?evil=1B=5B31mname=07.txt?="
Content-Transfer-Encoding: quoted-printable

quoted=3Dprintable text
--BOUND
Content-Type: text/plain; charset=utf-8
Content-Disposition: attachment;
 filename*=utf-8''na%C3%AFve%20r%C3%A9sum%C3%A9.txt
Content-Transfer-Encoding: 7bit

resume
--BOUND
Content-Type: application/x-postern-test; name="data.pt"
Content-Disposition: attachment; filename="data.pt"
Content-Transfer-Encoding: base64

""" + b64(viewed) + """
--BOUND--
""")
write("files.eml", files)

enc = crlf("""From: Eve <eve@example.test>
To: alice@example.test
Subject: Encrypted note
Date: Sun, 03 Mar 2024 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/encrypted; protocol="application/pgp-encrypted";
 boundary="E"

--E
Content-Type: application/pgp-encrypted

Version: 1
--E
Content-Type: application/octet-stream

-----BEGIN PGP MESSAGE-----
hQEMA0000000000000
-----END PGP MESSAGE-----
--E--
""")
write("encrypted.eml", enc)

signed = crlf("""From: Sam <sam@example.test>
To: alice@example.test
Subject: Signed note
Date: Sat, 02 Mar 2024 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/signed; micalg=pgp-sha256;
 protocol="application/pgp-signature"; boundary="S"

--S
Content-Type: text/plain

Signed text.
--S
Content-Type: application/pgp-signature; name="signature.asc"

-----BEGIN PGP SIGNATURE-----
iQEzBAEBCAAdFiEE000000000000
-----END PGP SIGNATURE-----
--S--
""")
write("signed.eml", signed)
