/*
 * tests/fuzz/fuzz_mime.c: libFuzzer entry for the mime module; not part
 * of make check. Build it by hand in a configured tree, e.g.:
 *
 *   m=src/mime; c=src/core
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *	-I. -Isrc tests/fuzz/fuzz_mime.c $m/charset.c $m/decode.c \
 *	$m/field.c $m/html.c $m/prescan.c $m/render.c $c/error.c \
 *	$c/sanitize.c $c/sbuf.c $c/xmalloc.c -letpan -o fuzz_mime
 *   ./fuzz_mime -max_len=65536 -timeout=10 CORPUS tests/data/mime
 *
 * The first input byte picks what is fuzzed, the rest is the input.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/sbuf.h"
#include "mime/mime.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Charsets worth feeding bytes to: ours, iconv's, unknown, hostile. */
static const char *const fuzz_charsets[] = {
	NULL, "utf-8", "us-ascii", "iso-8859-1", "windows-1252", "koi8-r",
	"iso-2022-jp", "gb2312", "utf-16", "utf-7", "x-unknown", "utf-8//x",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sbuf	 out;
	struct error	 err;
	const char	*s = (const char *)data + 1;
	char		*h;
	size_t		 n;

	if (size == 0)
		return 0;
	n = size - 1;
	sbuf_init(&out);
	switch (data[0] % 4) {
	case 0:
		h = mime_decode_header(s, n);
		free(h);
		break;
	case 1:
		mime_charset_to_utf8(fuzz_charsets[data[0] / 4 %
		    (sizeof fuzz_charsets / sizeof fuzz_charsets[0])], s, n,
		    &out);
		break;
	default:
		mime_render(s, n, data[0] % 4 == 3 ? MIME_RENDER_ALL_HEADERS :
		    0, &out, &err);
		break;
	}
	sbuf_release(&out);
	return 0;
}
