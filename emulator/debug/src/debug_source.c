/* The debugger's views of the program's text: list (Jack or VM source), disassemble (ROM), info line. */
#include "debugger_internal.h"

#include "hack/backtrace.h"
#include "hack/path.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The source place of a ROM word: its Jack line, else its VM line, or its assembly line. False for machine
 * code without one. */
static bool source_place(const hack_debugger *d, uint16_t pc, size_t *file, uint32_t *line)
{
    if (debug_asm_line(d, pc)) { /* an assembly program's line */
        *file = d->asm_file;
        *line = debug_asm_line(d, pc);
        return true;
    }
    const hack_source_location *l = debug_location(d, pc);
    if (!l || (!l->jack_line && !l->line)) return false;
    *file = l->jack_line ? l->jack_file : l->file;
    *line = l->jack_line ? l->jack_line : l->line;
    return true;
}

/* Lines first..last of file (as many as there are); asked: the line the user named, for the message when
 * there are none. */
static void list_lines(hack_debugger *d, size_t file, uint32_t first, uint32_t last, uint32_t asked)
{
    const debug_frame frame = debug_selected(d);
    size_t here_file = 0;
    uint32_t here_line = 0;
    if (!source_place(d, frame.pc, &here_file, &here_line) || here_file != file) here_line = 0;
    if (first < 1) first = 1;
    uint32_t n = first;
    for (; n <= last; n++) {
        size_t length;
        const char *text = debug_source_line(d, file, n, &length);
        if (!text) break;
        debug_say(d, "%s%" PRIu32 "\t%.*s\n", n == here_line ? ">" : " ", n, (int)length, text);
    }
    if (n == first) {
        debug_say(d, "Line %" PRIu32 " is past the end of %s (%zu lines).\n", asked, debug_source_name(d, file),
                  d->sources[file].line_count);
        return;
    }
    d->list_file = file;
    d->list_first = first;
    d->list_last = n - 1;
    d->list_valid = true;
}

/* A place list takes: FILE:LINE, a function (its declaration), or a line of the file listed last. */
static bool list_place(hack_debugger *d, const char *text, size_t *file, uint32_t *line)
{
    char *end;
    unsigned long number = strtoul(text, &end, 10);
    if (end != text && !*end && number > 0 && number < UINT32_MAX) {
        *line = (uint32_t)number;
        if (d->list_valid) {
            *file = d->list_file;
            return true;
        }
        uint32_t ignored;
        if (source_place(d, debug_selected(d).pc, file, &ignored)) return true;
        debug_say(d, "list: no source file here to list lines of\n");
        return false;
    }
    const char *colon = strrchr(text, ':');
    if (colon) {
        number = strtoul(colon + 1, &end, 10);
        size_t name_length = (size_t)(colon - text);
        for (size_t f = 0; f < debug_source_count(d) && end != colon + 1 && !*end; f++) {
            const char *base = debug_source_name(d, f);
            if (strlen(base) == name_length && strncmp(base, text, name_length) == 0) {
                *file = f;
                *line = (uint32_t)number;
                return true;
            }
        }
        debug_say(d, "list: no source file %.*s in the program (or no line number after it)\n", (int)name_length, text);
        return false;
    }
    const hack_symbol *s = hack_symtab_find(&d->program->symbols, text, strlen(text));
    if (s && (s->kind == HACK_SYMBOL_FUNCTION || s->kind == HACK_SYMBOL_LABEL) && s->value < d->program->count &&
        source_place(d, s->value, file, line))
        return true;
    debug_say(d, "list: expected LINE, FILE:LINE, FUNCTION, LABEL, FIRST,LAST or -\n");
    return false;
}

void debug_list_command(hack_debugger *d, const char *args)
{
    size_t file;
    uint32_t line;
    if (!*args) { /* around the selected frame's line; again: the lines after */
        if (d->list_valid) {
            list_lines(d, d->list_file, d->list_last + 1, d->list_last + 11, d->list_last + 1);
            return;
        }
        if (!source_place(d, debug_selected(d).pc, &file, &line)) {
            debug_say(d, "No source here.\n");
            return;
        }
        list_lines(d, file, line > 5 ? line - 5 : 1, (line > 5 ? line - 5 : 1) + 10, line);
        return;
    }
    if (strcmp(args, "-") == 0) { /* the lines before those listed last */
        if (!d->list_valid || d->list_first <= 1) {
            debug_say(d, d->list_valid ? "Already at the start of %s.\n" : "list -: nothing listed yet%s\n",
                      d->list_valid ? debug_source_name(d, d->list_file) : "");
            return;
        }
        uint32_t last = d->list_first - 1, first = last > 10 ? last - 10 : 1;
        list_lines(d, d->list_file, first, last, first);
        return;
    }
    const char *comma = strchr(args, ',');
    if (comma) { /* FIRST,LAST */
        char first_text[200];
        snprintf(first_text, sizeof first_text, "%.*s", (int)(comma - args), args);
        char *end;
        unsigned long last = strtoul(comma + 1, &end, 10);
        if (end == comma + 1 || *end || !list_place(d, first_text, &file, &line)) {
            if (end == comma + 1 || *end) debug_say(d, "list: expected FIRST,LAST\n");
            return;
        }
        if (last < line) {
            debug_say(d, "list: the last line is before the first\n");
            return;
        }
        list_lines(d, file, line, (uint32_t)last, line);
        return;
    }
    if (!list_place(d, args, &file, &line)) return;
    list_lines(d, file, line > 5 ? line - 5 : 1, (line > 5 ? line - 5 : 1) + 10, line);
}

