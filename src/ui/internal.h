/* src/ui/internal.h: state shared by the files of the UI. */
#ifndef POSTERN_UI_INTERNAL_H
#define POSTERN_UI_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <pthread.h>

#include <curses.h>

#include "config/config.h"
#include "config/theme.h"
#include "core/sbuf.h"
#include "mime/mime.h"
#include "model/model.h"
#include "model/search.h"
#include "model/thread.h"

#define UI_FOLDER_PANE_MAX	32	/* columns */
#define UI_FOLDER_PANE_MIN_COLS	70	/* narrower terminals hide it */
#define UI_MAX_MESSAGES		2000000	/* summaries kept for one folder */
#define UI_MAX_PAGER_LINES	1000000
#define UI_PROMPT_MAX		1024	/* bytes typed at a prompt */

enum ui_view {
	VIEW_INDEX,
	VIEW_PAGER,
	VIEW_HELP,
	VIEW_ATTACH,	/* the MIME tree of the open message (attach.c) */
	VIEW_URLS,	/* the URLs of the open message (urls.c) */
	VIEW_COMPOSE,		/* the compose screen */
	VIEW_DRAFTS,		/* choosing a draft to recall */
};

/* What the pager shows (pager.c). */
enum ui_pager_mode {
	PAGER_MESSAGE,	/* the rendered message */
	PAGER_SOURCE,	/* the raw message */
	PAGER_OUTPUT,	/* a command's output (mailcap copiousoutput) */
};

enum ui_focus {
	FOCUS_INDEX,
	FOCUS_FOLDERS,
};

/* What Enter in the folder pane does: open, or finish a move or copy. */
enum ui_pick {
	UI_PICK_NONE,
	UI_PICK_MOVE,
	UI_PICK_COPY,
};

/* Where a key binding applies (a mask in the default table). */
enum ui_context {
	CONTEXT_INDEX = (1 << 0),
	CONTEXT_FOLDERS = (1 << 1),
	CONTEXT_PAGER = (1 << 2),
	CONTEXT_HELP = (1 << 3),
	CONTEXT_ATTACH = (1 << 4),
	CONTEXT_URLS = (1 << 5),
	CONTEXT_COMPOSE = (1 << 6),
	CONTEXT_DRAFTS = (1 << 7),
};
#define UI_CONTEXT_END	(1 << 16)	/* above every CONTEXT_* bit */

struct ui;

/* A named action, run by a key, a macro or :exec. */
struct ui_action {
	const char	*name;
	const char	*help;
	void		 (*run)(struct ui *);
};

#define UI_KEY_META	0x40000000	/* Esc, then the key */
#define UI_KEY_FUNC	0x20000000	/* a KEY_* code, not a character */
#define UI_KEY_ACTION	0x10000000	/* in a macro: <name> of an action */
#define UI_SEQ_MAX	8		/* keys in one binding */
#define UI_FEED_MAX	4096		/* keys queued by macros and :push */

/*
 * One default binding: an action in some contexts with a key, or with
 * key 0 and keyname NULL for an action that has a name but no default key.
 */
struct ui_binding {
	int		 contexts;
	int		 key;
	int		 is_func;	/* a KEY_* code, not a character */
	const char	*keyname;
	const struct ui_action	*action;
};

/* The live bindings and macros (bind.c). */
struct ui_keymap;

/* One configured account and its worker. */
struct ui_account {
	const struct account	*account;
	struct worker		*worker;
	struct folder_info	*folders;
	size_t			 nfolders;
	int			 collapsed;	/* folders hidden in the pane */
	/* POP3: the last check asked for, and when the next one is due */
	uint64_t		 check_serial;
	time_t			 next_check;	/* 0: no periodic check */
};

/* One row of the folder pane: an account's name, or one of its folders. */
struct ui_side_row {
	size_t	 acct;
	size_t	 folder;	/* SIZE_MAX: the account's own row */
	int	 depth;
	int	 parent;	/* has subfolders */
};

