/*
 * malloc and its family over the process heap, as both Windows CRTs do since Windows 8 (HeapAlloc on
 * GetProcessHeap()): a block freed with free must come from this CRT's malloc. A failed allocation sets errno to
 * ENOMEM; with _set_new_mode(1) malloc calls the new handler (_set_new_handler) and retries while it returns
 * non-zero, as operator new does.
 */
#include "crt.h"

typedef int (__cdecl *new_handler_t)(size_t);

static int new_mode;
static new_handler_t new_handler;

void *crt_alloc(size_t size)
{
    return HeapAlloc(GetProcessHeap(), 0, size ? size : 1);
}

void *crt_zalloc(size_t size)
{
    return HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, size ? size : 1);
}

void *crt_realloc(void *block, size_t size)
{
    return HeapReAlloc(GetProcessHeap(), 0, block, size ? size : 1);
}

void crt_free(void *block)
{
    if (block)
        HeapFree(GetProcessHeap(), 0, block);
}

/* Calls the new handler for a failed allocation of `size`: non-zero to retry. */
int CRT_EXPORT _callnewh(size_t size)
{
    new_handler_t handler = new_handler;

    return handler && handler(size);
}

static void *allocate(size_t size, int zero)
{
    void *block;

    if (size > (size_t)-1 - 64) {              /* _HEAP_MAXREQ */
        crt_thread_data()->err = CRT_ENOMEM;
        return NULL;
    }
    for (;;) {
        block = zero ? crt_zalloc(size) : crt_alloc(size);
        if (block)
            return block;
        if (!new_mode || !_callnewh(size))
            break;
    }
    crt_thread_data()->err = CRT_ENOMEM;
    return NULL;
}

void *CRT_EXPORT malloc(size_t size)
{
    return allocate(size, 0);
}

void *CRT_EXPORT calloc(size_t count, size_t size)
{
    if (size && count > ((size_t)-1 - 64) / size) {
        crt_thread_data()->err = CRT_ENOMEM;
        return NULL;
    }
    return allocate(count * size, 1);
}

void CRT_EXPORT free(void *block)
{
    crt_free(block);
}

/* realloc(NULL, n) is malloc(n); realloc(p, 0) frees p and gives NULL, as both Microsoft CRTs do. */
void *CRT_EXPORT realloc(void *block, size_t size)
{
    void *moved;

    if (!block)
        return malloc(size);
    if (!size) {
        crt_free(block);
        return NULL;
    }
    if (size > (size_t)-1 - 64) {
        crt_thread_data()->err = CRT_ENOMEM;
        return NULL;
    }
    for (;;) {
        moved = crt_realloc(block, size);
        if (moved)
            return moved;
        if (!new_mode || !_callnewh(size))
            break;
    }
    crt_thread_data()->err = CRT_ENOMEM;
    return NULL;
}

/* _recalloc: realloc of count * size bytes, the added bytes zeroed. */
void *CRT_EXPORT _recalloc(void *block, size_t count, size_t size)
{
    size_t old = block ? HeapSize(GetProcessHeap(), 0, block) : 0, total;
    unsigned char *moved;

    if (size && count > ((size_t)-1 - 64) / size) {
        crt_thread_data()->err = CRT_ENOMEM;
        return NULL;
    }
    total = count * size;
    moved = realloc(block, total);
    if (moved && total > old)
        for (size_t i = old; i < total; i++)
            moved[i] = 0;
    return moved;
}

size_t CRT_EXPORT _msize(void *block)
{
    if (!block) {
        crt_invalid_parameter(CRT_EINVAL);
        return (size_t)-1;
    }
    return HeapSize(GetProcessHeap(), 0, block);
}

/* _expand: grows or shrinks a block in place, or fails with NULL and errno ENOMEM. */
void *CRT_EXPORT _expand(void *block, size_t size)
{
    void *same;

    if (!block) {
        crt_invalid_parameter(CRT_EINVAL);
        return NULL;
    }
    same = HeapReAlloc(GetProcessHeap(), HEAP_REALLOC_IN_PLACE_ONLY, block, size ? size : 1);
    if (!same)
        crt_thread_data()->err = CRT_ENOMEM;
    return same;
}

/* _aligned_malloc: the block follows a header holding the address HeapAlloc gave; alignment a power of two. */
void *CRT_EXPORT _aligned_offset_malloc(size_t size, size_t alignment, size_t offset)
{
    uintptr_t raw, start;

    if (alignment & (alignment - 1) || (size && offset >= size)) {
        crt_invalid_parameter(CRT_EINVAL);
        return NULL;
    }
    if (alignment < sizeof(void *))
        alignment = sizeof(void *);
    if (size > (size_t)-1 - alignment - sizeof(void *) - 64) {
        crt_thread_data()->err = CRT_ENOMEM;
        return NULL;
    }
    raw = (uintptr_t)malloc(size + alignment + sizeof(void *));
    if (!raw)
        return NULL;
    start = ((raw + sizeof(void *) + offset + alignment - 1) & ~(uintptr_t)(alignment - 1)) - offset;
    ((uintptr_t *)((start & ~(uintptr_t)(sizeof(void *) - 1))))[-1] = raw;
    return (void *)start;
}

void *CRT_EXPORT _aligned_malloc(size_t size, size_t alignment)
{
    return _aligned_offset_malloc(size, alignment, 0);
}

void CRT_EXPORT _aligned_free(void *block)
{
    if (block)
        free((void *)((uintptr_t *)((uintptr_t)block & ~(uintptr_t)(sizeof(void *) - 1)))[-1]);
}

void *CRT_EXPORT _aligned_offset_realloc(void *block, size_t size, size_t alignment, size_t offset)
{
    uintptr_t raw;
    size_t old, keep;
    void *moved;

    if (!block)
        return _aligned_offset_malloc(size, alignment, offset);
    if (!size) {
        _aligned_free(block);
        return NULL;
    }
    raw = ((uintptr_t *)((uintptr_t)block & ~(uintptr_t)(sizeof(void *) - 1)))[-1];
    old = HeapSize(GetProcessHeap(), 0, (void *)raw) - ((uintptr_t)block - raw);
    moved = _aligned_offset_malloc(size, alignment, offset);
    if (!moved)
        return NULL;
    keep = old < size ? old : size;
    for (size_t i = 0; i < keep; i++)
        ((unsigned char *)moved)[i] = ((unsigned char *)block)[i];
    _aligned_free(block);
    return moved;
}

void *CRT_EXPORT _aligned_realloc(void *block, size_t size, size_t alignment)
{
    return _aligned_offset_realloc(block, size, alignment, 0);
}

int CRT_EXPORT _set_new_mode(int mode)
{
    int old = new_mode;

    new_mode = mode;
    return old;
}

int CRT_EXPORT _query_new_mode(void)
{
    return new_mode;
}

new_handler_t CRT_EXPORT _set_new_handler(new_handler_t handler)
{
    new_handler_t old = new_handler;

    new_handler = handler;
    return old;
}

new_handler_t CRT_EXPORT _query_new_handler(void)
{
    return new_handler;
}

/* The process heap, as _get_heap_handle gives it. */
intptr_t CRT_EXPORT _get_heap_handle(void)
{
    return (intptr_t)GetProcessHeap();
}

int CRT_EXPORT _heapchk(void)
{
    return HeapValidate(GetProcessHeap(), 0, NULL) ? -2 /* _HEAPOK */ : -4 /* _HEAPBADNODE */;
}

int CRT_EXPORT _heapmin(void)
{
    return 0;
}
