/*
 * The tables of MSVC's C++ exception handling (the __CxxFrameHandler3 kind) and what the frame handlers of both
 * widths share. A reference in them (eh_ref) is a pointer on x86 and an offset from an image base on x86_64:
 * the function's image for its FuncInfo, the throwing image (the exception's fourth parameter) for a ThrowInfo.
 *
 * A function's FuncInfo numbers its states: each try block covers [low, high] and its catch blocks
 * (high, catch_high]; the unwind map gives each state the state it falls back to and the action (a destructor
 * funclet) run on the way. A throw raises 0xE06D7363 with {magic, object, ThrowInfo[, image]}; the ThrowInfo
 * lists the types a catch may take the object as (CatchableType: the type, how to reach it from the object, how
 * to copy it).
 */
#ifndef WOW64EMU_CXX_EH_H
#define WOW64EMU_CXX_EH_H

#include "vcrt.h"

#define CXX_EXCEPTION 0xE06D7363u                   /* 'msc' | 0xE0000000 */
#define CXX_MAGIC 0x19930520u                       /* the exception's first parameter, and FuncInfo's oldest */
#define CXX_MAGIC_LAST 0x19930522u
#ifdef __x86_64__
#define CXX_PARAMS 4
#else
#define CXX_PARAMS 3
#endif

#define EH_EMPTY_STATE (-1)

/* FuncInfo.flags */
#define FI_EHS_FLAG 0x1                             /* /EHs: catch (...) takes C++ exceptions only */
#define FI_EHNOEXCEPT_FLAG 0x4                      /* noexcept: an exception leaving it calls terminate */

/* handler_t.adjectives */
#define HT_IS_CONST 0x01
#define HT_IS_VOLATILE 0x02
#define HT_IS_UNALIGNED 0x04
#define HT_IS_REFERENCE 0x08
#define HT_IS_STD_DOTDOT 0x40
#define HT_IS_BAD_ALLOC_COMPAT 0x80

/* throw_info_t.attributes */
#define TI_IS_CONST 0x01
#define TI_IS_VOLATILE 0x02
#define TI_IS_UNALIGNED 0x04

/* catchable_t.properties */
#define CT_IS_SIMPLE_TYPE 0x01
#define CT_BY_REFERENCE_ONLY 0x02
#define CT_HAS_VIRTUAL_BASE 0x04
#define CT_IS_STD_BAD_ALLOC 0x10

typedef DWORD eh_ref;

typedef struct {
    int to_state;
    eh_ref action;                                  /* a destructor funclet, or 0 */
} unwind_entry_t;

typedef struct {
    DWORD adjectives;
    eh_ref type;                                    /* 0: catch (...) */
    int catch_object;                               /* where the catch parameter lies in the frame, or 0 */
    eh_ref handler;                                 /* the catch funclet: returns where to continue */
#ifdef __x86_64__
    int parent_frame;                               /* where a catch funclet keeps its function's frame */
#endif
} handler_t;

typedef struct {
    int low, high, catch_high, count;
    eh_ref handlers;
} try_block_t;

typedef struct {
    eh_ref ip;
    int state;
} ip_state_t;

typedef struct {
    DWORD magic;
    int max_state;
    eh_ref unwind_map;
    DWORD try_count;
    eh_ref try_map;
    DWORD ip_count;
    eh_ref ip_map;
#ifdef __x86_64__
    int unwind_help;                                /* the frame's slot of the state: -2 until a catch */
#endif
    eh_ref es_types;                                /* magic >= 0x19930521 */
    DWORD flags;                                    /* magic >= 0x19930522 */
} func_info_t;

typedef struct {
    DWORD properties;
    eh_ref type;
    pmd_t where;                                    /* of this type's subobject in the thrown object */
    int size;
    eh_ref copy;                                    /* the copy constructor, or 0 */
} catchable_t;

typedef struct {
    int count;
    eh_ref types[1];
} catchable_array_t;

typedef struct {
    DWORD attributes;
    eh_ref destructor;                              /* of the thrown object, or 0 */
    eh_ref forward_compat;
    eh_ref catchables;
} throw_info_t;

/* A C++ exception in flight: its record (the thrown one, once a rethrow is resolved), the object and its types. */
typedef struct {
    EXCEPTION_RECORD *record;
    CONTEXT *context;
    void *object;
    const throw_info_t *info;
    char *image;                                    /* what the ThrowInfo's references are relative to */
} cxx_thrown_t;

/* A catch found for an exception in a function: the try block and the handler, the type it matched. */
typedef struct {
    const try_block_t *try_block;
    const handler_t *handler;
    const catchable_t *catchable;                   /* NULL for catch (...) */
} cxx_catch_t;

/* An exception and the context it was raised in. */
typedef struct {
    EXCEPTION_RECORD *record;
    CONTEXT *context;
} cxx_exception_t;

/* cxx.c: the thread's C++ exception state. */
typedef struct {
    cxx_exception_t current;                        /* the exception whose catch block runs */
    int uncaught;                                   /* thrown and not caught yet (std::uncaught_exceptions) */
#ifdef __x86_64__
    struct running_catch *running;                  /* the catch blocks running (cxx_frame_x64.c) */
#endif
} cxx_thread_t;
cxx_thread_t *cxx_thread(void);

/* cxx_match.c */
BOOL cxx_is_msvc(const EXCEPTION_RECORD *record);
BOOL cxx_resolve(EXCEPTION_RECORD *record, CONTEXT *context, cxx_thrown_t *thrown);
BOOL cxx_find_catch(const cxx_thrown_t *thrown, const func_info_t *info, char *image, int state,
                    const try_block_t *within, cxx_catch_t *found);
void cxx_build_catch_object(const cxx_thrown_t *thrown, const cxx_catch_t *found, char *frame);
void cxx_destroy_object(const cxx_thrown_t *thrown);
int cxx_next_state(const func_info_t *info, char *image, int state, eh_ref *action);
cxx_exception_t cxx_enter_catch(const cxx_thrown_t *thrown);

#endif