/* How an element of the theme is drawn. */
struct ui_style {
	attr_t	 attr;
	short	 pair;
};

/* One display line of the pager: an offset into the rendered text. */
struct pager_line {
	size_t	 off;
	size_t	 len;
	int	 header;	/* part of the header block */
	int	 quote;		/* quote depth; -1 in the signature */
	size_t	 pfx_off;	/* a rewrapped paragraph's quote prefix, */
	size_t	 pfx_len;	/* drawn first; 0 if none */
};

struct ui;

/*
 * Completion at a prompt (ui_prompt_start_complete): given the text
 * typed so far (UTF-8, never NULL), sets *startp to the byte offset
 * where the word to complete starts and returns how many candidates it
 * put in *candsp, best first: an array of strings, each to replace
 * text[*startp..] (the prompt frees the strings and the array with
 * free()). 0 and *candsp NULL when nothing matches.
 */
typedef size_t	(*ui_complete_cb)(struct ui *, const char *text,
		    size_t *startp, char ***candsp);

/* A job's events carry its serial with this bit (job.c). */
#define UI_JOB_SERIAL	((uint64_t)1 << 63)

enum ui_job_kind {
	UI_JOB_SEND = 1,	/* id: an outbox entry; uid: a draft to drop */
	UI_JOB_POSTPONE,	/* msg to Drafts; uid: the draft it replaces */
	UI_JOB_DRAFTS,		/* EVENT_SUMMARIES: the drafts */
	UI_JOB_DRAFT_FETCH,	/* EVENT_BODY: draft uid */
};

/* A slow operation on its own thread; the UI frees it after the join. */
struct ui_job {
	enum ui_job_kind	 kind;
	const struct account	*account;
	struct chan		*events;
	uint64_t		 serial;
	pthread_t		 thread;
	int			 joined;
	char			*id;
	int			 lockfd;
	uint32_t		 uid;
	struct sbuf		 msg;
	char			**unlink;	/* removed after success */
	size_t			 nunlink;
	char			*pass;
	struct worker		*worker;	/* local folders (POP3) */
};

/* A file on the compose screen. */
struct ui_attachment {
	char	*path;
	char	*name;		/* as the recipient sees it */
	char	*type;
	int	 temporary;	/* ours: removed with the message */
};

/* The message on the compose screen. */
struct ui_compose {
	struct mime_compose	 msg;
	char			*file;		/* the editor's file */
	struct ui_attachment	*att;
	size_t			 natt;
	size_t			 cur;
	uint32_t		 draft_uid;	/* recalled draft, 0 if none */
	int			 flowed;
	enum ui_view		 back;		/* where the user came from */
};

struct ui {
	const struct config	*config;
	/* The account of the open folder, its worker and folders. */
	const struct account	*account;
	struct worker		*worker;
	struct chan		*events;
	uint64_t		 serial;	/* last request sent */
	int			 quit;
	int			 dirty;
	int			 rows, cols;
	int			 colors;
	int			 utf8;		/* the terminal's codeset */
	struct theme		 theme;

	enum ui_view		 view;
	enum ui_view		 help_from;
	enum ui_focus		 focus;

	/* every account: ui->account and ui->folders point into one */
	struct ui_account	*accts;
	size_t			 naccts;
	size_t			 acct_open;

	/* folder pane: folders borrowed from accts[acct_open] */
	struct folder_info	*folders;
	size_t			 nfolders;
	size_t			 folder_cur;
	size_t			 folder_top;
	char			*folder_open;	/* wire name */
	uint64_t		 folder_serial;

	/* index pane: msgs as they came, rows in display order */
	struct summary		*msgs;
	struct summary_pool	*pool;		/* their strings */
	int			 index_defer;	/* adds wait for ui_index_fresh */
	int			 index_stale;	/* rows not sorted since */
	size_t			 nmsgs;
	size_t			 msgs_alloc;
	unsigned char		*collapsed;	/* per msg: a folded thread */
	struct thread_row	*idx_rows;
	size_t			 nrows;
	size_t			 msg_cur;	/* a row */
	size_t			 msg_top;
	enum config_sort	 sort;
	int			 sort_reverse;
	int			 meta;		/* Esc was pressed */
	char			*limit;		/* the query, or NULL */
	struct search		*limit_search;
	struct search		*find;		/* last / in the index */

