/*
 * extract.c - chooses the extractor for a file from the table of formats
 * (extract_formats.c): by name first, so the git walk can skip blobs
 * unread, then by a cheap scan of the bytes, so a file no extractor reads
 * is never parsed; a file only recognised is reported as not analysed.
 */
#define _GNU_SOURCE /* memmem(): glibc's two-way search, linear in the bytes */
#include <string.h>

#include "extract.h"
#include "extract_private.h"

/* Structured documents: the files whose bytes are asked what they are. */
static const char *const extract_suffixes[] = { ".json", ".yml", ".yaml", ".template" };

static bool extract_has_suffix_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && g_ascii_strcasecmp(s + n - m, suffix) == 0;
}

static bool extract_is_document(const char *path)
{
	for (size_t i = 0; i < G_N_ELEMENTS(extract_suffixes); i++) {
		if (extract_has_suffix_ci(path, extract_suffixes[i]))
			return true;
	}
	return false;
}

bool extract_path_may_match(const char *path)
{
	size_t n;
	const struct extract_format *t = extract_format_table(&n);

	if (extract_is_document(path))
		return true;
	for (size_t i = 0; i < n; i++) {
		if (t[i].name != NULL && t[i].name(path) != NULL)
			return true;
	}
	return false;
}

/* The first of lo and up in [p, end), or NULL; *next_lo and *next_up
 * remember where each was last found, so a scan stays linear. */
static const char *extract_next_either(const char *p, const char *end, char lo, char up,
                                       const char **next_lo, const char **next_up)
{
	if (*next_lo != NULL && *next_lo < p)
		*next_lo = memchr(p, lo, (size_t)(end - p));
	if (*next_up != NULL && *next_up < p)
		*next_up = memchr(p, up, (size_t)(end - p));
	if (*next_lo == NULL)
		return *next_up;
	if (*next_up == NULL)
		return *next_lo;
	return MIN(*next_lo, *next_up);
}

/* ARM resource types are case-insensitive; Kubernetes keys are not. */
bool extract_bytes_contain(const char *data, size_t len, const char *needle, bool ci)
{
	size_t m = strlen(needle);
	char lo = g_ascii_tolower(needle[0]);
	char up = g_ascii_toupper(needle[0]);
	const char *end, *next_lo, *next_up;

	/* Nothing is looked at in an empty file, whose bytes may be NULL. */
	if (m == 0 || len < m)
		return m == 0;
	if (!ci)
		return memmem(data, len, needle, m) != NULL;
	/* Candidates start before end; memchr finds them, both cases apart. */
	end = data + len - m + 1;
	next_lo = memchr(data, lo, (size_t)(end - data));
	next_up = lo == up ? next_lo : memchr(data, up, (size_t)(end - data));
	for (const char *p = data; p < end; p++) {
		p = extract_next_either(p, end, lo, up, &next_lo, &next_up);
		if (p == NULL)
			return false;
		if (g_ascii_strncasecmp(p, needle, m) == 0)
			return true;
	}
	return false;
}

/* Does data hold marker? One that starts a line ("\nservices:") may also start the file. */
bool extract_marker_found(const char *data, size_t len, const char *marker, bool ci)
{
	size_t m = strlen(marker + 1);

	if (marker[0] == '\n' && len >= m &&
	    (ci ? g_ascii_strncasecmp(data, marker + 1, m) : memcmp(data, marker + 1, m)) == 0)
		return true;
	return extract_bytes_contain(data, len, marker, ci);
}

/*
 * The table's markers, numbered once. A file's markers are found in one
 * pass over its bytes, where each marker of each row was a memmem over the
 * whole file: some fifty passes, 35% of an audit's time on 2 MB ARM
 * templates. At each position the two bytes, in lowercase, are looked up
 * in one bit table (maybe); only where some marker can start are they
 * looked up in each case set's table of the markers that start with them
 * (a chain, head[set][pair] - 1 its first). The set that ignores case
 * compares the bytes lowered, so no lowercase copy of the file is made.
 */
