/*
 * kernel32: IsProcessorFeaturePresent (processthreadsapi.h), read as Windows reads it from KUSER_SHARED_DATA's
 * ProcessorFeatures, 64 BOOLEANs indexed by the PF_* number (the kernel fills them from the CPU); FALSE for a
 * number past them.
 */
#define _KERNEL32_          /* windows.h declares our own exports without dllimport */
#include "k32.h"

#define KUSD_PROCESSOR_FEATURES 0x274                               /* BOOLEAN[64] */
#define PROCESSOR_FEATURE_COUNT 64

BOOL WINAPI IsProcessorFeaturePresent(DWORD feature)
{
    if (feature >= PROCESSOR_FEATURE_COUNT)
        return FALSE;
    return KUSD_FIELD(BOOLEAN, KUSD_PROCESSOR_FEATURES + feature);
}
