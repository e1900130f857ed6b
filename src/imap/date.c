/* src/imap/date.c: RFC 5322 dates, as found in the Date: header. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "imap/imap.h"
#include "imap/internal.h"

#define DATE_MAX_COMMENT_DEPTH	16	/* nested comments we skip */
#define DATE_WORD_MAX		16	/* letters of a name we keep */

#define DATE_IS_DIGIT(c)	((c) >= '0' && (c) <= '9')
#define DATE_IS_ALPHA(c)	(((c) >= 'a' && (c) <= 'z') || \
				    ((c) >= 'A' && (c) <= 'Z'))

/* Named zones: RFC 5322 section 4.3 plus UTC, in minutes east of UTC. */
static const struct {
	const char	*name;
	int		 offset;
} date_zones[] = {
	{ "UT", 0 }, { "UTC", 0 }, { "GMT", 0 }, { "Z", 0 },
	{ "EST", -5 * 60 }, { "EDT", -4 * 60 },
	{ "CST", -6 * 60 }, { "CDT", -5 * 60 },
	{ "MST", -7 * 60 }, { "MDT", -6 * 60 },
	{ "PST", -8 * 60 }, { "PDT", -7 * 60 },
};

static const char *date_months[] = {
	"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec",
};

static const char *date_days[] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun",
};

static char
date_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Skips white space and (nested, bounded) comments. */
static void
date_skip_cfws(const char **pp)
{
	const char	*p = *pp;
	int		 depth;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p != '(')
			break;
		depth = 0;
		while (*p != '\0') {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '(' && ++depth > DATE_MAX_COMMENT_DEPTH)
				goto out;
			else if (*p == ')' && --depth == 0) {
				p++;
				break;
			}
			p++;
		}
	}
out:
	*pp = p;
}

/* Reads 1 to max digits; returns how many, 0 if none or too many. */
static int
date_read_number(const char **pp, int max, int *vp)
{
	const char	*p = *pp;
	int		 n = 0, v = 0;

	while (DATE_IS_DIGIT(*p)) {
		if (++n > max)
			return 0;
		v = v * 10 + (*p - '0');
		p++;
	}
	if (n > 0) {
		*vp = v;
		*pp = p;
	}
	return n;
}

/* Reads a run of letters, lower-cased into word (cut to fit). */
static size_t
date_read_word(const char **pp, char *word, size_t size)
{
	const char	*p = *pp;
	size_t		 n = 0;

	while (DATE_IS_ALPHA(*p)) {
		if (n + 1 < size)
			word[n] = date_lower(*p);
		n++;
		p++;
	}
	word[n + 1 < size ? n : size - 1] = '\0';
	*pp = p;
	return n;
}

/* Finds word (at least 3 letters) by its first three in names; -1 if not. */
static int
date_find_name(const char *word, const char **names, size_t n)
{
	size_t	 i;

	if (strlen(word) < 3)
		return -1;
	for (i = 0; i < n; i++) {
		if (strncmp(word, names[i], 3) == 0)
			return (int)i;
	}
	return -1;
}

/* Skips an optional day name and its comma. */
static void
date_skip_day_name(const char **pp)
{
	const char	*p = *pp;
	char		 word[DATE_WORD_MAX];

	date_skip_cfws(&p);
	if (!DATE_IS_ALPHA(*p))
		return;
	date_read_word(&p, word, sizeof word);
	if (date_find_name(word, date_days, 7) == -1)
		return;
	date_skip_cfws(&p);
	if (*p == ',')
		p++;
	*pp = p;
}

/* Reads "day month year"; '-' between them is allowed (IMAP style). */
static int
date_read_date(const char **pp, int *dayp, int *monp, int *yearp)
{
	const char	*p = *pp;
	char		 word[DATE_WORD_MAX];
	int		 n;

	date_skip_cfws(&p);
	if (date_read_number(&p, 2, dayp) == 0)
		return -1;
	date_skip_cfws(&p);
	if (*p == '-')
		p++;
	date_skip_cfws(&p);
	date_read_word(&p, word, sizeof word);
	if ((*monp = date_find_name(word, date_months, 12)) == -1)
		return -1;
	date_skip_cfws(&p);
	if (*p == '-')
		p++;
	date_skip_cfws(&p);
	if ((n = date_read_number(&p, 4, yearp)) == 0)
		return -1;
	/* RFC 5322 section 4.3: obsolete two- and three-digit years. */
	if (n == 2)
		*yearp += *yearp < 50 ? 2000 : 1900;
	else if (n == 3)
		*yearp += 1900;
	*pp = p;
	return 0;
}

