/*
 * SPDX-License-Identifier: MIT
 * Copyright (c) 2026 The libsslvdir authors
 *
 * libsslvdir: registry exports (.reg files), read and written.
 *
 * A .reg file is read faithfully (every section and value, in order, with
 * its type and bytes; a line regedit would not import is skipped with a
 * warning, as regedit skips it), applied to a settings store (the keys
 * libsslvdir knows change decisions, the rest is kept and reported as
 * unknown; a value the store cannot take is absent, with a warning), and
 * written back the way regedit writes it, by default UTF-16LE with a BOM, so
 * that a script can produce the file an administrator double-clicks.
 *
 * Thread contract: a sslvdir_regfile is immutable once read; it may be
 * shared between threads.
 */
#ifndef SSLVDIR_REGISTRY_H
#define SSLVDIR_REGISTRY_H

#include <stddef.h>
#include <stdint.h>
#include <sslvdir/common.h>
#include <sslvdir/settings.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sslvdir_regfile sslvdir_regfile;

/* Registry value types, with Windows' numbers (hex(N) in a .reg file). */
#define SSLVDIR_REG_NONE 0
#define SSLVDIR_REG_SZ 1
#define SSLVDIR_REG_EXPAND_SZ 2
#define SSLVDIR_REG_BINARY 3
#define SSLVDIR_REG_DWORD 4
#define SSLVDIR_REG_MULTI_SZ 7
#define SSLVDIR_REG_QWORD 11

/* What an entry of a .reg file is. Values are never renumbered. */
typedef enum sslvdir_reg_entry {
  SSLVDIR_REG_ENTRY_KEY = 1,          /* [KEY] */
  SSLVDIR_REG_ENTRY_KEY_DELETE = 2,   /* [-KEY] */
  SSLVDIR_REG_ENTRY_VALUE = 3,        /* "Name"=... or @=... */
  SSLVDIR_REG_ENTRY_VALUE_DELETE = 4  /* "Name"=- */
} sslvdir_reg_entry;

/* Flags of sslvdir_regfile_write(). */
#define SSLVDIR_REGFILE_UTF8 0x1u     /* UTF-8 without BOM instead of UTF-16LE with BOM */
#define SSLVDIR_REGFILE_REGEDIT4 0x2u /* REGEDIT4 header (implies 8-bit text) */

/* Limits: the whole file, one logical line (continuations joined). */
#define SSLVDIR_REGFILE_MAX (16u * 1024u * 1024u)
#define SSLVDIR_REGFILE_MAX_LINE (256u * 1024u)

/**
 * sslvdir_regfile_parse - read a .reg file from memory
 *
 * "Windows Registry Editor Version 5.00" and "REGEDIT4", in UTF-16LE with a
 * BOM (as regedit exports) or UTF-8/ASCII; 8-bit text that is not valid
 * UTF-8 is read as Windows-1252, the ANSI code page regedit writes REGEDIT4
 * files in (every string is UTF-8 once read); [KEY] and [-KEY] sections;
 * "Name"=dword:..., "Name"="string" (with \\ and \" escapes), hex:,
 * hex(N): with line continuations, "Name"=- deletions, @ for the default
 * value, ';' comments. Keys start with a hive name (HKEY_LOCAL_MACHINE, ...).
 *
 * As Windows' regedit does, a line it would not import is skipped and the
 * rest of the file read: a value line that does not read (a bad string,
 * dword, such as one of nine hex digits, or hex byte), a value outside a
 * section or in a [-KEY] one, a line that is none of the forms above. Each
 * gets a warning naming its line (sslvdir_regfile_warning()); a skipped
 * value whose name was read is treated as absent by sslvdir_regfile_apply().
 * The file is refused, with the line, when it is not a .reg file or cannot
 * be read safely: no header line (SSLVDIR_E_SYNTAX), text that is not valid
 * UTF-16LE or 8-bit text (SSLVDIR_E_SYNTAX), a section line that does not
 * read or names no hive (SSLVDIR_E_SYNTAX: the values that follow would go
 * to the wrong key, or a deletion be lost), more than SSLVDIR_REGFILE_MAX
 * bytes or a logical line over SSLVDIR_REGFILE_MAX_LINE (SSLVDIR_E_RANGE).
 *
 * Returns: SSLVDIR_OK and *out set; SSLVDIR_E_SYNTAX, SSLVDIR_E_RANGE,
 * SSLVDIR_E_NOMEM, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_regfile_parse(sslvdir_regfile **out,
                                                             const char *data, size_t len,
                                                             sslvdir_error *err);

/**
 * sslvdir_regfile_load - read a .reg file from disk
 *
 * Reads the file whole and parses it as sslvdir_regfile_parse() does; a file
 * larger than SSLVDIR_REGFILE_MAX bytes is refused with SSLVDIR_E_RANGE.
 *
 * Returns: as sslvdir_regfile_parse(); SSLVDIR_E_IO.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_regfile_load(sslvdir_regfile **out,
                                                            const char *filename,
                                                            sslvdir_error *err);

/**
 * sslvdir_regfile_from_settings - a .reg file holding a settings store's registry values
 *
 * One section per key, in the order the store lists them; DWORDs and
 * strings. Pseudo paths that are not in the registry (Exchange\...) are left
 * out: they are set with Exchange cmdlets.
 *
 * Returns: SSLVDIR_OK and *out set; SSLVDIR_E_NOMEM;
 * SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_regfile_from_settings(sslvdir_regfile **out, const sslvdir_settings *settings,
                              sslvdir_error *err);

/**
 * sslvdir_regfile_free - free a .reg file
 *
 * NULL is accepted and ignored.
 *
 * Since: 0.1
 */
