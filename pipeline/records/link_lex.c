/*
 * link_lex.c — the lexicon look-ups of the linking (link_int.h): a word's
 * value in a class of `resolve link`, and the value of its longest prefix,
 * each answer kept for the rest of the document.
 */
#include "link_int.h"

static size_t u8len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* grammar_lexicon_value() finds the class by name and tokenizes the word on
 * every call; the linking asks the same words of the same classes again and
 * again.  The answers of one document: (class name, word) -> value. */
typedef struct lm_slot {
	const char *cls;     /* the name as the resolve settings hold it (NULL: empty slot) */
	const char *val;
	uint32_t h, off, len;   /* the word: pool[off..off+len) */
	int prefix;          /* val is prefix_value()'s, not the word's own */
} lm_slot_t;

struct lexmemo {
	lm_slot_t *s;
	size_t cap, n;
	buf_t pool;
};

lexmemo_t *lexmemo_new(void) { return xcalloc(1, sizeof(lexmemo_t)); }

void lexmemo_free(lexmemo_t *m)
{
	if (!m)
		return;
	free(m->s);
	buf_release(&m->pool);
	free(m);
}

static uint32_t lm_hash(const char *cls, int prefix, const char *w, size_t n)
{
	uint32_t h = 2166136261u ^ (uint32_t)((uintptr_t)cls >> 3) ^ (uint32_t)prefix;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)w[i]) * 16777619u;
	return h;
}

/* The slot of (cls, prefix, w[0..n)) hashed h: the entry, or the empty slot
 * to fill (NULL: none kept) */
static lm_slot_t *lm_slot(lexmemo_t *m, const char *cls, int prefix, const char *w, size_t n, uint32_t h)
{
	if (n > UINT32_MAX / 2 || m->pool.len > UINT32_MAX / 2)
		return NULL;
	if ((m->n + 1) * 2 > m->cap) {
		size_t nc = m->cap ? m->cap * 2 : 256;
		lm_slot_t *ns = xcalloc(nc, sizeof *ns);
		for (size_t j = 0; j < m->cap; j++)
			if (m->s[j].cls) {
				size_t i = m->s[j].h & (nc - 1);
				while (ns[i].cls)
					i = (i + 1) & (nc - 1);
				ns[i] = m->s[j];
			}
		free(m->s);
		m->s = ns;
		m->cap = nc;
	}
	size_t mask = m->cap - 1, i = h & mask;
	for (; m->s[i].cls; i = (i + 1) & mask) {
		lm_slot_t *e = &m->s[i];
		if (e->h == h && e->cls == cls && e->prefix == prefix && e->len == n &&
		    memcmp(m->pool.data + e->off, w, n) == 0)
			return e;
	}
	return &m->s[i];
}

static void lm_fill(lexmemo_t *m, lm_slot_t *e, const char *cls, int prefix, const char *w, size_t n,
                    uint32_t h, const char *v)
{
	*e = (lm_slot_t){cls, v, h, (uint32_t)m->pool.len, (uint32_t)n, prefix};
	buf_add(&m->pool, w, n);
	m->n++;
}

const char *lx_value(const lx_t *L, const char *cls, const char *w)
{
	if (!L->g || !cls || !w || !*w)
		return NULL;
	if (!L->memo)
		return grammar_lexicon_value(L->g, cls, w);
	size_t n = strlen(w);
	uint32_t h = lm_hash(cls, 0, w, n);
	lm_slot_t *e = lm_slot(L->memo, cls, 0, w, n, h);
	if (e && e->cls)
		return e->val;
	const char *v = grammar_lexicon_value(L->g, cls, w);
	if (e)
		lm_fill(L->memo, e, cls, 0, w, n, h, v);
	return v;
}

/* The longest prefix of a word (five characters or more) that is an entry
 * of the class; its value, or NULL. */
static const char *prefix_scan(const lx_t *L, const char *cls, const char *w, size_t n)
{
	char buf[128];
	if (n >= sizeof buf)
		return NULL;
	int ci = grammar_class_index(L->g, cls);
	if (ci < 0)
		return NULL;
	memcpy(buf, w, n + 1);
	size_t chars = u8len(buf);
	for (size_t m = n; m > 0; m--) {
		if (((unsigned char)w[m] & 0xC0) == 0x80 && m < n)
			continue; /* not a character boundary */
		buf[m] = '\0';
		if (m < n)
			chars--; /* buf lost the character at m */
		if (chars < 5)
			break;
		const char *v = grammar_lexicon_value_at(L->g, ci, buf, m);
		if (v)
			return v;
	}
	return NULL;
}

const char *lx_prefix_value(const lx_t *L, const char *cls, const char *w)
{
	if (!L->g || !cls || !w || !*w)
		return NULL;
	size_t n = strlen(w);
	if (!L->memo)
		return prefix_scan(L, cls, w, n);
	uint32_t h = lm_hash(cls, 1, w, n);
	lm_slot_t *e = lm_slot(L->memo, cls, 1, w, n, h);
	if (e && e->cls)
		return e->val;
	const char *v = prefix_scan(L, cls, w, n);
	if (e)
		lm_fill(L->memo, e, cls, 1, w, n, h, v);
	return v;
}
