/* src/model/journal.c: operations made offline, kept until replayed. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fs.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "core/xmalloc.h"
#include "model/journal.h"

struct journal {
	char			*path;
	int			 fd;
	uint64_t		 next_seq;
	struct journal_op	*ops;		/* pending, oldest first */
	size_t			 nops;
};

void
journal_op_clear(struct journal_op *op)
{
	free(op->folder);
	free(op->dest);
	free(op->uids);
	memset(op, 0, sizeof *op);
}

char *
journal_path(const char *account_id)
{
	char	*sub, *path;

	sub = xasprintf("postern/%s/pending", account_id);
	path = fs_xdg_path("XDG_DATA_HOME", ".local/share", sub);
	free(sub);
	return path;
}

/* A wire name as hex, so that no byte of it can break the line. */
static void
journal_hex(struct sbuf *b, const char *s)
{
	static const char	 digits[] = "0123456789abcdef";

	if (s == NULL || *s == '\0') {
		sbuf_addch(b, '-');
		return;
	}
	for (; *s != '\0'; s++) {
		sbuf_addch(b, digits[(unsigned char)*s >> 4]);
		sbuf_addch(b, digits[(unsigned char)*s & 15]);
	}
}

static int
journal_unhex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decodes a hex word; NULL for "-" or a bad word (*bad set). */
static char *
journal_unhex(const char *s, int *bad)
{
	size_t	 len = strlen(s), i;
	char	*out;
	int	 hi, lo;

	if (strcmp(s, "-") == 0)
		return NULL;
	if (len == 0 || len % 2 != 0) {
		*bad = 1;
		return NULL;
	}
	out = xmalloc(len / 2 + 1);
	for (i = 0; i < len / 2; i++) {
		hi = journal_unhex_digit(s[2 * i]);
		lo = journal_unhex_digit(s[2 * i + 1]);
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			free(out);
			*bad = 1;
			return NULL;
		}
		out[i] = (char)(hi << 4 | lo);
	}
	out[len / 2] = '\0';
	return out;
}

/* Parses "1,2,5" into op->uids. */
static int
journal_parse_uids(const char *s, struct journal_op *op)
{
	const char	*p = s;
	char		*end;
	unsigned long	 v;
	size_t		 alloc = 0;

	while (*p != '\0') {
		errno = 0;
		v = strtoul(p, &end, 10);
		if (end == p || errno != 0 || v == 0 || v > UINT32_MAX ||
		    (*end != ',' && *end != '\0') ||
		    op->nuids >= JOURNAL_MAX_UIDS)
			return -1;
		if (op->nuids == alloc) {
			alloc = alloc > 0 ? alloc * 2 : 16;
			op->uids = xreallocarray(op->uids, alloc,
			    sizeof *op->uids);
		}
		op->uids[op->nuids++] = (uint32_t)v;
		p = *end == ',' ? end + 1 : end;
	}
	return op->nuids > 0 ? 0 : -1;
}

/* "op SEQ KIND ADD REMOVE MOVE FOLDER DEST UIDS"; -1 if bad. */
static int
journal_parse_op(char *line, struct journal_op *op)
{
	char			*f[9], *save = NULL, *t;
	unsigned long long	 seq;
	unsigned		 kind, add, rem, move;
	int			 n = 0, bad = 0;

	memset(op, 0, sizeof *op);
	for (t = strtok_r(line, " ", &save); t != NULL && n < 9;
	    t = strtok_r(NULL, " ", &save))
		f[n++] = t;
	if (n != 9 || t != NULL || strcmp(f[0], "op") != 0 ||
	    sscanf(f[1], "%llu", &seq) != 1 ||
	    sscanf(f[2], "%u", &kind) != 1 || sscanf(f[3], "%u", &add) != 1 ||
	    sscanf(f[4], "%u", &rem) != 1 || sscanf(f[5], "%u", &move) != 1 ||
	    kind < JOURNAL_FLAGS || kind > JOURNAL_DELETE)
		return -1;
	op->seq = seq;
	op->kind = (enum journal_kind)kind;
	op->add = add;
	op->remove = rem;
	op->move = move != 0;
	op->folder = journal_unhex(f[6], &bad);
	op->dest = journal_unhex(f[7], &bad);
	if (bad || op->folder == NULL || journal_parse_uids(f[8], op) == -1 ||
	    (op->kind == JOURNAL_COPY && op->dest == NULL)) {
		journal_op_clear(op);
		return -1;
	}
	return 0;
}

static void
journal_forget(struct journal *j, uint64_t seq)
{
	size_t	 i;

	for (i = 0; i < j->nops; i++) {
		if (j->ops[i].seq != seq)
			continue;
		journal_op_clear(&j->ops[i]);
		memmove(&j->ops[i], &j->ops[i + 1],
		    (j->nops - i - 1) * sizeof *j->ops);
		j->nops--;
		return;
	}
}