struct extract_markers {
	size_t n;
	const char *spelt[EXTRACT_MARKERS_MAX]; /* as the table spells it */
	char *text[EXTRACT_MARKERS_MAX];        /* as searched: lowercase when ci; owned, static */
	size_t len[EXTRACT_MARKERS_MAX];
	/* Its first eight bytes (fewer when shorter, mask8 says which),
	 * compared at once before the rest: "\n    ufw:" and its kind
	 * start like every indented line. */
	guint64 first8[EXTRACT_MARKERS_MAX], mask8[EXTRACT_MARKERS_MAX];
	bool ci[EXTRACT_MARKERS_MAX];
	guint8 next[EXTRACT_MARKERS_MAX];       /* the chain's next marker + 1, 0 at its end */
	guint8 head[2][1 << 16];                /* [ci][first two bytes]: the first marker + 1 */
	guint64 pairs[2][(1 << 16) / 64];       /* the same, a bit a pair: 8 KiB, which stays in cache */
	/* A bit for the two bytes, in lowercase, that some marker of either
	 * set starts with: the one test most positions need. */
	guint64 maybe[(1 << 16) / 64];
	guint8 lower[256];                      /* ASCII lowercase of each byte, a NUL too */
	/* Per row: the bits of its markers and of its requires. */
	guint64 row_markers[64][EXTRACT_MARKERS_MAX / 64];
	guint64 row_requires[64][EXTRACT_MARKERS_MAX / 64];
};

static void extract_markers_bit(guint64 *bits, size_t i)
{
	bits[i / 64] |= (guint64)1 << (i % 64);
}

/* The number of marker (ci its case rule), added when new. */
static size_t extract_markers_add(struct extract_markers *mk, const char *marker, bool ci)
{
	g_autofree char *text = ci ? g_ascii_strdown(marker, -1) : g_strdup(marker);
	size_t i;
	guint16 pair;

	for (i = 0; i < mk->n; i++) {
		if (mk->ci[i] == ci && strcmp(mk->text[i], text) == 0)
			return i;
	}
	/* Two bytes to look up by; a line's start is found by its '\n'. */
	g_assert(i < EXTRACT_MARKERS_MAX && strlen(text) >= 2);
	mk->spelt[i] = marker;
	mk->len[i] = strlen(text);
	memcpy(&mk->first8[i], text, MIN(mk->len[i], sizeof(guint64)));
	memset(&mk->mask8[i], 0xff, MIN(mk->len[i], sizeof(guint64)));
	mk->ci[i] = ci;
	pair = (guint16)((guint8)text[0] | (guint8)text[1] << 8);
	mk->next[i] = mk->head[ci][pair];
	mk->head[ci][pair] = (guint8)(i + 1);
	mk->pairs[ci][pair / 64] |= (guint64)1 << (pair % 64);
	pair = (guint16)(mk->lower[(guint8)text[0]] | mk->lower[(guint8)text[1]] << 8);
	mk->maybe[pair / 64] |= (guint64)1 << (pair % 64);
	mk->text[i] = g_steal_pointer(&text);
	mk->n = i + 1;
	return i;
}

static gpointer extract_markers_build(gpointer data)
{
	struct extract_markers *mk = g_new0(struct extract_markers, 1);
	size_t rows;
	const struct extract_format *t = extract_format_table(&rows);

	(void)data;
	g_assert(rows <= 64);
	for (unsigned c = 0; c < 256; c++)
		mk->lower[c] = (guint8)g_ascii_tolower((gchar)c);
	for (size_t r = 0; r < rows; r++) {
		for (size_t i = 0; t[r].markers != NULL && t[r].markers[i] != NULL; i++)
			extract_markers_bit(mk->row_markers[r], extract_markers_add(mk, t[r].markers[i], t[r].markers_ci));
		for (size_t i = 0; t[r].requires != NULL && t[r].requires[i] != NULL; i++)
			extract_markers_bit(mk->row_requires[r], extract_markers_add(mk, t[r].requires[i], t[r].markers_ci));
	}
	return mk;
}

static const struct extract_markers *extract_markers(void)
{
	static GOnce once = G_ONCE_INIT;

	return g_once(&once, extract_markers_build, NULL);
}

size_t extract_markers_count(void)
{
	return extract_markers()->n;
}

const char *extract_markers_nth(size_t i, bool *ci)
{
	const struct extract_markers *mk = extract_markers();

	g_return_val_if_fail(i < mk->n, NULL);
	*ci = mk->ci[i];
	return mk->spelt[i];
}

