/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * The byte-preserving XML editor (lib/xmledit.c): elements found as byte
 * offsets of the text, so that an edit changes only the bytes it means to.
 */
#ifndef SSLVDIR_XMLEDIT_H
#define SSLVDIR_XMLEDIT_H

#include <stddef.h>

/* One element found by the scanner, in byte offsets of the text. */
typedef struct sv_xe_el {
  size_t start;     /* '<' */
  size_t tag_end;   /* one past the '>' of the start tag */
  size_t close;     /* '<' of the end tag (== tag_end for a self-closing one) */
  size_t end;       /* one past the end */
  size_t name, name_len;
  int parent;       /* index of the parent element, -1 for the root */
  int self_closing;
} sv_xe_el;

/* The elements of a text in document order; the caller frees els. */
typedef struct sv_xe_scan {
  sv_xe_el *els;
  size_t n, cap;
} sv_xe_scan;

/* Scans t[0..len) into s: 0, -1 when the text is not one the scanner can
 * edit (unterminated markup, a DOCTYPE, unbalanced tags, too deep), -2 when
 * out of memory. */
int sv_xe_scan_text(const char *t, size_t len, sv_xe_scan *s);
/* Whether element e is named name. */
int sv_xe_is(const char *t, const sv_xe_el *e, const char *name);
/* The value span [*vs, *ve) of attribute name of e's start tag, as written
 * (entities not decoded); 0 when it has none. */
int sv_xe_attr(const char *t, const sv_xe_el *e, const char *name, size_t *vs, size_t *ve);
/* The first child of element el (index) named name, or -1. */
int sv_xe_child(const sv_xe_scan *s, const char *t, int el, const char *name);
/* Whitespace before the '<' at off, back to the line start ("" if the tag
 * is not first on its line), into out. */
void sv_xe_indent(const char *t, size_t off, char *out, size_t size);
/* Replaces del bytes at at of *text (*len bytes, NUL-terminated) with ins,
 * into a new allocation; the old text is freed. */
int sv_xe_splice(char **text, size_t *len, size_t at, size_t del, const char *ins);

#endif /* SSLVDIR_XMLEDIT_H */
