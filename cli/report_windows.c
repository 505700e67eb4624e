/*
 * report_windows.c - exposure windows: for every widening an audit found,
 * how long it stayed open, who opened it and who closed it.
 *
 * Computed from the audit's findings in commit order, info included:
 *  - a network finding (DW-NET-0xx) opens a window over its widened
 *    region on its resource; a later DW-NET-900 on the same resource
 *    subtracts what it narrowed, and the window closes at the commit that
 *    leaves nothing of it open. A window is per resource and region, and
 *    resources keep their identity across renames and moves (extract.h),
 *    so a rename neither closes nor opens one.
 *  - a settings finding (DW-SET-0xx) opens a window on its resource and
 *    key; a later DW-SET-900 on that key (the value no longer flagged)
 *    closes it.
 * Findings with no region to follow (a removed NSG, a file that could not
 * be checked, an unknown value) open no window.
 */
#include "cli.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

/* Where a closed window's record is, and what sorting and the text's
 * choice of closed windows need without reading it back. */
struct cli_windows_closed {
	double days;
	guint64 seq;           /* the window's seq: as long ones keep the order they opened in */
	guint64 at;            /* offset in the spill file, or in records */
	guint32 len;
	guint8 in_file;
	guint8 severity;
};

static void windows_end_clear(struct cli_window_end *e)
{
	g_free(e->commit);
	g_free(e->author);
	g_free(e->date);
	g_free(e->subject);
	g_free(e->finding);
}

static void windows_window_free(struct cli_window *w)
{
	if (!w)
		return;
	g_free(w->resource);
	g_free(w->widened);
	g_free(w->after);
	g_free(w->setting_key);
	windows_end_clear(&w->opened);
	windows_end_clear(&w->closed);
	exposure_free(w->open);
	g_free(w->tip_file);
	g_free(w);
}

/* The file closed windows are written to: made and unlinked at once in
 * g_get_tmp_dir() ($TMPDIR), so nothing is left behind even on a crash.
 * Unbuffered, so that a write that fails says so at once. NULL when none
 * can be made: the records stay in memory. */
static FILE *windows_spill_open(char **why)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *path = NULL;
	int fd = g_file_open_tmp("driftwatch-windows-XXXXXX", &path, &error);
	FILE *f;

	if (fd < 0) {
		*why = g_strdup(error->message);
		return NULL;
	}
	g_unlink(path);
	f = fdopen(fd, "w+b");
	if (!f) {
		*why = g_strdup(g_strerror(errno));
		close(fd);
		return NULL;
	}
	setvbuf(f, NULL, _IONBF, 0);
	return f;
}

static void windows_held_clear(gpointer data)
{
	struct cli_windows_held *h = data;

	finding_free(h->finding);
}

struct cli_windows *cli_windows_new(const srcset *internet, bool keep_tip)
{
	struct cli_windows *ws = g_new0(struct cli_windows, 1);

	ws->open_order = g_queue_new();
	ws->open = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	                                 (GDestroyNotify)g_ptr_array_unref);
	ws->closed = g_array_new(FALSE, FALSE, sizeof(struct cli_windows_closed));
	ws->spill = windows_spill_open(&ws->spill_error);
	ws->records = g_byte_array_new();
	ws->held = g_array_new(FALSE, FALSE, sizeof(struct cli_windows_held));
	g_array_set_clear_func(ws->held, windows_held_clear);
	ws->keep_tip = keep_tip;
	ws->internet = internet;
	return ws;
}

void cli_windows_free(struct cli_windows *ws)
{
	struct cli_window *w;

	if (!ws)
		return;
	while ((w = g_queue_pop_head(ws->open_order))) {
		/* Before the end, an open window owns its opening finding. */
		if (!ws->ended)
			finding_free(w->opening);
		windows_window_free(w);
	}
	g_queue_free(ws->open_order);
	g_hash_table_unref(ws->open);
	if (ws->opened)
		g_ptr_array_unref(ws->opened);
	g_array_unref(ws->closed);
	if (ws->spill)
		fclose(ws->spill);
	g_free(ws->spill_error);
	g_byte_array_unref(ws->records);
	windows_window_free(ws->read);
	g_array_unref(ws->held);
	g_free(ws);
}

