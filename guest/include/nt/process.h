/* NT declarations of processes, threads, tokens and system information; included by nt.h. */
#ifndef WOW64EMU_NT_PROCESS_H
#define WOW64EMU_NT_PROCESS_H

#endif
