/* Keys for a program being debugged: the front end's scripted keys (--keys, --type), and the key and type
 * commands, which press keys from the cycle the program is at. */
#include "debugger_internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The Hack keyboard's codes for keys that are not characters (the course's book, figure 5.6). */
static const struct {
    const char *name;
    uint16_t code;
} key_names[] = {
    {"newline", 128}, {"enter", 128}, {"backspace", 129}, {"left", 130}, {"up", 131}, {"right", 132},
    {"down", 133}, {"home", 134}, {"end", 135}, {"pageup", 136}, {"pagedown", 137}, {"insert", 138},
    {"delete", 139}, {"esc", 140}, {"escape", 140}, {"f1", 141}, {"f2", 142}, {"f3", 143}, {"f4", 144},
    {"f5", 145}, {"f6", 146}, {"f7", 147}, {"f8", 148}, {"f9", 149}, {"f10", 150}, {"f11", 151}, {"f12", 152},
    {"none", 0}, {"release", 0},
};

static int compare_events(const void *a, const void *b)
{
    const hack_key_event *x = a, *y = b;
    return (x->cycle > y->cycle) - (x->cycle < y->cycle);
}

/* The session's schedule: the events not yet due (the earlier ones have been pressed) and the new ones. */
static bool schedule(hack_debugger *d, const hack_key_event *added, size_t count)
{
    const uint64_t now = hack_machine_cycles(d->machine);
    hack_key_event *merged = malloc((d->pending_key_count + count + 1) * sizeof *merged);
    if (!merged) return false;
    size_t n = 0;
    for (size_t i = 0; i < d->pending_key_count; i++)
        if (d->pending_keys[i].cycle >= now) merged[n++] = d->pending_keys[i];
    memcpy(merged + n, added, count * sizeof *added);
    n += count;
    /* the new events after those due at the same cycle: qsort is not stable, so by cycle, then by position */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && compare_events(&merged[j - 1], &merged[j]) > 0; j--) {
            hack_key_event t = merged[j];
            merged[j] = merged[j - 1];
            merged[j - 1] = t;
        }
    if (!hack_session_set_keys(d->session, merged, n)) {
        free(merged);
        return false;
    }
    free(d->pending_keys);
    d->pending_keys = merged;
    d->pending_key_count = n;
    return true;
}

bool hack_debugger_set_keys(hack_debugger *d, const hack_key_event *events, size_t count, uint64_t hold_cycles)
{
    hack_key_event *copy = malloc((count + 1) * sizeof *copy);
    if (!copy) return false;
    if (count) memcpy(copy, events, count * sizeof *copy);
    free(d->keys);
    d->keys = copy;
    d->key_count = count;
    d->key_hold_cycles = hold_cycles ? hold_cycles : DEBUG_KEY_HOLD;
    return debug_keys_restart(d);
}

bool debug_keys_restart(hack_debugger *d)
{
    free(d->pending_keys);
    d->pending_keys = NULL;
    d->pending_key_count = 0;
    if (!d->keys) return true;
    return schedule(d, d->keys, d->key_count);
}

void debug_keys_free(hack_debugger *d)
{
    free(d->keys);
    free(d->pending_keys);
}

/* A key as the commands take it: a code (0..65535), a character in quotes or alone, or a name (newline...). */
static bool key_code(const char *text, uint16_t *code)
{
    size_t n = strlen(text);
    if (n == 1 && !isdigit((unsigned char)text[0])) {
        *code = (uint16_t)(unsigned char)text[0];
        return true;
    }
    if (n == 3 && (text[0] == '\'' || text[0] == '"') && text[2] == text[0]) {
        *code = (uint16_t)(unsigned char)text[1];
        return true;
    }
    if (isdigit((unsigned char)text[0])) {
        char *end;
        unsigned long value = strtoul(text, &end, 10);
        if (*end || value > 65535) return false;
        *code = (uint16_t)value;
        return true;
    }
    for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++) {
        size_t k = 0;
        while (text[k] && tolower((unsigned char)text[k]) == key_names[i].name[k]) k++;
        if (!text[k] && !key_names[i].name[k]) {
            *code = key_names[i].code;
            return true;
        }
    }
    return false;
}

void debug_key_command(hack_debugger *d, const char *rest)
{
    uint16_t code;
    if (!*rest || !key_code(rest, &code)) {
        debug_say(d, "key: expected a key code (0..65535), a character ('a'), or a name: newline, backspace, left, "
                     "up, right, down, home, end, pageup, pagedown, insert, delete, esc, f1..f12; `key 0` "
                     "releases it\n");
        return;
    }
    hack_key_event press = {hack_machine_cycles(d->machine), code};
    if (!schedule(d, &press, 1)) {
        debug_say(d, "key: out of memory\n");
        return;
    }
    if (code == 0)
        debug_say(d, "No key held from now on.\n");
    else if (code >= 32 && code < 127)
        debug_say(d, "Key %u ('%c') held down from now on: `key 0` releases it.\n", (unsigned)code, (char)code);
    else
        debug_say(d, "Key %u held down from now on: `key 0` releases it.\n", (unsigned)code);
}

void debug_type_command(hack_debugger *d, const char *text)
{
    if (!*text) {
        debug_say(d, "type: expected the text to type ('\\n' Enter, '\\b' backspace, '\\e' Esc)\n");
        return;
    }
    size_t n = strlen(text);
    hack_key_event *events = malloc(2 * n * sizeof *events);
    if (!events) {
        debug_say(d, "type: out of memory\n");
        return;
    }
    uint64_t at = hack_machine_cycles(d->machine);
    size_t count = 0;
    for (const char *p = text; *p; p++) {
        uint16_t key = (uint16_t)(unsigned char)*p;
        if (*p == '\\' && (p[1] == 'n' || p[1] == 'b' || p[1] == 'e')) {
            key = p[1] == 'n' ? 128 : p[1] == 'b' ? 129 : 140;
            p++;
        }
        events[count++] = (hack_key_event){at, key};
        events[count++] = (hack_key_event){at + d->key_hold_cycles, 0};
        at += 2 * d->key_hold_cycles;
    }
    if (schedule(d, events, count))
        debug_say(d, "Typing %zu key%s from now on, each held %" PRIu64 " cycles and released as long.\n", count / 2,
                  count == 2 ? "" : "s", d->key_hold_cycles);
    else
        debug_say(d, "type: out of memory\n");
    free(events);
}
