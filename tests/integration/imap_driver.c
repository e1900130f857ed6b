/*
 * tests/integration/imap_driver.c: drives imap_backend_ops against a real
 * server for tests/integration/imap.sh and for measurements.
 *
 *	imap_driver [-cq] [-p password] config command [args]
 *
 * Commands: login; folders; select FOLDER; summaries FOLDER; body FOLDER
 * UID FILE; cancel FOLDER. The account is the first one in config; -p
 * replaces its password command (which runs while login connects), -q
 * prints no summaries, -c accepts fewer summaries than messages (a
 * server that breaks the rules). A failure prints "error KIND: message"
 * and exits 1; a broken contract prints "violation: ..." and exits 2.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "core/error.h"
#include "core/sbuf.h"
#include "imap/imap.h"
#include "model/backend.h"
#include "net/net.h"

#define DRIVER_MAX_FIRST_CHUNK	500

struct driver {
	const struct account	*acct;
	const char		*password;	/* -p */
	struct config_password_pending *pending;
	struct net_watchdog	*wd;
	struct backend		*b;
	int			 quiet;
	int			 any_count;
	/* What fetch_summaries told us. */
	size_t			 count;
	size_t			 chunks;
	size_t			 first_chunk;
	double			 first_ms;
	uint32_t		 last_uid;
	uint32_t		 last_done;
	uint32_t		 total;
	uint32_t		 first_uid;
	int			 violation;
	int			 cancel;
};

static double	 driver_t0;

static double
driver_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6 - driver_t0;
}

static int
driver_fail(const struct error *err)
{
	printf("error %s: %s\n", error_kind_name(err->kind), err->msg);
	return 1;
}

static int
driver_violation(struct driver *d, const char *what)
{
	printf("violation: %s\n", what);
	d->violation = 1;
	return -1;
}

static int
driver_open(struct driver *d, struct error *err)
{
	d->wd = net_watchdog_new();
	d->b = imap_backend_ops.open(d->acct, d->pending, d->wd, err);
	return d->b == NULL ? -1 : 0;
}

static int
driver_login(struct driver *d)
{
	struct error	 err = { 0 };

	if (driver_open(d, &err) == -1)
		return driver_fail(&err);
	printf("logged in\n");
	return 0;
}

static int
driver_folders(struct driver *d)
{
	struct error		 err = { 0 };
	struct folder_info	*v;
	size_t			 n, i;

	if (driver_open(d, &err) == -1 ||
	    imap_backend_ops.list_folders(d->b, &v, &n, &err) == -1)
		return driver_fail(&err);
	for (i = 0; i < n; i++) {
		printf("%s\t%s\t%c\t%d\t%ld\t%ld\n", v[i].name, v[i].wire_name,
		    v[i].delimiter != 0 ? v[i].delimiter : '-', v[i].selectable,
		    v[i].total == FOLDER_COUNT_UNKNOWN ? -1L : (long)v[i].total,
		    v[i].unseen == FOLDER_COUNT_UNKNOWN ? -1L :
		    (long)v[i].unseen);
		free(v[i].name);
		free(v[i].wire_name);
	}
	free(v);
	fprintf(stderr, "folders=%zu ms=%.1f\n", n, driver_ms());
	return 0;
}

static int
driver_select(struct driver *d, const char *folder)
{
	struct error	 err = { 0 };
	uint32_t	 exists;

	if (driver_open(d, &err) == -1 ||
	    imap_backend_ops.select(d->b, folder, &exists, &err) == -1)
		return driver_fail(&err);
	printf("exists=%u\n", (unsigned)exists);
	return 0;
}

/* Checks the contract on every chunk, prints the summaries. */
static int
driver_summary_cb(struct summary *v, size_t n, uint32_t done, uint32_t total,
    void *arg)
{
	struct driver	*d = arg;
	size_t		 i;

	if (d->chunks++ == 0) {
		d->first_chunk = n;
		d->first_ms = driver_ms();
		d->first_uid = n > 0 ? v[0].uid : 0;
		if (n > DRIVER_MAX_FIRST_CHUNK)
			return driver_violation(d, "first chunk too large");
	}
	if (n == 0)
		return driver_violation(d, "empty chunk");
	if (total != d->total || done <= d->last_done || done > total)
		return driver_violation(d, "done/total not rising to total");
	d->last_done = done;
	for (i = 0; i < n; i++) {
		if (d->count > 0 && v[i].uid >= d->last_uid)
			return driver_violation(d, "UIDs not strictly falling");
		if (v[i].subject == NULL || v[i].from == NULL)
			return driver_violation(d, "NULL subject or from");
		d->last_uid = v[i].uid;
		d->count++;
		if (!d->quiet)
			printf("%u\t%u\t%u\t%lld\t%s\t%s\n", (unsigned)v[i].uid,
			    (unsigned)v[i].flags, (unsigned)v[i].size,
			    (long long)v[i].date, v[i].from, v[i].subject);
	}
	/* Take one string, as a caller may: the backend must not free it. */
	free(v[0].subject);
	v[0].subject = NULL;
	return d->cancel ? -1 : 0;
}

