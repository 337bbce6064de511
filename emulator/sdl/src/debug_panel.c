/* The window's debug view (debug_panel.h). */
#define _POSIX_C_SOURCE 200809L
#include "debug_panel.h"

#include "hack/machine.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

enum {
    TEXT_MAX = 600,    /* a line of a pane */
    LOG_MAX = 400,     /* the messages kept */
    INPUT_MAX = 200,   /* a command typed */
    HISTORY_MAX = 32,  /* the commands typed before, for Up and Down */
    MAX_FRAMES = 24,   /* the call stack's frames shown */
    WRAP_INDENT = 4,   /* where a wrapped line goes on */
};

typedef struct {
    char text[TEXT_MAX];
    bool current, cursor, breakpoint, selected;
} view_line;

typedef struct {
    char title[TEXT_MAX];
    view_line *lines;
    size_t count, capacity;
} pane;

enum { PANE_SOURCE, PANE_STACK, PANE_MEMORY, PANE_COUNT };

struct debug_panel {
    hack_debugger *debugger;
    hack_machine *machine;
    FILE *echo;
    bool capturing;
    char *capture;
    size_t capture_length, capture_size;
    char (*log)[TEXT_MAX]; /* the messages, oldest first */
    int log_count;
    pane panes[PANE_COUNT];
    hack_debugger_place here, cursor;
    bool typing;
    char input[INPUT_MAX];
    size_t input_length;
    char history[HISTORY_MAX][INPUT_MAX];
    int history_count, history_at;
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

static void add_lines(pane *p, const char *text, const char *indent)
{
    while (*text) {
        size_t n = strcspn(text, "\n");
        if (n) {
            char line[TEXT_MAX];
            snprintf(line, sizeof line, "%s%.*s", indent, (int)n, text);
            add_line(p, line, strlen(line));
        }
        text += n;
        if (*text) text++;
    }
}

/* A message line, its tabs as spaces (to the next multiple of 4: the engine puts one after a line number). */
static void log_line(debug_panel *panel, const char *text, size_t length)
{
    if (!panel->log) return;
    if (panel->log_count == LOG_MAX) {
        memmove(panel->log[0], panel->log[1], sizeof panel->log[0] * (LOG_MAX - 1));
        panel->log_count--;
    }
    char *line = panel->log[panel->log_count++];
    size_t used = 0;
    for (size_t i = 0; i < length && used + 1 < TEXT_MAX; i++) {
        if (text[i] == '\t') {
            do line[used++] = ' ';
            while (used % 4 && used + 1 < TEXT_MAX);
        } else if (text[i] != '\r') {
            line[used++] = text[i];
        }
    }
    line[used] = '\0';
}

static void log_text(debug_panel *panel, const char *text)
{
    while (*text) {
        size_t n = strcspn(text, "\n");
        if (n) log_line(panel, text, n);
        text += n;
        if (*text) text++;
    }
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
    log_text(panel, text);
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
    panel->log = calloc(LOG_MAX, sizeof *panel->log);
    panel->machine = machine;
    panel->echo = echo;
    hack_debugger_options options = {.print = on_print, .context = panel, .after_reset = reset, .reset_context = context};
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    panel->debugger = hack_debugger_create(session, machine, &options, &diags);
    hack_diag_list_free(&diags); /* notes of Jack sources that cannot be read: their lines show as none */
    if (!panel->debugger || !panel->log) {
        hack_debugger_free(panel->debugger);
        free(panel->log);
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
    free(panel->log);
    free(panel);
}

hack_debugger *debug_panel_debugger(debug_panel *panel)
{
    return panel->debugger;
}

void debug_panel_say(debug_panel *panel, const char *text)
{
    if (panel->echo) {
        fputs(text, panel->echo);
        fflush(panel->echo);
    }
    log_text(panel, text);
}

/* The source pane: rows lines around the cursor, the line numbers as wide as the file's last. */
static void build_source(debug_panel *panel, size_t rows)
{
    pane *p = &panel->panes[PANE_SOURCE];
    p->count = 0;
    hack_debugger *d = panel->debugger;
    uint32_t total = hack_debugger_place_lines(d, panel->cursor);
    bool rom = panel->cursor.file < 0;
    snprintf(p->title, sizeof p->title, "%s%s", hack_debugger_place_file(d, panel->cursor),
             hack_debugger_finished(d) ? " - stopped, Ctrl+R starts it again" : "");
    uint32_t first_line = rom ? 0 : 1, last = rom ? (total ? total - 1 : 0) : total;
    uint32_t top = panel->cursor.line > rows / 2 + first_line ? panel->cursor.line - (uint32_t)(rows / 2) : first_line;
    if (last + 1 > rows && top > last + 1 - (uint32_t)rows) top = last + 1 - (uint32_t)rows;
    if (top < first_line) top = first_line;
    int width = last >= 10000 ? 5 : last >= 1000 ? 4 : 3;
    for (uint32_t n = top; n <= last && p->count < rows; n++) {
        hack_debugger_place place = {panel->cursor.file, n};
        char text[TEXT_MAX], line[TEXT_MAX + 16];
        bool breakpoint;
        if (!hack_debugger_place_text(d, place, text, sizeof text, &breakpoint)) break;
        bool current = place.file == panel->here.file && n == panel->here.line; /* (also where it stopped for good) */
        snprintf(line, sizeof line, "%c%c%*" PRIu32 "  %s", current ? '>' : ' ', breakpoint ? '*' : ' ', width, n, text);
        add_line(p, line, strlen(line));
        view_line *l = &p->lines[p->count - 1];
        l->current = current;
        l->breakpoint = breakpoint;
        l->cursor = n == panel->cursor.line;
    }
}

/* The registers, then each frame of the call stack with its locals and, in a method or constructor, the
 * object's fields; the frame the source pane shows is marked. */
static void build_stack(debug_panel *panel)
{
    hack_debugger *d = panel->debugger;
    pane *stack = &panel->panes[PANE_STACK];
    stack->count = 0;
    snprintf(stack->title, sizeof stack->title, "Registers and call stack");
    add_lines(stack, ask(panel, "info registers"), "");
    int selected = hack_debugger_selected_frame(d);
    size_t frames = 0;
    hack_debugger_frames(d, 0, NULL, 0, &frames);
    /* each frame as `frame N` shows it, its locals as `info locals`, its object as `print *this` */
    for (int i = 0; (size_t)i < frames && i < MAX_FRAMES; i++) {
        char command[32];
        snprintf(command, sizeof command, "frame %d", i);
        const char *line = ask(panel, command);
        if (hack_debugger_selected_frame(d) != i) break; /* (not a frame the commands have: said in line) */
        size_t first = stack->count;
        add_lines(stack, line, "");
        if (i == selected)
            for (size_t k = first; k < stack->count; k++) stack->lines[k].selected = true;
        /* its locals ("No locals." left out), or why they cannot be told (a frame in the middle of its return) */
        hack_debugger_frame frame;
        const bool in_flux = hack_debugger_frames(d, (size_t)i, &frame, 1, NULL) == 1 && frame.in_flux;
        if (in_flux || hack_debugger_variables(d, (size_t)i, HACK_DEBUGGER_LOCALS, NULL, 0) > 0)
            add_lines(stack, ask(panel, "info locals"), "  ");
        if (hack_debugger_frame_is_function(d, i)) continue; /* a function has no `this` */
        hack_debugger_variable self;
        char error[200];
        if (!hack_debugger_evaluate(d, "this", &self, error, sizeof error) || self.value == 0) continue; /* null */
        const char *object = ask(panel, "print *this"); /* "*this = (Game) 2048 {...}", shown as "this = ..." */
        add_lines(stack, object + (*object == '*'), "  ");
    }
    char command[32];
    snprintf(command, sizeof command, "frame %d", selected); /* as the user left it */
    ask(panel, command);
}

static void build_memory(debug_panel *panel)
{
    pane *memory = &panel->panes[PANE_MEMORY];
    memory->count = 0;
    uint16_t sp = hack_machine_ram(panel->machine, 0);
    snprintf(memory->title, sizeof memory->title, "RAM: the stack's top words, the heap");
    if (sp >= 16 && sp < HACK_SCREEN) {
        char command[40];
        snprintf(command, sizeof command, "x/16 %u", (unsigned)(sp - 16));
        add_lines(memory, ask(panel, command), "");
    }
    add_lines(memory, ask(panel, "info heap"), "");
}

static void echo_view(debug_panel *panel)
{
    if (!panel->echo) return;
    build_source(panel, 11);
    static const char *const names[PANE_COUNT] = {"source", "stack", "memory"};
    for (int i = 0; i < PANE_COUNT; i++) {
        const pane *p = &panel->panes[i];
        fprintf(panel->echo, "view %s: %s\n", names[i], p->title);
        for (size_t k = 0; k < p->count && k < 24; k++)
            fprintf(panel->echo, "view %s|%s %s\n", names[i], p->lines[k].selected ? ">" : "", p->lines[k].text);
    }
    fflush(panel->echo);
}

void debug_panel_stopped(debug_panel *panel)
{
    panel->here = panel->cursor = hack_debugger_here(panel->debugger);
    build_stack(panel);
    build_memory(panel);
    echo_view(panel);
}

void debug_panel_paused(debug_panel *panel)
{
    int own = hack_debugger_own_frame(panel->debugger);
    if (own > 0) {
        char command[32];
        snprintf(command, sizeof command, "frame %d", own);
        ask(panel, command);
    }
    debug_panel_stopped(panel);
}

bool debug_panel_typing(const debug_panel *panel)
{
    return panel->typing;
}

/* A command typed in the field: those that run the program without end are the window's (it runs it in
 * slices and stays responsive); the rest go to the engine, their answers to the messages. */
static panel_key run_command(debug_panel *panel, const char *line)
{
    while (*line == ' ') line++;
    char echoed[INPUT_MAX + 16];
    snprintf(echoed, sizeof echoed, "(hackdb) %s\n", line);
    debug_panel_say(panel, echoed);
    size_t word = strcspn(line, " /");
    const char *rest = line + word;
    while (*rest == ' ') rest++;
#define IS(name) (word == strlen(name) && strncmp(line, name, word) == 0)
    if (IS("c") || IS("continue")) return hack_debugger_finished(panel->debugger) ? PANEL_KEY_DONE : PANEL_KEY_CONTINUE;
    if ((IS("r") || IS("run")) && !*rest) return PANEL_KEY_RUN;
    if (IS("reset")) return PANEL_KEY_RESET;
    if (IS("q") || IS("quit")) return PANEL_KEY_QUIT;
#undef IS
    if (!*line) return PANEL_KEY_DONE; /* an empty line repeats a step: Enter on an empty field only leaves it */
    hack_debugger_command(panel->debugger, line);
    debug_panel_stopped(panel);
    return PANEL_KEY_DONE;
}

static void recall(debug_panel *panel, int step)
{
    int at = panel->history_at + step;
    if (at < 0 || at > panel->history_count) return;
    panel->history_at = at;
    snprintf(panel->input, sizeof panel->input, "%s", at < panel->history_count ? panel->history[at] : "");
    panel->input_length = strlen(panel->input);
}

static panel_key typing_key(debug_panel *panel, SDL_Keycode key)
{
    switch (key) {
    case SDLK_RETURN:
    case SDLK_KP_ENTER: {
        char line[INPUT_MAX];
        snprintf(line, sizeof line, "%s", panel->input);
        panel->typing = false;
        panel->input_length = 0;
        panel->input[0] = '\0';
        if (line[0] && (panel->history_count == 0 || strcmp(panel->history[panel->history_count - 1], line) != 0)) {
            if (panel->history_count == HISTORY_MAX) {
                memmove(panel->history[0], panel->history[1], sizeof panel->history[0] * (HISTORY_MAX - 1));
                panel->history_count--;
            }
            snprintf(panel->history[panel->history_count++], INPUT_MAX, "%s", line);
        }
        panel->history_at = panel->history_count;
        return run_command(panel, line);
    }
    case SDLK_ESCAPE:
        panel->typing = false;
        panel->input_length = 0;
        panel->input[0] = '\0';
        return PANEL_KEY_DONE;
    case SDLK_BACKSPACE:
        if (panel->input_length) panel->input[--panel->input_length] = '\0';
        return PANEL_KEY_DONE;
    case SDLK_UP: recall(panel, -1); return PANEL_KEY_DONE;
    case SDLK_DOWN: recall(panel, 1); return PANEL_KEY_DONE;
    default: return PANEL_KEY_DONE; /* the characters come as text input */
    }
}

static void start_typing(debug_panel *panel)
{
    panel->typing = true;
    panel->input_length = 0;
    panel->input[0] = '\0';
    panel->history_at = panel->history_count;
}

bool debug_panel_text_input(debug_panel *panel, const char *text)
{
    if (!panel->typing) {
        if (strcmp(text, ":") != 0) return false;
        start_typing(panel);
        return true;
    }
    for (const char *c = text; *c; c++)
        if ((unsigned char)*c >= 32 && (unsigned char)*c < 127 && panel->input_length + 1 < sizeof panel->input) {
            panel->input[panel->input_length++] = *c;
            panel->input[panel->input_length] = '\0';
        }
    return true;
}

panel_key debug_panel_key(debug_panel *panel, SDL_Keycode key, uint16_t mod)
{
    hack_debugger *d = panel->debugger;
    if (mod & (KMOD_CTRL | KMOD_ALT | KMOD_GUI)) return PANEL_KEY_IGNORED;
    if (panel->typing) return typing_key(panel, key);
    const char *command = NULL;
    bool shift = (mod & KMOD_SHIFT) != 0;
    switch (key) {
    case SDLK_RETURN:
    case SDLK_KP_ENTER: start_typing(panel); return PANEL_KEY_DONE;
    case SDLK_F5:
    case SDLK_c: return hack_debugger_finished(d) ? PANEL_KEY_DONE : PANEL_KEY_CONTINUE;
    case SDLK_F10:
    case SDLK_n: command = "next"; break;
    case SDLK_F11: command = shift ? "finish" : "step"; break;
    case SDLK_s: command = "step"; break;
    case SDLK_f: command = "finish"; break;
    case SDLK_i: command = "stepi"; break;
    case SDLK_u:
    case SDLK_d:
        ask(panel, key == SDLK_u ? "up" : "down");
        debug_panel_stopped(panel);
        return PANEL_KEY_DONE;
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
        debug_panel_say(panel, "The program has stopped: Ctrl+R starts it again.\n");
        return PANEL_KEY_DONE;
    }
    hack_debugger_command(d, command);
    debug_panel_stopped(panel);
    return PANEL_KEY_DONE;
}

/* ---- drawing ---- */

#define BACKGROUND 0xFF202428u
#define PANE 0xFF2B3036u
#define TITLE 0xFF3D4A66u
#define TEXT 0xFFE8E8E8u
#define DIM 0xFF9AA3ADu
#define CURRENT 0xFF6B5A00u
#define CURSOR 0xFF2F4F7Fu
#define SELECTED 0xFF3A4A3Au
#define BREAKPOINT 0xFFFF5050u
#define FIELD 0xFF14171Au

typedef struct {
    int x, y, w, h;
} box;

typedef struct {
    canvas *c;
    int scale, cell, line; /* the text scale; a character's width and a row's height, in pixels */
} ink;

static int columns_in(const ink *k, int w)
{
    return (w - 4 * k->scale) / k->cell;
}

static int rows_in(const ink *k, int h)
{
    int rows = (h - k->line - 2 * k->scale) / k->line;
    return rows > 0 ? rows : 0;
}

/* A pane's frame and title bar; returns where its rows go. */
static box draw_frame(const ink *k, const char *title, box b)
{
    canvas_fill(k->c, b.x, b.y, b.w, b.h, PANE);
    canvas_fill(k->c, b.x, b.y, b.w, k->line + k->scale, TITLE);
    text_row row = text_fit(title, strlen(title), columns_in(k, b.w));
    canvas_row(k->c, b.x + 2 * k->scale, b.y + k->scale, title, row, k->scale, TEXT);
    return (box){b.x, b.y + k->line + 2 * k->scale, b.w, b.h - k->line - 2 * k->scale};
}

/* The source pane: a line a row, cut at its end. */
static void draw_source(const ink *k, const pane *p, box b)
{
    box rows = draw_frame(k, p->title, b);
    int columns = columns_in(k, b.w), y = rows.y;
    for (size_t i = 0; i < p->count && y + k->line <= rows.y + rows.h; i++, y += k->line) {
        const view_line *l = &p->lines[i];
        if (l->current) canvas_fill(k->c, b.x, y, b.w, k->line, CURRENT);
        else if (l->cursor) canvas_fill(k->c, b.x, y, b.w, k->line, CURSOR);
        if (l->current && l->cursor) canvas_fill(k->c, b.x, y, 3 * k->scale, k->line, 0xFF6FA0FFu);
        canvas_row(k->c, b.x + 2 * k->scale, y + k->scale / 2, l->text, text_fit_code(l->text, strlen(l->text), columns),
                   k->scale, TEXT);
        if (l->breakpoint) canvas_fill(k->c, b.x + 2 * k->scale + k->cell, y + 2 * k->scale, 6 * k->scale, 7 * k->scale, BREAKPOINT);
    }
}

/* A pane of wrapped lines, from the top. */
static void draw_wrapped(const ink *k, const pane *p, box b)
{
    box rows = draw_frame(k, p->title, b);
    int columns = columns_in(k, b.w), y = rows.y, last = rows.y + rows.h;
    for (size_t i = 0; i < p->count && y + k->line <= last; i++) {
        const view_line *l = &p->lines[i];
        text_row wrapped[16];
        size_t room = (size_t)((last - y) / k->line), count;
        count = text_wrap(l->text, columns, WRAP_INDENT, wrapped, room < 16 ? room : 16);
        if (l->selected) canvas_fill(k->c, b.x, y, b.w, (int)count * k->line, SELECTED);
        for (size_t r = 0; r < count; r++, y += k->line)
            canvas_row(k->c, b.x + 2 * k->scale, y + k->scale / 2, l->text, wrapped[r], k->scale, TEXT);
    }
}

/* The messages, the latest at the bottom, over the command field. */
static void draw_messages(const ink *k, const debug_panel *panel, box b)
{
    box rows = draw_frame(k, "Messages", b);
    int columns = columns_in(k, b.w);
    int field_y = rows.y + rows.h - k->line - k->scale;
    canvas_fill(k->c, b.x, field_y - k->scale, b.w, k->line + 2 * k->scale, FIELD);
    if (panel->typing) {
        char shown[INPUT_MAX + 4];
        snprintf(shown, sizeof shown, "> %s", panel->input);
        size_t n = strlen(shown);
        size_t from = n + 1 > (size_t)columns ? n + 1 - (size_t)columns : 0; /* the end of a long command */
        canvas_text(k->c, b.x + 2 * k->scale, field_y, shown + from, n - from, k->scale, TEXT);
        canvas_fill(k->c, b.x + 2 * k->scale + (int)(n - from) * k->cell, field_y, k->cell, CANVAS_FONT_H * k->scale, TEXT);
    } else {
        const char *hint = "Enter: type a command (help lists them)";
        canvas_row(k->c, b.x + 2 * k->scale, field_y, hint, text_fit(hint, strlen(hint), columns), k->scale, DIM);
    }
    /* the latest messages that fit, each wrapped, bottom up */
    int y = field_y - 2 * k->scale;
    for (int i = panel->log_count - 1; i >= 0 && y - k->line >= rows.y; i--) {
        text_row wrapped[16];
        size_t count = text_wrap(panel->log[i], columns, WRAP_INDENT, wrapped, 16);
        size_t room = (size_t)((y - rows.y) / k->line), skip = count > room ? count - room : 0;
        y -= (int)(count - skip) * k->line;
        for (size_t r = skip; r < count; r++)
            canvas_row(k->c, b.x + 2 * k->scale, y + (int)(r - skip) * k->line + k->scale / 2, panel->log[i], wrapped[r],
                       k->scale, TEXT);
    }
}

/* The Hack screen at a whole-number scale, black on white. */
static void draw_screen(canvas *c, const uint16_t *screen, int x0, int y0, int scale)
{
    for (int y = 0; y < HACK_SCREEN_HEIGHT; y++)
        for (int x = 0; x < HACK_SCREEN_WIDTH; x++)
            canvas_fill(c, x0 + x * scale, y0 + y * scale, scale, scale,
                        (screen[y * 32 + (x >> 4)] >> (x & 15)) & 1u ? 0xFF000000u : 0xFFFFFFFFu);
}

/* The keys, along the bottom. */
static void draw_keys(const ink *k, box b)
{
    static const char keys[] = "n next  s step  f finish  c continue  b break  u/d frame  Enter: command  i stepi  "
                               "Ctrl+D: screen  Ctrl+R: restart";
    canvas_fill(k->c, b.x, b.y, b.w, b.h, TITLE);
    canvas_row(k->c, b.x + 2 * k->scale, b.y + k->scale, keys, text_fit(keys, strlen(keys), columns_in(k, b.w)),
               k->scale, TEXT);
}

void debug_panel_render(debug_panel *panel, const uint16_t *screen, canvas *c)
{
    const int w = c->w, h = c->h;
    const int scale = text_scale(w, h);
    ink k = {c, scale, CANVAS_FONT_W * scale, CANVAS_LINE_H * scale};
    const int gap = 2 * scale;
    canvas_fill(c, 0, 0, w, h, BACKGROUND);
    int keys_h = k.line + 2 * scale, body_h = h - keys_h - gap;
    draw_keys(&k, (box){0, h - keys_h, w, keys_h});
    /* two columns when the left one keeps 40 characters beside the Hack screen's width (or 30 characters) */
    int right_w = HACK_SCREEN_WIDTH > 30 * k.cell ? HACK_SCREEN_WIDTH : 30 * k.cell;
    bool two_columns = w - right_w - gap >= 40 * k.cell;
    int left_w = two_columns ? w - right_w - gap : w;
    box source, messages;
    if (two_columns) {
        int x = left_w + gap, y = 0, screen_scale = right_w / HACK_SCREEN_WIDTH;
        if (body_h - HACK_SCREEN_HEIGHT * screen_scale >= 12 * k.line) { /* the screen, when the stack keeps room */
            draw_screen(c, screen, x + (right_w - HACK_SCREEN_WIDTH * screen_scale) / 2, 0, screen_scale);
            y = HACK_SCREEN_HEIGHT * screen_scale + gap;
        }
        int rest = body_h - y, memory_h = rest >= 40 * k.line ? rest * 2 / 5 : 0;
        draw_wrapped(&k, &panel->panes[PANE_STACK], (box){x, y, right_w, rest - memory_h - (memory_h ? gap : 0)});
        if (memory_h) draw_wrapped(&k, &panel->panes[PANE_MEMORY], (box){x, body_h - memory_h, right_w, memory_h});
        int messages_h = body_h * 2 / 5 > 8 * k.line ? body_h * 2 / 5 : 8 * k.line;
        source = (box){0, 0, left_w, body_h - messages_h - gap};
        messages = (box){0, body_h - messages_h, left_w, messages_h};
    } else { /* one column: the call stack, the source, the messages */
        int stack_h = body_h * 3 / 10, messages_h = body_h * 3 / 10;
        draw_wrapped(&k, &panel->panes[PANE_STACK], (box){0, 0, w, stack_h});
        source = (box){0, stack_h + gap, w, body_h - stack_h - messages_h - 2 * gap};
        messages = (box){0, body_h - messages_h, w, messages_h};
    }
    build_source(panel, (size_t)rows_in(&k, source.h));
    draw_source(&k, &panel->panes[PANE_SOURCE], source);
    draw_messages(&k, panel, messages);
}
