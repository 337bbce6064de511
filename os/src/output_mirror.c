#include "hack/output_mirror.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

struct hack_output_mirror {
    void (*line)(void *context, const char *text);
    void *context;
    char text[1024];
    size_t length;
    int depth; /* printChar calls inside printChar (the Jack backSpace prints a blank): ignored */
};

static void flush(hack_output_mirror *mirror)
{
    mirror->text[mirror->length] = '\0';
    mirror->line(mirror->context, mirror->text);
    mirror->length = 0;
}

void hack_output_mirror_put(hack_output_mirror *mirror, int c)
{
    if (!mirror) return;
    if (c == 128)
        flush(mirror);
    else if (c == 129) {
        if (mirror->length) mirror->length--;
    } else if (mirror->length + 1 < sizeof mirror->text && c < 130) { /* arrows, Esc, F-keys print nothing */
        mirror->text[mirror->length++] = c >= 32 && c < 127 ? (char)c : '?';
    }
}

hack_output_mirror *hack_output_mirror_create(void (*line)(void *context, const char *text), void *context)
{
    hack_output_mirror *mirror = calloc(1, sizeof *mirror);
    if (!mirror) return NULL;
    mirror->line = line;
    mirror->context = context;
    return mirror;
}

static hack_hook_action on_print_char(void *context, hack_machine *machine, const hack_hook_event *event,
                                      uint16_t *value)
{
    (void)value;
    hack_output_mirror *mirror = context;
    if (event->kind == HACK_HOOK_RESULT) {
        mirror->depth--;
        return HACK_HOOK_PROCEED;
    }
    if (mirror->depth++ > 0) return HACK_HOOK_PROCEED;
    hack_output_mirror_put(mirror, hack_machine_ram(machine, event->arg));
    return HACK_HOOK_PROCEED;
}

static hack_hook_action on_println(void *context, hack_machine *machine, const hack_hook_event *event, uint16_t *value)
{
    (void)machine;
    (void)value;
    hack_output_mirror *mirror = context;
    if (event->kind == HACK_HOOK_CALL && mirror->depth == 0) flush(mirror);
    return HACK_HOOK_PROCEED;
}

static hack_hook_action on_backspace(void *context, hack_machine *machine, const hack_hook_event *event,
                                     uint16_t *value)
{
    (void)machine;
    (void)value;
    hack_output_mirror *mirror = context;
    if (event->kind == HACK_HOOK_CALL) {
        if (mirror->depth == 0 && mirror->length) mirror->length--;
        mirror->depth++;
    } else {
        mirror->depth--;
    }
    return HACK_HOOK_PROCEED;
}

static int32_t entry(const hack_program *program, const char *name)
{
    const hack_symbol *s = hack_symtab_find(&program->symbols, name, strlen(name));
    return s ? (int32_t)s->value : -1;
}

hack_output_mirror *hack_output_mirror_bind(hack_machine *machine, const hack_program *program,
                                            void (*line)(void *context, const char *text), void *context)
{
    assert(machine && program);
    int32_t print_char = entry(program, "Output.printChar");
    if (print_char < 0) return NULL;
    hack_output_mirror *mirror = hack_output_mirror_create(line, context);
    if (!mirror) return NULL;
    const int32_t println = entry(program, "Output.println"), backspace = entry(program, "Output.backSpace");
    /* all or none (the caller clears the hooks bound so far when one could not be) */
    if (!hack_machine_bind_hook(machine, (uint16_t)print_char, HACK_HOOK_OBSERVE, on_print_char, mirror) ||
        (println >= 0 && !hack_machine_bind_hook(machine, (uint16_t)println, HACK_HOOK_OBSERVE, on_println, mirror)) ||
        (backspace >= 0 &&
         !hack_machine_bind_hook(machine, (uint16_t)backspace, HACK_HOOK_OBSERVE, on_backspace, mirror))) {
        hack_output_mirror_free(mirror);
        return NULL;
    }
    return mirror;
}

void hack_output_mirror_free(hack_output_mirror *mirror)
{
    if (!mirror) return;
    if (mirror->length) flush(mirror);
    free(mirror);
}
