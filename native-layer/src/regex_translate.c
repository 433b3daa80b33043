#include "regex_translate.h"

#include <regex.h>
#include <stdio.h>
#include <string.h>

struct emitter {
    char *out;
    size_t size;
    size_t len;
    bool overflow;
};

static void emit(struct emitter *e, const char *text) {
    size_t n = strlen(text);
    if (e->len + n + 1 > e->size) {
        e->overflow = true;
        return;
    }
    memcpy(e->out + e->len, text, n + 1);
    e->len += n;
}

static void emit_char(struct emitter *e, char c) {
    char text[2] = {c, '\0'};
    emit(e, text);
}

/* Shorthand classes outside brackets (whole bracket expression) and inside (bracket contents). */
struct shorthand {
    char letter;
    const char *outside;
    const char *inside; /* NULL: a negated class cannot be merged into another bracket expression */
};

static const struct shorthand shorthands[] = {
    {'d', "[0-9]", "0-9"},
    {'D', "[^0-9]", NULL},
    {'w', "[A-Za-z0-9_]", "A-Za-z0-9_"},
    {'W', "[^A-Za-z0-9_]", NULL},
    {'s', "[[:space:]]", "[:space:]"},
    {'S', "[^[:space:]]", NULL},
};

static const struct shorthand *find_shorthand(char letter) {
    for (size_t i = 0; i < sizeof shorthands / sizeof shorthands[0]; i++) {
        if (shorthands[i].letter == letter) return &shorthands[i];
    }
    return NULL;
}

static bool fail(char *error, size_t error_size, const char *source, size_t at, const char *what) {
    snprintf(error, error_size, "regex \"%s\": %s at offset %zu is not supported (POSIX ERE subset, see FS_RULES.md)",
             source, what, at);
    return false;
}

/* Translates one bracket expression starting at source[*pos] == '['. JS escapes inside brackets are literal
 * characters in POSIX, so escaped characters are emitted bare, with ']' moved first and '-' last as ERE needs. */
static bool translate_bracket(const char *source, size_t *pos, struct emitter *e, char *error, size_t error_size) {
    size_t i = *pos + 1;
    bool negated = source[i] == '^';
    if (negated) i++;
    char body[DPL_REGEX_MAX];
    struct emitter b = {body, sizeof body, 0, false};
    body[0] = '\0';
    bool has_bracket = false, has_dash = false, has_caret = false;
    bool first = true;
    for (; source[i] != '\0'; i++) {
        char c = source[i];
        if (c == ']' && !first) break;
        first = false;
        if (c == '[' && source[i + 1] == ':') { /* POSIX class such as [:alpha:] passes through */
            const char *end = strstr(source + i + 2, ":]");
            if (end == NULL) return fail(error, error_size, source, i, "an unterminated [: class");
            size_t n = (size_t)(end + 2 - (source + i));
            char cls[64];
            if (n >= sizeof cls) return fail(error, error_size, source, i, "an overlong [: class");
            memcpy(cls, source + i, n);
            cls[n] = '\0';
            emit(&b, cls);
            i += n - 1;
            continue;
        }
        if (c == '\\') {
            char next = source[++i];
            if (next == '\0') return fail(error, error_size, source, i, "a trailing backslash");
            const struct shorthand *sh = find_shorthand(next);
            if (sh != NULL) {
                if (sh->inside == NULL) return fail(error, error_size, source, i - 1, "a negated class inside [...]");
                emit(&b, sh->inside);
                continue;
            }
            if (next == 'n') c = '\n';
            else if (next == 't') c = '\t';
            else c = next;
        }
        if (c == ']') has_bracket = true;
        else if (c == '-' && (source[i + 1] == ']' || b.len == 0 || source[i - 1] == '\\')) has_dash = true;
        else if (c == '^' && b.len == 0) has_caret = true;
        else if (c == '\\') emit(&b, "\\"); /* a literal backslash is itself inside POSIX brackets */
        else emit_char(&b, c);
    }
    if (source[i] != ']') return fail(error, error_size, source, *pos, "an unterminated [");
    if (b.overflow) return fail(error, error_size, source, *pos, "an overlong [...]");
    emit(e, negated ? "[^" : "[");
    if (has_bracket) emit(e, "]");
    emit(e, body);
    if (has_caret) emit(e, "^");
    if (has_dash) emit(e, "-");
    emit(e, "]");
    *pos = i;
    return true;
}

bool dpl_regex_translate(const char *source, char *out, size_t out_size, int *cflags, char *error, size_t error_size) {
    struct emitter e = {out, out_size, 0, false};
    out[0] = '\0';
    size_t i = 0;
    if (strncmp(source, "(?i)", 4) == 0) {
        *cflags |= REG_ICASE;
        i = 4;
    }
    bool after_quantifier = false; /* the previous token was * + ? or {n,m}: a following ? makes it lazy */
    for (; source[i] != '\0'; i++) {
        char c = source[i];
        bool was_after_quantifier = after_quantifier;
        after_quantifier = false;
        if (c == '\\') {
            char next = source[i + 1];
            if (next == '\0') return fail(error, error_size, source, i, "a trailing backslash");
            const struct shorthand *sh = find_shorthand(next);
            if (sh != NULL) emit(&e, sh->outside);
            else if (next == 'b' || next == 'B' || (next >= '1' && next <= '9'))
                return fail(error, error_size, source, i, "a word boundary or back-reference");
            else if (next == '/' || next == '-' || next == '"' || next == '\'') emit_char(&e, next);
            else if (next == 'n') emit(&e, "\n");
            else if (next == 't') emit(&e, "\t");
            else {
                emit_char(&e, '\\');
                emit_char(&e, next);
            }
            i++;
            continue;
        }
        if (c == '[') {
            if (!translate_bracket(source, &i, &e, error, error_size)) return false;
            continue;
        }
        if (c == '(' && source[i + 1] == '?') {
            const char *rest = source + i + 2;
            if (rest[0] == ':') i += 2;
            else if (rest[0] == '=' || rest[0] == '!' || strncmp(rest, "<=", 2) == 0 || strncmp(rest, "<!", 2) == 0)
                return fail(error, error_size, source, i, "lookaround (?= (?! (?<= (?<!");
            else if (rest[0] == '<' || (rest[0] == 'P' && rest[1] == '<')) { /* named group: keep the group only */
                const char *close = strchr(rest, '>');
                if (close == NULL) return fail(error, error_size, source, i, "an unterminated group name");
                i = (size_t)(close - source);
            } else return fail(error, error_size, source, i, "an inline flag or other (? group");
            emit_char(&e, '(');
            continue;
        }
        /* A lazy quantifier (*? +? ?? {n}?) matches the same set of strings as the greedy one, and with REG_NOSUB
         * only the set matters, so the ? is dropped. */
        if (c == '?' && was_after_quantifier) continue;
        after_quantifier = c == '*' || c == '+' || c == '?' || c == '}';
        emit_char(&e, c);
    }
    if (e.overflow) return fail(error, error_size, source, 0, "a pattern longer than 4 KiB");
    return true;
}