	/* the prompt on the message line */
	int			 prompt_open;
	char			*prompt_label;
	struct sbuf		 prompt_text;
	void			 (*prompt_done)(struct ui *, const char *);
	ui_complete_cb		 prompt_complete;	/* NULL: Tab is text */
	char			**prompt_cands;	/* of the Tab cycle */
	size_t			 prompt_ncands;	/* 0: no cycle under way */
	size_t			 prompt_cand;	/* the one in the text */
	size_t			 prompt_word;	/* where it starts */
	int			 prompt_paths;	/* Tab completes paths */
	int			 prompt_yesno;	/* one key: y or anything */
	uint32_t		 msgs_total;
	int			 loading;
	int			 folder_failed;	/* the open failed */

	/* pager */
	struct sbuf		 pager_text;
	struct pager_line	*pager_lines;
	size_t			 npager_lines;
	size_t			 pager_top;
	uint32_t		 pager_uid;
	uint64_t		 pager_serial;
	char			*pager_raw;
	size_t			 pager_raw_len;
	int			 pager_all_headers;
	int			 pager_width;	/* wrapped for this width */
	char			*pager_find;	/* highlighted text, or NULL */

	/* the outbox as a folder (outbox.c) */
	struct outbox_entry	*outbox;
	size_t			 noutbox;
	int			 outbox_open;	/* the index shows it */
	struct ui_outbox_job	*outbox_job;	/* a flush under way */
	pthread_t		 outbox_thread;
	uint64_t		 outbox_serial;	/* of its events */
	char			*outbox_error;	/* its last failure */

	/* pager modes, attachments and URLs (attach.c, urls.c) */
	enum ui_pager_mode	 pager_mode;
	struct sbuf		 pager_output;	/* for PAGER_OUTPUT */
	enum ui_view		 pager_from;	/* where q goes back to */
	enum ui_view		 attach_back;	/* q in the parts: pager or index */
	uint64_t		 attach_serial;	/* v in the index: parts once here */
	struct mime_part_list	 parts;		/* of pager_raw */
	size_t			 part_cur;
	size_t			 part_top;
	char			*save_path;	/* waiting for a yes */
	size_t			 save_part;
	int			 pager_partial;	/* parts left out (attach.c) */
	struct ui_part_wait	*part_wait;	/* one being fetched */
	char			**urls;
	size_t			 nurls;
	size_t			 url_cur;
	size_t			 url_top;

	/* help */
	size_t			 help_top;

	/* folder operations (mailops.c) */
	char			*folder_op;	/* wire name a prompt is about */
	char			*folder_op_name;
	/* compose (compose.c) */
	struct ui_compose	*compose;
	int			 preview;	/* the pager shows a preview */
	uint64_t		 reply_serial;	/* body fetched for a reply */
	int			 reply_kind;	/* what to do with it */
	struct summary		*drafts;	/* to choose from */
	size_t			 ndrafts;
	size_t			 draft_cur;
	struct ui_job		**jobs;
	size_t			 njobs;
	/* the sidebar's rows, in display order (sidebar.c) */
	struct ui_side_row	*side;
	size_t			 nside;
	size_t			 side_cur;
	size_t			 side_top;
	char			**side_folded;	/* "account/wire name" */
	size_t			 nside_folded;

	/* layout options, from the config and :set */
	int			 sidebar;	/* shown */
	int			 sidebar_width;	/* 0: a quarter */
	int			 pager_split;	/* index rows above the pager */
	int			 mouse;

	/* key bindings (bind.c) */
	struct ui_keymap	*keymap;
	int			 pending[UI_SEQ_MAX];
	size_t			 npending;
	int			*feed;		/* keys queued by macros */
	size_t			 nfeed;
	size_t			 feed_off;
	int			 feed_expansions; /* since a typed key */

