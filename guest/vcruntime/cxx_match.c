/*
 * The width-independent part of MSVC's C++ exception handling: which exception a record carries (a rethrow is
 * the current exception again), which catch of a function takes it, the catch parameter built from the thrown
 * object, the object destroyed, the unwind map walked.
 */
#include "cxx_eh.h"

#define TYPE_NAME(type) ((const char *)(type) + 2 * sizeof(void *))     /* after {vftable, spare} */

BOOL cxx_is_msvc(const EXCEPTION_RECORD *record)
{
    return record->ExceptionCode == CXX_EXCEPTION && record->NumberParameters == CXX_PARAMS &&
           record->ExceptionInformation[0] >= CXX_MAGIC && record->ExceptionInformation[0] <= CXX_MAGIC_LAST;
}

static void fill(EXCEPTION_RECORD *record, CONTEXT *context, cxx_thrown_t *thrown)
{
    thrown->record = record;
    thrown->context = context;
    thrown->object = (void *)record->ExceptionInformation[1];
    thrown->info = (const throw_info_t *)record->ExceptionInformation[2];
#ifdef __x86_64__
    thrown->image = (char *)record->ExceptionInformation[3];
#else
    thrown->image = NULL;
#endif
}

/* The exception a handler deals with: a C++ one (a rethrow, `throw;`, raised with no ThrowInfo, is the thread's
 * current exception again) or another (thrown->info NULL). FALSE for a rethrow with no current exception, which
 * no catch takes. */
BOOL cxx_resolve(EXCEPTION_RECORD *record, CONTEXT *context, cxx_thrown_t *thrown)
{
    fill(record, context, thrown);
    if (!cxx_is_msvc(record)) {
        thrown->object = NULL;
        thrown->info = NULL;
        return TRUE;
    }
    if (thrown->info)
        return TRUE;
    if (!cxx_thread()->current.record)
        return FALSE;
    fill(cxx_thread()->current.record, cxx_thread()->current.context, thrown);
    return thrown->info != NULL;
}

/* Whether a catch's type takes a catchable type of the thrown object (the names compared: each image has its own
 * type descriptors), with the reference and qualifier rules of the C++ runtime. */
static BOOL type_match(const handler_t *handler, const void *catch_type, const catchable_t *catchable,
                       const void *thrown_type, const throw_info_t *info)
{
    if ((handler->adjectives & HT_IS_BAD_ALLOC_COMPAT) && (catchable->properties & CT_IS_STD_BAD_ALLOC))
        return TRUE;
    if (!vcrt_same_type(catch_type, thrown_type))
        return FALSE;
    return (!(catchable->properties & CT_BY_REFERENCE_ONLY) || (handler->adjectives & HT_IS_REFERENCE)) &&
           (!(info->attributes & TI_IS_CONST) || (handler->adjectives & HT_IS_CONST)) &&
           (!(info->attributes & TI_IS_UNALIGNED) || (handler->adjectives & HT_IS_UNALIGNED)) &&
           (!(info->attributes & TI_IS_VOLATILE) || (handler->adjectives & HT_IS_VOLATILE));
}

/* Whether one catch takes the exception; which catchable type it matched. catch (...) takes every C++ exception,
 * and an SEH exception too unless the function was built with /EHs. */
static BOOL handler_takes(const cxx_thrown_t *thrown, const handler_t *handler, char *image, DWORD flags,
                          const catchable_t **matched)
{
    const void *catch_type = vcrt_at(image, handler->type);
    const catchable_array_t *types;

    *matched = NULL;
    if (!catch_type || !*TYPE_NAME(catch_type) || (handler->adjectives & HT_IS_STD_DOTDOT))
        return thrown->info || !(flags & FI_EHS_FLAG);
    if (!thrown->info)
        return FALSE;
    types = vcrt_at(thrown->image, thrown->info->catchables);
    for (int i = 0; types && i < types->count; i++) {
        const catchable_t *catchable = vcrt_at(thrown->image, types->types[i]);

        if (type_match(handler, catch_type, catchable, vcrt_at(thrown->image, catchable->type), thrown->info)) {
            *matched = catchable;
            return TRUE;
        }
    }
    return FALSE;
}

/* The first catch, innermost try block first, that takes the exception thrown at `state`; with `within`, only
 * in the try blocks inside that try block's catch blocks (a catch funclet's own). */
