/* SDL2 loaded when a window is wanted, not linked: a headless run of hackemu maps no display library (SDL2
 * brings about 50 with it, and the dynamic loader spent 90% of a tiny program's start-up on them).
 * Included after <SDL.h> by the window's sources: each SDL function they call becomes a pointer in a table
 * that hack_sdl_load fills with dlsym. Add a function the window uses to HACK_SDL_FUNCTIONS. */
#ifndef HACK_SDL_DYNAMIC_H
#define HACK_SDL_DYNAMIC_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>

#define HACK_SDL_FUNCTIONS(X)                                                                                  \
    X(SDL_GetError) X(SDL_Quit) X(SDL_PushEvent) X(SDL_PollEvent) X(SDL_GetRendererOutputSize)                 \
    X(SDL_DestroyWindow) X(SDL_DestroyTexture) X(SDL_DestroyRenderer) X(SDL_Delay) X(SDL_CreateTexture)         \
    X(SDL_CreateRenderer) X(SDL_WaitEventTimeout) X(SDL_UpdateTexture) X(SDL_UnlockTexture)                    \
    X(SDL_SetWindowTitle) X(SDL_SetRenderDrawColor) X(SDL_SetHint) X(SDL_RenderReadPixels)                     \
    X(SDL_RenderPresent) X(SDL_RenderCopy) X(SDL_RenderClear) X(SDL_LockTexture) X(SDL_Init)                   \
    X(SDL_GetWindowDisplayMode) X(SDL_GetTicks64) X(SDL_GetPerformanceFrequency)                               \
    X(SDL_GetPerformanceCounter) X(SDL_CreateWindow) X(SDL_GetWindowSize) X(SDL_SetWindowSize)                 \
    X(SDL_SetWindowPosition) X(SDL_GetWindowDisplayIndex) X(SDL_GetDisplayUsableBounds)

typedef struct {
#define HACK_SDL_POINTER(name) __typeof__(name) *p_##name;
    HACK_SDL_FUNCTIONS(HACK_SDL_POINTER)
#undef HACK_SDL_POINTER
} hack_sdl_table;

extern hack_sdl_table hack_sdl;

/* Loads the SDL2 library (once; later calls say how the first went). False with a one-line reason in why
 * (the library is missing, or lacks a function) when it cannot be used. */
bool hack_sdl_load(char *why, size_t size);

#ifndef HACK_SDL_DYNAMIC_LOADER
#define SDL_GetError hack_sdl.p_SDL_GetError
#define SDL_Quit hack_sdl.p_SDL_Quit
#define SDL_PushEvent hack_sdl.p_SDL_PushEvent
#define SDL_PollEvent hack_sdl.p_SDL_PollEvent
#define SDL_GetRendererOutputSize hack_sdl.p_SDL_GetRendererOutputSize
#define SDL_DestroyWindow hack_sdl.p_SDL_DestroyWindow
#define SDL_DestroyTexture hack_sdl.p_SDL_DestroyTexture
#define SDL_DestroyRenderer hack_sdl.p_SDL_DestroyRenderer
#define SDL_Delay hack_sdl.p_SDL_Delay
#define SDL_CreateTexture hack_sdl.p_SDL_CreateTexture
#define SDL_CreateRenderer hack_sdl.p_SDL_CreateRenderer
#define SDL_WaitEventTimeout hack_sdl.p_SDL_WaitEventTimeout
#define SDL_UpdateTexture hack_sdl.p_SDL_UpdateTexture
#define SDL_UnlockTexture hack_sdl.p_SDL_UnlockTexture
#define SDL_SetWindowTitle hack_sdl.p_SDL_SetWindowTitle
#define SDL_SetRenderDrawColor hack_sdl.p_SDL_SetRenderDrawColor
#define SDL_SetHint hack_sdl.p_SDL_SetHint
#define SDL_RenderReadPixels hack_sdl.p_SDL_RenderReadPixels
#define SDL_RenderPresent hack_sdl.p_SDL_RenderPresent
#define SDL_RenderCopy hack_sdl.p_SDL_RenderCopy
#define SDL_RenderClear hack_sdl.p_SDL_RenderClear
#define SDL_LockTexture hack_sdl.p_SDL_LockTexture
#define SDL_Init hack_sdl.p_SDL_Init
#define SDL_GetWindowDisplayMode hack_sdl.p_SDL_GetWindowDisplayMode
#define SDL_GetTicks64 hack_sdl.p_SDL_GetTicks64
#define SDL_GetPerformanceFrequency hack_sdl.p_SDL_GetPerformanceFrequency
#define SDL_GetPerformanceCounter hack_sdl.p_SDL_GetPerformanceCounter
#define SDL_CreateWindow hack_sdl.p_SDL_CreateWindow
#define SDL_GetWindowSize hack_sdl.p_SDL_GetWindowSize
#define SDL_SetWindowSize hack_sdl.p_SDL_SetWindowSize
#define SDL_SetWindowPosition hack_sdl.p_SDL_SetWindowPosition
#define SDL_GetWindowDisplayIndex hack_sdl.p_SDL_GetWindowDisplayIndex
#define SDL_GetDisplayUsableBounds hack_sdl.p_SDL_GetDisplayUsableBounds
#endif

#endif
