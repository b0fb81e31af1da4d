/* libFuzzer target: the pcapng block parser (src/trace/input_pcapng.c).
 *
 * The input is a pcapng file, read as input.c reads one: block after
 * block, each checked by ng_block_length and handed to ng_block whole.
 * Each block is copied into a heap block of exactly its size, so that a
 * read past it lands in AddressSanitizer's redzone.  The decoded packets'
 * bytes are all read, so that a wrong length or pointer shows. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trace/input_pcapng.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint32_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[PCAP_ERRBUF_SIZE];
	ng_reader r;
	bool swapped;

	if (!ng_magic(data, size, &swapped))
		return 0;
	memset(&r, 0, sizeof r);
	r.swapped = swapped;
	for (size_t at = 0; size - at >= NG_BLOCK_HDR;) {
		uint32_t len = ng_block_length(&r, data + at, err);
		if (!len || len > size - at)
			break;
		uint8_t *block = malloc(len);
		if (!block)
			break;
		memcpy(block, data + at, len);
		struct pcap_pkthdr h;
		const uint8_t *pkt;
		int linktype, rc = ng_block(&r, block, len, &h, &pkt, &linktype, err);
		if (rc == 1) {
			uint32_t sum = (uint32_t)linktype ^ (uint32_t)h.ts.tv_usec;
			for (uint32_t i = 0; i < h.caplen; i++)
				sum += pkt[i];
			sink = sum;
		}
		free(block);
		if (rc < 0)
			break;
		at += len;
	}
	ng_free(&r);
	return 0;
}