SSLVDIR_EXTERN void sslvdir_regfile_free(sslvdir_regfile *reg);

/**
 * sslvdir_regfile_entry_count - how many entries (sections, values, deletions)
 *
 * Entries are numbered from 0 to this count - 1 for sslvdir_regfile_entry(),
 * in file order; skipped lines are not entries.
 *
 * Returns: the count (0 for NULL).
 * Since: 0.1
 */
SSLVDIR_EXTERN size_t sslvdir_regfile_entry_count(const sslvdir_regfile *reg);

/**
 * sslvdir_regfile_entry - one entry, in file order
 *
 * *key is the full key ("HKEY_LOCAL_MACHINE\SYSTEM\..."); *name the value
 * name ("" for the default value @; NULL for sections); *type the REG_*
 * type and *data and *len the value's bytes: a DWORD in 4 little-endian
 * bytes, a "string" as UTF-8 without NUL, a hex(N) value as the bytes the
 * file lists (UTF-16LE text in a REGEDIT5 file, 8-bit text in a REGEDIT4
 * one). Any out pointer may be NULL.
 *
 * Deletions are entries of their own: [-KEY] is SSLVDIR_REG_ENTRY_KEY_DELETE with
 * *name NULL, "Name"=- SSLVDIR_REG_ENTRY_VALUE_DELETE with *type 0 and *len 0.
 * Key and name are separate because a value name may hold '\'. Skipped lines
 * are not entries (sslvdir_regfile_warning() names them).
 *
 * Returns: the sslvdir_reg_entry kind (above 0), SSLVDIR_E_NOT_FOUND past
 * the end, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int
sslvdir_regfile_entry(const sslvdir_regfile *reg, size_t index, const char **key, const char **name,
                      unsigned *type, const unsigned char **data, size_t *len);

/**
 * sslvdir_regfile_warning_count - how many warnings reading the file produced
 *
 * One per skipped line (at most 100 are named; one more warning counts the
 * rest).
 *
 * Returns: the count (0 for NULL).
 * Since: 0.1
 */
SSLVDIR_EXTERN size_t sslvdir_regfile_warning_count(const sslvdir_regfile *reg);

/**
 * sslvdir_regfile_warning - one warning, as an English sentence with its line
 *
 * index runs from 0 to sslvdir_regfile_warning_count() - 1; the string
 * lives as long as the regfile.
 *
 * Returns: the warning, or NULL when index is past the end.
 * Since: 0.1
 */
SSLVDIR_EXTERN const char *sslvdir_regfile_warning(const sslvdir_regfile *reg, size_t index);

/**
 * sslvdir_regfile_apply - apply a .reg file to a settings store
 *
 * In file order: DWORDs and strings (REG_SZ and REG_EXPAND_SZ, as "string"
 * or as hex(1)/hex(2) text, up to its NUL) are set, deletions unset the
 * value or every value under the key. Values the library does not know are
 * kept all the same (sslvdir_settings_entry() says they are unknown). The
 * default value (@) is kept in the .reg file only.
 *
 * A value the store cannot take as the file gives it is one bad value, not
 * a bad file: a well-known value of the wrong type (SSLOffloaded as a
 * string) or out of range (SSLOffloaded=2), a path the store refuses, a
 * binary, multi-string or QWORD value (which stays in the .reg file), and a
 * value line skipped when the file was read. Each gets a warning in the
 * store and is treated as absent: unset at that point of the file, so that
 * Exchange's default applies (sslvdir_settings_default_dword()), never what
 * an earlier line or file gave it. The file's own warnings
 * (sslvdir_regfile_warning()) are added to the store's.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_NOMEM, SSLVDIR_E_INVALID_ARGUMENT.
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_regfile_apply(const sslvdir_regfile *reg,
                                                             sslvdir_settings *settings,
                                                             sslvdir_error *err);

/**
 * sslvdir_regfile_write - the .reg file as regedit would write it
 *
 * Windows Registry Editor Version 5.00 in UTF-16LE with BOM and CRLF line
 * ends, unless flags say SSLVDIR_REGFILE_UTF8 or SSLVDIR_REGFILE_REGEDIT4.
 * Sections and values keep their order; hex values are wrapped at 80
 * columns with '\' continuations; a value read as hex(N) is written as
 * hex(N) with the same bytes, and a string a quoted string cannot hold (a
 * line break, bytes that are not UTF-8) as hex(1). *out_len receives the
 * length, also when out is too small.
 *
 * Returns: SSLVDIR_OK, SSLVDIR_E_BUFFER_TOO_SMALL, SSLVDIR_E_NOMEM,
 * SSLVDIR_E_INVALID_ARGUMENT (also for a flag bit other than
 * SSLVDIR_REGFILE_UTF8 and SSLVDIR_REGFILE_REGEDIT4).
 * Since: 0.1
 */
SSLVDIR_EXTERN SSLVDIR_WARN_UNUSED int sslvdir_regfile_write(const sslvdir_regfile *reg,
                                                             unsigned flags, char *out,
                                                             size_t out_size, size_t *out_len);

#ifdef __cplusplus
}
#endif

#endif /* SSLVDIR_REGISTRY_H */