/* Do n bytes of data spell text (lowercase when ci, and data is compared in lowercase)? */
static bool extract_markers_equal(const struct extract_markers *mk, bool ci, const char *data,
                                  const char *text, size_t n)
{
	if (!ci)
		return memcmp(data, text, n) == 0;
	for (size_t j = 0; j < n; j++) {
		if (mk->lower[(guint8)data[j]] != (guint8)text[j])
			return false;
	}
	return true;
}

/* Marks the markers of case set ci that start at data + at; pair is its
 * first two bytes as that set compares them. */
static void extract_markers_at(const struct extract_markers *mk, bool ci, const char *data, size_t len,
                               size_t at, guint16 pair, guint64 *found)
{
	guint8 head[8] = { 0 };
	size_t have = MIN(len - at, sizeof head);
	guint64 first8;

	for (size_t j = 0; j < have; j++)
		head[j] = ci ? mk->lower[(guint8)data[at + j]] : (guint8)data[at + j];
	memcpy(&first8, head, sizeof first8);
	for (guint8 k = mk->head[ci][pair]; k != 0; k = mk->next[k - 1]) {
		size_t i = k - 1u, m = mk->len[i];

		/* Found already: a resource type can appear thousands of times. */
		if ((found[i / 64] >> (i % 64)) & 1)
			continue;
		if ((first8 & mk->mask8[i]) == mk->first8[i] && m <= len - at &&
		    (m <= sizeof first8 || extract_markers_equal(mk, ci, data + at + 8, mk->text[i] + 8, m - 8)))
			extract_markers_bit(found, i);
	}
}

void extract_markers_found(guint64 found[EXTRACT_MARKERS_MAX / 64], const char *data, size_t len)
{
	const struct extract_markers *mk = extract_markers();

	memset(found, 0, sizeof(guint64) * (EXTRACT_MARKERS_MAX / 64));
	/* An empty file's bytes may be NULL. */
	if (len == 0)
		return;
	/* A marker that starts a line may also start the file. */
	for (size_t i = 0; i < mk->n; i++) {
		if (mk->text[i][0] == '\n' && len >= mk->len[i] - 1 &&
		    extract_markers_equal(mk, mk->ci[i], data, mk->text[i] + 1, mk->len[i] - 1))
			extract_markers_bit(found, i);
	}
	/* One pass for both sets: the case-blind test first, then each set's own. */
	for (size_t at = 0; at + 1 < len; at++) {
		guint8 a = (guint8)data[at], b = (guint8)data[at + 1];
		guint16 low = (guint16)(mk->lower[a] | mk->lower[b] << 8), pair;

		if (!((mk->maybe[low / 64] >> (low % 64)) & 1))
			continue;
		pair = (guint16)(a | b << 8);
		if ((mk->pairs[false][pair / 64] >> (pair % 64)) & 1)
			extract_markers_at(mk, false, data, len, at, pair, found);
		if ((mk->pairs[true][low / 64] >> (low % 64)) & 1)
			extract_markers_at(mk, true, data, len, at, low, found);
	}
}

/* One file on its way through the table; its document parsed once. */
struct extract_run {
	struct extract_input in;
	struct doc *doc;      /* owned */
	GError *parse_error;  /* owned */
	bool parsed;
	bool scanned;         /* found is set */
	guint64 found[EXTRACT_MARKERS_MAX / 64]; /* the table's markers the file holds */
};

/* Does the file hold one of the row's markers (and all it requires)? */
static bool extract_row_found(const struct extract_format *row, struct extract_run *run)
{
	const struct extract_markers *mk = extract_markers();
	size_t rows;
	size_t r = (size_t)(row - extract_format_table(&rows));
	bool any = false, all = true;

	if (!run->scanned) {
		extract_markers_found(run->found, run->in.data, run->in.len);
		run->scanned = true;
	}
	for (size_t i = 0; i < EXTRACT_MARKERS_MAX / 64; i++) {
		any = any || (run->found[i] & mk->row_markers[r][i]) != 0;
		all = all && (run->found[i] & mk->row_requires[r][i]) == mk->row_requires[r][i];
	}
	return any && all;
}

static bool extract_run_parse(struct extract_run *run, enum extract_parse how)
{
	if (how == EXTRACT_PARSE_NONE)
		return true;
	if (!run->parsed) {
		run->parsed = true;
		if (how == EXTRACT_PARSE_YAML)
			doc_parse_yaml(&run->doc, run->in.path, run->in.data, run->in.len, NULL, &run->parse_error);
		else
			doc_parse(&run->doc, run->in.path, run->in.data, run->in.len, NULL, &run->parse_error);
		run->in.doc = run->doc;
	}
	return run->doc != NULL;
}

