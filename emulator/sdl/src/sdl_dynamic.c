/* Loads SDL2 with dlopen when the window opens (sdl_dynamic.h). */
#define _POSIX_C_SOURCE 200809L
#define HACK_SDL_DYNAMIC_LOADER
#include "sdl_dynamic.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

hack_sdl_table hack_sdl;

static const char *const library_names[] = {"libSDL2-2.0.so.0", "libSDL2.so", "libSDL2-2.0.so"};

bool hack_sdl_load(char *why, size_t size)
{
    static int state; /* 0 not tried, 1 loaded, -1 failed */
    static char failure[512];
    if (state == 0) {
        /* HACK_SDL_LIBRARY names another build of SDL2 (a path or a soname) */
        const char *chosen = getenv("HACK_SDL_LIBRARY");
        void *library = NULL;
        char tried[256] = "";
        if (chosen && *chosen) {
            library = dlopen(chosen, RTLD_NOW | RTLD_LOCAL);
            snprintf(tried, sizeof tried, "%s", chosen);
        } else {
            for (size_t i = 0; !library && i < sizeof library_names / sizeof library_names[0]; i++)
                library = dlopen(library_names[i], RTLD_NOW | RTLD_LOCAL);
            snprintf(tried, sizeof tried, "%s", library_names[0]);
        }
        state = 1;
        if (!library) {
            const char *error = dlerror();
            if (chosen && *chosen)
                snprintf(failure, sizeof failure, "cannot open a window: %s", error ? error : tried);
            else
                snprintf(failure, sizeof failure,
                         "cannot open a window: %s is not installed (Debian: libsdl2-2.0-0); use --headless", tried);
            state = -1;
        }
#define HACK_SDL_RESOLVE(name)                                                                               \
    if (state == 1) {                                                                                        \
        void *symbol = dlsym(library, #name);                                                                \
        if (!symbol) {                                                                                       \
            snprintf(failure, sizeof failure,                                                                \
                     "cannot open a window: the SDL2 library lacks " #name " (SDL 2.0.18 or later is needed)"); \
            state = -1;                                                                                      \
        }                                                                                                    \
        memcpy(&hack_sdl.p_##name, &symbol, sizeof symbol);                                                  \
    }
        HACK_SDL_FUNCTIONS(HACK_SDL_RESOLVE)
#undef HACK_SDL_RESOLVE
    }
    if (state < 0) snprintf(why, size, "%s", failure);
    return state > 0;
}
