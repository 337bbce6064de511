/* The debugger's commands: gdb-like text, one a line, read and answered here or in the module that owns
 * what they look at (debug_stack.c, debug_points.c, debug_keys.c); names are evaluated in debug_eval.c. */
#include "debugger_internal.h"

#include "hack/path.h"
#include "hack/backtrace.h"
#include "hack/heap.h"
#include "hack/screenshot.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_command(hack_debugger *d, const char *text)
{
    bool words = text[0] == '*';
    if (words) text++;
    while (*text == ' ') text++;
    debug_value v;
    char error[300], shown[400];
    if (!*text) {
        debug_say(d, "print: name a variable, a field (this.x, p.x), a static (Main.count), an element (a[3]), "
                     "RAM[ADDRESS] or a register\n");
        return;
    }
    if (!debug_evaluate(d, text, &v, error, sizeof error)) {
        debug_say(d, "print: %s\n", error);
        return;
    }
    if (!words) {
        debug_format_value(d, v.type, v.value, shown, sizeof shown);
        debug_say(d, "%s = %s\n", text, shown);
        return;
    }
    const hack_jack_class_variables *c = v.type ? debug_class(d, v.type, strlen(v.type)) : NULL;
    if (debug_is_primitive(v.type) || !c || strcmp(v.type, "Array") == 0) {
        debug_say(d, "print: *%s: %s; `x/N %s` shows N words from its address\n", text,
                  debug_is_primitive(v.type) ? "not an object" : "an object whose fields are not known", text);
        return;
    }
    if (!v.value) {
        debug_say(d, "*%s = (%s) null\n", text, v.type);
        return;
    }
    char line[2000];
    size_t used = (size_t)snprintf(line, sizeof line, "*%s = (%s) %u {", text, v.type, (unsigned)v.value);
    bool first = true;
    for (size_t i = 0; i < c->count && used < sizeof line; i++) {
        const hack_jack_variable *field = &c->variables[i];
        if (field->kind != HACK_JACK_FIELD || (uint32_t)v.value + field->index >= HACK_RAM_SIZE) continue;
        debug_format_value(d, field->type, d->machine->ram[v.value + field->index], shown, sizeof shown);
        used += (size_t)snprintf(line + used, sizeof line - used, "%s%s = %s", first ? "" : ", ", field->name, shown);
        first = false;
    }
    debug_say(d, "%s}\n", line);
}

/* x/N ADDRESS: N words of RAM from ADDRESS (a number, RAM symbol, or a variable holding an address). */
static void examine_command(hack_debugger *d, const char *rest)
{
    unsigned long count = 8;
    if (*rest == '/') {
        char *end;
        count = strtoul(rest + 1, &end, 10);
        if (end == rest + 1 || count == 0 || count > 4096) {
            debug_say(d, "x: expected x/N ADDRESS, N from 1 to 4096\n");
            return;
        }
        rest = end;
    }
    while (*rest == ' ') rest++;
    debug_value v;
    char error[300];
    if (!*rest) {
        debug_say(d, "x: expected x/N ADDRESS\n");
        return;
    }
    if (!debug_evaluate(d, rest, &v, error, sizeof error)) {
        debug_say(d, "x: %s\n", error);
        return;
    }
    /* a number is the address; a variable (a pointer, an Array) holds it */
    uint16_t address = v.value;
    bool numeric = isdigit((unsigned char)rest[0]);
    if (numeric) address = v.value;
    for (unsigned long i = 0; i < count && address + i < HACK_RAM_SIZE; i += 8) {
        char line[200];
        size_t used = (size_t)snprintf(line, sizeof line, "%5lu:", address + i);
        for (unsigned long k = i; k < count && k < i + 8 && address + k < HACK_RAM_SIZE; k++)
            used += (size_t)snprintf(line + used, sizeof line - used, " %6d", debug_signed(d->machine->ram[address + k]));
        debug_say(d, "%s\n", line);
    }
}

static void registers_command(hack_debugger *d)
{
    const hack_machine *m = d->machine;
    debug_say(d, "A=%d D=%d PC=%u SP=%u LCL=%u ARG=%u THIS=%u THAT=%u cycles=%" PRIu64 "\n", debug_signed(m->a),
              debug_signed(m->d), (unsigned)m->pc, (unsigned)m->ram[0], (unsigned)m->ram[1], (unsigned)m->ram[2],
              (unsigned)m->ram[3], (unsigned)m->ram[4], m->cycles);
}

