/*
 * fuzz_box.c - libFuzzer target for the box protocol's decoder (make
 * fuzz-box): any bytes from bearerbox's socket, read as a stream of frames
 * the way the box connection reads them. Whatever decodes must encode back
 * to the very same bytes (the codec loses nothing and invents nothing), and
 * nothing may read outside the input. tests/unit/test_fuzz_box_replay.c
 * includes this file to replay the corpus under the normal sanitized build.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/boxmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char out[BOXMSG_MAX + BOXMSG_HEADER];

	while (size >= BOXMSG_HEADER) {
		struct boxmsg m;
		size_t len, n;

		if (boxmsg_frame_len(data, &len) != 0 || len > size - BOXMSG_HEADER)
			break;	/* the connection would be closed here */
		if (boxmsg_decode(data + BOXMSG_HEADER, len, &m) == 0) {
			n = boxmsg_encode(&m, out, sizeof out);
			if (n != len + BOXMSG_HEADER || memcmp(out, data, n) != 0)
				abort();
		}
		data += BOXMSG_HEADER + len;
		size -= BOXMSG_HEADER + len;
	}
	return 0;
}
