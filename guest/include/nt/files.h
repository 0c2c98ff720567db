/* NT declarations of files and directories (the I/O manager); included by nt.h. */
#ifndef WOW64EMU_NT_FILES_H
#define WOW64EMU_NT_FILES_H

#endif
