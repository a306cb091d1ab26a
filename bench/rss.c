/*
 * rss.c - run a command and report its wall time, CPU time and peak
 * resident memory, for bench/ scripts.
 *
 *   rss CMD [ARGS...]
 * prints to stderr:
 *   rss: wall 1.234 s  user 1.100 s  sys 0.100 s  peak 12345 KiB  anon 2345 KiB  exit 0
 *
 * peak is wait4's ru_maxrss: every page resident, those of files the
 * command maps too.  A store is mapped (src/store.c), so an ingest or a
 * check that reads much of a large store shows much of it there, though
 * those pages are the kernel's cache, shared and dropped under pressure.
 * anon is the largest RssAnon (/proc/PID/status) seen by polling every
 * 5 ms: the memory the command itself holds (heap, stacks, SQLite's own
 * page cache).
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* RssAnon of process pid in KiB, or -1 when it cannot be read. */
static long rss_anon(pid_t pid) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    long kib = -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "RssAnon:", 8)) {
            sscanf(line + 8, "%ld", &kib);
            break;
        }
    fclose(f);
    return kib;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: rss CMD [ARGS...]\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        perror(argv[1]);
        _exit(127);
    }
    int status;
    struct rusage ru;
    long anon = 0;
    for (;;) {
        pid_t w = wait4(pid, &status, WNOHANG, &ru);
        if (w < 0) {
            perror("wait4");
            return 2;
        }
        if (w == pid) break;
        long k = rss_anon(pid);
        if (k > anon) anon = k;
        nanosleep(&(struct timespec){.tv_nsec = 5000000}, NULL);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    fprintf(stderr, "rss: wall %.3f s  user %.3f s  sys %.3f s  peak %ld KiB  anon %ld KiB  exit %d\n",
            wall, ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
            ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, ru.ru_maxrss, anon, code);
    return code;
}
