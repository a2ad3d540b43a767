/*
 * test_assemble.c — envelope, item assignment, merges, actor resolution,
 * defaults, counted-vote checks and the document record.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "records/assemble.h"
#include "records/link.h"
#include "common/util.h"
#include "random_text.h"

static const char TEXT[] =
	"§ 12\n\nBudget\n\nGlenn Berggård (V) föreslår bifall.\n\nOrdföranden ställer "
	"Glenn Berggårds förslag mot liggande förslag.\n\n§ 13\n\nMotion\n\nOmröstning.";

typedef struct fixture {
	input_t in;
	norm_result_t nr;
	recvec_t rv;
	arena_t a;
	buf_t out;
} fixture_t;

static fixture_t F;
/* The project's grammar: its schema completes records, its resolve
 * settings (grammars/resolve.bg) drive genitives, counted votes and the
 * document kind. */
static grammar_t *G;

static void setup(void)
{
	memset(&F, 0, sizeof F);
	G = grammar_load_dir("grammars", "lexicons", stderr, NULL, NULL);
	ck_assert_ptr_nonnull(G);
	ck_assert_int_eq(read_memory(TEXT, sizeof TEXT - 1, "doc.txt", &F.in), 0);
	buf_add(&F.nr.text, TEXT, sizeof TEXT - 1);
	omap_copy(&F.nr.map, 0, sizeof TEXT - 1);
	F.nr.pages = calloc(2, sizeof *F.nr.pages);
	F.nr.pages[0] = (norm_page_t){0, 1};
	F.nr.pages[1] = (norm_page_t){100, 2};
	F.nr.npages = 2;
}

static void teardown(void)
{
	input_release(&F.in);
	norm_result_release(&F.nr);
	recvec_release(&F.rv);
	arena_release(&F.a);
	buf_release(&F.out);
	grammar_free(G);
	G = NULL;
}

static record_t *add(const char *type, uint32_t start, uint32_t end, int merge)
{
	record_t *r = recvec_push(&F.rv);
	r->type = type;
	r->rule = "test_rule";
	r->start = start;
	r->end = end;
	r->merge = merge;
	r->fields = v_obj(&F.a);
	return r;
}

static value_t *actor(const char *name, const char *party, int genitive)
{
	value_t *o = v_obj(&F.a);
	v_set(&F.a, o, "name", v_cstr(&F.a, name));
	v_set(&F.a, o, "party", v_cstr(&F.a, party));
	v_set(&F.a, o, "role", v_null(&F.a));
	if (genitive)
		v_set(&F.a, o, "_genitive", v_bool(&F.a, 1));
	return o;
}

static const char *run_asm(unsigned flags)
{
	doc_result_t d = {&F.in, &F.nr, &F.rv, NULL, 42, &F.a, flags, G};
	assemble_document(&d, &F.out);
	return F.out.data;
}

