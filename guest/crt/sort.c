/*
 * qsort and qsort_s (introsort: quicksort with a median-of-three pivot, heapsort past a depth of 2 log2 n, and
 * insertion sort for short ranges, so never quadratic, duplicates included), bsearch and bsearch_s, and the
 * linear searches _lfind and _lsearch.
 */
#include "libc.h"

typedef int (__cdecl *compare_t)(const void *, const void *);
typedef int (__cdecl *compare_s_t)(void *, const void *, const void *);

/* The comparison a sort or search calls: qsort's, or qsort_s's with its context first. */
struct order {
    compare_t cmp;
    compare_s_t cmp_s;
    void *context;
    size_t size;
};

static inline int compare(const struct order *o, const void *a, const void *b)
{
    return o->cmp ? o->cmp(a, b) : o->cmp_s(o->context, a, b);
}

static void swap(char *a, char *b, size_t size)
{
    char t;

    if (a == b)
        return;
    for (; size >= sizeof(size_t); size -= sizeof(size_t), a += sizeof(size_t), b += sizeof(size_t)) {
        size_t w;

        memcpy(&w, a, sizeof w);
        memcpy(a, b, sizeof w);
        memcpy(b, &w, sizeof w);
    }
    for (; size; size--, a++, b++) {
        t = *a;
        *a = *b;
        *b = t;
    }
}

#define AT(i) (base + (i) * o->size)

static void insertion_sort(char *base, size_t n, const struct order *o)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && compare(o, AT(j - 1), AT(j)) > 0; j--)
            swap(AT(j - 1), AT(j), o->size);
}

static void sift_down(char *base, size_t root, size_t n, const struct order *o)
{
    size_t child;

    while ((child = 2 * root + 1) < n) {
        if (child + 1 < n && compare(o, AT(child), AT(child + 1)) < 0)
            child++;
        if (compare(o, AT(root), AT(child)) >= 0)
            return;
        swap(AT(root), AT(child), o->size);
        root = child;
    }
}

static void heap_sort(char *base, size_t n, const struct order *o)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(base, i, n, o);
    for (size_t end = n; end-- > 1;) {
        swap(AT(0), AT(end), o->size);
        sift_down(base, 0, end, o);
    }
}

/* Sorts n elements at base. The pivot (the median of the first, middle and last) waits at index 0 while the rest
 * is partitioned; both scans stop at elements equal to it, so runs of equal keys split evenly. The smaller part
 * is sorted by recursion, the larger by the loop: the stack stays O(log n). */
static void intro_sort(char *base, size_t n, unsigned depth, const struct order *o)
{
    while (n > 16) {
        size_t mid = n / 2, i, j;

        if (depth-- == 0) {
            heap_sort(base, n, o);
            return;
        }
        if (compare(o, AT(0), AT(mid)) > 0)
            swap(AT(0), AT(mid), o->size);
        if (compare(o, AT(mid), AT(n - 1)) > 0)
            swap(AT(mid), AT(n - 1), o->size);
        if (compare(o, AT(0), AT(mid)) > 0)
            swap(AT(0), AT(mid), o->size);
        swap(AT(0), AT(mid), o->size);           /* the median to index 0; the last is >= it (a sentinel) */
        i = 0;
        j = n;
        for (;;) {
            do
                i++;
            while (i < n - 1 && compare(o, AT(i), AT(0)) < 0);
            do
                j--;
            while (j > 0 && compare(o, AT(j), AT(0)) > 0);   /* j > 0: bounded even for an inconsistent compare */
            if (i >= j)
                break;
            swap(AT(i), AT(j), o->size);
        }
        swap(AT(0), AT(j), o->size);
        if (j < n - 1 - j) {
            intro_sort(base, j, depth, o);
            base = AT(j + 1);
            n = n - 1 - j;
        } else {
            intro_sort(AT(j + 1), n - 1 - j, depth, o);
            n = j;
        }
    }
    insertion_sort(base, n, o);
}

static void sort(void *base, size_t n, const struct order *o)
{
    unsigned depth = 0;

    for (size_t m = n; m; m >>= 1)
        depth += 2;
    intro_sort(base, n, depth, o);
}

void CRT_EXPORT qsort(void *base, size_t n, size_t size, compare_t cmp)
{
    struct order o = {cmp, NULL, NULL, size};

    if ((!base && n) || (n && !size) || !cmp) {
        crt_invalid_parameter(CRT_EINVAL);
        return;
    }
    sort(base, n, &o);
}

void CRT_EXPORT qsort_s(void *base, size_t n, size_t size, compare_s_t cmp, void *context)
{
    struct order o = {NULL, cmp, context, size};

    if ((!base && n) || (n && !size) || !cmp) {
        crt_invalid_parameter(CRT_EINVAL);
        return;
    }
    sort(base, n, &o);
}

/* Binary search over a sorted array: an element equal to key, or NULL. */
static void *search(const void *key, const char *base, size_t n, const struct order *o)
{
    while (n) {
        size_t half = n / 2;
        int r = compare(o, key, AT(half));

        if (r == 0)
            return (void *)AT(half);
        if (r > 0) {
            base = AT(half + 1);
            n -= half + 1;
        } else {
            n = half;
        }
    }
    return NULL;
}

void *CRT_EXPORT bsearch(const void *key, const void *base, size_t n, size_t size, compare_t cmp)
{
    struct order o = {cmp, NULL, NULL, size};

    if ((!base && n) || !cmp || (n && !size)) {
        crt_invalid_parameter(CRT_EINVAL);
        return NULL;
    }
    return search(key, base, n, &o);
}

void *CRT_EXPORT bsearch_s(const void *key, const void *base, size_t n, size_t size, compare_s_t cmp,
                           void *context)
{
    struct order o = {NULL, cmp, context, size};

    if ((!base && n) || !cmp || (n && !size)) {
        crt_invalid_parameter(CRT_EINVAL);
        return NULL;
    }
    return search(key, base, n, &o);
}

/* _lfind: the first element equal to key (compare gives 0) among *count; _lsearch appends key when absent. */
static void *find(const void *key, char *base, unsigned *count, const struct order *o)
{
    if (!key || !count || (!base && *count) || (!o->cmp && !o->cmp_s)) {
        crt_invalid_parameter(CRT_EINVAL);
        return NULL;
    }
    for (unsigned i = 0; i < *count; i++)
        if (compare(o, key, AT(i)) == 0)
            return AT(i);
    return NULL;
}

void *CRT_EXPORT _lfind(const void *key, void *base, unsigned *count, unsigned size, compare_t cmp)
{
    struct order o = {cmp, NULL, NULL, size};

    return find(key, base, count, &o);
}

void *CRT_EXPORT _lfind_s(const void *key, void *base, unsigned *count, size_t size, compare_s_t cmp,
                          void *context)
{
    struct order o = {NULL, cmp, context, size};

    return find(key, base, count, &o);
}

static void *find_or_add(const void *key, char *base, unsigned *count, const struct order *o)
{
    void *found = find(key, base, count, o);

    if (found || !key || !count || !base)
        return found;
    found = AT(*count);
    memcpy(found, key, o->size);
    ++*count;
    return found;
}

void *CRT_EXPORT _lsearch(const void *key, void *base, unsigned *count, unsigned size, compare_t cmp)
{
    struct order o = {cmp, NULL, NULL, size};

    return find_or_add(key, base, count, &o);
}

void *CRT_EXPORT _lsearch_s(const void *key, void *base, unsigned *count, size_t size, compare_s_t cmp,
                            void *context)
{
    struct order o = {NULL, cmp, context, size};

    return find_or_add(key, base, count, &o);
}
