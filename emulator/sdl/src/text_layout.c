/* Cutting and wrapping text at spaces (text_layout.h). */
#include "text_layout.h"

#include <string.h>

int text_scale(int w, int h)
{
    if (w < 800 || h < 400) return 1;
    int scale = w / 800 < h / 450 ? w / 800 : h / 450;
    return scale < 2 ? 2 : scale > 4 ? 4 : scale;
}

text_row text_fit(const char *text, size_t length, int columns)
{
    if (columns < 2) columns = 2;
    if (length <= (size_t)columns) return (text_row){0, length, 0, false};
    /* a break before a space at index i <= room keeps text[0..i), and the ellipsis takes the column after */
    size_t room = (size_t)columns - 1, cut = 0;
    for (size_t i = room; i > 0; i--)
        if (text[i] == ' ') {
            cut = i;
            break;
        }
    while (cut > 0 && text[cut - 1] == ' ') cut--;
    if (cut == 0) cut = room; /* one word longer than the room (or only spaces before it) */
    return (text_row){0, cut, 0, true};
}

static bool in_word(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

text_row text_fit_code(const char *text, size_t length, int columns)
{
    if (columns < 2) columns = 2;
    if (length <= (size_t)columns) return (text_row){0, length, 0, false};
    size_t room = (size_t)columns - 1, cut = 0;
    for (size_t i = room; i > 0; i--)
        if (!(in_word(text[i - 1]) && in_word(text[i]))) {
            cut = i;
            break;
        }
    while (cut > 0 && text[cut - 1] == ' ') cut--;
    if (cut == 0) cut = room;
    return (text_row){0, cut, 0, true};
}

size_t text_wrap(const char *text, int columns, int indent, text_row *rows, size_t max)
{
    if (columns < 2) columns = 2;
    if (indent < 0 || indent > columns - 2) indent = 0;
    size_t length = strlen(text), at = 0, count = 0;
    while (count < max && (at < length || count == 0)) {
        int row_indent = count ? indent : 0, room = columns - row_indent;
        size_t rest = length - at;
        text_row row;
        if (rest <= (size_t)room || count + 1 == max) {
            row = text_fit(text + at, rest, room);
        } else {
            size_t cut = 0;
            for (size_t i = (size_t)room; i > 0; i--)
                if (text[at + i] == ' ' && !(text[at + i - 1] == '\'' && text[at + i + 1] == '\'')) { /* ' ': one */
                    cut = i;
                    break;
                }
            size_t end = cut;
            while (end > 0 && text[at + end - 1] == ' ') end--;
            if (end > 0) {
                row = (text_row){0, end, 0, false};
            } else { /* a word longer than a row: its head and an ellipsis, and the rest of it is left out */
                row = (text_row){0, (size_t)room - 1, 0, true};
                cut = (size_t)room - 1;
                while (at + cut < length && text[at + cut] != ' ') cut++;
            }
            row.start = at;
            row.indent = row_indent;
            rows[count++] = row;
            at += cut;
            while (at < length && text[at] == ' ') at++;
            continue;
        }
        row.start = at;
        row.indent = row_indent;
        rows[count++] = row;
        at = length;
    }
    return count;
}
