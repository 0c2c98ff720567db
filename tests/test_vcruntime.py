"""vcruntime140.dll (guest/vcruntime): the x86 SEH handler of MSVC code, C++'s throw, std::exception's data and
type_info's names, called as MSVC-built programs call them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.toolchain import NO_CRT, build, run_program

PRELUDE = r"""
#include <windows.h>
static void out(const char *s) { DWORD n; WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), s, lstrlenA(s), &n, 0); }
"""

# A function laid out as x86 MSVC code lays out __try { __try { fault } __finally { } } __except (filter) { }: the
# registration with the encoded scope table and the try level, the EH cookie slot (cookie XOR ebp), the program's
# own _except_handler4 passing its cookie and cookie check to vcruntime's _except_handler4_common. The filter and
# the __finally block run with ebp set to the function's frame; the __except block is entered by a jump.
EH4 = PRELUDE + r"""
UINT_PTR cookie = 0xBB40E64E;
UINT_PTR scope_encoded;
void *handler4_common;
volatile int finally_ran;
extern UINT_PTR scope[];
int try_it(int level);
void bad_cookie(void) { out("cookie check failed\n"); ExitProcess(99); }
/* A frame as MSVC lays it out for __try/__except with a nested __try/__finally, its scope table, the
 * program's own _except_handler4 calling vcruntime's common handler, and a fastcall cookie check. */
__asm__(
    ".data\n"
    "_scope: .long -2, 0, -40, 0\n"
    "        .long -2, _filter0, _after\n"
    "        .long 0, 0, _finally1\n"
    ".globl _scope\n"
    ".text\n"
    "_check:\n"
    "    cmp _cookie, %ecx\n"
    "    jne _bad_cookie\n"
    "    ret\n"
    "_handler4:\n"
    "    pushl 16(%esp)\n"
    "    pushl 16(%esp)\n"
    "    pushl 16(%esp)\n"
    "    pushl 16(%esp)\n"
    "    push $_check\n"
    "    push $_cookie\n"
    "    call *_handler4_common\n"
    "    add $24, %esp\n"
    "    ret\n"
    ".globl _try_it\n"
    "_try_it:\n"
    "    push %ebp\n"
    "    mov %esp, %ebp\n"
    "    push $-2\n"
    "    pushl _scope_encoded\n"
    "    push $_handler4\n"
    "    pushl %fs:0\n"
    "    sub $8, %esp\n"
    "    push %ebx\n"
    "    push %esi\n"
    "    push %edi\n"
    "    mov _cookie, %eax\n"
    "    xor %ebp, %eax\n"
    "    push %eax\n"
    "    lea -16(%ebp), %eax\n"
    "    mov %eax, %fs:0\n"
    "    mov %esp, -24(%ebp)\n"
    "    mov 8(%ebp), %eax\n"
    "    mov %eax, -4(%ebp)\n"          /* the try level the caller asks for: 0 or 1 */
    "    xor %eax, %eax\n"
    "    movl $1, (%eax)\n"             /* an access violation inside the __try */
    "    mov $7, %eax\n"
    "    jmp _epilogue\n"
    "_after:\n"                          /* record 0's __except block */
    "    mov -24(%ebp), %esp\n"
    "    movl $-2, -4(%ebp)\n"
    "    mov $1, %eax\n"
    "_epilogue:\n"
    "    mov -16(%ebp), %ecx\n"
    "    mov %ecx, %fs:0\n"
    "    lea -36(%ebp), %esp\n"
    "    pop %edi\n"
    "    pop %esi\n"
    "    pop %ebx\n"
    "    mov %ebp, %esp\n"
    "    pop %ebp\n"
    "    ret\n"
    "_filter0:\n"                        /* EXCEPTION_EXECUTE_HANDLER for an access violation */
    "    mov -20(%ebp), %eax\n"
    "    mov (%eax), %eax\n"
    "    cmpl $0xC0000005, (%eax)\n"
    "    sete %al\n"
    "    movzbl %al, %eax\n"
    "    ret\n"
    "_finally1:\n"
    "    movl $1, _finally_ran\n"
    "    ret\n");
