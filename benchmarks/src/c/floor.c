/*
 * The floor for benchmarks/daemon-figures.sh, two tools in one file:
 *   floor sniff LIST PORT        in fw: a raw AF_PACKET sniffer (before netfilter, no filter, blocking recv)
 *                                that writes +SRC to /proc/net/xt_recent/LIST on each UDP datagram to PORT
 *   floor nflog LIST PORT GROUP  in fw: the same, reading an nflog group instead (after conntrack and INPUT's
 *                                rules, as the daemon): what the kernel's NFLOG path costs without a JVM
 *   floor probe PROC_NET ROUNDS [PAUSE_MS] [KINDS]
 *                                in the client: per round (PAUSE_MS apart, default 20), alternately, a 3-step
 *                                UDP knock at the daemon
 *                                (7000 8000 9000, list ssh4) or at the sniffer (5000 5100 5200, list floor4);
 *                                the time from sending the last packet until the list holds 198.18.0.2, read
 *                                from PROC_NET/xt_recent/LIST every 20 us; then -198.18.0.2 clears it.
 *                                Prints "daemon US" or "floor US" per round. KINDS 3 adds a third, at the
 *                                nflog sniffer (5300 5400 5500, list nflog4), printed "nflog US".
 *   floor flood IFNAME DSTMAC SECONDS PPS
 *                                in the scanner: spoofed UDP datagrams to 198.18.0.1, sources random in
 *                                198.18.0.0/24 (but .1, .2), ports random among the knocks and their neighbours
 *                                (6999-7001, 7999-8001, 8999-9001), written as Ethernet frames on IFNAME (AF_PACKET,
 *                                sendmmsg batches) to DSTMAC; at most PPS a second (0: as fast as it can) for at
 *                                most SECONDS (<= 20). Prints "sent N".
 * Addresses: fw 198.18.0.1, client 198.18.0.2 (the script's namespaces). Every loop is bounded.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <linux/netlink.h>
#include <net/if.h>
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

/* One netlink config message for nflog GROUP: an nfgenmsg and one attribute. */
static int nflog_config(int fd, int group, int family, int type, const void *data, int len) {
  struct {
    struct nlmsghdr nh;
    struct nfgenmsg g;
    struct nlattr a;
    unsigned char data[8];
  } m;
  memset(&m, 0, sizeof m);
  m.nh.nlmsg_len = NLMSG_LENGTH(sizeof m.g) + NLA_ALIGN(NLA_HDRLEN + len);
  m.nh.nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
  m.nh.nlmsg_flags = NLM_F_REQUEST;
  m.g.nfgen_family = family;
  m.g.version = NFNETLINK_V0;
  m.g.res_id = htons(group);
  m.a.nla_len = NLA_HDRLEN + len;
  m.a.nla_type = type;
  memcpy(m.data, data, len);
  return send(fd, &m, m.nh.nlmsg_len, 0) < 0 ? -1 : 0;
}

static int nflog(const char *list, int port, int group) {
  char path[256];
  snprintf(path, sizeof path, "/proc/net/xt_recent/%s", list);
  int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER);
  if (fd < 0) { perror("socket(NETLINK_NETFILTER)"); return 1; }
  struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
  if (bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0) { perror("bind"); return 1; }
  struct nfulnl_msg_config_cmd bind_cmd = {NFULNL_CFG_CMD_BIND};
  struct nfulnl_msg_config_mode mode = {htonl(512), NFULNL_COPY_PACKET, 0};
  unsigned int qthresh = htonl(1);
  if (nflog_config(fd, group, AF_INET, NFULA_CFG_CMD, &bind_cmd, sizeof bind_cmd) < 0
      || nflog_config(fd, group, AF_UNSPEC, NFULA_CFG_MODE, &mode, sizeof mode) < 0
      || nflog_config(fd, group, AF_UNSPEC, NFULA_CFG_QTHRESH, &qthresh, sizeof qthresh) < 0) {
    perror("nflog config");
    return 1;
  }
  static unsigned char buf[65536];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    for (struct nlmsghdr *nh = (struct nlmsghdr *) buf; n > 0 && NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
      if (nh->nlmsg_type != ((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET)) continue;
      unsigned char *p = NLMSG_DATA(nh) + sizeof(struct nfgenmsg);
      int left = nh->nlmsg_len - NLMSG_LENGTH(sizeof(struct nfgenmsg));
      while (left >= NLA_HDRLEN) {
        struct nlattr *a = (struct nlattr *) p;
        if (a->nla_len < NLA_HDRLEN || a->nla_len > left) break;
        if ((a->nla_type & NLA_TYPE_MASK) == NFULA_PAYLOAD) {
          unsigned char *ip = p + NLA_HDRLEN;
          int len = a->nla_len - NLA_HDRLEN, ihl = (ip[0] & 15) * 4;
          if (len >= ihl + 8 && (ip[0] >> 4) == 4 && ip[9] == 17 && ((ip[ihl + 2] << 8) | ip[ihl + 3]) == port) {
            char cmd[32];
            int cl = snprintf(cmd, sizeof cmd, "+%u.%u.%u.%u", ip[12], ip[13], ip[14], ip[15]);
            int lf = open(path, O_WRONLY);
            if (lf >= 0) { if (write(lf, cmd, cl) < 0) perror("write"); close(lf); }
          }
        }
        p += NLA_ALIGN(a->nla_len);
        left -= NLA_ALIGN(a->nla_len);
      }
    }
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

static int probe(const char *procnet, int rounds, int pause_ms, int kinds) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in to = {.sin_family = AF_INET};
  inet_pton(AF_INET, "198.18.0.1", &to.sin_addr);
  struct timespec tick = {0, 20000}, pause = {pause_ms / 1000, (pause_ms % 1000) * 1000000L};
  for (int i = 0; i < rounds; i++) {
    int kind = i % kinds; /* 0 daemon, 1 floor, 2 nflog floor */
    int daemon = kind == 0;
    int ports[3][3] = {{7000, 8000, 9000}, {5000, 5100, 5200}, {5300, 5400, 5500}};
    const char *lists[3] = {"ssh4", "floor4", "nflog4"}, *names[3] = {"daemon", "floor", "nflog"};
    char path[512];
    snprintf(path, sizeof path, "%s/xt_recent/%s", procnet, lists[kind]);
    clear(path);
    nanosleep(&pause, NULL);
    long long t0 = 0;
    for (int k = 0; k < 3; k++) {
      to.sin_port = htons(ports[kind][k]);
      if (k == 2) t0 = now_ns();
      if (sendto(s, "k", 1, 0, (struct sockaddr *) &to, sizeof to) < 0) { perror("sendto"); return 1; }
    }
    long long t1 = 0;
    while (now_ns() - t0 < 1000000000LL) { /* at most 1 s per round */
      if (listed(path)) { t1 = now_ns(); break; }
      nanosleep(&tick, NULL);
    }
    if (t1) printf("%s %lld\n", names[kind], (t1 - t0) / 1000);
    else printf("%s lost\n", names[kind]);
    (void) daemon;
    fflush(stdout);
  }
  return 0;
}

