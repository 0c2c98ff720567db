/* NT declarations of the object manager: handles, names, directories; included by nt.h. */
#ifndef WOW64EMU_NT_OBJECTS_H
#define WOW64EMU_NT_OBJECTS_H

#endif