/* The n-th output line (0 = document). */
static char *line(int n)
{
	static char b[4096];
	const char *p = F.out.data;
	for (int i = 0; i < n && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	ck_assert_ptr_nonnull(p);
	const char *e = strchr(p, '\n');
	snprintf(b, sizeof b, "%.*s", (int)(e - p), p);
	return b;
}

START_TEST(envelope_items_and_ids)
{
	record_t *i12 = add("item", 0, 12, 0);
	v_set(&F.a, i12->fields, "number", v_int(&F.a, 12));
	v_set(&F.a, i12->fields, "title", v_cstr(&F.a, "Budget"));
	record_t *p = add("proposal", 14, 49, 0);
	value_t *by = v_arr(&F.a);
	v_push(&F.a, by, actor("Glenn Berggård", "V", 0));
	v_set(&F.a, p->fields, "by", by);
	v_set(&F.a, p->fields, "kind", v_cstr(&F.a, "bifall"));
	record_t *i13 = add("item", 117, 128, 0); /* after page 2 starts */
	v_set(&F.a, i13->fields, "number", v_int(&F.a, 13));
	record_t *un = add("item", 130, 136, 0); /* unnumbered: k3 */
	(void)un;
	run_asm(ASM_EXPLAIN);
	char *doc = line(0);
	ck_assert_ptr_nonnull(strstr(doc, "{\"type\": \"document\", \"schema\": 1, \"doc\": \"doc.txt\", \"id\": \"doc.txt#document/1\", \"item\": null, \"page\": null"));
	ck_assert_ptr_nonnull(strstr(doc, "\"status\": \"ok\""));
	ck_assert_ptr_nonnull(strstr(doc, "\"kind\": \"protokoll\""));
	ck_assert_ptr_nonnull(strstr(doc, "\"tokens\": 42"));
	ck_assert_ptr_nonnull(strstr(line(1), "\"id\": \"doc.txt#item/1\", \"item\": 12, \"page\": 1, \"span\": [0, 12]"));
	ck_assert_ptr_nonnull(strstr(line(1), "\"adjusted_immediately\": false"));
	ck_assert_ptr_nonnull(strstr(line(1), "\"rule\": \"test_rule\""));
	ck_assert_ptr_nonnull(strstr(line(2), "\"id\": \"doc.txt#proposal/1\", \"item\": 12"));
	ck_assert_ptr_nonnull(strstr(line(2), "\"rank\": null, \"supports\": null"));
	ck_assert_ptr_nonnull(strstr(line(3), "\"item\": 13, \"page\": 2"));
	ck_assert_ptr_nonnull(strstr(line(4), "\"id\": \"doc.txt#item/3\", \"item\": \"k3\""));
}
END_TEST

START_TEST(merges_into_item_and_document)
{
	record_t *i12 = add("item", 0, 4, 0);
	v_set(&F.a, i12->fields, "number", v_int(&F.a, 12));
	record_t *m = add("item", 20, 30, 1);
	v_set(&F.a, m->fields, "mode", v_cstr(&F.a, "föreslår"));
	v_set(&F.a, m->fields, "number", v_int(&F.a, 99)); /* does not overwrite */
	record_t *d = add("document", 0, 5, 1);
	v_set(&F.a, d->fields, "body", v_cstr(&F.a, "Regionstyrelsen"));
	record_t *mo1 = add("motion", 40, 50, 1); /* outcome first, base later */
	v_set(&F.a, mo1->fields, "outcome", v_cstr(&F.a, "avslag"));
	record_t *mo2 = add("motion", 60, 70, 0);
	v_set(&F.a, mo2->fields, "ref", v_cstr(&F.a, "2-2020"));
	run_asm(0);
	ck_assert_ptr_nonnull(strstr(line(0), "\"body\": \"Regionstyrelsen\""));
	ck_assert_ptr_nonnull(strstr(line(1), "\"number\": 12"));
	ck_assert_ptr_nonnull(strstr(line(1), "\"mode\": \"föreslår\""));
	ck_assert_ptr_nonnull(strstr(line(2), "\"type\": \"motion\""));
	ck_assert_ptr_nonnull(strstr(line(2), "\"ref\": \"2-2020\""));
	ck_assert_ptr_nonnull(strstr(line(2), "\"outcome\": \"avslag\""));
	ck_assert_ptr_null(strstr(F.out.data, "#motion/2"));
}
END_TEST

/* A § number printed again right after its item goes on with that item;
 * printed again after other items it starts a new one (a second protocol
 * in the same file). */
START_TEST(repeated_section_numbers)
{
	static const unsigned starts[] = {0, 20, 40, 60, 80};
	static const long nums[] = {12, 12, 13, 12, 13};
	for (int i = 0; i < 5; i++) {
		record_t *it = add("item", starts[i], starts[i] + 5, 0);
		v_set(&F.a, it->fields, "number", v_int(&F.a, nums[i]));
		record_t *r = add("reservation", starts[i] + 10, starts[i] + 15, 0);
		value_t *by = v_arr(&F.a);
		v_push(&F.a, by, actor("Anna Ek", "S", 0));
		v_set(&F.a, r->fields, "by", by);
	}
	run_asm(0);
	int items = 0;
	for (const char *p = F.out.data; (p = strstr(p, "\"type\": \"item\"")); p++)
		items++;
	ck_assert_int_eq(items, 4); /* 12, 13, 12, 13: the repeat of 12 right after 12 is no item */
	ck_assert_ptr_nonnull(strstr(line(1), "\"item\": 12"));
	ck_assert_ptr_nonnull(strstr(line(3), "\"type\": \"reservation\", \"schema\": 1, \"doc\": \"doc.txt\", \"id\": \"doc.txt#reservation/2\", \"item\": 12"));
	ck_assert_ptr_nonnull(strstr(line(4), "\"item\": 13"));
}
END_TEST

/* Points of a "förslag till beslut" block count where the document's body
 * proposes, or where the item has no decision of its own. */
START_TEST(proposal_block_points)
{
	record_t *d = add("document", 0, 5, 1);
	v_set(&F.a, d->fields, "body", v_cstr(&F.a, "Kommunfullmäktige"));
	record_t *i1 = add("item", 0, 4, 0);
	v_set(&F.a, i1->fields, "number", v_int(&F.a, 1));
	record_t *p1 = add("att_sats", 10, 20, 0); /* KS proposal, KF decides below */
	v_set(&F.a, p1->fields, "of", v_cstr(&F.a, "decision"));
	v_set(&F.a, p1->fields, "text", v_cstr(&F.a, "anta planen"));
	v_set(&F.a, p1->fields, "_prop", v_bool(&F.a, 1));
	v_set(&F.a, p1->fields, "_from", v_cstr(&F.a, "Kommunstyrelsen"));
	record_t *d1 = add("att_sats", 30, 40, 0);
	v_set(&F.a, d1->fields, "of", v_cstr(&F.a, "decision"));
	v_set(&F.a, d1->fields, "text", v_cstr(&F.a, "anta planen med ändringen"));
	record_t *i2 = add("item", 50, 54, 0);
	v_set(&F.a, i2->fields, "number", v_int(&F.a, 2));
	record_t *p2 = add("att_sats", 60, 70, 0); /* no decision of its own */
	v_set(&F.a, p2->fields, "of", v_cstr(&F.a, "decision"));
	v_set(&F.a, p2->fields, "text", v_cstr(&F.a, "sälja marken"));
	v_set(&F.a, p2->fields, "_prop", v_bool(&F.a, 1));
	v_set(&F.a, p2->fields, "_from", v_cstr(&F.a, "Kommunstyrelsen"));
	run_asm(0);
	ck_assert_ptr_null(strstr(F.out.data, "\"text\": \"anta planen\""));
	ck_assert_ptr_nonnull(strstr(F.out.data, "\"text\": \"anta planen med ändringen\""));
	ck_assert_ptr_nonnull(strstr(F.out.data, "\"text\": \"sälja marken\""));
	ck_assert_ptr_null(strstr(F.out.data, "_prop"));
}
END_TEST

START_TEST(genitive_names_and_missing_parties)
{
	record_t *i12 = add("item", 0, 4, 0);
	v_set(&F.a, i12->fields, "number", v_int(&F.a, 12));
	record_t *v = add("vote", 50, 100, 0);
	value_t *opts = v_arr(&F.a);
	value_t *o1 = v_obj(&F.a);
	v_set(&F.a, o1, "label", v_cstr(&F.a, "Glenn Berggårds förslag"));
	v_set(&F.a, o1, "by", actor("Glenn Berggårds", NULL, 1));
	v_push(&F.a, opts, o1);
	value_t *o2 = v_obj(&F.a);
	v_set(&F.a, o2, "by", actor("Anders Öbergs", NULL, 1)); /* never seen in base form */
	v_push(&F.a, opts, o2);
	value_t *o3 = v_obj(&F.a);
	v_set(&F.a, o3, "by", actor("Lars Kiss", NULL, 1)); /* ends in s after s: unchanged */
	v_push(&F.a, opts, o3);
	v_set(&F.a, v->fields, "options", opts);
	record_t *p = add("proposal", 14, 49, 0); /* before the vote, gives the party */
	value_t *by = v_arr(&F.a);
	v_push(&F.a, by, actor("Glenn Berggård", "V", 0));
	v_set(&F.a, p->fields, "by", by);
	run_asm(0);
	char *vl = line(3);
	ck_assert_ptr_nonnull(strstr(vl, "{\"name\": \"Glenn Berggård\", \"party\": \"V\", \"role\": null}"));
	ck_assert_ptr_nonnull(strstr(vl, "\"name\": \"Anders Öberg\""));
	ck_assert_ptr_nonnull(strstr(vl, "\"name\": \"Lars Kiss\""));
	ck_assert_ptr_null(strstr(vl, "_genitive"));
}
END_TEST

static value_t *ballot(const char *name, const char *vote)
{
	value_t *o = actor(name, "S", 0);
	v_set(&F.a, o, "vote", v_cstr(&F.a, vote));
	return o;
}

START_TEST(counted_vote_checks)
{
	record_t *v1 = add("vote", 10, 20, 0);
	v_set(&F.a, v1->fields, "method", v_cstr(&F.a, "omröstning"));
	value_t *b = v_arr(&F.a);
	v_push(&F.a, b, ballot("A B", "ja"));
	v_push(&F.a, b, ballot("C D", "ja"));
	v_push(&F.a, b, ballot("E F", "nej"));
	v_set(&F.a, v1->fields, "ballots", b);
	record_t *v2 = add("vote", 30, 40, 0);
	v_set(&F.a, v2->fields, "method", v_cstr(&F.a, "omröstning"));
	value_t *c = v_obj(&F.a);
	v_set(&F.a, c, "ja", v_int(&F.a, 3));
	v_set(&F.a, c, "nej", v_int(&F.a, 1));
	v_set(&F.a, v2->fields, "counts", c);
	v_set(&F.a, v2->fields, "ballots", b);
	record_t *v3 = add("vote", 50, 60, 0); /* printed ja/nej agree: the list fills the rest */
	v_set(&F.a, v3->fields, "method", v_cstr(&F.a, "omröstning"));
	value_t *c3 = v_obj(&F.a);
	v_set(&F.a, c3, "ja", v_int(&F.a, 2));
	v_set(&F.a, c3, "nej", v_int(&F.a, 1));
	v_set(&F.a, c3, "avstår", v_null(&F.a));
	v_set(&F.a, c3, "frånvarande", v_null(&F.a));
	v_set(&F.a, v3->fields, "counts", c3);
	v_set(&F.a, v3->fields, "ballots", b);
	run_asm(0);
	ck_assert_ptr_nonnull(strstr(line(3), "\"counts\": {\"ja\": 2, \"nej\": 1, \"avstår\": 0, \"frånvarande\": 0}"));
	/* counts derived from the list */
	ck_assert_ptr_nonnull(strstr(line(1), "\"counts\": {\"ja\": 2, \"nej\": 1, \"avstår\": 0, \"frånvarande\": 0}"));
	/* printed counts kept; the mismatch is a document warning */
	ck_assert_ptr_nonnull(strstr(line(2), "\"counts\": {\"ja\": 3, \"nej\": 1}"));
	ck_assert_ptr_nonnull(strstr(line(0), "vote counts disagree with the voting list (printed/listed): ja 3/2 nej 1/1"));
}
END_TEST

START_TEST(error_document_only)
{
	free(F.in.error);
	F.in.error = strdup("doc.txt: binary data");
	add("item", 0, 4, 0);
	doc_result_t d = {&F.in, NULL, &F.rv, NULL, 0, &F.a, 0, G};
	assemble_document(&d, &F.out);
	ck_assert_ptr_nonnull(strstr(F.out.data, "\"status\": \"error\", \"error\": \"doc.txt: binary data\""));
	ck_assert_ptr_nonnull(strstr(F.out.data, "\"stats\": null"));
	ck_assert_ptr_null(strstr(F.out.data, "\"type\": \"item\""));
	ck_assert_int_eq(F.out.data[F.out.len - 1], '\n');
	ck_assert_ptr_eq(strchr(F.out.data, '\n') + 1, F.out.data + F.out.len); /* one line */
}
END_TEST

static const char *doc_date_for(const char *text, const char *partial)
{
	buf_reset(&F.nr.text);
	buf_adds(&F.nr.text, text);
	recvec_release(&F.rv);
	buf_reset(&F.out);
	record_t *d = add("document", 0, 1, 1);
	v_set(&F.a, d->fields, "date", v_cstr(&F.a, partial));
	run_asm(0);
	return line(0);
}

START_TEST(year_of_a_date_printed_without_one)
{
	/* a full date with the same day and month wins over the majority */
	ck_assert_ptr_nonnull(strstr(doc_date_for("Plan 2024-01-02, 2024-03-04; i kraft 2023-06-13.", "--06-13"),
	                             "\"date\": \"2023-06-13\""));
	ck_assert_ptr_nonnull(strstr(line(0), "taken from a full date with the same day and month"));
	/* else the year of most full dates; bare years do not count */
	ck_assert_ptr_nonnull(strstr(doc_date_for("Plan 2023 2023 2023 2023; 2022-11-01 och 2022-12-01, 2023-01-01.", "--09-14"),
	                             "\"date\": \"2022-09-14\""));
	/* no evidence, or a tie: null */
	ck_assert_ptr_nonnull(strstr(doc_date_for("Plan 2023 2023 2023.", "--09-14"), "\"date\": null"));
	ck_assert_ptr_nonnull(strstr(doc_date_for("2021-01-01 och 2022-01-01.", "--09-14"), "\"date\": null"));
	/* a complete date is left alone */
	ck_assert_ptr_nonnull(strstr(doc_date_for("2021-01-01.", "2020-10-14"), "\"date\": \"2020-10-14\""));
}
END_TEST

/* char_index_at against a plain count: a valid UTF-8 sequence is one
 * character, any other byte one; across ASCII runs, block boundaries and
 * broken sequences at every offset. */
START_TEST(char_index_counts_characters)
{
	static const char *const piece[] = {"a", "ord ", "Kommunstyrelsen beslutar att ", "å", "Ä", "€", "\xF0\x9F\x98\x80",
	                                    "\xFF", "\xC3", "\x80", "\xE2\x82", "\xED\xA0\x80", "\n\n"};
	static char buf[2100];
	unsigned char start[2100];
	unsigned seed = 7;
	for (int round = 0; round < 60; round++) {
		size_t n = random_text(buf, (size_t)(rt_next(&seed) >> 16) % 2000, piece, sizeof piece / sizeof *piece, &seed);
		memset(start, 0, sizeof start);
		for (size_t k = 0; k < n;) {
			int len = 1;
			if (utf8_decode((const unsigned char *)buf + k, n - k, &len) < 0 || len < 1)
				len = 1;
			start[k] = 1;
			k += (size_t)len;
		}
		char_index_t ci;
		char_index_init(&ci, buf, n);
		uint64_t want = 0;
		for (size_t off = 0; off <= n; off++) {
			ck_assert_uint_eq(char_index_at(&ci, off), want);
			if (off < n)
				want += start[off];
		}
		char_index_release(&ci);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("assemble");
	TCase *t = tcase_create("assemble");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, envelope_items_and_ids);
	tcase_add_test(t, merges_into_item_and_document);
	tcase_add_test(t, repeated_section_numbers);
	tcase_add_test(t, proposal_block_points);
	tcase_add_test(t, genitive_names_and_missing_parties);
	tcase_add_test(t, counted_vote_checks);
	tcase_add_test(t, error_document_only);
	tcase_add_test(t, year_of_a_date_printed_without_one);
	tcase_add_test(t, char_index_counts_characters);
	suite_add_tcase(s, t);
	return s;
}

#include "check_main.h"
