/*
 * The C client of benchmarks/compare.sh: one instrument for every daemon, so the figures compare daemons and not
 * clients. Modes (all bounded; addresses are the script's namespaces, 198.18.0.0/24 / fd6b:6e6f:636b::/64):
 *   knockc listen ADDR PORT...            a listener (the guarded service): accepts and closes, for at most
 *                                         2 hours, until killed
 *   knockc udp DST OADDR OPORT MS PORT... a UDP knock (one byte to each PORT in turn), then the time in us from
 *                                         the last packet's send until a TCP connect to OADDR:OPORT succeeds
 *                                         (the firewall lets the client in); "lost" after MS ms
 *   knockc file DST PORT FILE OADDR OPORT MS
 *                                         the same with one datagram, FILE's bytes (a pre-made SPA packet)
 *   knockc exec OADDR OPORT MS CMD...     a tool's own client: the time from its launch until the connect
 *                                         succeeds ("lost" after MS ms, the client's failure on stderr)
 * The three timed modes first check for 3 ms that the port is closed, and print "early" (no figure) if not.
 *   knockc run CMD...                     one run of CMD (output discarded): "WALL_US MAXRSS_KIB STATUS"
 * How the connect is polled: a fresh non-blocking connect every 100 us (a ring of at most 256 pending ones,
 * the oldest closed: a DROPped SYN leaves its connect pending), each checked with poll; so the figure has
 * about 100 us of resolution plus one round trip, the same for every daemon.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RING 256
#define INTERVAL_NS 100000LL

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static socklen_t address(const char *host, int port, struct sockaddr_storage *out) {
  memset(out, 0, sizeof *out);
  struct sockaddr_in *v4 = (struct sockaddr_in *) out;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *) out;
  if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    return sizeof *v4;
  }
  if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    return sizeof *v6;
  }
  fprintf(stderr, "knockc: not a numeric address: %s\n", host);
  exit(2);
}

/* Polls OADDR:OPORT until a connect succeeds; returns the time it did, 0 after timeout_ns from t0. */
static long long wait_open(const char *oaddr, int oport, long long t0, long long timeout_ns, pid_t child) {
  struct sockaddr_storage to;
  socklen_t len = address(oaddr, oport, &to);
  struct pollfd fds[RING];
  for (int i = 0; i < RING; i++) fds[i].fd = -1;
  int next_slot = 0;
  long long next = now_ns(), opened = 0;
  while (!opened && now_ns() - t0 < timeout_ns) {
    if (child > 0) waitpid(child, NULL, WNOHANG);
    if (now_ns() >= next) {
      if (fds[next_slot].fd >= 0) close(fds[next_slot].fd);
      int s = socket(to.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
      if (s < 0) { perror("knockc: socket"); exit(1); }
      if (connect(s, (struct sockaddr *) &to, len) < 0 && errno != EINPROGRESS) {
        close(s);
        s = -1;
      }
      fds[next_slot].fd = s;
      fds[next_slot].events = POLLOUT;
      next_slot = (next_slot + 1) % RING;
      next += INTERVAL_NS;
    }
    long long wait = next - now_ns();
    if (wait < 0) wait = 0;
    struct timespec ts = {0, wait};
    int n = ppoll(fds, RING, &ts, NULL);
    for (int i = 0; n > 0 && i < RING; i++) {
      if (fds[i].fd < 0 || !fds[i].revents) continue;
      int err = 0;
      socklen_t el = sizeof err;
      getsockopt(fds[i].fd, SOL_SOCKET, SO_ERROR, &err, &el);
      if (!err && !opened) opened = now_ns();
      close(fds[i].fd);
      fds[i].fd = -1;
    }
  }
  for (int i = 0; i < RING; i++) if (fds[i].fd >= 0) close(fds[i].fd);
  return opened;
}

static int report(long long t0, long long t1) {
  if (t1) printf("%lld\n", (t1 - t0) / 1000);
  else printf("lost\n");
  return 0;
}

static int listen_on(const char *host, char **ports, int n) {
  struct pollfd fds[16];
  if (n > 16) n = 16;
  for (int i = 0; i < n; i++) {
    struct sockaddr_storage a;
    socklen_t len = address(host, atoi(ports[i]), &a);
    int s = socket(a.ss_family, SOCK_STREAM, 0), one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(s, (struct sockaddr *) &a, len) < 0 || listen(s, 128) < 0) {
      perror("knockc: listen");
      return 1;
    }
    fds[i].fd = s;
    fds[i].events = POLLIN;
  }
  alarm(7200);
  for (;;) {
    if (poll(fds, n, -1) < 0 && errno != EINTR) return 1;
    for (int i = 0; i < n; i++) {
      if (!(fds[i].revents & POLLIN)) continue;
      int c = accept(fds[i].fd, NULL, NULL);
      if (c >= 0) close(c);
    }
  }
}

