/* The window's debug view (debug_panel.h). */
#define _POSIX_C_SOURCE 200809L
#include "debug_panel.h"

#include "hack/machine.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

extern const uint16_t hack_os_font[127][11]; /* the OS's font (os/font/font.txt), 8 x 11 pixels a character */

enum { FONT_W = 8, FONT_H = 11, LINE_H = 12, TEXT_MAX = 200, LOG_LINES = 4 };

typedef struct {
    char text[TEXT_MAX];
    bool current, cursor, breakpoint;
} view_line;

typedef struct {
    char title[TEXT_MAX];
    view_line *lines;
    size_t count, capacity;
    bool wrap; /* lines longer than the pane go on in the next rows (else they are cut) */
} pane;

enum { PANE_SOURCE, PANE_STACK, PANE_MESSAGES, PANE_MEMORY, PANE_COUNT };

struct debug_panel {
    hack_debugger *debugger;
    hack_machine *machine;
    FILE *echo;
    bool capturing;
    char *capture;
    size_t capture_length, capture_size;
    char log[LOG_LINES][TEXT_MAX];
    int log_count;
    pane panes[PANE_COUNT];
    hack_debugger_place here, cursor;
};

/* ---- text from the engine ---- */

static void add_line(pane *p, const char *text, size_t length)
{
    if (p->count == p->capacity) {
        size_t capacity = p->capacity ? 2 * p->capacity : 32;
        view_line *grown = realloc(p->lines, capacity * sizeof *grown);
        if (!grown) return;
        p->lines = grown;
        p->capacity = capacity;
    }
    view_line *l = &p->lines[p->count++];
    memset(l, 0, sizeof *l);
    size_t used = 0;
    for (size_t i = 0; i < length && used + 1 < TEXT_MAX; i++) {
        if (text[i] == '\t') {
            do l->text[used++] = ' ';
            while (used % 4 && used + 1 < TEXT_MAX);
        } else if (text[i] != '\r') {
            l->text[used++] = text[i];
        }
    }
    l->text[used] = '\0';
}

static void add_lines(pane *p, const char *text, const char *indent, bool skip_none)
{
    while (*text) {
        size_t n = strcspn(text, "\n");
        if (n && !(skip_none && strncmp(text, "No ", 3) == 0)) {
            char line[TEXT_MAX];
            snprintf(line, sizeof line, "%s%.*s", indent, (int)n, text);
            add_line(p, line, strlen(line));
        }
        text += n;
        if (*text) text++;
    }
}

static void log_line(debug_panel *panel, const char *text, size_t length)
{
    if (panel->log_count == LOG_LINES) {
        memmove(panel->log[0], panel->log[1], sizeof panel->log[0] * (LOG_LINES - 1));
        panel->log_count--;
    }
    snprintf(panel->log[panel->log_count++], TEXT_MAX, "%.*s", (int)length, text);
}

static void on_print(void *context, const char *text)
{
    debug_panel *panel = context;
    if (panel->capturing) {
        size_t n = strlen(text);
        if (panel->capture_length + n + 1 > panel->capture_size) {
            size_t size = (panel->capture_length + n + 1) * 2;
            char *grown = realloc(panel->capture, size);
            if (!grown) return;
            panel->capture = grown;
            panel->capture_size = size;
        }
        memcpy(panel->capture + panel->capture_length, text, n + 1);
        panel->capture_length += n;
        return;
    }
    if (panel->echo) {
        fputs(text, panel->echo);
        fflush(panel->echo);
    }
    while (*text) {
        size_t n = strcspn(text, "\n");
        if (n) log_line(panel, text, n);
        text += n;
        if (*text) text++;
    }
}

/* A command's answer, not shown as a message: into the capture buffer, returned. */
static const char *ask(debug_panel *panel, const char *command)
{
    panel->capturing = true;
    panel->capture_length = 0;
    if (panel->capture) panel->capture[0] = '\0';
    hack_debugger_command(panel->debugger, command);
    panel->capturing = false;
    return panel->capture ? panel->capture : "";
}

debug_panel *debug_panel_create(hack_session *session, hack_machine *machine,
                                void (*reset)(void *context, hack_machine *machine), void *context, FILE *echo)
{
    debug_panel *panel = calloc(1, sizeof *panel);
    if (!panel) return NULL;
    panel->machine = machine;
    panel->echo = echo;
    hack_debugger_options options = {on_print, panel, reset, context};
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    panel->debugger = hack_debugger_create(session, machine, &options, &diags);
    hack_diag_list_free(&diags); /* notes of Jack sources that cannot be read: their lines show as none */
    if (!panel->debugger) {
        free(panel);
        return NULL;
    }
    return panel;
}

