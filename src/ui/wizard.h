/* src/ui/wizard.h: what the screens of the set-up wizard share. */
#ifndef POSTERN_UI_WIZARD_H
#define POSTERN_UI_WIZARD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "core/chan.h"
#include "ui/internal.h"
#include "crypto/crypto.h"
#include "ui/ui.h"
#include "wizard/wizard.h"

#define WZ_FIELD_MAX	512	/* bytes typed into one field */
#define WZ_MAX_LINES	256	/* probe report lines kept */
#define WZ_NMANUAL	8	/* fields of the manual entry screen */

enum wz_screen {
	WZ_NAME,
	WZ_ADDRESS,
	WZ_PASSWORD,
	WZ_PROTOCOL,
	WZ_MANUAL,
	WZ_PROBE,
	WZ_SUMMARY,
	WZ_CERT,
	WZ_STORE,
	WZ_KEY,
	WZ_COMMAND,
	WZ_SAVE,
	WZ_DONE,
	WZ_NSCREENS
};

/* Where the password goes. */
enum wz_store {
	WZ_STORE_PASS,		/* pass insert -m postern/ADDR */
	WZ_STORE_GPG,		/* a file encrypted with GPGME */
	WZ_STORE_COMMAND,	/* a command the user types */
	WZ_STORE_ASK,		/* asked at each start */
	WZ_NSTORES
};

/* A line of text being typed; secret ones are never drawn. */
struct wz_field {
	char	 buf[WZ_FIELD_MAX];
	size_t	 len;
};

/* One line of the probe's report (a copy of a wizard_attempt). */
struct wz_line {
	struct wizard_attempt	 at;	/* at.cand.host is owned */
};

/* What the probe thread sends when it is finished. */
struct wz_done {
	int			 in_ok;
	int			 smtp_ok;
	struct wizard_candidate	 in;		/* hosts owned */
	struct wizard_candidate	 smtp;
	char			 error[ERROR_MSG_MAX];
	char			 smtp_error[ERROR_MSG_MAX];
};

/* An event from the probe thread: an attempt, or done when at is NULL. */
struct wz_event {
	struct wizard_attempt	*at;		/* owned, host too */
	struct wz_done		*done;
};

struct wz {
	const struct ui_wizard_params	*params;
	enum wz_screen		 screen;
	enum wz_screen		 back[WZ_NSCREENS * 2];
	size_t			 nback;
	int			 quit;		/* 1 cancelled, 2 saved */
	int			 dirty;
	char			 message[ERROR_MSG_MAX];
	int			 message_is_error;

	struct wz_field		 name;
	struct wz_field		 email;
	struct wz_field		 pass;		/* wiped as soon as done */
	struct wz_field		 command;
	struct wz_field		 confirm;	/* "yes" to pin */
	struct wz_field		 manual[WZ_NMANUAL];
	int			 manual_cur;
	int			 menu_cur;

	enum backend_kind	 backend;
	char			*domain;
	struct wizard_provider	*prov;		/* what the probe tries */
	int			 prov_known;	/* from the data file */
	int			 user_auto;	/* manual[7] is autoconfig's */

	/* The probe, on its own thread. */
	pthread_t		 thread;
	struct wizard_probe	*probe;		/* the thread's while running */
	int			 running;
	int			 back_pending;	/* Esc during the probe */
	atomic_int		 cancel;
	struct chan		*events;
	struct wz_line		*lines;
	size_t			 nlines;
	struct wz_done		*done;		/* the last result */
	char			**pins;		/* "HOST FP" */
	size_t			 npins;
	size_t			 cert_line;	/* line whose cert is shown */
	size_t			 summary_top;	/* first row of the report */
	size_t			 summary_page;	/* its rows on the screen */

	/* Storing the password and saving. */
	int			 has_pass;	/* pass(1) is installed */
	struct crypto_key	*keys;
	size_t			 nkeys;
	enum wz_store		 stores[WZ_NSTORES];	/* offered, in order */
	size_t			 nstores;
	enum wz_store		 store;
	size_t			 key_cur;
	char			*account_id;
	char			*check_text;	/* postern --check's lines */
	int			 check_ok;
};

/* wizard.c */
void	 wz_message(struct wz *, int is_error, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	 wz_field_wipe(struct wz_field *);
int	 wz_text(int y, int x, struct ui_style, const char *);
/* Word-wrapped from row y at column x; returns the rows used. */
int	 wz_para(int y, int x, struct ui_style, const char *);
void	 wz_draw_menu(int y, const char *const *items, size_t n, int cur);
void	 wz_menu_key(struct wz *, int key, int is_func, size_t n);
int	 wz_is_enter(int key, int is_func);
void	 wz_go(struct wz *, enum wz_screen);
void	 wz_draw(struct wz *);

/* wizsave.c: where the password goes, Save, the check. */
void	 wz_store_menu(struct wz *);
void	 wz_key_store(struct wz *, int key, int is_func);
void	 wz_key_save(struct wz *, int key, int is_func);
void	 wz_draw_save(struct wz *);

#endif
