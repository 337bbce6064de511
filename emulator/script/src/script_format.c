#include "hack/script.h"

#include <stdio.h>
#include <string.h>

static size_t fill(char *buf, size_t size, size_t at, char c, int count)
{
    for (int i = 0; i < count && at + 1 < size; i++) buf[at++] = c;
    return at;
}

/* Writes text into a cell of width n: right-aligned (or left for S), keeping its last n characters. */
static size_t put_cell(hack_script_format format, const char *text, char pad, char *buf, size_t size)
{
    size_t at = fill(buf, size, 0, ' ', format.left);
    size_t length = strlen(text);
    size_t width = format.width > 0 ? (size_t)format.width : 0;
    if (length > width) {
        text += length - width;
        length = width;
    }
    if (format.kind != 'S') at = fill(buf, size, at, pad, (int)(width - length));
    for (size_t i = 0; i < length && at + 1 < size; i++) buf[at++] = text[i];
    if (format.kind == 'S') at = fill(buf, size, at, ' ', (int)(width - length));
    at = fill(buf, size, at, ' ', format.right);
    if (size) buf[at] = '\0';
    return at;
}

size_t hack_script_format_value(hack_script_format format, uint16_t value, char *buf, size_t size)
{
    char text[24];
    char pad = ' ';
    switch (format.kind) {
    case 'B':
        for (int bit = 0; bit < 16; bit++) text[bit] = (char)('0' + ((value >> (15 - bit)) & 1u));
        text[16] = '\0';
        pad = '0';
        break;
    case 'X':
        snprintf(text, sizeof text, "%04x", (unsigned)value);
        pad = '0';
        break;
    default: /* D and S: signed decimal */
        snprintf(text, sizeof text, "%d", value >= 0x8000u ? (int)value - 0x10000 : (int)value);
        break;
    }
    return put_cell(format, text, pad, buf, size);
}

size_t hack_script_format_text(hack_script_format format, const char *text, char *buf, size_t size)
{
    return put_cell(format, text, ' ', buf, size);
}

size_t hack_script_format_header(hack_script_format format, const char *name, char *buf, size_t size)
{
    int space = format.left + format.width + format.right;
    int length = (int)strlen(name);
    if (length > space) length = space;
    int before = (space - length) / 2;
    size_t at = fill(buf, size, 0, ' ', before);
    for (int i = 0; i < length && at + 1 < size; i++) buf[at++] = name[i];
    at = fill(buf, size, at, ' ', space - before - length);
    if (size) buf[at] = '\0';
    return at;
}

static size_t content_length(const char *line)
{
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n')) n--;
    return n;
}

bool hack_script_lines_match(const char *expected, const char *actual)
{
    size_t n = content_length(expected);
    if (n != content_length(actual)) return false;
    for (size_t i = 0; i < n; i++)
        if (expected[i] != '*' && expected[i] != actual[i]) return false;
    return true;
}

size_t hack_script_explain(const hack_script_result *result, const char *name, uint64_t cycle_limit, char *buf,
                           size_t size)
{
    if (!size) return 0;
    int n = 0;
    const unsigned long long cycles = (unsigned long long)result->cycles;
    switch (result->status) {
    case HACK_SCRIPT_PASSED:
        if (result->lines_compared)
            n = snprintf(buf, size, "End of script - Comparison ended successfully (%d lines, %llu cycles)\n",
                         result->lines_compared, cycles);
        else
            n = snprintf(buf, size, "End of script (%llu cycles)\n", cycles);
        break;
    case HACK_SCRIPT_COMPARISON_FAILURE:
        n = snprintf(buf, size, "%s:%d: Comparison failure at line %d\n  expected: %s\n  actual:   %s\n", name,
                     result->script_line, result->compare_line, result->expected, result->actual);
        if (result->lines_cut) { /* long lines, shown in part: say where they part */
            const size_t at = n < 0 ? size : (size_t)n;
            if (at < size)
                n += snprintf(buf + at, size - at, "  (long lines: they differ first at column %d)\n",
                              result->compare_column);
        }
        break;
    case HACK_SCRIPT_CYCLE_LIMIT:
        n = snprintf(buf, size, "%s:%d: stopped at the cycle limit (%llu cycles%s)\n", name, result->script_line, cycles,
                     cycle_limit ? "" : ", the default: --cycles N to change it");
        break;
    case HACK_SCRIPT_LOOP_LIMIT: /* its bound is the cycle limit's: the option that lifts one lifts both */
        n = snprintf(buf, size, "%s:%d: stopped this loop after %llu rounds that ran no instruction: a loop that never ends? "
                     "(%s)\n", name,
                     result->script_line, (unsigned long long)result->limit,
                     cycle_limit ? "the bound --cycles N sets: a larger N lifts it"
                                 : "the default bound: --cycles N to change it");
        break;
    case HACK_SCRIPT_COMMAND_LIMIT:
        n = snprintf(buf, size, "%s:%d: stopped after %llu script commands (the run's command limit)\n", name,
                     result->script_line, (unsigned long long)result->limit);
        break;
    case HACK_SCRIPT_MACHINE_FAULT:
    case HACK_SCRIPT_PROGRAM_STOPPED: { /* the program's stop, told as every stop is */
        char where[1100];
        snprintf(where, sizeof where, "%.1024s:%d", name, result->script_line);
        return hack_stop_format(&result->stop, HACK_STOP_TEXT_SCRIPT, where, buf, size);
    }
    case HACK_SCRIPT_ERROR: buf[0] = '\0'; break;
    }
    return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}
