/*
 * The floor for benchmarks/daemon-figures.sh, two tools in one file:
 *   floor sniff LIST PORT        in fw: a raw AF_PACKET sniffer (before netfilter, no filter, blocking recv)
 *                                that writes +SRC to /proc/net/xt_recent/LIST on each UDP datagram to PORT
 *   floor probe PROC_NET ROUNDS [PAUSE_MS]
 *                                in the client: per round (PAUSE_MS apart, default 20), alternately, a 3-step
 *                                UDP knock at the daemon
 *                                (7000 8000 9000, list ssh4) or at the sniffer (5000 5100 5200, list floor4);
 *                                the time from sending the last packet until the list holds 198.18.0.2, read
 *                                from PROC_NET/xt_recent/LIST every 20 us; then -198.18.0.2 clears it.
 *                                Prints "daemon US" or "floor US" per round.
 * Addresses: fw 198.18.0.1, client 198.18.0.2 (the script's namespaces). Every loop is bounded.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int sniff(const char *list, int port) {
  char path[256];
  snprintf(path, sizeof path, "/proc/net/xt_recent/%s", list);
  int fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
  if (fd < 0) { perror("socket(AF_PACKET)"); return 1; }
  unsigned char buf[2048];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 28 || (buf[0] >> 4) != 4 || buf[9] != 17) continue;
    int ihl = (buf[0] & 15) * 4;
    if (n < ihl + 8 || ((buf[ihl + 2] << 8) | buf[ihl + 3]) != port) continue;
    char cmd[32];
    int len = snprintf(cmd, sizeof cmd, "+%u.%u.%u.%u", buf[12], buf[13], buf[14], buf[15]);
    int lf = open(path, O_WRONLY);
    if (lf >= 0) { if (write(lf, cmd, len) < 0) perror("write"); close(lf); }
  }
}

static int listed(const char *path) {
  char buf[4096];
  int fd = open(path, O_RDONLY);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = 0;
  return strstr(buf, "src=198.18.0.2 ") != NULL;
}

static void clear(const char *path) {
  int fd = open(path, O_WRONLY);
  if (fd >= 0) { if (write(fd, "-198.18.0.2", 11) < 0) perror("write"); close(fd); }
}

static int probe(const char *procnet, int rounds, int pause_ms) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in to = {.sin_family = AF_INET};
  inet_pton(AF_INET, "198.18.0.1", &to.sin_addr);
  struct timespec tick = {0, 20000}, pause = {pause_ms / 1000, (pause_ms % 1000) * 1000000L};
  for (int i = 0; i < rounds; i++) {
    int daemon = i % 2 == 0;
    int ports[3] = {7000, 8000, 9000}, floor[3] = {5000, 5100, 5200};
    char path[512];
    snprintf(path, sizeof path, "%s/xt_recent/%s", procnet, daemon ? "ssh4" : "floor4");
    clear(path);
    nanosleep(&pause, NULL);
    long long t0 = 0;
    for (int k = 0; k < 3; k++) {
      to.sin_port = htons(daemon ? ports[k] : floor[k]);
      if (k == 2) t0 = now_ns();
      if (sendto(s, "k", 1, 0, (struct sockaddr *) &to, sizeof to) < 0) { perror("sendto"); return 1; }
    }
    long long t1 = 0;
    while (now_ns() - t0 < 1000000000LL) { /* at most 1 s per round */
      if (listed(path)) { t1 = now_ns(); break; }
      nanosleep(&tick, NULL);
    }
    if (t1) printf("%s %lld\n", daemon ? "daemon" : "floor", (t1 - t0) / 1000);
    else printf("%s lost\n", daemon ? "daemon" : "floor");
    fflush(stdout);
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 4 && !strcmp(argv[1], "sniff")) return sniff(argv[2], atoi(argv[3]));
  if ((argc == 4 || argc == 5) && !strcmp(argv[1], "probe"))
    return probe(argv[2], atoi(argv[3]), argc == 5 ? atoi(argv[4]) : 20);
  fprintf(stderr, "usage: floor sniff LIST PORT | floor probe PROC_NET ROUNDS [PAUSE_MS]\n");
  return 2;
}
