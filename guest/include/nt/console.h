/* The console API's requests to the console driver (\Device\ConDrv), as the emulator lays them out; included by
 * nt.h. Windows' own layout is not documented: this one has the same bytes in both widths, so wow64 passes it
 * unchanged (docs/console.md lists the API numbers and what each request gives back). */
#ifndef WOW64EMU_NT_CONSOLE_H
#define WOW64EMU_NT_CONSOLE_H

/* CTL_CODE(FILE_DEVICE_CONSOLE, 5, METHOD_OUT_DIRECT, FILE_ANY_ACCESS), sent on the console connection
 * (RTL_USER_PROCESS_PARAMETERS.ConsoleHandle). */
#define IOCTL_CONDRV_ISSUE_USER_IO  0x00500016

/* The input buffer of one request. The reply is the IO_STATUS_BLOCK's Information (a count or a value) and,
 * for the requests that give text or a structure, the output buffer. */
typedef struct _CONSOLE_REQUEST {
    ULONG ApiNumber;
    ULONG Arguments[3];
    ULONG64 Object;             /* the console handle the request is about, sign-extended */
    ULONG64 Data;               /* the address of the caller's text (WriteConsole, SetConsoleTitle) */
    ULONG DataLength;           /* in bytes */
    ULONG Reserved;
} CONSOLE_REQUEST;
_Static_assert(sizeof(CONSOLE_REQUEST) == 40, "CONSOLE_REQUEST size");

/* API numbers: the layer in the high byte, as conhost numbers its messages; the values are the emulator's. */
#define CONSOLE_API_GET_CP                    0x01000000  /* Arguments[0]: output code page (1) or input (0) */
#define CONSOLE_API_GET_MODE                  0x01000001
#define CONSOLE_API_SET_MODE                  0x01000002  /* Arguments[0]: the mode */
#define CONSOLE_API_GET_NUMBER_OF_INPUT_EVENTS 0x01000003
#define CONSOLE_API_READ_CONSOLE              0x01000005  /* Arguments[0]: UTF-16 (1) or the code page's bytes */
#define CONSOLE_API_WRITE_CONSOLE             0x01000006  /* Arguments[0]: UTF-16 (1) or the code page's bytes */
#define CONSOLE_API_GENERATE_CTRL_EVENT       0x02000001  /* Arguments[0]: the event, [1]: the process group */
#define CONSOLE_API_FLUSH_INPUT_BUFFER        0x02000003
#define CONSOLE_API_SET_CP                    0x02000004  /* Arguments[0]: output (1) or input (0), [1]: the page */
#define CONSOLE_API_GET_SCREEN_BUFFER_INFO    0x02000007  /* output: CONSOLE_SCREEN_BUFFER_INFOEX */
#define CONSOLE_API_SET_TEXT_ATTRIBUTE        0x0200000D  /* Arguments[0]: the attribute */
#define CONSOLE_API_GET_TITLE                 0x02000014  /* Arguments[0]: UTF-16 (1) or the code page's bytes */
#define CONSOLE_API_SET_TITLE                 0x02000015  /* Arguments[0]: UTF-16 (1) or the code page's bytes */
#define CONSOLE_API_GET_CONSOLE_WINDOW        0x03000008
#define CONSOLE_API_GET_PROCESS_LIST          0x03000009  /* output: the process ids (ULONGs) */

/* RTL_USER_PROCESS_PARAMETERS.ConsoleFlags: SetConsoleCtrlHandler(NULL, TRUE) sets it. */
#define CONSOLE_IGNORE_CTRL_C  0x1

#endif
