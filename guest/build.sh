#!/usr/bin/env bash
# Builds the wow64emu guest userland and the fixture programs, deterministically.
#
# Toolchain (what the committed binaries were built with; other versions should work but may give other bytes):
#   mingw-w64 cross compilers  i686-w64-mingw32-gcc, x86_64-w64-mingw32-gcc   (GCC 12, "win32" thread model)
#   their binutils             i686-w64-mingw32-dlltool, x86_64-w64-mingw32-dlltool (GNU Binutils 2.40)
#   Python 3.11 or later       runs wow64emu.nt.stubgen, guest/kernel32/cptables.py and chartables.py (stdlib
#                              only); set PYTHON to choose one
#   coreutils, sed             (Debian/Ubuntu: apt-get install gcc-mingw-w64 binutils-mingw-w64)
#   clang-14, lld-link-14, llvm-dlltool-14   the MSVC-style fixtures (fixtures/src/msvc_*.cpp: clang in MSVC mode
#                              emits MSVC's C++ exception tables); Debian/Ubuntu: apt-get install clang-14 lld-14
#
# Outputs (committed):
#   wow64emu/sysroot/Windows/SysWOW64/{ntdll,kernel32,shlwapi,user32,advapi32,msvcrt,ucrtbase,vcruntime140}.dll  i686
#   wow64emu/sysroot/Windows/System32/ the same and vcruntime140_1, wow64, wow64cpu, wow64win              x86_64
#   wow64emu/sysroot/Windows/{SysWOW64,System32}/cmd.exe                          the command interpreter, both widths
#   fixtures/bin/x86/*.exe, *.dll, fixtures/bin/x64/*.exe, *.dll
# Scratch: guest/build/ (gitignored, wiped at each run).
#
# Determinism: no timestamps (--no-insert-timestamp), no symbols or debug info (-s), no compiler identification
# (-fno-ident), source paths mapped (-ffile-prefix-map), fixed input order. Running it twice gives the same
# bytes; `guest/build.sh --check` builds and compares with the committed binaries instead of installing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GUEST=$ROOT/guest
BUILD=$GUEST/build
SYSROOT=$ROOT/wow64emu/sysroot/Windows
FIXTURES=$ROOT/fixtures
PYTHON=${PYTHON:-python3}

# --check: build and compare with the committed binaries. --crt: build and install only the C runtime's DLLs (a
# quick loop while working on guest/crt; the full build is what CI compares).
CHECK=0
CRT_ONLY=0
if [[ ${1:-} == --check ]]; then
    CHECK=1
elif [[ ${1:-} == --crt ]]; then
    CRT_ONLY=1
fi

# One build at a time in a tree: concurrent runs would share guest/build/.
exec 9>"$GUEST/.build.lock"
flock 9

# Every guest image is freestanding: no C runtime, no stack protector. A function whose frame is larger than a page
# probes its stack page by page first (libgcc's ___chkstk_ms, as MSVC's __chkstk), so that a thread's stack grows
# through its guard page instead of jumping past it. x86_64 code has unwind tables (.pdata/.xdata), as every x64 image
# must for exceptions to be dispatched through it; i686 code has none.
CFLAGS=(-O2 -nostdlib -ffreestanding -fno-stack-protector -fno-ident
        -fno-tree-loop-distribute-patterns -fno-builtin
        -ffile-prefix-map="$ROOT"=. -Wall -Wextra -Werror -I"$GUEST/include")
LDFLAGS=(-nostdlib -s -Wl,--no-insert-timestamp)   # libgcc is added last: 64-bit division on i686 needs it
DLLFLAGS=(-shared -Wl,-e,0 -Wl,--kill-at)   # no entry point; stdcall decoration off the export names
EXEFLAGS=(-Wl,--subsystem,console)

# Per width: the compiler, dlltool, its machine and the fixture entry symbol (i686 C symbols get "_").
cc_of()       { [[ $1 == x86 ]] && echo i686-w64-mingw32-gcc || echo x86_64-w64-mingw32-gcc; }
unwind_of()   { [[ $1 == x86 ]] && echo -fno-asynchronous-unwind-tables || echo -fasynchronous-unwind-tables; }
dlltool_of()  { [[ $1 == x86 ]] && echo i686-w64-mingw32-dlltool || echo x86_64-w64-mingw32-dlltool; }
machine_of()  { [[ $1 == x86 ]] && echo i386 || echo i386:x86-64; }
entry_of()    { [[ $1 == x86 ]] && echo _start || echo start; }

