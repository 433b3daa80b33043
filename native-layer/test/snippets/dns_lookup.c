/* Name resolution of local names: getaddrinfo/freeaddrinfo/getnameinfo/gethostbyname/gethostbyname_r. */
#include <arpa/inet.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>

#include "../snippet.h"

void snippet_run(struct snippet_out *out, int instance) {
    (void)instance;
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo("localhost", "80", &hints, &res);
    char ip[64] = "";
    if (rc == 0) inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, ip, sizeof ip);
    say(out, "getaddrinfo localhost=%d %s port=%d\n", rc, ip, rc == 0 ? ntohs(((struct sockaddr_in *)res->ai_addr)->sin_port) : 0);
    if (res) freeaddrinfo(res);
    say(out, "getaddrinfo numeric=%d\n", getaddrinfo("127.0.0.1", NULL, &hints, &res));
    char host[64] = "", serv[16] = "";
    rc = getnameinfo(res->ai_addr, res->ai_addrlen, host, sizeof host, serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV);
    say(out, "getnameinfo=%d %s\n", rc, host);
    freeaddrinfo(res);
    struct hostent entry, *result = NULL;
    char buf[1024];
    int herr = 0;
    rc = gethostbyname_r("localhost", &entry, buf, sizeof buf, &result, &herr);
    say(out, "gethostbyname_r=%d found=%d\n", rc, result != NULL);
    if (instance == 0) { /* gethostbyname is not thread-safe: only the first instance calls it */
        struct hostent *h = gethostbyname("localhost");
        say(out, "gethostbyname found=%d\n", h != NULL);
    }
}
