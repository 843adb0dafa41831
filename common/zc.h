/*
 * zc.h - what every zhengce module shares: one error type, one growable buffer with a cap,
 * and the allocation policy.
 *
 * Errors: every function that can fail returns int, 0 (ZC_OK) on success and a negative
 * ZC_E* code otherwise; zc_strerror() explains it in words.  Results come back through
 * out-parameters.
 *
 * Out of memory: zc_malloc() and friends abort the process with a message (as redis does).
 * A crawl that cannot allocate a few kilobytes cannot do anything useful, and LMDB's
 * transactions guarantee that an abort never leaves the corpus half-written.  Limits on what
 * the web can make us allocate are enforced by caps (zc_buf.max), not by malloc failing.
 */
#ifndef ZC_H
#define ZC_H

#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* A crawl reuses a selection only if the same version made it (select/finalize.c): a change to
   the criteria, dedup, codes or entries comes with a new version. */
#define ZC_VERSION "0.2.0"

enum zc_err {
	ZC_OK = 0,
	ZC_EIO = -1,		/* a file or socket could not be read or written */
	ZC_EPARSE = -2,		/* input is not in the expected format */
	ZC_ENOTFOUND = -3,	/* no such key, file or document */
	ZC_ELOCKED = -4,	/* another crawl holds the lock */
	ZC_ETOOBIG = -5,	/* a size cap was reached */
	ZC_ECHARSET = -6,	/* text could not be decoded */
	ZC_EUSAGE = -7,		/* bad arguments */
	ZC_ENET = -8,		/* network failure */
	ZC_EDB = -9,		/* LMDB failure */
	ZC_ECHALLENGE = -10,	/* the site answered with an anti-bot challenge */
	ZC_EFULL = -11,		/* the disk or the LMDB map is full */
	ZC_ESCOPE = -12,	/* a URL outside the crawl's scope */
	ZC_EINTR = -13,		/* stopped by a signal (SIGINT, SIGTERM) before the work was done */
	ZC_EDAMAGED = -14,	/* the corpus's database file is damaged (cut short, overwritten) */
	ZC_ECUT = -15,		/* a file ends in part of a record (being written, or its writer killed) */
	ZC_ESCHEMA = -16,	/* the corpus has a later schema than this zhengce reads */
};

/* A system call's errno e as a code (e > 0): its own meaning, said by zc_strerror as
   strerror(e) (a read-only filesystem, a file where a directory should be), never "input/output
   error" for all of them. */
#define ZC_ERRNO_BASE 1000
#define ZC_ERRNO(e) (-ZC_ERRNO_BASE - (e))
const char *zc_strerror(int err);
/* s without what a spreadsheet cell or a terminal must never get from a web page: C0 controls
   (tab and newline kept when keep_lines, else made spaces), DEL, C1 controls (U+0080-U+009F)
   and the bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) that
   make text read in another order than it is.  A new string. */
char *zc_text_visible(const char *s, int keep_lines);
/* The code of a failed write or create from its errno: ZC_EFULL for a full disk or quota, else
   ZC_ERRNO(errnum) (ZC_EIO when errnum is 0). */
int zc_write_error(int errnum);

/* Allocation: never returns NULL (aborts on exhaustion, see above). */
void *zc_malloc(size_t n);
void *zc_calloc(size_t n, size_t size);
void *zc_realloc(void *p, size_t n);
char *zc_strdup(const char *s);
char *zc_strndup(const char *s, size_t n);
char *zc_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * zc_buf: a growable byte buffer with a hard cap.
 * Invariants: data is NULL or NUL-terminated (len excludes the NUL); len <= max.
 * Adding past max fails with ZC_ETOOBIG and leaves the buffer as it was; so does adding past a
 * quarter of the address space, ZC_BUF_UNLIMITED or not (len + n + 1 and the doubling of the
 * allocation never wrap).
 * zc_buf_take() hands the bytes to the caller (free() them) and resets the buffer.
 */
/* A result that must be looked at (a cap reached, a write that failed): the compiler says so. */
#define ZC_MUST_CHECK __attribute__((warn_unused_result))

typedef struct zc_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
} zc_buf;

#define ZC_BUF_UNLIMITED ((size_t)-1)

void zc_buf_init(zc_buf *b, size_t max);
int zc_buf_add(zc_buf *b, const void *p, size_t n) ZC_MUST_CHECK;
int zc_buf_addstr(zc_buf *b, const char *s) ZC_MUST_CHECK;
int zc_buf_addch(zc_buf *b, char c) ZC_MUST_CHECK;
int zc_buf_printf(zc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3))) ZC_MUST_CHECK;
/* The same for a buffer of no cap (ZC_BUF_UNLIMITED), where adding cannot fail short of memory
   (which aborts, as zc_malloc() does); on a buffer with a cap, reaching it aborts: a capped
   buffer's additions are checked with the functions above. */