# import_lib WIDTH DEF LIB: an import library from a .def file (-k: import the undecorated names).
import_lib() {
    "$(dlltool_of "$1")" -m "$(machine_of "$1")" -k -d "$2" -l "$3"
}

# compile WIDTH SOURCE OBJECT (and the flags in EXTRA_CFLAGS, if set, after the common ones)
compile() {
    "$(cc_of "$1")" "${CFLAGS[@]}" "$(unwind_of "$1")" ${EXTRA_CFLAGS:-} -c "$2" -o "$3"
}

# link_dll WIDTH OUTPUT IMAGE_BASE DEF INPUTS...
link_dll() {
    local width=$1 out=$2 base=$3 def=$4
    shift 4
    "$(cc_of "$width")" "${LDFLAGS[@]}" "${DLLFLAGS[@]}" -Wl,--image-base,"$base" -o "$out" "$@" "$def" -lgcc
}

# compile_sources WIDTH PREFIX SOURCES...: one object per C source ($BUILD/WIDTH/PREFIX_NAME.o), listed in OBJS.
compile_sources() {
    local width=$1 prefix=$2 src obj
    shift 2
    OBJS=()
    for src in "$@"; do
        obj=$BUILD/$width/${prefix}_$(basename "$src" .c).o
        compile "$width" "$src" "$obj"
        OBJS+=("$obj")
    done
}

# link_exe WIDTH OUTPUT INPUTS...
link_exe() {
    local width=$1 out=$2
    shift 2
    "$(cc_of "$width")" "${LDFLAGS[@]}" "${EXEFLAGS[@]}" -Wl,-e,"$(entry_of "$width")" -o "$out" "$@" -lgcc
}

echo "== generating the system-call stubs and kernel32's tables"
(cd "$ROOT" && "$PYTHON" -m wow64emu.nt.stubgen)
"$PYTHON" "$GUEST/kernel32/cptables.py"
"$PYTHON" "$GUEST/kernel32/chartables.py"

rm -rf "$BUILD"
mkdir -p "$BUILD/x86" "$BUILD/x64" "$BUILD/out/System32" "$BUILD/out/SysWOW64" \
         "$BUILD/out/fixtures/x86" "$BUILD/out/fixtures/x64"
B32=$BUILD/x86
B64=$BUILD/x64
OUT=$BUILD/out

