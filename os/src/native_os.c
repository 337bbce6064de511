#include "hack/native_os.h"

#include "hack/backtrace.h"

#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const uint16_t hack_os_font[127][11];

enum { SCREEN = 16384, SCREEN_END = 24576 };

struct hack_native_os {
    const hack_program *program;
    hack_native_os_options options;
    int32_t sys_error;
    int32_t output_row, output_column, screen_color; /* the Jack classes' statics */
    int error_code;
    bool has_error; /* Sys.error was called (with any code: 0 too) */
    int raised; /* a native function entered Sys.error with this code in its own place (0: none) */
    bool waiting;
    uint64_t wait_until;
    int read_phase; /* Keyboard.readChar: 0 not in it, 1 waiting for a key, 2 waiting for its release */
    uint16_t read_key;
    bool waiting_key;
    bool pacing;          /* the program's own Sys.wait is observed and paced */
    bool pace_holding;    /* its return is held until pace_until */
    uint64_t pace_until;  /* when the latest call's time is up (0: no time asked) */
    uint64_t wait_clock;  /* the clock rate its busy loop is tuned for (0: unknown) */
};

/* The course's error codes: the OS function that raises each, and what it means. */
static const struct {
    const char *owner, *meaning;
} error_meanings[21] = {
    [1] = {"Sys.wait", "Sys.wait duration negative"},
    [2] = {"Array.new", "Array.new size <= 0"},
    [3] = {"Math.divide", "Math.divide by zero"},
    [4] = {"Math.sqrt", "Math.sqrt of a negative number"},
    [5] = {"Memory.alloc", "Memory.alloc size <= 0"},
    [6] = {"Memory.alloc", "Memory.alloc: heap overflow"},
    [7] = {"Screen.drawPixel", "Screen.drawPixel illegal coordinates"},
    [8] = {"Screen.drawLine", "Screen.drawLine illegal coordinates"},
    [9] = {"Screen.drawRectangle", "Screen.drawRectangle illegal coordinates"},
    [12] = {"Screen.drawCircle", "Screen.drawCircle illegal center"},
    [13] = {"Screen.drawCircle", "Screen.drawCircle: the circle leaves the screen"},
    [14] = {"String.new", "String.new negative length"},
    [15] = {"String.charAt", "String.charAt index out of bounds"},
    [16] = {"String.setCharAt", "String.setCharAt index out of bounds"},
    [17] = {"String.appendChar", "String.appendChar: string full"},
    [18] = {"String.eraseLastChar", "String.eraseLastChar: string empty"},
    [19] = {"String.setInt", "String.setInt: insufficient capacity"},
    [20] = {"Output.moveCursor", "Output.moveCursor illegal position"},
};

static int32_t symbol(const hack_program *program, const char *name)
{
    const hack_symbol *s = hack_symtab_find(&program->symbols, name, strlen(name));
    return s ? (int32_t)s->value : -1;
}

static int arg(const hack_machine *m, const hack_hook_event *event, int i)
{
    uint16_t v = event->count > i ? hack_machine_ram(m, (event->arg + i) & (HACK_RAM_SIZE - 1)) : 0;
    return v >= 0x8000u ? (int)v - 0x10000 : (int)v;
}

/* Sys.error(code) in the program's Jack code, entered in place of the hooked function (it never returns). */
static hack_hook_action raise_error(hack_native_os *os, hack_machine *m, const hack_hook_event *event, int code)
{
    if (os->sys_error < 0 || event->count < 1) {
        os->error_code = code;
        os->has_error = true;
        return HACK_HOOK_STOP;
    }
    hack_machine_set_ram(m, event->arg, (uint16_t)code);
    hack_machine_set_pc(m, (uint16_t)os->sys_error);
    os->raised = code;
    return HACK_HOOK_JUMP;
}

/* ---- Math ---- */

static hack_hook_action math_multiply(void *c, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    (void)c;
    *value = (uint16_t)((uint32_t)arg(m, e, 0) * (uint32_t)arg(m, e, 1));
    return HACK_HOOK_RETURN;
}

static hack_hook_action math_divide(void *c, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    int x = arg(m, e, 0), y = arg(m, e, 1);
    if (y == 0) return raise_error(c, m, e, 3);
    *value = (uint16_t)(x / y); /* C rounds toward zero, as Math.jack does; -32768 / -1 wraps the same */
    return HACK_HOOK_RETURN;
}