/* Reads "hh:mm[:ss]"; white space and comments around ':' are obsolete. */
static int
date_read_time(const char **pp, int *hourp, int *minp, int *secp)
{
	const char	*p = *pp;

	date_skip_cfws(&p);
	if (date_read_number(&p, 2, hourp) == 0)
		return -1;
	date_skip_cfws(&p);
	if (*p++ != ':')
		return -1;
	date_skip_cfws(&p);
	if (date_read_number(&p, 2, minp) == 0)
		return -1;
	*secp = 0;
	date_skip_cfws(&p);
	if (*p == ':') {
		p++;
		date_skip_cfws(&p);
		if (date_read_number(&p, 2, secp) == 0)
			return -1;
	}
	*pp = p;
	return 0;
}

/* Reads "+hhmm" or "-hhmm" into minutes east of UTC. */
static int
date_read_numeric_zone(const char **pp, int *zonep)
{
	const char	*p = *pp;
	int		 sign, v, i;

	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	for (v = 0, i = 0; i < 4; i++, p++) {
		if (!DATE_IS_DIGIT(*p))
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (DATE_IS_DIGIT(*p) || v / 100 > 23 || v % 100 > 59)
		return -1;
	*zonep = sign * (v / 100 * 60 + v % 100);
	*pp = p;
	return 0;
}

/*
 * Reads the zone. A missing or unknown zone counts as UTC, and so do the
 * military letters (RFC 5322 section 4.3: their sign was defined wrong).
 * "GMT+0200" takes the number.
 */
static void
date_read_zone(const char **pp, int *zonep)
{
	const char	*p = *pp;
	char		 word[DATE_WORD_MAX];
	size_t		 i, n;

	*zonep = 0;
	date_skip_cfws(&p);
	if (date_read_numeric_zone(&p, zonep) == 0)
		goto out;
	if ((n = date_read_word(&p, word, sizeof word)) == 0)
		goto out;
	for (i = 0; i < sizeof date_zones / sizeof date_zones[0]; i++) {
		if (strcasecmp(word, date_zones[i].name) == 0) {
			*zonep = date_zones[i].offset;
			break;
		}
	}
	(void)date_read_numeric_zone(&p, zonep);
out:
	*pp = p;
}

static int
date_days_in_month(int year, int mon)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};
	int	 leap;

	leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return days[mon] + (mon == 1 && leap);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (mon 0-11). */
static int64_t
date_days_from_civil(int year, int mon, int day)
{
	int64_t	 y = year, era, yoe, doy, doe;
	int	 m = mon + 1;

	/* Count years from March so that the leap day ends a year. */
	if (m <= 2)
		y--;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
imapc_time_from_parts(const struct imapc_time_parts *t, time_t *tp)
{
	int64_t	 v;

	if (t->year < 1900 || t->year > 9999 || t->mon < 0 || t->mon > 11 ||
	    t->day < 1 || t->day > date_days_in_month(t->year, t->mon) ||
	    t->hour < 0 || t->hour > 23 || t->min < 0 || t->min > 59 ||
	    t->sec < 0 || t->sec > 60 || t->zone < -24 * 60 ||
	    t->zone > 24 * 60)
		return -1;
	v = date_days_from_civil(t->year, t->mon, t->day) * 86400 +
	    t->hour * 3600 + t->min * 60 + t->sec - (int64_t)t->zone * 60;
	*tp = (time_t)v;
	return 0;
}

int
imapc_date_parse(const char *s, time_t *tp)
{
	struct imapc_time_parts	 t;
	const char		*p = s;

	if (s == NULL)
		return -1;
	date_skip_day_name(&p);
	if (date_read_date(&p, &t.day, &t.mon, &t.year) == -1 ||
	    date_read_time(&p, &t.hour, &t.min, &t.sec) == -1)
		return -1;
	date_read_zone(&p, &t.zone);
	return imapc_time_from_parts(&t, tp);
}
