#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 512
#define ROUNDS 6000

static unsigned state = 2024;
static unsigned next(void) { return state = state * 1664525u + 1013904223u; }

/* Every 61st byte and the last: the blocks' contents checked sparsely, to keep the run short (the C runtime's
   memset writes every byte). */
static unsigned long wrong(const unsigned char *p, size_t size, unsigned char fill)
{
    unsigned long bad = 0;
    for (size_t k = 0; k < size; k += 61)
        bad += p[k] != fill;
    return bad + (size > 0 && p[size - 1] != fill);
}

int main(void)
{
    unsigned char *slot[SLOTS] = {0};
    size_t size[SLOTS] = {0};
    unsigned long checksum = 0, allocs = 0, reallocs = 0, frees = 0, bad = 0;
    for (int round = 0; round < ROUNDS; round++) {
        unsigned r = next();
        int i = (int)((r >> 8) % SLOTS);
        size_t want = (r >> 20) % 3 == 0 ? (next() >> 12) % 4096 : (next() >> 20) % 256;
        if (slot[i] == NULL) {
            slot[i] = (r & 1) ? malloc(want + 1) : calloc(want + 1, 1);
            if (!(r & 1))
                bad += wrong(slot[i], want + 1, 0);
            size[i] = want + 1;
            memset(slot[i], (int)(i & 0xFF), size[i]);
            allocs++;
        } else if ((r & 6) == 0) {
            bad += wrong(slot[i], size[i], (unsigned char)(i & 0xFF));
            checksum = checksum * 31 + size[i];
            free(slot[i]);
            slot[i] = NULL;
            frees++;
        } else {
            unsigned char *grown = realloc(slot[i], want + 1);
            size_t keep = want + 1 < size[i] ? want + 1 : size[i];
            bad += wrong(grown, keep, (unsigned char)(i & 0xFF));
            memset(grown, (int)(i & 0xFF), want + 1);
            slot[i] = grown;
            size[i] = want + 1;
            reallocs++;
        }
    }
    size_t live = 0;
    for (int i = 0; i < SLOTS; i++) {
        if (slot[i] != NULL) {
            bad += wrong(slot[i], size[i], (unsigned char)(i & 0xFF));
            live += size[i];
            free(slot[i]);
        }
    }
    printf("allocs=%lu reallocs=%lu frees=%lu live bytes at the end=%lu\n", allocs, reallocs, frees,
           (unsigned long)live);
    printf("checksum=%lu corrupted bytes=%lu\n", checksum, bad);
    void *zero = malloc(0);
    printf("malloc(0) gives a pointer: %d\n", zero != NULL);
    free(zero);
    free(NULL);
    void *p = realloc(NULL, 100);
    printf("realloc(NULL, 100): %d\n", p != NULL);
    free(p);
    char *big = malloc(4 * 1024 * 1024);
    printf("4 MB block: %d\n", big != NULL);
    if (big) {
        memset(big, 0x5A, 4 * 1024 * 1024);
        printf("bytes: %02X %02X\n", (unsigned char)big[0], (unsigned char)big[4 * 1024 * 1024 - 1]);
    }
    free(big);
    return 0;
}
