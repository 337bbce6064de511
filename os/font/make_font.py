#!/usr/bin/env python3
"""Makes font.txt, the OS font: 8x11 cells for characters 32..126, from the public-domain X11 misc-fixed
6x10 font ("Public domain terminal emulator font. Share and enjoy."), each glyph one pixel in from the left,
rows 0-9, row 10 blank. Run once by hand (needs pcf2bdf): python3 make_font.py /path/to/6x10.bdf

font.txt: a line per character, "CODE R0 R1 ... R10", each row a number whose bit 0 is the leftmost pixel
(as on the Hack screen). Both Output.jack (its map, written between the FONT markers by this script) and the
native Output are made from it."""
import re
import sys

bdf = open(sys.argv[1]).read()
glyphs = {}
for m in re.finditer(r"STARTCHAR.*?ENCODING (\d+).*?BBX (\d+) (\d+) (-?\d+) (-?\d+)\s+BITMAP\s+(.*?)ENDCHAR", bdf, re.S):
    code, w, h, xoff, yoff = (int(g) for g in m.groups()[:5])
    if 32 <= code <= 126:
        rows = [int(r, 16) for r in m.group(6).split()]
        # place the glyph box: font ascent 8, descent 2 -> cell rows 0..9
        top = 8 - (h + yoff)
        cell = [0] * 11
        for i, byte in enumerate(rows):
            value = 0
            for px in range(w):
                if (byte >> (7 - px)) & 1:
                    value |= 1 << (px + xoff + 1)
            if 0 <= top + i < 11:
                cell[top + i] = value
        glyphs[code] = cell

with open("font.txt", "w") as out:
    out.write("# The OS font: 8x11 cells, characters 32..126; bit 0 of a row is its leftmost pixel.\n")
    out.write("# Made by make_font.py from the public-domain X11 misc-fixed 6x10 font.\n")
    for code in range(32, 127):
        out.write("%d %s\n" % (code, " ".join(str(v) for v in glyphs[code])))

jack = open("../jack/Output.jack").read()
lines = []
for code in range(32, 127):
    lines.append("        do Output.create(%d, %s);" % (code, ", ".join(str(v) for v in glyphs[code])))
jack = re.sub(r"(// FONT BEGIN.*?\n).*?(\s*// FONT END)", lambda m: m.group(1) + "\n".join(lines) + m.group(2), jack, flags=re.S)
open("../jack/Output.jack", "w").write(jack)
