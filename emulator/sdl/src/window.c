#define _POSIX_C_SOURCE 200809L
#include "hack/window.h"

#include "hack/keymap.h"
#include "hack/screenshot.h"
#include "hack/speed.h"

#include "debug_panel.h"
#include "display_probe.h"
#include "sdl_dynamic.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef enum { STATE_RUNNING, STATE_PAUSED, STATE_HALTED, STATE_FAULT } run_state;

typedef struct {
    hack_session *session;
    hack_machine *machine;
    const hack_window_options *options;
    const hack_window_callbacks *callbacks;
    SDL_Window *window;
    SDL_Renderer *renderer;
    SDL_Texture *texture;
    uint16_t shown[HACK_SCREEN_WORDS]; /* the screen as last drawn */
    bool must_draw;
    run_state state;
    SDL_Keycode held; /* the key whose code is in the keyboard register */
    uint64_t frames, presents, cycles_run;
    double running_seconds;
    int screenshot_count;
    int last_reason;
    bool waiting_key; /* the program waits for a key: the window sleeps until one comes */
    bool show_heap;   /* Ctrl+H: the heap map instead of the screen */
    SDL_Texture *map_texture;
    uint8_t *map_pixels;
    char map_caption[200];
    uint64_t hz;        /* the target speed (--hz, the speed keys); 0: full speed */
    double hz_credit;   /* instructions owed under a target */
    double credit_time; /* when the credit was last brought up to date (0: not running) */
    bool in_wait;       /* the program's last stop was a real-time Sys.wait */
    double wait_seconds;  /* spent sleeping in those waits */
    double busy_seconds;  /* spent running instructions */
    double running_speed; /* instructions a second while running them, over the last title interval */
    bool retitle;         /* the title must change now (the speed keys) */
    debug_panel *panel;   /* the debugger, from the first pause on */
    bool show_panel;      /* its view while paused (Ctrl+D) */
    bool paused_at_stop;  /* the last pause was the debugger's (a breakpoint, a watchpoint): its frame stays */
    bool grown;           /* the window was made larger for the debug view, once */
    SDL_Texture *panel_texture;
    uint64_t printed_view_hash; /* --print-view: the hash of the view's pixels last printed */
    uint32_t *panel_pixels;
    int panel_w, panel_h;
    hack_session_stop last_stop; /* the program's stop for good, for a debugger made after it */
    char stop_text[4096];        /* what that stop means (an error, its Jack line, the call stack) */
    bool stop_text_hidden;       /* Esc hid it from over the screen */
} app;

/* Under a target speed, the instructions owed never exceed this much time's worth: no burst after a stall. */
static const double CREDIT_SECONDS = 0.05;

uint64_t hack_window_now_ms(void)
{
    return SDL_GetTicks64();
}

static double seconds(void)
{
    return (double)SDL_GetPerformanceCounter() / (double)SDL_GetPerformanceFrequency();
}

static double cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void update_title(app *a, const hack_speed_sample *sample)
{
    static const char *const states[] = {"running", "paused", "halted", "stopped: machine error"};
    char title[256], speed[128];
    if (a->show_heap && a->map_caption[0]) {
        snprintf(title, sizeof title, "%s - hackemu - %s", a->options->name, a->map_caption);
    } else if (a->state == STATE_RUNNING) {
        hack_speed_describe(sample, speed, sizeof speed);
        snprintf(title, sizeof title, "%s - hackemu - %s", a->options->name, speed);
    } else
        snprintf(title, sizeof title, "%s - hackemu - %s (cycle %llu)", a->options->name, states[a->state],
                 (unsigned long long)hack_machine_cycles(a->machine));
    SDL_SetWindowTitle(a->window, title);
}

/* Where the screen goes in the window: the largest whole-number scale that fits, centred. */
static SDL_Rect screen_rect(app *a)
{
    int w, h;
    SDL_GetRendererOutputSize(a->renderer, &w, &h);
    int scale = w / HACK_SCREEN_WIDTH < h / HACK_SCREEN_HEIGHT ? w / HACK_SCREEN_WIDTH : h / HACK_SCREEN_HEIGHT;
    if (scale < 1) scale = 1;
    SDL_Rect r = {(w - HACK_SCREEN_WIDTH * scale) / 2, (h - HACK_SCREEN_HEIGHT * scale) / 2, HACK_SCREEN_WIDTH * scale,
                  HACK_SCREEN_HEIGHT * scale};
    return r;
}

enum { MAP_WIDTH = 512, MAP_HEIGHT = 448 };

/* A frame: texture at r on the gray background. */
static void present(app *a, SDL_Texture *texture, SDL_Rect r)
{
    SDL_SetRenderDrawColor(a->renderer, 96, 96, 96, 255);
    SDL_RenderClear(a->renderer);
    SDL_RenderCopy(a->renderer, texture, NULL, &r);
    SDL_RenderPresent(a->renderer);
    a->presents++;
}

/* Where the map goes: scaled by a whole number, centred (or fitted, when the window is smaller). */
static SDL_Rect map_rect(app *a)
{
    int w, h;
    SDL_GetRendererOutputSize(a->renderer, &w, &h);
    int scale = w / MAP_WIDTH < h / MAP_HEIGHT ? w / MAP_WIDTH : h / MAP_HEIGHT;
    if (scale < 1) scale = 1;
    SDL_Rect r = {(w - MAP_WIDTH * scale) / 2, (h - MAP_HEIGHT * scale) / 2, MAP_WIDTH * scale, MAP_HEIGHT * scale};
    if (r.w > w || r.h > h) { /* smaller than the map: fit it, crispness aside */
        r = (SDL_Rect){0, 0, w, w * MAP_HEIGHT / MAP_WIDTH};
        if (r.h > h) r = (SDL_Rect){0, 0, h * MAP_WIDTH / MAP_HEIGHT, h};
    }
    return r;
}

