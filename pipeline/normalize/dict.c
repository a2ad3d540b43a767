/*
 * dict.c — one shared Hunspell handle and a deterministic clock() (see
 * dict.h for why).
 */
#include "dict.h"
#include "common/util.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t dict_mu = PTHREAD_MUTEX_INITIALIZER;
static Hunhandle *dict_hs;
static int dict_state; /* 0 not chosen, 1 chosen (dict_hs may be NULL) */
static double dict_cpu;  /* CPU seconds of the last dict_setup() load */

/* Hunspell's answers by word, for the process's handle: the same word
 * always gets the same answer (see clock() above), and the normalizers
 * ask about the same fragments again (a quarter to a third of the
 * questions on the bench corpus).  Bounded: emptied when full.  Under
 * dict_mu, like the handle. */
enum { SPELL_SLOTS = 1u << 13, SPELL_BYTES = 128u << 10 };

typedef struct spell_slot {
	uint64_t h;   /* 0: empty */
	uint32_t off; /* the word in spell_words */
	int32_t r;    /* Hunspell_spell's answer */
} spell_slot_t;

static spell_slot_t *spell_tab;
static char *spell_words;
static size_t spell_used, spell_n;

static void spell_forget(void)
{
	free(spell_tab);
	free(spell_words);
	spell_tab = NULL;
	spell_words = NULL;
	spell_used = spell_n = 0;
}


/* Hunspell's compound-check time limit, made a step limit: every call
 * advances this thread's clock by one tick.  Hunspell reads the clock at
 * the start of a compound check and compares later readings in the same
 * thread, so only the number of steps counts. */
clock_t clock(void)
{
	static _Thread_local clock_t ticks;
	return ++ticks;
}

static int readable(const char *path, char **err)
{
	FILE *f = fopen(path, "r");
	if (f) {
		fclose(f);
		return 1;
	}
	if (err) {
		buf_t m = BUF_INIT;
		buf_printf(&m, "spelling dictionary %s: %s (install the Swedish hunspell dictionary, "
		           "name one with --dictionary, or run with --no-dictionary)", path, strerror(errno));
		*err = buf_detach(&m, NULL);
	}
	return 0;
}

static Hunhandle *load(const char *prefix, char **err)
{
	buf_t aff = BUF_INIT, dic = BUF_INIT;
	buf_printf(&aff, "%s.aff", prefix);
	buf_printf(&dic, "%s.dic", prefix);
	Hunhandle *h = NULL;
	if (readable(aff.data, err) && readable(dic.data, err))
		h = Hunspell_create(aff.data, dic.data);
	if (!h && err && !*err) {
		buf_t m = BUF_INIT;
		buf_printf(&m, "spelling dictionary %s: cannot be loaded", prefix);
		*err = buf_detach(&m, NULL);
	}
	buf_release(&aff);
	buf_release(&dic);
	return h;
}

