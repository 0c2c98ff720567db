/* NT declarations of synchronisation objects, waits and timers; included by nt.h. */
#ifndef WOW64EMU_NT_SYNC_H
#define WOW64EMU_NT_SYNC_H

#endif
