/*
 * version.h — which beslut and which rule set made a record.
 *
 * The version string comes from the file VERSION at the top of the source
 * tree (the Makefile passes it to version.c alone).  The grammar hash is the
 * SHA-256 of the grammar and lexicon files a run loads, in a defined order:
 * every `*.bg` of the grammar directory, then every `*.tsv` of the lexicon
 * directory, each set sorted by file name (bytes), names starting with `.`
 * left out; each file contributes the line "grammars/NAME" or
 * "lexicons/NAME", a line with its size in bytes in decimal, then its
 * bytes.  The same files give the same hash on any machine and in any
 * directory; one changed byte changes it.
 *
 * main.c computes the hash once, before any worker starts, and stores it
 * with version_set_grammar_hash(); assemble writes both into every
 * `document` record (`beslut_version`, `grammar_hash`).
 */
#ifndef BESLUT_VERSION_H
#define BESLUT_VERSION_H

/* The version, e.g. "0.2.0". */
const char *beslut_version(void);

/* Hash the files of gdir and lexdir as described above into out (64 hex
 * digits + NUL).  Returns 0, or -1 with *err (malloc'd) naming the file
 * that could not be read. */
int grammar_hash_dirs(const char *gdir, const char *lexdir, char out[65], char **err);

/* The hash of this run's grammar (NULL until set: the document record then
 * has grammar_hash null).  Set once before threads start. */
void version_set_grammar_hash(const char *hex);
const char *version_grammar_hash(void);

#endif
