/* libFuzzer harness for the C decoder (scripts/fuzz-protocol runs it). For any input:
 *  - dpl_message_decode never reads outside the input (ASan) and returns DPL_OK or a decoder status;
 *  - an accepted frame re-encodes to exactly the input bytes (one encoding per value);
 *  - every decoded list yields exactly `count` elements;
 *  - dpl_header_decode agrees with dpl_message_decode on header defects. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

static void fail(const char *what, int status) {
    fprintf(stderr, "fuzz_decode: %s (%s)\n", what, dpl_status_name(status));
    abort();
}

static uint32_t count_elements(const struct dpl_list *list) {
    union dpl_element element;
    uint32_t cursor = 0, n = 0;
    while (dpl_list_next(list, &cursor, &element)) n++;
    if (cursor != list->len) fail("list iteration stopped before the end of the list bytes", DPL_OK);
    return n;
}

static void check_lists(const struct dpl_layout *layout, const void *body) {
    for (uint8_t i = 0; i < layout->field_count; i++) {
        const struct dpl_field *field = &layout->fields[i];
        if (field->kind != DPL_K_LIST && field->kind != DPL_K_LISTR) continue;
        const struct dpl_list *list = (const void *)((const uint8_t *)body + field->offset);
        if (count_elements(list) != list->count) fail("list yields a different number of elements than its count", DPL_OK);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static uint8_t out[DPL_MAX_FRAME];
    struct dpl_message message;
    int rc = dpl_message_decode(data, size, &message);
    struct dpl_header header;
    int header_rc = dpl_header_decode(data, size, &header);
    if (header_rc != DPL_OK && rc != header_rc) fail("header and message decoders disagree", rc);
    if (rc < DPL_ERR_BAD_BOOL || rc > DPL_OK) fail("decoder returned a non-decoder status", rc);
    if (rc != DPL_OK) return 0;
    check_lists(dpl_layout_of(message.type), &message.body);
    long encoded = dpl_message_encode(&message, out, sizeof out);
    if (encoded < 0) fail("re-encoding an accepted frame failed", (int)encoded);
    if ((size_t)encoded != size || memcmp(out, data, size) != 0) fail("re-encoded bytes differ from the input", DPL_OK);
    return 0;
}