bool cli_windows_ended(const struct cli_windows *ws)
{
	return ws && ws->ended;
}

guint cli_windows_len(const struct cli_windows *ws)
{
	return ws->open_order->length + ws->closed->len;
}

static void windows_end_set(struct cli_window_end *end, const struct finding *f)
{
	end->commit = g_strdup(f->commit);
	end->author = g_strdup(f->author);
	end->date = g_strdup(f->date);
	end->subject = g_strdup(f->subject);
	end->finding = g_strdup(f->id);
}

static bool windows_opens(const struct finding *f)
{
	return f->severity > SEVERITY_INFO && !f->unchecked &&
	       (finding_family(f) == RULE_FAMILY_NET || finding_family(f) == RULE_FAMILY_SET);
}

/*
 * The window f opens, or NULL when it has no region to follow. A finding
 * graded by the Internet follows the Internet part of what it widened
 * (internet, the pack's): the window closes when the Internet is shut out,
 * even if private sources keep what they were given with it.
 */
static struct cli_window *windows_open(struct cli_windows *ws, const struct finding *f)
{
	struct cli_window *w;
	exposure *region = NULL;

	if (!f->setting_key) {
		region = f->widened_set ? exposure_copy(f->widened_set) : NULL;
		if (!region || exposure_is_empty(region)) {
			exposure_free(region);
			return NULL;
		}
		if (ws->internet) {
			exposure *public = exposure_restrict_sources(region, ws->internet);

			if (exposure_is_empty(public)) {
				exposure_free(public);
			} else {
				exposure_free(region);
				region = public;
			}
		}
	}
	w = g_new0(struct cli_window, 1);
	w->rule = f->rule;
	w->severity = f->severity;
	w->resource = g_strdup(f->resource);
	w->widened = g_strdup(f->widened);
	w->after = g_strdup(f->after);
	w->setting_key = g_strdup(f->setting_key);
	windows_end_set(&w->opened, f);
	w->open = region;
	return w;
}

static GDateTime *windows_date(const char *iso)
{
	g_autoptr(GTimeZone) utc = g_time_zone_new_utc();

	return iso ? g_date_time_new_from_iso8601(iso, utc) : NULL;
}

/* Days from opening to closing, or to the tip's date for a window still
 * open: the same history always gives the same report. */
static double windows_days(const struct cli_window *w, gint64 tip_time)
{
	g_autoptr(GDateTime) from = windows_date(w->opened.date);
	g_autoptr(GDateTime) to = w->is_closed ? windows_date(w->closed.date)
	                                       : g_date_time_new_from_unix_utc(tip_time);

	if (!from || !to)
		return 0;
	return MAX(g_date_time_difference(to, from), 0) / (double)G_TIME_SPAN_DAY;
}

/*
 * A closed window's record: its rule (a pointer: the record never leaves
 * this process, and the pack outlives the windows), severity and days,
 * then its strings, each a 32-bit length (G_MAXUINT32 for NULL) and bytes.
 */
static void windows_put_string(GByteArray *r, const char *s)
{
	guint32 len = s ? (guint32)MIN(strlen(s), (size_t)G_MAXUINT32 - 1) : G_MAXUINT32;

	g_byte_array_append(r, (const guint8 *)&len, sizeof len);
	if (s)
		g_byte_array_append(r, (const guint8 *)s, len);
}

static void windows_put_end(GByteArray *r, const struct cli_window_end *e)
{
	windows_put_string(r, e->commit);
	windows_put_string(r, e->author);
	windows_put_string(r, e->date);
	windows_put_string(r, e->subject);
	windows_put_string(r, e->finding);
}

