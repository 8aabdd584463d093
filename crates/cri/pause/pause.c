/*
 * Rudder's pod sandbox process. It holds the pod's namespaces open, reaps the zombies that
 * land on it when it is PID 1 of a shared PID namespace, and exits cleanly on SIGTERM or
 * SIGINT. Built statically by crates/cri/build.rs and packed into the rudder.local/pause
 * image, so it needs nothing from the image it runs in.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define VERSION "rudder-pause 3.10"

static void say(const char *msg) {
  size_t len = strlen(msg);
  while (len > 0) {
    ssize_t n = write(STDERR_FILENO, msg, len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return;
    }
    msg += n;
    len -= (size_t)n;
  }
}

static void on_stop(int sig) {
  (void)sig;
  _exit(0);
}

static void on_child(int sig) {
  (void)sig;
  int saved = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  errno = saved;
}

int main(int argc, char **argv) {
  if (argc > 1 && (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--version") == 0)) {
    say(VERSION "\n");
    return 0;
  }
  if (getpid() != 1) {
    say("pause: not running as PID 1; zombies of other processes are not reaped here\n");
  }

  struct sigaction stop;
  memset(&stop, 0, sizeof stop);
  stop.sa_handler = on_stop;
  if (sigaction(SIGINT, &stop, NULL) < 0 || sigaction(SIGTERM, &stop, NULL) < 0) {
    say("pause: cannot install SIGINT/SIGTERM handlers\n");
    return 1;
  }

  struct sigaction child;
  memset(&child, 0, sizeof child);
  child.sa_handler = on_child;
  child.sa_flags = SA_NOCLDSTOP | SA_RESTART;
  if (sigaction(SIGCHLD, &child, NULL) < 0) {
    say("pause: cannot install the SIGCHLD handler\n");
    return 1;
  }

  for (;;) {
    pause();
  }
}
