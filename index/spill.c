/*
 * spill.c - a temporary file of record copies, written in one order and read back in another
 * (zc_tx_pages_copy: internal.h says why).  The file is unlinked from the moment it is made
 * (O_TMPFILE, else mkstemp and unlink at once), in $TMPDIR or /tmp, so that nothing is left
 * behind when the process dies.
 */
#define _GNU_SOURCE	/* O_TMPFILE */
#include "internal.h"
#include "../common/zc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SPILL_CHUNK ((size_t)1 << 20)	/* bytes gathered before one write() */

static int tmp_fd(void)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
#ifdef O_TMPFILE
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
#endif
	char *path = zc_asprintf("%s/zhengce-spill-XXXXXX", dir);
	int f = mkstemp(path);
	if (f >= 0)
		unlink(path);
	free(path);
	return f;
}

int zc_spill_open(zc_spill *s)
{
	memset(s, 0, sizeof *s);
	zc_buf_init(&s->pending, ZC_BUF_UNLIMITED);
	s->fd = tmp_fd();
	return s->fd >= 0 ? ZC_OK : zc_write_error(errno);
}

/* the gathered bytes to the file, all of them (a write may take part) */
static int spill_flush(zc_spill *s)
{
	size_t done = 0;
	while (done < s->pending.len) {
		ssize_t w = write(s->fd, s->pending.data + done, s->pending.len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return zc_write_error(w < 0 ? errno : ENOSPC);
		done += (size_t)w;
	}
	zc_buf_reset(&s->pending);
	return ZC_OK;
}

int zc_spill_put(zc_spill *s, const void *p, size_t n, uint64_t *at)
{
	*at = s->size;
	zc_buf_cat(&s->pending, p, n);
	s->size += n;
	return s->pending.len >= SPILL_CHUNK ? spill_flush(s) : ZC_OK;
}

int zc_spill_end(zc_spill *s)
{
	return spill_flush(s);
}

int zc_spill_get(zc_spill *s, uint64_t at, size_t n, void *into)
{
	char *p = into;
	size_t done = 0;
	while (done < n) {
		ssize_t r = pread(s->fd, p + done, n - done, (off_t)(at + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return ZC_EIO;	/* the file is ours: cut short only by a failing disk */
		done += (size_t)r;
	}
	return ZC_OK;
}

void zc_spill_close(zc_spill *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	zc_buf_free(&s->pending);
}