/* A window-size canvas (the debug view's, and the heap map's margins), in a streaming texture. */
static bool window_canvas(app *a, canvas *c)
{
    int w, h;
    SDL_GetRendererOutputSize(a->renderer, &w, &h);
    if (w <= 0 || h <= 0) return false;
    if (!a->panel_texture || w != a->panel_w || h != a->panel_h) {
        if (a->panel_texture) SDL_DestroyTexture(a->panel_texture);
        free(a->panel_pixels);
        a->panel_texture = SDL_CreateTexture(a->renderer, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, w, h);
        a->panel_pixels = malloc((size_t)w * (size_t)h * 4);
        a->panel_w = w;
        a->panel_h = h;
    }
    if (!a->panel_texture || !a->panel_pixels) return false;
    *c = (canvas){a->panel_pixels, w, h, w};
    return true;
}

/* Around the heap map: its addresses on the left (a mark every 1024 words, 8 rows of 128), what the colours
 * mean on the right, when there is room. */
static void draw_map_margins(canvas *c, SDL_Rect r)
{
    const uint32_t text = 0xFFF0F0F0u;
    canvas_fill(c, 0, 0, c->w, c->h, 0xFF606060u);
    if (r.y >= 14) canvas_text(c, r.x, r.y - 13, "RAM 2048..16383, 128 words a row", (size_t)(r.w / 8), 1, text);
    for (int k = 0; r.x >= 56 && k <= 14; k++) {
        int y = r.y + (int)((long)k * 8 * r.h / 112);
        char address[8];
        snprintf(address, sizeof address, "%d", 2048 + 1024 * k);
        canvas_fill(c, r.x - 6, y, 6, 1, text);
        canvas_text(c, r.x - 8 - 8 * (int)strlen(address), y - 5, address, 6, 1, text);
    }
    static const struct {
        uint32_t colour;
        const char *meaning;
    } legend[] = {{0xFFFFFFFFu, "free word"},          {0xFFCDCDCDu, "free block: size, next"},
                  {0xFF464646u, "live block's header"}, {0xFF285AC8u, "live block"},
                  {0xFF6EA0F0u, "neighbouring live block"},      {0xFFF08C14u, "latest allocations"},
                  {0xFFC81E1Eu, "broken header"},       {0xFFFAF0BEu, "own Memory: in no live block"}};
    int x = r.x + r.w + 10, columns = (c->w - x - 16) / 8;
    if (columns < 8) return;
    canvas_text(c, x, r.y, "Legend", (size_t)(columns), 1, text);
    for (size_t i = 0; i < sizeof legend / sizeof legend[0]; i++) {
        int y = r.y + 18 + 16 * (int)i;
        canvas_fill(c, x, y, 11, 11, 0xFF000000u);
        canvas_fill(c, x + 1, y + 1, 9, 9, legend[i].colour);
        canvas_text(c, x + 16, y, legend[i].meaning, (size_t)(columns - 2), 1, text);
    }
}

static void draw_heap_map(app *a)
{
    if (!a->map_texture) {
        a->map_texture = SDL_CreateTexture(a->renderer, SDL_PIXELFORMAT_RGB24, SDL_TEXTUREACCESS_STREAMING, MAP_WIDTH,
                                           MAP_HEIGHT);
        a->map_pixels = malloc((size_t)MAP_WIDTH * MAP_HEIGHT * 3);
        if (!a->map_texture || !a->map_pixels) return;
    }
    a->callbacks->heap_map(a->callbacks->context, a->map_pixels, a->map_caption, sizeof a->map_caption);
    SDL_UpdateTexture(a->map_texture, NULL, a->map_pixels, MAP_WIDTH * 3);
    SDL_Rect r = map_rect(a);
    canvas c;
    if (!window_canvas(a, &c)) {
        present(a, a->map_texture, r);
        return;
    }
    draw_map_margins(&c, r);
    SDL_UpdateTexture(a->panel_texture, NULL, a->panel_pixels, c.w * 4);
    SDL_RenderClear(a->renderer);
    SDL_RenderCopy(a->renderer, a->panel_texture, NULL, &(SDL_Rect){0, 0, c.w, c.h});
    SDL_RenderCopy(a->renderer, a->map_texture, NULL, &r);
    SDL_RenderPresent(a->renderer);
    a->presents++;
}

/* The debug view is shown while the program is paused or has stopped for good, until Ctrl+D hides it. */
static bool panel_shown(const app *a)
{
    return a->panel && a->show_panel && a->state != STATE_RUNNING && !(a->show_heap && a->callbacks->heap_map);
}

/* The size the debug view asks for when the window is smaller (once: a size the user makes stays). */
enum { PANEL_WIDTH = 1280, PANEL_HEIGHT = 800 };

