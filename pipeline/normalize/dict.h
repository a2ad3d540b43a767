/*
 * dict.h — the Swedish spelling dictionary (Hunspell), loaded once per
 * process and shared by every worker.
 *
 * One Hunhandle costs about 19 MB; a Hunhandle is not safe for concurrent
 * use (its affix manager keeps per-lookup state in members), so the one
 * handle is used under a mutex.  The normalizer asks it only about
 * ambiguous line-end hyphens, under a per-document budget, so the lock is
 * rarely contended.
 *
 * Determinism: Hunspell stops a compound check that takes longer than a
 * time limit measured with clock(), the CPU time of the whole PROCESS, so
 * a verdict could depend on what the other threads were doing.  dict.c
 * defines clock() for the process (ELF interposition: the executable's
 * definition is the one libhunspell's reference binds to) as a per-thread
 * count of calls.  Hunspell calls clock() once per step of a compound
 * check and compares differences, so its limit becomes a bound on the
 * number of steps: the same for the same word on every run, whatever the
 * load.  Nothing else in beslut uses clock(); timings use clock_gettime().
 */
#ifndef BESLUT_DICT_H
#define BESLUT_DICT_H

#include <hunspell/hunspell.h>

#define DICT_DEFAULT "/usr/share/hunspell/sv_SE" /* + .aff, .dic */

/* Choose the dictionary for this process before any worker starts:
 * `prefix` (NULL = DICT_DEFAULT) names PREFIX.aff and PREFIX.dic.
 * disabled: run without one (ambiguous hyphens decided by shape and
 * document evidence only).  Returns 0, or -1 with *err (caller frees)
 * when the files are missing or unreadable. */
int dict_setup(const char *prefix, int disabled, char **err);

/* Start dict_setup(prefix, disabled) on a thread of its own, so that the
 * caller can compile the grammar meanwhile; the next dict_setup() with the
 * same arguments waits for it and returns its result (with other
 * arguments it waits, drops it and loads anew).  Nothing is started when
 * disabled or when a load is already under way. */
void dict_preload(const char *prefix, int disabled);

/* CPU seconds the last dictionary load took, on whichever thread ran it. */
double dict_load_cpu(void);

/* The shared handle, NULL when disabled or absent.  Without dict_setup()
 * (unit tests) the default is loaded on first use if it exists. */
Hunhandle *dict_get(void);

/* Hunspell_spell() under the dictionary's lock. */
int dict_spell(Hunhandle *h, const char *word);

/* Free the handle (end of the run), after waiting for a preload not
 * taken up; dict_setup() may be called again. */
void dict_release(void);

#endif
