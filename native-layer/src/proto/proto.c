/* The table-driven codec behind proto.h: one walker over the descriptor tables built from messages.h.
 * Decoding checks in the order PROTOCOL.md §15 fixes (length, header, type, fields in order, leftovers) and never
 * reads outside [buf, buf + len). */
#include "proto.h"

#include <string.h>

/* ---- descriptor tables ---- */

#define ELEMENT_U8(e) 0, NULL
#define ELEMENT_U16(e) 0, NULL
#define ELEMENT_U32(e) 0, NULL
#define ELEMENT_I32(e) 0, NULL
#define ELEMENT_U64(e) 0, NULL
#define ELEMENT_I64(e) 0, NULL
#define ELEMENT_BOOL(e) 0, NULL
#define ELEMENT_STR(e) 0, NULL
#define ELEMENT_BYTES(e) 0, NULL
#define ELEMENT_ADDR(e) 0, NULL
#define ELEMENT_LIST(e) DPL_K_##e, NULL
#define ELEMENT_LISTR(e) DPL_K_RECORD, &layout_##e

#define FIELD(S, KIND, name, element) {#name, (uint16_t)offsetof(S, name), DPL_K_##KIND, ELEMENT_##KIND(element)},
#define COUNT(S, KIND, name, element) +1

#define RECORD_LAYOUT(name)                                                         \
    static const struct dpl_field fields_##name[] = {DPL_FIELDS_##name(FIELD, struct dpl_##name)}; \
    static const struct dpl_layout layout_##name = {#name, fields_##name, 0 DPL_FIELDS_##name(COUNT, _)};
DPL_RECORDS(RECORD_LAYOUT)

#define MESSAGE_LAYOUT(code, NAME, name)                                            \
    static const struct dpl_field fields_##name[] = {DPL_FIELDS_##name(FIELD, struct dpl_##name)}; \
    static const struct dpl_layout layout_##name = {#NAME, fields_##name, 0 DPL_FIELDS_##name(COUNT, _)};
#define EMPTY_LAYOUT(code, NAME, name) static const struct dpl_layout layout_##name = {#NAME, NULL, 0};
DPL_MESSAGES(MESSAGE_LAYOUT, EMPTY_LAYOUT)

const struct dpl_layout *dpl_layout_of(uint16_t type) {
    switch (type) {
#define LAYOUT_CASE(code, NAME, name) \
    case code:                        \
        return &layout_##name;
        DPL_MESSAGES(LAYOUT_CASE, LAYOUT_CASE)
    }
    return NULL;
}

const char *dpl_type_name(uint16_t type) {
    const struct dpl_layout *layout = dpl_layout_of(type);
    return layout ? layout->name : NULL;
}

const char *dpl_status_name(int status) {
    switch (status) {
    case DPL_OK: return "DPL_OK";
    case DPL_ERR_FRAME_TOO_SHORT: return "DPL_ERR_FRAME_TOO_SHORT";
    case DPL_ERR_FRAME_TOO_LARGE: return "DPL_ERR_FRAME_TOO_LARGE";
    case DPL_ERR_UNKNOWN_TYPE: return "DPL_ERR_UNKNOWN_TYPE";
    case DPL_ERR_TRUNCATED: return "DPL_ERR_TRUNCATED";
    case DPL_ERR_TRAILING_BYTES: return "DPL_ERR_TRAILING_BYTES";
    case DPL_ERR_BAD_UTF8: return "DPL_ERR_BAD_UTF8";
    case DPL_ERR_BAD_ADDRESS: return "DPL_ERR_BAD_ADDRESS";
    case DPL_ERR_BAD_BOOL: return "DPL_ERR_BAD_BOOL";
    case DPL_ERR_BAD_VALUE: return "DPL_ERR_BAD_VALUE";
    case DPL_ERR_NO_SPACE: return "DPL_ERR_NO_SPACE";
    }
    return "DPL_ERR_UNKNOWN_STATUS";
}

/* ---- big-endian helpers ---- */

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint64_t get64(const uint8_t *p) { return (uint64_t)get32(p) << 32 | get32(p + 4); }
static void put16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static void put32(uint8_t *p, uint32_t v) {
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}
static void put64(uint8_t *p, uint64_t v) {
    put32(p, (uint32_t)(v >> 32));
    put32(p + 4, (uint32_t)v);
}

