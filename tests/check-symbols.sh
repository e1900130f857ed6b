#!/bin/bash
# Fails when src/libpostern.a defines a global symbol that one of the
# libraries Postern links exports (libetpan, ncursesw/tinfo, libssl,
# libcrypto, gpgme, sqlite3): such a clash silently replaces the library's
# function or breaks the link. Needs TOP_BUILDDIR (the .a) and nm.
. "${TOP_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"

LIBA="$TOP_BUILDDIR/src/libpostern.a"
CC="${CC:-cc}"
command -v nm > /dev/null 2>&1 || t_skip "nm is not installed (binutils)"
if [ ! -f "$LIBA" ]; then
	t_fail "$LIBA exists (build first)"
	t_done
fi

# resolve NAME: prints the shared objects behind -lNAME (following a linker
# script such as Debian's libncursesw.so, "INPUT(libncursesw.so.6 -ltinfo)").
resolve() {
	local f="$1" depth="${2:-0}" tok
	case "$f" in
	/*) ;;
	*) f="$("$CC" -print-file-name="$f" 2> /dev/null)" ;;
	esac
	[ -f "$f" ] || return 1
	if [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ]; then
		readlink -f "$f"
		return 0
	fi
	[ "$depth" -lt 3 ] || return 1
	for tok in $(sed -n 's/.*\(INPUT\|GROUP\)[[:space:]]*(\(.*\)).*/\2/p' "$f" | tr -d '()'); do
		case "$tok" in
		-l*) resolve "lib${tok#-l}.so" $((depth + 1)) ;;
		AS_NEEDED) ;;
		*) resolve "$tok" $((depth + 1)) ;;
		esac
	done
}

# global symbols the library defines (T, D, B, R, W, V, i...), one a line
exports() {
	local so
	for so in "$@"; do
		nm -D --defined-only "$so" 2> /dev/null
	done | awk 'NF >= 3 && $2 != "U" { sub(/@.*/, "", $3); print $3 }' | LC_ALL=C sort -u
}

nm -A -g --defined-only "$LIBA" 2> /dev/null |
    awk 'NF >= 3 && $2 != "U" {
	# "ARCHIVE:OBJECT:ADDRESS TYPE NAME"
	obj = $1; sub(/:[0-9a-fA-F]*$/, "", obj); sub(/^.*\.a:/, "", obj)
	print $3, obj
    }' |
    LC_ALL=C sort -u > "$T_TMPDIR/ours"
n="$(wc -l < "$T_TMPDIR/ours")"
if [ "$n" -gt 0 ]; then
	t_ok "$n global symbols in libpostern.a"
else
	t_fail "libpostern.a has global symbols (nm -g found none)"
fi
cut -d' ' -f1 "$T_TMPDIR/ours" | LC_ALL=C sort -u > "$T_TMPDIR/our-names"

for lib in etpan ncursesw ssl crypto gpgme sqlite3; do
	sos="$(resolve "lib$lib.so")"
	if [ -z "$sos" ]; then
		t_fail "lib$lib.so found (install its -dev package: tools/install-deps)"
		continue
	fi
	# shellcheck disable=SC2086
	exports $sos > "$T_TMPDIR/theirs"
	if [ ! -s "$T_TMPDIR/theirs" ]; then
		t_fail "lib$lib exports symbols (nm -D on $(echo $sos))"
		continue
	fi
	clashes="$(LC_ALL=C comm -12 "$T_TMPDIR/our-names" "$T_TMPDIR/theirs")"
	if [ -z "$clashes" ]; then
		t_ok "no global symbol of libpostern.a is exported by lib$lib"
		continue
	fi
	for s in $clashes; do
		objs="$(awk -v s="$s" '$1 == s { printf "%s%s", sep, $2; sep = ", " }' "$T_TMPDIR/ours")"
		t_fail "$s ($objs) is also exported by lib$lib; make it static or rename it"
	done
done
t_done
