/* SHA-256 (FIPS 180-4): the native tier's cache names and checks its entries by it. */
#ifndef HACK_SHA256_H
#define HACK_SHA256_H

#include <stddef.h>
#include <stdint.h>

enum { HACK_SHA256_SIZE = 32 };

typedef struct {
    uint32_t state[8];
    uint64_t length; /* bytes hashed so far */
    uint8_t block[64];
    size_t used; /* bytes waiting in block */
} hack_sha256_context;

void hack_sha256_init(hack_sha256_context *context);
void hack_sha256_update(hack_sha256_context *context, const void *bytes, size_t count);
void hack_sha256_final(hack_sha256_context *context, uint8_t digest[HACK_SHA256_SIZE]);
/* The digest of one buffer. */
void hack_sha256(const void *bytes, size_t count, uint8_t digest[HACK_SHA256_SIZE]);
/* The digest as 64 lowercase hex digits and a NUL. */
void hack_sha256_hex(const uint8_t digest[HACK_SHA256_SIZE], char hex[2 * HACK_SHA256_SIZE + 1]);

#endif