static size_t address_length(uint8_t family) { return family == 4 ? 4 : family == 6 ? 16 : 0; }
static bool valid_family(uint8_t family) { return family == 0 || family == 4 || family == 6; }

/* Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. */
static bool utf8_valid(const uint8_t *s, size_t len) {
    size_t i = 0;
    while (i < len) {
        uint8_t c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t extra;
        uint8_t lo = 0x80, hi = 0xbf; /* allowed range of the first continuation byte */
        if (c >= 0xc2 && c <= 0xdf) extra = 1;
        else if (c == 0xe0) extra = 2, lo = 0xa0;
        else if (c >= 0xe1 && c <= 0xec) extra = 2;
        else if (c == 0xed) extra = 2, hi = 0x9f;
        else if (c >= 0xee && c <= 0xef) extra = 2;
        else if (c == 0xf0) extra = 3, lo = 0x90;
        else if (c >= 0xf1 && c <= 0xf3) extra = 3;
        else if (c == 0xf4) extra = 3, hi = 0x8f;
        else return false;
        if (len - i <= extra) return false;
        if (s[i + 1] < lo || s[i + 1] > hi) return false;
        for (size_t k = 2; k <= extra; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xbf) return false;
        i += extra + 1;
    }
    return true;
}

/* ---- decoding ---- */

struct reader {
    const uint8_t *pos;
    const uint8_t *end;
};

#define NEED(r, n)                                                   \
    do {                                                             \
        if ((size_t)((r)->end - (r)->pos) < (size_t)(n)) return DPL_ERR_TRUNCATED; \
    } while (0)

static int decode_layout(const struct dpl_layout *layout, struct reader *r, void *out);

static int decode_value(uint8_t kind, const struct dpl_field *field, struct reader *r, void *out) {
    switch (kind) {
    case DPL_K_U8:
        NEED(r, 1);
        *(uint8_t *)out = r->pos[0];
        r->pos += 1;
        return DPL_OK;
    case DPL_K_BOOL:
        NEED(r, 1);
        if (r->pos[0] > 1) return DPL_ERR_BAD_BOOL;
        *(bool *)out = r->pos[0] == 1;
        r->pos += 1;
        return DPL_OK;
    case DPL_K_U16:
        NEED(r, 2);
        *(uint16_t *)out = get16(r->pos);
        r->pos += 2;
        return DPL_OK;
    case DPL_K_U32:
        NEED(r, 4);
        *(uint32_t *)out = get32(r->pos);
        r->pos += 4;
        return DPL_OK;
    case DPL_K_I32:
        NEED(r, 4);
        *(int32_t *)out = (int32_t)get32(r->pos);
        r->pos += 4;
        return DPL_OK;
    case DPL_K_U64:
        NEED(r, 8);
        *(uint64_t *)out = get64(r->pos);
        r->pos += 8;
        return DPL_OK;
    case DPL_K_I64:
        NEED(r, 8);
        *(int64_t *)out = (int64_t)get64(r->pos);
        r->pos += 8;
        return DPL_OK;
    case DPL_K_STR:
    case DPL_K_BYTES: {
        NEED(r, 4);
        uint32_t len = get32(r->pos);
        r->pos += 4;
        NEED(r, len);
        if (kind == DPL_K_STR) {
            if (!utf8_valid(r->pos, len)) return DPL_ERR_BAD_UTF8;
            *(struct dpl_str *)out = (struct dpl_str){(const char *)r->pos, len};
        } else {
            *(struct dpl_bytes *)out = (struct dpl_bytes){r->pos, len};
        }
        r->pos += len;
        return DPL_OK;
    }
    case DPL_K_ADDR: {
        struct dpl_addr *addr = out;
        NEED(r, 1);
        uint8_t family = r->pos[0];
        if (!valid_family(family)) return DPL_ERR_BAD_ADDRESS;
        r->pos += 1;
        size_t ip_len = address_length(family);
        NEED(r, ip_len);
        memset(addr, 0, sizeof *addr);
        addr->family = family;
        memcpy(addr->ip, r->pos, ip_len);
        r->pos += ip_len;
        NEED(r, 2);
        addr->port = get16(r->pos);
        r->pos += 2;
        return DPL_OK;
    }
    case DPL_K_LIST:
    case DPL_K_LISTR: {
        struct dpl_list *list = out;
        NEED(r, 4);
        uint32_t count = get32(r->pos);
        r->pos += 4;
        const uint8_t *start = r->pos;
        /* Each element is validated in turn; a huge count fails on the bytes it lacks. */
        for (uint32_t i = 0; i < count; i++) {
            union dpl_element scratch;
            int rc = kind == DPL_K_LIST ? decode_value(field->element_kind, NULL, r, &scratch)
                                        : decode_layout(field->element_layout, r, &scratch);
            if (rc != DPL_OK) return rc;
        }
        *list = (struct dpl_list){count, (uint32_t)(r->pos - start), start, field->element_kind,
                                  field->element_layout};
        return DPL_OK;
    }
    }
    return DPL_ERR_BAD_VALUE;
}

