/* One formatter for every stop's message (see stop.h): each reader's words for a record's facts. */
#include "hack/stop.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A script's call stack was kept in 2 KB (whole lines, "  ..." when cut), and is shown so. */
enum { SCRIPT_STACK = 2048, DEBUGGER_STACK = 2000 };

typedef struct {
    char *buf;
    size_t size, used;
} text;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void say(text *t, const char *format, ...)
{
    if (t->used >= t->size) return;
    va_list args;
    va_start(args, format);
    int n = vsnprintf(t->buf + t->used, t->size - t->used, format, args);
    va_end(args);
    if (n > 0) t->used += (size_t)n;
    if (t->used >= t->size) t->used = t->size - 1; /* cut short, as a buffer of this size holds it */
}

/* The call stack's lines as hack_backtrace writes them in room bytes: whole lines, and "  ...\n" once when the
 * next one does not fit (with the NUL). */
static void say_lines(text *t, const char *lines, size_t room)
{
    static const char ellipsis[] = "  ...\n";
    if (t->used >= t->size) return;
    if (room > t->size - t->used) room = t->size - t->used;
    size_t used = 0;
    for (const char *line = lines; *line;) {
        const char *end = strchr(line, '\n');
        const size_t n = end ? (size_t)(end - line) + 1 : strlen(line);
        if (used + n + sizeof ellipsis > room) {
            if (used + sizeof ellipsis <= room) say(t, "%s", ellipsis);
            return;
        }
        say(t, "%.*s", (int)n, line);
        used += n;
        line += n;
    }
}

static int signed_word(uint16_t word)
{
    return word >= 0x8000u ? (int)word - 0x10000 : (int)word;
}

static void run_text(text *t, const hack_stop_record *r, const char *name)
{
    const hack_session_stop *s = &r->stop;
    const unsigned long long cycle = (unsigned long long)r->cycle;
    char fault[200];
    hack_fault_describe(&r->fault, fault, sizeof fault);
    switch (s->state) {
    case HACK_SESSION_FAULT:
        say(t, "%s: machine error at cycle %llu: %s\n", name, cycle, fault);
        /* where in the Jack (or VM) code the instruction is, for a program with functions or a map */
        if (r->mapped) say_lines(t, r->backtrace, t->size);
        break;
    case HACK_SESSION_STACK_ERROR:
        switch (s->stack) {
        case HACK_STACK_OVERFLOW:
            if (r->call_locals) /* stopped at the entry, before the frame was pushed */
                say(t, "%s: stack overflow at cycle %llu: a call's %u locals would push SP from %u past the top of "
                       "the stack (2047), into the heap\n",
                    name, cycle, (unsigned)r->call_locals, (unsigned)r->call_sp);
            else
                say(t, "%s: stack overflow at cycle %llu: SP = %u, past the top of the stack (2047)\n", name, cycle,
                    (unsigned)r->sp);
            break;
        case HACK_STACK_UNDERFLOW:
            say(t, "%s: stack underflow at cycle %llu: SP = %d, below the bottom of the stack (256)\n", name, cycle,
                signed_word(r->sp));
            break;
        case HACK_STACK_SP_OVERWRITTEN:
            say(t, "%s: the stack pointer was overwritten at cycle %llu: SP = %d, far from the frame at LCL = %u (a "
                   "write through a null pointer? RAM[0] is SP)\n",
                name, cycle, signed_word(r->sp), (unsigned)r->lcl);
            break;
        case HACK_STACK_RESTART:
            say(t, "%s: the program jumped back to its start (ROM 0) at cycle %llu: a return through a corrupted "
                   "frame (a write through a null pointer?)\n",
                name, cycle);
            break;
        case HACK_STACK_BAD_FRAME:
        case HACK_STACK_OK:
            say(t, "%s: return with a corrupted frame at cycle %llu (LCL = %u): %s\n", name, cycle, (unsigned)r->lcl,
                fault);
            break;
        }
        say(t, "%s", r->stack);
        break;
    case HACK_SESSION_HALTED:
    case HACK_SESSION_SYS_ERROR:
        if (s->endless_loop)
            say(t, "%s: halted at cycle %llu in %s, a loop that can no longer change anything\n", name, cycle,
                r->place);
        break;
    case HACK_SESSION_BUDGET:
        say(t, "%s: did not halt within %llu cycles (PC=%u)%s%s\n", name, (unsigned long long)s->cycles,
            (unsigned)r->pc, r->hot_spot[0] ? ": spinning in " : "", r->hot_spot);
        break;
    case HACK_SESSION_WAITING_KEY:
        say(t, "%s: waiting for a key, and no more are scripted (--keys, --type)\n", name);
        break;
    case HACK_SESSION_WAITING_TIME:
    case HACK_SESSION_HEAP_ERROR:
    case HACK_SESSION_DEBUG: break;
    }
}