static GByteArray *windows_record(const struct cli_window *w)
{
	GByteArray *r = g_byte_array_sized_new(512);
	guint8 severity = (guint8)w->severity;

	g_byte_array_append(r, (const guint8 *)&w->rule, sizeof w->rule);
	g_byte_array_append(r, &severity, 1);
	g_byte_array_append(r, (const guint8 *)&w->days, sizeof w->days);
	windows_put_string(r, w->resource);
	windows_put_string(r, w->widened);
	windows_put_string(r, w->after);
	windows_put_string(r, w->setting_key);
	windows_put_end(r, &w->opened);
	windows_put_end(r, &w->closed);
	return r;
}

/* Reads len bytes at *p of a record that ends at end; false past it. */
static bool windows_take(void *out, const guint8 **p, const guint8 *end, size_t len)
{
	if ((size_t)(end - *p) < len)
		return false;
	memcpy(out, *p, len);
	*p += len;
	return true;
}

static bool windows_take_string(char **out, const guint8 **p, const guint8 *end)
{
	guint32 len;

	if (!windows_take(&len, p, end, sizeof len))
		return false;
	if (len == G_MAXUINT32)
		return true;
	if ((size_t)(end - *p) < len)
		return false;
	*out = g_strndup((const char *)*p, len);
	*p += len;
	return true;
}

static bool windows_take_end(struct cli_window_end *e, const guint8 **p, const guint8 *end)
{
	return windows_take_string(&e->commit, p, end) && windows_take_string(&e->author, p, end) &&
	       windows_take_string(&e->date, p, end) && windows_take_string(&e->subject, p, end) &&
	       windows_take_string(&e->finding, p, end);
}

/* The closed window a record holds; NULL when it is not whole. */
static struct cli_window *windows_unrecord(const guint8 *p, size_t len)
{
	const guint8 *end = p + len;
	struct cli_window *w = g_new0(struct cli_window, 1);
	guint8 severity;

	w->is_closed = true;
	if (windows_take(&w->rule, &p, end, sizeof w->rule) &&
	    windows_take(&severity, &p, end, 1) && windows_take(&w->days, &p, end, sizeof w->days) &&
	    windows_take_string(&w->resource, &p, end) && windows_take_string(&w->widened, &p, end) &&
	    windows_take_string(&w->after, &p, end) && windows_take_string(&w->setting_key, &p, end) &&
	    windows_take_end(&w->opened, &p, end) && windows_take_end(&w->closed, &p, end) &&
	    p == end) {
		w->severity = (enum severity)severity;
		return w;
	}
	windows_window_free(w);
	return NULL;
}

/* Writes w, closed, out (to the file while it takes them) and frees it. */
static void windows_put_away(struct cli_windows *ws, struct cli_window *w)
{
	g_autoptr(GByteArray) r = windows_record(w);
	struct cli_windows_closed c = { .days = w->days, .seq = w->seq, .len = r->len,
		                        .severity = (guint8)w->severity };

	errno = 0;
	if (ws->spill && !ws->spill_full && fwrite(r->data, 1, r->len, ws->spill) == r->len) {
		c.at = ws->spill_size;
		c.in_file = 1;
		ws->spill_size += r->len;
	} else {
		/* A short write leaves bytes no record points at: harmless; the
		 * file keeps the records it took, and takes no more. */
		if (!ws->spill_full && ws->spill)
			fprintf(stderr, "driftwatch: exposure windows: writing a temporary file in %s: %s; "
			                "keeping them in memory\n", g_get_tmp_dir(), g_strerror(errno));
		else if (!ws->spill_full)
			fprintf(stderr, "driftwatch: exposure windows: %s; keeping them in memory\n",
			        ws->spill_error);
		ws->spill_full = true;
		c.at = ws->records->len;
		g_byte_array_append(ws->records, r->data, r->len);
	}
	g_array_append_val(ws->closed, c);
	windows_window_free(w);
}

