// peak-rss COMMAND [ARGS...]: runs COMMAND and prints its peak resident set
// size in KiB (wait4's ru_maxrss) on stderr. Linked statically and tiny, so
// that the image the child carries until its exec, which ru_maxrss also
// counts, adds next to nothing (busybox's `time -v` adds its own).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: peak-rss COMMAND [ARGS...]\n");
    return 2;
  }
  pid_t pid = fork();
  if (pid < 0) return 1;
  if (pid == 0) {
    execvp(argv[1], argv + 1);
    _exit(127);
  }
  int status = 0;
  rusage ru{};
  if (wait4(pid, &status, 0, &ru) < 0) return 1;
  std::fprintf(stderr, "peak-rss %ld\n", ru.ru_maxrss);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