static void heap_command(hack_debugger *d)
{
    hack_heap *heap = hack_session_heap(d->session);
    char *report = heap ? hack_heap_report(heap) : NULL;
    if (report)
        debug_say(d, "%s", report);
    else
        debug_say(d, "No native heap in this run (the program's own Memory, or --os=jack): x/N 2048 shows its words.\n");
    free(report);
}

static void screen_command(hack_debugger *d, const char *path)
{
    const uint16_t *screen = d->machine->ram + HACK_SCREEN;
    if (!*path) {
        unsigned long black = 0;
        for (size_t i = 0; i < HACK_SCREEN_WORDS; i++)
            for (uint16_t w = screen[i]; w; w &= (uint16_t)(w - 1)) black++;
        debug_say(d, "screen: %lu black pixels, hash %016llx (`screen FILE.png` writes it)\n", black,
                  (unsigned long long)hack_screen_hash(screen));
        return;
    }
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    if (hack_screenshot_write_png(screen, 1, path, &diags))
        debug_say(d, "wrote %s\n", path);
    else
        debug_say(d, "screen: %s\n", hack_diag_first_error(&diags) ? hack_diag_first_error(&diags) : "cannot write");
    hack_diag_list_free(&diags);
}

static const char help_text[] =
    "Running:   run [N] (from the start, or N more instructions), continue (c), step (s), next (n),\n"
    "           finish, stepi (si: an instruction), vmstep (a VM command), reset; an empty line repeats\n"
    "Stopping:  break SPEC (b), tbreak SPEC, watch EXPR [== VALUE], delete [N], info breakpoints\n"
    "           SPEC: File.jack:LINE, Class.function, File.vm:LINE, *ROMADDRESS, LABEL\n"
    "Looking:   print EXPR (p), print *EXPR (an object's fields), x/N EXPR (RAM words), backtrace (bt),\n"
    "           frame N, up, down, info locals|args|registers|line|heap, list, disassemble, screen [FILE.png]\n"
    "           EXPR: a variable, this, this.x, p.x, Main.count, a[i], RAM[N], A, D, PC, SP, R13...\n"
    "Keyboard:  key K (hold key K down: a code, 'c' or a name such as newline; key 0 releases it),\n"
    "           type TEXT (each key pressed and released; \\n Enter)\n"
    "quit (q)\n";

static bool is(const char *word, size_t length, const char *name, const char *alias)
{
    return (strlen(name) == length && strncmp(word, name, length) == 0) ||
           (alias && strlen(alias) == length && strncmp(word, alias, length) == 0);
}

