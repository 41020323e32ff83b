/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * Trusted offloader networks: parsing and matching IPv4/IPv6 CIDRs. */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Strict dotted quad, as inet_pton accepts it (no leading zeros, no
 * shorthand); -1 when it is not one. Here because peers are parsed per
 * request and inet_pton costs several times as much. */
static int parse_v4(const char *s, size_t len, unsigned char addr[4]) {
  size_t i = 0;
  for (int part = 0; part < 4; part++) {
    if (part && (i >= len || s[i++] != '.'))
      return -1;
    size_t st = i;
    unsigned v = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9' && i - st < 3)
      v = v * 10 + (unsigned)(s[i++] - '0');
    if (i == st || v > 255 || (i - st > 1 && s[st] == '0'))
      return -1;
    addr[part] = (unsigned char)v;
  }
  return i == len ? 0 : -1;
}

/* Parses a bare address (no brackets, no zone) of at most 45 bytes. */
int sv_addr_parse(const char *s, size_t len, int *family, unsigned char addr[16]) {
  char buf[INET6_ADDRSTRLEN + 1];
  if (!s || len == 0 || len >= sizeof buf)
    return -1;
  if (len <= 15 && parse_v4(s, len, addr) == 0) {
    *family = 4;
    return 0;
  }
  memcpy(buf, s, len);
  buf[len] = '\0';
  if (memchr(s, '\0', len))
    return -1;
  if (inet_pton(AF_INET, buf, addr) == 1) {
    *family = 4;
    return 0;
  }
  if (inet_pton(AF_INET6, buf, addr) == 1) {
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (!memcmp(addr, mapped, 12)) {
      /* ::ffff:a.b.c.d is the IPv4 peer a.b.c.d. */
      memmove(addr, addr + 12, 4);
      *family = 4;
      return 0;
    }
    *family = 6;
    return 0;
  }
  return -1;
}

int sv_net_parse(sv_net *out, const char *cidr, sslvdir_error *err) {
  if (!cidr)
    return sv_err(err, SSLVDIR_E_INVALID_ARGUMENT, "offloader: NULL address");
  size_t len = strlen(cidr);
  const char *slash = memchr(cidr, '/', len);
  size_t alen = slash ? (size_t)(slash - cidr) : len;
  memset(out, 0, sizeof *out);
  if (sv_addr_parse(cidr, alen, &out->family, out->addr))
    return sv_err(err, SSLVDIR_E_SYNTAX,
                  "offloader: '%.64s' is not an IPv4 or IPv6 address (expected ADDR or ADDR/PREFIX)",
                  cidr);
  unsigned max = out->family == 4 ? 32 : 128;
  unsigned prefix = max;
  if (slash) {
    const char *p = slash + 1;
    if (!*p || strlen(p) > 3)
      return sv_err(err, SSLVDIR_E_SYNTAX, "offloader: '%.64s' has a malformed prefix length", cidr);
    prefix = 0;
    for (; *p; p++) {
      if (*p < '0' || *p > '9')
        return sv_err(err, SSLVDIR_E_SYNTAX, "offloader: '%.64s' has a malformed prefix length", cidr);
      prefix = prefix * 10 + (unsigned)(*p - '0');
    }
    if (prefix > max)
      return sv_err(err, SSLVDIR_E_RANGE, "offloader: prefix /%u is longer than %u bits", prefix, max);
  }
  out->prefix = prefix;
  /* Clear host bits so that the text form and comparisons are canonical. */
  for (unsigned b = prefix; b < max; b++)
    out->addr[b / 8] &= (unsigned char)~(0x80u >> (b % 8));
  char a[INET6_ADDRSTRLEN];
  inet_ntop(out->family == 4 ? AF_INET : AF_INET6, out->addr, a, sizeof a);
  snprintf(out->text, sizeof out->text, "%s/%u", a, prefix);
  return SSLVDIR_OK;
}

int sv_net_contains(const sv_net *net, int family, const unsigned char addr[16]) {
  if (net->family != family)
    return 0;
  unsigned full = net->prefix / 8, rest = net->prefix % 8;
  if (memcmp(net->addr, addr, full))
    return 0;
  if (rest) {
    unsigned char mask = (unsigned char)(0xff00u >> rest);
    if ((net->addr[full] & mask) != (addr[full] & mask))
      return 0;
  }
  return 1;
}

/*
 * An offloader is trusted to say that a request came over TLS, so its
 * network must hold only offloaders. A prefix of 0 (0.0.0.0/0, ::/0) holds
 * every client of its family; anything shorter than /8 holds more than the
 * largest private range (10.0.0.0/8, and fd00::/8 for unique local IPv6)
 * or any one organisation's network, so it holds clients too. Any of them
 * can send "X-Forwarded-Proto: https" over plain HTTP and pass every
 * Require SSL.
 */
#define BROAD_PREFIX 8

int sv_net_too_broad(const sv_net *net, char *buf, size_t size) {
  if (net->prefix >= BROAD_PREFIX)
    return 0;
  const char *fam = net->family == 4 ? "IPv4" : "IPv6";
  char part[64];
  if (net->prefix == 0)
    snprintf(part, sizeof part, "every %s address", fam);
  else
    snprintf(part, sizeof part, "1/%u of all %s addresses", 1u << net->prefix, fam);
  snprintf(buf, size, "trusted offloader %s covers %s, more than any private range or single "
           "network of offloaders: every client in it can send X-Forwarded-Proto: https (or "
           "Front-End-Https: On) over plain HTTP and pass Require SSL; trust the offloaders' "
           "own addresses instead", net->text, part);
  return 1;
}