/* A row found by its name: its reader, given the file as it asks. */
static bool extract_by_name(GPtrArray *found, struct extract_run *run, const struct extract_format *row,
                            const char *service, GError **error)
{
	run->in.service = service;
	if (!extract_run_parse(run, row->parse)) {
		g_propagate_error(error, g_steal_pointer(&run->parse_error));
		return false;
	}
	return row->read(found, &run->in, error);
}

/*
 * The rows with a reader whose markers data holds (a bit per row), and
 * *weak_only_out when those are only weak evidence. A JSON "\/" or
 * "\u0041" or a YAML "\x41" or escaped line break can spell a resource
 * type without its bytes appearing, and a pushed file is hostile: a file
 * with any backslash and no marker goes to every reader, which finds
 * nothing in a document that is not theirs.
 */
static guint64 extract_sniff(const struct extract_format *t, size_t n, struct extract_run *run,
                             bool *weak_only_out)
{
	guint64 hits = 0;
	bool escaped = run->in.len > 0 && memchr(run->in.data, '\\', run->in.len) != NULL;

	*weak_only_out = true;
	for (size_t i = 0; i < n; i++) {
		if (t[i].read == NULL || t[i].markers == NULL || !extract_row_found(&t[i], run))
			continue;
		hits |= (guint64)1 << i;
		*weak_only_out = *weak_only_out && t[i].weak;
	}
	for (size_t i = 0; hits == 0 && escaped && i < n; i++) {
		if (t[i].read != NULL && t[i].markers != NULL)
			hits |= (guint64)1 << i;
	}
	return hits;
}

/* The first directive of a template, when every strong hit is of a format with templates. */
static unsigned extract_template_line(const struct extract_format *t, size_t n, guint64 hits,
                                      const struct extract_input *in)
{
	const struct extract_format *templated = NULL;

	for (size_t i = 0; i < n; i++) {
		if (!(hits & ((guint64)1 << i)) || t[i].weak)
			continue;
		if (t[i].template_line == NULL)
			return 0;
		templated = &t[i];
	}
	return templated != NULL ? templated->template_line(in->path, in->data, in->len) : 0;
}

/* The readers whose markers a document holds. */
static bool extract_by_content(GPtrArray *found, struct extract_run *run, const struct extract_format *t,
                               size_t n, GError **error)
{
	bool weak_only;
	guint64 hits = extract_sniff(t, n, run, &weak_only);
	unsigned line;

	if (hits == 0)
		return true;
	if ((line = extract_template_line(t, n, hits, &run->in)) > 0) {
		g_set_error(error, DW_ERROR, DW_ERROR_UNKNOWN_VALUE,
		            "%s:%u: a Helm template ({{ ... }}); templates are not rendered, so the "
		            "file is not analysed", run->in.path, line);
		return false;
	}
	if (!extract_run_parse(run, EXTRACT_PARSE_DOC)) {
		/* A file that might be ours only by its escapes, or a compose
		 * file only by a "services:" line, and does not parse could not
		 * be deployed either. */
		if (weak_only)
			return true;
		g_propagate_error(error, g_steal_pointer(&run->parse_error));
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if ((hits & ((guint64)1 << i)) && !t[i].read(found, &run->in, error))
			return false;
	}
	return true;
}

/* A row without a reader that recognises the file: false with DW_ERROR_NOT_READ. */
static bool extract_unread(struct extract_run *run, const struct extract_format *t, size_t n,
                           GError **error)
{
	bool document = extract_is_document(run->in.path);

	for (size_t i = 0; i < n; i++) {
		const struct extract_format *row = &t[i];
		g_autofree char *what = NULL;

		if (row->read != NULL || row->module)
			continue;
		if (row->name != NULL ? row->name(run->in.path) == NULL
		                      : !document || !extract_row_found(row, run))
			continue;
		if (!extract_run_parse(run, row->parse))
			continue;
		if (row->confirm != NULL && !row->confirm(&run->in, &what))
			continue;
		if (what != NULL)
			g_set_error(error, DW_ERROR, DW_ERROR_NOT_READ, "%s:%s; %s", run->in.path, what,
			            row->info.not_read);
		else
			g_set_error(error, DW_ERROR, DW_ERROR_NOT_READ, "%s: %s", run->in.path,
			            row->info.not_read);
		return false;
	}
	return true;
}

