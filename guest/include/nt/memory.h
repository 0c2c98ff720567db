/* NT declarations of virtual memory and sections; included by nt.h. */
#ifndef WOW64EMU_NT_MEMORY_H
#define WOW64EMU_NT_MEMORY_H

#endif
