/*
 * debounce.c - one call per burst of file events.
 *
 * git writes a ref as NAME.lock and renames it, a pull touches FETCH_HEAD,
 * the remote refs, the local branch and HEAD's reflog; a rebase rewrites
 * a branch once per commit. Waiting for quiet, with a cap, turns each of
 * those into one analysis.
 */
#include "monitor_private.h"

#include <string.h>

struct debounce {
	guint quiet_ms;
	guint max_ms;
	debounce_fn fn;
	void *user_data;
	guint quiet_source; /* pending quiet timer, or 0 */
	guint max_source;   /* pending cap timer, or 0 */
};

struct debounce *debounce_new(guint quiet_ms, guint max_ms, debounce_fn fn, void *user_data)
{
	struct debounce *d = g_new0(struct debounce, 1);

	d->quiet_ms = quiet_ms;
	d->max_ms = MAX(max_ms, quiet_ms);
	d->fn = fn;
	d->user_data = user_data;
	return d;
}

void debounce_cancel(struct debounce *d)
{
	g_clear_handle_id(&d->quiet_source, g_source_remove);
	g_clear_handle_id(&d->max_source, g_source_remove);
}

static void debounce_fire(struct debounce *d)
{
	debounce_cancel(d);
	d->fn(d->user_data);
}

static gboolean debounce_on_quiet(gpointer user_data)
{
	struct debounce *d = user_data;

	d->quiet_source = 0;
	debounce_fire(d);
	return G_SOURCE_REMOVE;
}

static gboolean debounce_on_max(gpointer user_data)
{
	struct debounce *d = user_data;

	d->max_source = 0;
	debounce_fire(d);
	return G_SOURCE_REMOVE;
}

void debounce_poke(struct debounce *d)
{
	g_clear_handle_id(&d->quiet_source, g_source_remove);
	d->quiet_source = g_timeout_add(d->quiet_ms, debounce_on_quiet, d);
	if (!d->max_source)
		d->max_source = g_timeout_add(d->max_ms, debounce_on_max, d);
}

void debounce_free(struct debounce *d)
{
	if (!d)
		return;
	debounce_cancel(d);
	g_free(d);
}

bool debounce_name_relevant(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	return n > 0 && !(n >= 5 && strcmp(name + n - 5, ".lock") == 0);
}