/* Applies a narrowing (DW-NET-900) or a setting made safe (DW-SET-900). */
static void windows_close(struct cli_windows *ws, const struct finding *f)
{
	GPtrArray *open = f->resource ? g_hash_table_lookup(ws->open, f->resource) : NULL;
	const exposure *narrowed = NULL;

	if (strcmp(f->rule->id, RULE_NET_900) == 0)
		narrowed = f->widened_set;
	for (guint i = 0; open && i < open->len;) {
		struct cli_window *w = open->pdata[i];
		bool closes = false;

		if (w->open && narrowed) {
			exposure *left = exposure_subtract(w->open, narrowed);

			exposure_free(w->open);
			w->open = left;
			closes = exposure_is_empty(left);
		} else if (!w->open && f->setting_key && strcmp(f->rule->id, RULE_SET_900) == 0) {
			closes = g_strcmp0(w->setting_key, f->setting_key) == 0;
		}
		if (!closes) {
			i++;
			continue;
		}
		w->is_closed = true;
		windows_end_set(&w->closed, f);
		w->days = windows_days(w, 0);
		g_ptr_array_remove_index(open, i);
		g_queue_delete_link(ws->open_order, w->link);
		/* No longer what holds at the tip. */
		g_clear_pointer(&w->opening, finding_free);
		windows_put_away(ws, w);
	}
	if (open && !open->len)
		g_hash_table_remove(ws->open, f->resource);
}

void cli_windows_add(struct cli_windows *ws, const struct finding *f)
{
	struct cli_window *w = NULL;
	guint64 seq = ws->seq++;

	if (f->severity == SEVERITY_INFO) {
		windows_close(ws, f);
		return;
	}
	if (!windows_opens(f) || !f->resource || !(w = windows_open(ws, f))) {
		if (ws->keep_tip) {
			struct cli_windows_held h = { seq, finding_copy(f) };

			g_array_append_val(ws->held, h);
		}
		return;
	}
	w->opening = finding_copy(f);
	w->seq = seq;
	g_queue_push_tail(ws->open_order, w);
	w->link = ws->open_order->tail;
	if (!g_hash_table_contains(ws->open, w->resource))
		g_hash_table_insert(ws->open, g_strdup(w->resource), g_ptr_array_new());
	g_ptr_array_add(g_hash_table_lookup(ws->open, w->resource), w);
}

/* Longest first; open windows as long keep the order they opened in (the sort is stable). */
static gint windows_open_order(gconstpointer a, gconstpointer b)
{
	const struct cli_window *x = *(const struct cli_window *const *)a;
	const struct cli_window *y = *(const struct cli_window *const *)b;

	return x->days < y->days ? 1 : x->days > y->days ? -1 : 0;
}

