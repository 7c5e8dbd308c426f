/* A small static program that tests/security.rs runs inside busybox containers, playing the
 * hostile container process:
 *   hostile tiocsti TEXT   push TEXT and a newline into fd 0's terminal input (TIOCSTI)
 *   hostile odd-comm       set comm to "x) (y" plus an invalid UTF-8 byte, then sleep forever */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "tiocsti") == 0) {
        char newline = '\n';
        for (char *p = argv[2]; *p; p++) {
            if (ioctl(0, TIOCSTI, p) < 0) {
                printf("TIOCSTI failed: %s\n", strerror(errno));
                return 1;
            }
        }
        if (ioctl(0, TIOCSTI, &newline) < 0) {
            printf("TIOCSTI failed: %s\n", strerror(errno));
            return 1;
        }
        printf("TIOCSTI ok\n");
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "odd-comm") == 0) {
        prctl(PR_SET_NAME, "x) (y\xff", 0, 0, 0);
        for (;;) pause();
    }
    fprintf(stderr, "usage: hostile tiocsti TEXT | hostile odd-comm\n");
    return 2;
}
