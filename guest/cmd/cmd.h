/*
 * cmd.exe, written for wow64emu: a small command interpreter with the syntax, messages and exit codes of
 * Windows 10's cmd.exe for what it does (docs/cmd.md). Built for both widths (System32 and SysWOW64), it imports
 * only kernel32 and ntdll. One file per concept: the entry point and the two modes (main.c), a command line's
 * expansion and operators (line.c), the internal commands' table (commands.c) and each command, running other
 * programs (launch.c), text and numbers (text.c), output (output.c).
 */
#ifndef CMD_H
#define CMD_H

#include "nt.h"

#define LINE_MAX 8192           /* cmd's limit on a command line, in characters */
#define NOT_RECOGNIZED 9009     /* the ERRORLEVEL of a command cmd cannot find */

/* What the interpreter keeps between commands. */
struct cmd_state {
    BOOL echo;                  /* ECHO is on: the prompt and the commands read are shown */
    BOOL exiting;               /* `exit` was run: no further command runs */
    int errorlevel;
};
extern struct cmd_state state;

/* text.c: wide strings without a C runtime. */
DWORD text_length(const WCHAR *s);
WCHAR text_upper(WCHAR c);
int text_compare_names(const WCHAR *a, const WCHAR *b);   /* variable names, case-insensitive, ending at '=' */
BOOL text_starts_with(const WCHAR *s, const WCHAR *prefix);   /* case-insensitive */
BOOL text_equal(const WCHAR *a, const WCHAR *b);   /* case-insensitive */
void text_copy(WCHAR *dst, const WCHAR *src, DWORD capacity);
void text_append(WCHAR *dst, const WCHAR *src, DWORD capacity);
DWORD text_decimal(WCHAR *buf, ULONGLONG value, BOOL separators);   /* "1,234" with separators; no NUL */
WCHAR *text_skip_blanks(WCHAR *s);
void text_trim_end(WCHAR *s);
void text_unquote(WCHAR *s);   /* "a b" -> a b, in place */
BOOL text_is_blank(WCHAR c);
void *cmd_alloc(SIZE_T size);
void cmd_free(void *p);

/* output.c: text to stdout or stderr in the console's code page, lines ending in CR LF. */
void out(const WCHAR *s);
void out_n(const WCHAR *s, DWORD n);
void out_number(ULONGLONG value, BOOL separators, DWORD width);   /* right-aligned in `width` characters */
void err(const WCHAR *s);
void err_system_message(DWORD error);   /* FormatMessage's text of a Win32 error */

/* line.c: one command line: %VAR% expanded, then its commands run as &, && and || join them. */
int run_line(const WCHAR *line);

/* commands.c: one command, internal or a program; its return code (ERRORLEVEL is set from it). */
int run_command(WCHAR *command);

/* The internal commands, each given the text after its name; each returns its return code. */
int cmd_echo(WCHAR *args);
int cmd_set(WCHAR *args);
int cmd_type(WCHAR *args);
int cmd_dir(WCHAR *args);
int cmd_cd(WCHAR *args);
int cmd_exit(WCHAR *args);
int cmd_ver(WCHAR *args);
void version_string(WCHAR *buf, DWORD capacity);   /* "Microsoft Windows [Version 10.0.19045.3803]" */

/* launch.c: another program found in the current folder or on PATH with PATHEXT, run and waited for. */
int launch(WCHAR *command);

#endif
