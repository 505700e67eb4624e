/*
 * lock.c - one watcher per user and state directory.
 *
 * Two watchers on one state both notify every alert (each records it
 * before the other marks it notified), so the second one must not run.
 * The lock is flock(2) on watch.lock beside state.db: the kernel drops it
 * when the holder dies, even by SIGKILL, so a stale file never blocks a
 * restart. The file holds the holder's process id, for the message and
 * for --replace.
 */
#include "monitor_private.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "dw_error.h"

/* How long --replace waits for the running watcher to stop. */
#define WATCH_LOCK_REPLACE_MS 10000

struct watch_lock {
	int fd;
	char *path;
};

/* The process id written in the lock file, or 0. */
static pid_t watch_lock_holder(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	gint64 pid;
	char *end = NULL;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	pid = g_ascii_strtoll(buf, &end, 10);
	return pid > 0 && pid < G_MAXINT32 && end != buf ? (pid_t)pid : 0;
}

static bool watch_lock_write_pid(int fd, GError **error, const char *path)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n) {
		g_set_error(error, DW_ERROR, DW_ERROR_FAILED, "%s: cannot write: %s", path,
		            g_strerror(errno));
		return false;
	}
	return true;
}

/*
 * Is pid a driftwatch? The file names the holder only once it wrote its
 * id; until then it may name an earlier watcher's, since reused.
 */
static bool watch_lock_is_driftwatch(pid_t pid)
{
	g_autofree char *path = g_strdup_printf("/proc/%ld/comm", (long)pid);
	g_autofree char *comm = NULL;

	if (!g_file_get_contents(path, &comm, NULL, NULL))
		return true; /* no /proc: trust the file */
	return g_str_has_prefix(comm, "driftwatch");
}

/* Asks the holder to stop and waits until the lock is free. */
static bool watch_lock_take_over(int fd, pid_t holder)
{
	if (holder > 0 && watch_lock_is_driftwatch(holder) && kill(holder, SIGTERM) < 0 &&
	    errno != ESRCH)
		return false;
	for (int waited = 0; waited < WATCH_LOCK_REPLACE_MS; waited += 50) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return true;
		g_usleep(50 * 1000);
	}
	return false;
}

bool watch_lock_acquire(struct watch_lock **out, pid_t *holder_out, const char *state_dir,
                        bool replace, GError **error)
{
	g_autofree char *path = g_build_filename(state_dir, "watch.lock", NULL);
	int fd;
	pid_t holder;

	*holder_out = 0;
	if (g_mkdir_with_parents(state_dir, 0700) < 0 ||
	    (fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		g_set_error(error, DW_ERROR, DW_ERROR_FAILED, "%s: cannot open the lock: %s", path,
		            g_strerror(errno));
		return false;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		holder = watch_lock_holder(fd);
		if (errno != EWOULDBLOCK || !replace || !watch_lock_take_over(fd, holder)) {
			*holder_out = holder;
			g_set_error(error, WATCH_ERROR, WATCH_ERROR_RUNNING,
			            "already running as process %ld (state in %s); --replace takes over",
			            (long)holder, state_dir);
			close(fd);
			return false;
		}
		watch_log("took over from process %ld", (long)holder);
	}
	if (!watch_lock_write_pid(fd, error, path)) {
		close(fd);
		return false;
	}
	*out = g_new0(struct watch_lock, 1);
	(*out)->fd = fd;
	(*out)->path = g_steal_pointer(&path);
	return true;
}

void watch_lock_free(struct watch_lock *l)
{
	if (!l)
		return;
	/* The file stays: removing it would race with a watcher locking it. */
	close(l->fd);
	g_free(l->path);
	g_free(l);
}