/* Reads the pending operations: each "op" without its "done". */
static int
journal_load(struct journal *j, struct error *err)
{
	struct sbuf		 text;
	struct journal_op	 op;
	unsigned long long	 seq;
	char			*line, *nl;
	int			 lineno = 0;

	sbuf_init(&text);
	if (fs_read_file(j->path, JOURNAL_MAX_BYTES, &text, err) == -1) {
		sbuf_release(&text);
		if (err != NULL && err->sys_errno == ENOENT) {
			error_clear(err);
			return 0;
		}
		return -1;
	}
	sbuf_addch(&text, '\0');
	for (line = text.buf; *line != '\0'; line = nl + 1) {
		lineno++;
		if ((nl = strchr(line, '\n')) == NULL)
			break;	/* a torn last line: never made durable */
		*nl = '\0';
		if (sscanf(line, "done %llu", &seq) == 1) {
			journal_forget(j, seq);
			continue;
		}
		if (journal_parse_op(line, &op) == -1) {
			log_warn("%s:%d: bad line skipped", j->path, lineno);
			continue;
		}
		if (op.seq >= j->next_seq)
			j->next_seq = op.seq + 1;
		j->ops = xreallocarray(j->ops, j->nops + 1, sizeof *j->ops);
		j->ops[j->nops++] = op;
	}
	sbuf_release(&text);
	return 0;
}

struct journal *
journal_open(const char *path, struct error *err)
{
	struct journal	*j;

	if (fs_mkdir_parents(path, 0700, err) == -1)
		return NULL;
	j = xcalloc(1, sizeof *j);
	j->path = xstrdup(path);
	j->next_seq = 1;
	j->fd = -1;
	if (journal_load(j, err) == -1) {
		journal_close(j);
		return NULL;
	}
	if ((j->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) == -1) {
		error_set_errno(err, ERROR_SYS, "%s", path);
		journal_close(j);
		return NULL;
	}
	return j;
}

void
journal_close(struct journal *j)
{
	size_t	 i;

	if (j == NULL)
		return;
	for (i = 0; i < j->nops; i++)
		journal_op_clear(&j->ops[i]);
	free(j->ops);
	if (j->fd != -1)
		close(j->fd);
	free(j->path);
	free(j);
}

/* Appends a whole line and makes it durable. */
static int
journal_write(struct journal *j, const struct sbuf *b, struct error *err)
{
	size_t	 off = 0;
	ssize_t	 w;

	while (off < b->len) {
		w = write(j->fd, b->buf + off, b->len - off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return error_set_errno(err, ERROR_SYS, "%s", j->path);
		off += (size_t)w;
	}
	if (fsync(j->fd) == -1)
		return error_set_errno(err, ERROR_SYS, "%s", j->path);
	return 0;
}

int
journal_add(struct journal *j, struct journal_op *op, struct error *err)
{
	struct journal_op	*copy;
	struct sbuf		 b;
	size_t			 i;
	int			 r;

	if (op->nuids == 0 || op->nuids > JOURNAL_MAX_UIDS)
		return error_set(err, ERROR_INPUT, "bad operation");
	op->seq = j->next_seq++;
	sbuf_init(&b);
	sbuf_addf(&b, "op %" PRIu64 " %u %u %u %u ", op->seq,
	    (unsigned)op->kind, (unsigned)op->add, (unsigned)op->remove,
	    op->move ? 1U : 0U);
	journal_hex(&b, op->folder);
	sbuf_addch(&b, ' ');
	journal_hex(&b, op->dest);
	sbuf_addch(&b, ' ');
	for (i = 0; i < op->nuids; i++)
		sbuf_addf(&b, "%s%u", i > 0 ? "," : "", (unsigned)op->uids[i]);
	sbuf_addch(&b, '\n');
	r = journal_write(j, &b, err);
	sbuf_release(&b);
	if (r == -1)
		return -1;
	j->ops = xreallocarray(j->ops, j->nops + 1, sizeof *j->ops);
	copy = &j->ops[j->nops++];
	*copy = *op;
	copy->folder = op->folder != NULL ? xstrdup(op->folder) : NULL;
	copy->dest = op->dest != NULL ? xstrdup(op->dest) : NULL;
	copy->uids = xreallocarray(NULL, op->nuids, sizeof *copy->uids);
	memcpy(copy->uids, op->uids, op->nuids * sizeof *copy->uids);
	return 0;
}

size_t
journal_pending(struct journal *j, struct journal_op **opsp)
{
	*opsp = j->ops;
	return j->nops;
}

int
journal_done(struct journal *j, uint64_t seq, struct error *err)
{
	struct sbuf	 b;
	int		 r;

	sbuf_init(&b);
	sbuf_addf(&b, "done %" PRIu64 "\n", seq);
	r = journal_write(j, &b, err);
	sbuf_release(&b);
	if (r == -1)
		return -1;
	journal_forget(j, seq);
	/* Nothing left: start the file afresh (every line in it is done). */
	if (j->nops == 0 && ftruncate(j->fd, 0) == 0)
		(void)fsync(j->fd);
	return 0;
}
