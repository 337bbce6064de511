/* Command lines read from one table of options (hack/cli_options.h). */
#define _POSIX_C_SOURCE 200809L
#include "hack/cli_options.h"
#include "hack/version.h"

#include "hack/strbuf.h"
#include "hack/suggest.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FIRST_LONG_ONLY = 256 }; /* getopt_long's value for row i without a short name: FIRST_LONG_ONLY + i */

bool hack_cli_whole_number(const char *text, uint64_t min, uint64_t max, uint64_t *value)
{
    if (!text || !isdigit((unsigned char)text[0])) return false; /* (strtoull takes "-5" and " 5") */
    char *end = NULL;
    errno = 0;
    const unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end || v < min || v > max) return false;
    *value = v;
    return true;
}

static bool seconds_number(const char *text, double min, double max, double *value)
{
    if (!text || !(isdigit((unsigned char)text[0]) || text[0] == '.')) return false; /* (no sign, nan, inf) */
    char *end = NULL;
    errno = 0;
    const double v = strtod(text, &end);
    if (errno || *end || !(v >= min && v <= max)) return false;
    *value = v;
    return true;
}

static bool is_option(hack_cli_kind kind)
{
    return kind != HACK_CLI_END && kind != HACK_CLI_TEXT && kind != HACK_CLI_SEE && kind != HACK_CLI_OPERANDS;
}

static bool has_bare_choice(const hack_cli_option *o)
{
    for (const hack_cli_choice *c = o->choices; c && (c->name || c->bare); c++)
        if (c->bare) return true;
    return false;
}

static int argument_kind(const hack_cli_option *o)
{
    switch (o->kind) {
    case HACK_CLI_FLAG:
    case HACK_CLI_SET:
    case HACK_CLI_HELP:
    case HACK_CLI_VERSION: return no_argument;
    case HACK_CLI_CHOICE: return has_bare_choice(o) ? optional_argument : required_argument;
    default: return required_argument;
    }
}

static size_t row_count(const hack_cli_spec *spec)
{
    size_t n = 0;
    while (spec->options[n].kind != HACK_CLI_END) n++;
    return n;
}

/* How messages name an option: its long name, else its letter. */
static const char *option_name(const hack_cli_option *o, char *buffer, size_t size)
{
    if (o->name)
        snprintf(buffer, size, "--%s", o->name);
    else
        snprintf(buffer, size, "-%c", o->short_name);
    return buffer;
}

/* The message of an error, into the caller's buffer. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void say(char *error, size_t size, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    if (size) vsnprintf(error, size, format, args);
    va_end(args);
}

/* " (did you mean '--headless'?)" for a misspelt long name (length characters of word), or "". */
static void suggest_name(const hack_cli_spec *spec, const char *word, size_t length, char *text, size_t size)
{
    hack_suggestion suggestion;
    hack_suggest_init(&suggestion, word, length);
    const char *best = NULL;
    size_t best_length = 0;
    for (const hack_cli_option *o = spec->options; o->kind != HACK_CLI_END; o++) {
        if (!o->name || !(is_option(o->kind) || o->kind == HACK_CLI_SEE)) continue;
        if (strlen(o->name) == length && strncmp(o->name, word, length) == 0) best = o->name; /* -help: --help */
        hack_suggest_consider(&suggestion, o->name, strlen(o->name));
    }
    if (best)
        best_length = length;
    else
        best = hack_suggest_best(&suggestion, &best_length);
    if (best)
        snprintf(text, size, " (did you mean '--%.*s'?)", (int)best_length, best);
    else
        text[0] = '\0';
}

/* "--s" as a start of several long names: they are listed ("--set, --symbols or --screenshot"). */
static bool ambiguous(const hack_cli_spec *spec, const char *word, size_t length, char *error, size_t size)
{
    hack_strbuf names = {0};
    size_t matches = 0;
    const char *last = NULL;
    for (const hack_cli_option *o = spec->options; o->kind != HACK_CLI_END; o++) {
        if (!is_option(o->kind) || !o->name || strncmp(o->name, word, length) != 0) continue;
        if (last) hack_strbuf_appendf(&names, "%s--%s", matches > 1 ? ", " : "", last);
        last = o->name;
        matches++;
    }
    if (matches > 1)
        say(error, size, "ambiguous option '--%.*s': it could be %s or --%s", (int)(length > 100 ? 100 : length),
            word, hack_strbuf_text(&names), last);
    hack_strbuf_free(&names);
    return matches > 1;
}