void zc_buf_cat(zc_buf *b, const void *p, size_t n);
void zc_buf_cats(zc_buf *b, const char *s);
void zc_buf_catc(zc_buf *b, char c);
void zc_buf_catf(zc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void zc_buf_reset(zc_buf *b);
char *zc_buf_take(zc_buf *b);
void zc_buf_free(zc_buf *b);
/* Appends what f holds up to its end: ZC_ETOOBIG past the cap, ZC_EIO on a read error. */
int zc_buf_read(zc_buf *b, FILE *f) ZC_MUST_CHECK;

/* Strings: small helpers over UTF-8 text. */
int zc_str_starts(const char *s, const char *prefix);
int zc_str_ends(const char *s, const char *suffix);
/* The year a date ("2017-04-26", "2017") begins with: its four digits, or 0 when it does not
   begin with four digits.  The one reading of a year in dates zhengce stores. */
int zc_year_of(const char *date);
/* s as a whole decimal number in [lo, hi]: ZC_OK with *out set, else ZC_EUSAGE (not a number,
   trailing characters, out of range).  The style guide's strtol with checks, in one place. */
int zc_parse_long(const char *s, long lo, long hi, long *out);
/* Trims ASCII space, NBSP (U+00A0) and ideographic space (U+3000) in place; returns s. */
char *zc_str_trim(char *s);
/* a, then sep, then b; new string (what zc_asprintf("%s%s%s") gives, without printf's cost
   on a page's body) */
char *zc_str_join(const char *a, const char *sep, const char *b);
/* Folds full-width ASCII (U+FF01-U+FF5E) to half-width and U+3000 to a space; new string. */
char *zc_str_fold(const char *s);
/* What zc_str_fold() makes of one code point. */
unsigned zc_fold_cp(unsigned cp);
/* Replaces every occurrence of from by to; new string. */
char *zc_str_replace(const char *s, const char *from, const char *to);
/* Decodes one UTF-8 code point at s; returns its length (1 for invalid bytes). */
int zc_utf8_next(const char *s, unsigned *cp);
/* Columns UTF-8 text takes on a terminal: a code point from U+1100 up (CJK) counts 2. */
int zc_text_width(const char *s);
/* Writes s to f escaped for XML, HTML and SVG text and attributes (< > & "); NULL writes nothing. */
void zc_xml_write(FILE *f, const char *s);
/* Whether len bytes are UTF-8 as RFC 3629 has it (no overlong forms, no surrogates, nothing past
   U+10FFFF: what jansson accepts as a string), NULs allowed; ASCII is checked 8 bytes at a time. */
int zc_utf8_valid(const char *s, size_t len);
/* A JSON string of len bytes when they are UTF-8 (zc_utf8_valid), else NULL: jansson's own
   json_stringn checks a character at a time, three times slower on a page's text. */
json_t *zc_json_string(const char *s, size_t len);
/* Appends the n bytes at s to b as one JSON string, escaped as jansson escapes it ("\u%04X" for
   the control characters without a short form, "/" and non-ASCII as they are), as json_dumps
   writes a string or a key.  ZC_EPARSE, b as it was, when they are not UTF-8
   (zc_utf8_valid; json_string refuses them). */
int zc_json_cat_string(zc_buf *b, const char *s, size_t n);

/* A string field of a JSON object: "" when absent or not a string (never NULL).  For JSON that
   is not a stored record (a site's answer, a seed or profile file); records are typed (index/). */
const char *zc_jstr(json_t *o, const char *key);

/* A note to a caller's callback, fn(line, arg), as one line: fmt's text, its end cut ("...")
   past 1 KB; nothing when fn is NULL.  The library's way to say what the user should know. */
void zc_vnote(void (*fn)(const char *line, void *arg), void *arg, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

/*
 * A progress line for long work other than the crawl's own display (the pair merge, selection,
 * check, export), drawn by the caller: zc_progress_show() hands draw the line, the first time at
 * once and then at most twice a second, so that it can be called for every item;
 * zc_progress_end() hands it NULL (wipe the line) when one was drawn.  Nothing is drawn unless
 * on is set and draw given (commands set them when stderr is a terminal, or with --progress);
 * the library writes to no terminal itself.
 */
typedef struct zc_progress {
	int on, shown;
	double last;
	void (*draw)(const char *line, void *arg);
	void *arg;
} zc_progress;
void zc_progress_show(zc_progress *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void zc_progress_end(zc_progress *p);

#endif
