/* Conversions between socket addresses and the protocol's `addr` (family 0/4/6, IP, port), as the codec's
 * struct dpl_addr and as raw bytes (the prefix of every datagram through a UDP stand-in, PROTOCOL.md §9). */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "fd_table.h"
#include "proto/proto.h"

#define DPL_WIRE_ADDR_MAX 19 /* family + 16 address bytes + port */

struct dpl_addr dpl_addr_from_sockaddr(const struct sockaddr *addr);
/* Family 0 gives len 0 (no address). */
struct dpl_sockaddr dpl_sockaddr_from_addr(const struct dpl_addr *addr);

size_t dpl_wire_addr_encode(const struct sockaddr *addr, uint8_t out[DPL_WIRE_ADDR_MAX]);
/* Returns the bytes used, or 0 for a malformed prefix. */
size_t dpl_wire_addr_decode(const uint8_t *in, size_t len, struct dpl_sockaddr *out);
