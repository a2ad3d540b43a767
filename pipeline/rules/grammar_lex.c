/*
 * grammar_lex.c — the first stage of grammar compilation: reading source
 * files, reporting diagnostics, and splitting a grammar file into tokens.
 *
 * Diagnostics have one shape everywhere in the engine:
 *
 *     path:line:col: error: message
 *     <the source line>
 *     <spaces>^
 *
 * Columns count characters (UTF-8 code points), 1-based; the caret line
 * copies tabs from the source line so the caret lands under the character.
 * After BESLUT_MAX_DIAGNOSTICS errors one "too many errors" line is printed
 * and everything after is only counted.
 *
 * The lexer knows names (letters including non-ASCII, digits, '_'; right
 * after `~` also inner hyphens, so `~jäv` and `~EU-stöd` need no quotes),
 * strings ("…" with \" \\ \n \t escapes), integers
 * (an optional leading '-'), regexes (/…/ with flags; `\/` is a slash),
 * `=>`, and single punctuation characters.  `#` starts a comment.  Errors
 * (unterminated string, stray character) are reported and lexing goes on,
 * so the parser still sees a plausible token stream.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "grammar_int.h"
#include "common/limits.h"

int src_add_file(compile_t *c, const char *path)
{
	/* only a regular file, opened without blocking (a FIFO or a device
	 * named as a grammar or lexicon must not hang or feed us forever) */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errno = S_ISDIR(st.st_mode) ? EISDIR : ENODEV; /* not a regular file */
		return -1;
	}
	if ((unsigned long long)st.st_size > BESLUT_GRAMMAR_MAX_FILE) {
		close(fd);
		errno = EFBIG;
		return -1;
	}
	FILE *f = fdopen(fd, "rb");
	if (!f) {
		close(fd);
		return -1;
	}
	buf_t b = BUF_INIT;
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
		buf_add(&b, tmp, n);
		if (b.len > BESLUT_GRAMMAR_MAX_FILE)
			break; /* grew while we read */
	}
	int bad = ferror(f);
	fclose(f);
	if (bad || b.len > BESLUT_GRAMMAR_MAX_FILE) {
		buf_release(&b);
		errno = bad ? EIO : EFBIG;
		return -1;
	}
	GROW(c->src, c->src_cap, c->nsrc + 1);
	gsrc_t *s = &c->src[c->nsrc];
	s->path = xstrdup(path);
	s->len = b.len;
	s->text = b.data ? buf_detach(&b, NULL) : xstrdup("");
	return (int)c->nsrc++;
}

void diag_at(compile_t *c, loc_t at, int is_error, const char *fmt, ...)
{
	diag_t *d = &c->diag;
	if (d->gave_up)
		return; /* counted: only what was printed */
	if (is_error && d->nerr >= BESLUT_MAX_DIAGNOSTICS) {
		d->gave_up = 1;
		if (!d->out)
			return;
		fprintf(d->out, "%s: error: too many errors, giving up\n",
		        at.file < c->nsrc ? c->src[at.file].path : "grammar");
		return;
	}
	if (!is_error && d->nwarn >= 5 * BESLUT_MAX_DIAGNOSTICS) {
		/* shown (and counted) no more: each costs a scan for its line */
		if (!d->warn_capped && d->out)
			fprintf(d->out, "%s: warning: too many warnings, the rest not shown\n",
			        at.file < c->nsrc ? c->src[at.file].path : "grammar");
		d->warn_capped = 1;
		return;
	}
	if (is_error)
		d->nerr++;
	else
		d->nwarn++;
	if (!d->out)
		return;
	va_list ap;
	va_start(ap, fmt);
	if (at.file >= c->nsrc) {
		fprintf(d->out, "%s: ", is_error ? "error" : "warning");
		vfprintf(d->out, fmt, ap);
		fputc('\n', d->out);
		va_end(ap);
		return;
	}
	const gsrc_t *s = &c->src[at.file];
	size_t off = at.off > s->len ? s->len : at.off;
	size_t ls = off;
	while (ls > 0 && s->text[ls - 1] != '\n')
		ls--;
	size_t le = off;
	while (le < s->len && s->text[le] != '\n')
		le++;
	unsigned line = 1;
	for (size_t i = 0; i < ls; i++)
		line += s->text[i] == '\n';
	unsigned col = 1;
	for (size_t i = ls; i < off; i++)
		col += ((unsigned char)s->text[i] & 0xC0) != 0x80;
	fprintf(d->out, "%s:%u:%u: %s: ", s->path, line, col, is_error ? "error" : "warning");
	vfprintf(d->out, fmt, ap);
	va_end(ap);
	fputc('\n', d->out);
	/* a window of the line around the column: a line may be megabytes */
	if (off - ls > 80)
		for (ls = off - 60; ls < off && ((unsigned char)s->text[ls] & 0xC0) == 0x80; ls++)
			;
	if (le - ls > 160)
		for (le = ls + 160; le > off && ((unsigned char)s->text[le] & 0xC0) == 0x80; le--)
			;
	fwrite(s->text + ls, 1, le - ls, d->out);
	fputc('\n', d->out);
	for (size_t i = ls; i < off; i++) {
		unsigned char ch = (unsigned char)s->text[i];
		if (ch == '\t')
			fputc('\t', d->out);
		else if ((ch & 0xC0) != 0x80)
			fputc(' ', d->out);
	}
	fputs("^\n", d->out);
}

/* Names are ASCII identifiers, plus any non-ASCII (UTF-8) letters so that
 * Swedish field and trigger names (avstår, omröstning) need no quoting. */
