#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void show(const char *name)
{
    const char *value = getenv(name);
    printf("%s=%s\n", name, value ? value : "(not set)");
}

int main(void)
{
    show("GAUNTLET_VAR");
    printf("_putenv: %d\n", _putenv("GAUNTLET_VAR=first value"));
    show("GAUNTLET_VAR");
    _putenv("GAUNTLET_VAR=second=value");
    show("GAUNTLET_VAR");
    show("gauntlet_var"); /* names are case-insensitive on Windows */
    _putenv("GAUNTLET_VAR=");  /* an empty value removes the variable */
    show("GAUNTLET_VAR");
    show("SystemRoot");
    show("SYSTEMROOT");
    show("PATH");
    show("OS");
    show("NO_SUCH_VARIABLE_HERE");
    int found = 0;
    extern char **_environ;
    for (char **e = _environ; *e; e++)
        if (_strnicmp(*e, "SystemDrive=", 12) == 0) {
            printf("_environ has %s\n", *e);
            found++;
        }
    printf("found %d\n", found);
    return 0;
}