void debug_panel_free(debug_panel *panel)
{
    if (!panel) return;
    hack_debugger_free(panel->debugger);
    for (int i = 0; i < PANE_COUNT; i++) free(panel->panes[i].lines);
    free(panel->capture);
    free(panel);
}

hack_debugger *debug_panel_debugger(debug_panel *panel)
{
    return panel->debugger;
}

/* The source pane: rows lines around the cursor. */
static void build_source(debug_panel *panel, size_t rows)
{
    pane *p = &panel->panes[PANE_SOURCE];
    p->count = 0;
    hack_debugger *d = panel->debugger;
    uint32_t total = hack_debugger_place_lines(d, panel->cursor);
    bool rom = panel->cursor.file < 0;
    snprintf(p->title, sizeof p->title, "%s%s", hack_debugger_place_file(d, panel->cursor),
             hack_debugger_finished(d) ? " (the program has ended: Ctrl+R starts it again)" : "");
    uint32_t first_line = rom ? 0 : 1, last = rom ? (total ? total - 1 : 0) : total;
    uint32_t top = panel->cursor.line > rows / 2 + first_line ? panel->cursor.line - (uint32_t)(rows / 2) : first_line;
    if (last + 1 > rows && top > last + 1 - (uint32_t)rows) top = last + 1 - (uint32_t)rows;
    if (top < first_line) top = first_line;
    for (uint32_t n = top; n <= last && p->count < rows; n++) {
        hack_debugger_place place = {panel->cursor.file, n};
        char text[TEXT_MAX], line[TEXT_MAX + 16];
        bool breakpoint;
        if (!hack_debugger_place_text(d, place, text, sizeof text, &breakpoint)) break;
        bool current = place.file == panel->here.file && n == panel->here.line && !hack_debugger_finished(d);
        snprintf(line, sizeof line, "%c%c%5" PRIu32 "  %s", current ? '>' : ' ', breakpoint ? '*' : ' ', n, text);
        add_line(p, line, strlen(line));
        view_line *l = &p->lines[p->count - 1];
        l->current = current;
        l->breakpoint = breakpoint;
        l->cursor = n == panel->cursor.line;
    }
}

static void build_panes(debug_panel *panel)
{
    hack_debugger *d = panel->debugger;
    pane *stack = &panel->panes[PANE_STACK], *memory = &panel->panes[PANE_MEMORY];
    stack->count = memory->count = 0;
    snprintf(stack->title, sizeof stack->title, "Registers, call stack and locals");
    stack->wrap = memory->wrap = panel->panes[PANE_MESSAGES].wrap = true;
    add_lines(stack, ask(panel, "info registers"), "", false);
    if (!hack_debugger_finished(d)) {
        const char *bt = ask(panel, "backtrace");
        int frames = 0;
        for (const char *c = bt; *c; c++) frames += *c == '\n';
        for (int i = 0; i < frames && i < 24; i++) {
            char command[32];
            snprintf(command, sizeof command, "frame %d", i);
            const char *line = ask(panel, command);
            if (strncmp(line, "frame:", 6) == 0) break;
            add_lines(stack, line, "", false);
            add_lines(stack, ask(panel, "info locals"), "      ", true);
            const char *this = ask(panel, "print *this");
            if (strncmp(this, "*this = ", 8) == 0 && !strstr(this, ") null")) add_lines(stack, this + 1, "      ", false);
        }
        ask(panel, "frame 0");
    }
    uint16_t sp = panel->machine->ram[0];
    snprintf(memory->title, sizeof memory->title, "RAM: the stack's top words, the heap");
    if (sp >= 16 && sp < HACK_SCREEN) {
        char command[40];
        snprintf(command, sizeof command, "x/16 %u", (unsigned)(sp - 16));
        add_lines(memory, ask(panel, command), "", false);
    }
    add_lines(memory, ask(panel, "info heap"), "", false);
}