static int
driver_summaries(struct driver *d, const char *folder)
{
	struct error	 err = { 0 };
	double		 t_sel;
	uint32_t	 exists;

	if (driver_open(d, &err) == -1 ||
	    imap_backend_ops.select(d->b, folder, &exists, &err) == -1)
		return driver_fail(&err);
	t_sel = driver_ms();
	d->total = exists;
	if (imap_backend_ops.fetch_summaries(d->b, driver_summary_cb, d,
	    &err) == -1)
		return d->violation ? 2 : driver_fail(&err);
	fprintf(stderr, "exists=%u count=%zu chunks=%zu first_chunk=%zu "
	    "first_ms=%.1f fetch_ms=%.1f total_ms=%.1f\n", (unsigned)exists,
	    d->count, d->chunks, d->first_chunk, d->first_ms - t_sel,
	    driver_ms() - t_sel, driver_ms());
	if (d->count != exists && !d->any_count) {
		driver_violation(d, "count differs from exists");
		return 2;
	}
	return 0;
}

static int
driver_body(struct driver *d, const char *folder, const char *uid,
    const char *path)
{
	struct error	 err = { 0 };
	struct sbuf	 body;
	uint32_t	 exists;
	FILE		*f;
	int		 ret;

	sbuf_init(&body);
	if (driver_open(d, &err) == -1 ||
	    imap_backend_ops.select(d->b, folder, &exists, &err) == -1 ||
	    imap_backend_ops.fetch_body(d->b, (uint32_t)strtoul(uid, NULL, 10),
	    &body, &err) == -1) {
		sbuf_release(&body);
		return driver_fail(&err);
	}
	if ((f = fopen(path, "wb")) == NULL) {
		perror(path);
		sbuf_release(&body);
		return 1;
	}
	ret = fwrite(body.buf, 1, body.len, f) == body.len ? 0 : 1;
	if (fclose(f) != 0)
		ret = 1;
	printf("bytes=%zu\n", body.len);
	sbuf_release(&body);
	return ret;
}

/*
 * The callback cancels at once: fetch_summaries must fail with
 * ERROR_CANCELLED after one chunk, and the session must still work.
 */
static int
driver_cancel(struct driver *d, const char *folder)
{
	struct error	 err = { 0 };
	struct sbuf	 body;
	uint32_t	 exists;
	int		 r;

	d->cancel = 1;
	d->quiet = 1;
	if (driver_open(d, &err) == -1 ||
	    imap_backend_ops.select(d->b, folder, &exists, &err) == -1)
		return driver_fail(&err);
	d->total = exists;
	r = imap_backend_ops.fetch_summaries(d->b, driver_summary_cb, d, &err);
	if (r != -1 || err.kind != ERROR_CANCELLED || d->chunks != 1) {
		printf("violation: r=%d kind=%s chunks=%zu\n", r,
		    error_kind_name(err.kind), d->chunks);
		return 2;
	}
	sbuf_init(&body);
	error_clear(&err);
	r = imap_backend_ops.fetch_body(d->b, d->first_uid, &body, &err);
	sbuf_release(&body);
	if (r == -1)
		return driver_fail(&err);
	printf("cancelled after %zu summaries; session still works\n",
	    d->count);
	return 0;
}

static int
driver_run(struct driver *d, int argc, char **argv)
{
	const char	*cmd = argv[0];

	if (strcmp(cmd, "login") == 0 && argc == 1)
		return driver_login(d);
	if (strcmp(cmd, "folders") == 0 && argc == 1)
		return driver_folders(d);
	if (strcmp(cmd, "select") == 0 && argc == 2)
		return driver_select(d, argv[1]);
	if (strcmp(cmd, "summaries") == 0 && argc == 2)
		return driver_summaries(d, argv[1]);
	if (strcmp(cmd, "body") == 0 && argc == 4)
		return driver_body(d, argv[1], argv[2], argv[3]);
	if (strcmp(cmd, "cancel") == 0 && argc == 2)
		return driver_cancel(d, argv[1]);
	fprintf(stderr, "imap_driver: bad command\n");
	return 64;
}

int
main(int argc, char **argv)
{
	struct driver	 d;
	struct config	*cfg;
	struct error	 err = { 0 };
	int		 ch, ret;

	memset(&d, 0, sizeof d);
	driver_t0 = driver_ms();
	while ((ch = getopt(argc, argv, "cp:q")) != -1) {
		switch (ch) {
		case 'c':
			d.any_count = 1;
			break;
		case 'p':
			d.password = optarg;
			break;
		case 'q':
			d.quiet = 1;
			break;
		default:
			return 64;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2) {
		fprintf(stderr, "usage: imap_driver [-cq] [-p password] config "
		    "command [args]\n");
		return 64;
	}
	if ((cfg = config_load(argv[0], &err)) == NULL ||
	    (d.acct = config_find_account(cfg, NULL)) == NULL) {
		fprintf(stderr, "imap_driver: %s\n", cfg == NULL ? err.msg :
		    "no account");
		config_free(cfg);
		return 64;
	}
	/* The password command runs while open connects. */
	d.pending = d.password != NULL ? config_password_known(d.password) :
	    config_password_start(d.acct);
	ret = driver_run(&d, argc - 1, argv + 1);
	if (d.b != NULL)
		imap_backend_ops.close(d.b);
	if (d.wd != NULL)
		net_watchdog_free(d.wd);
	config_password_pending_free(d.pending);
	config_free(cfg);
	return ret;
}
