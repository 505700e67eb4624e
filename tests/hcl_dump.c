/*
 * hcl_dump.c - parses one HCL file and prints it as hcl2json would
 * (hcl_dump_json), for the differential test tests/e2e/test_hcl_diff.sh.
 * On a parse error prints the "path:line: what" message to stderr and
 * exits 1; usage errors exit 2.
 */
#include "hcl.h"

#include <stdio.h>

int main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(hcl_file) file = NULL;
	g_autofree char *data = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	gsize len;

	if (argc != 2) {
		fprintf(stderr, "usage: hcl_dump FILE.tf\n");
		return 2;
	}
	if (!g_file_get_contents(argv[1], &data, &len, &error)) {
		fprintf(stderr, "%s\n", error->message);
		return 2;
	}
	if (!hcl_parse(&file, argv[1], data, len, &error)) {
		fprintf(stderr, "%s\n", error->message);
		return 1;
	}
	hcl_dump_json(out, file, data, len);
	printf("%s\n", out->str);
	return 0;
}
