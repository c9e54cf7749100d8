/* Differential test of the engine: runs scoring_cli_score over the 300
 * reference cases and hands the output to tests/scoring/compare.py, which
 * compares it with the original engine's output as JSON values.
 *
 * usage: test_engine_fixtures CASES EXPECTED COMPARE_PY [OUTPUT] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "components/scoring/scoring.h"

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s CASES EXPECTED COMPARE_PY [OUTPUT]\n", argv[0]);
        return 2;
    }
    char tmpl[] = "/tmp/tali-engine-fixtures-XXXXXX";
    const char *out_path = argc > 4 ? argv[4] : NULL;
    int fd = -1;
    if (!out_path) {
        fd = mkstemp(tmpl);
        if (fd < 0) {
            perror("mkstemp");
            return 2;
        }
        close(fd);
        out_path = tmpl;
    }
    FILE *in = fopen(argv[1], "r");
    FILE *out = fopen(out_path, "w");
    if (!in || !out) {
        perror("fopen");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = scoring_cli_score(in, out);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fclose(in);
    if (fclose(out) != 0 || rc != 0) {
        fprintf(stderr, "scoring_cli_score failed\n");
        return 1;
    }
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("scored the cases in %.3f s\n", secs);
    fflush(stdout);

    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        execl("/usr/bin/python3", "python3", argv[3], out_path, argv[2], (char *)NULL);
        perror("execl");
        _exit(127);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) < 0) {
        perror("waitpid");
        return 2;
    }
    if (fd >= 0 || argc <= 4)
        unlink(tmpl);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
