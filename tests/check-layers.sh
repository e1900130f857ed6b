#!/bin/bash
# Checks the module layering of src/ from its #include lines:
#  - curses headers are included only in src/ui/;
#  - a module's internal.h is included only by that module's files;
#  - a module includes public headers only of its own or a lower layer:
#	core < config < net, mime < store < model, addr < imap, pop3, smtp, crypto
#	< wizard < ui < main.c
#    (modules on one layer do not include each other).
# Prints ok / not ok lines; needs TOP_SRCDIR (default: this file's tree).
. "${TOP_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"

declare -A LAYER=(
	[core]=0 [config]=1 [net]=2 [mime]=2 [store]=3 [model]=4 [addr]=4
	[imap]=5 [pop3]=5 [smtp]=5 [crypto]=5 [wizard]=6 [ui]=7 [main]=8
)

cd "$TOP_SRCDIR" || t_skip "no source tree at $TOP_SRCDIR"
files=()
while IFS= read -r f; do
	files+=("$f")
done < <(find src -type f \( -name '*.c' -o -name '*.h' \) | LC_ALL=C sort)
if [ "${#files[@]}" = 0 ]; then
	t_fail "src/ has C sources"
	t_done
fi
t_ok "${#files[@]} files under src/"

# module_of PATH: src/ui/x.c -> ui, src/main.c -> main
module_of() {
	local rest="${1#src/}"
	case "$rest" in
	*/*) printf '%s\n' "${rest%%/*}" ;;
	*) printf 'main\n' ;;
	esac
}

bad_curses=0
bad_internal=0
bad_layer=0
bad_module=0
declare -A seen_unknown=()
for f in "${files[@]}"; do
	mod="$(module_of "$f")"
	if [ -z "${LAYER[$mod]:-}" ]; then
		if [ -z "${seen_unknown[$mod]:-}" ]; then
			t_fail "src/$mod is not a known module (add it to the layers in tests/check-layers.sh)"
			seen_unknown[$mod]=1
			bad_module=1
		fi
		continue
	fi
	# "#  include <x>" / "#include "x"" with optional spaces
	while IFS=: read -r line kind path; do
		case "$kind" in
		sys)
			case "$path" in
			curses.h|ncurses.h|ncursesw/*|ncurses/*|term.h|panel.h|menu.h|form.h|termcap.h)
				if [ "$mod" != ui ]; then
					t_fail "$f:$line includes <$path> (curses only in src/ui/)"
					bad_curses=1
				fi ;;
			esac ;;
		quote)
			# normalise "../x/y.h" and "./y.h"
			p="$path"
			while :; do
				case "$p" in
				../*) p="${p#../}" ;;
				./*) p="${p#./}" ;;
				*) break ;;
				esac
			done
			case "$p" in
			*/*) target="${p%%/*}" ;;
			*) continue ;;		# same directory (or the build's config.h)
			esac
			case "$p" in
			*/internal.h)
				if [ "$target" != "$mod" ]; then
					t_fail "$f:$line includes \"$path\" (another module's internal.h)"
					bad_internal=1
				fi
				continue ;;
			esac
			[ "$target" = "$mod" ] && continue
			if [ -z "${LAYER[$target]:-}" ]; then
				t_fail "$f:$line includes \"$path\" from unknown module $target"
				bad_layer=1
			elif [ "${LAYER[$target]}" -ge "${LAYER[$mod]}" ]; then
				t_fail "$f:$line: $mod (layer ${LAYER[$mod]}) includes \"$path\" of $target (layer ${LAYER[$target]})"
				bad_layer=1
			fi ;;
		esac
	done < <(sed -n -E \
	    -e 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*<([^>]+)>.*/\1/;t sys' \
	    -e 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]+)".*/\1/;t quote' \
	    -e 'd' \
	    -e ':sys' -e '=' -e 's/^/sys:/p' -e 'd' \
	    -e ':quote' -e '=' -e 's/^/quote:/p' "$f" | paste -d: - -)
done

[ "$bad_curses" = 0 ] && t_ok "curses headers only in src/ui/"
[ "$bad_internal" = 0 ] && t_ok "no file includes another module's internal.h"
[ "$bad_layer" = 0 ] && t_ok "modules include public headers of their own or lower layers only"
[ "$bad_module" = 0 ] && t_ok "every directory under src/ is a known module"
t_done
