/* fuzz_file.h - the input as a file, for the fuzzers of file readers (fuzz_files, fuzz_warc) */
#ifndef ZC_FUZZ_FILE_H
#define ZC_FUZZ_FILE_H

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

/* data (size bytes) written to a new file, its name made from the mkstemp template path
   ("/tmp/zc-fuzz-XXXXXX"): 0, else -1 with no file left behind */
static inline int fuzz_file(char *path, const uint8_t *data, size_t size)
{
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

#endif
