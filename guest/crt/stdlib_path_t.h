/*
 * _splitpath, _makepath, _fullpath and _searchenv, written once for both widths: stdlib_path.c includes this with
 * CH char and with CH wchar_t. The includer defines CH, N(narrow, wide), P(name), FULLPATH (GetFullPathNameA or W)
 * and ATTRIBUTES (GetFileAttributesA or W).
 */

/* Copies n characters and a NUL to out (of size characters; out NULL: not wanted). 0 or ERANGE. */
static int P(part)(CH *out, size_t size, const CH *from, size_t n)
{
    if (!out)
        return 0;
    if (n >= size)
        return CRT_ERANGE;
    memcpy(out, from, n * sizeof(CH));
    out[n] = 0;
    return 0;
}

/* Splits "D:\dir\name.ext" into "D:", "\dir\", "name" and ".ext" (each part may be empty or not wanted). */
int CRT_EXPORT N(_splitpath_s, _wsplitpath_s)(const CH *path, CH *drive, size_t drive_size, CH *dir,
                                               size_t dir_size, CH *fname, size_t fname_size, CH *ext,
                                               size_t ext_size)
{
    const CH *p = path, *name, *dot = NULL, *s;
    int r;

    if (!path || (!drive) != (!drive_size) || (!dir) != (!dir_size) || (!fname) != (!fname_size)
        || (!ext) != (!ext_size)) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    if (p[0] && p[1] == ':')
        p += 2;
    name = p;
    for (s = p; *s; s++)
        if (*s == '/' || *s == '\\')
            name = s + 1;
    for (s = name; *s; s++)
        if (*s == '.')
            dot = s;
    if (!dot)
        dot = s;
    r = P(part)(drive, drive_size, path, p - path);
    if (!r)
        r = P(part)(dir, dir_size, p, name - p);
    if (!r)
        r = P(part)(fname, fname_size, name, dot - name);
    if (!r)
        r = P(part)(ext, ext_size, dot, s - dot);
    if (r) {
        /* A part that does not fit empties them all. */
        if (drive)
            *drive = 0;
        if (dir)
            *dir = 0;
        if (fname)
            *fname = 0;
        if (ext)
            *ext = 0;
        crt_invalid_parameter(r);
    }
    return r;
}

/* _splitpath: the _MAX_DRIVE, _MAX_DIR, _MAX_FNAME and _MAX_EXT sizes. */
void CRT_EXPORT N(_splitpath, _wsplitpath)(const CH *path, CH *drive, CH *dir, CH *fname, CH *ext)
{
    N(_splitpath_s, _wsplitpath_s)(path, drive, drive ? 3 : 0, dir, dir ? 256 : 0, fname, fname ? 256 : 0, ext,
                                   ext ? 256 : 0);
}

/* Appends s to out at *used, within size: 0 or ERANGE. */
static int P(append)(CH *out, size_t size, size_t *used, const CH *s, size_t n)
{
    if (n >= size - *used)
        return CRT_ERANGE;
    memcpy(out + *used, s, n * sizeof(CH));
    *used += n;
    return 0;
}

/* The reverse of _splitpath: "D:" from the drive's letter, the directory with a separator after it, the name,
 * and the extension with a dot before it. */