static hack_hook_action math_sqrt(void *c, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    int x = arg(m, e, 0);
    if (x < 0) return raise_error(c, m, e, 4);
    int y = 0;
    while ((y + 1) * (y + 1) <= x) y++;
    *value = (uint16_t)y;
    return HACK_HOOK_RETURN;
}

/* ---- Output: the cursor lives in Output's statics; cells as Output.jack lays them out ---- */

/* Character c in the cursor's cell: row i's cells start at pixel row 1 + 11i, column j is the low (even j) or
 * high byte of word j / 2; a code outside 32..126 shows as the font's black square (its entry 0). */
static void draw_char(hack_native_os *os, hack_machine *m, int c)
{
    if (c < 32 || c > 126) c = 0;
    int row = hack_machine_ram(m, os->output_row), column = hack_machine_ram(m, os->output_column);
    uint32_t address = SCREEN + 32 + (uint32_t)(row * 352 + column / 2);
    for (int i = 0; i < 11 && address < SCREEN_END; i++, address += 32) {
        uint16_t word = hack_machine_ram(m, address), bits = hack_os_font[c][i];
        hack_machine_set_ram(m, (uint16_t)address, (column & 1) ? (uint16_t)((word & 0x00FFu) | (uint16_t)(bits << 8))
                                                                : (uint16_t)((word & 0xFF00u) | bits));
    }
}

static void echo(hack_native_os *os, int c)
{
    if (os->options.print) os->options.print(os->options.print_context, c);
}

static void println(hack_native_os *os, hack_machine *m)
{
    echo(os, 128);
    hack_machine_set_ram(m, os->output_column, 0);
    uint16_t row = (uint16_t)(hack_machine_ram(m, os->output_row) + 1);
    hack_machine_set_ram(m, os->output_row, row == 23 ? 0 : row);
}

static void backspace(hack_native_os *os, hack_machine *m)
{
    echo(os, 129);
    const uint16_t row = hack_machine_ram(m, os->output_row), column = hack_machine_ram(m, os->output_column);
    if (column == 0) { /* to the end of the row above; from the top left corner, to the bottom right one */
        hack_machine_set_ram(m, os->output_column, 63);
        hack_machine_set_ram(m, os->output_row, row == 0 ? 22 : (uint16_t)(row - 1));
    } else {
        hack_machine_set_ram(m, os->output_column, (uint16_t)(column - 1));
    }
    draw_char(os, m, 32);
}

static void print_char(hack_native_os *os, hack_machine *m, int c)
{
    if (c == 128) {
        println(os, m);
        return;
    }
    if (c == 129) {
        backspace(os, m);
        return;
    }
    draw_char(os, m, c);
    echo(os, c);
    const uint16_t column = (uint16_t)(hack_machine_ram(m, os->output_column) + 1);
    hack_machine_set_ram(m, os->output_column, column);
    if (column == 64) println(os, m);
}

static hack_hook_action output_print_char(void *c, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    print_char(c, m, arg(m, e, 0));
    *value = 0;
    return HACK_HOOK_RETURN;
}

static hack_hook_action output_print_string(void *c, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    uint16_t s = (uint16_t)arg(m, e, 0); /* String: chars, length, capacity */
    uint16_t chars = hack_machine_ram(m, s & 0x7FFF), length = hack_machine_ram(m, (s + 1) & 0x7FFF);
    for (uint16_t i = 0; i < length; i++) print_char(c, m, hack_machine_ram(m, (uint16_t)(chars + i) & 0x7FFF));
    *value = 0;
    return HACK_HOOK_RETURN;
}

static hack_hook_action output_print_int(void *c, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    char digits[8];
    snprintf(digits, sizeof digits, "%d", arg(m, e, 0));
    for (const char *p = digits; *p; p++) print_char(c, m, *p);
    *value = 0;
    return HACK_HOOK_RETURN;
}

static hack_hook_action output_println(void *c, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    (void)e;
    println(c, m);
    *value = 0;
    return HACK_HOOK_RETURN;
}

static hack_hook_action output_backspace(void *c, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    (void)e;
    backspace(c, m);
    *value = 0;
    return HACK_HOOK_RETURN;
}

