/*
 * The spoofed flood of benchmarks/compare.sh, run in its scanner namespace:
 *   flood DST SECONDS PPS PORT...
 * sends UDP datagrams to DST (198.18.0.1 or fd6b:6e6f:636b::1 only) from a raw socket, each from a random
 * spoofed source (198.18.0.20-250, or fd6b:6e6f:636b::20-250 hex), to a random PORT of the list (the script
 * passes the knock ports and their neighbours), with 1-200 random payload bytes; PPS per second (0: as fast as
 * the box goes) for SECONDS (at most 20). One socket for the whole run. Prints "SENT PPS_ACHIEVED".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
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

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint32_t next_random(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t) (rng >> 16);
}

static uint16_t checksum(const void *data, size_t len, uint32_t sum) {
  const uint8_t *p = data;
  for (size_t i = 0; i + 1 < len; i += 2) sum += (uint32_t) (p[i] << 8 | p[i + 1]);
  if (len & 1) sum += (uint32_t) p[len - 1] << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t) ~sum;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: flood DST SECONDS PPS PORT...\n");
    return 2;
  }
  struct in_addr dst4;
  struct in6_addr dst6;
  int v6 = 0;
  if (inet_pton(AF_INET, argv[1], &dst4) == 1) {
    if (strcmp(argv[1], "198.18.0.1")) { fprintf(stderr, "flood: only 198.18.0.1\n"); return 2; }
  } else if (inet_pton(AF_INET6, argv[1], &dst6) == 1) {
    v6 = 1;
    struct in6_addr only;
    inet_pton(AF_INET6, "fd6b:6e6f:636b::1", &only);
    if (memcmp(&dst6, &only, sizeof only)) { fprintf(stderr, "flood: only fd6b:6e6f:636b::1\n"); return 2; }
  } else {
    fprintf(stderr, "flood: not an address: %s\n", argv[1]);
    return 2;
  }
  double seconds = atof(argv[2]);
  if (seconds > 20) seconds = 20;
  long pps = atol(argv[3]);
  int nports = argc - 4;
  int ports[64];
  if (nports > 64) nports = 64;
  for (int i = 0; i < nports; i++) ports[i] = atoi(argv[4 + i]);
  rng ^= (uint64_t) getpid() << 20 ^ (uint64_t) now_ns();

  /* IPPROTO_RAW: the header is ours (IPv4 and IPv6 alike), so the source can be spoofed */
  int s = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW, IPPROTO_RAW);
  if (s < 0) { perror("flood: raw socket"); return 1; }
  int sndbuf = 4 << 20;
  setsockopt(s, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  unsigned char pkt[300];
  struct sockaddr_in to4 = {.sin_family = AF_INET, .sin_addr = dst4};
  struct sockaddr_in6 to6 = {.sin6_family = AF_INET6, .sin6_addr = dst6};
  long long start = now_ns(), end = start + (long long) (seconds * 1e9);
  long long max_count = pps > 0 ? (long long) (pps * seconds) : 100000000LL;
  long long sent = 0;
  struct timespec nap = {0, 200000};
  while (sent < max_count) {
    long long t = now_ns();
    if (t >= end) break;
    if (pps > 0) {
      long long due = (long long) ((double) (t - start) * pps / 1e9);
      if (sent >= due) { nanosleep(&nap, NULL); continue; }
    }
    for (int burst = 0; burst < 64 && sent < max_count; burst++) {
      int payload = 1 + (int) (next_random() % 200);
      int port = ports[next_random() % nports];
      int host = 20 + (int) (next_random() % 231);
      size_t len;
      unsigned char *udp;
      if (!v6) {
        memset(pkt, 0, 28);
        pkt[0] = 0x45;
        len = 28 + payload;
        pkt[2] = len >> 8; pkt[3] = len & 255;
        pkt[6] = 0x40; /* DF */
        pkt[8] = 64; pkt[9] = 17;
        pkt[12] = 198; pkt[13] = 18; pkt[14] = 0; pkt[15] = host;
        memcpy(pkt + 16, &dst4, 4);
        udp = pkt + 20;
      } else {
        memset(pkt, 0, 48);
        pkt[0] = 0x60;
        len = 48 + payload;
        pkt[4] = (8 + payload) >> 8; pkt[5] = (8 + payload) & 255;
        pkt[6] = 17; pkt[7] = 64;
        static const unsigned char net[8] = {0xfd, 0x6b, 0x6e, 0x6f, 0x63, 0x6b, 0, 0};
        memcpy(pkt + 8, net, 8);
        pkt[23] = host;
        memcpy(pkt + 24, &dst6, 16);
        udp = pkt + 40;
      }
      int sport = 1024 + (int) (next_random() % 60000);
      udp[0] = sport >> 8; udp[1] = sport & 255;
      udp[2] = port >> 8; udp[3] = port & 255;
      udp[4] = (8 + payload) >> 8; udp[5] = (8 + payload) & 255;
      for (int i = 0; i < payload; i++) udp[8 + i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[next_random() & 63];
      if (v6) { /* UDP over IPv6 needs its checksum: pseudo-header then the datagram */
        uint32_t sum = 0;
        for (int i = 8; i < 40; i += 2) sum += (uint32_t) (pkt[i] << 8 | pkt[i + 1]);
        sum += 8 + payload;
        sum += 17;
        uint16_t c = checksum(udp, 8 + payload, sum);
        if (!c) c = 0xffff;
        udp[6] = c >> 8; udp[7] = c & 255;
      }
      ssize_t r = v6 ? sendto(s, pkt, len, 0, (struct sockaddr *) &to6, sizeof to6)
                     : sendto(s, pkt, len, 0, (struct sockaddr *) &to4, sizeof to4);
      if (r < 0) continue; /* a full queue: the packet is lost, as on a wire */
      sent++;
      if (pps > 0 && sent >= (long long) ((double) (now_ns() - start) * pps / 1e9) + 1) break;
    }
  }
  double took = (now_ns() - start) / 1e9;
  printf("%lld %.0f\n", sent, sent / took);
  return 0;
}