/* The CPU seconds of the calling thread. */
static double thread_cpu(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int setup_now(const char *prefix, int disabled, char **err)
{
	double c0 = thread_cpu();
	pthread_mutex_lock(&dict_mu);
	spell_forget();
	if (dict_hs)
		Hunspell_destroy(dict_hs);
	dict_hs = NULL;
	dict_state = 1;
	int rc = 0;
	if (!disabled) {
		if (err)
			*err = NULL;
		dict_hs = load(prefix ? prefix : DICT_DEFAULT, err);
		rc = dict_hs ? 0 : -1;
	}
	dict_cpu = thread_cpu() - c0;
	pthread_mutex_unlock(&dict_mu);
	return rc;
}

/* A load started by dict_preload(): written by its thread, read by the
 * thread that joins it (dict_setup, dict_release), never both at once. */
static struct {
	pthread_t thr;
	int on;        /* started, not joined */
	char *prefix;  /* its arguments (prefix NULL: the default) */
	int disabled;
	int rc;        /* its result */
	char *err;
} pre;

static void *preload_main(void *arg)
{
	(void)arg;
	pre.rc = setup_now(pre.prefix, pre.disabled, &pre.err);
	return NULL;
}

void dict_preload(const char *prefix, int disabled)
{
	if (pre.on || disabled)
		return;
	pre.prefix = prefix ? xstrdup(prefix) : NULL;
	pre.disabled = disabled;
	pre.rc = 0;
	pre.err = NULL;
	if (pthread_create(&pre.thr, NULL, preload_main, NULL) == 0) {
		pre.on = 1;
	} else {
		free(pre.prefix);
		pre.prefix = NULL;
	}
}

/* Wait for a load started by dict_preload(); returns 1 when it was made
 * with these arguments (its result in *rc and *err), else 0. */
static int preload_join(const char *prefix, int disabled, int *rc, char **err)
{
	if (!pre.on)
		return 0;
	pthread_join(pre.thr, NULL);
	pre.on = 0;
	int same = disabled == pre.disabled && (prefix && pre.prefix ? strcmp(prefix, pre.prefix) == 0
	                                                            : !prefix && !pre.prefix);
	free(pre.prefix);
	pre.prefix = NULL;
	if (same) {
		*rc = pre.rc;
		if (err)
			*err = pre.err;
		else
			free(pre.err);
	} else {
		free(pre.err);
	}
	pre.err = NULL;
	return same;
}

int dict_setup(const char *prefix, int disabled, char **err)
{
	int rc;
	if (preload_join(prefix, disabled, &rc, err))
		return rc;
	return setup_now(prefix, disabled, err);
}

double dict_load_cpu(void)
{
	pthread_mutex_lock(&dict_mu);
	double c = dict_cpu;
	pthread_mutex_unlock(&dict_mu);
	return c;
}

Hunhandle *dict_get(void)
{
	pthread_mutex_lock(&dict_mu);
	if (!dict_state) {
		dict_state = 1;
		dict_hs = load(DICT_DEFAULT, NULL);
	}
	Hunhandle *h = dict_hs;
	pthread_mutex_unlock(&dict_mu);
	return h;
}

int dict_spell(Hunhandle *h, const char *word)
{
	size_t len = strlen(word);
	uint64_t x = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < len; i++)
		x = (x ^ (unsigned char)word[i]) * 0x100000001b3ull;
	x |= 1; /* never 0 */
	pthread_mutex_lock(&dict_mu);
	if (h != dict_hs || len >= SPELL_BYTES / 64) {
		int r = Hunspell_spell(h, word);
		pthread_mutex_unlock(&dict_mu);
		return r;
	}
	if (!spell_tab) {
		spell_tab = xcalloc(SPELL_SLOTS, sizeof *spell_tab);
		spell_words = xmalloc(SPELL_BYTES);
	}
	size_t p = (size_t)(x >> 20) & (SPELL_SLOTS - 1);
	for (; spell_tab[p].h; p = (p + 1) & (SPELL_SLOTS - 1))
		if (spell_tab[p].h == x && strcmp(spell_words + spell_tab[p].off, word) == 0) {
			int r = spell_tab[p].r;
			pthread_mutex_unlock(&dict_mu);
			return r;
		}
	int r = Hunspell_spell(h, word);
	if (spell_n * 4 >= SPELL_SLOTS * 3 || spell_used + len + 1 > SPELL_BYTES) {
		memset(spell_tab, 0, SPELL_SLOTS * sizeof *spell_tab);
		spell_used = spell_n = 0;
		p = (size_t)(x >> 20) & (SPELL_SLOTS - 1);
	}
	memcpy(spell_words + spell_used, word, len + 1);
	spell_tab[p] = (spell_slot_t){x, (uint32_t)spell_used, r};
	spell_used += len + 1;
	spell_n++;
	pthread_mutex_unlock(&dict_mu);
	return r;
}

void dict_release(void)
{
	int rc;
	preload_join(NULL, -1, &rc, NULL); /* a preload not used: waited for, then freed */
	pthread_mutex_lock(&dict_mu);
	spell_forget();
	if (dict_hs)
		Hunspell_destroy(dict_hs);
	dict_hs = NULL;
	dict_state = 0;
	pthread_mutex_unlock(&dict_mu);
}