static hack_hook_action output_move_cursor(void *c, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    hack_native_os *os = c;
    int i = arg(m, e, 0), j = arg(m, e, 1);
    if (i < 0 || i > 22 || j < 0 || j > 63) return raise_error(os, m, e, 20);
    hack_machine_set_ram(m, os->output_row, (uint16_t)i);
    hack_machine_set_ram(m, os->output_column, (uint16_t)j);
    draw_char(os, m, 32); /* erases the character there */
    *value = 0;
    return HACK_HOOK_RETURN;
}

/* ---- Screen: the color lives in Screen's static ---- */

static void paint(hack_native_os *os, hack_machine *m, uint32_t address, uint16_t mask)
{
    const uint16_t word = hack_machine_ram(m, (uint16_t)address);
    hack_machine_set_ram(m, (uint16_t)address,
                         hack_machine_ram(m, os->screen_color) ? (uint16_t)(word | mask) : (uint16_t)(word & ~mask));
}

static void draw_run(hack_native_os *os, hack_machine *m, int x1, int x2, int y)
{
    uint32_t row = SCREEN + (uint32_t)y * 32;
    int first = x1 / 16, last = x2 / 16;
    uint16_t first_mask = (uint16_t)(0xFFFFu << (x1 & 15)), last_mask = (uint16_t)(0xFFFFu >> (15 - (x2 & 15)));
    if (first == last) {
        paint(os, m, row + (uint32_t)first, first_mask & last_mask);
        return;
    }
    paint(os, m, row + (uint32_t)first, first_mask);
    const uint16_t fill = hack_machine_ram(m, os->screen_color) ? 0xFFFFu : 0;
    for (int w = first + 1; w < last; w++) hack_machine_set_ram(m, (uint16_t)(row + (uint32_t)w), fill);
    paint(os, m, row + (uint32_t)last, last_mask);
}

static bool on_screen(int x, int y)
{
    return x >= 0 && x <= 511 && y >= 0 && y <= 255;
}

static hack_hook_action screen_clear(void *c, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    (void)c;
    (void)e;
    for (uint32_t address = SCREEN; address < SCREEN_END; address++)
        hack_machine_set_ram(m, (uint16_t)address, 0);
    *value = 0;
    return HACK_HOOK_RETURN;
}

static hack_hook_action screen_set_color(void *c, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    hack_native_os *os = c;
    hack_machine_set_ram(m, os->screen_color, (uint16_t)arg(m, e, 0));
    *value = 0;
    return HACK_HOOK_RETURN;
}

static hack_hook_action screen_draw_pixel(void *c, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    int x = arg(m, e, 0), y = arg(m, e, 1);
    if (!on_screen(x, y)) return raise_error(c, m, e, 7);
    paint(c, m, SCREEN + (uint32_t)(y * 32 + x / 16), (uint16_t)(1u << (x & 15)));
    *value = 0;
    return HACK_HOOK_RETURN;
}

/* Jack's 16-bit arithmetic: v as the int16 it wraps to. */
static int w16(int v)
{
    return (int)(((unsigned)v & 0xFFFFu) ^ 0x8000u) - 0x8000;
}

/* As Screen.jack: Bresenham's line along its longer axis, from the end nearer the origin on that axis; only x1,
 * y1 from below and x2, y2 from above are checked (8); the first pixel off the screen stops it (7). */
static hack_hook_action screen_draw_line(void *c, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    int x1 = arg(m, e, 0), y1 = arg(m, e, 1), x2 = arg(m, e, 2), y2 = arg(m, e, 3), swap;
    if (x1 < 0 || x2 > 511 || y1 < 0 || y2 > 255) return raise_error(c, m, e, 8);
    *value = 0;
    int dx = w16(x2 - x1), dy = w16(y2 - y1);
    dx = dx < 0 ? w16(-dx) : dx; /* Math.abs: -32768 stays */
    dy = dy < 0 ? w16(-dy) : dy;
    bool steep = dx < dy;
    if (steep ? y2 < y1 : x2 < x1) {
        swap = x1;
        x1 = x2;
        x2 = swap;
        swap = y1;
        y1 = y2;
        y2 = swap;
    }
    if (y1 == y2 && on_screen(x1, y1) && on_screen(x2, y2)) {
        draw_run(c, m, x1, x2, y1);
        return HACK_HOOK_RETURN;
    }
    int along = steep ? y1 : x1, last = steep ? y2 : x2, across = steep ? x1 : y1;
    int length = steep ? dy : dx, width = steep ? dx : dy, step = (steep ? x2 < x1 : y2 < y1) ? -1 : 1;
    int straight = w16(2 * width), diagonal = w16(2 * (width - length)), error = w16(straight - length);
    for (;;) {
        int x = steep ? across : along, y = steep ? along : across;
        if (!on_screen(x, y)) return raise_error(c, m, e, 7);
        paint(c, m, SCREEN + (uint32_t)(y * 32 + x / 16), (uint16_t)(1u << (x & 15)));
        if (along >= last) break;
        if (error < 0) {
            error = w16(error + straight);
        } else {
            error = w16(error + diagonal);
            across = w16(across + step);
        }
        along++;
    }
    return HACK_HOOK_RETURN;
}

