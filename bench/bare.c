/* bare: the yardstick of bench/run-all.  A libmicrohttpd server with
 * tali's threading mode and flags that answers every GET with a small
 * JSON body of the size /health sends, and nothing else: no routing, no
 * middleware, no database.  tali's figures are reported as a ratio to this
 * server's, measured in the same run, so a busy or slow machine moves
 * both alike.
 *
 * usage: bench-bare PORT   (serves until SIGTERM or SIGINT) */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char bare_body[] = "{\"status\":\"healthy\",\"service\":\"tali-api\",\"database\":true,\"redis\":true,"
                                "\"jobs\":{\"ok\":true,\"queued\":0,\"running\":0,\"failed\":0}}";

static volatile sig_atomic_t bare_stop;

static void bare_on_signal(int sig)
{
    (void)sig;
    bare_stop = 1;
}

static enum MHD_Result bare_on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                       const char *version, const char *upload, size_t *upload_len, void **state)
{
    (void)cls;
    (void)url;
    (void)method;
    (void)version;
    (void)upload;
    if (!*state) {
        *state = (void *)1;
        return MHD_YES;
    }
    *upload_len = 0;
    struct MHD_Response *r =
        MHD_create_response_from_buffer(sizeof bare_body - 1, (void *)bare_body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench-bare PORT\n");
        return 2;
    }
    int port = atoi(argv[1]);
    unsigned int flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC;
    struct MHD_Daemon *d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, bare_on_request, NULL,
                                            MHD_OPTION_CONNECTION_LIMIT, 1024u, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "bench-bare: cannot listen on port %d\n", port);
        return 1;
    }
    signal(SIGTERM, bare_on_signal);
    signal(SIGINT, bare_on_signal);
    while (!bare_stop)
        pause();
    MHD_stop_daemon(d);
    return 0;
}