static int decode_layout(const struct dpl_layout *layout, struct reader *r, void *out) {
    for (uint8_t i = 0; i < layout->field_count; i++) {
        const struct dpl_field *field = &layout->fields[i];
        int rc = decode_value(field->kind, field, r, (uint8_t *)out + field->offset);
        if (rc != DPL_OK) return rc;
    }
    return DPL_OK;
}

static int check_length(uint32_t length) {
    if (length < DPL_LENGTH_OVERHEAD) return DPL_ERR_FRAME_TOO_SHORT;
    if (length > DPL_LENGTH_OVERHEAD + DPL_MAX_PAYLOAD) return DPL_ERR_FRAME_TOO_LARGE;
    return DPL_OK;
}

int dpl_header_decode(const uint8_t *buf, size_t len, struct dpl_header *out) {
    if (len < 4) return DPL_ERR_TRUNCATED;
    uint32_t length = get32(buf);
    int rc = check_length(length);
    if (rc != DPL_OK) return rc;
    if (len < DPL_HEADER_SIZE) return DPL_ERR_TRUNCATED;
    uint16_t type = get16(buf + 4);
    if (dpl_layout_of(type) == NULL) return DPL_ERR_UNKNOWN_TYPE;
    *out = (struct dpl_header){length, type, get32(buf + 6)};
    return DPL_OK;
}

int dpl_body_decode(uint16_t type, const uint8_t *payload, size_t len, union dpl_body *out) {
    const struct dpl_layout *layout = dpl_layout_of(type);
    if (layout == NULL) return DPL_ERR_UNKNOWN_TYPE;
    struct reader r = {payload, payload + len};
    int rc = decode_layout(layout, &r, out);
    if (rc != DPL_OK) return rc;
    return r.pos == r.end ? DPL_OK : DPL_ERR_TRAILING_BYTES;
}

int dpl_message_decode(const uint8_t *buf, size_t len, struct dpl_message *out) {
    struct dpl_header header;
    int rc = dpl_header_decode(buf, len, &header);
    if (rc != DPL_OK) return rc;
    size_t end = 4 + (size_t)header.length;
    if (len < end) return DPL_ERR_TRUNCATED;
    if (len > end) return DPL_ERR_TRAILING_BYTES;
    out->type = header.type;
    out->request_id = header.request_id;
    return dpl_body_decode(header.type, buf + DPL_HEADER_SIZE, end - DPL_HEADER_SIZE, &out->body);
}

bool dpl_list_next(const struct dpl_list *list, uint32_t *cursor, union dpl_element *element) {
    if (*cursor >= list->len) return false;
    struct reader r = {list->ptr + *cursor, list->ptr + list->len};
    /* The list was validated when its frame was decoded, so this cannot fail; stop cleanly if it ever does. */
    struct dpl_field field = {"element", 0, list->element_kind, 0, NULL};
    int rc = list->element_kind == DPL_K_RECORD ? decode_layout(list->element_layout, &r, element)
                                                 : decode_value(list->element_kind, &field, &r, element);
    if (rc != DPL_OK) return false;
    *cursor = (uint32_t)(r.pos - list->ptr);
    return true;
}

/* ---- encoding ---- */

struct writer {
    uint8_t *pos;
    uint8_t *end;
};

#define ROOM(w, n)                                                  \
    do {                                                            \
        if ((size_t)((w)->end - (w)->pos) < (size_t)(n)) return DPL_ERR_NO_SPACE; \
    } while (0)

static int encode_layout(const struct dpl_layout *layout, const void *in, struct writer *w);

