/* tests/unit/test_imap.c: the IMAP backend's pure parts. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"

#include <libetpan/libetpan.h>

#include "imap/imap.h"
#include "imap/internal.h"
#include "model/model.h"

/* Decodes a C string; NULL means invalid. */
static char *
utf7(const char *s)
{
	return imapc_utf7_decode(s, strlen(s));
}

static void
assert_utf7(const char *in, const char *want)
{
	char	*got = utf7(in);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
test_imapc_utf7_decode_ascii(void **state)
{
	(void)state;
	assert_utf7("INBOX", "INBOX");
	assert_utf7("Lists/dev.team", "Lists/dev.team");
	assert_utf7("", "");
	assert_utf7("~peter/mail/a b", "~peter/mail/a b");
}

static void
test_imapc_utf7_decode_valid(void **state)
{
	(void)state;
	assert_utf7("&ANw-berblick", "\xc3\x9c" "berblick");
	assert_utf7("&ANw-bersicht &- Co", "\xc3\x9c" "bersicht & Co");
	assert_utf7("&ZeVnLIqe-", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
	/* Four units: the ',' digit stands for base64 '/'. */
	assert_utf7("&AP8A,gD,,,4-",
	    "\xc3\xbf\xc3\xbe\xc3\xbf\xef\xbf\xbe");
	/* Two runs in a row are not canonical but harmless. */
	assert_utf7("&ANw-&ANw-", "\xc3\x9c\xc3\x9c");
}

static void
test_imapc_utf7_decode_ampersand(void **state)
{
	(void)state;
	assert_utf7("&-", "&");
	assert_utf7("a&-b&-", "a&b&");
	assert_utf7("&-&ANw-", "&\xc3\x9c");
}

static void
test_imapc_utf7_decode_non_bmp(void **state)
{
	(void)state;
	assert_utf7("&2D3eAA-", "\xf0\x9f\x98\x80");	/* U+1F600 */
	assert_utf7("x&2D3eANg93gA-y",
	    "x\xf0\x9f\x98\x80\xf0\x9f\x98\x80y");
}

static void
test_imapc_utf7_decode_bad_surrogates(void **state)
{
	(void)state;
	assert_null(utf7("&2D0-"));		/* high alone */
	assert_null(utf7("&3gA-"));		/* low alone */
	assert_null(utf7("&3gDYPQ-"));		/* low, then high */
	assert_null(utf7("&2D0AQQ-"));		/* high, then 'A' */
	assert_null(utf7("&2D0-&3gA-"));	/* pair split across runs */
}

static void
test_imapc_utf7_decode_invalid_base64(void **state)
{
	(void)state;
	assert_null(utf7("&AN!-"));		/* not a base64 digit */
	assert_null(utf7("&AN/-"));		/* '/' is ',' here */
	assert_null(utf7("&ANx-"));		/* leftover bits not zero */
	assert_null(utf7("&ANwA-"));		/* a digit left over */
	assert_null(utf7("&A-"));		/* too short for a unit */
	assert_null(utf7("&AAA-"));		/* NUL */
	assert_null(utf7("&AN&-"));
}

static void
test_imapc_utf7_decode_unterminated(void **state)
{
	(void)state;
	assert_null(utf7("&ANw"));
	assert_null(utf7("abc&"));
	assert_null(utf7("&"));
}

static void
test_imapc_utf7_decode_raw_bytes(void **state)
{
	(void)state;
	assert_null(utf7("\xc3\x9c" "berblick"));	/* raw UTF-8 */
	assert_null(utf7("a\tb"));
	assert_null(utf7("a\x7f"));
	/* The length bounds the input: a NUL inside is refused. */
	assert_null(imapc_utf7_decode("ab\0cd", 5));
	assert_null(imapc_utf7_decode("&ANw-", 4));
}

/* Parses s and checks the result against want. */
static void
assert_date(const char *s, time_t want)
{
	time_t	 t = 12345;

	assert_int_equal(imapc_date_parse(s, &t), 0);
	assert_int_equal((long long)t, (long long)want);
}

static void
assert_bad_date(const char *s)
{
	time_t	 t = 12345;

	assert_int_equal(imapc_date_parse(s, &t), -1);
	assert_int_equal((long long)t, 12345);	/* untouched */
}

static void
test_imapc_date_parse_rfc5322(void **state)
{
	(void)state;
	assert_date("Tue, 3 Jun 2025 14:05:09 +0200", 1748952309);
	assert_date("Tue, 03 Jun 2025 14:05:09 +0200", 1748952309);
	assert_date("3 Jun 2025 14:05:09 +0200", 1748952309);
	assert_date("3 Jun 2025 14:05 -0000", 1748959500);
	assert_date("Tue, 3 Jun 2025 12:05:09 +0000", 1748952309);
	assert_date("Tue, 3 Jun 2025 06:05:09 -0600", 1748952309);
	assert_date("1 Jan 1970 00:00:00 +0000", 0);
	assert_date("1 Jan 1900 00:00:00 +0000", -2208988800LL);
	assert_date("31 Dec 9999 23:59:59 -2359", 253402387139LL);
	/* Leap day and leap second. */
	assert_date("Thu, 29 Feb 2024 23:59:60 +1400", 1709200800);
}

static void
test_imapc_date_parse_obsolete(void **state)
{
	(void)state;
	/* Two- and three-digit years (RFC 5322 section 4.3). */
	assert_date("Tue, 3 Jun 25 14:05:09 GMT", 1748959509);
	assert_date("3 Jun 99 14:05:09 EST", 928436709);
	assert_date("3 Jun 125 14:05:09 UT", 1748959509);
	/* Named zones. */
	assert_date("3 Jun 1999 19:05:09 UT", 928436709);
	assert_date("3 Jun 1999 19:05:09 UTC", 928436709);
	assert_date("3 Jun 1999 15:05:09 EDT", 928436709);
	assert_date("3 Jun 1999 13:05:09 CST", 928436709);
	assert_date("3 Jun 1999 14:05:09 CDT", 928436709);
	assert_date("3 Jun 1999 12:05:09 MST", 928436709);
	assert_date("3 Jun 1999 13:05:09 MDT", 928436709);
	assert_date("3 Jun 1999 11:05:09 PST", 928436709);
	assert_date("3 Jun 1999 12:05:09 pdt", 928436709);
	/* Military zones count as UTC; so do unknown names. */
	assert_date("3 Jun 1999 19:05:09 Z", 928436709);
	assert_date("3 Jun 1999 19:05:09 A", 928436709);
	assert_date("3 Jun 1999 19:05:09 CET", 928436709);
	assert_date("3 Jun 1999 19:05:09", 928436709);
	/* Comments, folding, white space around the colons. */
	assert_date("Tue, 3 Jun 2025 14:05:09 +0200 (CEST)", 1748952309);
	assert_date("(x) Tue (y), 3 (z) Jun 2025 14 : 05 : 09 +0200",
	    1748952309);
	assert_date("Tue,\r\n 3 Jun 2025\r\n\t14:05:09 +0200", 1748952309);
	assert_date("Tue, 3 Jun 2025 14:05:09 +0200 (a (nested) comment)",
	    1748952309);
}

static void
test_imapc_date_parse_lenient(void **state)
{
	(void)state;
	assert_date("tuesday, 3 june 2025 14:05:09 +0200", 1748952309);
	assert_date("Tue 3 Jun 2025 14:05:09 +0200", 1748952309);
	assert_date("3-Jun-2025 14:05:09 +0200", 1748952309);
	assert_date("3 JUN 2025 14:05:09 GMT+0200", 1748952309);
	/* Trailing junk after a whole date is ignored. */
	assert_date("3 Jun 2025 12:05:09 +0000 garbage", 1748952309);
}

static void
test_imapc_date_parse_garbage(void **state)
{
	char	 deep[200];

	(void)state;
	assert_bad_date("");
	assert_bad_date("garbage");
	assert_bad_date("Tue,");
	assert_bad_date("3 Jun 2025");
	assert_bad_date("3 Jun 2025 14");
	assert_bad_date("3 Jun 2025 14:");
	assert_bad_date("32 Jan 2025 10:00 +0000");
	assert_bad_date("0 Jan 2025 10:00 +0000");
	assert_bad_date("29 Feb 2023 10:00 +0000");
	assert_bad_date("31 Apr 2025 10:00 +0000");
	assert_bad_date("3 Foo 2025 10:00 +0000");
	assert_bad_date("3 Ju 2025 10:00 +0000");
	assert_bad_date("3 Jun 2025 24:00 +0000");
	assert_bad_date("3 Jun 2025 10:60 +0000");
	assert_bad_date("3 Jun 2025 10:00:61 +0000");
	assert_bad_date("003 Jun 2025 10:00 +0000");
	assert_bad_date("3 Jun 20250 10:00 +0000");
	assert_bad_date("3 Jun 1899 10:00 +0000");
	assert_bad_date("Jun 3 2025 10:00 +0000");
	assert_bad_date("2025-06-03T10:00:00Z");
	assert_int_equal(imapc_date_parse(NULL, &(time_t){ 0 }), -1);
	/* A comment nested too deep swallows the rest. */
	memset(deep, '(', sizeof deep - 1);
	deep[sizeof deep - 1] = '\0';
	assert_bad_date(deep);
}

static void
test_imapc_time_from_imap_zone(void **state)
{
	struct mailimap_date_time	 dt = { 3, 6, 2025, 14, 5, 9, 200 };
	time_t				 t;

	(void)state;
	assert_int_equal(imapc_time_from_imap(&dt, &t), 0);
	assert_int_equal((long long)t, 1748952309);
	dt.dt_zone = -530;
	dt.dt_hour = 6;
	dt.dt_min = 35;
	assert_int_equal(imapc_time_from_imap(&dt, &t), 0);
	assert_int_equal((long long)t, 1748952309);
	dt.dt_month = 13;
	assert_int_equal(imapc_time_from_imap(&dt, &t), -1);
	assert_int_equal(imapc_time_from_imap(NULL, &t), -1);
}

static void
test_imapc_flags_from_fetch_map(void **state)
{
	struct mailimap_flag		 f[7];
	struct mailimap_flag_fetch	 ff[8];
	struct mailimap_msg_att_dynamic	 dyn;
	size_t				 i;

	(void)state;
	memset(f, 0, sizeof f);
	f[0].fl_type = MAILIMAP_FLAG_SEEN;
	f[1].fl_type = MAILIMAP_FLAG_ANSWERED;
	f[2].fl_type = MAILIMAP_FLAG_FLAGGED;
	f[3].fl_type = MAILIMAP_FLAG_DELETED;
	f[4].fl_type = MAILIMAP_FLAG_DRAFT;
	f[5].fl_type = MAILIMAP_FLAG_KEYWORD;
	f[5].fl_data.fl_keyword = "$Forwarded";
	f[6].fl_type = MAILIMAP_FLAG_EXTENSION;
	f[6].fl_data.fl_extension = "Whatever";
	dyn.att_list = clist_new();
	for (i = 0; i < 7; i++) {
		ff[i].fl_type = MAILIMAP_FLAG_FETCH_OTHER;
		ff[i].fl_flag = &f[i];
	}
	ff[7].fl_type = MAILIMAP_FLAG_FETCH_RECENT;
	ff[7].fl_flag = NULL;

	assert_int_equal(imapc_flags_from_fetch(&dyn), 0);
	clist_append(dyn.att_list, &ff[0]);
	assert_int_equal(imapc_flags_from_fetch(&dyn), SUMMARY_SEEN);
	clist_append(dyn.att_list, &ff[5]);
	clist_append(dyn.att_list, &ff[6]);
	assert_int_equal(imapc_flags_from_fetch(&dyn), SUMMARY_SEEN);
	for (i = 1; i < 5; i++)
		clist_append(dyn.att_list, &ff[i]);
	clist_append(dyn.att_list, &ff[7]);
	assert_int_equal(imapc_flags_from_fetch(&dyn), SUMMARY_SEEN |
	    SUMMARY_ANSWERED | SUMMARY_FLAGGED | SUMMARY_DELETED |
	    SUMMARY_DRAFT | SUMMARY_RECENT);
	clist_free(dyn.att_list);

	assert_int_equal(imapc_flags_from_fetch(NULL), 0);
	dyn.att_list = NULL;
	assert_int_equal(imapc_flags_from_fetch(&dyn), 0);
}

static uint32_t
content_type(const char *s)
{
	return imapc_flags_from_content_type(s, strlen(s));
}

static void
test_imapc_flags_from_content_type_kinds(void **state)
{
	(void)state;
	assert_int_equal(content_type("Content-Type: multipart/mixed;\r\n"
	    " boundary=\"x\"\r\n\r\n"), SUMMARY_ATTACHMENT);
	assert_int_equal(content_type("content-type:Multipart/MIXED\r\n"),
	    SUMMARY_ATTACHMENT);
	assert_int_equal(content_type("Content-Type:\r\n\tmultipart/mixed;"
	    " boundary=x\r\n\r\n"), SUMMARY_ATTACHMENT);
	assert_int_equal(content_type("Content-Type: application/pdf;"
	    " name=a.pdf\r\n\r\n"), SUMMARY_ATTACHMENT);
	assert_int_equal(content_type("Content-Type: image/png\r\n"),
	    SUMMARY_ATTACHMENT);
	assert_int_equal(content_type("Content-Type: text/plain;"
	    " charset=utf-8\r\n\r\n"), 0);
	assert_int_equal(content_type("Content-Type: multipart/alternative;"
	    " boundary=x\r\n\r\n"), 0);
	assert_int_equal(content_type("Content-Type: multipart/mixedup\r\n"),
	    0);
	assert_int_equal(content_type("Content-Type: multipart/encrypted;"
	    " protocol=\"application/pgp-encrypted\"; boundary=x\r\n"),
	    SUMMARY_ENCRYPTED);
	assert_int_equal(content_type("Content-Type: application/pkcs7-mime;"
	    " smime-type=enveloped-data\r\n"), SUMMARY_ENCRYPTED);
	assert_int_equal(content_type("Content-Type: Multipart/Signed;"
	    " micalg=pgp-sha256; boundary=x\r\n"), SUMMARY_SIGNED);
	assert_int_equal(content_type("Content-Type: application/\r\n"), 0);
	assert_int_equal(content_type("\r\n"), 0);
	assert_int_equal(content_type(""), 0);
	assert_int_equal(content_type("Content-Type:"), 0);
	assert_int_equal(imapc_flags_from_content_type(NULL, 0), 0);
	/* The length bounds the look. */
	assert_int_equal(imapc_flags_from_content_type(
	    "Content-Type: multipart/mixed", 20), 0);
}

static void
test_imapc_references_from_header_folded(void **state)
{
	char	*r;
	char	*big;
	size_t	 i;

	(void)state;
	r = imapc_references_from_header("Content-Type: text/plain\r\n"
	    "References: <a@x>\r\n <b@x>\r\n\t<c@x>\r\nX-Other: 1\r\n\r\n",
	    64);
	assert_non_null(r);
	assert_string_equal(r, " <a@x> <b@x> <c@x>");
	free(r);
	assert_null(imapc_references_from_header("Content-Type: a/b\r\n\r\n",
	    22));
	assert_null(imapc_references_from_header(NULL, 0));
	/* Bounded. */
	big = malloc(100001);
	memcpy(big, "References:", 11);
	for (i = 11; i < 100000; i++)
		big[i] = i % 10 == 0 ? ' ' : 'x';
	big[100000] = '\0';
	r = imapc_references_from_header(big, 100000);
	assert_true(strlen(r) <= IMAP_MAX_REFS);
	free(r);
	free(big);
}

/* An address on the stack, in an envelope on the stack. */
struct test_env {
	struct mailimap_address		 addr;
	struct mailimap_env_from	 from;
	struct mailimap_envelope	 env;
};

static void
test_env_init(struct test_env *t, char *personal, char *mailbox,
    char *host)
{
	memset(t, 0, sizeof *t);
	t->addr.ad_personal_name = personal;
	t->addr.ad_mailbox_name = mailbox;
	t->addr.ad_host_name = host;
	t->from.frm_list = clist_new();
	clist_append(t->from.frm_list, &t->addr);
	t->env.env_from = &t->from;
}

static void
test_imapc_summary_from_envelope_decoded(void **state)
{
	struct test_env	 t;
	struct summary	 s = { 0 };

	(void)state;
	test_env_init(&t, "=?ISO-8859-1?Q?J=F6rg_M=FCller?=", "joerg",
	    "example.org");
	t.env.env_subject = "=?UTF-8?B?w5xiZXJibGljaw==?= zum Quartal";
	t.env.env_date = "Tue, 3 Jun 2025 14:05:09 +0200";
	imapc_summary_from_envelope(&t.env, &s);
	assert_string_equal(s.subject, "\xc3\x9c" "berblick zum Quartal");
	assert_string_equal(s.from, "J\xc3\xb6rg M\xc3\xbcller");
	assert_int_equal((long long)s.date, 1748952309);
	summary_clear(&s);
	clist_free(t.from.frm_list);
}

static void
test_imapc_summary_from_envelope_address_only(void **state)
{
	struct test_env	 t;
	struct summary	 s = { 0 };

	(void)state;
	test_env_init(&t, NULL, "bob", "example.org");
	t.env.env_date = "not a date";
	imapc_summary_from_envelope(&t.env, &s);
	assert_string_equal(s.subject, "");
	assert_string_equal(s.from, "bob@example.org");
	assert_int_equal((long long)s.date, 0);
	/* A blank display name falls back to the address too. */
	t.addr.ad_personal_name = "  ";
	imapc_summary_from_envelope(&t.env, &s);
	assert_string_equal(s.from, "bob@example.org");
	summary_clear(&s);
	clist_free(t.from.frm_list);
}

static void
test_imapc_summary_from_envelope_missing(void **state)
{
	struct mailimap_envelope	 env;
	struct mailimap_address		 group = { 0 };
	struct mailimap_env_from	 from;
	struct summary			 s = { 0 };

	(void)state;
	imapc_summary_from_envelope(NULL, &s);
	assert_string_equal(s.subject, "");
	assert_string_equal(s.from, "");
	/* A group marker only (host NIL): no sender to show. */
	memset(&env, 0, sizeof env);
	group.ad_mailbox_name = "undisclosed-recipients";
	from.frm_list = clist_new();
	clist_append(from.frm_list, &group);
	env.env_from = &from;
	/* This call frees the old strings. */
	imapc_summary_from_envelope(&env, &s);
	assert_string_equal(s.from, "");
	summary_clear(&s);
	clist_free(from.frm_list);
}

static void
test_imapc_summary_from_envelope_long_subject(void **state)
{
	struct mailimap_envelope	 env;
	struct summary			 s = { 0 };
	char				*raw;
	size_t				 i, n = 3000;

	(void)state;
	/* 3000 x "é" (2 bytes each): cut below 1 KiB on a boundary. */
	raw = malloc(2 * n + 1);
	for (i = 0; i < n; i++)
		memcpy(raw + 2 * i, "\xc3\xa9", 2);
	raw[2 * n] = '\0';
	memset(&env, 0, sizeof env);
	env.env_subject = raw;
	imapc_summary_from_envelope(&env, &s);
	assert_true(strlen(s.subject) <= IMAP_MAX_FIELD);
	assert_true(strlen(s.subject) >= IMAP_MAX_FIELD - 1);
	assert_int_equal(strlen(s.subject) % 2, 0);
	assert_memory_equal(s.subject, raw, strlen(s.subject));
	summary_clear(&s);
	free(raw);
}

/* A FETCH response built on the stack. */
struct test_att {
	struct mailimap_msg_att_static	 st[5];
	struct mailimap_msg_att_item	 item[6];
	struct mailimap_msg_att_body_section sec;
	struct mailimap_msg_att_dynamic	 dyn;
	struct mailimap_flag		 seen;
	struct mailimap_flag_fetch	 ff;
	struct mailimap_date_time	 dt;
	struct test_env			 env;
	struct mailimap_msg_att		 att;
};

static void
test_att_init(struct test_att *t, int with_uid)
{
	static char	 ct[] = "Content-Type: multipart/mixed; b=x\r\n"
	    "References: <r1@x>\r\n <r2@x>\r\n\r\n";
	size_t		 i;

	memset(t, 0, sizeof *t);
	test_env_init(&t->env, NULL, "ann", "example.org");
	t->env.env.env_subject = "Hello";
	t->env.env.env_message_id = "<m@x>";
	t->env.env.env_in_reply_to = "<r2@x>";
	t->st[0].att_type = MAILIMAP_MSG_ATT_ENVELOPE;
	t->st[0].att_data.att_env = &t->env.env;
	t->st[1].att_type = MAILIMAP_MSG_ATT_RFC822_SIZE;
	t->st[1].att_data.att_rfc822_size = 4321;
	t->dt = (struct mailimap_date_time){ 3, 6, 2025, 12, 5, 9, 0 };
	t->st[2].att_type = MAILIMAP_MSG_ATT_INTERNALDATE;
	t->st[2].att_data.att_internal_date = &t->dt;
	t->sec.sec_body_part = ct;
	t->sec.sec_length = sizeof ct - 1;
	t->st[3].att_type = MAILIMAP_MSG_ATT_BODY_SECTION;
	t->st[3].att_data.att_body_section = &t->sec;
	t->st[4].att_type = MAILIMAP_MSG_ATT_UID;
	t->st[4].att_data.att_uid = 77;
	t->seen.fl_type = MAILIMAP_FLAG_SEEN;
	t->ff.fl_type = MAILIMAP_FLAG_FETCH_OTHER;
	t->ff.fl_flag = &t->seen;
	t->dyn.att_list = clist_new();
	clist_append(t->dyn.att_list, &t->ff);
	t->att.att_list = clist_new();
	t->att.att_number = 5;
	t->item[0].att_type = MAILIMAP_MSG_ATT_ITEM_DYNAMIC;
	t->item[0].att_data.att_dyn = &t->dyn;
	clist_append(t->att.att_list, &t->item[0]);
	for (i = 0; i < (with_uid ? 5U : 4U); i++) {
		t->item[i + 1].att_type = MAILIMAP_MSG_ATT_ITEM_STATIC;
		t->item[i + 1].att_data.att_static = &t->st[i];
		clist_append(t->att.att_list, &t->item[i + 1]);
	}
}

static void
test_att_release(struct test_att *t)
{
	clist_free(t->att.att_list);
	clist_free(t->dyn.att_list);
	clist_free(t->env.from.frm_list);
}

static void
test_imapc_summary_from_att_full(void **state)
{
	struct test_att	 t;
	struct summary	 s;

	(void)state;
	test_att_init(&t, 1);
	assert_int_equal(imapc_summary_from_att(&t.att, &s), 0);
	assert_int_equal(s.uid, 77);
	assert_int_equal(s.size, 4321);
	assert_int_equal(s.flags, SUMMARY_SEEN | SUMMARY_ATTACHMENT);
	assert_string_equal(s.subject, "Hello");
	assert_string_equal(s.from, "ann@example.org");
	assert_string_equal(s.message_id, "<m@x>");
	assert_string_equal(s.in_reply_to, "<r2@x>");
	assert_string_equal(s.references, " <r1@x> <r2@x>");
	/* No Date in the envelope: INTERNALDATE. */
	assert_int_equal((long long)s.date, 1748952309);
	imapc_summaries_release(&s, 1);
	assert_null(s.subject);
	assert_null(s.from);

	/* A readable Date wins over INTERNALDATE. */
	t.env.env.env_date = "3 Jun 2025 12:05:10 +0000";
	assert_int_equal(imapc_summary_from_att(&t.att, &s), 0);
	assert_int_equal((long long)s.date, 1748952310);
	imapc_summaries_release(&s, 1);
	test_att_release(&t);
}

/* No ENVELOPE: the summary comes from the header fields fetched. */
static void
test_imapc_summary_from_att_header_fields(void **state)
{
	static char	 hdr[] =
	    "From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <jm@example.org>\r\n"
	    "To: Ann <ann@example.org>, bob@example.org\r\n"
	    "Cc: \"Doe, Jane\" <jd@example.org>\r\n"
	    "Subject: =?ISO-8859-1?Q?Gr=FC=DFe?=\r\n and more\r\n"
	    "Date: Tue, 3 Jun 2025 12:05:10 +0000\r\n"
	    "Message-ID:  <m@x> \r\n"
	    "In-Reply-To: <r2@x>\r\n"
	    "Content-Type: multipart/mixed; b=x\r\n"
	    "References: <r1@x>\r\n <r2@x>\r\n\r\n";
	static char	 bad[] = "From: <<<broken\r\nTo: ,\r\n\r\n";
	struct test_att	 t;
	struct summary	 s;

	(void)state;
	test_att_init(&t, 1);
	t.st[0].att_type = MAILIMAP_MSG_ATT_RFC822_SIZE;	/* no ENVELOPE */
	t.st[0].att_data.att_rfc822_size = 4321;
	t.sec.sec_body_part = hdr;
	t.sec.sec_length = sizeof hdr - 1;
	assert_int_equal(imapc_summary_from_att(&t.att, &s), 0);
	assert_int_equal(s.uid, 77);
	assert_int_equal(s.size, 4321);
	assert_int_equal(s.flags, SUMMARY_SEEN | SUMMARY_ATTACHMENT);
	assert_string_equal(s.from, "J\xc3\xbcrgen M\xc3\xbcller");
	assert_string_equal(s.to, "Ann <ann@example.org>, <bob@example.org>");
	assert_string_equal(s.cc, "Doe, Jane <jd@example.org>");
	assert_string_equal(s.subject, "Gr\xc3\xbc\xc3\x9f" "e and more");
	assert_string_equal(s.message_id, "<m@x>");
	assert_string_equal(s.in_reply_to, "<r2@x>");
	assert_string_equal(s.references, " <r1@x> <r2@x>");
	assert_int_equal((long long)s.date, 1748952310);
	imapc_summaries_release(&s, 1);

	/* A From that does not parse shows as it is; no Subject, no Date. */
	t.sec.sec_body_part = bad;
	t.sec.sec_length = sizeof bad - 1;
	assert_int_equal(imapc_summary_from_att(&t.att, &s), 0);
	assert_string_equal(s.from, "<<<broken");
	assert_string_equal(s.subject, "");
	assert_null(s.cc);
	assert_null(s.message_id);
	assert_int_equal((long long)s.date, 1748952309);	/* INTERNALDATE */
	assert_int_equal(s.flags, SUMMARY_SEEN);
	imapc_summaries_release(&s, 1);

	/* No header block at all: empty fields, as an ENVELOPE of NILs. */
	t.st[3].att_type = MAILIMAP_MSG_ATT_RFC822_SIZE;
	assert_int_equal(imapc_summary_from_att(&t.att, &s), 0);
	assert_string_equal(s.from, "");
	assert_string_equal(s.subject, "");
	imapc_summaries_release(&s, 1);
	test_att_release(&t);
}

static void
test_imapc_summary_from_att_no_uid(void **state)
{
	struct test_att	 t;
	struct summary	 s;

	(void)state;
	test_att_init(&t, 0);
	assert_int_equal(imapc_summary_from_att(&t.att, &s), -1);
	assert_int_equal(s.uid, 0);
	assert_null(s.subject);
	assert_null(s.from);
	assert_int_equal(imapc_summary_from_att(NULL, &s), -1);
	test_att_release(&t);
}

/* UTF-8 names to modified UTF-7, and back. */
static void
test_imapc_utf7_encode_roundtrip(void **state)
{
	static const struct {
		const char	*utf8;
		const char	*wire;
	} v[] = {
		{ "Sent", "Sent" },
		{ "Projekte K\xc3\xb6ln", "Projekte K&APY-ln" },
		{ "A&B", "A&-B" },
		{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "&ZeVnLIqe-" },
		{ "\xf0\x9f\x98\x80", "&2D3eAA-" },
		{ "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/"
		    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
		    "~peter/mail/&U,BTFw-/&ZeVnLIqe-" },
	};
	char	*w, *back;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		w = imapc_utf7_encode(v[i].utf8);
		assert_non_null(w);
		assert_string_equal(w, v[i].wire);
		back = imapc_utf7_decode(w, strlen(w));
		assert_non_null(back);
		assert_string_equal(back, v[i].utf8);
		free(back);
		free(w);
	}
	assert_null(imapc_utf7_encode("bad \xff byte"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_imapc_utf7_decode_ascii),
		cmocka_unit_test(test_imapc_utf7_encode_roundtrip),
		cmocka_unit_test(test_imapc_utf7_decode_valid),
		cmocka_unit_test(test_imapc_utf7_decode_ampersand),
		cmocka_unit_test(test_imapc_utf7_decode_non_bmp),
		cmocka_unit_test(test_imapc_utf7_decode_bad_surrogates),
		cmocka_unit_test(test_imapc_utf7_decode_invalid_base64),
		cmocka_unit_test(test_imapc_utf7_decode_unterminated),
		cmocka_unit_test(test_imapc_utf7_decode_raw_bytes),
		cmocka_unit_test(test_imapc_date_parse_rfc5322),
		cmocka_unit_test(test_imapc_date_parse_obsolete),
		cmocka_unit_test(test_imapc_date_parse_lenient),
		cmocka_unit_test(test_imapc_date_parse_garbage),
		cmocka_unit_test(test_imapc_time_from_imap_zone),
		cmocka_unit_test(test_imapc_flags_from_fetch_map),
		cmocka_unit_test(test_imapc_flags_from_content_type_kinds),
		cmocka_unit_test(test_imapc_references_from_header_folded),
		cmocka_unit_test(test_imapc_summary_from_envelope_decoded),
		cmocka_unit_test(test_imapc_summary_from_envelope_address_only),
		cmocka_unit_test(test_imapc_summary_from_envelope_missing),
		cmocka_unit_test(test_imapc_summary_from_envelope_long_subject),
		cmocka_unit_test(test_imapc_summary_from_att_full),
		cmocka_unit_test(test_imapc_summary_from_att_header_fields),
		cmocka_unit_test(test_imapc_summary_from_att_no_uid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
