/* The C codec as a stdin/stdout program for shared/protocol/vectors.test.ts (and the differential fuzz loop).
 * Each input line is one frame in hex. Each output line is either
 *   OK <hex of the frame re-encoded from the decoded struct> <canonical JSON of the frame>
 * or
 *   ERR <DPL_ERR_* code>
 * Canonical JSON is PROTOCOL.md §2 printed exactly as JSON.stringify would: keys in field order, no spaces. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

static void print_json_string(const uint8_t *s, size_t len) {
    putchar('"');
    for (size_t i = 0; i < len; i++) {
        uint8_t c = s[i];
        switch (c) {
        case '"': fputs("\\\"", stdout); break;
        case '\\': fputs("\\\\", stdout); break;
        case '\b': fputs("\\b", stdout); break;
        case '\f': fputs("\\f", stdout); break;
        case '\n': fputs("\\n", stdout); break;
        case '\r': fputs("\\r", stdout); break;
        case '\t': fputs("\\t", stdout); break;
        default:
            if (c < 0x20) printf("\\u%04x", c);
            else putchar(c);
        }
    }
    putchar('"');
}

static void print_hex(const uint8_t *p, size_t len) {
    for (size_t i = 0; i < len; i++) printf("%02x", p[i]);
}

/* IPv6 text per RFC 5952: lowercase, no leading zeros, the longest run (>= 2) of zero groups -- the first one on a
 * tie -- as "::", no dotted IPv4 tail. */
static void print_ipv6(const uint8_t *ip) {
    uint16_t groups[8];
    for (int i = 0; i < 8; i++) groups[i] = (uint16_t)(ip[2 * i] << 8 | ip[2 * i + 1]);
    int best = -1, best_len = 1;
    for (int i = 0; i < 8;) {
        if (groups[i] != 0) {
            i++;
            continue;
        }
        int j = i;
        while (j < 8 && groups[j] == 0) j++;
        if (j - i > best_len) best = i, best_len = j - i;
        i = j;
    }
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            fputs("::", stdout);
            i += best_len - 1;
            continue;
        }
        if (i > 0 && i != best + best_len) putchar(':');
        printf("%x", groups[i]);
    }
}

static void print_addr(const struct dpl_addr *addr) {
    printf("{\"family\":%u,\"ip\":\"", addr->family);
    if (addr->family == 4) printf("%u.%u.%u.%u", addr->ip[0], addr->ip[1], addr->ip[2], addr->ip[3]);
    if (addr->family == 6) print_ipv6(addr->ip);
    printf("\",\"port\":%u}", addr->port);
}

static void print_layout(const struct dpl_layout *layout, const void *base);

static void print_value(uint8_t kind, const void *p) {
    switch (kind) {
    case DPL_K_U8: printf("%u", *(const uint8_t *)p); break;
    case DPL_K_U16: printf("%u", *(const uint16_t *)p); break;
    case DPL_K_U32: printf("%" PRIu32, *(const uint32_t *)p); break;
    case DPL_K_I32: printf("%" PRId32, *(const int32_t *)p); break;
    case DPL_K_U64: printf("\"%" PRIu64 "\"", *(const uint64_t *)p); break;
    case DPL_K_I64: printf("\"%" PRId64 "\"", *(const int64_t *)p); break;
    case DPL_K_BOOL: fputs(*(const bool *)p ? "true" : "false", stdout); break;
    case DPL_K_STR: {
        const struct dpl_str *str = p;
        print_json_string((const uint8_t *)str->ptr, str->len);
        break;
    }
    case DPL_K_BYTES: {
        const struct dpl_bytes *bytes = p;
        putchar('"');
        print_hex(bytes->ptr, bytes->len);
        putchar('"');
        break;
    }
    case DPL_K_ADDR: print_addr(p); break;
    case DPL_K_LIST:
    case DPL_K_LISTR: {
        const struct dpl_list *list = p;
        union dpl_element element;
        uint32_t cursor = 0;
        putchar('[');
        for (uint32_t i = 0; dpl_list_next(list, &cursor, &element); i++) {
            if (i > 0) putchar(',');
            if (list->element_kind == DPL_K_RECORD) print_layout(list->element_layout, &element);
            else print_value(list->element_kind, &element);
        }
        putchar(']');
        break;
    }
    }
}

static void print_layout(const struct dpl_layout *layout, const void *base) {
    putchar('{');
    for (uint8_t i = 0; i < layout->field_count; i++) {
        const struct dpl_field *field = &layout->fields[i];
        printf("%s\"%s\":", i > 0 ? "," : "", field->name);
        print_value(field->kind, (const uint8_t *)base + field->offset);
    }
    putchar('}');
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int main(void) {
    static uint8_t frame[DPL_MAX_FRAME + 64];
    static uint8_t reencoded[DPL_MAX_FRAME];
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t line_len;
    while ((line_len = getline(&line, &line_cap, stdin)) >= 0) {
        while (line_len > 0 && (line[line_len - 1] == '\n' || line[line_len - 1] == '\r')) line_len--;
        size_t len = (size_t)line_len / 2;
        if (line_len % 2 != 0 || len > sizeof frame) {
            fprintf(stderr, "vectors: input line is not hex of at most %zu bytes\n", sizeof frame);
            return 2;
        }
        for (size_t i = 0; i < len; i++) {
            int hi = hex_digit(line[2 * i]), lo = hex_digit(line[2 * i + 1]);
            if (hi < 0 || lo < 0) {
                fprintf(stderr, "vectors: input line is not hex\n");
                return 2;
            }
            frame[i] = (uint8_t)(hi << 4 | lo);
        }
        struct dpl_message message;
        int rc = dpl_message_decode(frame, len, &message);
        if (rc != DPL_OK) {
            printf("ERR %s\n", dpl_status_name(rc));
            continue;
        }
        long size = dpl_message_encode(&message, reencoded, sizeof reencoded);
        if (size < 0) {
            printf("ERR re-encoding failed with %s\n", dpl_status_name((int)size));
            continue;
        }
        fputs("OK ", stdout);
        print_hex(reencoded, (size_t)size);
        printf(" {\"type\":\"%s\",\"request_id\":%" PRIu32 ",\"body\":", dpl_type_name(message.type),
               message.request_id);
        print_layout(dpl_layout_of(message.type), &message.body);
        fputs("}\n", stdout);
    }
    free(line);
    return 0;
}
