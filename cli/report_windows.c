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

#include <string.h>

static void windows_window_free(struct cli_window *w)
{
	exposure_free(w->open);
	g_free(w->tip_file);
	g_free(w);
}

struct cli_windows *cli_windows_new(const srcset *internet)
{
	struct cli_windows *ws = g_new0(struct cli_windows, 1);

	ws->all = g_ptr_array_new_with_free_func((GDestroyNotify)windows_window_free);
	ws->open = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
	                                 (GDestroyNotify)g_ptr_array_unref);
	ws->held = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
	ws->strings = g_string_chunk_new(64 << 10);
	ws->internet = internet;
	return ws;
}

void cli_windows_free(struct cli_windows *ws)
{
	if (!ws)
		return;
	g_ptr_array_unref(ws->all);
	g_hash_table_unref(ws->open);
	g_ptr_array_unref(ws->held);
	g_string_chunk_free(ws->strings);
	g_free(ws);
}

/* A string kept by the windows, one copy of each (NULL stays NULL). */
static const char *windows_keep(struct cli_windows *ws, const char *s)
{
	return s ? g_string_chunk_insert_const(ws->strings, s) : NULL;
}

static void windows_end_set(struct cli_windows *ws, struct cli_window_end *end,
                            const struct finding *f)
{
	end->commit = windows_keep(ws, f->commit);
	end->author = windows_keep(ws, f->author);
	end->date = windows_keep(ws, f->date);
	end->subject = windows_keep(ws, f->subject);
	end->finding = windows_keep(ws, f->id);
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
	w->resource = windows_keep(ws, f->resource);
	w->widened = windows_keep(ws, f->widened);
	w->after = windows_keep(ws, f->after);
	w->setting_key = windows_keep(ws, f->setting_key);
	windows_end_set(ws, &w->opened, f);
	w->open = region;
	return w;
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
		windows_end_set(ws, &w->closed, f);
		g_clear_pointer(&w->open, exposure_free);
		/* No longer what holds at the tip. */
		g_clear_pointer(&ws->held->pdata[w->held_at], finding_free);
		w->opening = NULL;
		g_ptr_array_remove_index(open, i);
	}
}

void cli_windows_add(struct cli_windows *ws, const struct finding *f)
{
	struct cli_window *w = NULL;
	struct finding *copy;

	if (f->severity == SEVERITY_INFO) {
		windows_close(ws, f);
		return;
	}
	copy = finding_copy(f);
	g_ptr_array_add(ws->held, copy);
	if (!windows_opens(f) || !f->resource || !(w = windows_open(ws, f)))
		return;
	w->opening = copy;
	w->held_at = ws->held->len - 1;
	g_ptr_array_add(ws->all, w);
	if (!g_hash_table_contains(ws->open, w->resource))
		g_hash_table_insert(ws->open, (gpointer)w->resource, g_ptr_array_new());
	g_ptr_array_add(g_hash_table_lookup(ws->open, w->resource), w);
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

/* Still open first (longest first), then the closed ones, longest first. */
static gint windows_order(gconstpointer a, gconstpointer b)
{
	const struct cli_window *x = *(const struct cli_window *const *)a;
	const struct cli_window *y = *(const struct cli_window *const *)b;

	if (x->is_closed != y->is_closed)
		return x->is_closed ? 1 : -1;
	return x->days < y->days ? 1 : x->days > y->days ? -1 : 0;
}

GPtrArray *cli_windows_end(struct cli_windows *ws, gint64 tip_time)
{
	GPtrArray *tip = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);

	for (guint i = 0; i < ws->all->len; i++) {
		struct cli_window *w = ws->all->pdata[i];

		w->days = windows_days(w, tip_time);
	}
	g_ptr_array_sort(ws->all, windows_order);
	g_hash_table_remove_all(ws->open);
	/* The copies move to the tip's array; open windows keep borrowing them. */
	for (guint i = 0; i < ws->held->len; i++) {
		if (ws->held->pdata[i])
			g_ptr_array_add(tip, ws->held->pdata[i]);
	}
	g_ptr_array_set_free_func(ws->held, NULL);
	g_ptr_array_set_size(ws->held, 0);
	return tip;
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
	GPtrArray *all = c->windows ? c->windows->all : NULL;
	guint open = 0, shown = 0;

	if (!all || all->len == 0)
		return;
	for (guint i = 0; i < all->len; i++)
		open += !((struct cli_window *)all->pdata[i])->is_closed;
	fprintf(out, "\nExposure windows: %u, %u still open at the tip\n", all->len, open);
	for (guint i = 0; i < all->len; i++) {
		const struct cli_window *w = all->pdata[i];

		/* Every open one; of the closed, the longest. */
		if (w->is_closed && (w->severity < c->show_from || shown >= open + CLI_WINDOWS_CLOSED_SHOWN))
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
	if (!c->windows)
		return;
	json_builder_set_member_name(b, "windows");
	json_builder_begin_array(b);
	for (guint i = 0; i < c->windows->all->len; i++)
		cli_window_json(b, c->windows->all->pdata[i]);
	json_builder_end_array(b);
}
