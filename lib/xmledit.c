/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * The byte-preserving XML editor: a small lexical scanner that finds the
 * elements of a document as byte offsets (comments, CDATA, processing
 * instructions skipped; a DOCTYPE refused), lookups of attributes and
 * children over what it found, and the splice that replaces a span. An edit
 * made with it leaves every byte it does not change as it was, comments and
 * formatting included, which a libxml2 round trip would not. It reads only
 * text that the hardened reader (lib/xml.c) has already accepted.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "xmledit.h"

int sv_xe_scan_text(const char *t, size_t len, sv_xe_scan *s) {
  int stack[SV_XML_MAX_DEPTH + 2];
  int depth = 0;
  size_t i = 0;
  while (i < len) {
    const char *lt = memchr(t + i, '<', len - i);
    if (!lt)
      break;
    i = (size_t)(lt - t);
    if (!strncmp(t + i, "<!--", 4)) {
      const char *e = strstr(t + i + 4, "-->");
      if (!e)
        return -1;
      i = (size_t)(e - t) + 3;
    } else if (!strncmp(t + i, "<![CDATA[", 9)) {
      const char *e = strstr(t + i + 9, "]]>");
      if (!e)
        return -1;
      i = (size_t)(e - t) + 3;
    } else if (t[i + 1] == '?') {
      const char *e = strstr(t + i + 2, "?>");
      if (!e)
        return -1;
      i = (size_t)(e - t) + 2;
    } else if (t[i + 1] == '!') {
      return -1; /* a DOCTYPE: refused when reading, never edited */
    } else if (t[i + 1] == '/') {
      const char *e = strchr(t + i, '>');
      if (!e || depth == 0)
        return -1;
      sv_xe_el *el = &s->els[stack[--depth]];
      el->close = i;
      el->end = (size_t)(e - t) + 1;
      i = el->end;
    } else {
      /* A start tag: find its '>' outside attribute quotes. */
      size_t j = i + 1;
      char q = 0;
      while (j < len && (q || t[j] != '>')) {
        if (q && t[j] == q)
          q = 0;
        else if (!q && (t[j] == '"' || t[j] == '\''))
          q = t[j];
        j++;
      }
      if (j >= len || depth > SV_XML_MAX_DEPTH)
        return -1;
      if (sv_grow((void **)&s->els, &s->cap, s->n + 1, sizeof *s->els))
        return -2;
      sv_xe_el *el = &s->els[s->n];
      el->start = i;
      el->tag_end = j + 1;
      el->name = i + 1;
      el->name_len = strcspn(t + i + 1, " \t\r\n/>");
      el->parent = depth ? stack[depth - 1] : -1;
      el->self_closing = t[j - 1] == '/';
      if (el->self_closing) {
        el->close = el->end = j + 1;
      } else {
        stack[depth++] = (int)s->n;
      }
      s->n++;
      i = j + 1;
    }
  }
  return depth == 0 ? 0 : -1;
}

int sv_xe_is(const char *t, const sv_xe_el *e, const char *name) {
  return e->name_len == strlen(name) && !memcmp(t + e->name, name, e->name_len);
}

/* The value span of an attribute of an element's start tag. */
int sv_xe_attr(const char *t, const sv_xe_el *e, const char *name, size_t *vs, size_t *ve) {
  size_t i = e->name + e->name_len, end = e->tag_end - 1, nl = strlen(name);
  while (i < end) {
    while (i < end && strchr(" \t\r\n", t[i]))
      i++;
    size_t ns = i;
    while (i < end && !strchr(" \t\r\n=/>", t[i]))
      i++;
    size_t nn = i - ns;
    while (i < end && strchr(" \t\r\n", t[i]))
      i++;
    if (i >= end || t[i] != '=')
      return 0;
    i++;
    while (i < end && strchr(" \t\r\n", t[i]))
      i++;
    if (i >= end || (t[i] != '"' && t[i] != '\''))
      return 0;
    char q = t[i++];
    size_t s0 = i;
    while (i < end && t[i] != q)
      i++;
    if (nn == nl && !memcmp(t + ns, name, nl)) {
      *vs = s0;
      *ve = i;
      return 1;
    }
    i++;
  }
  return 0;
}

/* The first child of el (index) named name, or -1. */
int sv_xe_child(const sv_xe_scan *s, const char *t, int el, const char *name) {
  for (size_t i = (size_t)el + 1; i < s->n; i++)
    if (s->els[i].parent == el && sv_xe_is(t, &s->els[i], name))
      return (int)i;
  return -1;
}

/* Whitespace before the '<' at off, back to the line start ("" if the tag
 * is not first on its line). */
void sv_xe_indent(const char *t, size_t off, char *out, size_t size) {
  size_t b = off;
  while (b > 0 && (t[b - 1] == ' ' || t[b - 1] == '\t'))
    b--;
  if (b > 0 && t[b - 1] != '\n')
    b = off;
  snprintf(out, size, "%.*s", (int)(off - b), t + b);
}

/* Replaces del bytes at at of *text (*len bytes, NUL-terminated) with ins,
 * into a new allocation; the old text is freed. */
int sv_xe_splice(char **text, size_t *len, size_t at, size_t del, const char *ins) {
  size_t il = strlen(ins), n = *len - del + il;
  char *t = sv_malloc(n + 1);
  if (!t)
    return SSLVDIR_E_NOMEM;
  memcpy(t, *text, at);
  memcpy(t + at, ins, il);
  memcpy(t + at + il, *text + at + del, *len - at - del);
  t[n] = '\0';
  sv_free(*text);
  *text = t;
  *len = n;
  return SSLVDIR_OK;
}
