/*
 * walk_memory.c - keeps a long walk's mapped pack files from growing its
 * resident set with history (walk_memory.h).
 */
#define _DEFAULT_SOURCE /* madvise() */
#include "walk_memory.h"

#include <glib.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

bool walk_memory_file_pages(size_t *out)
{
	unsigned long long size = 0, resident = 0, shared = 0;
	FILE *f = fopen("/proc/self/statm", "re");
	int n;

	if (!f)
		return false;
	n = fscanf(f, "%llu %llu %llu", &size, &resident, &shared);
	fclose(f);
	if (n != 3 || shared > resident)
		return false;
	*out = (size_t)shared;
	return true;
}

/* Whether a mapping's path (the last field of a /proc/self/maps line) is a pack file. */
static bool walk_memory_is_pack(const char *path)
{
	const char *base = strrchr(path, '/');

	return base && g_str_has_prefix(base, "/pack-") && g_str_has_suffix(base, ".pack") &&
	       base - path >= 13 && memcmp(base - 13, "/objects/pack", 13) == 0;
}

/*
 * Only mappings that are not writable: their pages are never written, so
 * dropping them loses nothing, whether the mapping is shared or private.
 */
unsigned walk_memory_drop_packs(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[PATH_MAX + 256];
	unsigned dropped = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start = 0, end = 0;
		char perms[8] = "";
		int path_at = 0;

		if (!strchr(line, '\n')) {
			int c;

			/* A path too long to be a pack libgit2 opened: skip the rest of it. */
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			continue;
		}
		g_strchomp(line);
		if (sscanf(line, "%llx-%llx %7s %*s %*s %*s %n", &start, &end, perms, &path_at) != 3 ||
		    path_at == 0 || end <= start || perms[1] == 'w' || !walk_memory_is_pack(line + path_at))
			continue;
		if (madvise((void *)(uintptr_t)start, (size_t)(end - start), MADV_DONTNEED) == 0)
			dropped++;
	}
	fclose(f);
	return dropped;
}

void walk_memory_init(struct walk_memory *m, size_t allow_bytes)
{
	long page = sysconf(_SC_PAGESIZE);

	memset(m, 0, sizeof(*m));
	m->allow = allow_bytes / (size_t)(page > 0 ? page : 4096);
	m->off = m->allow == 0 || !walk_memory_file_pages(&m->floor);
}

void walk_memory_check(struct walk_memory *m)
{
	size_t pages = 0;

	if (m->off || !walk_memory_file_pages(&pages) || pages <= m->floor + m->allow)
		return;
	if (walk_memory_drop_packs() > 0)
		m->dropped++;
	/* What stays (the libraries, the indexes) is the floor from here on. */
	if (walk_memory_file_pages(&pages))
		m->floor = pages;
}
