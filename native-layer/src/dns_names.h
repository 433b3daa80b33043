/* Which host name an address was looked up under, so outgoing filters written with names ("db.internal:5432")
 * can match a connect() that only sees an IP. dns.c records every answer of a pod lookup; a small ring, oldest
 * entries overwritten. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

void dpl_dns_remember(const char *name, const struct sockaddr *addr);
/* The name for `addr` copied into `buf`, or NULL if none is known. */
const char *dpl_dns_name_for(const struct sockaddr *addr, char *buf, size_t size);

/* The outgoing filter's decision for a TCP connect or a UDP datagram to `addr` (protocol 6 or 17), matching name
 * entries against the name the address was looked up under. */
bool dpl_outgoing_goes_remote(int protocol, const struct sockaddr *addr);