static hack_hook_action screen_draw_rectangle(void *c, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    int x1 = arg(m, e, 0), y1 = arg(m, e, 1), x2 = arg(m, e, 2), y2 = arg(m, e, 3);
    if (x1 > x2 || y1 > y2 || x1 < 0 || x2 > 511 || y1 < 0 || y2 > 255) return raise_error(c, m, e, 9);
    for (int y = y1; y <= y2; y++) draw_run(c, m, x1, x2, y);
    *value = 0;
    return HACK_HOOK_RETURN;
}

/* Pixels x1..x2 (either order) of row y, as much of them as is on the screen. */
static void draw_clipped_run(hack_native_os *os, hack_machine *m, int x1, int x2, int y)
{
    if (x2 < x1) {
        int swap = x1;
        x1 = x2;
        x2 = swap;
    }
    if (y < 0 || y > 255 || x1 > 511 || x2 < 0) return;
    draw_run(os, m, x1 < 0 ? 0 : x1, x2 > 511 ? 511 : x2, y);
}

static void draw_circle_runs(hack_native_os *os, hack_machine *m, int x, int y, int a, int b)
{
    draw_clipped_run(os, m, w16(x - a), w16(x + a), w16(y - b));
    draw_clipped_run(os, m, w16(x - a), w16(x + a), w16(y + b));
    draw_clipped_run(os, m, w16(x - b), w16(x + b), w16(y - a));
    draw_clipped_run(os, m, w16(x - b), w16(x + b), w16(y + a));
}

/* As Screen.jack: the center on the screen (12), the whole circle too (13); filled with the runs of the
 * midpoint circle steps. */
static hack_hook_action screen_draw_circle(void *c, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    int x = arg(m, e, 0), y = arg(m, e, 1), r = arg(m, e, 2);
    if (!on_screen(x, y)) return raise_error(c, m, e, 12);
    if (w16(x - r) < 0 || w16(x + r) > 511 || w16(y - r) < 0 || w16(y + r) > 255) return raise_error(c, m, e, 13);
    int a = 0, b = r, error = w16(1 - r);
    draw_circle_runs(c, m, x, y, a, b);
    while (b > a) {
        if (error < 0) {
            error = w16(error + 2 * a + 3);
        } else {
            error = w16(error + 2 * (a - b) + 5);
            b--;
        }
        a++;
        draw_circle_runs(c, m, x, y, a, b);
    }
    *value = 0;
    return HACK_HOOK_RETURN;
}

/* ---- Keyboard ---- */

/* As Keyboard.jack: a cursor while waiting, the key once pressed and released, echoed. */
static hack_hook_action keyboard_read_char(void *c, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    (void)e;
    hack_native_os *os = c;
    os->waiting_key = false;
    if (os->read_phase == 0) {
        print_char(os, m, 0); /* the cursor: the black square */
        os->read_phase = 1;
    }
    if (os->read_phase == 1) {
        if (hack_machine_ram(m, HACK_KBD) == 0) {
            os->waiting_key = true;
            return HACK_HOOK_STOP;
        }
        os->read_key = hack_machine_ram(m, HACK_KBD);
        os->read_phase = 2;
    }
    if (hack_machine_ram(m, HACK_KBD) != 0) {
        os->waiting_key = true;
        return HACK_HOOK_STOP;
    }
    os->read_phase = 0;
    backspace(os, m);
    print_char(os, m, os->read_key); /* every key, as the course's OS echoes it: 128 a new line, 129 a step back */
    *value = os->read_key;
    return HACK_HOOK_RETURN;
}

/* ---- Sys ---- */