static void grow_for_panel(app *a)
{
    if (a->grown) return;
    a->grown = true;
    int w, h;
    SDL_GetWindowSize(a->window, &w, &h);
    SDL_Rect usable;
    int display = SDL_GetWindowDisplayIndex(a->window);
    if (display < 0 || SDL_GetDisplayUsableBounds(display, &usable) != 0) return;
    int want_w = PANEL_WIDTH < usable.w ? PANEL_WIDTH : usable.w, want_h = PANEL_HEIGHT < usable.h ? PANEL_HEIGHT : usable.h;
    if (w >= want_w && h >= want_h) return;
    SDL_SetWindowSize(a->window, w > want_w ? w : want_w, h > want_h ? h : want_h);
    SDL_SetWindowPosition(a->window, SDL_WINDOWPOS_CENTERED_DISPLAY(display), SDL_WINDOWPOS_CENTERED_DISPLAY(display));
}

/* The debug view, the size of the window. */
static void draw_panel(app *a)
{
    canvas c;
    if (!window_canvas(a, &c)) return;
    debug_panel_render(a->panel, hack_machine_screen(a->machine), &c);
    if (a->options->print_view) { /* the view's pixels, for tests to compare with a picture checked by eye */
        uint64_t hash = 14695981039346656037u;
        for (int y = 0; y < c.h; y++)
            for (int x = 0; x < c.w; x++) hash = (hash ^ c.pixels[(size_t)y * (size_t)c.pitch + (size_t)x]) * 1099511628211u;
        if (hash != a->printed_view_hash) printf("view pixels| %dx%d %016llx\n", c.w, c.h, (unsigned long long)hash);
        a->printed_view_hash = hash;
        fflush(stdout);
    }
    SDL_UpdateTexture(a->panel_texture, NULL, a->panel_pixels, c.w * 4);
    present(a, a->panel_texture, (SDL_Rect){0, 0, c.w, c.h});
}

/* A program stopped by an error says so over its screen (what the error means, its Jack line, the call
 * stack), until Esc hides it; the screen stays as the program left it (the course's ERR code in its corner). */
static bool stop_text_shown(const app *a)
{
    return (a->state == STATE_HALTED || a->state == STATE_FAULT) && a->stop_text[0] && !a->stop_text_hidden;
}

enum { STOP_TEXT_ROWS = 16 };

/* The stop's text in rows of the window's width: its lines wrapped, then what the user can do. */
static size_t stop_text_rows(const char *text, int columns, text_row *rows, const char **starts, size_t max)
{
    static const char hint[] = "Ctrl+D: debug view at the fault  Ctrl+R: run again  Esc: hide";
    size_t count = 0;
    for (const char *line = text; *line && count + 1 < max;) {
        size_t n = strcspn(line, "\n");
        char one[1024];
        snprintf(one, sizeof one, "%.*s", (int)n, line);
        text_row wrapped[STOP_TEXT_ROWS];
        size_t got = text_wrap(one, columns, 4, wrapped, max - 1 - count);
        for (size_t i = 0; i < got; i++) {
            wrapped[i].start += (size_t)(line - text); /* rows of the whole text */
            rows[count] = wrapped[i];
            starts[count++] = text;
        }
        line += n;
        if (*line) line++;
    }
    rows[count] = text_fit(hint, strlen(hint), columns);
    starts[count++] = hint;
    return count;
}

/* The screen, and the stop's text in a band over the half of the screen with less drawn on it. */
static void present_with_stop_text(app *a)
{
    canvas c;
    SDL_Rect screen = screen_rect(a);
    if (!window_canvas(a, &c)) {
        present(a, a->texture, screen);
        return;
    }
    const int scale = text_scale(c.w, c.h), cell = CANVAS_FONT_W * scale, line = CANVAS_LINE_H * scale;
    text_row rows[STOP_TEXT_ROWS];
    const char *starts[STOP_TEXT_ROWS];
    size_t count = stop_text_rows(a->stop_text, (c.w - 4 * scale) / cell, rows, starts, STOP_TEXT_ROWS);
    int band_h = (int)count * line + 4 * scale;
    if (band_h > c.h) band_h = c.h;
    /* the ink in the top and the bottom rows the band would cover (in Hack rows) */
    int hack_rows = band_h * HACK_SCREEN_HEIGHT / (screen.h > 0 ? screen.h : 1) + 1;
    if (hack_rows > HACK_SCREEN_HEIGHT) hack_rows = HACK_SCREEN_HEIGHT;
    long top_ink = 0, bottom_ink = 0;
    const uint16_t *ram = hack_machine_screen(a->machine);
    for (int y = 0; y < hack_rows; y++)
        for (int w = 0; w < 32; w++) {
            for (uint16_t v = ram[y * 32 + w]; v; v &= (uint16_t)(v - 1)) top_ink++;
            for (uint16_t v = ram[(HACK_SCREEN_HEIGHT - 1 - y) * 32 + w]; v; v &= (uint16_t)(v - 1)) bottom_ink++;
        }
    SDL_Rect band = {0, bottom_ink <= top_ink ? c.h - band_h : 0, c.w, band_h};
    canvas_fill(&c, band.x, band.y, band.w, band.h, 0xFF3A1010u);
    canvas_fill(&c, band.x, band.y == 0 ? band.h - scale : 0, band.w, scale, 0xFFE05050u);
    for (size_t i = 0; i < count; i++)
        canvas_row(&c, 2 * scale, band.y + 2 * scale + (int)i * line, starts[i], rows[i], scale,
                   i == 0 ? 0xFFFFD0D0u : i + 1 == count ? 0xFFFFE080u : 0xFFF0F0F0u);
    SDL_UpdateTexture(a->panel_texture, &band, a->panel_pixels + (size_t)band.y * (size_t)c.pitch, c.pitch * 4);
    SDL_SetRenderDrawColor(a->renderer, 96, 96, 96, 255);
    SDL_RenderClear(a->renderer);
    SDL_RenderCopy(a->renderer, a->texture, NULL, &screen);
    SDL_RenderCopy(a->renderer, a->panel_texture, &band, &band);
    SDL_RenderPresent(a->renderer);
    a->presents++;
}

