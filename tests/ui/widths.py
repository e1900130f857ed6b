"""widths.py: reads a captured screen on stdin and checks that every index
row (a row with the pane border and a size at its end) ends in the same
terminal column, counting East Asian wide characters as two columns and
combining marks as none. Prints the widths it saw; exit 0 when they agree."""
import sys
import unicodedata


def width(s):
    w = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return w


rows = [l.rstrip() for l in sys.stdin.read().splitlines()]
rows = [l for l in rows if "\u2502" in l and l[-1:].isdigit() or l.endswith("K")]
widths = sorted({width(l) for l in rows})
print("rows:", len(rows), "widths:", widths)
sys.exit(0 if len(rows) > 1 and len(widths) == 1 else 1)
