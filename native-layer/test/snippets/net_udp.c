/* UDP over loopback: sendto/recvfrom/sendmsg/recvmsg. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../snippet.h"

void snippet_run(struct snippet_out *out, int instance) {
    (void)instance;
    int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bind(b, (struct sockaddr *)&addr, sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(b, (struct sockaddr *)&addr, &len);
    say(out, "sendto=%zd\n", sendto(a, "one", 3, 0, (struct sockaddr *)&addr, sizeof addr));
    char buf[16] = {0};
    struct sockaddr_in from;
    socklen_t from_len = sizeof from;
    say(out, "recvfrom=%zd '%s' from loopback=%d\n", recvfrom(b, buf, sizeof buf - 1, 0, (struct sockaddr *)&from, &from_len),
        buf, from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    struct iovec iov = {"two", 3};
    struct msghdr msg = {.msg_name = &addr, .msg_namelen = sizeof addr, .msg_iov = &iov, .msg_iovlen = 1};
    say(out, "sendmsg=%zd\n", sendmsg(a, &msg, 0));
    char in[16] = {0};
    struct iovec in_iov = {in, sizeof in - 1};
    struct msghdr in_msg = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &in_iov, .msg_iovlen = 1};
    say(out, "recvmsg=%zd '%s'\n", recvmsg(b, &in_msg, 0), in);
    close(a);
    close(b);
}