void start(void)
{
    handler4_common = GetProcAddress(LoadLibraryA("vcruntime140.dll"), "_except_handler4_common");
    scope_encoded = (UINT_PTR)scope ^ cookie;
    out(try_it(0) == 1 ? "handled\n" : "not handled\n");
    out(finally_ran ? "finally ran\n" : "no finally\n");
    out(try_it(1) == 1 ? "handled\n" : "not handled\n");
    out(finally_ran ? "finally ran\n" : "no finally\n");
    ExitProcess(0);
}
"""


def test_except_handler4_common_runs_filters_finally_blocks_and_enters_the_handler(tmp_path: Path) -> None:
    program = build(EH4, tmp_path / "eh4.exe", "x86", flags=NO_CRT, libs=("kernel32",))
    (tmp_path / "c").mkdir()
    ran = run_program(program, tmp_path / "c")
    # At try level 0 the filter takes the access violation; at level 1 the nested __finally runs first.
    assert (ran.status, ran.stdout) == (0, "handled\nno finally\nhandled\nfinally ran\n")


CXX = PRELUDE + r"""
typedef struct { const char *undecorated; const char decorated[32]; } type_info_data;
typedef struct { const char *what; char do_free; } exception_data;
typedef const char *(__cdecl *name_fn)(type_info_data *, void *);
typedef void (__cdecl *copy_fn)(const exception_data *, exception_data *);
typedef void (__cdecl *destroy_fn)(exception_data *);
typedef void (__stdcall *throw_fn)(void *, void *);
static type_info_data types[] = {{0, ".?AVruntime_error@std@@"}, {0, ".?AUpoint@@"}, {0, ".H"}, {0, ".?AW4color@@"}};
void start(void)
{
    HMODULE vc = LoadLibraryA("vcruntime140.dll");
    name_fn name = (name_fn)GetProcAddress(vc, "__std_type_info_name");
    copy_fn copy = (copy_fn)GetProcAddress(vc, "__std_exception_copy");
    destroy_fn destroy = (destroy_fn)GetProcAddress(vc, "__std_exception_destroy");
    throw_fn cxx_throw = (throw_fn)GetProcAddress(vc, "_CxxThrowException");
    exception_data owned = {"owned message", 1}, borrowed = {"literal", 0}, a, b;
    for (int i = 0; i < 4; i++) { out(name(&types[i], 0)); out("\n"); }
    out(name(&types[0], 0) == types[0].undecorated ? "kept\n" : "not kept\n");
    copy(&owned, &a);
    copy(&borrowed, &b);
    out(a.what != owned.what && a.do_free ? "copied " : "not copied ");
    out(a.what);
    out(b.what == borrowed.what && !b.do_free ? " shared\n" : " not shared\n");
    destroy(&a);
    out(a.what == 0 && !a.do_free ? "destroyed\n" : "not destroyed\n");
    cxx_throw(0, 0);
    out("not reached\n");
    ExitProcess(0);
}
"""


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_type_info_names_exception_data_and_an_uncaught_throw(width: str, tmp_path: Path) -> None:
    program = build(CXX, tmp_path / "cxx.exe", width, flags=NO_CRT, libs=("kernel32",))
    (tmp_path / "c").mkdir()
    ran = run_program(program, tmp_path / "c")
    assert ran.stdout == ("class std::runtime_error\nstruct point\nint\nenum color\nkept\n"
                          "copied owned message shared\ndestroyed\n")
    # A throw no handler catches ends the process with the C++ exception's code, 0xE06D7363.
    assert ran.status == 0xE06D7363


# MSVC's RTTI for `struct Derived : A, Base`, laid out by hand as MSVC emits it (pointers on x86, image-relative
# offsets on x86_64): the complete object locators before each vftable, the class hierarchy and its base classes.
RTTI = PRELUDE + r"""
#include <stddef.h>
typedef struct { void *vft; void *spare; char name[16]; } TD;
typedef struct { DWORD type, contained; int mdisp, pdisp, vdisp; DWORD attributes; } BCD;
typedef struct { DWORD sig, attr, count, bases; } CHD;
typedef struct { DWORD sig, offset, cd, type, hier, self; } COL;
typedef struct { void **vfptr_a; int x; void **vfptr_base; int y; } Derived;
static TD td_derived = {0, 0, ".?AUDerived@@"}, td_a = {0, 0, ".?AUA@@"}, td_base = {0, 0, ".?AUBase@@"};
static TD td_other = {0, 0, ".?AUOther@@"};
static BCD bcd[3];
static DWORD bca[3];
static CHD chd;
static COL col_a, col_base;
static void *vft_a[2], *vft_base[2];
static char *image;
static DWORD ref(void *p)
{
#ifdef _WIN64
    return (DWORD)((char *)p - image);
#else
    return (DWORD)(UINT_PTR)p;
#endif
}
typedef void *(__cdecl *cast_fn)(void *, LONG, void *, void *, BOOL);
typedef void *(__cdecl *one_fn)(void *);
void start(void)
{
    HMODULE vc = LoadLibraryA("vcruntime140.dll");
    cast_fn cast = (cast_fn)GetProcAddress(vc, "__RTDynamicCast");
    one_fn to_void = (one_fn)GetProcAddress(vc, "__RTCastToVoid"), type_id = (one_fn)GetProcAddress(vc, "__RTtypeid");
    Derived d;
    int sig = sizeof(void *) == 8;
    image = (char *)GetModuleHandleA(0);
    bcd[0] = (BCD){ref(&td_derived), 2, 0, -1, 0, 0};
    bcd[1] = (BCD){ref(&td_a), 0, offsetof(Derived, vfptr_a), -1, 0, 0};
    bcd[2] = (BCD){ref(&td_base), 0, offsetof(Derived, vfptr_base), -1, 0, 0};
    for (int i = 0; i < 3; i++) bca[i] = ref(&bcd[i]);
    chd = (CHD){0, 1, 3, ref(bca)};
    col_a = (COL){sig, 0, 0, ref(&td_derived), ref(&chd), 0};
    col_base = (COL){sig, offsetof(Derived, vfptr_base), 0, ref(&td_derived), ref(&chd), 0};
    col_a.self = ref(&col_a);
    col_base.self = ref(&col_base);
    vft_a[0] = &col_a;
    vft_base[0] = &col_base;
    d.vfptr_a = &vft_a[1];
    d.vfptr_base = &vft_base[1];
    void *as_base = &d.vfptr_base;
    out(cast(as_base, 0, &td_base, &td_derived, 0) == &d ? "Base* -> Derived*\n" : "wrong derived\n");
    out(cast(as_base, 0, &td_base, &td_a, 0) == &d.vfptr_a ? "Base* -> A* (cross cast)\n" : "wrong cross\n");
    out(cast(&d, 0, &td_a, &td_base, 0) == as_base ? "A* -> Base*\n" : "wrong base\n");
    out(cast(as_base, 0, &td_base, &td_other, 0) == 0 ? "Base* -> Other*: NULL\n" : "wrong other\n");
    out(cast(0, 0, &td_base, &td_derived, 0) == 0 ? "NULL -> NULL\n" : "wrong null\n");
    out(to_void(as_base) == &d ? "void* is the complete object\n" : "wrong void\n");
    out(type_id(as_base) == &td_derived ? "typeid is Derived\n" : "wrong typeid\n");
    ExitProcess(0);
}
"""


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_dynamic_cast_typeid_and_cast_to_void_over_msvc_rtti(width: str, tmp_path: Path) -> None:
    program = build(RTTI, tmp_path / "rtti.exe", width, flags=NO_CRT, libs=("kernel32",))
    (tmp_path / "c").mkdir()
    ran = run_program(program, tmp_path / "c")
    assert (ran.status, ran.stdout) == (0, "Base* -> Derived*\nBase* -> A* (cross cast)\nA* -> Base*\n"
                                           "Base* -> Other*: NULL\nNULL -> NULL\nvoid* is the complete object\n"
                                           "typeid is Derived\n")