static void debugger_text(text *t, const hack_stop_record *r)
{
    const hack_session_stop *s = &r->stop;
    char fault[200];
    switch (s->state) {
    case HACK_SESSION_HALTED:
        if (s->endless_loop)
            say(t, "The program halted in %s, a loop that can no longer change anything.\n", r->place);
        else
            say(t, "The program halted.\n");
        break;
    case HACK_SESSION_SYS_ERROR: say(t, "The program called Sys.error (reported above): stopped in %s\n", r->place); break;
    case HACK_SESSION_HEAP_ERROR: say(t, "Heap error (reported above): stopped in %s\n", r->place); break;
    case HACK_SESSION_FAULT:
        hack_fault_describe(&r->fault, fault, sizeof fault);
        say(t, "Machine error: %s\nStopped before it, in %s\n", fault, r->place);
        break;
    case HACK_SESSION_STACK_ERROR:
        if (s->stack == HACK_STACK_OVERFLOW && r->sp == 2048) /* the debugger's stack guard: before the push */
            say(t, "Stack overflow: the stack is full (SP = %u), and a push is about to write past its top (2047)\n",
                (unsigned)r->sp);
        else if (s->stack == HACK_STACK_OVERFLOW)
            say(t, "Stack overflow: SP = %u, past the top of the stack (2047)\n", (unsigned)r->sp);
        else if (s->stack == HACK_STACK_UNDERFLOW)
            say(t, "Stack underflow: SP = %d, below the bottom of the stack (256)\n", signed_word(r->sp));
        else if (s->stack == HACK_STACK_SP_OVERWRITTEN)
            say(t, "The stack pointer was overwritten: SP = %d, far from the frame at LCL = %u\n", signed_word(r->sp),
                (unsigned)r->lcl);
        else if (s->stack == HACK_STACK_RESTART)
            say(t, "The program jumped back to its start (ROM 0): a return through a corrupted frame\n");
        else
            say(t, "A return found a corrupted frame (LCL = %u)\n", (unsigned)r->lcl);
        say(t, "%.*s", DEBUGGER_STACK - 1, r->stack); /* (the debugger kept 2,000 bytes of it) */
        break;
    case HACK_SESSION_BUDGET:
    case HACK_SESSION_WAITING_KEY:
    case HACK_SESSION_WAITING_TIME:
    case HACK_SESSION_DEBUG: break;
    }
}

static void script_text(text *t, const hack_stop_record *r, const char *name)
{
    char fault[200];
    switch (r->stop.state) {
    case HACK_SESSION_FAULT:
        hack_fault_describe(&r->fault, fault, sizeof fault);
        say(t, "%s: machine error at cycle %llu: %s\n", name, (unsigned long long)r->cycle, fault);
        if (r->mapped) say_lines(t, r->backtrace, SCRIPT_STACK);
        break;
    case HACK_SESSION_HEAP_ERROR:
        say(t, "%s: the program was stopped at cycle %llu (reported above)\n", name, (unsigned long long)r->cycle);
        break;
    default: break; /* nothing else stops a script's program */
    }
}

static void detail_text(text *t, const hack_stop_record *r)
{
    const hack_session_stop *s = &r->stop;
    char fault[200];
    switch (s->state) {
    case HACK_SESSION_STACK_ERROR:
        say(t, "%s",
            s->stack == HACK_STACK_OVERFLOW         ? "the stack ran into the heap"
            : s->stack == HACK_STACK_UNDERFLOW      ? "the stack fell below 256"
            : s->stack == HACK_STACK_SP_OVERWRITTEN ? "the stack pointer SP was overwritten (a write through a null "
                                                      "pointer? RAM[0] is SP)"
            : s->stack == HACK_STACK_RESTART
                ? "the program jumped back to its start (ROM 0): a return through a corrupted frame"
                : "a return found a corrupted frame");
        break;
    case HACK_SESSION_FAULT:
        hack_fault_describe(&r->fault, fault, sizeof fault);
        say(t, "%s", fault);
        break;
    case HACK_SESSION_HEAP_ERROR: say(t, "%.*s", (int)strcspn(r->heap_message, "\n"), r->heap_message); break;
    default: break;
    }
}

size_t hack_stop_format(const hack_stop_record *record, hack_stop_text kind, const char *name, char *buf, size_t size)
{
    if (!size) return 0;
    buf[0] = '\0';
    text t = {buf, size, 0};
    switch (kind) {
    case HACK_STOP_TEXT_RUN: run_text(&t, record, name); break;
    case HACK_STOP_TEXT_DEBUGGER: debugger_text(&t, record); break;
    case HACK_STOP_TEXT_SCRIPT: script_text(&t, record, name); break;
    case HACK_STOP_TEXT_DETAIL: detail_text(&t, record); break;
    }
    return t.used;
}
