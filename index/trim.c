/* trim.c - keeping the mapped database pages out of the resident set (zc_index_trim). */
#include "index.h"
#include "internal.h"
#include "record.h"
#include "../common/zc.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Short read transactions (a crawl's frontier peeks, fetch states), or records of a walk,
   between two looks at the mapped pages: each maps its neighbours with every page it reads
   (see zc_index_trim). */
#define TRIM_READS 8
/* How much the process's file-backed pages may grow before zc_index_trim drops the mapped
   database pages.  Dropping at every call kept the resident set lowest but cost a third of a crawl's CPU
   in page faults and TLB flushes (the pages every walk needs, the root and branches, came
   back each time); with this budget they stay, and the resident set is still bounded. */
#define MAP_BUDGET ((long)1 << 20)
/* The same for a reader (export, stats, query, check), whose walks read the whole file once.
   An export of 100,000 documents (a 950 MB file) held the 700 MB it read without a budget; with
   8 MB it holds 32 MB and takes about 12% more CPU (page faults), with 1 MB about 16% more. */
#define MAP_BUDGET_READER ((long)8 << 20)

/* One more read: a read transaction, or a record of a walk (a walk over the corpus would
   otherwise map the whole file into the reader's resident set: 700 MB for an export of
   100,000 documents).  Every TRIM_READS, a look at the mapped pages. */
void zc_counted_read(zc_index *idx)
{
	if (++idx->reads >= TRIM_READS)
		zc_index_trim(idx);
}

/* LMDB does not tell where it mapped the file (me_mapaddr is set for MDB_FIXEDMAP only): the
   mapping is the one of data.mdb's inode in /proc/self/maps, looked up again when the map grows */
static void find_map(zc_index *idx, size_t mapsize)
{
	mdb_filehandle_t fd;
	struct stat st;
	idx->map = NULL;
	idx->map_len = 0;
	idx->map_for = mapsize;
	MDB_stat ms;
	if (mdb_env_stat(idx->env, &ms) != 0 || mdb_env_get_fd(idx->env, &fd) != 0 || fstat(fd, &st) != 0)
		return;
	idx->psize = ms.ms_psize;
	FILE *maps = fopen("/proc/self/maps", "r");
	if (!maps)
		return;
	char line[512];
	while (fgets(line, sizeof line, maps)) {
		unsigned long lo, hi, ino;
		if (sscanf(line, "%lx-%lx %*s %*s %*s %lu", &lo, &hi, &ino) == 3 && ino == (unsigned long)st.st_ino &&
		    ino != 0 && strstr(line, "/data.mdb") && hi - lo > idx->map_len) {
			idx->map = (void *)lo;
			idx->map_len = hi - lo;
		}
	}
	fclose(maps);
}

/* pages of files resident in this process (the database's and the libraries'), or -1 when
   the system does not say */
static long file_pages(const zc_index *idx)
{
	char buf[128];
	ssize_t n = idx->statm >= 0 ? pread(idx->statm, buf, sizeof buf - 1, 0) : -1;
	long shared;
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* "size resident shared ...": the third number, read with strtol (this runs some 5,000
	   times a crawl, and sscanf took 3,500 instructions a call to interpret its format) */
	char *p = buf, *end;
	for (int field = 0; field < 2; field++) {
		strtol(p, &end, 10);
		if (end == p)
			return -1;
		p = end;
	}
	shared = strtol(p, &end, 10);
	return end == p ? -1 : shared;
}

void zc_index_trim(zc_index *idx)
{
	idx->reads = 0;
	long now = file_pages(idx);
	long budget = idx->flags & ZC_INDEX_RDONLY ? MAP_BUDGET_READER : MAP_BUDGET;
	if (now >= 0 && idx->file_base >= 0 && (now - idx->file_base) * idx->os_page < budget)
		return;
	MDB_envinfo info;
	if (mdb_env_info(idx->env, &info) != 0)
		return;
	if (!idx->map || idx->map_for != info.me_mapsize)
		find_map(idx, info.me_mapsize);
	size_t used = (size_t)(info.me_last_pgno + 1) * idx->psize;
	if (idx->map)
		madvise(idx->map, used < idx->map_len ? used : idx->map_len, MADV_DONTNEED);
	idx->file_base = file_pages(idx);
}
