/*
 * replay.c - runs a libFuzzer harness over its seed corpus without
 * libFuzzer, so every build (and the sanitizer build in CI) replays the
 * corpus as a test. Arguments are files or directories; prints TAP.
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned replay_n;

static void replay_file(const char *path)
{
	g_autofree char *data = NULL;
	gsize len = 0;

	if (!g_file_get_contents(path, &data, &len, NULL)) {
		printf("not ok %u - cannot read %s\n", ++replay_n, path);
		return;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	printf("ok %u - %s\n", ++replay_n, path);
}

static gint replay_cmp(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

static void replay_path(const char *path)
{
	g_autoptr(GDir) dir = NULL;
	g_autoptr(GPtrArray) names = NULL;
	const char *name;

	if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
		replay_file(path);
		return;
	}
	dir = g_dir_open(path, 0, NULL);
	names = g_ptr_array_new_with_free_func(g_free);
	while (dir && (name = g_dir_read_name(dir)))
		g_ptr_array_add(names, g_build_filename(path, name, NULL));
	g_ptr_array_sort(names, replay_cmp);
	for (guint i = 0; i < names->len; i++)
		replay_file(names->pdata[i]);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		replay_path(argv[i]);
	printf("1..%u\n", replay_n);
	return 0;
}