static void draw(app *a)
{
    if (panel_shown(a)) {
        grow_for_panel(a);
        if (a->must_draw) draw_panel(a);
        a->must_draw = false;
        return;
    }
    if (a->show_heap && a->callbacks->heap_map) {
        draw_heap_map(a);
        a->must_draw = true; /* the screen again when the map goes */
        return;
    }
    const uint16_t *screen = hack_machine_screen(a->machine);
    if (a->must_draw || memcmp(screen, a->shown, sizeof a->shown) != 0) {
        void *pixels;
        int pitch;
        if (SDL_LockTexture(a->texture, NULL, &pixels, &pitch) == 0) {
            for (int y = 0; y < HACK_SCREEN_HEIGHT; y++) {
                uint32_t *row = (uint32_t *)((uint8_t *)pixels + (size_t)y * (size_t)pitch);
                for (int x = 0; x < HACK_SCREEN_WIDTH; x++)
                    row[x] = (screen[y * 32 + (x >> 4)] >> (x & 15)) & 1u ? 0xFF000000u : 0xFFFFFFFFu;
            }
            SDL_UnlockTexture(a->texture);
        }
        memcpy(a->shown, screen, sizeof a->shown);
        a->must_draw = false;
        if (stop_text_shown(a))
            present_with_stop_text(a);
        else
            present(a, a->texture, screen_rect(a));
    }
}

/* The window's pixels, as shown, to a PNG (the same writer as headless screenshots): the screen in black and
 * white, or the heap map in colour; whole: all of the window as it is, in colour (Ctrl+Shift+S). */
static void save_screenshot(app *a, const char *path, bool whole)
{
    const bool text_hidden = a->stop_text_hidden;
    if (!whole) a->stop_text_hidden = true; /* the screen as the program left it, without the message over it */
    a->must_draw = true;
    draw(a);
    bool shown = panel_shown(a), map = whole || shown || (a->show_heap && a->callbacks->heap_map);
    int window_w = 0, window_h = 0;
    SDL_GetRendererOutputSize(a->renderer, &window_w, &window_h);
    /* the debug view, and Ctrl+S of the heap map (with its legend), are the whole window; --screenshot of the
     * map is the map alone, the picture --heap-map writes headless */
    SDL_Rect r = whole || ((shown || (map && !path)) && a->panel_texture) ? (SDL_Rect){0, 0, window_w, window_h}
                 : map                                                  ? map_rect(a)
                                                                        : screen_rect(a);
    uint32_t *argb = malloc((size_t)r.w * (size_t)r.h * 4);
    uint8_t *out = malloc((size_t)r.w * (size_t)r.h * (map ? 3 : 1));
    char name[64];
    if (!path) { /* the first name not taken, in this session or an earlier one */
        for (;;) {
            snprintf(name, sizeof name, "hackemu-%d.png", ++a->screenshot_count);
            FILE *taken = fopen(name, "rb");
            if (!taken) break;
            fclose(taken);
        }
        path = name;
    }
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    if (argb && out && SDL_RenderReadPixels(a->renderer, &r, SDL_PIXELFORMAT_ARGB8888, argb, r.w * 4) == 0) {
        size_t n = (size_t)r.w * (size_t)r.h;
        bool written;
        if (map) {
            for (size_t i = 0; i < n; i++) {
                out[3 * i] = (uint8_t)(argb[i] >> 16);
                out[3 * i + 1] = (uint8_t)(argb[i] >> 8);
                out[3 * i + 2] = (uint8_t)argb[i];
            }
            written = hack_png_write_rgb(out, r.w, r.h, path, &diags);
        } else {
            for (size_t i = 0; i < n; i++) out[i] = (argb[i] & 0xFFu) >= 128 ? 255 : 0;
            written = hack_png_write_gray(out, r.w, r.h, path, &diags);
        }
        if (written) fprintf(stderr, "hackemu: screenshot %s\n", path);
    } else {
        fprintf(stderr, "hackemu: cannot read the window's pixels: %s\n", SDL_GetError());
    }
    hack_diag_list_print(stderr, &diags);
    hack_diag_list_free(&diags);
    free(argb);
    free(out);
    a->stop_text_hidden = text_hidden;
    a->must_draw = true;
}

/* What a stop of the program means for the window: false when it can go on. */
static bool stopped(app *a, hack_session_stop stop)
{
    switch (stop.state) {
    case HACK_SESSION_BUDGET:
    case HACK_SESSION_DEBUG: /* a word of the debugger's own (its breakpoints stop in run_slice) */
    case HACK_SESSION_WAITING_KEY:
    case HACK_SESSION_WAITING_TIME: return false;
    case HACK_SESSION_HALTED:
    case HACK_SESSION_SYS_ERROR: a->state = STATE_HALTED; break;
    case HACK_SESSION_FAULT:
    case HACK_SESSION_HEAP_ERROR:
    case HACK_SESSION_STACK_ERROR: a->state = STATE_FAULT; break;
    }
    a->last_reason = (int)stop.state;
    a->last_stop = stop;
    a->stop_text[0] = '\0';
    a->stop_text_hidden = false;
    if (stop.state != HACK_SESSION_HALTED && a->callbacks->describe_stop)
        a->callbacks->describe_stop(a->callbacks->context, stop, a->stop_text, sizeof a->stop_text);
    if (a->callbacks->report_stop) a->callbacks->report_stop(a->callbacks->context, a->machine, stop);
    if (a->options->print_view) { /* what the window says, for tests */
        for (const char *line = a->stop_text; *line;) {
            size_t n = strcspn(line, "\n");
            printf("window message| %.*s\n", (int)n, line);
            line += n;
            if (*line) line++;
        }
        fflush(stdout);
    }
    if (a->panel) { /* the debugger took the stop as the end: its view shows where */
        debug_panel_say(a->panel, a->stop_text[0] ? a->stop_text : "The program halted.\n");
        debug_panel_paused(a->panel);
    }
    a->must_draw = true;
    return true;
}

