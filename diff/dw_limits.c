/*
 * dw_limits.c - the per-file size limit and the size text it is set with.
 */
#include "dw_limits.h"

#include <errno.h>
#include <stdint.h>

#include "dw_error.h"

static size_t dw_file_bytes = DW_LIMIT_FILE_BYTES;

size_t dw_limit_file_bytes(void)
{
	return dw_file_bytes;
}

void dw_limit_set_file_bytes(size_t bytes)
{
	dw_file_bytes = bytes;
}

bool dw_limit_file_bytes_parse(size_t *out, const char *text)
{
	size_t n;

	if (!dw_size_parse(&n, text) || n < DW_LIMIT_FILE_BYTES_MIN || n > DW_LIMIT_FILE_BYTES_MAX)
		return false;
	*out = n;
	return true;
}

void dw_set_error_too_large(GError **error, const char *path, size_t limit)
{
	g_autofree char *max = dw_size_format(limit);

	g_set_error(error, DW_ERROR, DW_ERROR_LIMIT, "%s: file is larger than %s", path, max);
}

char *dw_size_format(size_t bytes)
{
	if (bytes != 0 && bytes % ((size_t)1 << 30) == 0)
		return g_strdup_printf("%zu GiB", bytes >> 30);
	if (bytes != 0 && bytes % ((size_t)1 << 20) == 0)
		return g_strdup_printf("%zu MiB", bytes >> 20);
	if (bytes != 0 && bytes % ((size_t)1 << 10) == 0)
		return g_strdup_printf("%zu KiB", bytes >> 10);
	return g_strdup_printf("%zu bytes", bytes);
}

bool dw_size_parse(size_t *out, const char *text)
{
	static const struct {
		const char *suffix;
		unsigned shift;
	} units[] = {
		{ "", 0 },      { "b", 0 },     { "k", 10 }, { "kib", 10 }, { "kb", 10 },
		{ "m", 20 },    { "mib", 20 },  { "mb", 20 }, { "g", 30 },  { "gib", 30 },
		{ "gb", 30 },
	};
	guint64 n;
	char *end;

	if (text == NULL || !g_ascii_isdigit(*text))
		return false;
	errno = 0;
	n = g_ascii_strtoull(text, &end, 10);
	if (errno != 0)
		return false;
	while (*end == ' ')
		end++;
	/* KB and MB mean KiB and MiB here, as in most configuration files. */
	for (size_t i = 0; i < G_N_ELEMENTS(units); i++) {
		if (g_ascii_strcasecmp(end, units[i].suffix) != 0)
			continue;
		if (n > (guint64)(SIZE_MAX >> units[i].shift))
			return false;
		*out = (size_t)n << units[i].shift;
		return true;
	}
	return false;
}