static unsigned short ip_checksum(const unsigned char *h) {
  unsigned long sum = 0;
  for (int i = 0; i < 20; i += 2) sum += (h[i] << 8) | h[i + 1];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return (unsigned short) ~sum;
}

#define BATCH 64
static int flood(const char *ifname, const char *mac, int seconds, long pps) {
  if (seconds < 1 || seconds > 20 || pps < 0) { fprintf(stderr, "flood: 1-20 s, PPS >= 0\n"); return 2; }
  unsigned char dst[6];
  if (sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", dst, dst + 1, dst + 2, dst + 3, dst + 4, dst + 5) != 6) {
    fprintf(stderr, "flood: bad MAC %s\n", mac); return 2;
  }
  int fd = socket(AF_PACKET, SOCK_RAW, 0);
  if (fd < 0) { perror("socket(AF_PACKET)"); return 1; }
  struct sockaddr_ll ll = {.sll_family = AF_PACKET, .sll_ifindex = (int) if_nametoindex(ifname), .sll_halen = 6};
  if (!ll.sll_ifindex) { perror(ifname); return 1; }
  memcpy(ll.sll_addr, dst, 6);
  static unsigned char frames[BATCH][14 + 20 + 8 + 4];
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  static const int ports[9] = {6999, 7000, 7001, 7999, 8000, 8001, 8999, 9000, 9001};
  unsigned int seed = 12345;
  long long start = now_ns(), end = start + seconds * 1000000000LL, sent = 0;
  while (now_ns() < end) {
    if (pps > 0 && sent >= (now_ns() - start) * pps / 1000000000LL) { /* ahead of the rate: wait a little */
      struct timespec t = {0, 50000};
      nanosleep(&t, NULL);
      continue;
    }
    for (int i = 0; i < BATCH; i++) {
      unsigned char *f = frames[i];
      memcpy(f, dst, 6);
      memset(f + 6, 0x02, 6); /* a locally administered source MAC */
      f[12] = 0x08; f[13] = 0x00;
      unsigned char *ip = f + 14;
      memset(ip, 0, 20);
      ip[0] = 0x45; ip[3] = 20 + 8 + 4; ip[8] = 64; ip[9] = 17;
      ip[12] = 198; ip[13] = 18; ip[14] = 0; ip[15] = (unsigned char) (3 + rand_r(&seed) % 251);
      ip[16] = 198; ip[17] = 18; ip[18] = 0; ip[19] = 1;
      unsigned short c = ip_checksum(ip);
      ip[10] = c >> 8; ip[11] = c & 0xff;
      unsigned char *udp = ip + 20;
      int sport = 1024 + rand_r(&seed) % 60000, dport = ports[rand_r(&seed) % 9];
      udp[0] = sport >> 8; udp[1] = sport & 0xff; udp[2] = dport >> 8; udp[3] = dport & 0xff;
      udp[4] = 0; udp[5] = 12; udp[6] = 0; udp[7] = 0; /* no UDP checksum (IPv4) */
      memcpy(udp + 8, "kfld", 4);
      iov[i] = (struct iovec) {f, sizeof frames[i]};
      msgs[i] = (struct mmsghdr) {.msg_hdr = {.msg_name = &ll, .msg_namelen = sizeof ll, .msg_iov = &iov[i], .msg_iovlen = 1}};
    }
    int n = sendmmsg(fd, msgs, BATCH, 0);
    if (n < 0) { perror("sendmmsg"); return 1; }
    sent += n;
  }
  printf("sent %lld\n", sent);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 6 && !strcmp(argv[1], "flood")) return flood(argv[2], argv[3], atoi(argv[4]), atol(argv[5]));
  if (argc == 4 && !strcmp(argv[1], "sniff")) return sniff(argv[2], atoi(argv[3]));
  if (argc == 5 && !strcmp(argv[1], "nflog")) return nflog(argv[2], atoi(argv[3]), atoi(argv[4]));
  if (argc >= 4 && argc <= 6 && !strcmp(argv[1], "probe"))
    return probe(argv[2], atoi(argv[3]), argc >= 5 ? atoi(argv[4]) : 20, argc == 6 ? atoi(argv[5]) : 2);
  fprintf(stderr, "usage: floor sniff LIST PORT | floor probe PROC_NET ROUNDS [PAUSE_MS]"
                  " | floor flood IFNAME DSTMAC SECONDS PPS\n");
  return 2;
}