void debug_disassemble_command(hack_debugger *d)
{
    const debug_frame frame = debug_selected(d), *f = &frame;
    uint32_t first = f->pc > 6 ? f->pc - 6u : 0, last = f->pc + 6u;
    for (uint32_t pc = first; pc <= last && pc < HACK_ROM_SIZE && pc < d->program->count; pc++) {
        char text[40], name[200] = "";
        hack_disassemble(hack_machine_rom(d->machine, pc), text, sizeof text);
        const hack_symbol *best = NULL;
        for (size_t i = 0; i < d->program->symbols.count; i++) {
            const hack_symbol *s = &d->program->symbols.entries[i];
            /* functions, and labels but the translator's own ($ret, $$CALL) */
            if ((s->kind == HACK_SYMBOL_FUNCTION || (s->kind == HACK_SYMBOL_LABEL && !strchr(s->name, '$'))) && s->value <= pc &&
                (!best || s->value > best->value))
                best = s;
        }
        if (best && best->value == pc)
            snprintf(name, sizeof name, " <%s>", best->name);
        else if (best)
            snprintf(name, sizeof name, " <%s+%u>", best->name, (unsigned)(pc - best->value));
        char written[120] = "";
        size_t length;
        const char *source = debug_asm_line(d, (uint16_t)pc)
                                 ? debug_source_line(d, d->asm_file, debug_asm_line(d, (uint16_t)pc), &length) : NULL;
        while (source && length && (*source == ' ' || *source == '\t')) {
            source++;
            length--;
        }
        if (source && (length != strlen(text) || strncmp(source, text, length) != 0)) /* as written: @R2, @LOOP */
            snprintf(written, sizeof written, "%*s(%.*s)", (int)(12 - (strlen(text) < 12 ? strlen(text) : 12)), "",
                     (int)length, source);
        debug_say(d, "%s%5u%s  %s%s\n", pc == f->pc ? "=> " : "   ", (unsigned)pc, name, text, written);
    }
}

/* info line: the selected frame's instruction, and its VM and Jack lines. */
void debug_line_command(hack_debugger *d)
{
    const debug_frame frame = debug_selected(d);
    const uint16_t pc = d->selected_frame == 0 ? hack_machine_pc(d->machine) : frame.pc;
    const hack_source_location *l = debug_location(d, frame.pc);
    char text[40];
    hack_disassemble(hack_machine_rom(d->machine, pc), text, sizeof text);
    if (debug_in_shared_code(d, pc)) {
        const hack_symbol *label = debug_label_before(d, pc);
        char where[200] = "its caller cannot be told (R13 overwritten)";
        if (frame.pc != pc) hack_backtrace_describe(d->program, frame.pc, where, sizeof where);
        debug_say(d, "PC %u: %s, in the translator's shared code (%s), for the command at %s\n", (unsigned)pc, text,
                  label ? label->name : "?", where);
        if (frame.pc == pc) return;
    } else {
        const hack_symbol *f = frame.function;
        debug_say(d, "%s %u: %s%s%s\n", d->selected_frame ? "Call at ROM" : "PC", (unsigned)pc, text, f ? ", in " : "",
                  f ? f->name : "");
    }
    size_t asm_length;
    const char *written = debug_asm_line(d, pc) ? debug_source_line(d, d->asm_file, debug_asm_line(d, pc), &asm_length) : NULL;
    while (written && asm_length && (*written == ' ' || *written == '\t')) {
        written++;
        asm_length--;
    }
    if (written)
        debug_say(d, "Asm:  %s:%" PRIu32 "  %.*s\n", debug_source_name(d, d->asm_file), debug_asm_line(d, pc),
                  (int)asm_length, written);
    if (l && l->line && l->file < d->program->source_file_count) {
        size_t length;
        const char *vm = debug_source_line(d, l->file, l->line, &length);
        debug_say(d, "VM:   %s:%" PRIu32 "%s%.*s\n", hack_path_base_name(d->program->source_files[l->file]), l->line,
                  vm ? "  " : "", vm ? (int)length : 0, vm ? vm : "");
    }
    if (l && l->jack_line && l->jack_file < d->program->source_file_count) {
        size_t length;
        const char *jack = debug_source_line(d, l->jack_file, l->jack_line, &length);
        while (jack && length && (*jack == ' ' || *jack == '\t')) {
            jack++;
            length--;
        }
        debug_say(d, "Jack: %s:%" PRIu32 "%s%.*s\n", hack_path_base_name(d->program->source_files[l->jack_file]),
                  l->jack_line, jack ? "  " : "", jack ? (int)length : 0, jack ? jack : "");
    }
}
