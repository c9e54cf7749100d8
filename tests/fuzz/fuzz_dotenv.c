/* fuzz_dotenv: feeds a .env file to config_load (platform/config.c): the
 * dotenv parser (export, quotes across lines, escapes, inline comments,
 * ${VAR:-default} expansion, a byte order mark) and the typed settings it
 * fills.  The input reaches config_load as a memfd, named through
 * /proc/self/fd, so nothing is written to disk.  Checks config.h: on
 * success every string setting the server reads is set and the database
 * URL is never empty; on failure the message is non-empty. */
#include "fuzz.h"

#include <sys/mman.h>
#include <unistd.h>

#include "platform/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz.env", MFD_CLOEXEC);
    if (fd < 0)
        return 0;
    size_t off = 0;
    while (off < size) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    config_t c;
    char err[512];
    if (config_load(&c, path, err, sizeof err) == 0) {
        FUZZ_CHECK(c.secret_key != NULL && c.frontend_url != NULL);
        FUZZ_CHECK(c.database_url != NULL && c.database_url[0] != '\0');
        size_t n = 0;
        (void)config_cors_origins(&c, &n);
        FUZZ_CHECK(n >= 1);
        config_free(&c);
    } else {
        FUZZ_CHECK(err[0] != '\0');
    }
    close(fd);
    return 0;
}
