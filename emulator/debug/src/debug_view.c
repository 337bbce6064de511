/* The engine for front ends that draw: places in the program's text (source lines, or ROM words for machine
 * code), their text with breakpoints marked, and a breakpoint toggled on a line. */
#include "debugger_internal.h"

#include "hack/path.h"
#include "hack/backtrace.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

hack_debugger_place hack_debugger_here(hack_debugger *d)
{
    /* a PC in the translator's shared routines stands for the command that jumped there (debug_frames) */
    const uint16_t pc = debug_selected(d).pc;
    const hack_source_location *l = debug_location(d, pc);
    if (l && l->jack_line && l->jack_file < d->program->source_file_count) return (hack_debugger_place){l->jack_file, l->jack_line};
    if (l && l->line && l->file < d->program->source_file_count) return (hack_debugger_place){l->file, l->line};
    return (hack_debugger_place){-1, pc};
}

const char *hack_debugger_place_file(const hack_debugger *d, hack_debugger_place place)
{
    if (place.file < 0 || (size_t)place.file >= d->program->source_file_count) return "ROM";
    return hack_path_base_name(d->program->source_files[place.file]);
}

uint32_t hack_debugger_place_lines(hack_debugger *d, hack_debugger_place place)
{
    if (place.file < 0 || (size_t)place.file >= d->program->source_file_count) return (uint32_t)d->program->count;
    size_t length;
    if (!debug_source_line(d, (size_t)place.file, 1, &length)) return 0; /* reads the file */
    return (uint32_t)d->sources[place.file].line_count;
}

/* Whether ROM word w is on the place's line. */
static bool word_on(const hack_debugger *d, uint16_t w, hack_debugger_place place)
{
    if (place.file < 0) return w == place.line;
    const hack_source_location *l = debug_location(d, w);
    if (!l) return false;
    return (l->jack_line == place.line && l->jack_file == place.file) ||
           (!l->jack_line && l->line == place.line && l->file == place.file);
}

/* The breakpoint (not a watchpoint) with a word on the place's line, from index *from on; -1 when none. */
static int breakpoint_on(const hack_debugger *d, hack_debugger_place place, size_t from)
{
    for (size_t i = from; i < d->point_count; i++)
        for (size_t k = 0; !d->points[i].watch && k < d->points[i].address_count; k++)
            if (word_on(d, d->points[i].addresses[k], place)) return (int)i;
    return -1;
}

bool hack_debugger_place_text(hack_debugger *d, hack_debugger_place place, char *text, size_t size, bool *breakpoint)
{
    *breakpoint = false;
    if (size) text[0] = '\0';
    if (place.line == 0 && place.file >= 0) return false; /* ROM words count from 0 */
    if (place.file < 0 || (size_t)place.file >= d->program->source_file_count) {
        if (place.line >= d->program->count) return false;
        char code[40];
        hack_disassemble(hack_machine_rom(d->machine, place.line), code, sizeof code);
        const hack_symbol *label = NULL;
        for (size_t i = 0; i < d->program->symbols.count; i++) {
            const hack_symbol *s = &d->program->symbols.entries[i];
            if ((s->kind == HACK_SYMBOL_FUNCTION || s->kind == HACK_SYMBOL_LABEL) && s->value == place.line) label = s;
        }
        if (label)
            snprintf(text, size, "%-16s (%s)", code, label->name);
        else
            snprintf(text, size, "%s", code);
        *breakpoint = hack_machine_breakpoint_at(d->machine, (uint16_t)place.line);
        return true;
    }
    size_t length;
    const char *line = debug_source_line(d, (size_t)place.file, place.line, &length);
    if (!line) return false;
    /* tabs as spaces, to the next multiple of 4 */
    size_t used = 0;
    for (size_t i = 0; i < length && used + 1 < size; i++) {
        if (line[i] == '\t') {
            do text[used++] = ' ';
            while (used % 4 && used + 1 < size);
        } else {
            text[used++] = line[i];
        }
    }
    if (size) text[used < size ? used : size - 1] = '\0';
    *breakpoint = breakpoint_on(d, place, 0) >= 0;
    return true;
}

bool hack_debugger_toggle_breakpoint(hack_debugger *d, hack_debugger_place place)
{
    int i = breakpoint_on(d, place, 0);
    if (i >= 0) {
        for (; i >= 0; i = breakpoint_on(d, place, 0)) {
            int number = d->points[i].number;
            debug_point_remove(d, number);
            debug_say(d, "Deleted %d.\n", number);
        }
        return false;
    }
    char command[200];
    if (place.file < 0)
        snprintf(command, sizeof command, "break *%" PRIu32, place.line);
    else
        snprintf(command, sizeof command, "break %s:%" PRIu32, hack_debugger_place_file(d, place), place.line);
    hack_debugger_command(d, command);
    return breakpoint_on(d, place, 0) >= 0;
}

void hack_debugger_program_ended(hack_debugger *d, hack_session_stop stop)
{
    d->finished = true;
    d->last_state = stop.state;
    d->selected_frame = 0;
}

int hack_debugger_selected_frame(const hack_debugger *d)
{
    return d->selected_frame;
}

/* The frame's class, as its function's name says ("Main" of "Main.fact"), into name; false when unknown. */
static bool frame_class(const debug_frame *f, char *name, size_t size)
{
    if (!f->function) return false;
    const char *dot = strchr(f->function->name, '.');
    if (!dot || (size_t)(dot - f->function->name) >= size) return false;
    memcpy(name, f->function->name, (size_t)(dot - f->function->name));
    name[dot - f->function->name] = '\0';
    return true;
}

int hack_debugger_own_frame(hack_debugger *d)
{
    debug_frame_walk walk;
    debug_walk_start(d, &walk);
    debug_frame frame;
    for (int i = 0; debug_walk_next(d, &walk, &frame); i++) {
        char name[128];
        if (frame_class(&frame, name, sizeof name) && !hack_program_has_project_os(d->program, name)) return i;
    }
    return 0;
}

bool hack_debugger_frame_is_function(hack_debugger *d, int frame)
{
    debug_frame f;
    if (frame < 0 || !debug_frame_number(d, (size_t)frame, &f, NULL)) return false;
    const hack_jack_class_variables *c;
    const hack_jack_subroutine_variables *sub = debug_subroutine(d, f.function, &c);
    return sub && sub->kind == HACK_JACK_FUNCTION;
}
