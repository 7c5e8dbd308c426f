/* The I/O floor for `ctenter pid` and `ctenter ls`: read every /proc/<pid>/cgroup once and do
 * nothing with it. scripts/bench-compare.sh builds it with cc -O2 and compares ctenter with it. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
int main(void) {
    char path[64], buf[65536];
    long total = 0;
    DIR *d = opendir("/proc");
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        snprintf(path, sizeof path, "/proc/%s/cgroup", e->d_name);
        int fd = open(path, O_RDONLY);
        if (fd < 0) continue;
        ssize_t n;
        while ((n = read(fd, buf, sizeof buf)) > 0) total += n;
        close(fd);
    }
    closedir(d);
    printf("%ld\n", total);
    return 0;
}