	/* bottom lines */
	char			*status;	/* progress, from the worker */
	uint64_t		 status_serial;	/* the request it is about */
	char			*message;	/* last error or notice */
	int			 message_is_error;

	/* operations (ops.c) */
	int			 tag_prefix;	/* ';': next on the tagged */
	enum ui_pick		 pick;		/* choosing a folder */
	uint32_t		*pick_uids;
	size_t			 pick_n;
	char			*banner;	/* offline, from the worker */

	/* a query with body: terms waiting for the worker (bodysearch.c) */
	struct search		*body_search;
	char			*body_query;
	char			*body_status;	/* the status before */
	int			 body_use;	/* enum ui_body_use */
	uint64_t		 body_serial;	/* of the request */
	uint64_t		 body_folder_serial; /* the folder then */
};

/* bodysearch.c: what a query with body: terms was typed for. */
enum ui_body_use {
	UI_BODY_LIMIT,
	UI_BODY_FIND,
	UI_BODY_TAG,
	UI_BODY_UNTAG,
};
/*
 * When s has body: terms, asks the worker for them, shows "Searching
 * message bodies..." and returns 1: s (taken) is used for use once the
 * answers come. 0 when s has none (the caller uses it at once).
 */
int	 ui_body_start(struct ui *, struct search *s, enum ui_body_use use,
	    const char *query);
/* Handles EVENT_BODY_MATCHES and the errors of body searches: 1 if taken. */
int	 ui_body_event(struct ui *, struct event *);
/* Forgets a body search under way. */
void	 ui_body_cancel(struct ui *);
/* Another folder: a limit with body: terms is asked again for it. */
void	 ui_body_folder_opened(struct ui *);
/* panes.c: the limit s (taken; NULL shows all), typed as query. */
void	 ui_index_limit_apply(struct ui *, struct search *s,
	    const char *query);
/* ops.c: tags (or untags) the messages matching s. */
void	 ui_ops_tag_apply(struct ui *, const struct search *s, int tag);

/* draw.c: the one function that puts outside text on the screen. */
int	 ui_draw_text(int y, int x, int width, const char *s, size_t len,
	    struct ui_style);
int	 ui_text_width(const char *s, size_t len);
/* Byte length of the prefix of s that fits in width columns. */
size_t	 ui_text_fit(const char *s, size_t len, int width);
void	 ui_draw_fill(int y, int x, int width, struct ui_style);
void	 ui_colors_init(struct ui *);
struct ui_style	 ui_style(const struct ui *, enum theme_element);

/* panes.c */
void	 ui_draw_folders(struct ui *, int top, int height, int width);
void	 ui_draw_index(struct ui *, int top, int height, int x, int width);
void	 ui_index_add(struct ui *, struct event *);
void	 ui_index_clear(struct ui *);
/* Applies EVENT_FLAGS, EVENT_SIZES and EVENT_VANISHED to the open folder. */
void	 ui_index_set_flags(struct ui *, struct event *);
void	 ui_index_set_sizes(struct ui *, struct event *);
void	 ui_index_remove(struct ui *, struct event *);
void	 ui_folders_set(struct ui *, struct event *);
/* Sorts, threads and folds msgs into rows, keeping the cursor's message. */
void	 ui_index_rebuild(struct ui *);
/* Limits the index to query; NULL, "" or "all" shows everything. */
void	 ui_index_limit(struct ui *, const char *query);
/* Moves to the next row matching the last index search; -1 if none. */
int	 ui_index_find_next(struct ui *);
/* Shows the next pager line holding ui->pager_find; -1 if none. */
int	 ui_pager_find_next(struct ui *);
/* The summary under the cursor, or NULL. */
struct summary	*ui_index_current(struct ui *);
/* Sorts the rows again if messages were added since (index_defer). */
void		 ui_index_fresh(struct ui *);

