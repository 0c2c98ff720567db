/* Linked into ucrtbase.dll only: the behaviour of Windows 10's Universal CRT where the CRTs differ (crt.h). */
#include "../crt.h"

const enum crt_flavor crt_flavor = CRT_UCRT;
