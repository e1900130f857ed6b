#!/usr/bin/python3
"""tests/ui/data/editor.py: a scripted $EDITOR for the compose tests.

    editor.py FILE

Reads what to do from the JSON file named by $ED_CTL:
  {"set": {"To": "...", ...}, "body": "text put before the body"}
keeps a copy of the file as it came in $ED_CTL.in, then edits FILE:
each named header line gets the new value, and the text goes first in
the body (above the quote or the signature).
"""
import json
import os
import sys

path = sys.argv[1]
ctl_path = os.environ["ED_CTL"]
with open(ctl_path, encoding="utf-8") as f:
    ctl = json.load(f)
with open(path, encoding="utf-8") as f:
    text = f.read()
with open(ctl_path + ".in", "w", encoding="utf-8") as f:
    f.write(text)
head, _, body = text.partition("\n\n")
lines = head.split("\n")
for name, value in ctl.get("set", {}).items():
    lines = [name + ": " + value if l.split(":", 1)[0] == name else l
             for l in lines]
body = ctl.get("body", "") + body
with open(path, "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n\n" + body)
