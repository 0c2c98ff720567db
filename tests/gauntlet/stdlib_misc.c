#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    char buf[72];
    printf("_itoa: %s %s %s %s\n", _itoa(255, buf, 2), _itoa(255, buf + 20, 16), _itoa(-255, buf + 30, 10),
           _itoa(-1, buf + 40, 16));
    printf("_ltoa: %s\n", _ltoa(LONG_MIN, buf, 10));
    printf("_ultoa: %s %s\n", _ultoa(ULONG_MAX, buf, 10), _ultoa(1295, buf + 20, 36));
    printf("_i64toa: %s\n", _i64toa(-1234567890123LL, buf, 10));
    printf("_ui64toa: %s\n", _ui64toa(0xFFFFFFFFFFFFFFFFULL, buf, 16));
    div_t d = div(-17, 5);
    ldiv_t ld = ldiv(17L, -5L);
    printf("div(-17,5) = %d r %d; ldiv(17,-5) = %ld r %ld\n", d.quot, d.rem, ld.quot, ld.rem);
    printf("abs(INT_MIN+1)=%d labs(-5)=%ld llabs=%lld _abs64=%lld\n", abs(INT_MIN + 1), labs(-5L), llabs(-6LL),
           _abs64(-7LL));
    printf("__max/__min: %d %d\n", __max(3, 9), __min(3, 9));
    printf("_rotl(1,31)=%08X _rotr(1,1)=%08X\n", _rotl(1u, 31), _rotr(1u, 1));
    printf("_swab:");
    char in[] = "abcdef", out[8] = {0};
    _swab(in, out, 6);
    printf(" %s\n", out);
    char *v = getenv("COMSPEC");
    printf("getenv(COMSPEC) is %s\n", v ? "set" : "not set");
    char path[_MAX_PATH], drive[_MAX_DRIVE], dir[_MAX_DIR], fname[_MAX_FNAME], ext[_MAX_EXT];
    _splitpath("C:\\dir\\sub\\file.name.txt", drive, dir, fname, ext);
    printf("_splitpath: [%s] [%s] [%s] [%s]\n", drive, dir, fname, ext);
    _makepath(path, "D", "\\top\\", "base", "c");
    printf("_makepath: %s\n", path);
    char full[_MAX_PATH];
    printf("_fullpath: %s\n", _fullpath(full, "sub\\..\\x.txt", sizeof full));
    return 0;
}