static hack_hook_action sys_wait(void *c, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    hack_native_os *os = c;
    int duration = arg(m, e, 0);
    if (duration < 0) return raise_error(os, m, e, 1);
    if (os->options.now_ms) {
        uint64_t now = os->options.now_ms(os->options.clock_context);
        if (!os->waiting) {
            os->waiting = true;
            os->wait_until = now + (uint64_t)duration;
        }
        if (now < os->wait_until) return HACK_HOOK_STOP; /* called again when the run goes on */
        os->waiting = false;
    }
    *value = 0;
    return HACK_HOOK_RETURN;
}

/* The program's own Sys.wait (observed): its busy loop runs, and its return waits for the time asked. Holding
 * the return rather than the call keeps the time right at any speed: the call takes the longer of its loop
 * and the duration. Sys.wait does not call itself, so one deadline is enough. */
static hack_hook_action pace_wait(void *c, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    (void)value;
    hack_native_os *os = c;
    uint64_t now = os->options.now_ms(os->options.clock_context);
    if (e->kind == HACK_HOOK_CALL) {
        int duration = arg(m, e, 0);
        os->pace_until = duration > 0 ? now + (uint64_t)duration : 0; /* negative: its own code raises the error */
        os->pace_holding = false;
        return HACK_HOOK_PROCEED;
    }
    if (now < os->pace_until) {
        os->pace_holding = true;
        return HACK_HOOK_STOP; /* the next run shows us the return again */
    }
    os->pace_holding = false;
    os->pace_until = 0;
    return HACK_HOOK_PROCEED;
}

static bool same_name_ignoring_case(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return false;
    return *a == *b;
}

/* The entry of the program's Sys.wait: a function or label "Sys.wait" ("sys.wait" in the course's .asm files,
 * whose VM translator writes names in lower case), or -1. */
static int32_t find_wait(const hack_program *program)
{
    const hack_symtab *symbols = &program->symbols;
    const hack_symbol *exact = hack_symtab_find(symbols, "Sys.wait", 8);
    if (exact && (exact->kind == HACK_SYMBOL_FUNCTION || exact->kind == HACK_SYMBOL_LABEL)) return exact->value;
    for (size_t i = 0; i < symbols->count; i++) {
        const hack_symbol *s = &symbols->entries[i];
        bool code = s->kind == HACK_SYMBOL_FUNCTION || s->kind == HACK_SYMBOL_LABEL;
        if (code && same_name_ignoring_case(s->name, "sys.wait")) return s->value;
    }
    return -1;
}

enum { CALIBRATION_BUDGET = 4000000 };

/* The cycles of the VM call Sys.wait(duration) at entry on machine m, from its entry to its return at end (the
 * first word past the program, where the run stops), or 0 when it does not get there. */
static uint64_t wait_cycles(hack_machine *m, uint16_t entry, int duration, uint16_t end)
{
    for (uint16_t address = 0; address < 512; address++) hack_machine_set_ram(m, address, 0);
    hack_machine_set_ram(m, 256, (uint16_t)duration); /* argument 0, then the caller's frame: return address, LCL,
                                                       * ARG, THIS, THAT */
    hack_machine_set_ram(m, 257, end);
    hack_machine_set_ram(m, 0, 262); /* SP */
    hack_machine_set_ram(m, 1, 262); /* LCL */
    hack_machine_set_ram(m, 2, 256); /* ARG */
    hack_machine_reset(m);
    hack_machine_set_pc(m, entry);
    hack_run_result r = hack_machine_run(m, CALIBRATION_BUDGET);
    return r.reason == HACK_STOP_PROGRAM_END && hack_machine_pc(m) == end ? r.cycles : 0;
}

uint64_t hack_native_os_wait_clock(const hack_program *program, uint16_t entry)
{
    if (program->count == 0 || program->count >= HACK_ROM_SIZE || entry >= program->count) return 0;
    hack_machine *m = hack_machine_create();
    if (!m) return 0;
    hack_machine_load(m, program->words, program->count);
    uint16_t end = (uint16_t)program->count;
    uint64_t c1 = wait_cycles(m, entry, 1, end), c2 = wait_cycles(m, entry, 2, end), c3 = wait_cycles(m, entry, 3, end);
    hack_machine_destroy(m);
    if (!c1 || c2 <= c1 || c3 <= c2) return 0;
    uint64_t per_ms = c2 - c1, next = c3 - c2;
    if ((next > per_ms ? next - per_ms : per_ms - next) * 20 > per_ms) return 0; /* not a loop per millisecond */
    return per_ms * 1000;
}

