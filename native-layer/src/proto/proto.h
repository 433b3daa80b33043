/*
 * The C codec of the doppel wire protocol (shared/protocol/PROTOCOL.md). libc only, C11, no allocation:
 * frames are encoded into caller buffers, and decoded structs point into the caller's frame buffer (str, bytes and
 * list fields are views), so the buffer must outlive the decoded frame.
 *
 * Every function returns DPL_OK (0) or a negative enum dpl_status; dpl_status_name() gives the DPL_ERR_* code the
 * spec and the TypeScript codec use for the same defect.
 */
#ifndef DPL_PROTO_H
#define DPL_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "messages.h"

#define DPL_PROTOCOL_VERSION 1
#define DPL_HEADER_SIZE 10
#define DPL_LENGTH_OVERHEAD 6 /* what `length` counts besides the payload: type (2) + request id (4) */
#define DPL_MAX_PAYLOAD (1024u * 1024u)
#define DPL_MAX_FRAME (DPL_HEADER_SIZE + DPL_MAX_PAYLOAD)
#define DPL_MAX_DATA (DPL_MAX_PAYLOAD - 64u) /* largest data field; any frame carrying it fits */

enum dpl_status {
    DPL_OK = 0,
    DPL_ERR_FRAME_TOO_SHORT = -1,
    DPL_ERR_FRAME_TOO_LARGE = -2,
    DPL_ERR_UNKNOWN_TYPE = -3,
    DPL_ERR_TRUNCATED = -4,
    DPL_ERR_TRAILING_BYTES = -5,
    DPL_ERR_BAD_UTF8 = -6,
    DPL_ERR_BAD_ADDRESS = -7,
    DPL_ERR_BAD_BOOL = -8,
    DPL_ERR_BAD_VALUE = -9, /* encoder: a value does not fit its field */
    DPL_ERR_NO_SPACE = -10, /* encoder: the caller's buffer is too small */
};

/* "DPL_ERR_TRUNCATED" etc.; "DPL_OK" for 0. */
const char *dpl_status_name(int status);

enum dpl_type {
#define DPL_TYPE_ENUM(code, NAME, name) DPL_MSG_##NAME = code,
    DPL_MESSAGES(DPL_TYPE_ENUM, DPL_TYPE_ENUM)
#undef DPL_TYPE_ENUM
};

/* "FILE_OPEN" etc., or NULL for a code that is not a message. */
const char *dpl_type_name(uint16_t type);

/* ---- field value types ---- */

struct dpl_str {   /* valid UTF-8, NOT NUL-terminated */
    const char *ptr;
    uint32_t len;
};
struct dpl_bytes {
    const uint8_t *ptr;
    uint32_t len;
};
struct dpl_addr {
    uint8_t family; /* 0 none, 4 IPv4, 6 IPv6 (not AF_*) */
    uint8_t ip[16]; /* first 4 bytes for IPv4 */
    uint16_t port;  /* host byte order */
};
struct dpl_layout;
/* A list's elements, still encoded back to back; read them with dpl_list_next. Lists are only decoded on the C side
 * (the layer never sends one); encoding writes `count` and the `len` bytes at `ptr` as they are. */
struct dpl_list {
    uint32_t count;
    uint32_t len;
    const uint8_t *ptr;
    uint8_t element_kind;
    const struct dpl_layout *element_layout; /* for lists of records */
};

#define DPL_CTYPE_U8 uint8_t
#define DPL_CTYPE_U16 uint16_t
#define DPL_CTYPE_U32 uint32_t
#define DPL_CTYPE_I32 int32_t
#define DPL_CTYPE_U64 uint64_t
#define DPL_CTYPE_I64 int64_t
#define DPL_CTYPE_BOOL bool
#define DPL_CTYPE_STR struct dpl_str
#define DPL_CTYPE_BYTES struct dpl_bytes
#define DPL_CTYPE_ADDR struct dpl_addr
#define DPL_CTYPE_LIST struct dpl_list
#define DPL_CTYPE_LISTR struct dpl_list

