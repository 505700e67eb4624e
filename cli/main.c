/*
 * main.c - the driftwatch command: one table of subcommands, each in its
 * own cmd_*.c file.
 */
#include <git2.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <yaml.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gitalloc.h"

/*
 * An audit reads thousands of blobs and parses them, allocating and
 * freeing the same sizes for as long as it runs. libgit2's large buffers
 * go to gitalloc (gitalloc.h), and glibc keeps fixed thresholds: adapting
 * them, it trimmed the heap's top and faulted it back in turn (1.8
 * million page faults in 3,000 commits of 2 MB templates). Allocations
 * under 32 MiB come from the heap, which gives back its top past 8 MiB
 * free (32 MiB cost 2-4 MB more at 100,000 commits). The other commands
 * read few blobs, and the watcher lives long: they keep the defaults.
 * Before git_libgit2_init().
 */
static void main_audit_memory(void)
{
#ifdef __GLIBC__
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 8 << 20);
#endif
	if (!gitalloc_install())
		fprintf(stderr, "driftwatch: libgit2 refused gitalloc; it uses malloc\n");
}

static const struct cli_command main_commands[] = {
	{ "diff", "[OLD [NEW]] | --files OLD_FILE NEW_FILE | --plan OLD.json NEW.json",
	  "Exposure widened between two revisions, a commit, or the work tree", cmd_diff },
	{ "audit", "[REV-RANGE]", "Every past commit that widened exposure, oldest first", cmd_audit },
	{ "surface", "[REV]", "The exposure of every resource at one revision", cmd_surface },
	{ "rules", "", "List the rules of the rule pack", cmd_rules },
	{ "explain", "RULE-ID", "Print one rule in full", cmd_explain },
	{ "formats", "", "The formats driftwatch reads, and how it recognises them", cmd_formats },
	{ "watch", "[REPO...]", "Watch repositories; notify commits that widen exposure", cmd_watch },
	{ "history", "[--repo DIR] [--since DATE]", "The alerts the watcher found", cmd_history },
	{ "hook", "pre-receive | pre-commit | pre-push", "Run as a git hook (the push gate)", cmd_hook },
	{ "install-hook", "[--server|--client] [--repo PATH]", "Install the git hooks", cmd_install_hook },
};

/* The version, and those of the libraries it runs with (json-glib has no
 * run-time query: its version is the one built against). */
static void main_version(void)
{
	int major = 0, minor = 0, rev = 0;

	git_libgit2_version(&major, &minor, &rev);
	printf("driftwatch %s\n", DW_VERSION);
	printf("libgit2 %d.%d.%d, libyaml %s, json-glib %s, GLib %u.%u.%u\n", major, minor, rev,
	       yaml_get_version_string(), JSON_VERSION_S, glib_major_version, glib_minor_version,
	       glib_micro_version);
}

static void main_usage(FILE *out)
{
	fprintf(out, "usage: driftwatch COMMAND [OPTIONS] [ARGS]\n\n"
	             "driftwatch tells, for every change to a repository of firewall rules,\n"
	             "security groups and service configs, whether it widens exposure.\n\n"
	             "Commands:\n");
	for (size_t i = 0; i < G_N_ELEMENTS(main_commands); i++)
		fprintf(out, "  %-12s %-40s %s\n", main_commands[i].name, main_commands[i].args,
		        main_commands[i].summary);
	fprintf(out, "\nRun 'driftwatch COMMAND --help' for a command's options.\n"
	             "Exit status: 0 nothing at or above --fail-on, 1 findings, 2 usage or internal error.\n");
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : NULL;
	int status = CLI_EXIT_ERROR;
	g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);

	setlocale(LC_ALL, "");
	if (!name || strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
		main_usage(name ? stdout : stderr);
		return name ? CLI_EXIT_OK : CLI_EXIT_ERROR;
	}
	if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
		main_version();
		return CLI_EXIT_OK;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(main_commands); i++) {
		if (strcmp(name, main_commands[i].name) != 0)
			continue;
		if (main_commands[i].run == cmd_audit)
			main_audit_memory();
		git_libgit2_init();
		status = main_commands[i].run(argc - 1, argv + 1, exe ? exe : argv[0]);
		git_libgit2_shutdown();
		return status;
	}
	fprintf(stderr, "driftwatch: unknown command '%s'\n\n", name);
	main_usage(stderr);
	return CLI_EXIT_ERROR;
}
