#include "hack/keymap.h"

#include <stdbool.h>
#include <string.h>

uint16_t hack_keymap_code(SDL_Keycode key, uint16_t mod)
{
    const bool shift = (mod & KMOD_SHIFT) != 0;
    switch (key) {
    case SDLK_RETURN:
    case SDLK_KP_ENTER: return 128;
    case SDLK_BACKSPACE: return 129;
    case SDLK_LEFT: return 130;
    case SDLK_UP: return 131;
    case SDLK_RIGHT: return 132;
    case SDLK_DOWN: return 133;
    case SDLK_HOME: return 134;
    case SDLK_END: return 135;
    case SDLK_PAGEUP: return 136;
    case SDLK_PAGEDOWN: return 137;
    case SDLK_INSERT: return 138;
    case SDLK_DELETE: return 139;
    case SDLK_ESCAPE: return 140;
    case SDLK_TAB: return 0;
    default: break;
    }
    if (key >= SDLK_F1 && key <= SDLK_F12) return (uint16_t)(141 + (key - SDLK_F1));
    /* a letter key is its capital whatever Shift and Caps Lock say, as on the course's emulator
     * (Hack.Utilities.Definitions.getKeyCode takes the key's code for A..Z): programs test for 'Q' */
    if (key >= SDLK_a && key <= SDLK_z) return (uint16_t)(key - SDLK_a + 'A');
    if (key >= SDLK_KP_1 && key <= SDLK_KP_9) return (uint16_t)('1' + (key - SDLK_KP_1));
    if (key == SDLK_KP_0) return '0';
    /* the rest of printable ASCII: the unshifted character, or the symbol shift gives it (US layout) */
    static const char unshifted[] = "1234567890-=[]\\;',./`";
    static const char shifted[] = "!@#$%^&*()_+{}|:\"<>?~";
    if (key >= 32 && key < 127) {
        const char *at = key != 0 ? strchr(unshifted, (int)key) : NULL;
        if (shift && at) return (uint16_t)shifted[at - unshifted];
        return (uint16_t)key;
    }
    return 0;
}
