/*
 * xmalloc.c - allocation that never returns NULL, and a safe string copy.
 */
#include "common/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
oom(size_t n)
{
	fprintf(stderr, "fatal: out of memory allocating %zu bytes\n", n);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom(n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom(n * size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		oom(n);
	return q;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = xmalloc(n);

	memcpy(d, s, n);
	return d;
}

int
str_copy(char *dst, size_t dstlen, const char *src)
{
	size_t n = strlen(src);

	if (dstlen == 0)
		return -1;
	if (n < dstlen) {
		memcpy(dst, src, n + 1);
		return 0;
	}
	n = utf8_cut_len(src, dstlen - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
	return -1;
}

size_t
utf8_cut_len(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = n, seq;

	/* the lead byte of the character that s[n] belongs to, if any */
	while (i > 0 && n - i < 3 && (p[i] & 0xC0) == 0x80)
		i--;
	if (i == n || p[i] < 0xC0)
		return n;	/* s[n] starts a character, or stray continuations */
	seq = p[i] >= 0xF0 ? 4 : p[i] >= 0xE0 ? 3 : 2;
	return i + seq > n ? i : n;
}
