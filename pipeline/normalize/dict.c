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

int dict_setup(const char *prefix, int disabled, char **err)
{
	pthread_mutex_lock(&dict_mu);
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
	pthread_mutex_unlock(&dict_mu);
	return rc;
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
	pthread_mutex_lock(&dict_mu);
	int r = Hunspell_spell(h, word);
	pthread_mutex_unlock(&dict_mu);
	return r;
}

void dict_release(void)
{
	pthread_mutex_lock(&dict_mu);
	if (dict_hs)
		Hunspell_destroy(dict_hs);
	dict_hs = NULL;
	dict_state = 0;
	pthread_mutex_unlock(&dict_mu);
}
