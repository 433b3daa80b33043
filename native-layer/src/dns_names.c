#include "dns_names.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>

#include "after_fork.h"
#include "config.h"
#include "net_filter.h"
#include <string.h>

#define RING 128

struct entry {
    unsigned char family;
    unsigned char address[16];
    char name[256];
};

static struct entry ring[RING];
static unsigned next;
static unsigned filled;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static bool key_of(const struct sockaddr *addr, struct entry *key) {
    memset(key->address, 0, sizeof key->address);
    key->family = (unsigned char)addr->sa_family;
    if (addr->sa_family == AF_INET) memcpy(key->address, &((const struct sockaddr_in *)addr)->sin_addr, 4);
    else if (addr->sa_family == AF_INET6) memcpy(key->address, &((const struct sockaddr_in6 *)addr)->sin6_addr, 16);
    else return false;
    return true;
}

void dpl_dns_remember(const char *name, const struct sockaddr *addr) {
    struct entry key;
    if (name == NULL || !key_of(addr, &key)) return;
    pthread_mutex_lock(&lock);
    struct entry *slot = &ring[next];
    next = (next + 1) % RING;
    if (filled < RING) filled++;
    slot->family = key.family;
    memcpy(slot->address, key.address, sizeof slot->address);
    strncpy(slot->name, name, sizeof slot->name - 1);
    slot->name[sizeof slot->name - 1] = '\0';
    pthread_mutex_unlock(&lock);
}

const char *dpl_dns_name_for(const struct sockaddr *addr, char *buf, size_t size) {
    struct entry key;
    if (__atomic_load_n(&filled, __ATOMIC_RELAXED) == 0 || !key_of(addr, &key)) return NULL;
    const char *found = NULL;
    pthread_mutex_lock(&lock);
    for (unsigned i = 0; i < filled && found == NULL; i++) {
        const struct entry *e = &ring[i];
        if (e->family == key.family && memcmp(e->address, key.address, sizeof key.address) == 0) {
            strncpy(buf, e->name, size - 1);
            buf[size - 1] = '\0';
            found = buf;
        }
    }
    pthread_mutex_unlock(&lock);
    return found;
}

void dpl_dns_names_after_fork_child(void) { pthread_mutex_init(&lock, NULL); }

bool dpl_outgoing_goes_remote(int protocol, const struct sockaddr *addr) {
    char name[256];
    return dpl_outgoing_is_remote(&dpl_config, protocol, addr, dpl_dns_name_for(addr, name, sizeof name));
}
