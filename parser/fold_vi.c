/*
 * fold_vi.c - commands.md §1.1-1.2: repair invalid UTF-8, then fold text for
 * matching (NFKC + NFD, marks U+0300-U+036F dropped, đ -> d, upper case, VIQR
 * punctuation dropped, other punctuation to spaces) while remembering, for
 * every folded byte, which original bytes it came from, so text, note, name
 * and place can be cut from the sender's own characters.
 *
 * NFD(NFKC(x)) is canonically NFKD(x), so each character is decomposed once
 * with utf8proc's compatibility decomposition; the marks are dropped right
 * after, so composition would only be undone again.
 */
#include "parser/parser_int.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "common/common.h"

size_t
fold_sanitize(const char *in, size_t len, char *out, size_t outcap)
{
	size_t i = 0, o = 0;

	if (len > MSG_MAX)
		len = MSG_MAX;
	while (i < len && o + 4 < outcap) {
		unsigned char b = (unsigned char)in[i];
		utf8proc_int32_t cp;
		utf8proc_ssize_t n;

		if (b != 0 && b < 0x80) {
			out[o++] = (char)b;
			i++;
			continue;
		}
		if (b == 0) {			/* a NUL would end our strings */
			out[o++] = ' ';
			i++;
			continue;
		}
		n = utf8proc_iterate((const utf8proc_uint8_t *)in + i,
		    (utf8proc_ssize_t)(len - i), &cp);
		if (n < 0) {			/* U+FFFD for each bad byte */
			memcpy(out + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(out + o, in + i, (size_t)n);
		o += (size_t)n;
		i += (size_t)n;
	}
	out[o] = '\0';
	return o;
}

/* Punctuation that survives pass 1, to be judged by its neighbours. */
static bool
is_judged(char c)
{
	return c == '\'' || c == '`' || c == '?' || c == '~' || c == '.' || c == ',';
}

static bool
is_letter_byte(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static bool
is_digit_byte(unsigned char c)
{
	return c >= '0' && c <= '9';
}

struct fold_out {
	char *s;
	uint16_t *fos, *foe;
	size_t n, cap;
	int questions, others;		/* a message of only '?' is HELP */
};

static void
emit(struct fold_out *f, char c, size_t os, size_t oe)
{
	if (f->n >= f->cap)
		return;
	f->s[f->n] = c;
	if (f->fos != NULL) {
		f->fos[f->n] = (uint16_t)os;
		f->foe[f->n] = (uint16_t)oe;
	}
	f->n++;
}

static void
emit_ascii(struct fold_out *f, int c, size_t os, size_t oe)
{
	if (c >= 'a' && c <= 'z')
		c -= 'a' - 'A';
	if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '#') {
		emit(f, (char)c, os, oe);
		f->others++;
	} else if (is_judged((char)c)) {
		emit(f, (char)c, os, oe);
		if (c == '?')
			f->questions++;
		else
			f->others++;
	} else {
		emit(f, ' ', os, oe);
	}
}

static void
emit_cp(struct fold_out *f, utf8proc_int32_t cp, size_t os, size_t oe)
{
	utf8proc_uint8_t enc[4];
	utf8proc_ssize_t n, k;
	utf8proc_category_t cat;

	if (cp < 0x80) {
		emit_ascii(f, cp, os, oe);
		return;
	}
	if (cp >= 0x300 && cp <= 0x36F)
		return;
	cat = utf8proc_category(cp);
	if (cat < UTF8PROC_CATEGORY_LU || cat > UTF8PROC_CATEGORY_ND) {
		emit(f, ' ', os, oe);		/* symbols, emoji, spaces */
		return;
	}
	n = utf8proc_encode_char(utf8proc_toupper(cp), enc);
	if (f->n + (size_t)n > f->cap)
		return;
	for (k = 0; k < n; k++)
		emit(f, (char)enc[k], os, oe);
	f->others++;
}

static void
fold_char(struct fold_out *f, utf8proc_int32_t cp, size_t os, size_t oe)
{
	utf8proc_int32_t dec[18];
	utf8proc_ssize_t n, k;

	switch (cp) {
	case 0x110: case 0x111: case 0xD0: case 0xF0:	/* Đ đ Ð ð */
	case 0x20AB:					/* ₫ is the đ marker */
		emit_ascii(f, 'D', os, oe);
		return;
	case 0x2018: case 0x2019:			/* curly VIQR apostrophes */
		emit_ascii(f, '\'', os, oe);
		return;
	default:
		break;
	}
	n = utf8proc_decompose_char(cp, dec, 18, UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE, NULL);
	if (n < 0 || n > 18) {
		emit(f, ' ', os, oe);
		return;
	}
	for (k = 0; k < n; k++)
		emit_cp(f, dec[k], os, oe);
}

/*
 * pass2 applies the neighbour rules of §1.2 to the pass-1 bytes and
 * collapses spaces, writing over the same buffer (it only shrinks).
 */
static size_t
pass2(struct fold_out *f)
{
	size_t i, o = 0;
	char *s = f->s;

	for (i = 0; i < f->n; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned char prev = i > 0 ? (unsigned char)s[i - 1] : ' ';
		unsigned char next = i + 1 < f->n ? (unsigned char)s[i + 1] : ' ';

		if (is_judged((char)c)) {
			if (c != ',' && is_letter_byte(prev) && is_letter_byte(next))
				continue;		/* VIQR: BA'N -> BAN */
			/* 30.000 and 2,5 keep their separator */
			if (!((c == '.' || c == ',') && is_digit_byte(prev) && is_digit_byte(next)))
				c = ' ';
		}
		if (c == ' ' && (o == 0 || s[o - 1] == ' '))
			continue;
		/* o <= i: s[i] is read as prev next round only if o == i, and
		 * then only its letter/digit class matters, which c keeps */
		if (f->fos != NULL) {
			f->fos[o] = f->fos[i];
			f->foe[o] = f->foe[i];
		}
		s[o] = (char)c;
		o++;
	}
	while (o > 0 && s[o - 1] == ' ')
		o--;
	s[o] = '\0';
	return o;
}

size_t
fold_text(const char *orig, size_t olen, char *out, uint16_t *fos, uint16_t *foe,
    size_t outcap)
{
	struct fold_out f = {out, fos, foe, 0, outcap - 1, 0, 0};
	size_t i = 0;

	while (i < olen) {
		unsigned char b = (unsigned char)orig[i];
		utf8proc_int32_t cp;
		utf8proc_ssize_t n;

		if (b < 0x80) {
			emit_ascii(&f, b, i, i + 1);
			i++;
			continue;
		}
		n = utf8proc_iterate((const utf8proc_uint8_t *)orig + i,
		    (utf8proc_ssize_t)(olen - i), &cp);
		if (n <= 0) {			/* sanitized input: cannot happen */
			i++;
			continue;
		}
		fold_char(&f, cp, i, i + (size_t)n);
		i += (size_t)n;
	}
	if (f.questions > 0 && f.others == 0) {
		out[0] = '?';
		out[1] = '\0';
		if (fos != NULL) {
			fos[0] = 0;
			foe[0] = (uint16_t)olen;
		}
		return 1;
	}
	return pass2(&f);
}

size_t
parser_fold(const char *utf8, size_t len, char *out, size_t outlen)
{
	static const size_t cap = FOLD_MAX + 1;
	char *orig, *tmp;
	size_t olen, n;

	if (outlen == 0)
		return 0;
	orig = xmalloc(MSG_MAX + 8);
	tmp = xmalloc(cap);
	olen = fold_sanitize(utf8 != NULL ? utf8 : "", utf8 != NULL ? len : 0, orig, MSG_MAX + 8);
	n = fold_text(orig, olen, tmp, NULL, NULL, cap);
	str_copy(out, outlen, tmp);
	n = strlen(out);
	free(orig);
	free(tmp);
	return n;
}