static int encode_value(uint8_t kind, const void *in, struct writer *w) {
    switch (kind) {
    case DPL_K_U8:
        ROOM(w, 1);
        *w->pos++ = *(const uint8_t *)in;
        return DPL_OK;
    case DPL_K_BOOL:
        ROOM(w, 1);
        *w->pos++ = *(const bool *)in ? 1 : 0;
        return DPL_OK;
    case DPL_K_U16:
        ROOM(w, 2);
        put16(w->pos, *(const uint16_t *)in);
        w->pos += 2;
        return DPL_OK;
    case DPL_K_U32:
    case DPL_K_I32:
        ROOM(w, 4);
        put32(w->pos, *(const uint32_t *)in);
        w->pos += 4;
        return DPL_OK;
    case DPL_K_U64:
    case DPL_K_I64:
        ROOM(w, 8);
        put64(w->pos, *(const uint64_t *)in);
        w->pos += 8;
        return DPL_OK;
    case DPL_K_STR:
    case DPL_K_BYTES: {
        const uint8_t *ptr;
        uint32_t len;
        if (kind == DPL_K_STR) {
            const struct dpl_str *str = in;
            ptr = (const uint8_t *)str->ptr, len = str->len;
        } else {
            const struct dpl_bytes *bytes = in;
            ptr = bytes->ptr, len = bytes->len;
        }
        if (len > 0 && ptr == NULL) return DPL_ERR_BAD_VALUE;
        if (kind == DPL_K_STR && !utf8_valid(ptr, len)) return DPL_ERR_BAD_UTF8;
        ROOM(w, 4 + (size_t)len);
        put32(w->pos, len);
        if (len > 0) memcpy(w->pos + 4, ptr, len);
        w->pos += 4 + (size_t)len;
        return DPL_OK;
    }
    case DPL_K_ADDR: {
        const struct dpl_addr *addr = in;
        if (!valid_family(addr->family)) return DPL_ERR_BAD_ADDRESS;
        size_t ip_len = address_length(addr->family);
        ROOM(w, 1 + ip_len + 2);
        *w->pos++ = addr->family;
        memcpy(w->pos, addr->ip, ip_len);
        w->pos += ip_len;
        put16(w->pos, addr->port);
        w->pos += 2;
        return DPL_OK;
    }
    case DPL_K_LIST:
    case DPL_K_LISTR: {
        const struct dpl_list *list = in;
        if (list->len > 0 && list->ptr == NULL) return DPL_ERR_BAD_VALUE;
        ROOM(w, 4 + (size_t)list->len);
        put32(w->pos, list->count);
        if (list->len > 0) memcpy(w->pos + 4, list->ptr, list->len);
        w->pos += 4 + (size_t)list->len;
        return DPL_OK;
    }
    }
    return DPL_ERR_BAD_VALUE;
}

static int encode_layout(const struct dpl_layout *layout, const void *in, struct writer *w) {
    for (uint8_t i = 0; i < layout->field_count; i++) {
        const struct dpl_field *field = &layout->fields[i];
        int rc = encode_value(field->kind, (const uint8_t *)in + field->offset, w);
        if (rc != DPL_OK) return rc;
    }
    return DPL_OK;
}

long dpl_message_encode(const struct dpl_message *m, uint8_t *buf, size_t cap) {
    const struct dpl_layout *layout = dpl_layout_of(m->type);
    if (layout == NULL) return DPL_ERR_UNKNOWN_TYPE;
    if (cap < DPL_HEADER_SIZE) return DPL_ERR_NO_SPACE;
    /* Never let a payload grow past the limit the receiver enforces, whatever the caller's buffer size. */
    size_t room = cap - DPL_HEADER_SIZE < DPL_MAX_PAYLOAD + 1 ? cap - DPL_HEADER_SIZE : DPL_MAX_PAYLOAD + 1;
    struct writer w = {buf + DPL_HEADER_SIZE, buf + DPL_HEADER_SIZE + room};
    int rc = encode_layout(layout, &m->body, &w);
    size_t payload = (size_t)(w.pos - (buf + DPL_HEADER_SIZE));
    if (rc == DPL_ERR_NO_SPACE && room > DPL_MAX_PAYLOAD) return DPL_ERR_FRAME_TOO_LARGE;
    if (rc != DPL_OK) return rc;
    if (payload > DPL_MAX_PAYLOAD) return DPL_ERR_FRAME_TOO_LARGE;
    put32(buf, (uint32_t)(DPL_LENGTH_OVERHEAD + payload));
    put16(buf + 4, m->type);
    put32(buf + 6, m->request_id);
    return (long)(DPL_HEADER_SIZE + payload);
}