/* Runs instructions for about `slice` seconds (under a target speed, the instructions the time since the last
 * slice is worth), stopping exactly at the budget and the screenshot cycle. */
static void run_slice(app *a, double slice)
{
    const hack_window_options *o = a->options;
    double start = seconds();
    uint64_t owed = UINT64_MAX;
    if (a->hz) {
        if (a->credit_time > 0) a->hz_credit += (double)a->hz * (start - a->credit_time);
        a->credit_time = start;
        if (a->hz_credit > (double)a->hz * CREDIT_SECONDS) a->hz_credit = (double)a->hz * CREDIT_SECONDS;
        owed = a->hz_credit >= 1 ? (uint64_t)a->hz_credit : 0;
    }
    while (a->state == STATE_RUNNING && owed > 0) {
        uint64_t chunk = owed < 250000 ? owed : 250000;
        const uint64_t ran = hack_machine_cycles(a->machine);
        if (o->budget && ran + chunk > o->budget) chunk = o->budget - ran;
        if (o->screenshot_at && ran < o->screenshot_at && ran + chunk > o->screenshot_at)
            chunk = o->screenshot_at - ran;
        double run_start = seconds();
        bool at_breakpoint = false;
        hack_session_stop stop = !chunk     ? (hack_session_stop){0}
                                 : a->panel ? hack_debugger_run(debug_panel_debugger(a->panel), chunk, &at_breakpoint)
                                            : hack_session_run(a->session, chunk);
        a->busy_seconds += seconds() - run_start;
        a->cycles_run += stop.cycles;
        if (owed != UINT64_MAX) {
            owed -= stop.cycles < owed ? stop.cycles : owed;
            a->hz_credit -= (double)stop.cycles;
        }
        a->in_wait = stop.state == HACK_SESSION_WAITING_TIME;
        if (at_breakpoint) { /* the debugger stopped: its view */
            a->state = STATE_PAUSED;
            a->paused_at_stop = true;
            break;
        }
        if (stop.state == HACK_SESSION_WAITING_KEY) {
            a->waiting_key = true;
            break;
        }
        if (stop.state == HACK_SESSION_WAITING_TIME) {
            uint64_t now = hack_window_now_ms();
            double left = slice - (seconds() - start), asleep = seconds();
            if (stop.until_ms > now && left > 0)
                SDL_Delay((uint32_t)(stop.until_ms - now < left * 1000 ? stop.until_ms - now : left * 1000));
            a->wait_seconds += seconds() - asleep;
            if (a->hz) a->credit_time = seconds(); /* waiting is not running: no instructions are owed for it */
            if (seconds() - start >= slice) break;
            continue;
        }
        if (stopped(a, stop)) {
            if (o->screenshot_at && o->quit_after_screenshot) { /* it ended first: the picture is taken now */
                save_screenshot(a, o->screenshot_path, false);
                SDL_Event quit = {.type = SDL_QUIT};
                SDL_PushEvent(&quit);
            }
            break;
        }
        if (o->screenshot_at && hack_machine_cycles(a->machine) == o->screenshot_at) {
            save_screenshot(a, o->screenshot_path, false);
            if (o->quit_after_screenshot) {
                a->state = STATE_PAUSED;
                SDL_Event quit = {.type = SDL_QUIT};
                SDL_PushEvent(&quit);
                break;
            }
        }
        if (o->budget && hack_machine_cycles(a->machine) >= o->budget) {
            a->state = STATE_PAUSED;
            break;
        }
        if (seconds() - start >= slice) break;
    }
    a->running_seconds += seconds() - start;
}

/* The speed keys: a new target, owing nothing yet. */
static void set_speed(app *a, uint64_t hz)
{
    a->hz = hz;
    a->hz_credit = 0;
    a->credit_time = 0;
    a->retitle = true;
}

/* Ctrl with a letter, Up, Down, +, - or 0 controls the emulator; everything else goes to the program. */
/* The debugger, and its breakpoints and watchpoints (told on stderr when they do not resolve); false when it
 * cannot start. */
static bool start_debugger(app *a)
{
    if (a->panel) return true;
    const hack_window_options *o = a->options;
    a->panel = debug_panel_create(a->session, a->machine, a->callbacks->reset, a->callbacks->context,
                                  o->print_view ? stdout : NULL);
    if (!a->panel) return false;
    hack_debugger *d = debug_panel_debugger(a->panel);
    hack_diag_list diags;
    hack_diag_list_init(&diags);
    for (int i = 0; i < o->break_count; i++) hack_debugger_add_breakpoint(d, o->breaks[i], "--break", &diags);
    for (int i = 0; i < o->watch_count; i++) hack_debugger_add_watchpoint(d, o->watches[i], "--watch", &diags);
    hack_diag_list_print(stderr, &diags);
    hack_diag_list_free(&diags);
    a->show_panel = true;
    return true;
}

