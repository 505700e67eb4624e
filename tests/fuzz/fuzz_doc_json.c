/*
 * fuzz_doc_json.c - libFuzzer harness for doc_parse_json() (see fuzz_doc.h).
 * The corpus replays as a test; tests/fuzz/run.sh runs it under libFuzzer.
 */
#include "fuzz_doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_doc_check(doc_parse_json, "fuzz.json", data, size);
}
