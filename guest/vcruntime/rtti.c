/*
 * dynamic_cast, typeid and the cast to void* of MSVC code, over the RTTI MSVC emits: an object's vftable is preceded
 * by its complete object locator, which names the complete object's type, where the subobject lies in it and the
 * class hierarchy: every base class with its type and how to reach it (PMD: member displacement, and for a virtual
 * base the vbtable's place and index). x86_64's RTTI holds image-relative offsets (the locator's last field is its
 * own, which gives the image base), x86's holds pointers. A reference cast that fails would throw std::bad_cast;
 * without C++ exception dispatch (vcrt.h) the throw ends the program unless something catches 0xE06D7363.
 */
#include "vcrt.h"
#include "../include/guestwarn.h"

typedef struct {
    void *vftable;
    void *spare;
    char name[1];
} type_descriptor_t;

typedef struct {
    DWORD signature;                                 /* 0 (pointers) or 1 (image-relative offsets) */
    DWORD offset;                                    /* of this subobject's vftable in the complete object */
    DWORD cd_offset;                                 /* of the constructor displacement, for virtual bases */
    DWORD type, hierarchy, self;                     /* pointers on x86 (self absent); offsets on x86_64 */
} locator_t;

typedef struct {
    DWORD signature, attributes, count;
    DWORD bases;                                     /* the base class array: pointer (x86) or offset */
} hierarchy_t;

typedef struct {
    DWORD type;                                      /* pointer (x86) or offset (x86_64) */
    DWORD contained;
    pmd_t where;
    DWORD attributes;
} base_t;

#define BASE_NOT_VISIBLE 0x01
#define BASE_AMBIGUOUS 0x02

static const locator_t *locator_of(void *object, char **image)
{
    const locator_t *locator = ((const locator_t ***)object)[0][-1];

#ifdef __x86_64__
    *image = (char *)locator - locator->self;
#else
    *image = NULL;
#endif
    return locator;
}

static char *complete_object(void *object, const locator_t *locator)
{
    char *complete = (char *)object - locator->offset;

    if (locator->cd_offset)
        complete -= *(int *)((char *)object - locator->cd_offset);
    return complete;
}

/* Whether two type descriptors name the same type (two images may each have one). */
int vcrt_same_type(const void *first, const void *second)
{
    const type_descriptor_t *a = first, *b = second;
    const char *x = a->name, *y = b->name;

    if (a == b)
        return 1;
    while (*x && *x == *y)
        x++, y++;
    return *x == *y;
}

/* Where a base described by `where` lies in an object (the complete object, or a thrown one). */
char *vcrt_adjust(char *object, const pmd_t *where)
{
    char *base = object + where->mdisp;

    if (where->pdisp >= 0)
        base = object + where->pdisp + *(int *)(*(char **)(object + where->pdisp) + where->vdisp) + where->mdisp;
    return base;
}

static __attribute__((noreturn)) void bad_cast(const char *what)
{
    guest_warn("__RTDynamicCast", what);
    RaiseException(0xE06D7363, EXCEPTION_NONCONTINUABLE, 0, NULL);
    __builtin_unreachable();
}

void *VCRT_EXPORT __RTCastToVoid(void *object)
{
    char *image;

    return object ? complete_object(object, locator_of(object, &image)) : NULL;
}

void *VCRT_EXPORT __RTtypeid(void *object)
{
    char *image;
    const locator_t *locator;

    if (!object)
        bad_cast("typeid of a null pointer (std::bad_typeid)");
    locator = locator_of(object, &image);
    return vcrt_at(image, locator->type);
}

/* The cast: the complete object's hierarchy searched for an unambiguous, visible base of the target type. */
void *VCRT_EXPORT __RTDynamicCast(void *object, LONG vf_delta, void *source_type, void *target_type,
                                  BOOL is_reference)
{
    char *image, *complete;
    const locator_t *locator;
    const hierarchy_t *hierarchy;
    const DWORD *bases;

    (void)source_type;
    if (!object)
        return NULL;
    locator = locator_of(object, &image);
    complete = complete_object(object, locator);
    (void)vf_delta;
    hierarchy = vcrt_at(image, locator->hierarchy);
    bases = vcrt_at(image, hierarchy->bases);
    for (DWORD i = 0; i < hierarchy->count; i++) {
        const base_t *base = vcrt_at(image, bases[i]);

        if (base->attributes & (BASE_NOT_VISIBLE | BASE_AMBIGUOUS))
            continue;
        if (vcrt_same_type(vcrt_at(image, base->type), target_type))
            return vcrt_adjust(complete, &base->where);
    }
    if (is_reference)
        bad_cast("a reference cast failed (std::bad_cast)");
    return NULL;
}