/* The program has paused (Ctrl+P, a breakpoint, the budget): the debug view, at the debugger's stop, or, for a
 * pause of the user's, in the innermost frame of the program's own code. */
static void paused(app *a)
{
    if (!start_debugger(a)) return;
    if (a->paused_at_stop)
        debug_panel_stopped(a->panel);
    else
        debug_panel_paused(a->panel);
    a->paused_at_stop = false;
    a->must_draw = true;
}

/* Ctrl+D or Ctrl+P after the program stopped for good: the debug view where it stopped (a debugger made now
 * takes the stop as its own). */
static void show_view_at_stop(app *a)
{
    if (!a->panel) {
        if (!start_debugger(a)) return;
        hack_debugger_program_ended(debug_panel_debugger(a->panel), a->last_stop);
        debug_panel_say(a->panel, a->stop_text[0] ? a->stop_text : "The program halted.\n");
        debug_panel_paused(a->panel);
    }
    a->show_panel = true;
}

static void restart(app *a);

/* A key while the debug view is shown: the debugger's. */
static bool debug_key(app *a, const SDL_KeyboardEvent *key, bool *quit)
{
    if (!panel_shown(a)) return false;
    switch (debug_panel_key(a->panel, key->keysym.sym, key->keysym.mod)) {
    case PANEL_KEY_IGNORED: return false;
    case PANEL_KEY_CONTINUE:
        a->state = STATE_RUNNING;
        a->waiting_key = false;
        break;
    case PANEL_KEY_RUN:
        restart(a);
        a->state = STATE_RUNNING;
        a->waiting_key = false;
        break;
    case PANEL_KEY_RESET:
        restart(a);
        a->state = STATE_PAUSED;
        a->waiting_key = false;
        a->paused_at_stop = true;
        paused(a);
        break;
    case PANEL_KEY_QUIT: *quit = true; break;
    case PANEL_KEY_DONE:
        if (hack_debugger_finished(debug_panel_debugger(a->panel)) && a->state == STATE_PAUSED)
            a->last_reason = (int)hack_debugger_last_state(debug_panel_debugger(a->panel));
        break;
    }
    a->must_draw = true;
    return true;
}

/* Ctrl+R: the program from the start, as a fresh start would run it: RAM cleared (statics, the heap, the
 * screen), the program started again as it was launched (the session replays SP and --set). */
static void restart(app *a)
{
    hack_machine_clear_ram(a->machine);
    a->held = 0;
    a->stop_text[0] = '\0';
    if (a->panel) {
        hack_debugger_command(debug_panel_debugger(a->panel), "reset"); /* its breakpoints stay */
    } else {
        hack_session_reload(a->session, NULL);
        if (a->callbacks->reset) a->callbacks->reset(a->callbacks->context, a->machine);
    }
}

static bool control_key(app *a, const SDL_KeyboardEvent *key, bool *quit)
{
    if (!(key->keysym.mod & KMOD_CTRL)) return false;
    a->must_draw = true;
    switch (key->keysym.sym) {
    case SDLK_q: *quit = true; break;
    case SDLK_p:
        if (a->state == STATE_RUNNING)
            a->state = STATE_PAUSED;
        else if (a->state == STATE_PAUSED)
            a->state = STATE_RUNNING;
        else /* it has stopped for good: where */
            show_view_at_stop(a);
        break;
    case SDLK_d:
        if (a->state == STATE_RUNNING) { /* a pause, in the view */
            a->state = STATE_PAUSED;
            a->show_panel = true;
        } else if (a->state != STATE_PAUSED && !panel_shown(a)) {
            show_view_at_stop(a);
        } else {
            a->show_panel = !a->show_panel;
        }
        break;
    case SDLK_n: /* one instruction, when paused */
        if (a->state == STATE_PAUSED && a->panel) {
            hack_debugger_command(debug_panel_debugger(a->panel), "stepi");
            debug_panel_stopped(a->panel);
        } else if (a->state == STATE_PAUSED) {
            if (!stopped(a, hack_session_run(a->session, 1))) a->state = STATE_PAUSED;
        }
        break;
    case SDLK_r:
        restart(a);
        a->waiting_key = false;
        a->state = STATE_RUNNING;
        a->must_draw = true;
        break;
    case SDLK_s: save_screenshot(a, NULL, (key->keysym.mod & KMOD_SHIFT) != 0); break;
    case SDLK_h: a->show_heap = !a->show_heap; break;
    case SDLK_UP:
    case SDLK_PLUS:
    case SDLK_EQUALS:
    case SDLK_KP_PLUS: set_speed(a, hack_speed_faster(a->hz)); break;
    case SDLK_DOWN:
    case SDLK_MINUS:
    case SDLK_KP_MINUS: set_speed(a, hack_speed_slower(a->hz, a->running_speed)); break;
    case SDLK_0:
    case SDLK_KP_0: set_speed(a, 0); break;
    default: return false;
    }
    return true;
}

/* The video driver the window asks SDL for (after hack_window_available): the one whose display answered, so
 * that SDL never falls back to its offscreen driver; NULL when the user chose one (SDL_VIDEODRIVER). */
static const char *chosen_driver;

/* How long an X server over TCP is given to answer, of the 2 s a failing start may take. */
enum { X11_PROBE_MS = 1500 };