/* False only when memory ran out. */
static bool bind_pacer(hack_native_os *os, hack_machine *m)
{
    if (os->options.sys || !os->options.pace_wait || !os->options.now_ms) return true;
    int32_t entry = find_wait(os->program);
    if (entry < 0 || hack_machine_hooked(m, (uint16_t)entry)) return true;
    if (!hack_machine_add_hook(m, (uint16_t)entry, HACK_HOOK_OBSERVE, pace_wait, os)) return false;
    os->pacing = true;
    os->wait_clock = hack_native_os_wait_clock(os->program, (uint16_t)entry);
    return true;
}

static hack_hook_action sys_error(void *c, hack_machine *m, const hack_hook_event *e, uint16_t *value)
{
    (void)value;
    hack_native_os *os = c;
    if (e->kind != HACK_HOOK_CALL) return HACK_HOOK_PROCEED;
    if (os->has_error) {
        /* Sys.error again before the first one halted: the OS's own error path fails (its String.new needs
         * the heap that is full, say), and would go round for ever. The first report stands; stop here. */
        if (os->options.message) {
            char text[200];
            snprintf(text, sizeof text, "Sys.error(%d) again while the OS was showing Sys.error(%d): stopped",
                     arg(m, e, 0), os->error_code);
            os->options.message(os->options.message_context, text);
        }
        return HACK_HOOK_STOP;
    }
    os->error_code = arg(m, e, 0);
    os->has_error = true;
    if (os->options.message) {
        char text[2048];
        int code = os->error_code;
        /* The course's meaning of a code belongs to the OS function that raises it ("Sys.wait duration
         * negative"): shown when that function called Sys.error; from anywhere else, the caller is named. */
        const char *meaning = code > 0 && code <= 20 ? error_meanings[code].meaning : NULL;
        uint16_t frame = hack_machine_ram(m, 1);
        uint16_t return_address = frame >= 5 && frame < HACK_RAM_SIZE ? hack_machine_ram(m, frame - 5) : 0xFFFFu;
        const hack_symbol *caller = return_address < HACK_ROM_SIZE ? hack_program_function_at(os->program, return_address) : NULL;
        bool from_owner = (meaning && caller && strcmp(caller->name, error_meanings[code].owner) == 0) ||
                          (meaning && os->raised == code); /* the owner's native code raised it */
        os->raised = 0;
        int n;
        if (from_owner || (meaning && !caller)) {
            n = snprintf(text, sizeof text, "Sys.error(%d): %s\n", code, meaning);
        } else {
            char where[200] = "";
            if (caller) hack_backtrace_describe(os->program, return_address, where, sizeof where);
            n = snprintf(text, sizeof text, "Sys.error(%d) called from %s\n", code, caller ? where : "an unknown place");
        }
        if (n > 0 && (size_t)n < sizeof text) hack_backtrace(m, os->program, text + n, sizeof text - (size_t)n);
        os->options.message(os->options.message_context, text);
    }
    return HACK_HOOK_PROCEED; /* the Jack code prints ERR<code> and halts */
}

typedef struct {
    const char *name;
    hack_hook_fn fn;
    hack_hook_kind kind;
} binding;

/* False only when memory ran out. */
static bool bind_all(hack_native_os *os, hack_machine *m, const binding *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        int32_t address = symbol(os->program, list[i].name);
        if (address >= 0 && !hack_machine_bind_hook(m, (uint16_t)address, list[i].kind, list[i].fn, os)) return false;
    }
    return true;
}

