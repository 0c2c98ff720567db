/* asctime, ctime and strftime, narrow and wide (the bodies in time_format_t.h), with the "C" locale's names. */
#include "libc.h"

const char *const crt_day_names[7][2] = {
    {"Sun", "Sunday"}, {"Mon", "Monday"}, {"Tue", "Tuesday"}, {"Wed", "Wednesday"}, {"Thu", "Thursday"},
    {"Fri", "Friday"}, {"Sat", "Saturday"},
};
const char *const crt_month_names[12][2] = {
    {"Jan", "January"}, {"Feb", "February"}, {"Mar", "March"}, {"Apr", "April"}, {"May", "May"},
    {"Jun", "June"}, {"Jul", "July"}, {"Aug", "August"}, {"Sep", "September"}, {"Oct", "October"},
    {"Nov", "November"}, {"Dec", "December"},
};

#define CH char
#define N(narrow, wide) narrow
#define P(name) narrow_##name
#include "time_format_t.h"
#undef CH
#undef N
#undef P

#define CH wchar_t
#define N(narrow, wide) wide
#define P(name) wide_##name
#include "time_format_t.h"