static void echo_view(debug_panel *panel)
{
    if (!panel->echo) return;
    build_source(panel, 11);
    static const char *const names[PANE_COUNT] = {"source", "stack", "messages", "memory"};
    for (int i = 0; i < PANE_COUNT; i++) {
        if (i == PANE_MESSAGES) continue;
        const pane *p = &panel->panes[i];
        fprintf(panel->echo, "view %s: %s\n", names[i], p->title);
        for (size_t k = 0; k < p->count && k < 24; k++) fprintf(panel->echo, "view %s| %s\n", names[i], p->lines[k].text);
    }
    fflush(panel->echo);
}

void debug_panel_stopped(debug_panel *panel)
{
    panel->here = panel->cursor = hack_debugger_here(panel->debugger);
    build_panes(panel);
    echo_view(panel);
}

panel_key debug_panel_key(debug_panel *panel, SDL_Keycode key, uint16_t mod)
{
    hack_debugger *d = panel->debugger;
    const char *command = NULL;
    bool shift = (mod & KMOD_SHIFT) != 0;
    if (mod & (KMOD_CTRL | KMOD_ALT | KMOD_GUI)) return PANEL_KEY_IGNORED;
    switch (key) {
    case SDLK_F5:
    case SDLK_c: return hack_debugger_finished(d) ? PANEL_KEY_DONE : PANEL_KEY_CONTINUE;
    case SDLK_F10:
    case SDLK_n: command = "next"; break;
    case SDLK_F11: command = shift ? "finish" : "step"; break;
    case SDLK_s: command = "step"; break;
    case SDLK_f: command = "finish"; break;
    case SDLK_i: command = "stepi"; break;
    case SDLK_F9:
    case SDLK_b:
        hack_debugger_toggle_breakpoint(d, panel->cursor);
        echo_view(panel);
        return PANEL_KEY_DONE;
    case SDLK_UP:
    case SDLK_DOWN:
    case SDLK_PAGEUP:
    case SDLK_PAGEDOWN: {
        int64_t step = key == SDLK_UP ? -1 : key == SDLK_DOWN ? 1 : key == SDLK_PAGEUP ? -16 : 16;
        int64_t line = (int64_t)panel->cursor.line + step;
        int64_t first = panel->cursor.file < 0 ? 0 : 1;
        int64_t last = (int64_t)hack_debugger_place_lines(d, panel->cursor) - (panel->cursor.file < 0 ? 1 : 0);
        if (line > last) line = last;
        if (line < first) line = first;
        panel->cursor.line = (uint32_t)line;
        return PANEL_KEY_DONE;
    }
    default: return PANEL_KEY_IGNORED;
    }
    if (hack_debugger_finished(d)) {
        log_line(panel, "The program has ended: Ctrl+R starts it again.", 46);
        return PANEL_KEY_DONE;
    }
    hack_debugger_command(d, command);
    debug_panel_stopped(panel);
    return PANEL_KEY_DONE;
}

/* ---- drawing ---- */

void debug_panel_fill(canvas *c, int x, int y, int w, int h, uint32_t colour)
{
    if (x < 0) {
        w += x;
        x = 0;
    }
    if (y < 0) {
        h += y;
        y = 0;
    }
    if (x + w > c->w) w = c->w - x;
    if (y + h > c->h) h = c->h - y;
    for (int j = 0; j < h; j++)
        for (int i = 0; i < w; i++) c->pixels[(size_t)(y + j) * (size_t)c->pitch + (size_t)(x + i)] = colour;
}

/* Text at x, y (its cell's top left), at most columns characters, each FONT_W * scale wide. */
void debug_panel_text(canvas *c, int x, int y, const char *s, int columns, int scale, uint32_t colour)
{
    for (int k = 0; s[k] && k < columns; k++) {
        unsigned char ch = (unsigned char)s[k];
        if (ch < 32 || ch > 126) ch = '?';
        for (int row = 0; row < FONT_H; row++) {
            uint16_t bits = hack_os_font[ch][row];
            for (int col = 0; bits && col < FONT_W; col++)
                if (bits >> col & 1u) debug_panel_fill(c, x + (k * FONT_W + col) * scale, y + row * scale, scale, scale, colour);
        }
    }
}

#define BACKGROUND 0xFF202428u
#define PANE 0xFF2B3036u
#define TITLE 0xFF3D4A66u
#define TEXT 0xFFE8E8E8u
#define CURRENT 0xFF6B5A00u
#define CURSOR 0xFF2F4F7Fu
#define BREAKPOINT 0xFFFF5050u