bool hack_debugger_command(hack_debugger *d, const char *line)
{
    char text[512];
    while (*line == ' ' || *line == '\t') line++;
    snprintf(text, sizeof text, "%s", line);
    size_t n = strlen(text);
    while (n && (text[n - 1] == ' ' || text[n - 1] == '\t' || text[n - 1] == '\r' || text[n - 1] == '\n')) text[--n] = '\0';
    if (!n) {
        if (!d->repeat[0]) return true;
        snprintf(text, sizeof text, "%s", d->repeat);
    }
    if (text[0] == '#') return true; /* a comment, for scripted sessions */
    size_t word_length = strcspn(text, " /");
    const char *rest = text + word_length;
    while (*rest == ' ') rest++;
    const char *word = text;
    d->repeat[0] = '\0';
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    if (is(word, word_length, "quit", "q")) {
        hack_diag_list_free(&diags);
        return false;
    } else if (is(word, word_length, "break", "b") || is(word, word_length, "tbreak", NULL)) {
        if (!*rest) {
            debug_say(d, "break: expected File.jack:LINE, Class.function, File.vm:LINE, *ROMADDRESS or a label\n");
        } else {
            int number = hack_debugger_add_breakpoint(d, rest, "break", &diags);
            if (number && word[0] == 't') d->points[d->point_count - 1].temporary = true;
            debug_report_added(d, number, false, &diags);
        }
    } else if (is(word, word_length, "watch", NULL)) {
        debug_report_added(d, *rest ? hack_debugger_add_watchpoint(d, rest, "watch", &diags) : 0, true, &diags);
    } else if (is(word, word_length, "delete", "d")) {
        if (!*rest) {
            while (d->point_count) debug_point_remove(d, d->points[0].number);
            debug_update_watch_map(d);
            debug_say(d, "Deleted every breakpoint and watchpoint.\n");
        } else if (debug_point_remove(d, atoi(rest))) {
            debug_say(d, "Deleted %d.\n", atoi(rest));
        } else {
            debug_say(d, "delete: no breakpoint or watchpoint %s\n", rest);
        }
    } else if (is(word, word_length, "run", "r")) {
        if (*rest) {
            char *end;
            unsigned long long count = strtoull(rest, &end, 10);
            if (*end || count == 0)
                debug_say(d, "run: expected a number of instructions\n");
            else
                debug_go(d, count);
        } else {
            if (d->finished || d->machine->cycles) debug_reset(d);
            debug_go(d, UINT64_MAX);
        }
    } else if (is(word, word_length, "continue", "c")) {
        debug_go(d, UINT64_MAX);
        snprintf(d->repeat, sizeof d->repeat, "continue");
    } else if (is(word, word_length, "step", "s") || is(word, word_length, "next", "n") ||
               is(word, word_length, "stepi", "si") || is(word, word_length, "vmstep", "vs")) {
        char how = word[0] == 'v' ? 'v' : word_length > 1 && word[word_length - 1] == 'i' ? 'i' : word[0];
        debug_step(d, how);
        snprintf(d->repeat, sizeof d->repeat, "%.*s", (int)word_length, word);
    } else if (is(word, word_length, "finish", "fin")) {
        debug_finish(d);
    } else if (is(word, word_length, "reset", NULL)) {
        debug_reset(d);
        debug_say(d, "Back at the start (PC 0).\n");
    } else if (is(word, word_length, "print", "p")) {
        print_command(d, rest);
    } else if (is(word, word_length, "x", NULL)) {
        examine_command(d, text + 1);
    } else if (is(word, word_length, "backtrace", "bt") || is(word, word_length, "where", NULL)) {
        debug_backtrace_command(d, rest);
    } else if (is(word, word_length, "frame", "f")) {
        debug_frame_command(d, rest);
    } else if (is(word, word_length, "up", NULL) || is(word, word_length, "down", NULL)) {
        debug_up_down_command(d, word[0] == 'u', rest);
    } else if (is(word, word_length, "list", "l")) {
        debug_list_command(d, rest);
        snprintf(d->repeat, sizeof d->repeat, "list");
    } else if (is(word, word_length, "disassemble", "disas")) {
        debug_disassemble_command(d);
    } else if (is(word, word_length, "screen", NULL)) {
        screen_command(d, rest);
    } else if (is(word, word_length, "info", "i")) {
        size_t what = strcspn(rest, " ");
        if (is(rest, what, "breakpoints", "b") || is(rest, what, "watchpoints", NULL))
            debug_breakpoints_command(d);
        else if (is(rest, what, "registers", "r"))
            registers_command(d);
        else if (is(rest, what, "locals", NULL))
            debug_variables_command(d, HACK_JACK_LOCAL);
        else if (is(rest, what, "args", NULL))
            debug_variables_command(d, HACK_JACK_ARGUMENT);
        else if (is(rest, what, "line", NULL))
            debug_line_command(d);
        else if (is(rest, what, "heap", NULL))
            heap_command(d);
        else if (is(rest, what, "frame", NULL))
            debug_frame_command(d, "");
        else
            debug_say(d, "info: breakpoints, registers, locals, args, frame, line or heap\n");
    } else if (is(word, word_length, "key", NULL)) {
        debug_key_command(d, rest);
    } else if (is(word, word_length, "type", NULL)) {
        debug_type_command(d, rest);
    } else if (is(word, word_length, "help", "h")) {
        debug_say(d, "%s", help_text);
    } else {
        debug_say(d, "Unknown command '%.*s': `help` lists them.\n", (int)word_length, word);
    }
    hack_diag_list_free(&diags);
    return true;
}