/* An option getopt_long did not know: misspelt, a start of several, or a long name after one dash. */
static void unknown_option(const hack_cli_spec *spec, const char *element, char *error, size_t size)
{
    char hint[200];
    if (element[0] == '-' && element[1] == '-') {
        const char *word = element + 2;
        const size_t length = strcspn(word, "=");
        if (ambiguous(spec, word, length, error, size)) return;
        suggest_name(spec, word, length, hint, sizeof hint);
    } else if (element[0] == '-' && strlen(element) > 2) {
        suggest_name(spec, element + 1, strcspn(element + 1, "="), hint, sizeof hint); /* -headless */
    } else {
        hint[0] = '\0';
    }
    say(error, size, "unknown option '%.200s'%s", element, hint);
}

/* Letters run together after one dash ("-qh") are options only when each is one: "-headless" is not -h. */
static bool letters_known(const hack_cli_spec *spec, const char *element, char *error, size_t size)
{
    for (const char *p = element + 1; *p; p++) {
        const hack_cli_option *o = spec->options;
        while (o->kind != HACK_CLI_END && !(is_option(o->kind) && o->short_name == *p)) o++;
        if (o->kind == HACK_CLI_END) {
            unknown_option(spec, element, error, size);
            return false;
        }
        if (argument_kind(o) != no_argument) return true; /* the rest is its value: -j4 */
    }
    return true;
}

/* An argument of letters after one dash is looked at whole when its first letter is read (at: its index). */
static bool letters_checked(const hack_cli_spec *spec, const char *element, int at, int *checked, char *error,
                            size_t size)
{
    if (element[0] != '-' || element[1] == '-' || at == *checked) return true;
    *checked = at;
    return letters_known(spec, element, error, size);
}

static void list_choices(const hack_cli_option *o, hack_strbuf *text)
{
    size_t count = 0, i = 0;
    for (const hack_cli_choice *c = o->choices; c->name || c->bare; c++) count += c->name != NULL;
    for (const hack_cli_choice *c = o->choices; c->name || c->bare; c++) {
        if (!c->name) continue;
        hack_strbuf_appendf(text, "%s%s", i == 0 ? "" : i + 1 == count ? " or " : ", ", c->name);
        i++;
    }
}

static bool store_choice(const hack_cli_option *o, const char *name, const char *value, char *error, size_t size)
{
    hack_suggestion suggestion;
    hack_suggest_init(&suggestion, value ? value : "", value ? strlen(value) : 0);
    for (const hack_cli_choice *c = o->choices; c->name || c->bare; c++) {
        if (value ? c->name && strcmp(c->name, value) == 0 : c->bare) {
            *o->integer = c->value;
            return true;
        }
        if (c->name) hack_suggest_consider(&suggestion, c->name, strlen(c->name));
    }
    hack_strbuf names = {0};
    list_choices(o, &names);
    const char *best = hack_suggest_best(&suggestion, NULL);
    say(error, size, "%s takes %s, not '%.200s'%s%s%s", name, hack_strbuf_text(&names), value ? value : "",
        best ? " (did you mean '" : "", best ? best : "", best ? "'?)" : "");
    hack_strbuf_free(&names);
    return false;
}

static bool store_number(const hack_cli_option *o, const char *name, const char *value, char *error, size_t size)
{
    uint64_t number;
    if (o->kind == HACK_CLI_SECONDS) {
        if (seconds_number(value, (double)o->min, (double)o->max, o->seconds)) return true;
        say(error, size, "%s takes a number of seconds from %g to %g, not '%.200s'", name, (double)o->min,
            (double)o->max, value);
        return false;
    }
    if (hack_cli_whole_number(value, o->min, o->max, &number)) {
        if (o->kind == HACK_CLI_INT)
            *o->integer = (int)number;
        else
            *o->u64 = number;
        return true;
    }
    if (o->max == UINT64_MAX)
        say(error, size, "%s takes a whole number from %llu up (below 2^64), not '%.200s'", name,
            (unsigned long long)o->min, value);
    else
        say(error, size, "%s takes a whole number from %llu to %llu, not '%.200s'", name, (unsigned long long)o->min,
            (unsigned long long)o->max, value);
    return false;
}

/* Puts an option's value (NULL: none given) where its row says. */
static bool store(const hack_cli_option *o, const char *value, char *error, size_t size)
{
    char name[80];
    option_name(o, name, sizeof name);
    char why[400];
    switch (o->kind) {
    case HACK_CLI_FLAG: *o->flag = true; break;
    case HACK_CLI_SET: *o->integer = o->value; break;
    case HACK_CLI_STRING:
        why[0] = '\0';
        if (o->check && !o->check(value, why, sizeof why)) {
            say(error, size, "%s: %s", name, why);
            return false;
        }
        *o->string = value;
        break;
    case HACK_CLI_LIST:
        if (*o->count >= o->capacity) {
            say(error, size, "at most %d uses of %s", o->capacity, name);
            return false;
        }
        o->items[(*o->count)++] = value;
        break;
    case HACK_CLI_U64:
    case HACK_CLI_INT:
    case HACK_CLI_SECONDS:
        if (!store_number(o, name, value, error, size)) return false;
        break;
    case HACK_CLI_CHOICE:
        if (!store_choice(o, name, value, error, size)) return false;
        break;
    default: break;
    }
    if (o->seen) *o->seen = true;
    return true;
}