struct resource *extract_unread_resource(const char *path)
{
	g_autofree char *identity = g_strconcat("unread:", path, NULL);

	return resource_new(identity, "Not analysed", path, path, 0, RESOURCE_SETTINGS);
}

/*
 * What the recognised rows find in a file something else was read from:
 * one resource whose unknowns name each object no reader took, so that it
 * is reported (as an unknown, when it appears) without failing the file.
 */
static void extract_partial(GPtrArray *found, struct extract_run *run, const struct extract_format *t,
                            size_t n)
{
	struct resource *unread = NULL;

	for (size_t i = 0; run->doc != NULL && i < n; i++) {
		if (t[i].partial != NULL && extract_row_found(&t[i], run))
			t[i].partial(&run->in, found, &unread);
	}
	if (unread != NULL)
		g_ptr_array_add(found, unread);
}

/* extract_file() into found, which the caller drops on failure. */
static bool extract_file_into(GPtrArray *found, const struct extract_input *in, GError **error)
{
	struct extract_run run = { .in = *in };
	const char *path = in->path;
	size_t n;
	const struct extract_format *t = extract_format_table(&n);
	bool ok = true, named = false;

	g_assert(n <= 64); /* a bit per row in extract_sniff() */
	for (size_t i = 0; i < n && !named; i++) {
		const char *service;

		if (t[i].name == NULL || (t[i].read == NULL && !t[i].module) ||
		    (service = t[i].name(path)) == NULL)
			continue;
		named = true;
		/* Terraform is read a module (a directory) at a time: extract_tf_module(). */
		if (!t[i].module)
			ok = extract_by_name(found, &run, &t[i], service, error);
	}
	if (!named && extract_is_document(path))
		ok = extract_by_content(found, &run, t, n, error);
	if (ok && !named && found->len == 0)
		ok = extract_unread(&run, t, n, error);
	else if (ok && !named)
		extract_partial(found, &run, t, n);
	doc_free(run.doc);
	g_clear_error(&run.parse_error);
	return ok;
}

/*
 * The size of an evaluated set can grow with the product of a resource's
 * port boundaries and source ranges, so a pushed file with thousands of
 * crafted rules could hold the pre-receive hook for minutes. Past the
 * platforms' own limits the file is not analysed (and says so).
 */
static bool extract_check_limits(GPtrArray *found, const char *path, GError **error)
{
	size_t total = 0;

	for (guint i = 0; i < found->len; i++) {
		const struct resource *r = found->pdata[i];

		total += r->rules->len;
		if (r->rules->len > DW_LIMIT_RULES) {
			g_set_error(error, DW_ERROR, DW_ERROR_LIMIT, "%s:%u: more than %u rules in %s %s",
			            path, r->line, DW_LIMIT_RULES, r->kind, r->name);
			return false;
		}
	}
	if (total > DW_LIMIT_FILE_RULES) {
		g_set_error(error, DW_ERROR, DW_ERROR_LIMIT,
		            "%s: %zu rules in one file, more than the %u driftwatch analyses", path, total,
		            DW_LIMIT_FILE_RULES);
		return false;
	}
	return true;
}

/* extract_file() of the input described by in. */
static bool extract_file_input(GPtrArray *out, struct extract_input *in, GError **error)
{
	g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);

	/* An empty GBytes gives NULL data; the parsers expect a buffer. */
	if (!in->data)
		in->data = "";
	if (!extract_file_into(found, in, error) || !extract_check_limits(found, in->path, error))
		return false;
	for (guint i = 0; i < found->len; i++)
		g_ptr_array_add(out, g_steal_pointer(&found->pdata[i]));
	return true;
}

bool extract_file(GPtrArray *out, const char *path, const char *data, size_t len, GError **error)
{
	return extract_file_arm(out, path, data, len, NULL, 0, error);
}

bool extract_file_arm(GPtrArray *out, const char *path, const char *data, size_t len,
                      const struct extract_tf_file *params, size_t n, GError **error)
{
	struct extract_input in = { .path = path, .data = data, .len = len, .params = params, .n_params = n };

	return extract_file_input(out, &in, error);
}

