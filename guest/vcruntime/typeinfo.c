/*
 * type_info's data as MSVC lays it out ({the readable name once computed, the decorated name ".?AVname@ns@@"}) and
 * the functions std::type_info's members call: name() builds the readable name ("class ns::name") once and keeps
 * it; comparison and hashing use the decorated name.
 */
#include "vcrt.h"

typedef struct {
    const char *undecorated;
    const char decorated[1];
} type_info_data_t;

/* The readable name of a decorated type name: ".?AV"/".?AU"/".?AW4" + "name@scope@...@@" gives "class scope::name",
 * "struct ...", "enum ..."; the few basic types by their code; anything else as it is, without its leading dot.
 * Returns the length written (out NULL: only measured). */
static size_t undecorate(const char *decorated, char *out)
{
    static const struct { char code; const char *name; } basic[] = {
        {'C', "signed char"}, {'D', "char"}, {'E', "unsigned char"}, {'F', "short"}, {'G', "unsigned short"},
        {'H', "int"}, {'I', "unsigned int"}, {'J', "long"}, {'K', "unsigned long"}, {'M', "float"},
        {'N', "double"}, {'O', "long double"}, {'X', "void"},
    };
    const char *kind = NULL, *name = decorated + 1, *parts[16];
    size_t n = 0, count = 0;

#define EMIT(text) do { for (const char *t_ = (text); *t_; t_++) { if (out) out[n] = *t_; n++; } } while (0)
    if (decorated[0] == '.' && decorated[1] && !decorated[2]) {
        for (size_t i = 0; i < sizeof basic / sizeof basic[0]; i++)
            if (basic[i].code == decorated[1]) {
                EMIT(basic[i].name);
                return n;
            }
    }
    if (decorated[0] == '.' && decorated[1] == '?' && decorated[2] == 'A') {
        if (decorated[3] == 'V')
            kind = "class ", name = decorated + 4;
        else if (decorated[3] == 'U')
            kind = "struct ", name = decorated + 4;
        else if (decorated[3] == 'W' && decorated[4] == '4')
            kind = "enum ", name = decorated + 5;
    }
    if (!kind) {
        EMIT(name);
        return n;
    }
    /* The parts are innermost first, each ended by '@', the list by "@@". */
    for (const char *p = name; *p && *p != '@' && count < 16;) {
        parts[count++] = p;
        while (*p && *p != '@')
            p++;
        if (*p)
            p++;
    }
    EMIT(kind);
    while (count--) {
        for (const char *p = parts[count]; *p && *p != '@'; p++) {
            if (out)
                out[n] = *p;
            n++;
        }
        if (count)
            EMIT("::");
    }
    return n;
#undef EMIT
}

const char *VCRT_EXPORT __std_type_info_name(type_info_data_t *data, void *list)
{
    size_t n;
    char *name;

    (void)list;
    if (data->undecorated)
        return data->undecorated;
    n = undecorate(data->decorated, NULL);
    name = malloc(n + 1);
    if (!name)
        return data->decorated;
    undecorate(data->decorated, name);
    name[n] = 0;
    if (InterlockedCompareExchangePointer((void **)&data->undecorated, name, NULL) != NULL)
        free(name);
    return data->undecorated;
}

int VCRT_EXPORT __std_type_info_compare(const type_info_data_t *a, const type_info_data_t *b)
{
    const unsigned char *x = (const unsigned char *)a->decorated + 1, *y = (const unsigned char *)b->decorated + 1;

    if (a == b)
        return 0;
    while (*x && *x == *y)
        x++, y++;
    return *x - *y;
}

/* FNV-1a over the decorated name, as the Microsoft runtime hashes it. */
size_t VCRT_EXPORT __std_type_info_hash(const type_info_data_t *data)
{
#ifdef __x86_64__
    size_t hash = 14695981039346656037ull, prime = 1099511628211ull;
#else
    size_t hash = 2166136261u, prime = 16777619u;
#endif
    for (const unsigned char *p = (const unsigned char *)data->decorated + 1; *p; p++)
        hash = (hash ^ *p) * prime;
    return hash;
}

/* The names __std_type_info_name allocated stay until the process ends. */
void VCRT_EXPORT __std_type_info_destroy_list(void *list)
{
    (void)list;
}
