/*
 * replies.c - rpl_format, the one formatter every catalogue entry calls,
 * and the catalogue as a table (actions/replies.def).
 */
#include "actions/replies.h"

#include <stdarg.h>
#include <stdio.h>

const struct rpl_entry rpl_table[RPL__COUNT] = {
#define R(name, parts, params, sample, ...) [RPL_##name] = {#name, parts, RPL_FIRST(__VA_ARGS__)},
#include "actions/replies.def"
#undef R
};

char *
rpl_format(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (len == 0)
		return out;
	va_start(ap, fmt);
	n = vsnprintf(out, len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		out[0] = '\0';
	} else if ((size_t)n >= len && len > 1) {
		/* cut: drop a last character that lost some of its bytes */
		size_t k = len - 2, need;
		unsigned char lead;

		while (k > 0 && ((unsigned char)out[k] & 0xC0) == 0x80)
			k--;
		lead = (unsigned char)out[k];
		need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
		if (k + need > len - 1)
			out[k] = '\0';
	}
	return out;
}