/* pager.c */
void	 ui_pager_show(struct ui *, struct event *);
void	 ui_pager_layout(struct ui *, int width);
void	 ui_draw_pager(struct ui *, int top, int height, int x, int width);
void	 ui_pager_clear(struct ui *);
void	 ui_pager_rerender(struct ui *);
int	 ui_pager_height(struct ui *);

/* attach.c */
/* Opens the list of the open message's parts. */
void	 ui_attach_open(struct ui *);
void	 ui_draw_attach(struct ui *, int top, int height, int width);
void	 ui_attach_clear(struct ui *);
void	 ui_attach_move(struct ui *, long delta);
void	 ui_attach_save(struct ui *);
void	 ui_attach_save_all(struct ui *);
void	 ui_attach_view(struct ui *);
void	 ui_attach_pipe(struct ui *);
/* EVENT_PART, or an error for it: 1 if it was for the parts list. */
int	 ui_attach_event(struct ui *, struct event *);
/* Pipes the open message, as it came, to a command the user types. */
void	 ui_pager_pipe(struct ui *);
/* Shows the raw message, or the rendered one again. */
void	 ui_pager_toggle_source(struct ui *);
/* Leaves a source or output view; 1 if there was one. */
int	 ui_pager_back(struct ui *);
/* The text/html converter for mime_render_html: mailcap copiousoutput. */
int	 ui_html_mailcap(const char *html, size_t len, struct sbuf *out,
	    void *arg);

/* urls.c */
void	 ui_urls_open(struct ui *);
void	 ui_urls_clear(struct ui *);
void	 ui_draw_urls(struct ui *, int top, int height, int width);
void	 ui_urls_move(struct ui *, long delta);
void	 ui_urls_launch(struct ui *);
void	 ui_urls_copy(struct ui *);

/* run.c: commands, with or without the terminal. */
/*
 * Runs argv (argv[0] looked up in PATH) with the terminal handed over:
 * curses is suspended until it exits. stdin_file, when not NULL, is its
 * standard input. Returns the exit status, or -1 and err.
 */
int	 ui_run_terminal(const char *const *argv, const char *stdin_file,
	    struct error *);
/*
 * Runs argv without the terminal, stdin_file (or /dev/null) as input,
 * and appends at most max bytes of its standard output to out, for at
 * most UI_RUN_TIMEOUT seconds. Returns the exit status, or -1 and err.
 */
int	 ui_run_capture(const char *const *argv, const char *stdin_file,
	    size_t max, struct sbuf *out, struct error *);
/*
 * Makes a private temporary directory holding a file called name (which
 * must be a safe base name) with data; *pathp gets the file's path.
 * ui_run_tmp_remove removes both.
 */
int	 ui_run_tmp_write(const char *name, const char *data, size_t len,
	    char **pathp, struct error *);
void	 ui_run_tmp_remove(char *path);

/* prompt.c */
void	 ui_prompt_start(struct ui *, const char *label,
	    void (*done)(struct ui *, const char *));
/*
 * As ui_prompt_start, with Tab completing the word before the cursor
 * through complete: one candidate replaces the word; with several the
 * first does, the message line lists them ("Tab 1/3: ..."), and each
 * further Tab (Shift-Tab: back) puts the next one in its place; any
 * other key keeps the one shown. No match says so on the message line.
 */
void	 ui_prompt_start_complete(struct ui *, const char *label,
	    void (*done)(struct ui *, const char *), ui_complete_cb complete);
void	 ui_prompt_key(struct ui *, int key, int is_func);
void	 ui_draw_prompt(struct ui *, int y);

/* complete.c */
/*
 * A ui_complete_cb for address fields (To, Cc, Bcc, a query): completes
 * the address after the last comma outside quotes from the address
 * book and the [ui] query-command (addrbook_complete), each candidate
 * "Name <addr>" ready for the field.
 */
size_t	 ui_complete_address(struct ui *, const char *text, size_t *startp,
	    char ***candsp);