BOOL cxx_find_catch(const cxx_thrown_t *thrown, const func_info_t *info, char *image, int state,
                    const try_block_t *within, cxx_catch_t *found)
{
    const try_block_t *tries = vcrt_at(image, info->try_map);
    DWORD flags = info->magic >= CXX_MAGIC_LAST ? info->flags : 0;

    for (DWORD t = 0; tries && t < info->try_count; t++) {
        const handler_t *handlers = vcrt_at(image, tries[t].handlers);

        if (state < tries[t].low || state > tries[t].high)
            continue;
        if (within && (tries[t].low <= within->high || tries[t].catch_high > within->catch_high))
            continue;
        for (int h = 0; handlers && h < tries[t].count; h++)
            if (handler_takes(thrown, &handlers[h], image, flags, &found->catchable)) {
                found->try_block = &tries[t];
                found->handler = &handlers[h];
                return TRUE;
            }
    }
    return FALSE;
}

#ifdef __i386__
typedef void(__attribute__((thiscall)) *copy1_t)(void *to, void *from);
typedef void(__attribute__((thiscall)) *copy2_t)(void *to, void *from, int most_derived);
typedef void(__attribute__((thiscall)) *destructor_t)(void *object);
#else
typedef void (*copy1_t)(void *to, void *from);
typedef void (*copy2_t)(void *to, void *from, int most_derived);
typedef void (*destructor_t)(void *object);
#endif

/* The catch parameter in the frame: a reference points at the object (at the matched type's subobject), a
 * simple type is copied bytewise (a pointer adjusted to its base), a class by its copy constructor, if any. */
void cxx_build_catch_object(const cxx_thrown_t *thrown, const cxx_catch_t *found, char *frame)
{
    const catchable_t *catchable = found->catchable;
    char *parameter = frame + found->handler->catch_object, *object = thrown->object;

    if (!catchable || !found->handler->catch_object)
        return;                                     /* catch (...), or a parameter the catch does not use */
    if (found->handler->adjectives & HT_IS_REFERENCE) {
        *(char **)parameter = vcrt_adjust(object, &catchable->where);
    } else if (catchable->properties & CT_IS_SIMPLE_TYPE) {
        memcpy(parameter, object, catchable->size);
        if (catchable->size == sizeof(void *) && *(char **)parameter)
            *(char **)parameter = vcrt_adjust(*(char **)parameter, &catchable->where);
    } else if (!catchable->copy) {
        memcpy(parameter, vcrt_adjust(object, &catchable->where), catchable->size);
    } else if (catchable->properties & CT_HAS_VIRTUAL_BASE) {
        ((copy2_t)vcrt_at(thrown->image, catchable->copy))(parameter, vcrt_adjust(object, &catchable->where), 1);
    } else {
        ((copy1_t)vcrt_at(thrown->image, catchable->copy))(parameter, vcrt_adjust(object, &catchable->where));
    }
}

/* The thrown object's destructor, when its catch block is done (not after a rethrow: the next catch owns it). */
void cxx_destroy_object(const cxx_thrown_t *thrown)
{
    destructor_t destructor;

    if (!thrown->info || !thrown->object)
        return;
    destructor = vcrt_at(thrown->image, thrown->info->destructor);
    if (destructor)
        destructor(thrown->object);
}

/* A catch of `thrown` begins: it is the current exception, caught (a C++ one); the current exception before. */
cxx_exception_t cxx_enter_catch(const cxx_thrown_t *thrown)
{
    cxx_thread_t *thread = cxx_thread();
    cxx_exception_t outer = thread->current;

    thread->current.record = thrown->record;
    thread->current.context = thrown->context;
    if (thrown->info && thread->uncaught > 0)
        thread->uncaught--;
    return outer;
}

/* One step of the unwind map from `state`: the state it falls back to and its action (0: none). The state falls
 * (a state outside the map, or a corrupt map that would not descend, goes to EH_EMPTY_STATE): an unwind ends. */
int cxx_next_state(const func_info_t *info, char *image, int state, eh_ref *action)
{
    const unwind_entry_t *map = vcrt_at(image, info->unwind_map);

    *action = 0;
    if (!map || state < 0 || state >= info->max_state)
        return EH_EMPTY_STATE;
    *action = map[state].action;
    return map[state].to_state < state ? map[state].to_state : EH_EMPTY_STATE;
}
