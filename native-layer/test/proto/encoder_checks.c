/* Checks of the C encoder's refusals, which the vectors (all decodable frames) cannot show: a hook that builds a bad
 * request must get a status back and fail its own call, never send a frame the proxy would drop the link for.
 * Prints one line per case; exits 1 if any case fails. */
#include <stdio.h>
#include <string.h>

#include "proto.h"

static uint8_t big[DPL_MAX_FRAME + 16];
static uint8_t out[DPL_MAX_FRAME + 16];
static int failures;

static void expect(const char *name, long got, long want) {
    bool ok = got == want;
    printf("%s %s: got %s (%ld)\n", ok ? "ok" : "FAIL", name, got < 0 ? dpl_status_name((int)got) : "size", got);
    failures += !ok;
}

static long encode(struct dpl_message m, size_t cap) { return dpl_message_encode(&m, out, cap); }

int main(void) {
    struct dpl_message log_bad_utf8 = {.type = DPL_MSG_LOG, .body.log = {2, {"\xc0\xaf", 2}}};
    expect("str that is not UTF-8 -> BAD_UTF8", encode(log_bad_utf8, sizeof out), DPL_ERR_BAD_UTF8);

    struct dpl_message bind_family_5 = {.type = DPL_MSG_NET_UDP_BIND, .body.net_udp_bind = {{.family = 5}}};
    expect("addr family 5 -> BAD_ADDRESS", encode(bind_family_5, sizeof out), DPL_ERR_BAD_ADDRESS);

    struct dpl_message null_bytes = {.type = DPL_MSG_FILE_DATA, .body.file_data = {{NULL, 3}}};
    expect("bytes with NULL pointer and length 3 -> BAD_VALUE", encode(null_bytes, sizeof out), DPL_ERR_BAD_VALUE);

    struct dpl_message unknown = {.type = 0x0580};
    expect("unknown type -> UNKNOWN_TYPE", encode(unknown, sizeof out), DPL_ERR_UNKNOWN_TYPE);

    struct dpl_message ok = {.type = DPL_MSG_OK, .request_id = 7};
    expect("OK in exactly 10 bytes", encode(ok, 10), 10);
    expect("OK in 9 bytes -> NO_SPACE", encode(ok, 9), DPL_ERR_NO_SPACE);

    struct dpl_message close = {.type = DPL_MSG_FILE_CLOSE, .body.file_close = {42}};
    expect("FILE_CLOSE with one byte too few -> NO_SPACE", encode(close, 17), DPL_ERR_NO_SPACE);

    struct dpl_message max_data = {.type = DPL_MSG_NET_DATA, .body.net_data = {1, {big, DPL_MAX_DATA}}};
    expect("NET_DATA with DPL_MAX_DATA bytes fits", encode(max_data, sizeof out), DPL_HEADER_SIZE + 8 + DPL_MAX_DATA);

    struct dpl_message too_large = {.type = DPL_MSG_FILE_DATA, .body.file_data = {{big, DPL_MAX_PAYLOAD}}};
    expect("FILE_DATA with a 1 MiB payload -> FRAME_TOO_LARGE", encode(too_large, sizeof out), DPL_ERR_FRAME_TOO_LARGE);

    struct dpl_message exact = {.type = DPL_MSG_FILE_DATA, .body.file_data = {{big, DPL_MAX_PAYLOAD - 4}}};
    expect("FILE_DATA filling the payload exactly", encode(exact, sizeof out), DPL_MAX_FRAME);

    struct dpl_header header;
    static const uint8_t too_short[] = {0, 0, 0, 5};
    expect("header: length 5 known from 4 bytes -> FRAME_TOO_SHORT", dpl_header_decode(too_short, 4, &header),
           DPL_ERR_FRAME_TOO_SHORT);
    static const uint8_t partial[] = {0, 0, 0, 6, 0, 6};
    expect("header: 6 of 10 bytes -> TRUNCATED", dpl_header_decode(partial, sizeof partial, &header), DPL_ERR_TRUNCATED);

    return failures == 0 ? 0 : 1;
}