/* A pane in the rectangle: its title bar, then its lines (cut at the width). */
static void draw_pane(canvas *c, const pane *p, int x, int y, int w, int h, int scale)
{
    int line_h = LINE_H * scale, columns = (w - 4 * scale) / (FONT_W * scale);
    debug_panel_fill(c, x, y, w, h, PANE);
    debug_panel_fill(c, x, y, w, line_h + scale, TITLE);
    debug_panel_text(c, x + 2 * scale, y + scale, p->title, columns, scale, TEXT);
    int row_y = y + line_h + 2 * scale;
    for (size_t i = 0; i < p->count && row_y + line_h <= y + h; i++, row_y += line_h) {
        const view_line *l = &p->lines[i];
        if (l->current) debug_panel_fill(c, x, row_y, w, line_h, CURRENT);
        else if (l->cursor) debug_panel_fill(c, x, row_y, w, line_h, CURSOR);
        if (l->current && l->cursor) debug_panel_fill(c, x, row_y, 3 * scale, line_h, 0xFF6FA0FFu);
        debug_panel_text(c, x + 2 * scale, row_y + scale / 2, l->text, columns, scale, TEXT);
        for (size_t done = (size_t)columns; p->wrap && columns > 8 && strlen(l->text) > done; done += (size_t)columns - 4) {
            row_y += line_h;
            if (row_y + line_h > y + h) break;
            debug_panel_text(c, x + 2 * scale + 4 * FONT_W * scale, row_y + scale / 2, l->text + done, columns - 4, scale, TEXT);
        }
        if (l->breakpoint) {
            debug_panel_fill(c, x + 2 * scale + FONT_W * scale, row_y + 2 * scale, 6 * scale, 7 * scale, BREAKPOINT);
        }
    }
}

static size_t pane_rows(int h, int scale)
{
    int rows = (h - LINE_H * scale - 2 * scale) / (LINE_H * scale);
    return rows > 0 ? (size_t)rows : 0;
}

void debug_panel_render(debug_panel *panel, const uint16_t *screen, uint32_t *pixels, int w, int h, int pitch)
{
    canvas c = {pixels, w, h, pitch};
    debug_panel_fill(&c, 0, 0, w, h, BACKGROUND);
    int scale = w >= 2048 && h >= 1000 ? 2 : 1, gap = 4 * scale;
    int left_w = HACK_SCREEN_WIDTH * scale, screen_h = HACK_SCREEN_HEIGHT * scale;
    bool two_columns = w >= left_w + 320 * scale && h >= screen_h + 120 * scale;
    int right_x = two_columns ? left_w + gap : 0, right_w = w - right_x;
    if (two_columns) { /* the screen, top left, black on white */
        for (int y = 0; y < HACK_SCREEN_HEIGHT; y++)
            for (int x = 0; x < HACK_SCREEN_WIDTH; x++)
                debug_panel_fill(&c, x * scale, y * scale, scale, scale,
                     (screen[y * 32 + (x >> 4)] >> (x & 15)) & 1u ? 0xFF000000u : 0xFFFFFFFFu);
        draw_pane(&c, &panel->panes[PANE_STACK], 0, screen_h + gap, left_w, h - screen_h - gap, scale);
    }
    /* the right column (or the whole window): source, messages, memory */
    int line_h = LINE_H * scale;
    int messages_h = (LOG_LINES + 1) * line_h + 2 * scale;
    int memory_h = two_columns ? (h - messages_h - 2 * gap) * 2 / 5 : 0;
    int source_h = h - messages_h - memory_h - (two_columns ? 2 : 1) * gap;
    build_source(panel, pane_rows(source_h, scale));
    draw_pane(&c, &panel->panes[PANE_SOURCE], right_x, 0, right_w, source_h, scale);
    pane *messages = &panel->panes[PANE_MESSAGES];
    messages->count = 0;
    snprintf(messages->title, sizeof messages->title,
             "n/F10 next s/F11 step f finish c/F5 continue b/F9 break i stepi");
    for (int i = 0; i < panel->log_count; i++) add_line(messages, panel->log[i], strlen(panel->log[i]));
    draw_pane(&c, messages, right_x, source_h + gap, right_w, messages_h, scale);
    if (two_columns)
        draw_pane(&c, &panel->panes[PANE_MEMORY], right_x, source_h + messages_h + 2 * gap, right_w, memory_h, scale);
}