/* outbox.c */
/* Whether folder index is the outbox. */
int	 ui_outbox_is(struct ui *, size_t index);
/* Lists the outbox again: "Outbox (N)" last in the folder pane if N > 0. */
void	 ui_outbox_refresh(struct ui *);
/* Shows the outbox in the index; its messages open from there. */
void	 ui_outbox_open(struct ui *);
/* Opens the outbox message under the cursor in the pager. */
void	 ui_outbox_show(struct ui *);
/* Sends the outbox on a thread; progress and outcome come as events. */
void	 ui_outbox_flush(struct ui *);
/* Handles an event of the flush; 0 if ev is not one. */
int	 ui_outbox_event(struct ui *, struct event *);
/* Waits for a flush under way and frees the outbox state. */
void	 ui_outbox_stop(struct ui *);

/* mailops.c: the check on a key, at start and periodically; folders. */
void	 ui_check_mail(struct ui *, size_t acct);
void	 ui_check_tick(struct ui *);
void	 ui_act_check_mail(struct ui *);
void	 ui_act_folder_create(struct ui *);
void	 ui_act_folder_rename(struct ui *);
void	 ui_act_folder_delete(struct ui *);
void	 ui_act_folder_subscribe(struct ui *);
void	 ui_act_folder_unsubscribe(struct ui *);

/* keys.c: the actions and their default keys. */
const struct ui_binding	*ui_default_bindings(size_t *np);

/* bind.c: live bindings, sequences, macros, the help screen. */
void	 ui_keymap_init(struct ui *);
void	 ui_keymap_free(struct ui *);
int	 ui_key_dispatch(struct ui *, int key, int is_func);
/* The context of view (CONTEXT_*). */
int	 ui_context(const struct ui *, enum ui_view);
/* Parses "index" or "index,pager" into a mask; -1 if unknown. */
int	 ui_context_parse(const char *, int *maskp, struct error *);
/* The action called name in ctx (one context bit), or NULL. */
const struct ui_action *ui_action_find(int ctx, const char *name);
int	 ui_keymap_bind(struct ui *, int ctxmask, const char *keys,
	    const char *action, struct error *);
int	 ui_keymap_unbind(struct ui *, int ctxmask, const char *keys,
	    struct error *);
int	 ui_keymap_macro(struct ui *, int ctxmask, const char *keys,
	    const char *text, const char *help, struct error *);
/* Queues the keys written in text (key names as in bind) as if typed. */
int	 ui_feed_keys(struct ui *, const char *text, struct error *);
/* The next queued key; 0 if none. */
int	 ui_feed_next(struct ui *, int *keyp, int *is_funcp);
/* The pending keys of a sequence, as text, into buf. */
void	 ui_pending_text(const struct ui *, char *buf, size_t size);
void	 ui_draw_help(struct ui *, int top, int height, int width);
size_t	 ui_help_lines(struct ui *);