static gint windows_closed_order(gconstpointer a, gconstpointer b)
{
	const struct cli_windows_closed *x = a, *y = b;

	if (x->days != y->days)
		return x->days < y->days ? 1 : -1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

GPtrArray *cli_windows_end(struct cli_windows *ws, gint64 tip_time)
{
	GPtrArray *tip = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	GList *l = ws->open_order->head;
	guint h = 0;

	g_return_val_if_fail(!ws->ended, tip);
	ws->ended = true;
	ws->opened = g_ptr_array_sized_new(ws->open_order->length);
	/* What holds at the tip, in commit order: the open windows' opening
	 * findings and the held ones, each list already in that order. The
	 * tip's array takes the findings; open windows borrow theirs. */
	while (l || h < ws->held->len) {
		struct cli_window *w = l ? l->data : NULL;

		struct cli_windows_held *held =
		        h < ws->held->len ? &g_array_index(ws->held, struct cli_windows_held, h) : NULL;

		if (w && (!held || w->seq < held->seq)) {
			w->days = windows_days(w, tip_time);
			g_ptr_array_add(ws->opened, w);
			g_ptr_array_add(tip, w->opening);
			l = l->next;
		} else {
			g_ptr_array_add(tip, g_steal_pointer(&held->finding));
			h++;
		}
	}
	g_hash_table_remove_all(ws->open);
	g_ptr_array_sort(ws->opened, windows_open_order);
	g_array_sort(ws->closed, windows_closed_order);
	return tip;
}

const struct cli_window *cli_windows_nth(struct cli_windows *ws, guint i)
{
	const struct cli_windows_closed *c;
	g_autofree guint8 *bytes = NULL;
	const guint8 *p;

	g_return_val_if_fail(ws->ended && i < cli_windows_len(ws), NULL);
	if (i < ws->opened->len)
		return ws->opened->pdata[i];
	c = &g_array_index(ws->closed, struct cli_windows_closed, i - ws->opened->len);
	g_clear_pointer(&ws->read, windows_window_free);
	if (c->in_file) {
		bytes = g_malloc(c->len);
		if (fseeko(ws->spill, (off_t)c->at, SEEK_SET) != 0 ||
		    fread(bytes, 1, c->len, ws->spill) != c->len) {
			fprintf(stderr, "driftwatch: exposure windows: reading a temporary file: %s\n",
			        g_strerror(errno));
			return NULL;
		}
		p = bytes;
	} else {
		p = ws->records->data + c->at;
	}
	ws->read = windows_unrecord(p, c->len);
	if (!ws->read)
		fprintf(stderr, "driftwatch: exposure windows: a record read back is not whole\n");
	return ws->read;
}

/* "2026-03-16" from an ISO 8601 date. New string. */
static char *windows_day(const char *iso)
{
	return g_strndup(iso ? iso : "", 10);
}

/* "Sam Migrate" from "Sam Migrate <sam@example.com>", escaped. */
static char *windows_who(const struct cli_window_end *e)
{
	const char *lt = e->author ? strstr(e->author, " <") : NULL;
	g_autofree char *name = lt ? g_strndup(e->author, lt - e->author) : g_strdup(e->author);

	return cli_escape(name ? name : "");
}

/* One line within 120 columns: "OPEN CRITICAL DW-NET-001 res: region, 2026-03-16 @abc by Sam". */
static void windows_text_compact(FILE *out, const struct cli_window *w)
{
	g_autofree char *sev = g_ascii_strup(severity_name(w->severity), -1);
	g_autofree char *cut = cli_text_cut(w->after ? w->after : w->widened, 1);
	g_autofree char *what = cli_escape(cut);
	g_autofree char *res = cli_escape(w->resource);
	g_autofree char *day = windows_day(w->opened.date);
	g_autofree char *who = windows_who(&w->opened);
	g_autofree char *line = NULL, *fitted = NULL;

	if (w->is_closed) {
		g_autofree char *closer = windows_who(&w->closed);

		line = g_strdup_printf("closed %s %s %s: %s; %s %.12s by %s, closed by %s after %.1f days",
		                       sev, w->rule->id, res, what, day, w->opened.commit, who, closer,
		                       w->days);
	} else {
		line = g_strdup_printf("OPEN %s %s %s: %s; since %s %.12s by %s", sev, w->rule->id,
		                       res, what, day, w->opened.commit, who);
	}
	fitted = cli_text_fit(line, 120);
	fprintf(out, "%s\n", fitted);
}

static void windows_text_one(FILE *out, const struct cli_window *w)
{
	g_autofree char *sev = g_ascii_strup(severity_name(w->severity), -1);
	g_autofree char *res = cli_escape(w->resource);
	/* What the change let in, as people read it (after rather than the
	 * long Internet-minus-private list), cut short. */
	g_autofree char *what = cli_text_cut(w->after ? w->after : w->widened, 3);
	g_autofree char *region = cli_escape(what);
	g_autofree char *opened_day = windows_day(w->opened.date);
	g_autofree char *opener = windows_who(&w->opened);

	fprintf(out, "  %-6s %s %s %s: %s\n", w->is_closed ? "closed" : "OPEN", sev, w->rule->id, res,
	        region);
	fprintf(out, "         opened %.12s %s by %s", w->opened.commit ? w->opened.commit : "",
	        opened_day, opener);
	if (w->is_closed) {
		g_autofree char *closed_day = windows_day(w->closed.date);
		g_autofree char *closer = windows_who(&w->closed);

		fprintf(out, "; closed %.12s %s by %s, after %.1f days\n", w->closed.commit, closed_day,
		        closer, w->days);
	} else {
		fprintf(out, "; open at the tip, %.1f days after\n", w->days);
	}
}

void cli_windows_text(FILE *out, const struct cli_common *c, bool compact)
{
	struct cli_windows *ws = c->windows;
	guint open, shown = 0;

	if (!cli_windows_ended(ws) || cli_windows_len(ws) == 0)
		return;
	open = ws->opened->len;
	fprintf(out, "\nExposure windows: %u, %u still open at the tip\n", cli_windows_len(ws), open);
	for (guint i = 0; i < cli_windows_len(ws) && shown < open + CLI_WINDOWS_CLOSED_SHOWN; i++) {
		const struct cli_window *w;

		/* Every open one; of the closed, the longest shown. */
		if (i >= open && g_array_index(ws->closed, struct cli_windows_closed, i - open).severity <
		                         c->show_from)
			continue;
		if (!(w = cli_windows_nth(ws, i)))
			continue;
		if (compact)
			windows_text_compact(out, w);
		else
			windows_text_one(out, w);
		shown++;
	}
}

static void windows_json_end(JsonBuilder *b, const char *name, const struct cli_window_end *e)
{
	json_builder_set_member_name(b, name);
	if (!e) {
		json_builder_add_null_value(b);
		return;
	}
	json_builder_begin_object(b);
	cli_json_member(b, "commit", e->commit);
	cli_json_member(b, "author", e->author);
	cli_json_member(b, "date", e->date);
	cli_json_member(b, "subject", e->subject);
	cli_json_member(b, "finding", e->finding);
	json_builder_end_object(b);
}

void cli_window_json(JsonBuilder *b, const struct cli_window *w)
{
	g_autofree char *left = w->open ? exposure_to_string(w->open) : NULL;

	json_builder_begin_object(b);
	cli_json_member(b, "resource", w->resource);
	cli_json_member(b, "rule", w->rule->id);
	cli_json_member(b, "severity", severity_name(w->severity));
	cli_json_member(b, "region", w->widened);
	cli_json_member(b, "setting", w->setting_key);
	json_builder_set_member_name(b, "open_at_tip");
	json_builder_add_boolean_value(b, !w->is_closed);
	if (!w->is_closed && left)
		cli_json_member(b, "still_open", left);
	if (w->tip_file) {
		cli_json_member(b, "tip_file", w->tip_file);
		json_builder_set_member_name(b, "tip_line");
		json_builder_add_int_value(b, w->tip_line);
	}
	windows_json_end(b, "opened", &w->opened);
	windows_json_end(b, "closed", w->is_closed ? &w->closed : NULL);
	json_builder_set_member_name(b, "days");
	json_builder_add_double_value(b, w->days);
	json_builder_end_object(b);
}

void cli_windows_json(JsonBuilder *b, const struct cli_common *c)
{
	if (!cli_windows_ended(c->windows))
		return;
	json_builder_set_member_name(b, "windows");
	json_builder_begin_array(b);
	for (guint i = 0; i < cli_windows_len(c->windows); i++) {
		const struct cli_window *w = cli_windows_nth(c->windows, i);

		if (w)
			cli_window_json(b, w);
	}
	json_builder_end_array(b);
}
