/*
 * regex_fast.h — a grammar's token regexes answered without PCRE2 where
 * they allow it.
 *
 * A token regex (`/\p{Lu}\p{Ll}+/`, `/\p{L}*(nämnden|styrelsen)/i`) is
 * matched against a word's whole text, once per new word, and most such
 * regexes are made of character classes, literal characters, groups,
 * alternation and quantifiers only.  Those are compiled here into a
 * position automaton (Glushkov: one position per character the pattern
 * reads, at most RXF_MAXPOS) run as a bit set over the word's characters.
 * The characters of a word are first mapped to classes of code points
 * that every atom of every pattern treats alike; which atom accepts which
 * code point is asked of PCRE2 itself, atom by atom, with the pattern's
 * own options, so that the answers are PCRE2's.  The table covers the
 * code points below U+0250 and the general punctuation block; a word with
 * another character, and every pattern with another construct
 * (anchors, look-arounds, back references, possessive quantifiers,
 * inline options, \b …), are left to PCRE2.
 */
#ifndef BESLUT_REGEX_FAST_H
#define BESLUT_REGEX_FAST_H

#include <stddef.h>
#include <stdint.h>

#define RXF_MAXPOS 256 /* positions of one pattern's automaton */

typedef struct rxfast rxfast_t;

/* Build for n patterns (sources and caseless flags as compiled).
 * Never fails: a pattern it cannot take is marked for PCRE2. */
rxfast_t *rxfast_new(const char *const *src, const uint8_t *caseless, uint32_t n);
void rxfast_free(rxfast_t *f);

/* Is pattern r answered by rxfast_match? */
int rxfast_has(const rxfast_t *f, uint32_t r);
/* Patterns answered here (for statistics and tests). */
uint32_t rxfast_count(const rxfast_t *f);

/* Map txt[0..len) to the table's character classes in cls (room for len
 * entries); the number of characters, or -1 when a character is outside
 * the table or the UTF-8 is broken (then PCRE2 answers every pattern). */
int rxfast_classes(const rxfast_t *f, const unsigned char *txt, size_t len, uint16_t *cls);

/* Does pattern r (rxfast_has) match the whole word of nch classes? */
int rxfast_match(const rxfast_t *f, uint32_t r, const uint16_t *cls, int nch);

#endif
