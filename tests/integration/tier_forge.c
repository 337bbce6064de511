/* Test helper: gives a shared object the cache's trailer for a key, as someone who knows the format would, so the
 * tier's tests can plant an entry that is well formed and show that it is refused for where it lies, not for
 * its shape (tier_attack.sh loads the same entry from a folder of the user's own first).
 * usage: tier_forge OBJECT.so tier-KEY.so OUTPUT */
#include "tier_cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fputs("usage: tier_forge OBJECT.so tier-KEY.so OUTPUT\n", stderr);
        return 64;
    }
    const char *name = strrchr(argv[2], '/');
    name = name ? name + 1 : argv[2];
    uint8_t key[HACK_SHA256_SIZE];
    if (strncmp(name, "tier-", 5) != 0 || strlen(name) < 5 + 2 * HACK_SHA256_SIZE) {
        fprintf(stderr, "tier_forge: %s is not a tier-KEY.so name\n", name);
        return 1;
    }
    for (int i = 0; i < HACK_SHA256_SIZE; i++) {
        unsigned byte;
        if (sscanf(name + 5 + 2 * i, "%2x", &byte) != 1) return 1;
        key[i] = (uint8_t)byte;
    }
    FILE *in = fopen(argv[1], "rb");
    if (!in) return 1;
    size_t size = 0, capacity = 1 << 16;
    unsigned char *bytes = malloc(capacity);
    for (size_t n; bytes && (n = fread(bytes + size, 1, capacity - size, in)) > 0;) {
        size += n;
        if (size == capacity) bytes = realloc(bytes, capacity *= 2);
    }
    fclose(in);
    if (!bytes) return 1;
    uint8_t digest[HACK_SHA256_SIZE], trailer[TIER_TRAILER_SIZE];
    hack_sha256(bytes, size, digest);
    tier_cache_trailer(size, digest, key, trailer);
    FILE *out = fopen(argv[3], "wb");
    const int ok = out && fwrite(bytes, 1, size, out) == size && fwrite(trailer, 1, sizeof trailer, out) == sizeof trailer;
    if (out && fclose(out) != 0) return 1;
    free(bytes);
    return ok ? 0 : 1;
}