echo "== export lists and import libraries"
cat "$GUEST/ntdll/ntdll32.def" "$GUEST/ntdll/generated/syscalls_x86.def" > "$B32/ntdll.def"
cat "$GUEST/ntdll/ntdll64.def" "$GUEST/ntdll/generated/syscalls_x64.def" > "$B64/ntdll.def"
# kernel32's exports: kernel32.def, then each area's fragment exports/<area>.def (fixed ordinals, sorted names).
# Exports marked "; x86 only" (the Interlocked functions) are left out of the x86_64 build, which also drops the
# stdcall decoration, and those marked "; x64 only" (the unwinding functions) out of the i686 build; the marker
# goes (ld reads no comment after an export).
cat "$GUEST/kernel32/kernel32.def" $(LC_ALL=C ls "$GUEST"/kernel32/exports/*.def 2>/dev/null) > "$BUILD/kernel32.def"
sed -E -e '/; x64 only$/d' -e 's/ *; x86 only$//' "$BUILD/kernel32.def" > "$B32/kernel32.def"
sed -E -e '/; x86 only$/d' -e 's/ *; x64 only$//' -e 's/^( +[A-Za-z0-9_]+)@[0-9]+ /\1 /' "$BUILD/kernel32.def" \
    > "$B64/kernel32.def"
for w in x86 x64; do
    b=$BUILD/$w
    # For the `ordinal` fixture: the same exports, GetStdHandle and ExitProcess imported by number only.
    sed -E 's/^( +(GetStdHandle|ExitProcess)[@ ].*)$/\1 NONAME/' "$b/kernel32.def" > "$b/kernel32_ordinal.def"
    import_lib "$w" "$b/ntdll.def" "$b/libntdll.a"
    import_lib "$w" "$b/kernel32.def" "$b/libkernel32.a"
    import_lib "$w" "$b/kernel32_ordinal.def" "$b/libkernel32_ordinal.a"
done
import_lib x64 "$GUEST/wow64/wow64.def" "$B64/libwow64.a"
# The DLLs above kernel32 (each imports kernel32, advapi32 ntdll too; exports by name only, no ordinals): name, i686
# base, x86_64 base.
UPPER_DLLS=("shlwapi 0x76A00000 0x7FFFFE800000" "user32 0x76900000 0x7FFFFE700000"
            "advapi32 0x76800000 0x7FFFFE500000")
for dll in "${UPPER_DLLS[@]}"; do
    read -r name _ _ <<<"$dll"
    cp "$GUEST/$name/$name.def" "$B32/$name.def"
    sed -E 's/^( +[A-Za-z0-9_]+)@[0-9]+$/\1/' "$B32/$name.def" > "$B64/$name.def"
    for w in x86 x64; do
        import_lib "$w" "$BUILD/$w/$name.def" "$BUILD/$w/lib$name.a"
    done
done

# The C runtime's export lists: the DLL's header, then each area's fragment guest/crt/exports/<area>.def in name
# order. A line ending in "; only WORDS" (WORDS among msvcrt, ucrtbase, x86, x64) is kept only for the DLLs and
# widths it names; the marker goes.
CRT_DLLS=("msvcrt 0x76700000 0x7FFFFE600000" "ucrtbase 0x76500000 0x7FFFFE400000")
only_filter() {   # DLL WIDTH: the export list on stdin, filtered by its "; only" markers, on stdout
    awk -v dll="$1" -v width="$2" '
        /; only / {
            n = split(substr($0, index($0, "; only ") + 7), words, " ")
            named_dll = named_width = dll_ok = width_ok = 0
            for (i = 1; i <= n; i++) {
                if (words[i] == "x86" || words[i] == "x64") { named_width = 1; if (words[i] == width) width_ok = 1 }
                else { named_dll = 1; if (words[i] == dll) dll_ok = 1 }
            }
            if ((named_dll && !dll_ok) || (named_width && !width_ok)) next
            sub(/ *; only .*$/, "")
        }
        { print }'
}
crt_def() {   # DLL WIDTH: the export list on stdout
    cat "$GUEST/crt/$1.def" $(LC_ALL=C ls "$GUEST"/crt/exports/*.def) | only_filter "$1" "$2"
}
for dll in "${CRT_DLLS[@]}"; do
    read -r name _ _ <<<"$dll"
    for w in x86 x64; do
        crt_def "$name" "$w" > "$BUILD/$w/$name.def"
        import_lib "$w" "$BUILD/$w/$name.def" "$BUILD/$w/lib$name.a"
    done
done

# vcruntime140.dll: its own functions and forwarders to ucrtbase (guest/vcruntime/vcruntime140.def); i686 base,
# x86_64 base.
VCRUNTIME="0x76480000 0x7FFFFE380000"
for w in x86 x64; do
    only_filter vcruntime140 "$w" < "$GUEST/vcruntime/vcruntime140.def" > "$BUILD/$w/vcruntime140.def"
done

# ntdll's C sources (the loader), the same for both widths, one object each in name order after the assembly.
mapfile -t NTDLL_SOURCES < <(LC_ALL=C ls "$GUEST"/ntdll/*.c)

if (( ! CRT_ONLY )); then
echo "== ntdll (SysWOW64, i686)"
compile x86 "$GUEST/ntdll/ntdll32.S" "$B32/ntdll32.o"
compile x86 "$GUEST/ntdll/generated/syscalls_x86.S" "$B32/syscalls.o"
compile_sources x86 ntdll "${NTDLL_SOURCES[@]}"
link_dll x86 "$OUT/SysWOW64/ntdll.dll" 0x77C00000 "$B32/ntdll.def" "$B32/ntdll32.o" "$B32/syscalls.o" "${OBJS[@]}"

echo "== ntdll (System32, x86_64)"
compile x64 "$GUEST/ntdll/ntdll64.S" "$B64/ntdll64.o"
compile x64 "$GUEST/ntdll/generated/syscalls_x64.S" "$B64/syscalls.o"
compile_sources x64 ntdll "${NTDLL_SOURCES[@]}"
link_dll x64 "$OUT/System32/ntdll.dll" 0x7FFFFED40000 "$B64/ntdll.def" "$B64/ntdll64.o" "$B64/syscalls.o" "${OBJS[@]}"

echo "== wow64, wow64cpu, wow64win (System32, x86_64)"
compile x64 "$GUEST/wow64/wow64.S" "$B64/wow64.o"
compile x64 "$GUEST/wow64/convert.c" "$B64/wow64_convert.o"
link_dll x64 "$OUT/System32/wow64.dll" 0x77A00000 "$GUEST/wow64/wow64.def" "$B64/wow64.o" "$B64/wow64_convert.o" \
    "$B64/libntdll.a"
compile x64 "$GUEST/wow64cpu/wow64cpu.S" "$B64/wow64cpu.o"
link_dll x64 "$OUT/System32/wow64cpu.dll" 0x77B80000 "$GUEST/wow64cpu/wow64cpu.def" "$B64/wow64cpu.o" \
    "$B64/libwow64.a"
compile x64 "$GUEST/wow64win/wow64win.S" "$B64/wow64win.o"
link_dll x64 "$OUT/System32/wow64win.dll" 0x77980000 "$GUEST/wow64win/wow64win.def" "$B64/wow64win.o"

echo "== kernel32 (SysWOW64 and System32), one object per area source, in name order"
mapfile -t K32_SOURCES < <(LC_ALL=C ls "$GUEST"/kernel32/*.c)
for w in x86 x64; do
    b=$BUILD/$w
    compile_sources "$w" k32 "${K32_SOURCES[@]}"
    if [[ $w == x86 ]]; then
        link_dll x86 "$OUT/SysWOW64/kernel32.dll" 0x76B00000 "$b/kernel32.def" "${OBJS[@]}" "$b/libntdll.a"
    else
        link_dll x64 "$OUT/System32/kernel32.dll" 0x7FFFFE900000 "$b/kernel32.def" "${OBJS[@]}" "$b/libntdll.a"
    fi
done

for dll in "${UPPER_DLLS[@]}"; do
    read -r name base32 base64 <<<"$dll"
    echo "== $name (SysWOW64 and System32), one object per source, in name order"
    mapfile -t SOURCES < <(LC_ALL=C ls "$GUEST/$name"/*.c)
    for w in x86 x64; do
        b=$BUILD/$w
        compile_sources "$w" "$name" "${SOURCES[@]}"
        if [[ $w == x86 ]]; then
            link_dll x86 "$OUT/SysWOW64/$name.dll" "$base32" "$b/$name.def" "${OBJS[@]}" "$b/libkernel32.a" \
                "$b/libntdll.a"
        else
            link_dll x64 "$OUT/System32/$name.dll" "$base64" "$b/$name.def" "${OBJS[@]}" "$b/libkernel32.a" \
                "$b/libntdll.a"
        fi
    done
done

echo "== cmd.exe (SysWOW64 and System32), one object per source, in name order; it imports kernel32 and ntdll"
mapfile -t CMD_SOURCES < <(LC_ALL=C ls "$GUEST"/cmd/*.c)
for w in x86 x64; do
    b=$BUILD/$w
    compile_sources "$w" cmd "${CMD_SOURCES[@]}"
    dir=System32
    [[ $w == x86 ]] && dir=SysWOW64
    link_exe "$w" "$OUT/$dir/cmd.exe" "${OBJS[@]}" "$b/libkernel32.a" "$b/libntdll.a"
done

fi   # CRT_ONLY

echo "== the C runtime: one set of objects per width, linked as each CRT DLL with its flavor object"
mapfile -t CRT_SOURCES < <(LC_ALL=C ls "$GUEST"/crt/*.c)
crt_entry_of() { [[ $1 == x86 ]] && echo _crt_dll_main@12 || echo crt_dll_main; }
for w in x86 x64; do
    b=$BUILD/$w
    # The CRT's floating point is SSE2's in both widths (i686 too: no x87 excess precision, the same results
    # as x86_64's; its libm's double-double arithmetic depends on it).
    crt_fp=""
    [[ $w == x86 ]] && crt_fp="-msse2 -mfpmath=sse"
    EXTRA_CFLAGS=$crt_fp compile_sources "$w" crt "${CRT_SOURCES[@]}"
    crt_objs=("${OBJS[@]}")
    for dll in "${CRT_DLLS[@]}"; do
        read -r name base32 base64 <<<"$dll"
        compile "$w" "$GUEST/crt/flavor/$name.c" "$b/crtflavor_$name.o"
        base=$base64
        dir=System32
        if [[ $w == x86 ]]; then
            base=$base32
            dir=SysWOW64
        fi
        "$(cc_of "$w")" "${LDFLAGS[@]}" -shared -Wl,--kill-at -Wl,-e,"$(crt_entry_of "$w")" -Wl,--image-base,"$base" \
            -o "$OUT/$dir/$name.dll" "${crt_objs[@]}" "$b/crtflavor_$name.o" "$b/$name.def" "$b/libkernel32.a" \
            "$b/libntdll.a" -lgcc
    done
done

echo "== vcruntime140 (SysWOW64 and System32); it imports ucrtbase, kernel32 and ntdll"
mapfile -t VCRT_SOURCES < <(LC_ALL=C ls "$GUEST"/vcruntime/*.c)
read -r base32 base64 <<<"$VCRUNTIME"
for w in x86 x64; do
    b=$BUILD/$w
    compile_sources "$w" vcrt "${VCRT_SOURCES[@]}"
    base=$base64
    dir=System32
    if [[ $w == x86 ]]; then
        base=$base32
        dir=SysWOW64
    fi
    link_dll "$w" "$OUT/$dir/vcruntime140.dll" "$base" "$b/vcruntime140.def" "${OBJS[@]}" "$b/libucrtbase.a" \
        "$b/libkernel32.a" "$b/libntdll.a"
done
link_dll x64 "$OUT/System32/vcruntime140_1.dll" 0x7FFFFE360000 "$GUEST/vcruntime/vcruntime140_1.def"

if (( ! CRT_ONLY )); then
echo "== fixtures"
# Every fixtures/src/NAME.c is a program built for both widths against our kernel32 and ntdll, except:
#   NAME with a NAME_x86.S (NAME_x64.S) beside it: x86 (x64) only, linked with that assembly;
#   ordinal: imports GetStdHandle and ExitProcess by ordinal;
#   NAME listed in src/laa.list: also built for x86 as NAME_laa.exe, large-address-aware;
#   dll_NAME: a DLL, dll_NAME.dll, for both widths: entry point DllMain, exports listed in dll_NAME.def beside it
#   (cdecl names, the same for both widths), image base 0x10000000 (x86) or 0x180000000 (x64), with relocations.
# Every fixture DLL and program is also linked against the import libraries of all the fixture DLLs, made from
# their .def files first (so the order of the links does not matter): ld takes an import only for a function a
# source calls, so a fixture imports a fixture DLL exactly when it calls one of its functions (uses_dll_NAME
# programs, and a DLL that calls another).
FIXTURE_CFLAGS=(-I"$FIXTURES/src")
dllmain_of()  { [[ $1 == x86 ]] && echo _DllMain@12 || echo DllMain; }
dllbase_of()  { [[ $1 == x86 ]] && echo 0x10000000 || echo 0x180000000; }
mapfile -t FIXTURE_DLLS < <(cd "$FIXTURES/src" && LC_ALL=C ls dll_*.c | sed 's/\.c$//')
for w in x86 x64; do
    for dll in "${FIXTURE_DLLS[@]}"; do
        import_lib "$w" "$FIXTURES/src/$dll.def" "$BUILD/$w/lib$dll.a"
    done
done
fixture_libs() { local dll; for dll in "${FIXTURE_DLLS[@]}"; do echo "$BUILD/$1/lib$dll.a"; done; }
for dll in "${FIXTURE_DLLS[@]}"; do
    for w in x86 x64; do
        b=$BUILD/$w
        mapfile -t libs < <(fixture_libs "$w")
        "$(cc_of "$w")" "${CFLAGS[@]}" "$(unwind_of "$w")" "${FIXTURE_CFLAGS[@]}" -c "$FIXTURES/src/$dll.c" \
            -o "$b/$dll.o"
        "$(cc_of "$w")" "${LDFLAGS[@]}" -shared -Wl,--kill-at -Wl,--enable-reloc-section -Wl,-e,"$(dllmain_of "$w")" \
            -Wl,--image-base,"$(dllbase_of "$w")" -o "$OUT/fixtures/$w/$dll.dll" "$b/$dll.o" \
            "$FIXTURES/src/$dll.def" "${libs[@]}" "$b/libkernel32.a" "$b/libntdll.a" -lgcc
    done
done
mapfile -t PROGRAMS < <(cd "$FIXTURES/src" && LC_ALL=C ls *.c | grep -v '^dll_' | sed 's/\.c$//')
for prog in "${PROGRAMS[@]}"; do
    widths=(x86 x64)
    [[ -f $FIXTURES/src/${prog}_x86.S ]] && widths=(x86)
    [[ -f $FIXTURES/src/${prog}_x64.S ]] && widths=(x64)
    for w in "${widths[@]}"; do
        b=$BUILD/$w
        inputs=("$b/$prog.o")
        "$(cc_of "$w")" "${CFLAGS[@]}" "$(unwind_of "$w")" "${FIXTURE_CFLAGS[@]}" -c "$FIXTURES/src/$prog.c" \
            -o "$b/$prog.o"
        if [[ -f $FIXTURES/src/${prog}_$w.S ]]; then
            compile "$w" "$FIXTURES/src/${prog}_$w.S" "$b/${prog}_$w.o"
            inputs+=("$b/${prog}_$w.o")
        fi
        mapfile -t libs < <(fixture_libs "$w")
        inputs+=("${libs[@]}")
        if [[ $prog == ordinal ]]; then
            inputs+=("$b/libkernel32_ordinal.a")
        else
            inputs+=("$b/libshlwapi.a" "$b/libadvapi32.a" "$b/libkernel32.a" "$b/libntdll.a")
        fi
        link_exe "$w" "$OUT/fixtures/$w/$prog.exe" "${inputs[@]}"
        if [[ $w == x86 ]] && grep -qx "$prog" "$FIXTURES/src/laa.list"; then
            link_exe "$w" "$OUT/fixtures/$w/${prog}_laa.exe" -Wl,--large-address-aware "${inputs[@]}"
        fi
    done
done



echo "== C-runtime fixtures: programs built as users build them (mingw-w64's own start-up, headers and msvcrt.dll)"
# fixtures/crt/NAME.c becomes fixtures/bin/WIDTH/NAME.exe with the toolchain's defaults; only what determinism needs
# is added (no timestamp, no symbols, no compiler identification).
mapfile -t CRT_PROGRAMS < <(cd "$FIXTURES/crt" && LC_ALL=C ls *.c | sed 's/\.c$//')
for prog in "${CRT_PROGRAMS[@]}"; do
    for w in x86 x64; do
        "$(cc_of "$w")" -O2 -s -fno-ident -ffile-prefix-map="$ROOT"=. -Wl,--no-insert-timestamp \
            "$FIXTURES/crt/$prog.c" -o "$OUT/fixtures/$w/$prog.exe"
    done
done

echo "== MSVC-style fixtures: fixtures/src/msvc_*.cpp built by clang in MSVC mode, linked by lld-link"
# Programs as MSVC builds them (its C++ exception tables, __CxxFrameHandler3, x86's __ehhandler stubs), without
# MSVC's headers or libraries: no default libraries, the entry point `entry`, imports from libraries made of
# fixtures/src/msvc_<dll>.def (x86 names with their stdcall decoration, dropped for x64).
msvc_target_of() { [[ $1 == x86 ]] && echo i686-pc-windows-msvc || echo x86_64-pc-windows-msvc; }
MSVC_CFLAGS=(-O1 -fms-extensions -fms-compatibility -fexceptions -fcxx-exceptions -fno-stack-protector
             -mno-stack-arg-probe -fno-builtin -ffile-prefix-map="$ROOT"=. -Wall -Werror)
mapfile -t MSVC_DEFS < <(cd "$FIXTURES/src" && LC_ALL=C ls msvc_*.def | sed 's/\.def$//')
mapfile -t MSVC_PROGRAMS < <(cd "$FIXTURES/src" && LC_ALL=C ls msvc_*.cpp | sed 's/\.cpp$//')
for w in x86 x64; do
    b=$BUILD/$w
    msvc_libs=()
    for def in "${MSVC_DEFS[@]}"; do
        if [[ $w == x64 ]]; then
            sed -E 's/@[0-9]+$//' "$FIXTURES/src/$def.def" > "$b/$def.def"
        else
            cp "$FIXTURES/src/$def.def" "$b/$def.def"
        fi
        llvm-dlltool-14 -m "$(machine_of "$w")" -k -d "$b/$def.def" -l "$b/$def.lib"
        msvc_libs+=("$b/$def.lib")
    done
    for prog in "${MSVC_PROGRAMS[@]}"; do
        clang-14 --target="$(msvc_target_of "$w")" "${MSVC_CFLAGS[@]}" -c "$FIXTURES/src/$prog.cpp" -o "$b/$prog.obj"
        lld-link-14 /nologo /nodefaultlib /entry:entry /subsystem:console /Brepro \
            /out:"$OUT/fixtures/$w/$prog.exe" "$b/$prog.obj" "${msvc_libs[@]}"
    done
done
fi   # CRT_ONLY

# The built files and where they are installed.
INSTALL=(
    "SysWOW64/ntdll.dll:$SYSROOT/SysWOW64/ntdll.dll"
    "SysWOW64/kernel32.dll:$SYSROOT/SysWOW64/kernel32.dll"
    "System32/ntdll.dll:$SYSROOT/System32/ntdll.dll"
    "System32/kernel32.dll:$SYSROOT/System32/kernel32.dll"
    "SysWOW64/shlwapi.dll:$SYSROOT/SysWOW64/shlwapi.dll"
    "System32/shlwapi.dll:$SYSROOT/System32/shlwapi.dll"
    "SysWOW64/user32.dll:$SYSROOT/SysWOW64/user32.dll"
    "System32/user32.dll:$SYSROOT/System32/user32.dll"
    "SysWOW64/advapi32.dll:$SYSROOT/SysWOW64/advapi32.dll"
    "System32/advapi32.dll:$SYSROOT/System32/advapi32.dll"
    "SysWOW64/msvcrt.dll:$SYSROOT/SysWOW64/msvcrt.dll"
    "System32/msvcrt.dll:$SYSROOT/System32/msvcrt.dll"
    "SysWOW64/ucrtbase.dll:$SYSROOT/SysWOW64/ucrtbase.dll"
    "System32/ucrtbase.dll:$SYSROOT/System32/ucrtbase.dll"
    "SysWOW64/vcruntime140.dll:$SYSROOT/SysWOW64/vcruntime140.dll"
    "System32/vcruntime140.dll:$SYSROOT/System32/vcruntime140.dll"
    "System32/vcruntime140_1.dll:$SYSROOT/System32/vcruntime140_1.dll"
    "System32/wow64.dll:$SYSROOT/System32/wow64.dll"
    "System32/wow64cpu.dll:$SYSROOT/System32/wow64cpu.dll"
    "System32/wow64win.dll:$SYSROOT/System32/wow64win.dll"
    "SysWOW64/cmd.exe:$SYSROOT/SysWOW64/cmd.exe"
    "System32/cmd.exe:$SYSROOT/System32/cmd.exe"
)
for f in "$OUT"/fixtures/x86/*.exe "$OUT"/fixtures/x64/*.exe "$OUT"/fixtures/x86/*.dll "$OUT"/fixtures/x64/*.dll; do
    rel=${f#"$OUT"/fixtures/}
    INSTALL+=("fixtures/$rel:$FIXTURES/bin/$rel")
done

if (( CRT_ONLY )); then
    mapfile -t INSTALL < <(printf '%s\n' "${INSTALL[@]}" | grep -E '/(msvcrt|ucrtbase|vcruntime140|vcruntime140_1)\.dll:')
fi

echo "== sha256"
(cd "$OUT" && find . -type f | LC_ALL=C sort | xargs sha256sum) | tee "$BUILD/SHA256SUMS"

if (( CHECK )); then
    status=0
    for pair in "${INSTALL[@]}"; do
        src=$OUT/${pair%%:*}
        dst=${pair#*:}
        if ! cmp -s "$src" "$dst"; then
            echo "differs from the committed file: ${dst#"$ROOT"/}" >&2
            status=1
        fi
    done
    exit $status
fi

echo "== installing"
for pair in "${INSTALL[@]}"; do
    src=$OUT/${pair%%:*}
    dst=${pair#*:}
    mkdir -p "$(dirname "$dst")"
    cp "$src" "$dst"
done
echo "done"
