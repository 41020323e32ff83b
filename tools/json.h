/* Minimal JSON output for the sslvdir command. */
#ifndef SSLVDIR_TOOLS_JSON_H
#define SSLVDIR_TOOLS_JSON_H

#include <stdio.h>

/* Writes s as a JSON string (quoted, escaped); NULL is written as null. */
void json_string(FILE *f, const char *s);

#endif
