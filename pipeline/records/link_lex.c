/*
 * link_lex.c — the lexicon look-ups of the linking (link_int.h): a word's
 * value in a class of `resolve link`, and the value of its longest prefix,
 * each answer kept for the rest of the document.
 *
 * grammar_lexicon_value() finds the class by name and tokenizes the word on
 * every call; the linking asks the same words of the same few classes again
 * and again.  The memo holds each word of the document once (its id), and
 * beside it the answers of up to LX_ASKS questions (class, and whether the
 * word's own value or its prefix's).
 */
#include "link_int.h"

#define LX_ASKS 6

typedef struct lx_word {
	uint32_t h, off, len;      /* the word: pool[off..off+len), NUL after it */
	uint32_t have;             /* bit q: val[q] is known */
	const char *val[LX_ASKS];
} lx_word_t;

struct lexmemo {
	uint32_t *slot;            /* word id, 0: empty */
	size_t cap;
	lx_word_t *w;              /* w[id - 1] */
	size_t n, wcap;
	buf_t pool;
	struct {
		const char *cls;   /* the name as the resolve settings hold it */
		int prefix, ci;
	} ask[LX_ASKS];
	int nask;
	const grammar_t *g;
};

lexmemo_t *lexmemo_new(const grammar_t *g)
{
	lexmemo_t *m = xcalloc(1, sizeof *m);
	m->g = g;
	return m;
}

int lexmemo_fits(const lexmemo_t *m, const grammar_t *g)
{
	return m->g == g && m->n <= LX_MEMO_WORDS;
}

void link_memo_free(lexmemo_t *m)
{
	if (!m)
		return;
	free(m->slot);
	free(m->w);
	buf_release(&m->pool);
	free(m);
}

static size_t u8len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* The longest prefix of w[0..n) (five characters or more) that is an entry
 * of class ci; its value, or NULL. */
static const char *prefix_scan(const grammar_t *g, int ci, const char *w, size_t n)
{
	char buf[128];
	if (n >= sizeof buf || ci < 0)
		return NULL;
	memcpy(buf, w, n);
	buf[n] = '\0';
	size_t chars = u8len(buf);
	for (size_t m = n; m > 0; m--) {
		if (m < n && ((unsigned char)w[m] & 0xC0) == 0x80)
			continue; /* not a character boundary */
		buf[m] = '\0';
		if (m < n)
			chars--; /* buf lost the character at m */
		if (chars < 5)
			break;
		const char *v = grammar_lexicon_value_at(g, ci, buf, m);
		if (v)
			return v;
	}
	return NULL;
}

static uint32_t word_hash(const char *w, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)w[i]) * 16777619u;
	return h;
}

uint32_t lx_word(const lx_t *L, const char *w, size_t n)
{
	lexmemo_t *m = L->memo;
	if (!m || !L->g || n == 0 || n > UINT32_MAX / 4 || m->pool.len > UINT32_MAX / 4 || m->n >= UINT32_MAX / 4)
		return 0;
	uint32_t h = word_hash(w, n);
	if ((m->n + 1) * 2 > m->cap) {
		size_t nc = m->cap ? m->cap * 2 : 1024;
		uint32_t *ns = xcalloc(nc, sizeof *ns);
		for (size_t j = 0; j < m->cap; j++)
			if (m->slot[j]) {
				size_t i = m->w[m->slot[j] - 1].h & (nc - 1);
				while (ns[i])
					i = (i + 1) & (nc - 1);
				ns[i] = m->slot[j];
			}
		free(m->slot);
		m->slot = ns;
		m->cap = nc;
	}
	size_t mask = m->cap - 1, i = h & mask;
	for (; m->slot[i]; i = (i + 1) & mask) {
		const lx_word_t *e = &m->w[m->slot[i] - 1];
		if (e->h == h && e->len == n && memcmp(m->pool.data + e->off, w, n) == 0)
			return m->slot[i];
	}
	GROW(m->w, m->wcap, m->n + 1);
	lx_word_t *e = &m->w[m->n];
	memset(e, 0, sizeof *e);
	e->h = h;
	e->off = (uint32_t)m->pool.len;
	e->len = (uint32_t)n;
	buf_add(&m->pool, w, n);
	buf_addc(&m->pool, '\0');
	m->slot[i] = (uint32_t)++m->n;
	return m->slot[i];
}

/* The question (cls, prefix): its index, or -1 when LX_ASKS are taken */
static int ask_of(lexmemo_t *m, const grammar_t *g, const char *cls, int prefix)
{
	for (int q = 0; q < m->nask; q++)
		if (m->ask[q].cls == cls && m->ask[q].prefix == prefix)
			return q;
	if (m->nask == LX_ASKS)
		return -1;
	m->ask[m->nask].cls = cls;
	m->ask[m->nask].prefix = prefix;
	m->ask[m->nask].ci = grammar_class_index(g, cls);
	return m->nask++;
}

static const char *answer(const grammar_t *g, int ci, int prefix, const char *w, size_t n)
{
	return prefix ? prefix_scan(g, ci, w, n) : grammar_lexicon_value_at(g, ci, w, n);
}

const char *lx_word_value(const lx_t *L, uint32_t id, const char *cls, int prefix)
{
	lexmemo_t *m = L->memo;
	if (!m || !id || id > m->n || !cls)
		return NULL;
	int q = ask_of(m, L->g, cls, prefix);
	lx_word_t *e = &m->w[id - 1];
	const char *w = m->pool.data + e->off;
	if (q < 0)
		return answer(L->g, grammar_class_index(L->g, cls), prefix, w, e->len);
	if (!(e->have & (1u << q))) {
		e->val[q] = answer(L->g, m->ask[q].ci, prefix, w, e->len);
		e->have |= 1u << q;
	}
	return e->val[q];
}

static const char *value_of(const lx_t *L, const char *cls, const char *w, int prefix)
{
	if (!L->g || !cls || !w || !*w)
		return NULL;
	size_t n = strlen(w);
	uint32_t id = lx_word(L, w, n);
	if (id)
		return lx_word_value(L, id, cls, prefix);
	return answer(L->g, grammar_class_index(L->g, cls), prefix, w, n);
}

const char *lx_value(const lx_t *L, const char *cls, const char *w) { return value_of(L, cls, w, 0); }

const char *lx_prefix_value(const lx_t *L, const char *cls, const char *w) { return value_of(L, cls, w, 1); }
