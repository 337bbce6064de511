/* The Hack screen as an image: PNG files (through libpng) and a hash of the screen for tests. */
#ifndef HACK_SCREENSHOT_H
#define HACK_SCREENSHOT_H

#include "hack/diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Writes the 512x256 screen held in words (RAM 16384.., 8192 words) as a black-and-white PNG, each pixel
 * scale x scale. */
bool hack_screenshot_write_png(const uint16_t *words, int scale, const char *path, hack_diag_list *diags);

/* Writes gray pixels (0 black .. 255 white), width x height, as a PNG: what both the headless screenshots and
 * the window's (its rendered pixels) go through, so equal pixels make equal files. */
bool hack_png_write_gray(const uint8_t *pixels, int width, int height, const char *path, hack_diag_list *diags);

/* The same for RGB pixels (3 bytes each). */
bool hack_png_write_rgb(const uint8_t *pixels, int width, int height, const char *path, hack_diag_list *diags);

/* The same PNG in memory (for an HTML report): *bytes (malloc'd, the caller frees) and *size. */
bool hack_png_encode_rgb(const uint8_t *pixels, int width, int height, uint8_t **bytes, size_t *size);

/* FNV-1a over the screen words: equal screens, equal hashes. */
uint64_t hack_screen_hash(const uint16_t *words);

#endif