bool extract_file_load(GPtrArray *out, const char *path, const char *data, size_t len, extract_load_fn load,
                       void *load_data, GError **error)
{
	struct extract_input in = { .path = path, .data = data, .len = len, .load = load, .load_data = load_data };

	return extract_file_input(out, &in, error);
}

bool extract_finish(GPtrArray *out, GPtrArray *found, struct dw_problems *problems,
                    GError **error)
{
	bool ok = dw_problems_check(problems, error);

	dw_problems_clear(problems);
	for (guint i = 0; ok && i < found->len; i++)
		g_ptr_array_add(out, g_steal_pointer(&found->pdata[i]));
	return ok;
}

bool extract_finish_one(GPtrArray *out, struct resource *r, struct dw_problems *problems,
                        GError **error)
{
	bool ok = dw_problems_check(problems, error);

	dw_problems_clear(problems);
	if (ok)
		g_ptr_array_add(out, r);
	else
		resource_free(r);
	return ok;
}

const char *const extract_bind_names[] = { "none", "loopback", "specific", "all" };

static bool extract_is_v4_loopback(const char *text)
{
	if (!g_str_has_prefix(text, "127."))
		return false;
	for (const char *p = text; *p != '\0'; p++) {
		if (!g_ascii_isdigit(*p) && *p != '.')
			return false;
	}
	return true;
}

enum extract_bind extract_bind_address(const char *text)
{
	static const char *const all[] = { "0.0.0.0", "0", "::", "::*", "*", "0:0:0:0:0:0:0:0" };

	if (*text == '\0')
		return EXTRACT_BIND_NONE;
	for (size_t i = 0; i < G_N_ELEMENTS(all); i++) {
		if (strcmp(text, all[i]) == 0)
			return EXTRACT_BIND_ALL;
	}
	if (g_ascii_strcasecmp(text, "localhost") == 0 || extract_is_v4_loopback(text) ||
	    strcmp(text, "::1") == 0 || strcmp(text, "0:0:0:0:0:0:0:1") == 0)
		return EXTRACT_BIND_LOOPBACK;
	return EXTRACT_BIND_SPECIFIC;
}

enum extract_bind extract_bind_list(const char *list)
{
	g_auto(GStrv) parts = g_strsplit(list, ",", -1);
	enum extract_bind widest = EXTRACT_BIND_NONE;

	for (size_t i = 0; parts[i] != NULL; i++)
		widest = MAX(widest, extract_bind_address(g_strstrip(parts[i])));
	return widest;
}

char *extract_quote(const char *text)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; text[i] != '\0'; i++) {
		if (i == EXTRACT_QUOTE_MAX) {
			g_string_append(s, "...");
			break;
		}
		g_string_append_c(s, text[i] == '\n' || text[i] == '\r' ? ' ' : text[i]);
	}
	return g_string_free(s, FALSE);
}

struct extract_cut {
	unsigned proto_lo, proto_hi, port_lo, port_hi;
	GPtrArray *parts; /* exposure *, borrowed */
	const exposure *allowed;
};

/* The part of allowed that falls on one box of the region. */
static void extract_cut_part(unsigned proto_lo, unsigned proto_hi, unsigned port_lo, unsigned port_hi,
                             const srcset *src, void *user_data)
{
	struct extract_cut *cut = user_data;
	unsigned plo = MAX(proto_lo, cut->proto_lo), phi = MIN(proto_hi, cut->proto_hi);
	unsigned lo = MAX(port_lo, cut->port_lo), hi = MIN(port_hi, cut->port_hi);

	if (plo <= phi && lo <= hi)
		g_ptr_array_add(cut->parts, exposure_new_box(plo, phi, lo, hi, src));
}

static void extract_cut_box(unsigned proto_lo, unsigned proto_hi, unsigned port_lo, unsigned port_hi,
                            const srcset *src, void *user_data)
{
	struct extract_cut *cut = user_data;
	struct extract_cut box = { proto_lo, proto_hi, port_lo, port_hi, cut->parts, NULL };

	(void)src;
	exposure_foreach(cut->allowed, extract_cut_part, &box);
}

exposure *extract_cut_ports(const exposure *allowed, const exposure *region)
{
	g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func((GDestroyNotify)exposure_free);
	struct extract_cut cut = { .parts = parts, .allowed = allowed };

	exposure_foreach(region, extract_cut_box, &cut);
	return exposure_union_all((const exposure *const *)parts->pdata, parts->len);
}