int CRT_EXPORT N(_makepath_s, _wmakepath_s)(CH *path, size_t size, const CH *drive, const CH *dir,
                                             const CH *fname, const CH *ext)
{
    static const CH colon[] = {':', 0}, backslash[] = {'\\', 0}, dot[] = {'.', 0};
    size_t used = 0, n;
    int r = 0;

    if (!path || !size) {
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    if (drive && *drive)
        r = P(append)(path, size, &used, drive, 1) || P(append)(path, size, &used, colon, 1) ? CRT_ERANGE : 0;
    if (!r && dir && *dir) {
        for (n = 0; dir[n]; n++)
            ;
        r = P(append)(path, size, &used, dir, n);
        if (!r && dir[n - 1] != '/' && dir[n - 1] != '\\')
            r = P(append)(path, size, &used, backslash, 1);
    }
    if (!r && fname) {
        for (n = 0; fname[n]; n++)
            ;
        r = P(append)(path, size, &used, fname, n);
    }
    if (!r && ext && *ext) {
        if (*ext != '.')
            r = P(append)(path, size, &used, dot, 1);
        for (n = 0; ext[n]; n++)
            ;
        if (!r)
            r = P(append)(path, size, &used, ext, n);
    }
    if (r) {
        *path = 0;
        crt_invalid_parameter(r);
        return r;
    }
    path[used] = 0;
    return 0;
}

void CRT_EXPORT N(_makepath, _wmakepath)(CH *path, const CH *drive, const CH *dir, const CH *fname, const CH *ext)
{
    N(_makepath_s, _wmakepath_s)(path, ((size_t)-1 >> 1) / sizeof(CH), drive, dir, fname, ext);   /* unbounded */
}

/* The absolute form of path (GetFullPathName), in buf of size characters or, with buf NULL, in a new block;
 * an empty or NULL path is the current directory. */
CH *CRT_EXPORT N(_fullpath, _wfullpath)(CH *buf, const CH *path, size_t size)
{
    static const CH here[] = {'.', 0};
    DWORD n;
    CH *out = buf;

    if (!path || !*path)
        path = here;
    n = FULLPATH(path, 0, NULL, NULL);
    if (!n) {
        crt_set_errno_from_win32(GetLastError());
        return NULL;
    }
    if (!buf) {
        if (size < n)
            size = n;
        out = crt_alloc(size * sizeof(CH));
        if (!out) {
            crt_thread_data()->err = CRT_ENOMEM;
            return NULL;
        }
    } else if (n > size) {
        crt_thread_data()->err = CRT_ERANGE;
        return NULL;
    }
    if (!FULLPATH(path, (DWORD)size, out, NULL)) {
        crt_set_errno_from_win32(GetLastError());
        if (!buf)
            crt_free(out);
        return NULL;
    }
    return out;
}

/* _searchenv: file in the current directory, else in each directory of the environment variable `var` (a list
 * separated by ';'), as a full path in buf of size characters; empty and ENOENT when it is nowhere. */
int CRT_EXPORT N(_searchenv_s, _wsearchenv_s)(const CH *file, const CH *var, CH *buf, size_t size)
{
    CH candidate[MAX_PATH], *list;
    const CH *p, *end;
    size_t flen, dlen;

    if (!buf || !size || !file || !var) {
        if (buf && size)
            *buf = 0;
        crt_invalid_parameter(CRT_EINVAL);
        return CRT_EINVAL;
    }
    *buf = 0;
    if (!*file) {
        crt_thread_data()->err = CRT_ENOENT;
        return CRT_ENOENT;
    }
    if (ATTRIBUTES(file) != INVALID_FILE_ATTRIBUTES)
        return N(_fullpath, _wfullpath)(buf, file, size) ? 0 : crt_thread_data()->err;
    for (flen = 0; file[flen]; flen++)
        ;
    list = N(getenv, _wgetenv)(var);
    for (p = list; p && *p; p = *end ? end + 1 : end) {
        for (end = p; *end && *end != ';'; end++)
            ;
        dlen = end - p;
        if (!dlen || dlen + 1 + flen >= MAX_PATH)
            continue;
        memcpy(candidate, p, dlen * sizeof(CH));
        if (candidate[dlen - 1] != '\\' && candidate[dlen - 1] != '/')
            candidate[dlen++] = '\\';
        memcpy(candidate + dlen, file, (flen + 1) * sizeof(CH));
        if (ATTRIBUTES(candidate) != INVALID_FILE_ATTRIBUTES)
            return N(_fullpath, _wfullpath)(buf, candidate, size) ? 0 : crt_thread_data()->err;
    }
    crt_thread_data()->err = CRT_ENOENT;
    return CRT_ENOENT;
}

void CRT_EXPORT N(_searchenv, _wsearchenv)(const CH *file, const CH *var, CH *buf)
{
    N(_searchenv_s, _wsearchenv_s)(file, var, buf, MAX_PATH);
}
