/*
 * The path functions of one character width, included by paths.c once for ANSI and once for wide characters:
 * CH is the character type, F(name) the exported name, S(text) a literal of that width.
 */

static size_t F(length)(const CH *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static void F(copy)(CH *dst, const CH *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = src[i];
    dst[n] = 0;
}

/* The file name: what follows the last '\', '/' or ':' that has a name after it (not a separator, not the end);
 * the path itself when there is none; NULL for NULL. "C:\dir\" -> "dir\". */
CH *WINAPI F(PathFindFileName)(const CH *path)
{
    const CH *name = path;

    for (const CH *p = path; p && *p; p++)
        if ((*p == '\\' || *p == '/' || *p == ':') && p[1] && p[1] != '\\' && p[1] != '/')
            name = p + 1;
    return (CH *)name;
}

/* The extension: the last '.' after the last '\' or space; the terminator when there is none; NULL for NULL. */
CH *WINAPI F(PathFindExtension)(const CH *path)
{
    const CH *dot = NULL, *p = path;

    if (!path)
        return NULL;
    for (; *p; p++) {
        if (*p == '\\' || *p == ' ')
            dot = NULL;
        else if (*p == '.')
            dot = p;
    }
    return (CH *)(dot ? dot : p);
}

/* TRUE for NULL, "" and a path that starts neither with '\' nor with a drive ("x:"). */
BOOL WINAPI F(PathIsRelative)(const CH *path)
{
    if (!path || !*path)
        return TRUE;
    return !(path[0] == '\\' || path[1] == ':');
}

/* A root: "\", "X:\", or a UNC server or share with nothing after it ("\\server", "\\server\share"). */
BOOL WINAPI F(PathIsRoot)(const CH *path)
{
    if (!path || !*path)
        return FALSE;
    if (path[0] == '\\' && path[1] == '\\') {
        int separators = 0;
        for (const CH *p = path + 2; *p; p++)
            if (*p == '\\' && ++separators == 2)
                return FALSE;
        return TRUE;
    }
    if (path[0] == '\\')
        return !path[1];
    return path[1] == ':' && path[2] == '\\' && !path[3];
}

/* What follows the root: after "X:\" or after "\\server\share\"; the terminator for "\\server\share\"; NULL when
 * there is no such root ("\dir", "X:dir", "\\server\share"). */
CH *WINAPI F(PathSkipRoot)(const CH *path)
{
    if (!path || !*path)
        return NULL;
    if (path[0] == '\\' && path[1] == '\\') {
        int separators = 0;
        for (const CH *p = path + 2; *p; p++)
            if (*p == '\\' && ++separators == 2)
                return (CH *)p + 1;
        return NULL;
    }
    if (path[1] == ':' && path[2] == '\\')
        return (CH *)path + 3;
    return NULL;
}

/* Cuts the last component and the '\' before it, keeping a root: "C:\dir\file" -> "C:\dir", "C:\file" -> "C:\",
 * "\\server\share" -> "\\server", "file" -> "". FALSE when nothing was cut ("C:\", "", NULL). */
BOOL WINAPI F(PathRemoveFileSpec)(CH *path)
{
    size_t cut = 0, i = 0;

    if (!path)
        return FALSE;
    while (i < 2 && path[i] == '\\')
        cut = ++i;                                                  /* "\" or "\\" stays */
    for (; path[i]; i++) {
        if (path[i] == '\\')
            cut = i;
        else if (path[i] == ':') {
            cut = i + 1;                                            /* "X:" stays, and "X:\" */
            if (path[i + 1] == '\\')
                cut = ++i + 1;
        }
    }
    if (!path[cut])
        return FALSE;
    path[cut] = 0;
    return TRUE;
}

/* Cuts components until a root is left ("C:\a\b" -> "C:\", "\\server\share\a" -> "\\server\share"); FALSE when
 * none is (a relative path ends as ""), or for NULL. */
BOOL WINAPI F(PathStripToRoot)(CH *path)
{
    if (!path)
        return FALSE;
    while (!F(PathIsRoot)(path))
        if (!F(PathRemoveFileSpec)(path))
            return FALSE;
    return TRUE;
}

/* Keeps the file name only ("C:\dir\file.txt" -> "file.txt"). */
void WINAPI F(PathStripPath)(CH *path)
{
    CH *name = F(PathFindFileName)(path);

    if (name != path)
        F(copy)(path, name, F(length)(name));
}

/* Adds a '\' unless the path is empty or ends with one; returns the terminator's address, or NULL (and changes
 * nothing) for NULL or when the result would not fit in MAX_PATH characters. */
CH *WINAPI F(PathAddBackslash)(CH *path)
{
    size_t n;

    if (!path || (n = F(length)(path)) >= MAX_PATH)
        return NULL;
    if (n && path[n - 1] != '\\') {
        if (n + 1 >= MAX_PATH)
            return NULL;
        path[n++] = '\\';
        path[n] = 0;
    }
    return path + n;
}

/* Removes a trailing '\' unless the path is a root; returns the address of the last character, which is the
 * new terminator when a '\' was removed (the path itself for ""); NULL for NULL. */
CH *WINAPI F(PathRemoveBackslash)(CH *path)
{
    CH *last;

    if (!path)
        return NULL;
    last = *path ? path + F(length)(path) - 1 : path;
    if (*last == '\\' && !F(PathIsRoot)(path))
        *last = 0;
    return last;
}

void WINAPI F(PathRemoveExtension)(CH *path)
{
    CH *dot = F(PathFindExtension)(path);

    if (dot)
        *dot = 0;
}

/* Replaces the extension (or appends one); FALSE, with the path unchanged, when the result would not fit in
 * MAX_PATH characters or for NULL. */
BOOL WINAPI F(PathRenameExtension)(CH *path, const CH *extension)
{
    CH *dot = F(PathFindExtension)(path);
    size_t n;

    if (!dot || !extension || (size_t)(dot - path) + (n = F(length)(extension)) >= MAX_PATH)
        return FALSE;
    F(copy)(dot, extension, n);
    return TRUE;
}

/* Wraps a path that holds a space in double quotes, if the result fits in MAX_PATH characters: TRUE when it
 * did. */
BOOL WINAPI F(PathQuoteSpaces)(CH *path)
{
    size_t n;

    if (!path || !F(StrChr)(path, ' ') || (n = F(length)(path)) + 3 > MAX_PATH)
        return FALSE;
    for (size_t i = n; i > 0; i--)
        path[i] = path[i - 1];
    path[0] = '"';
    path[n + 1] = '"';
    path[n + 2] = 0;
    return TRUE;
}

/* Removes the double quotes around a path that starts and ends with one: TRUE when it did. */
BOOL WINAPI F(PathUnquoteSpaces)(CH *path)
{
    size_t n;

    if (!path || path[0] != '"' || path[(n = F(length)(path)) - 1] != '"')
        return FALSE;
    if (n == 1)
        path[0] = 0;                                                /* a lone quote */
    else
        F(copy)(path, path + 1, n - 2);
    return TRUE;
}

/* The arguments of a command line: after the first space outside double quotes; the terminator when there are
 * none; NULL for NULL. */
CH *WINAPI F(PathGetArgs)(const CH *path)
{
    BOOL quoted = FALSE;

    if (!path)
        return NULL;
    for (; *path; path++) {
        if (*path == ' ' && !quoted)
            return (CH *)path + 1;
        if (*path == '"')
            quoted = !quoted;
    }
    return (CH *)path;
}

/* Cuts the arguments and the space before them ("prog.exe a b" -> "prog.exe", "prog.exe " -> "prog.exe"). */
void WINAPI F(PathRemoveArgs)(CH *path)
{
    CH *args = F(PathGetArgs)(path);

    if (args && args > path && args[-1] == ' ')
        args[-1] = 0;
}

/* The root of a path, for PathCanonicalize: "\\server\share\" (or as much of it as there is), "X:\", "X:" or
 * "\"; its length. */
static size_t F(root_length)(const CH *path)
{
    if (path[0] == '\\' && path[1] == '\\') {
        size_t i = 2;
        for (int part = 0; part < 2; part++) {
            while (path[i] && path[i] != '\\')
                i++;
            if (path[i] == '\\')
                i++;
        }
        return i;
    }
    if (path[0] && path[1] == ':')
        return path[2] == '\\' ? 3 : 2;
    return path[0] == '\\' ? 1 : 0;
}

/* Removes the "." and ".." components of a path, which only '\' separates (a '/' is part of a name): "." is
 * dropped, ".." removes the component before it, never the root ("C:\..", "\\server\share\.."), and nothing
 * before a relative path's start. A final "." or ".." takes its '\' with it ("C:\a\b\.." -> "C:\a",
 * "C:\a\b\..\" -> "C:\a\"); a naked drive gets its '\' ("C:" -> "C:\"), an empty path is "\". FALSE
 * with ERROR_INVALID_PARAMETER for a NULL argument, ERROR_FILENAME_EXCED_RANGE for a path of MAX_PATH characters
 * or more; the destination (MAX_PATH characters) is "" then. */
BOOL WINAPI F(PathCanonicalize)(CH *dst, const CH *src)
{
    size_t n, root, out, i;
    BOOL dotted = FALSE;                                            /* the last component was "." or ".." */

    if (dst)
        *dst = 0;
    if (!dst || !src) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if ((n = F(length)(src)) >= MAX_PATH) {
        SetLastError(ERROR_FILENAME_EXCED_RANGE);
        return FALSE;
    }
    if (!n) {
        F(copy)(dst, S("\\"), 1);
        return TRUE;
    }
    root = F(root_length)(src);
    F(copy)(dst, src, root);
    out = root;
    for (i = root; src[i]; ) {
        size_t start = i, len;
        while (src[i] && src[i] != '\\')
            i++;
        len = i - start;
        dotted = src[start] == '.' && (len == 1 || (len == 2 && src[start + 1] == '.'));
        if (dotted && len == 2) {
            if (out > root) {                                       /* back over "name\" */
                out--;
                while (out > root && dst[out - 1] != '\\')
                    out--;
            }
        } else if (!dotted) {
            for (size_t k = start; k < i; k++)
                dst[out++] = src[k];
            if (src[i])
                dst[out++] = '\\';
        }
        if (src[i])
            i++;                                                    /* the '\' */
    }
    if (dotted && src[n - 1] != '\\' && out > root && dst[out - 1] == '\\')
        out--;
    if (out == 2 && dst[1] == ':')
        dst[out++] = '\\';
    dst[out] = 0;
    return TRUE;
}

/* Joins a directory and a file name and canonicalizes the result into `dst` (MAX_PATH characters): the file
 * alone when the directory is NULL or "" or the file is not relative ("D:\x", "\\server\x"); the directory's
 * root and the file for a file rooted in '\'; the directory alone for a NULL or "" file. NULL, with `dst` made
 * "", when both are NULL, when the directory has no root for a '\' file, or when the result would not fit in
 * MAX_PATH characters; NULL for a NULL `dst`. The last error is not changed. */
CH *WINAPI F(PathCombine)(CH *dst, const CH *dir, const CH *file)
{
    CH joined[MAX_PATH];
    size_t n;

    if (!dst)
        return NULL;
    if (!dir && !file)
        goto fail;
    if (!file || !*file) {
        if (!dir)
            dir = S("");
        if ((n = F(length)(dir)) >= MAX_PATH)
            goto fail;
        F(copy)(joined, dir, n);
    } else if (!dir || !*dir || (!F(PathIsRelative)(file) && (file[0] != '\\' || file[1] == '\\'))) {
        if ((n = F(length)(file)) >= MAX_PATH)
            goto fail;
        F(copy)(joined, file, n);
    } else {
        if ((n = F(length)(dir)) >= MAX_PATH)
            goto fail;
        F(copy)(joined, dir, n);
        if (file[0] == '\\') {                                      /* rooted in the directory's drive */
            if (!F(PathStripToRoot)(joined))
                goto fail;
            file++;
        }
        if (!F(PathAddBackslash)(joined) || (n = F(length)(joined)) + F(length)(file) >= MAX_PATH)
            goto fail;
        F(copy)(joined + n, file, F(length)(file));
    }
    if (F(PathCanonicalize)(dst, joined))
        return dst;
fail:
    *dst = 0;
    return NULL;
}

/* Appends a file name to a path (`path` holds MAX_PATH characters) through PathCombine, leading '\'s of `more`
 * dropped unless it is a UNC path; FALSE for NULL arguments and, with `path` made "", when it does not fit. */
BOOL WINAPI F(PathAppend)(CH *path, const CH *more)
{
    if (!path || !more)
        return FALSE;
    if (!(more[0] == '\\' && more[1] == '\\'))
        while (*more == '\\')
            more++;
    return F(PathCombine)(path, path, more) != NULL;
}

/* Whether a file or directory exists (GetFileAttributes succeeds), with critical-error boxes off as Windows
 * turns them off; FALSE for NULL. */
BOOL WINAPI F(PathFileExists)(const CH *path)
{
    UINT mode;
    DWORD attributes;

    if (!path)
        return FALSE;
    mode = SetErrorMode(SEM_FAILCRITICALERRORS);
    attributes = F(GetFileAttributes)(path);
    SetErrorMode(mode);
    return attributes != INVALID_FILE_ATTRIBUTES;
}

/* FILE_ATTRIBUTE_DIRECTORY (16) for an existing directory, FALSE otherwise (and for NULL). */
BOOL WINAPI F(PathIsDirectory)(const CH *path)
{
    DWORD attributes;

    if (!path)
        return FALSE;
    attributes = F(GetFileAttributes)(path);
    if (attributes == INVALID_FILE_ATTRIBUTES)
        return FALSE;
    return attributes & FILE_ATTRIBUTE_DIRECTORY;
}
