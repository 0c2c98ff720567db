#include <stdio.h>
#include <string.h>

static int sign(int v) { return v < 0 ? -1 : v > 0; }

int main(int argc, char **argv)
{
    (void)argv;
    char text[] = "  the quick,brown;;fox , jumps  ";
    int n = 0;
    for (char *tok = strtok(text, " ,;"); tok; tok = strtok(NULL, " ,;"))
        printf("token %d: [%s]\n", ++n, tok);

    const char *hay = "a needle in a haystack of needles";
    printf("strstr: [%s]\n", strstr(hay, "needle"));
    printf("strstr last: [%s]\n", strstr(hay + 3, "needle"));
    printf("strstr missing: %s\n", strstr(hay, "pin") ? "found" : "NULL");
    printf("strstr empty: %d\n", strstr(hay, "") == hay);
    printf("strchr: [%s] strrchr: [%s]\n", strchr(hay, 'h'), strrchr(hay, 'e'));
    printf("strchr NUL: %d\n", strchr(hay, '\0') == hay + strlen(hay));
    printf("strspn=%u strcspn=%u\n", (unsigned)strspn("aabbcxy", "abc"), (unsigned)strcspn("hello world", " o"));
    printf("strpbrk: [%s]\n", strpbrk("key=value;next", "=;"));

    char pad[8];
    memset(pad, '#', sizeof pad);
    strncpy(pad, "abc", 6);
    printf("strncpy pads:");
    for (int i = 0; i < 8; i++)
        printf(" %02X", (unsigned char)pad[i]);
    printf("\n");
    strncpy(pad, "abcdefghij", 4);
    printf("strncpy truncates: %.8s\n", pad);

    char buf[32] = "0123456789";
    memmove(buf + 2, buf, 8);
    printf("memmove right: %s\n", buf);
    memmove(buf, buf + 3, 8);
    printf("memmove left: %s\n", buf);

    /* argc keeps the compiler from folding the comparisons. */
    const char *words[] = {"apple", "apples", "banana", "Apple", "", "apple"};
    for (int i = 0; i < 5; i++)
        printf("strcmp(%s,%s)=%d strncmp3=%d _stricmp=%d\n", words[i], words[i + 1],
               sign(strcmp(words[i + argc - 1], words[i + argc])),
               sign(strncmp(words[i + argc - 1], words[i + argc], 3)),
               sign(_stricmp(words[i + argc - 1], words[i + argc])));
    printf("memcmp: %d %d %d\n", sign(memcmp("ab\x80", "ab\x01", 3)), sign(memcmp("abc", "abd", 2)),
           sign(memcmp("a", "b", argc - 1)));

    char s[64] = "Hello";
    strcat(s, ", ");
    strncat(s, "World!!!", 6);
    printf("strcat: %s (%u)\n", s, (unsigned)strlen(s));
    printf("_strupr: %s\n", _strupr(s));
    printf("_strlwr: %s\n", _strlwr(s));
    printf("_strrev: %s\n", _strrev(s));
    char *dup = _strdup("duplicate");
    printf("_strdup: %s\n", dup);
    printf("memchr: [%s]\n", (char *)memchr(dup, 'l', 9));
    printf("_strnicmp: %d\n", sign(_strnicmp("HELLO", "help", 3)));
    printf("_strnset: %s\n", _strnset(dup, '*', 3));
    printf("_strset: %s\n", _strset(dup, '-'));
    return 0;
}