/* struct dpl_<message> and struct dpl_<record>, one member per field, named as on the wire. */
#define DPL_MEMBER(S, KIND, name, element) DPL_CTYPE_##KIND name;
#define DPL_RECORD_STRUCT(name) struct dpl_##name { DPL_FIELDS_##name(DPL_MEMBER, _) };
#define DPL_MESSAGE_STRUCT(code, NAME, name) struct dpl_##name { DPL_FIELDS_##name(DPL_MEMBER, _) };
#define DPL_NO_STRUCT(code, NAME, name)
DPL_RECORDS(DPL_RECORD_STRUCT)
DPL_MESSAGES(DPL_MESSAGE_STRUCT, DPL_NO_STRUCT)
#undef DPL_MEMBER
#undef DPL_RECORD_STRUCT
#undef DPL_MESSAGE_STRUCT
#undef DPL_NO_STRUCT

/* Any one list element, for dpl_list_next. */
union dpl_element {
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    int32_t i32;
    uint64_t u64;
    int64_t i64;
    bool boolean;
    struct dpl_str str;
    struct dpl_bytes bytes;
    struct dpl_addr addr;
#define DPL_RECORD_MEMBER(name) struct dpl_##name name;
    DPL_RECORDS(DPL_RECORD_MEMBER)
#undef DPL_RECORD_MEMBER
};

union dpl_body {
#define DPL_BODY_MEMBER(code, NAME, name) struct dpl_##name name;
#define DPL_NO_MEMBER(code, NAME, name)
    DPL_MESSAGES(DPL_BODY_MEMBER, DPL_NO_MEMBER)
#undef DPL_BODY_MEMBER
#undef DPL_NO_MEMBER
};

/* One decoded frame. */
struct dpl_message {
    uint16_t type;       /* enum dpl_type */
    uint32_t request_id; /* 0 for events */
    union dpl_body body; /* the member named after `type`; nothing for OK and LAYER_CONFIG_GET */
};

struct dpl_header {
    uint32_t length; /* as on the wire: payload length + 6 */
    uint16_t type;
    uint32_t request_id;
};

/* ---- decoding ---- */

/* Checks the 10 header bytes at buf (limits, then type). len < 10 -> DPL_ERR_TRUNCATED, unless the length field
 * itself is already out of range. */
int dpl_header_decode(const uint8_t *buf, size_t len, struct dpl_header *out);
/* Decodes one payload whose header was checked. */
int dpl_body_decode(uint16_t type, const uint8_t *payload, size_t len, union dpl_body *out);
/* Decodes exactly one complete frame: buf holds the frame and nothing else. */
int dpl_message_decode(const uint8_t *buf, size_t len, struct dpl_message *out);

/* Iterates a decoded list: `*cursor` starts as 0 (a byte offset into the list). Returns true and fills the member of
 * *element matching the element kind (u16, str, filter, dirent, ...), or false after the last element. */
bool dpl_list_next(const struct dpl_list *list, uint32_t *cursor, union dpl_element *element);

/* ---- encoding ---- */

/* Encodes m as one frame into buf; returns the frame size (> 0) or a negative status. Only the body member of
 * m->type is read; a str must be valid UTF-8 (DPL_ERR_BAD_UTF8 otherwise, so the layer fails the call, not the link). */
long dpl_message_encode(const struct dpl_message *m, uint8_t *buf, size_t cap);

/* ---- the table, for generic walkers (the vector program, the fuzz harness) ---- */

enum dpl_kind {
    DPL_K_U8,
    DPL_K_U16,
    DPL_K_U32,
    DPL_K_I32,
    DPL_K_U64,
    DPL_K_I64,
    DPL_K_BOOL,
    DPL_K_STR,
    DPL_K_BYTES,
    DPL_K_ADDR,
    DPL_K_LIST,   /* of a scalar kind */
    DPL_K_LISTR,  /* of records */
    DPL_K_RECORD, /* element kind of LISTR */
};

struct dpl_field {
    const char *name;
    uint16_t offset; /* offsetof in the struct */
    uint8_t kind;
    uint8_t element_kind; /* LIST and LISTR only */
    const struct dpl_layout *element_layout; /* LISTR only */
};

struct dpl_layout {
    const char *name;
    const struct dpl_field *fields;
    uint8_t field_count;
};

/* The layout of message `type`, or NULL when the type is unknown. */
const struct dpl_layout *dpl_layout_of(uint16_t type);

#endif