/* ops.c: actions on messages, tagging */
void	 ui_act_toggle_new(struct ui *);
void	 ui_act_toggle_flag(struct ui *);
void	 ui_act_delete(struct ui *);
void	 ui_act_undelete(struct ui *);
void	 ui_act_expunge(struct ui *);
void	 ui_act_move(struct ui *);
void	 ui_act_copy(struct ui *);
void	 ui_act_tag(struct ui *);
void	 ui_act_tag_pattern(struct ui *);
void	 ui_act_untag_pattern(struct ui *);
void	 ui_act_tag_prefix(struct ui *);
/* Enter (or q: cancel) while choosing a folder; 0 if not choosing. */
int	 ui_ops_pick_done(struct ui *, int cancel);
void	 ui_ops_mark_seen(struct ui *, struct summary *);
void	 ui_ops_leave_folder(struct ui *);
/* compose.c */
enum ui_reply {
	UI_REPLY_SENDER,
	UI_REPLY_GROUP,
	UI_REPLY_LIST,
	UI_FORWARD,
};
void	 ui_compose_new(struct ui *);
/* Opens the editor on c (taken; the caller's struct is emptied). */
void	 ui_compose_start(struct ui *, struct mime_compose *c, int signature);
void	 ui_compose_reply(struct ui *, enum ui_reply);
void	 ui_compose_recall(struct ui *);
void	 ui_compose_edit(struct ui *);
void	 ui_compose_attach(struct ui *);
void	 ui_compose_detach(struct ui *);
void	 ui_compose_rename(struct ui *);
void	 ui_compose_identity(struct ui *);
/* The header fields the compose screen edits at a prompt. */
enum ui_compose_field {
	UI_FIELD_TO,
	UI_FIELD_CC,
	UI_FIELD_BCC,
	UI_FIELD_SUBJECT,
	UI_FIELD_REPLY_TO,
	UI_FIELD_FROM,
};
void	 ui_compose_field(struct ui *, enum ui_compose_field);
void	 ui_compose_preview(struct ui *);
void	 ui_compose_postpone(struct ui *);
void	 ui_compose_send(struct ui *);
void	 ui_compose_abandon(struct ui *);
void	 ui_compose_move(struct ui *, long delta);
void	 ui_drafts_move(struct ui *, long delta);
void	 ui_drafts_choose(struct ui *);
void	 ui_drafts_close(struct ui *);
void	 ui_draw_compose(struct ui *, int top, int height, int width);
void	 ui_draw_drafts(struct ui *, int top, int height, int width);
/* Takes the events of jobs and reply fetches; 1 if ev was one. */
int	 ui_compose_event(struct ui *, struct event *);
void	 ui_compose_free(struct ui *);

/* job.c */
struct ui_job	*ui_job_new(struct ui *, enum ui_job_kind);
void	 ui_job_add_unlink(struct ui_job *, const char *path);
void	 ui_job_start(struct ui *, struct ui_job *);
void	 ui_jobs_join(struct ui *);
/*
 * Saves a copy of a message a POP3 account sent into its local Sent
 * through its worker w (which holds the store; call from any other
 * thread, as long as w runs), else as a file that the store indexes
 * when it next opens. 0, or -1 and err saying where the copy is.
 */
int	 ui_local_sent(struct worker *, const struct account *,
	    const char *msg, size_t len, struct error *);
/* command.c: the command language of the config and the : line. */
int	 ui_command_run(struct ui *, const char *line, struct error *);
/* Runs the config's bind and macro lines; a bad one is named and skipped. */
void	 ui_commands_from_config(struct ui *);
/* Opens the : prompt. */
void	 ui_command_prompt(struct ui *);

/* sidebar.c: the folder pane of every account. */
void	 ui_side_rebuild(struct ui *);
/*
 * The wire name under the cursor, or of the open folder while the pane has
 * no focus (caller frees; NULL on an account's row).
 */
char	*ui_side_cursor(struct ui *, size_t *acctp);
/* Lays the rows out again with the cursor on acct's folder name. */
void	 ui_side_rebuild_at(struct ui *, size_t acct, const char *name);
void	 ui_side_move(struct ui *, long delta);
/* Opens the folder under the cursor, or folds an account's row. */
void	 ui_side_open(struct ui *);
/* Folds or unfolds the subfolders of the cursor's folder. */
void	 ui_side_collapse(struct ui *);
int	 ui_side_width(struct ui *);
/* Handles a KEY_MOUSE: click selects, the wheel scrolls. */
void	 ui_mouse_event(struct ui *);
/* Applies the mouse option to the terminal. */
void	 ui_mouse_apply(struct ui *);

/* ui.c */
void	 ui_set_message(struct ui *, int is_error, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	 ui_open_folder(struct ui *, size_t index);
/* Opens folder index of account acct, which becomes ui->account. */
void	 ui_open_folder_of(struct ui *, size_t acct, size_t index);
/* Rows of the index above the pager in split view; 0 if none. */
int	 ui_split_rows(struct ui *);
void	 ui_open_message(struct ui *);
int	 ui_index_height(struct ui *);

#endif
