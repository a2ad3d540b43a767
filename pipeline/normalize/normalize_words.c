/*
 * normalize_words.c — load lexicons/layout.tsv into one word list per
 * layout class (normalize_words.h).
 */
#include "normalize_words.h"
#include "common/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const CLASS_NAME[LW__COUNT] = {
	"conj", "dangling", "lead_in", "point", "point_join", "page", "page_of", "item_word", "dnr",
	"decision", "chapter", "not_body",
};

static void fail(char **err, const char *path, unsigned line, const char *what)
{
	buf_t m = BUF_INIT;
	if (line)
		buf_printf(&m, "%s:%u: %s", path, line, what);
	else
		buf_printf(&m, "%s: %s", path, what);
	*err = buf_detach(&m, NULL);
}

int layout_words_load(layout_words_t *lw, const char *lexdir, char **err)
{
	memset(lw, 0, sizeof *lw);
	*err = NULL;
	char path[4096];
	snprintf(path, sizeof path, "%s/layout.tsv", lexdir);
	FILE *f = fopen(path, "r");
	if (!f) {
		fail(err, path, 0, strerror(errno));
		return -1;
	}
	size_t cap[LW__COUNT] = {0};
	char line[1024];
	unsigned ln = 0;
	while (fgets(line, sizeof line, f)) {
		ln++;
		size_t n = strcspn(line, "\r\n");
		line[n] = '\0';
		if (ln == 1 || n == 0 || line[0] == '#')
			continue;
		char *tab = strchr(line, '\t');
		if (!tab || tab == line) {
			fail(err, path, ln, "expected a word, a tab and a class");
			break;
		}
		*tab = '\0';
		char *cls = tab + 1;
		cls[strcspn(cls, "\t")] = '\0';
		int c = -1;
		for (int k = 0; k < LW__COUNT && c < 0; k++)
			if (strcmp(cls, CLASS_NAME[k]) == 0)
				c = k;
		if (c < 0) {
			fail(err, path, ln, "unknown class (see pipeline/normalize/normalize_words.h)");
			break;
		}
		wordlist_t *l = &lw->c[c];
		size_t cap_w = cap[c];
		GROW(l->w, cap_w, l->n + 1);
		GROW(l->len, cap[c], l->n + 1);
		l->len[l->n] = strlen(line);
		l->w[l->n] = xstrdup(line);
		if (l->len[l->n] > l->maxlen)
			l->maxlen = l->len[l->n];
		l->n++;
	}
	fclose(f);
	if (*err) {
		layout_words_free(lw);
		return -1;
	}
	return 0;
}

void layout_words_free(layout_words_t *lw)
{
	for (int k = 0; k < LW__COUNT; k++) {
		for (size_t i = 0; i < lw->c[k].n; i++)
			free(lw->c[k].w[i]);
		free(lw->c[k].w);
		free(lw->c[k].len);
	}
	memset(lw, 0, sizeof *lw);
}

bool lw_is(const wordlist_t *l, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->len[i] == n && memcmp(l->w[i], s, n) == 0)
			return true;
	return false;
}

static unsigned char lower(unsigned char b)
{
	return b >= 'A' && b <= 'Z' ? (unsigned char)(b + 32) : b;
}

bool lw_is_cap(const wordlist_t *l, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->len[i] == n && n && lower(s[0]) == lower((unsigned char)l->w[i][0]) &&
		    memcmp(l->w[i] + 1, s + 1, n - 1) == 0)
			return true;
	return false;
}

size_t lw_starts_ci(const wordlist_t *l, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < l->n; i++) {
		size_t k = l->len[i], j = 0;
		if (n < k)
			continue;
		while (j < k) {
			unsigned char a = s[j], b = (unsigned char)l->w[i][j];
			/* ASCII, and the capitals of Latin-1 after their lead byte
			 * ("Ärendenummer" is "ärendenummer") */
			if (lower(a) == b || (j > 0 && s[j - 1] == 0xC3 && a >= 0x80 && a <= 0x9E && a != 0x97 &&
			                      a + 0x20 == b))
				j++;
			else
				break;
		}
		if (j == k)
			return k;
	}
	return 0;
}

bool lw_ends_word(const wordlist_t *l, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < l->n; i++) {
		size_t k = l->len[i];
		if (n >= k + 1 && s[n - k - 1] == ' ' && memcmp(s + n - k, l->w[i], k) == 0)
			return true;
	}
	return false;
}