hack_native_os *hack_native_os_bind(hack_machine *machine, const hack_program *program,
                                    const hack_native_os_options *options)
{
    assert(machine && program && options);
    hack_native_os *os = calloc(1, sizeof *os);
    if (!os) return NULL;
    os->program = program;
    os->options = *options;
    os->sys_error = symbol(program, "Sys.error");
    os->output_row = symbol(program, "Output.1");
    os->output_column = symbol(program, "Output.2");
    os->screen_color = symbol(program, "Screen.1");
    static const binding math[] = {{"Math.multiply", math_multiply, HACK_HOOK_REPLACE},
                                   {"Math.divide", math_divide, HACK_HOOK_REPLACE},
                                   {"Math.sqrt", math_sqrt, HACK_HOOK_REPLACE}};
    static const binding output[] = {
        {"Output.printChar", output_print_char, HACK_HOOK_REPLACE},
        {"Output.printInt", output_print_int, HACK_HOOK_REPLACE},
        {"Output.println", output_println, HACK_HOOK_REPLACE},
        {"Output.backSpace", output_backspace, HACK_HOOK_REPLACE},
        {"Output.moveCursor", output_move_cursor, HACK_HOOK_REPLACE}};
    static const binding screen[] = {
        {"Screen.clearScreen", screen_clear, HACK_HOOK_REPLACE},
        {"Screen.setColor", screen_set_color, HACK_HOOK_REPLACE},
        {"Screen.drawPixel", screen_draw_pixel, HACK_HOOK_REPLACE},
        {"Screen.drawLine", screen_draw_line, HACK_HOOK_REPLACE},
        {"Screen.drawRectangle", screen_draw_rectangle, HACK_HOOK_REPLACE},
        {"Screen.drawCircle", screen_draw_circle, HACK_HOOK_REPLACE}};
    /* (it reads a String's fields in the project's layout: with a String of the program's own, Output's Jack
     * printString runs, calling the String's own length and charAt) */
    static const binding print_string[] = {{"Output.printString", output_print_string, HACK_HOOK_REPLACE}};
    static const binding keyboard[] = {{"Keyboard.readChar", keyboard_read_char, HACK_HOOK_REPLACE}};
    static const binding sys[] = {{"Sys.wait", sys_wait, HACK_HOOK_REPLACE},
                                  {"Sys.error", sys_error, HACK_HOOK_OBSERVE}};
    /* all or none (the caller clears the hooks bound so far when one could not be) */
    bool bound = true;
    if (options->math) bound = bind_all(os, machine, math, sizeof math / sizeof math[0]);
    if (bound && options->output && os->output_row >= 0 && os->output_column >= 0) {
        bound = bind_all(os, machine, output, sizeof output / sizeof output[0]) &&
                (options->foreign_string || bind_all(os, machine, print_string, 1));
    }
    if (bound && options->screen && os->screen_color >= 0)
        bound = bind_all(os, machine, screen, sizeof screen / sizeof screen[0]);
    if (bound && options->sys)
        bound = bind_all(os, machine, sys, sizeof sys / sizeof sys[0]);
    else if (bound && os->sys_error >= 0) /* the program's own Sys: its errors are still heard of */
        bound = hack_machine_bind_hook(machine, (uint16_t)os->sys_error, HACK_HOOK_OBSERVE, sys_error, os);
    if (bound && options->keyboard && options->output && os->output_row >= 0 && os->output_column >= 0)
        bound = bind_all(os, machine, keyboard, sizeof keyboard / sizeof keyboard[0]);
    if (!bound || !bind_pacer(os, machine)) {
        hack_native_os_free(os);
        return NULL;
    }
    return os;
}

hack_native_os *hack_native_os_observe_errors(hack_machine *machine, const hack_program *program,
                                              const hack_native_os_options *options)
{
    assert(machine && program && options);
    hack_native_os *os = calloc(1, sizeof *os);
    if (!os) return NULL;
    os->program = program;
    os->options = *options;
    int32_t address = symbol(program, "Sys.error");
    if ((address >= 0 && !hack_machine_bind_hook(machine, (uint16_t)address, HACK_HOOK_OBSERVE, sys_error, os)) ||
        !bind_pacer(os, machine)) {
        hack_native_os_free(os);
        return NULL;
    }
    return os;
}

void hack_native_os_free(hack_native_os *os)
{
    free(os);
}

hack_native_os_wait hack_native_os_waiting(const hack_native_os *os, uint64_t *until_ms)
{
    if (os && os->waiting_key) return HACK_NATIVE_OS_WAITING_KEY;
    if (os && os->pace_holding) {
        *until_ms = os->pace_until;
        return HACK_NATIVE_OS_WAITING_TIME;
    }
    if (!os || !os->waiting) return HACK_NATIVE_OS_NOT_WAITING;
    *until_ms = os->wait_until;
    return HACK_NATIVE_OS_WAITING_TIME;
}

bool hack_native_os_paced_wait(const hack_native_os *os, uint64_t *clock_hz)
{
    if (!os || !os->pacing) return false;
    if (clock_hz) *clock_hz = os->wait_clock;
    return true;
}

void hack_native_os_raised(hack_native_os *os, int code)
{
    if (os) os->raised = code;
}

int hack_native_os_error_code(const hack_native_os *os)
{
    return os ? os->error_code : 0;
}

bool hack_native_os_failed(const hack_native_os *os)
{
    return os && os->has_error;
}