bool hack_window_available(char *why, size_t size)
{
    const char *x11 = getenv("DISPLAY"), *wayland = getenv("WAYLAND_DISPLAY"), *driver = getenv("SDL_VIDEODRIVER");
    /* the user chose a video driver: let SDL say whether it works */
    if (driver && *driver) return hack_sdl_load(why, size);
    if (!(x11 && *x11) && !(wayland && *wayland)) {
        snprintf(why, size, "no display to open a window on (DISPLAY and WAYLAND_DISPLAY are not set): use --headless");
        return false;
    }
    if (!hack_sdl_load(why, size)) return false;
    char x11_why[400] = "", wayland_why[400] = "";
    if (x11 && *x11 && hack_display_probe_x11(x11, X11_PROBE_MS, x11_why, sizeof x11_why)) {
        chosen_driver = "x11";
        return true;
    }
    if (wayland && *wayland && hack_display_probe_wayland(wayland, getenv("XDG_RUNTIME_DIR"), wayland_why, sizeof wayland_why)) {
        chosen_driver = "wayland";
        return true;
    }
    snprintf(why, size, "cannot open a window: %s%s%s; over SSH connect with ssh -X (or -Y), on WSL start an X server "
                        "or use WSLg, or run with --headless",
             x11_why, x11_why[0] && wayland_why[0] ? "; " : "", wayland_why);
    return false;
}

