/* PNG files and bytes through libpng. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include "hack/outfile.h"
#include "hack/screenshot.h"

#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The libpng calls, on their own: libpng reports errors by longjmp back to here. */
static bool write_png(png_structp png, png_infop info, FILE *file, const uint8_t *pixels, int width, int height,
                      int channels)
{
    if (setjmp(png_jmpbuf(png))) return false;
    png_init_io(png, file);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8,
                 channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < height; y++)
        png_write_row(png, (png_const_bytep)(pixels + (size_t)y * (size_t)width * (size_t)channels));
    png_write_end(png, NULL);
    return true;
}

static bool write_file(const uint8_t *pixels, int width, int height, int channels, const char *path,
                       hack_diag_list *diags)
{
    hack_outfile out; /* (whole, or the picture that was there kept) */
    if (!hack_outfile_open(&out, path, diags)) return false;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    bool ok = png && info && write_png(png, info, out.file, pixels, width, height, channels);
    png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
    if (!ok) {
        hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0, "could not write the PNG");
        hack_outfile_abandon(&out);
        return false;
    }
    return hack_outfile_commit(&out, diags);
}

bool hack_png_write_gray(const uint8_t *pixels, int width, int height, const char *path, hack_diag_list *diags)
{
    return write_file(pixels, width, height, 1, path, diags);
}

bool hack_png_write_rgb(const uint8_t *pixels, int width, int height, const char *path, hack_diag_list *diags)
{
    return write_file(pixels, width, height, 3, path, diags);
}

bool hack_png_encode_rgb(const uint8_t *pixels, int width, int height, uint8_t **bytes, size_t *size)
{
    char *buffer = NULL;
    size_t length = 0;
    FILE *file = open_memstream(&buffer, &length);
    if (!file) return false;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    bool ok = png && info && write_png(png, info, file, pixels, width, height, 3);
    png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
    if (fclose(file) != 0) ok = false;
    if (!ok) {
        free(buffer);
        return false;
    }
    *bytes = (uint8_t *)buffer;
    *size = length;
    return true;
}