static bool store_operand(const hack_cli_spec *spec, const char *value, char *error, size_t size)
{
    const hack_cli_option *o = spec->options;
    while (o->kind != HACK_CLI_END && o->kind != HACK_CLI_OPERANDS) o++;
    if (o->kind == HACK_CLI_END) {
        say(error, size, "unexpected argument '%.200s'", value);
        return false;
    }
    if (*o->count >= o->capacity) {
        if (o->capacity == 1)
            say(error, size, "one %s at a time ('%.200s' and '%.200s')", o->arg, o->items[0], value);
        else
            say(error, size, "at most %d of %s", o->capacity, o->arg);
        return false;
    }
    o->items[(*o->count)++] = value;
    return true;
}

/* getopt_long's description of the table: its long options and its string of letters. */
static bool describe(const hack_cli_spec *spec, struct option **longs, char **letters)
{
    const size_t n = row_count(spec);
    *longs = calloc(n + 1, sizeof **longs);
    *letters = malloc(3 * n + 3);
    if (!*longs || !*letters) return false;
    /* "-": operands are returned in order, as value 1 (never moved to the end); ":": a missing value is ':' */
    char *l = *letters;
    *l++ = '-';
    *l++ = ':';
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        const hack_cli_option *o = &spec->options[i];
        if (!is_option(o->kind)) continue;
        const int has_arg = argument_kind(o);
        const int value = o->short_name ? (unsigned char)o->short_name : FIRST_LONG_ONLY + (int)i;
        if (o->name) (*longs)[count++] = (struct option){o->name, has_arg, NULL, value};
        if (o->short_name) {
            *l++ = o->short_name;
            if (has_arg != no_argument) *l++ = ':';
            if (has_arg == optional_argument) *l++ = ':';
        }
    }
    *l = '\0';
    return true;
}

static const hack_cli_option *row_of(const hack_cli_spec *spec, int value)
{
    if (value >= FIRST_LONG_ONLY) return &spec->options[value - FIRST_LONG_ONLY];
    for (const hack_cli_option *o = spec->options; o->kind != HACK_CLI_END; o++)
        if (is_option(o->kind) && o->short_name && (unsigned char)o->short_name == value) return o;
    return NULL;
}

/* What getopt_long's '?' or ':' meant, for the argument it was reading. */
static void explain(const hack_cli_spec *spec, int c, const char *element, char *error, size_t size)
{
    const hack_cli_option *o = optopt ? row_of(spec, optopt) : NULL;
    char name[80];
    if (c == ':' && o) {
        const char *arg = o->arg ? o->arg + (o->arg[0] == '=') : NULL;
        say(error, size, "%s needs a value%s%s%s", option_name(o, name, sizeof name), arg ? " (" : "",
            arg ? arg : "", arg ? ")" : "");
    } else if (o && element[0] == '-' && element[1] == '-') {
        say(error, size, "%s takes no value ('%.200s')", option_name(o, name, sizeof name), element);
    } else {
        unknown_option(spec, element, error, size);
    }
}

hack_cli_action hack_cli_parse(const hack_cli_spec *spec, int argc, char **argv, char *error, size_t size)
{
    struct option *longs = NULL;
    char *letters = NULL;
    hack_cli_action action = HACK_CLI_RUN;
    if (size) error[0] = '\0';
    if (!describe(spec, &longs, &letters)) {
        say(error, size, "out of memory");
        action = HACK_CLI_ERROR;
    }
    optind = 0; /* (0: glibc starts afresh, reading the "-:" again) */
    opterr = 0; /* (getopt_long says nothing: the message is made here) */
    int checked = -1; /* the last argument of letters after one dash looked at whole */
    while (action == HACK_CLI_RUN) {
        const int at = optind ? optind : 1; /* the argument being read (in order: nothing is moved) */
        const int c = getopt_long(argc, argv, letters, longs, NULL);
        if (c == -1) break;
        const char *element = at < argc ? argv[at] : "";
        if (c == 1) {
            if (!store_operand(spec, optarg, error, size)) action = HACK_CLI_ERROR;
            continue;
        }
        const hack_cli_option *o = c == '?' || c == ':' ? NULL : row_of(spec, c);
        if (!o) {
            explain(spec, c, element, error, size);
            action = HACK_CLI_ERROR;
        } else if (!letters_checked(spec, element, at, &checked, error, size)) {
            action = HACK_CLI_ERROR;
        } else if (o->kind == HACK_CLI_HELP) {
            action = HACK_CLI_SHOW_HELP;
        } else if (o->kind == HACK_CLI_VERSION) {
            action = HACK_CLI_SHOW_VERSION;
        } else if (!store(o, optarg, error, size)) {
            action = HACK_CLI_ERROR;
        }
    }
    for (int i = optind; action == HACK_CLI_RUN && i < argc; i++) /* after "--" */
        if (!store_operand(spec, argv[i], error, size)) action = HACK_CLI_ERROR;
    free(longs);
    free(letters);
    return action;
}