int hack_window_run(hack_session *session, hack_machine *machine, const hack_window_options *options,
                    const hack_window_callbacks *callbacks)
{
    char why[1000];
    if (!hack_window_available(why, sizeof why)) {
        fprintf(stderr, "hackemu: %s\n", why);
        return -1;
    }
    if (chosen_driver) setenv("SDL_VIDEODRIVER", chosen_driver, 1);
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        const char *x11 = getenv("DISPLAY"), *wayland = getenv("WAYLAND_DISPLAY");
        const bool on_x11 = chosen_driver && strcmp(chosen_driver, "x11") == 0;
        fprintf(stderr, "hackemu: cannot open a window%s%s: %s (use --headless to run without one)\n",
                !chosen_driver ? "" : on_x11 ? " on DISPLAY=" : " on WAYLAND_DISPLAY=",
                !chosen_driver ? "" : on_x11 ? x11 : wayland, SDL_GetError());
        return -1;
    }
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "nearest");
    app *a = calloc(1, sizeof *a);
    a->session = session;
    a->machine = machine;
    a->options = options;
    a->callbacks = callbacks;
    a->state = options->start_paused ? STATE_PAUSED : STATE_RUNNING;
    a->show_heap = options->start_with_heap_map;
    a->must_draw = true;
    a->last_reason = HACK_SESSION_BUDGET;
    int scale = options->scale >= 1 && options->scale <= 8 ? options->scale : 2;
    a->window = SDL_CreateWindow(options->name, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, HACK_SCREEN_WIDTH * scale,
                                 HACK_SCREEN_HEIGHT * scale, SDL_WINDOW_RESIZABLE);
    if (a->window) a->renderer = SDL_CreateRenderer(a->window, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
    if (a->window && !a->renderer) a->renderer = SDL_CreateRenderer(a->window, -1, SDL_RENDERER_SOFTWARE);
    if (a->renderer)
        a->texture = SDL_CreateTexture(a->renderer, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING,
                                       HACK_SCREEN_WIDTH, HACK_SCREEN_HEIGHT);
    if (!a->texture) {
        fprintf(stderr, "hackemu: cannot open a window: %s (use --headless to run without one)\n", SDL_GetError());
        if (a->renderer) SDL_DestroyRenderer(a->renderer);
        if (a->window) SDL_DestroyWindow(a->window);
        free(a);
        SDL_Quit();
        return -1;
    }
    a->hz = options->hz;
    uint64_t clock_hz = 0;
    char program[128], speed[32];
    snprintf(program, sizeof program, "%s", options->name);
    char *dot = strrchr(program, '.'), *slash = strrchr(program, '/');
    if (dot && dot != program && (!slash || dot > slash)) *dot = '\0';
    const hack_program *loaded = hack_session_program(session);
    if (hack_session_paced_wait(session, &clock_hz)) { /* a Sys.wait of the program's own: say so, once */
        if (!a->hz && clock_hz) {
            a->hz = clock_hz;
            hack_speed_format((double)clock_hz, speed, sizeof speed);
            fprintf(stderr, "hackemu: note: pacing %s's Sys.wait in real time, at %s, the clock its busy loop is "
                            "tuned for (Ctrl+Up/Ctrl+Down/Ctrl+0 change the speed; --no-pace to run flat out)\n",
                    program, speed);
        } else {
            fprintf(stderr, "hackemu: note: pacing %s's Sys.wait in real time (--no-pace to run flat out)\n", program);
        }
    } else if (!a->hz && loaded && loaded->symbols.count == 0 && loaded->count >= 4096) {
        /* a big program without labels (a .hack without its .sym, an .asm like PongL): maybe a game built by
         * the course's tools, whose Sys.wait cannot be found */
        fprintf(stderr, "hackemu: note: %s has no labels (no .sym beside it), so a Sys.wait of its own cannot be "
                        "paced; if it runs too fast, Ctrl+Down slows it (--hz 3000000 is about the clock the "
                        "course's OS is tuned for)\n",
                program);
    }
    SDL_DisplayMode mode;
    double refresh = SDL_GetWindowDisplayMode(a->window, &mode) == 0 && mode.refresh_rate > 0 ? mode.refresh_rate : 60;
    const double frame = 1.0 / refresh;
    const double started = seconds(), cpu_started = cpu_seconds();
    double next_title = 0, paused_cpu = 0, paused_since = 0, paused_total = 0, title_time = started, title_wait = 0,
           title_busy = 0;
    uint64_t title_cycles = 0;
    bool quit = false;
    if (options->debug && start_debugger(a) && !options->break_count && !options->watch_count) a->state = STATE_PAUSED;
    if (a->state == STATE_PAUSED) paused(a);
    update_title(a, &(hack_speed_sample){.target = a->hz});
    while (!quit) {
        double frame_start = seconds();
        SDL_Event e;
        run_state before = a->state;
        /* a program that is not running, or waits for a key: sleep until something happens */
        bool have = a->state == STATE_RUNNING && !a->waiting_key ? SDL_PollEvent(&e) : SDL_WaitEventTimeout(&e, 500);
        for (; have; have = SDL_PollEvent(&e)) {
            switch (e.type) {
            case SDL_QUIT: quit = true; break;
            case SDL_WINDOWEVENT: a->must_draw = true; break;
            case SDL_TEXTINPUT:
                if (panel_shown(a) && debug_panel_text_input(a->panel, e.text.text)) a->must_draw = true;
                break;
            case SDL_KEYDOWN:
                if (control_key(a, &e.key, &quit) || debug_key(a, &e.key, &quit) || e.key.repeat) break;
                if (e.key.keysym.sym == SDLK_ESCAPE && (a->state == STATE_HALTED || a->state == STATE_FAULT) &&
                    a->stop_text[0]) { /* the message over the screen goes, or comes back */
                    a->stop_text_hidden = !a->stop_text_hidden;
                    a->must_draw = true;
                    break;
                }
                {
                    uint16_t code = hack_keymap_code(e.key.keysym.sym, e.key.keysym.mod);
                    if (code) {
                        hack_machine_set_ram(machine, HACK_KBD, code);
                        a->held = e.key.keysym.sym;
                        a->waiting_key = false;
                    }
                }
                break;
            case SDL_KEYUP:
                if (e.key.keysym.sym == a->held) {
                    hack_machine_set_ram(machine, HACK_KBD, 0);
                    a->held = 0;
                    a->waiting_key = false;
                }
                break;
            default: break;
            }
        }
        if (quit) break;
        /* the state after the keys: a key may have run the program on (c in the debug view) */
        run_state before_run = a->state;
        if (a->state == STATE_RUNNING && !a->waiting_key)
            run_slice(a, frame * 0.85);
        else
            a->credit_time = 0; /* nothing is owed for the time it does not run */
        const bool was_running = before == STATE_RUNNING || before_run == STATE_RUNNING;
        if (a->state == STATE_PAUSED && was_running) paused(a);
        draw(a);
        a->frames++;
        double now = seconds();
        const bool changed = a->state != before || a->state != before_run;
        if (changed || now >= next_title || a->retitle) {
            hack_speed_sample sample = {now - title_time, a->cycles_run - title_cycles, a->wait_seconds - title_wait,
                                        a->in_wait, a->waiting_key, a->hz};
            if (sample.cycles > 0 && a->busy_seconds - title_busy > 0.01 && !a->retitle)
                a->running_speed = (double)sample.cycles / (a->busy_seconds - title_busy);
            update_title(a, &sample);
            if (!a->retitle || changed) { /* a new target shows at once, over the same interval */
                title_cycles = a->cycles_run;
                title_time = now;
                title_wait = a->wait_seconds;
                title_busy = a->busy_seconds;
                next_title = now + 0.5;
            }
            a->retitle = false;
        }
        if (a->state != STATE_RUNNING && was_running) {
            paused_since = now;
            paused_cpu = cpu_seconds();
        }
        if (a->state == STATE_RUNNING && before != STATE_RUNNING && paused_since > 0) paused_total += now - paused_since;
        if (options->quit_after_seconds > 0 && now - started >= options->quit_after_seconds) quit = true;
        /* pace to the display's rate when presenting does not wait for it */
        double rest = frame - (seconds() - frame_start);
        if (a->state == STATE_RUNNING && !a->waiting_key && rest > 0.0005) {
            SDL_Delay((uint32_t)(rest * 1000));
            if (a->in_wait) a->wait_seconds += rest; /* still waiting in Sys.wait */
        }
    }
    if (options->stats) {
        double elapsed = seconds() - started;
        double running = a->running_seconds > 0 ? a->running_seconds : 1e-9;
        fprintf(stderr, "hackemu: %llu frames in %.2f s (%.1f frames/s), %llu redrawn; %.0f million instructions/s "
                        "while running (%.0f over the whole time)",
                (unsigned long long)a->frames, elapsed, (double)a->frames / elapsed, (unsigned long long)a->presents,
                (double)a->cycles_run / running / 1e6, (double)a->cycles_run / elapsed / 1e6);
        if (a->state != STATE_RUNNING && paused_since > 0)
            fprintf(stderr, "; CPU while stopped: %.3f s in %.2f s", cpu_seconds() - paused_cpu, seconds() - paused_since);
        fprintf(stderr, "; CPU in all %.2f s\n", cpu_seconds() - cpu_started);
    }
    (void)paused_total;
    int reason = a->last_reason;
    debug_panel_free(a->panel);
    if (a->panel_texture) SDL_DestroyTexture(a->panel_texture);
    free(a->panel_pixels);
    if (a->map_texture) SDL_DestroyTexture(a->map_texture);
    free(a->map_pixels);
    SDL_DestroyTexture(a->texture);
    SDL_DestroyRenderer(a->renderer);
    SDL_DestroyWindow(a->window);
    free(a);
    SDL_Quit();
    return reason;
}
