/* Linked into msvcrt.dll only: the behaviour of Windows' msvcrt.dll where the CRTs differ (crt.h). */
#include "../crt.h"

const enum crt_flavor crt_flavor = CRT_MSVCRT;