/* A port open before the knock is a setup fault (the last trial's admission still there), not a figure. */
static int open_already(const char *oaddr, int oport) {
  if (!wait_open(oaddr, oport, now_ns(), 3000000LL, 0)) return 0;
  printf("early\n");
  return 1;
}

static int send_datagrams(const char *dst, char **ports, int n, const char *payload, size_t size,
                          const char *oaddr, int oport, int ms) {
  if (open_already(oaddr, oport)) return 0;
  struct sockaddr_storage to;
  socklen_t len = address(dst, 0, &to);
  int s = socket(to.ss_family, SOCK_DGRAM, 0);
  long long t0 = 0;
  for (int k = 0; k < n; k++) {
    len = address(dst, atoi(ports[k]), &to);
    if (k == n - 1) t0 = now_ns();
    if (sendto(s, payload, size, 0, (struct sockaddr *) &to, len) < 0) { perror("knockc: sendto"); return 1; }
  }
  return report(t0, wait_open(oaddr, oport, t0, ms * 1000000LL, 0));
}

static int send_file(char **argv) {
  static char buf[2048];
  FILE *f = fopen(argv[4], "rb");
  if (!f) { perror(argv[4]); return 1; }
  size_t size = fread(buf, 1, sizeof buf, f);
  fclose(f);
  while (size > 0 && (buf[size - 1] == '\n' || buf[size - 1] == '\r')) size--;
  return send_datagrams(argv[2], &argv[3], 1, buf, size, argv[5], atoi(argv[6]), atoi(argv[7]));
}

static pid_t spawn(char **cmd) {
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    execvp(cmd[0], cmd);
    perror(cmd[0]);
    _exit(127);
  }
  return pid;
}

static int exec_client(char **argv) {
  if (open_already(argv[2], atoi(argv[3]))) return 0;
  long long t0 = now_ns();
  pid_t pid = spawn(&argv[5]);
  long long t1 = wait_open(argv[2], atoi(argv[3]), t0, atoi(argv[4]) * 1000000LL, pid);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status)) fprintf(stderr, "knockc: %s exited with status %d\n", argv[5], status);
  return report(t0, t1);
}

static int run(char **cmd) {
  long long t0 = now_ns();
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    execvp(cmd[0], cmd);
    _exit(127);
  }
  int status = 0;
  struct rusage ru;
  wait4(pid, &status, 0, &ru);
  long long t1 = now_ns();
  printf("%lld %ld %d\n", (t1 - t0) / 1000, ru.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128);
  return 0;
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  if (argc >= 4 && !strcmp(argv[1], "listen")) return listen_on(argv[2], &argv[3], argc - 3);
  if (argc >= 7 && !strcmp(argv[1], "udp"))
    return send_datagrams(argv[2], &argv[6], argc - 6, "k", 1, argv[3], atoi(argv[4]), atoi(argv[5]));
  if (argc == 8 && !strcmp(argv[1], "file")) return send_file(argv);
  if (argc >= 6 && !strcmp(argv[1], "exec")) return exec_client(argv);
  if (argc >= 3 && !strcmp(argv[1], "run")) return run(&argv[2]);
  fprintf(stderr, "usage: knockc listen ADDR PORT... | udp DST OADDR OPORT MS PORT... |"
                  " file DST PORT FILE OADDR OPORT MS | exec OADDR OPORT MS CMD... | run CMD...\n");
  return 2;
}
