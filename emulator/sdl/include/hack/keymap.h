/* From SDL keys to the Hack keyboard's codes (MACHINE.md), as the course's CPU emulator gives them: a letter
 * key is its capital (65..90) with or without Shift; the other printable keys their ASCII character, Shift
 * choosing the symbol on digit and punctuation keys (US layout); newline 128, backspace 129,
 * left 130, up 131, right 132, down 133, home 134, end 135, page up 136, page down 137, insert 138,
 * delete 139, esc 140, F1..F12 141..152. */
#ifndef HACK_KEYMAP_H
#define HACK_KEYMAP_H

#include <SDL.h>
#include <stdint.h>

/* The Hack code for key with modifiers mod (KMOD_*), or 0 when the key has none. */
uint16_t hack_keymap_code(SDL_Keycode key, uint16_t mod);

#endif
