/* A build without libpng (the web page's): no PNG files; each writer says so. */
#include "hack/screenshot.h"

bool hack_png_write_gray(const uint8_t *pixels, int width, int height, const char *path, hack_diag_list *diags)
{
    (void)pixels;
    (void)width;
    (void)height;
    hack_diag_add(diags, HACK_DIAG_ERROR, path, 0, 0, NULL, 0, "this build writes no PNG files (no libpng)");
    return false;
}

bool hack_png_write_rgb(const uint8_t *pixels, int width, int height, const char *path, hack_diag_list *diags)
{
    return hack_png_write_gray(pixels, width, height, path, diags);
}

bool hack_png_encode_rgb(const uint8_t *pixels, int width, int height, uint8_t **bytes, size_t *size)
{
    (void)pixels;
    (void)width;
    (void)height;
    *bytes = NULL;
    *size = 0;
    return false;
}