/* "  --name ARG" padded to the help column (two blanks when it reaches it), then the help, its lines indented. */
static void append_row(hack_strbuf *text, int column, const char *left, const char *help)
{
    const size_t start = text->length;
    hack_strbuf_appendf(text, "  %s", left);
    const size_t width = text->length - start;
    const size_t pad = width + 1 <= (size_t)column ? (size_t)column - width : 2;
    hack_strbuf_appendf(text, "%*s", (int)pad, "");
    for (const char *p = help; *p; p++) {
        hack_strbuf_append_char(text, *p);
        if (*p == '\n') hack_strbuf_appendf(text, "%*s", column, "");
    }
    hack_strbuf_append_char(text, '\n');
}

/* A choice's values each with their help are a row each (--os=native, --os=jack), the option's help unused. */
static bool row_per_choice(const hack_cli_option *o)
{
    return o->kind == HACK_CLI_CHOICE && o->choices && o->choices[0].help;
}

static void append_option(hack_strbuf *text, int column, const hack_cli_option *o)
{
    char left[200];
    const char *arg = o->arg ? o->arg : "";
    const char *gap = o->arg && o->arg[0] != '=' ? " " : "";
    if (o->short_name && o->name)
        snprintf(left, sizeof left, "-%c, --%.80s%s%.80s", o->short_name, o->name, gap, arg);
    else if (o->short_name)
        snprintf(left, sizeof left, "-%c%s%.80s", o->short_name, gap, arg);
    else
        snprintf(left, sizeof left, "--%.80s%s%.80s", o->name, gap, arg);
    if (!row_per_choice(o)) {
        append_row(text, column, left, o->help);
        return;
    }
    for (const hack_cli_choice *c = o->choices; c->name || c->bare; c++) {
        snprintf(left, sizeof left, "--%.80s%s%.80s", o->name, c->name ? "=" : "", c->name ? c->name : "");
        append_row(text, column, left, c->help ? c->help : "");
    }
}

char *hack_cli_usage(const hack_cli_spec *spec)
{
    hack_strbuf text = {0};
    hack_strbuf_appendf(&text, "%s", spec->usage ? spec->usage : "");
    for (const hack_cli_option *o = spec->options; o->kind != HACK_CLI_END; o++) {
        if (o->kind == HACK_CLI_TEXT)
            hack_strbuf_appendf(&text, "%s\n", o->help ? o->help : "");
        else if (o->kind != HACK_CLI_OPERANDS && (o->help || row_per_choice(o)))
            append_option(&text, spec->column, o);
    }
    if (text.failed) {
        hack_strbuf_free(&text);
        return NULL;
    }
    return hack_strbuf_take(&text, NULL);
}

bool hack_cli_write_usage(const hack_cli_spec *spec, FILE *out)
{
    char *text = hack_cli_usage(spec);
    const bool made = text != NULL;
    fputs(made ? text : "out of memory\n", out);
    free(text);
    return made;
}

int hack_cli_parse_tool(const hack_cli_spec *spec, int argc, char **argv, const char *tool,
                        const char *const *operand)
{
    char error[600];
    const hack_cli_action action = hack_cli_parse(spec, argc, argv, error, sizeof error);
    if (action == HACK_CLI_SHOW_HELP) return hack_cli_write_usage(spec, stdout) ? 0 : 1;
    if (action == HACK_CLI_SHOW_VERSION) {
        printf("%s %s (hack-computer)\n", tool, HACK_VERSION); /* (HACK_VERSION_LINE's words) */
        return 0;
    }
    if (action == HACK_CLI_ERROR || !*operand) { /* (no operand: the usage says what is needed) */
        if (action == HACK_CLI_ERROR) fprintf(stderr, "%s: %s\n", tool, error);
        hack_cli_write_usage(spec, stderr);
        return HACK_EXIT_USAGE;
    }
    return -1;
}
