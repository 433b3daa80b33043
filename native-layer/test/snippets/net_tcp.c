/* TCP over loopback: socket/bind/listen/connect/accept/accept4/getsockname/getpeername/shutdown/close. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../snippet.h"

void snippet_run(struct snippet_out *out, int instance) {
    (void)instance;
    int server = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    say(out, "bind=%d listen=%d\n", bind(server, (struct sockaddr *)&addr, sizeof addr), listen(server, 4));
    socklen_t len = sizeof addr;
    getsockname(server, (struct sockaddr *)&addr, &len);
    say(out, "ephemeral port=%d\n", ntohs(addr.sin_port) > 0);
    int client = socket(AF_INET, SOCK_STREAM, 0);
    say(out, "connect=%d\n", connect(client, (struct sockaddr *)&addr, sizeof addr));
    struct sockaddr_in peer;
    socklen_t peer_len = sizeof peer;
    int conn = instance % 2 ? accept4(server, (struct sockaddr *)&peer, &peer_len, SOCK_CLOEXEC)
                            : accept(server, (struct sockaddr *)&peer, &peer_len);
    struct sockaddr_in client_local, client_peer;
    socklen_t a = sizeof client_local, b = sizeof client_peer;
    getsockname(client, (struct sockaddr *)&client_local, &a);
    getpeername(client, (struct sockaddr *)&client_peer, &b);
    say(out, "accept ok=%d peer matches client=%d client peer is server=%d\n", conn >= 0,
        peer.sin_port == client_local.sin_port, client_peer.sin_port == addr.sin_port);
    say(out, "send=%zd\n", write(client, "ping", 4));
    shutdown(client, SHUT_WR);
    char buf[8] = {0};
    say(out, "recv=%zd '%s' eof=%zd\n", read(conn, buf, sizeof buf - 1), buf, read(conn, buf, 1));
    close(conn);
    close(client);
    close(server);
}
