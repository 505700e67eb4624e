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

void cli_window_free(struct cli_window *w)
{
	if (!w)
		return;
	exposure_free(w->open);
	g_free(w->tip_file);
	g_free(w);
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
static struct cli_window *windows_open(const struct finding *f, const srcset *internet)
{
	struct cli_window *w;
	exposure *region = NULL;

	if (!f->setting_key) {
		region = f->widened_set ? exposure_copy(f->widened_set) : NULL;
		if (!region || exposure_is_empty(region)) {
			exposure_free(region);
			return NULL;
		}
		if (internet) {
			exposure *public = exposure_restrict_sources(region, internet);

			if (exposure_is_empty(public)) {
				exposure_free(public);
			} else {
				exposure_free(region);
				region = public;
			}
		}
	}
	w = g_new0(struct cli_window, 1);
	w->opened = f;
	w->open = region;
	return w;
}

static bool windows_same_resource(const struct cli_window *w, const struct finding *f)
{
	return strcmp(w->opened->resource, f->resource) == 0;
}

/* Applies a narrowing (DW-NET-900) or a setting made safe (DW-SET-900). */
static void windows_close(GPtrArray *open, const struct finding *f)
{
	const exposure *narrowed = NULL;

	if (strcmp(f->rule->id, RULE_NET_900) == 0)
		narrowed = f->widened_set;
	for (guint i = 0; i < open->len;) {
		struct cli_window *w = open->pdata[i];
		bool closes = false;

		if (!windows_same_resource(w, f)) {
			i++;
			continue;
		}
		if (w->open && narrowed) {
			exposure *left = exposure_subtract(w->open, narrowed);

			exposure_free(w->open);
			w->open = left;
			closes = exposure_is_empty(left);
		} else if (!w->open && f->setting_key && strcmp(f->rule->id, RULE_SET_900) == 0) {
			closes = g_strcmp0(w->opened->setting_key, f->setting_key) == 0;
		}
		if (closes) {
			w->closed = f;
			g_ptr_array_remove_index(open, i);
		} else {
			i++;
		}
	}
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
	g_autoptr(GDateTime) from = windows_date(w->opened->date);
	g_autoptr(GDateTime) to = w->closed ? windows_date(w->closed->date)
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

	if ((x->closed == NULL) != (y->closed == NULL))
		return x->closed ? 1 : -1;
	return x->days < y->days ? 1 : x->days > y->days ? -1 : 0;
}

GPtrArray *cli_windows_new(GPtrArray *findings, gint64 tip_time, const srcset *internet)
{
	GPtrArray *all = g_ptr_array_new_with_free_func((GDestroyNotify)cli_window_free);
	g_autoptr(GPtrArray) open = g_ptr_array_new();

	for (guint i = 0; i < findings->len; i++) {
		const struct finding *f = findings->pdata[i];
		struct cli_window *w;

		if (f->severity == SEVERITY_INFO) {
			windows_close(open, f);
		} else if (windows_opens(f) && (w = windows_open(f, internet))) {
			g_ptr_array_add(all, w);
			g_ptr_array_add(open, w);
		}
	}
	for (guint i = 0; i < all->len; i++) {
		struct cli_window *w = all->pdata[i];

		w->days = windows_days(w, tip_time);
	}
	g_ptr_array_sort(all, windows_order);
	return all;
}

/* "2026-03-16" from an ISO 8601 date. New string. */
static char *windows_day(const char *iso)
{
	return g_strndup(iso ? iso : "", 10);
}

/* "Sam Migrate" from "Sam Migrate <sam@example.com>", escaped. */
static char *windows_who(const struct finding *f)
{
	const char *lt = f->author ? strstr(f->author, " <") : NULL;
	g_autofree char *name = lt ? g_strndup(f->author, lt - f->author) : g_strdup(f->author);

	return cli_escape(name ? name : "");
}

/* One line within 120 columns: "OPEN CRITICAL DW-NET-001 res: region, 2026-03-16 @abc by Sam". */
static void windows_text_compact(FILE *out, const struct cli_window *w)
{
	const struct finding *o = w->opened;
	g_autofree char *sev = g_ascii_strup(severity_name(o->severity), -1);
	g_autofree char *cut = cli_text_cut(o->after ? o->after : o->widened, 1);
	g_autofree char *what = cli_escape(cut);
	g_autofree char *res = cli_escape(o->resource);
	g_autofree char *day = windows_day(o->date);
	g_autofree char *who = windows_who(o);
	g_autofree char *line = NULL, *fitted = NULL;

	if (w->closed) {
		g_autofree char *closer = windows_who(w->closed);

		line = g_strdup_printf("closed %s %s %s: %s; %s %.12s by %s, closed by %s after %.1f days",
		                       sev, o->rule->id, res, what, day, o->commit, who, closer,
		                       w->days);
	} else {
		line = g_strdup_printf("OPEN %s %s %s: %s; since %s %.12s by %s", sev, o->rule->id,
		                       res, what, day, o->commit, who);
	}
	fitted = cli_text_fit(line, 120);
	fprintf(out, "%s\n", fitted);
}

static void windows_text_one(FILE *out, const struct cli_window *w)
{
	const struct finding *o = w->opened;
	g_autofree char *sev = g_ascii_strup(severity_name(o->severity), -1);
	g_autofree char *res = cli_escape(o->resource);
	/* What the change let in, as people read it (after rather than the
	 * long Internet-minus-private list), cut short. */
	g_autofree char *what = cli_text_cut(o->after ? o->after : o->widened, 3);
	g_autofree char *region = cli_escape(what);
	g_autofree char *opened_day = windows_day(o->date);
	g_autofree char *opener = windows_who(o);

	fprintf(out, "  %-6s %s %s %s: %s\n", w->closed ? "closed" : "OPEN", sev, o->rule->id, res, region);
	fprintf(out, "         opened %.12s %s by %s", o->commit ? o->commit : "", opened_day, opener);
	if (w->closed) {
		g_autofree char *closed_day = windows_day(w->closed->date);
		g_autofree char *closer = windows_who(w->closed);

		fprintf(out, "; closed %.12s %s by %s, after %.1f days\n", w->closed->commit, closed_day,
		        closer, w->days);
	} else {
		fprintf(out, "; open at the tip, %.1f days after\n", w->days);
	}
}

void cli_windows_text(FILE *out, const struct cli_common *c, bool compact)
{
	guint open = 0, shown = 0;

	if (!c->windows || c->windows->len == 0)
		return;
	for (guint i = 0; i < c->windows->len; i++)
		open += ((struct cli_window *)c->windows->pdata[i])->closed == NULL;
	fprintf(out, "\nExposure windows: %u, %u still open at the tip\n", c->windows->len, open);
	for (guint i = 0; i < c->windows->len; i++) {
		const struct cli_window *w = c->windows->pdata[i];

		/* Every open one; of the closed, the longest. */
		if (w->closed && (!cli_finding_shown(c, w->opened) || shown >= open + CLI_WINDOWS_CLOSED_SHOWN))
			continue;
		if (compact)
			windows_text_compact(out, w);
		else
			windows_text_one(out, w);
		shown++;
	}
}

static void windows_json_end(JsonBuilder *b, const char *name, const struct finding *f)
{
	json_builder_set_member_name(b, name);
	if (!f) {
		json_builder_add_null_value(b);
		return;
	}
	json_builder_begin_object(b);
	cli_json_member(b, "commit", f->commit);
	cli_json_member(b, "author", f->author);
	cli_json_member(b, "date", f->date);
	cli_json_member(b, "subject", f->subject);
	cli_json_member(b, "finding", f->id);
	json_builder_end_object(b);
}

void cli_windows_json(JsonBuilder *b, const struct cli_common *c)
{
	if (!c->windows)
		return;
	json_builder_set_member_name(b, "windows");
	json_builder_begin_array(b);
	for (guint i = 0; i < c->windows->len; i++) {
		const struct cli_window *w = c->windows->pdata[i];
		g_autofree char *left = w->open ? exposure_to_string(w->open) : NULL;

		json_builder_begin_object(b);
		cli_json_member(b, "resource", w->opened->resource);
		cli_json_member(b, "rule", w->opened->rule->id);
		cli_json_member(b, "severity", severity_name(w->opened->severity));
		cli_json_member(b, "region", w->opened->widened);
		cli_json_member(b, "setting", w->opened->setting_key);
		json_builder_set_member_name(b, "open_at_tip");
		json_builder_add_boolean_value(b, w->closed == NULL);
		if (!w->closed && left)
			cli_json_member(b, "still_open", left);
		if (w->tip_file) {
			cli_json_member(b, "tip_file", w->tip_file);
			json_builder_set_member_name(b, "tip_line");
			json_builder_add_int_value(b, w->tip_line);
		}
		windows_json_end(b, "opened", w->opened);
		windows_json_end(b, "closed", w->closed);
		json_builder_set_member_name(b, "days");
		json_builder_add_double_value(b, w->days);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}
