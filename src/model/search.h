/* src/model/search.h: the query language of limit and search. */
#ifndef POSTERN_MODEL_SEARCH_H
#define POSTERN_MODEL_SEARCH_H

#include "core/error.h"
#include "model/model.h"

#define SEARCH_MAX_QUERY	1024	/* bytes of one query */
#define SEARCH_MAX_NODES	256	/* terms and operators */
#define SEARCH_MAX_DEPTH	32	/* nested parentheses and nots */

struct search;

/*
 * Parses a query: terms joined by "and" (or just a blank), "or" and
 * "not", with parentheses; "and" binds tighter than "or". A term is
 * from:, subject:, to:, cc: or body: followed by a word or a "quoted
 * phrase" (a case-insensitive substring), is:unread, is:read,
 * is:flagged, is:replied, is:deleted, is:draft, has:attachment,
 * date:FROM..TO (YYYY, YYYY-MM or YYYY-MM-DD, local time, either end
 * open), size:>N, size:<N, size:>=N, size:<=N or size:N..M (N with K, M
 * or G), or a bare word matching the sender or the subject. Returns a
 * new search to free with search_free, or NULL and err (ERROR_INPUT,
 * naming the column) for a bad query.
 *
 * body:TEXT is not answered from the summary: list the distinct texts
 * with search_body_terms, have the backend find the UIDs whose body
 * holds each (worker_search_body), and give each answer with
 * search_set_body_uids. Until then a body term matches nothing.
 */
struct search	*search_parse(const char *query, struct error *);
/* Nonzero if the summary matches. */
int		 search_match(const struct search *, const struct summary *);
void		 search_free(struct search *);
/*
 * The distinct texts of the body: terms, in a new array of borrowed
 * strings (valid while the search lives; free the array), or 0 and NULL.
 */
size_t		 search_body_terms(const struct search *,
		    const char ***textsp);
/* The answer for body:text: the n UIDs (copied) whose body holds it. */
void		 search_set_body_uids(struct search *, const char *text,
		    const uint32_t *uids, size_t n);
/* Nonzero when every body: term has its answer (or there is none). */
int		 search_body_ready(const struct search *);

#endif
