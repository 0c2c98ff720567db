/*
 * The system's message table (messages.c), which FormatMessage (formatmessage.c) reads.
 */
#ifndef WOW64EMU_K32MESSAGES_H
#define WOW64EMU_K32MESSAGES_H

#include "k32.h"

/* The English text of a Win32 error, "\r\n" at its end; NULL for a number the table does not hold. */
const char *system_message(DWORD id);

#endif
