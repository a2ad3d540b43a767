/*
 * emit.c — block-buffered, atomic output (see emit.h).
 */
#include "emit.h"
#include "common/limits.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void set_error(emitter_t *e, const char *what)
{
	if (e->failed)
		return;
	e->failed = 1;
	buf_t b = BUF_INIT;
	buf_printf(&b, "%s: %s: %s", e->path ? e->path : "<stdout>", what, strerror(errno));
	e->error = buf_detach(&b, NULL);
}

/* The temporary file of the run, for the signal handler: a fixed buffer,
 * written before the handler is installed and cleared (flag first) before
 * the file is renamed, so the handler never reads a half-written path. */
static char sig_tmp[4096];
static volatile sig_atomic_t sig_tmp_set;
static const int sig_list[] = {SIGTERM, SIGINT, SIGHUP};
static struct sigaction sig_old[3];

/* Remove the temporary file, then die of the same signal (the default
 * action), so the exit status says what happened.  unlink(), sigaction()
 * and raise() are async-signal-safe. */
static void on_signal(int sig)
{
	if (sig_tmp_set)
		unlink(sig_tmp);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
	raise(sig);
}

static void guard_tmp(const char *tmp)
{
	size_t n = strlen(tmp);
	if (n >= sizeof sig_tmp)
		return; /* cannot record it: no cleanup on a signal */
	memcpy(sig_tmp, tmp, n + 1);
	sig_tmp_set = 1;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaddset(&sa.sa_mask, sig_list[i]);
	for (int i = 0; i < 3; i++) {
		sigaction(sig_list[i], NULL, &sig_old[i]);
		if (sig_old[i].sa_handler != SIG_IGN) /* nohup stays nohup */
			sigaction(sig_list[i], &sa, NULL);
	}
}

static void unguard_tmp(void)
{
	if (!sig_tmp_set)
		return;
	sig_tmp_set = 0;
	for (int i = 0; i < 3; i++)
		if (sig_old[i].sa_handler != SIG_IGN)
			sigaction(sig_list[i], &sig_old[i], NULL);
}

int emit_open(emitter_t *e, const char *path)
{
	memset(e, 0, sizeof *e);
	e->fd = 1;
	if (!path || strcmp(path, "-") == 0)
		return 0;
	/* -o through a symbolic link writes the file it points to (the
	 * temporary file is made beside that file and renamed over it, so
	 * the link stays a link); a dangling link names the file to create */
	char *real = realpath(path, NULL);
	struct stat lst;
	if (!real && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
		char target[4096];
		ssize_t n = readlink(path, target, sizeof target - 1);
		if (n > 0) {
			target[n] = '\0';
			buf_t t = BUF_INIT;
			const char *slash = strrchr(path, '/');
			if (target[0] != '/' && slash)
				buf_add(&t, path, (size_t)(slash - path) + 1);
			buf_adds(&t, target);
			real = buf_detach(&t, NULL);
		}
	}
	e->path = real ? real : xstrdup(path);
	struct stat st;
	int exists = stat(e->path, &st) == 0;
	if (exists && !S_ISREG(st.st_mode)) {
		/* /dev/null, a FIFO, a terminal: written directly (no temporary
		 * file can be renamed over a device) */
		e->fd = open(e->path, O_WRONLY | O_CLOEXEC);
		if (e->fd < 0) {
			set_error(e, "cannot open");
			free(e->path);
			e->path = NULL;
			return -1;
		}
		return 0;
	}
	buf_t t = BUF_INIT;
	buf_printf(&t, "%s.tmp.XXXXXX", e->path);
	e->tmp = buf_detach(&t, NULL);
	e->fd = mkstemp(e->tmp);
	if (e->fd < 0) {
		set_error(e, "cannot create temporary file");
		free(e->tmp);
		free(e->path);
		e->tmp = e->path = NULL;
		return -1;
	}
	guard_tmp(e->tmp);
	/* the file keeps the mode it had; a new one gets 0666 less the umask,
	 * as any file a program creates */
	mode_t mode;
	if (exists) {
		mode = st.st_mode & 07777;
	} else {
		mode_t um = umask(0);
		umask(um);
		mode = 0666 & ~um;
	}
	fchmod(e->fd, mode);
	return 0;
}

static void write_all(emitter_t *e, const char *data, size_t len)
{
	size_t off = 0;
	while (!e->failed && off < len) {
		ssize_t w = write(e->fd, data + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			set_error(e, "write error");
			break;
		}
		off += (size_t)w;
	}
}

static void flush(emitter_t *e)
{
	write_all(e, e->block.data, e->block.len);
	buf_reset(&e->block);
}

void emit_write(emitter_t *e, const char *data, size_t len)
{
	if (e->fd < 0)
		return;
	if (e->block.len + len > BESLUT_OUT_BLOCK)
		flush(e);
	if (len >= BESLUT_OUT_BLOCK) {
		write_all(e, data, len);
		return;
	}
	buf_add(&e->block, data, len);
}

int emit_close(emitter_t *e, int commit)
{
	int rc = 0;
	if (e->fd >= 0)
		flush(e);
	if (e->tmp) {
		if (close(e->fd) != 0)
			set_error(e, "close error");
		if (commit && !e->failed) {
			if (rename(e->tmp, e->path) != 0)
				set_error(e, "cannot rename temporary file into place");
		}
		if (!commit || e->failed)
			unlink(e->tmp);
		unguard_tmp();
	} else if (e->path && e->fd >= 0) {
		if (close(e->fd) != 0)
			set_error(e, "close error");
	}
	rc = e->failed ? -1 : 0;
	buf_release(&e->block);
	free(e->tmp);
	free(e->path);
	e->tmp = e->path = NULL;
	e->fd = -1;
	return rc;
}