static int is_name_start(int ch) { return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_' || ch >= 0x80; }
static int is_name_char(int ch) { return is_name_start(ch) || (ch >= '0' && ch <= '9'); }
static int is_digit(int ch) { return ch >= '0' && ch <= '9'; }

gtok_t *glex(compile_t *c, uint32_t file, size_t *ntok)
{
	const char *t = c->src[file].text;
	size_t len = c->src[file].len, i = 0;
	gtok_t *v = NULL;
	size_t n = 0, cap = 0;
	buf_t sb = BUF_INIT;
	for (;;) {
		while (i < len) {
			if (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')
				i++;
			else if (t[i] == '#')
				while (i < len && t[i] != '\n')
					i++;
			else
				break;
		}
		GROW(v, cap, n + 1);
		gtok_t *k = &v[n];
		memset(k, 0, sizeof *k);
		k->off = (uint32_t)i;
		if (i >= len) {
			k->type = GT_EOF;
			n++;
			break;
		}
		unsigned char ch = (unsigned char)t[i];
		int after_tilde = n > 0 && v[n - 1].type == GT_PUNCT && v[n - 1].ch == '~' && v[n - 1].off + 1 == i;
		if (after_tilde && (is_name_char(ch) || ch >= 0x80)) {
			/* ~word: a word of the text, any letters (~jäv, ~förslag) */
			size_t s = i;
			while (i < len && (is_name_char((unsigned char)t[i]) || (unsigned char)t[i] >= 0x80 ||
			                   (t[i] == '-' && i + 1 < len && is_name_char((unsigned char)t[i + 1]))))
				i++;
			k->type = GT_NAME;
			k->str = arena_strndup(c->ast, t + s, i - s);
		} else if (is_name_start(ch)) {
			size_t s = i;
			while (i < len && is_name_char((unsigned char)t[i]))
				i++;
			k->type = GT_NAME;
			k->str = arena_strndup(c->ast, t + s, i - s);
		} else if (is_digit(ch) || (ch == '-' && i + 1 < len && is_digit((unsigned char)t[i + 1]))) {
			int neg = ch == '-';
			if (neg)
				i++;
			long long x = 0;
			int over = 0;
			while (i < len && is_digit((unsigned char)t[i])) {
				if (x > 99999999999999999LL)
					over = 1;
				else
					x = x * 10 + (t[i] - '0');
				i++;
			}
			if (over)
				diag_at(c, (loc_t){file, k->off}, 1, "number too large");
			k->type = GT_NUMBER;
			k->num = neg ? -x : x;
		} else if (ch == '"') {
			buf_reset(&sb);
			i++;
			int closed = 0;
			while (i < len && t[i] != '\n') {
				if (t[i] == '"') {
					closed = 1;
					i++;
					break;
				}
				if (t[i] == '\\' && i + 1 < len && t[i + 1] != '\n') {
					char e = t[i + 1];
					buf_addc(&sb, e == 'n' ? '\n' : e == 't' ? '\t' : e);
					i += 2;
					continue;
				}
				buf_addc(&sb, t[i++]);
			}
			k->type = GT_STRING;
			k->str = arena_strndup(c->ast, sb.data ? sb.data : "", sb.len);
			if (!closed) {
				diag_at(c, (loc_t){file, k->off}, 1, "unterminated string");
				k->bad = 1;
				n++;
				/* end the statement here so recovery resumes on the next line */
				GROW(v, cap, n + 1);
				v[n] = (gtok_t){.type = GT_PUNCT, .ch = ';', .off = (uint32_t)i};
			}
		} else if (ch == '/') {
			buf_reset(&sb);
			i++;
			int closed = 0;
			while (i < len && t[i] != '\n') {
				if (t[i] == '/') {
					closed = 1;
					i++;
					break;
				}
				if (t[i] == '\\' && i + 1 < len && t[i + 1] == '/') {
					buf_addc(&sb, '/');
					i += 2;
					continue;
				}
				if (t[i] == '\\' && i + 1 < len && t[i + 1] != '\n') {
					buf_add(&sb, t + i, 2);
					i += 2;
					continue;
				}
				buf_addc(&sb, t[i++]);
			}
			if (!closed) {
				diag_at(c, (loc_t){file, k->off}, 1, "unterminated regex");
				k->bad = 1;
			}
			k->num = 0;
			while (closed && i < len && is_name_char((unsigned char)t[i])) {
				if (t[i] == 'i')
					k->num |= 1;
				else
					diag_at(c, (loc_t){file, (uint32_t)i}, 1,
					        "unknown regex flag '%c' (only 'i' is known)", t[i]);
				i++;
			}
			k->type = GT_REGEX;
			k->str = arena_strndup(c->ast, sb.data ? sb.data : "", sb.len);
			if (!closed) {
				n++;
				GROW(v, cap, n + 1);
				v[n] = (gtok_t){.type = GT_PUNCT, .ch = ';', .off = (uint32_t)i};
			}
		} else if (ch == '=' && i + 1 < len && t[i + 1] == '>') {
			k->type = GT_ARROW;
			i += 2;
		} else if (strchr(";=:(){}<>|&!?*+,.~@^$-", ch)) {
			k->type = GT_PUNCT;
			k->ch = (char)ch;
			i++;
		} else {
			int cl = 1;
			int32_t cp = utf8_decode((const unsigned char *)t + i, len - i, &cl);
			if (cp < 0)
				diag_at(c, (loc_t){file, (uint32_t)i}, 1, "invalid UTF-8 byte");
			else
				diag_at(c, (loc_t){file, (uint32_t)i}, 1, "unexpected character '%.*s'", cl, t + i);
			i += (size_t)cl;
			continue;
		}
		n++;
	}
	buf_release(&sb);
	*ntok = n;
	return v;
}
