"""kernel32's code pages and NLS string functions (winnls.c, stringapiset.c, stringtype.c, lcmap.c, collate.c and
the generated tables): the fixture codepages.exe prints what GetACP, GetCPInfo(Ex), IsValidCodePage,
IsDBCSLeadByte(Ex), MultiByteToWideChar and WideCharToMultiByte give, nlsstrings.exe what GetStringType,
LCMapString and CompareString give, and the lines below are what Windows 10 gives (err=61166 is 0xEEEE, the last
error the fixture sets before each call: left untouched). The same lines in both widths: 32-bit through WoW64 and
native 64-bit.

Also: the generated tables are in step with their generators, the exports have their fixed ordinals, and a
program built by the standard toolchain against mingw-w64's own libkernel32.a converts a string.
"""

from __future__ import annotations

import importlib.util
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.drive import own_entries
from tests.peread import exports
from wow64emu.kernel.console import StdStreams
from wow64emu.machine import Machine

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / "fixtures" / "bin"
SYSROOT = ROOT / "wow64emu" / "sysroot" / "Windows"
WIDTHS = ("x86", "x64")

QUERIES = """\
-- queries
GetACP=1252 GetOEMCP=437
GetCPInfo(CP_ACP): ret=1 err=61166 MaxCharSize=1 DefaultChar=3f00 lead bytes=0
GetCPInfo(437): ret=1 err=61166 MaxCharSize=1 DefaultChar=3f00 lead bytes=0
GetCPInfo(CP_UTF8): ret=1 err=61166 MaxCharSize=4 DefaultChar=3f00 lead bytes=0
GetCPInfo(CP_UTF7): ret=1 err=61166 MaxCharSize=5 DefaultChar=3f00 lead bytes=0
GetCPInfo(12345): ret=0 err=87
GetCPInfo(1252, NULL): ret=0 err=87
GetCPInfoExW(CP_ACP): ret=1 err=61166 CodePage=1252 UnicodeDefaultChar=003f name="1252  (ANSI - Latin I)"
GetCPInfoExA(CP_OEMCP): ret=1 err=61166 CodePage=437 name="437   (OEM - United States)"
GetCPInfoExW(CP_UTF8): ret=1 err=61166 CodePage=65001 name="65001 (UTF-8)"
GetCPInfoExW(20127): ret=1 err=61166 name="20127 (US-ASCII)"
GetCPInfoExW(1252, NULL): ret=0 err=87
IsValidCodePage 1252=1 437=1 20127=1 65001=1 65000=1 0=0 1=0 3=0 12345=0
IsDBCSLeadByte(0x81)=0
IsDBCSLeadByteEx(CP_ACP, 0x81): ret=0 err=61166
IsDBCSLeadByteEx(12345, 0x81): ret=0 err=87
"""

TO_WIDE = """\
-- MultiByteToWideChar
1252 80: ret=1 err=61166 U+20ac
ACP 80 9f e9: ret=3 err=61166 U+20ac U+0178 U+00e9
THREAD_ACP 80: ret=1 err=61166 U+20ac
1252 81 8d 8f 90 9d: ret=5 err=61166 U+0081 U+008d U+008f U+0090 U+009d
1252 81 MB_ERR_INVALID_CHARS: ret=1 err=61166 U+0081
1252 e9 MB_COMPOSITE: ret=2 err=61166 U+0065 U+0301
1252 MB_PRECOMPOSED|MB_COMPOSITE: ret=0 err=1004
1252 flags 0x10: ret=0 err=1004
OEMCP 80 e1 b0: ret=3 err=61166 U+00c7 U+00df U+2591
437 01 7f: ret=2 err=61166 U+0001 U+007f
437 01 7f MB_USEGLYPHCHARS: ret=2 err=61166 U+263a U+2302
1252 01 MB_USEGLYPHCHARS: ret=1 err=61166 U+0001
20127 41 e9: ret=2 err=61166 U+0041 U+0069
20127 e9 MB_ERR_INVALID_CHARS: ret=0 err=1113
length -1: ret=3 err=61166 U+0061 U+0062 U+0000
size query: ret=3 err=61166
size query, length -1: ret=4 err=61166
too small: ret=0 err=122 U+0061 U+0062
no source: ret=0 err=87
source length 0: ret=0 err=87
destination size -1: ret=0 err=87
unknown code page: ret=0 err=87
no destination with a size: ret=0 err=87
source and destination the same: ret=0 err=87
UTF-8 e2 82 ac: ret=1 err=61166 U+20ac
UTF-8 f0 9f 98 80: ret=2 err=61166 U+d83d U+de00
UTF-8 stray continuation: ret=3 err=61166 U+0061 U+fffd U+0062
UTF-8 overlong c0 80: ret=2 err=61166 U+fffd U+fffd
UTF-8 overlong e0 80 af: ret=3 err=61166 U+fffd U+fffd U+fffd
UTF-8 surrogate ed a0 80: ret=3 err=61166 U+fffd U+fffd U+fffd
UTF-8 past 10ffff f4 90 80 80: ret=4 err=61166 U+fffd U+fffd U+fffd U+fffd
UTF-8 cut e2 82 x: ret=2 err=61166 U+fffd U+0078
UTF-8 cut at the end f0 9f 98: ret=1 err=61166 U+fffd
UTF-8 f8 ff: ret=2 err=61166 U+fffd U+fffd
UTF-8 MB_ERR_INVALID_CHARS: ret=0 err=1113
UTF-8 MB_ERR_INVALID_CHARS, size query: ret=0 err=1113
UTF-8 MB_ERR_INVALID_CHARS, valid: ret=1 err=61166 U+00e9
UTF-8 MB_PRECOMPOSED: ret=0 err=1004
UTF-8 pair in 1: ret=0 err=122 U+eeee
UTF-7 +AGEAYgBj-: ret=3 err=61166 U+0061 U+0062 U+0063
UTF-7 A+ImIDkQ.: ret=4 err=61166 U+0041 U+2262 U+0391 U+002e
UTF-7 Hi Mom -+Jjo--!: ret=11 err=61166 U+0048 U+0069 U+0020 U+004d U+006f U+006d U+0020 U+002d U+263a U+002d U+0021
UTF-7 +-: ret=1 err=61166 U+002b
UTF-7 MB_ERR_INVALID_CHARS: ret=0 err=1004
"""

TO_BYTES = """\
-- WideCharToMultiByte
1252 U+20AC: ret=1 err=61166 80 used=0
ACP U+00E9 U+20AC U+00FF: ret=3 err=61166 e9 80 ff used=0
1252 U+0081: ret=1 err=61166 81 used=0
1252 U+0100 best fit: ret=1 err=61166 41 used=0
1252 U+0100 WC_NO_BEST_FIT_CHARS: ret=1 err=61166 3f used=1
1252 U+0141 U+0131 best fit: ret=2 err=61166 4c 69 used=0
1252 U+4E2D: ret=1 err=61166 3f used=1
1252 U+4E2D, default *: ret=3 err=61166 61 2a 62 used=1
1252 abc: ret=3 err=61166 61 62 63 used=0
1252 U+4E2D, no used flag: ret=1 err=61166 3f
OEMCP U+00C7 U+2591: ret=2 err=61166 80 b0 used=0
437 U+00C0 best fit: ret=1 err=61166 41 used=0
437 U+00C0 WC_NO_BEST_FIT_CHARS: ret=1 err=61166 3f used=1
20127 cafe: ret=4 err=61166 63 61 66 65 used=0
20127 U+00E9 WC_NO_BEST_FIT_CHARS: ret=1 err=61166 3f used=1
1252 e U+0301 WC_COMPOSITECHECK: ret=1 err=61166 e9 used=0
1252 q U+0301 WC_COMPOSITECHECK|WC_DISCARDNS: ret=1 err=61166 71 used=0
1252 q U+0301 WC_COMPOSITECHECK|WC_DEFAULTCHAR: ret=1 err=61166 3f used=1
1252 WC_ERR_INVALID_CHARS: ret=0 err=1004 used=2
1252 flags 0x8: ret=0 err=1004 used=2
length -1: ret=3 err=61166 61 62 00
size query: ret=3 err=61166
too small: ret=0 err=122 61 62
no source: ret=0 err=87
source length 0: ret=0 err=87
destination size -1: ret=0 err=87
unknown code page: ret=0 err=87
source and destination the same: ret=0 err=87
UTF-8 U+20AC: ret=3 err=61166 e2 82 ac
UTF-8 U+1F600: ret=4 err=61166 f0 9f 98 80
UTF-8 lone high surrogate: ret=5 err=61166 61 ef bf bd 62
UTF-8 low then high: ret=6 err=61166 ef bf bd ef bf bd
UTF-8 WC_ERR_INVALID_CHARS: ret=0 err=1113
UTF-8 WC_ERR_INVALID_CHARS, valid: ret=2 err=61166 c3 a9
UTF-8 WC_NO_BEST_FIT_CHARS: ret=0 err=1004
UTF-8 lpUsedDefaultChar: ret=0 err=87 used=2
UTF-8 lpDefaultChar: ret=0 err=87
UTF-8 length -1: ret=3 err=61166 c3 a9 00
UTF-8 size query: ret=3 err=61166
UTF-8 too small: ret=0 err=122 61 ee
UTF-7 Hi Mom -U+263A-!: ret=19 err=61166 48 69 20 4d 6f 6d 20 2d 2b 4a 6a 6f 2d 2d 2b 41 43 45 2d
UTF-7 A U+2262 U+0391 .: ret=10 err=61166 41 2b 49 6d 49 44 6b 51 2d 2e
UTF-7 1+1: ret=4 err=61166 31 2b 2d 31
UTF-7 flags: ret=0 err=1004
UTF-7 lpUsedDefaultChar: ret=0 err=87 used=2
"""

CODEPAGES = QUERIES + TO_WIDE + TO_BYTES

# nlsstrings.exe. The first line types "A g 5 space TAB LF ! é É NBSP ² DEL" and the NUL a count of -1 takes in.
# CT_CTYPE1 0x381 is C1_UPPER|C1_XDIGIT|C1_ALPHA|C1_DEFINED ('A'); the Latin-1 superscripts are
# C1_DIGIT|C1_PUNCT (0x214), TAB C1_SPACE|C1_CNTRL|C1_BLANK (0x268). CT_CTYPE2 from the bidirectional classes
# (L 1, EN 3, WS 10, ES 4, ET 5, CS 7, B 8, S 9, ON 11, R 2). CompareString: lower case before upper case, the
# letters before accents before case, "coop" before "co-op" in a word sort and after it in a string sort, NUL
# ignored; the sort keys' bytes are this kernel32's own, so the lines say only that memcmp of two keys orders as
# CompareString does.
STRINGS = """\
-- GetStringType
CT_CTYPE1 Ag5 sp HT LF!: ret=1 err=61166 0381 0302 0284 0248 0268 0228 0210 0302 0301 0248 0214 0220 0220
CT_CTYPE1 A-macron alpha U+4E2D: ret=1 err=61166 0301 0302 0300
CT_CTYPE2 A 5 space + $ , LF tab ! alef: ret=1 err=61166 0001 0003 000a 0004 0005 0007 0008 0009 000b 0002
CT_CTYPE3 U+0301 surrogates: ret=1 err=61166 0003 0800 1000
GetStringTypeExW CT_CTYPE1 z: ret=1 err=61166 0302
GetStringTypeA CT_CTYPE1 80 e9 8a: ret=1 err=61166 0210 0302 0301
GetStringTypeExA CT_CTYPE1 length -1: ret=1 err=61166 0382 0220
GetStringTypeW no string: ret=0 err=87
-- LCMapString
LCMAP_UPPERCASE abc e9 df ff, -1: ret=7 err=61166 U+0041 U+0042 U+0043 U+00c9 U+00df U+0178 U+0000
LCMAP_LOWERCASE A-grave B I-dot: ret=3 err=61166 U+00e0 U+0062 U+0069
LCMAP_UPPERCASE|LCMAP_LINGUISTIC_CASING strasse: ret=6 err=61166 U+0053 U+0054 U+0052 U+0041 U+00df U+0045
LCMAP_TITLECASE hi wORLD: ret=8 err=61166 U+0048 U+0069 U+0020 U+0057 U+006f U+0072 U+006c U+0064
LCMAP_FULLWIDTH A space 1: ret=3 err=61166 U+ff21 U+3000 U+ff11
LCMAP_HALFWIDTH fullwidth A: ret=1 err=61166 U+0041
LCMAP_KATAKANA hiragana a: ret=1 err=61166 U+30a2
LCMAP_HIRAGANA katakana a: ret=1 err=61166 U+3042
NORM_IGNORENONSPACE e-acute e U+0301: ret=2 err=61166 U+0065 U+0065
NORM_IGNORESYMBOLS a-b c!: ret=3 err=61166 U+0061 U+0062 U+0063
LCMAP_UPPERCASE|LCMAP_BYTEREV a: ret=1 err=61166 U+4100
size query: ret=3 err=61166
too small: ret=0 err=122
no flags: ret=0 err=1004
LCMAP_LINGUISTIC_CASING alone: ret=0 err=1004
LCMAP_HIRAGANA|LCMAP_KATAKANA: ret=0 err=1004
LCMAP_HALFWIDTH|LCMAP_FULLWIDTH: ret=0 err=1004
LCMAP_SORTKEY|LCMAP_UPPERCASE: ret=0 err=1004
SORT_STRINGSORT without LCMAP_SORTKEY: ret=0 err=1004
source length 0: ret=0 err=87
no source: ret=0 err=87
destination size -1: ret=0 err=87
LCMAP_UPPERCASE in place: ret=4 err=61166 ABC
LCMapStringA LCMAP_UPPERCASE abc e9 ff, length -1: ret=6 err=61166 41 42 43 c9 9f 00
LCMapStringEx en-US LCMAP_LOWERCASE Q: ret=1 err=61166 U+0071
LCMAP_SORTKEY size query: the key has that size and ends with 0
LCMAP_SORTKEY too small: ret=0 err=122
LCMapStringA LCMAP_SORTKEY 8a: the key of U+0160
-- CompareString
a b: ret=1 err=61166 keys agree
b a: ret=3 err=61166 keys agree
abc abc: ret=2 err=61166 keys agree
a A: ret=1 err=61166 keys agree
a A NORM_IGNORECASE: ret=2 err=61166 keys agree
abc ABD: ret=1 err=61166 keys agree
Z a: ret=3 err=61166 keys agree
e e-acute: ret=1 err=61166 keys agree
e-acute f: ret=1 err=61166 keys agree
e e-acute NORM_IGNORENONSPACE: ret=2 err=61166 keys agree
e-acute e U+0301: ret=2 err=61166 keys agree
coop co-op: ret=1 err=61166 keys agree
co-op coop SORT_STRINGSORT: ret=1 err=61166 keys agree
a b ab NORM_IGNORESYMBOLS: ret=2 err=61166 keys agree
10 9: ret=1 err=61166 keys agree
! 0: ret=1 err=61166 keys agree
9 a: ret=1 err=61166 keys agree
abc abcd: ret=1 err=61166 keys agree
a NUL b, ab: ret=2 err=61166 keys agree
fullwidth A, A NORM_IGNOREWIDTH: ret=2 err=61166 keys agree
CompareStringW no string: ret=0 err=87
CompareStringW flags 0x100: ret=0 err=1004
CompareStringA S-caron S: ret=3 err=61166
CompareStringA e9 f, length -1: ret=1 err=61166
CompareStringA no string: ret=0 err=87
CompareStringEx en-US NORM_IGNORECASE ABC abc: ret=2 err=61166
CompareStringOrdinal a B: ret=3 err=61166
CompareStringOrdinal a B, ignoring case: ret=1 err=61166
CompareStringOrdinal e-acute E-acute, ignoring case: ret=2 err=61166
CompareStringOrdinal ab abc: ret=1 err=61166
CompareStringOrdinal no string: ret=0 err=87
"""

# locales.exe: en-US as Windows 10 describes it; the file functions' code page is 437 after SetFileApisToOEM, so the
# byte 0x80 of a CreateFileA name is U+00C7 there and U+20AC in 1252; dates and times in en-US's formats (the date
# is a Sunday whatever wDayOfWeek says; a part left out of a time takes the text before it along).
LOCALES = """\
-- defaults
GetUserDefaultLCID=0x409
GetSystemDefaultLCID=0x409
GetUserDefaultLangID=0x409
GetSystemDefaultLangID=0x409
GetUserDefaultUILanguage=0x409
GetSystemDefaultUILanguage=0x409
GetThreadLocale=0x409
GetUserDefaultLocaleName: ret=6 err=61166 en-US
GetUserDefaultLocaleName, 3 characters: ret=0 err=122
GetSystemDefaultLocaleName: ret=6 err=61166 en-US
-- names
LCIDToLocaleName 0x0409: ret=6 err=61166 en-US
LCIDToLocaleName LOCALE_SYSTEM_DEFAULT, size 0: ret=6 err=61166
LCIDToLocaleName LOCALE_INVARIANT: ret=1 err=61166 empty
LCIDToLocaleName 0x12345: ret=0 err=87
LCIDToLocaleName flags 1: ret=0 err=1004
LocaleNameToLCID en-US=0x409
LocaleNameToLCID EN-us=0x409
LocaleNameToLCID NULL=0x409
LocaleNameToLCID invariant=0x7f
LocaleNameToLCID en=0x409
LocaleNameToLCID en, LOCALE_ALLOW_NEUTRAL_NAMES=0x9
LocaleNameToLCID xx-YY: ret=0 err=87
IsValidLocale 0x0409=1 LOCALE_INVARIANT=1 0x12345=0
  enumerated 00000409
EnumSystemLocalesW: ret=1 err=61166
EnumSystemLocalesW NULL: ret=0 err=87
  enumerated en-US flags=0x21 param=42
EnumSystemLocalesEx LOCALE_WINDOWS: ret=1 err=61166
IsValidLocaleName en-US=1 invariant=1 xx-YY=0
-- GetLocaleInfo
LOCALE_IDEFAULTANSICODEPAGE: ret=5 err=61166 "1252"
LOCALE_IDEFAULTCODEPAGE: ret=4 err=61166 "437"
LOCALE_SDECIMAL: ret=2 err=61166 "."
LOCALE_STHOUSAND: ret=2 err=61166 ","
LOCALE_SGROUPING: ret=4 err=61166 "3;0"
LOCALE_SENGLANGUAGE: ret=8 err=61166 "English"
LOCALE_SENGCOUNTRY: ret=14 err=61166 "United States"
LOCALE_SABBREVLANGNAME: ret=4 err=61166 "ENU"
LOCALE_SISO639LANGNAME: ret=3 err=61166 "en"
LOCALE_SISO3166CTRYNAME: ret=3 err=61166 "US"
LOCALE_SNAME: ret=6 err=61166 "en-US"
LOCALE_ILANGUAGE: ret=5 err=61166 "0409"
LOCALE_SSHORTDATE: ret=9 err=61166 "M/d/yyyy"
LOCALE_SLONGDATE: ret=19 err=61166 "dddd, MMMM d, yyyy"
LOCALE_STIMEFORMAT: ret=11 err=61166 "h:mm:ss tt"
LOCALE_S1159: ret=3 err=61166 "AM"
LOCALE_SCURRENCY: ret=2 err=61166 "$"
LOCALE_SPOSITIVESIGN: ret=1 err=61166 ""
LOCALE_IFIRSTDAYOFWEEK: ret=2 err=61166 "6"
LOCALE_SDECIMAL|LOCALE_NOUSEROVERRIDE: ret=2 err=61166 "."
LOCALE_SDAYNAME1-7: Monday Tuesday Wednesday Thursday Friday Saturday Sunday
LOCALE_SABBREVDAYNAME1-7: Mon Tue Wed Thu Fri Sat Sun
LOCALE_SMONTHNAME1-12: January February March April May June July August September October November December
LOCALE_SABBREVMONTHNAME1-12: Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec
LOCALE_IDEFAULTANSICODEPAGE|LOCALE_RETURN_NUMBER: ret=2 err=61166 number=1252
GetLocaleInfoA LOCALE_ILANGUAGE|LOCALE_RETURN_NUMBER: ret=4 err=61166 number=0x409
LOCALE_SDECIMAL|LOCALE_RETURN_NUMBER: ret=0 err=1004
LCTYPE 0x9999: ret=0 err=1004
LOCALE_SENGLANGUAGE, size 0: ret=8 err=61166
LOCALE_SENGLANGUAGE, 3 characters: ret=0 err=122
locale 0x12345: ret=0 err=87
GetLocaleInfoA LOCALE_SMONTHNAME1: ret=8 err=61166 "January"
GetLocaleInfoEx en-US LOCALE_SISO3166CTRYNAME2: ret=4 err=61166 "USA"
GetLocaleInfoEx xx-YY: ret=0 err=87
-- file functions
AreFileApisANSI=1
after SetFileApisToOEM, AreFileApisANSI=0
after SetFileApisToANSI, AreFileApisANSI=1
C:\\U+00C7-oem.txt: exists
C:\\U+20AC-ansi.txt: exists
-- dates and times
GetDateFormatW default: ret=10 err=61166 "12/6/2026"
DATE_LONGDATE: ret=25 err=61166 "Sunday, December 6, 2026"
DATE_YEARMONTH: ret=14 err=61166 "December 2026"
DATE_MONTHDAY: ret=11 err=61166 "December 6"
a picture: ret=28 err=61166 "Sun, 06 Dec 26 o'clock A.D."
DATE_SHORTDATE and a picture: ret=0 err=1004 ""
DATE_SHORTDATE|DATE_LONGDATE: ret=0 err=1004 ""
month 13: ret=0 err=87 ""
2025-02-29: ret=0 err=87 ""
2024-02-29: ret=28 err=61166 "Thursday, February 29, 2024"
size 0: ret=10 err=61166 ""
5 characters: ret=0 err=122 ""
locale 0x12345: ret=0 err=87 ""
GetDateFormatA DATE_LONGDATE: ret=25 err=61166 "Sunday, December 6, 2026"
GetTimeFormatW default: ret=11 err=61166 "1:05:09 PM"
TIME_NOSECONDS: ret=8 err=61166 "1:05 PM"
TIME_NOMINUTESORSECONDS: ret=5 err=61166 "1 PM"
TIME_NOTIMEMARKER: ret=8 err=61166 "1:05:09"
TIME_FORCE24HOURFORMAT|TIME_NOTIMEMARKER: ret=9 err=61166 "13:05:09"
picture HH'h'mm: ret=6 err=61166 "13h05"
picture hh:mm t: ret=8 err=61166 "01:05 P"
midnight: ret=12 err=61166 "12:00:00 AM"
hour 24: ret=0 err=87 ""
LOCALE_NOUSEROVERRIDE and a picture: ret=0 err=1004 ""
GetDateFormatEx en-US DATE_LONGDATE: ret=25 err=61166 "Sunday, December 6, 2026"
GetDateFormatEx with a calendar: ret=0 err=87 ""
GetTimeFormatEx en-US TIME_NOSECONDS: ret=8 err=61166 "1:05 PM"
GetTimeFormatEx xx-YY: ret=0 err=87 ""
GetTimeFormatA default: ret=11 err=61166 "1:05:09 PM"
"""

# guest/kernel32/exports/nls.def: name -> fixed ordinal.
NLS_ORDINALS = {
    "GetACP": 800, "GetOEMCP": 801, "GetCPInfo": 802, "GetCPInfoExA": 803, "GetCPInfoExW": 804,
    "IsValidCodePage": 805, "IsDBCSLeadByte": 806, "IsDBCSLeadByteEx": 807, "MultiByteToWideChar": 808,
    "WideCharToMultiByte": 809, "GetStringTypeW": 810, "GetStringTypeExW": 811, "GetStringTypeA": 812,
    "GetStringTypeExA": 813, "LCMapStringW": 814, "LCMapStringA": 815, "LCMapStringEx": 816, "CompareStringW": 817,
    "CompareStringA": 818, "CompareStringEx": 819, "CompareStringOrdinal": 820, "GetUserDefaultLCID": 821,
    "GetSystemDefaultLCID": 822, "GetUserDefaultLangID": 823, "GetSystemDefaultLangID": 824,
    "GetUserDefaultUILanguage": 825, "GetSystemDefaultUILanguage": 826, "GetThreadLocale": 827,
    "GetUserDefaultLocaleName": 828, "LCIDToLocaleName": 829, "LocaleNameToLCID": 830, "IsValidLocale": 831,
    "EnumSystemLocalesA": 832, "EnumSystemLocalesW": 833, "GetLocaleInfoW": 834, "GetLocaleInfoA": 835,
    "GetLocaleInfoEx": 836, "AreFileApisANSI": 837, "SetFileApisToANSI": 838, "SetFileApisToOEM": 839,
    "GetDateFormatW": 840, "GetDateFormatA": 841, "GetTimeFormatW": 842, "GetTimeFormatA": 843,
    "GetDateFormatEx": 844, "GetTimeFormatEx": 845, "GetSystemDefaultLocaleName": 846, "IsValidLocaleName": 847,
    "EnumSystemLocalesEx": 848,
}


def run(program: Path, root: Path) -> tuple[int, bytes]:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    outcome = Machine(program, [], root=root, streams=streams).run(timeout=60)
    return outcome.exit_status, streams.stdout.getvalue()


@pytest.mark.parametrize("width", WIDTHS)
def test_code_pages_convert_as_windows_does(width: str, tmp_path: Path) -> None:
    status, out = run(BIN / width / "codepages.exe", tmp_path)
    assert status == 0
    assert out.decode("ascii").splitlines() == CODEPAGES.splitlines()


@pytest.mark.parametrize("width", WIDTHS)
def test_string_types_mappings_and_comparisons(width: str, tmp_path: Path) -> None:
    status, out = run(BIN / width / "nlsstrings.exe", tmp_path)
    assert status == 0
    assert out.decode("ascii").splitlines() == STRINGS.splitlines()


@pytest.mark.parametrize("width", WIDTHS)
def test_locale_information_dates_and_the_file_functions_code_page(width: str, tmp_path: Path) -> None:
    status, out = run(BIN / width / "locales.exe", tmp_path)
    assert status == 0                      # each enumeration called back once
    assert out.decode("ascii").splitlines() == LOCALES.splitlines()
    assert own_entries(tmp_path) == ["locales.exe", "Ç-oem.txt", "€-ansi.txt"]  # and the program


@pytest.mark.parametrize("name", ["cptables", "chartables"])
def test_generated_tables_match_their_generator(name: str) -> None:
    spec = importlib.util.spec_from_file_location(name, ROOT / "guest" / "kernel32" / f"{name}.py")
    assert spec and spec.loader
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    rendered = generator.render()
    assert rendered == generator.render()  # deterministic
    stale = f"guest/kernel32/{name}.c is stale: run python guest/kernel32/{name}.py (guest/build.sh does)"
    assert (ROOT / "guest" / "kernel32" / f"{name}.c").read_text(encoding="utf-8") == rendered, stale


@pytest.mark.parametrize("sysdir", ["SysWOW64", "System32"])
def test_nls_exports_have_their_fixed_ordinals(sysdir: str) -> None:
    found = {name: e.ordinal for name, e in exports(SYSROOT / sysdir / "kernel32.dll").items()}
    assert {name: found.get(name) for name in NLS_ORDINALS} == NLS_ORDINALS


# A program of the standard toolchain: mingw-w64's own headers and libkernel32.a, no fixture helper. It converts
# UTF-8 to UTF-16 and UTF-16 to the ANSI code page, writes the ANSI bytes and exits with the first count.
STANDARD_PROGRAM = r"""
#include <windows.h>

void start(void)
{
    static const char utf8[] = "h\xc3\xa9llo \xe2\x82\xac\n";
    WCHAR wide[32];
    char ansi[32];
    DWORD written;
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, wide, 32);
    int m = WideCharToMultiByte(CP_ACP, 0, wide, -1, ansi, 32, NULL, NULL);

    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), ansi, m - 1, &written, NULL);
    ExitProcess(n == m ? (UINT)n : 100);
}
"""
COMPILERS = {"x86": ("i686-w64-mingw32-gcc", "_start"), "x64": ("x86_64-w64-mingw32-gcc", "start")}


@pytest.mark.parametrize("width", WIDTHS)
def test_a_standard_toolchain_program_converts_a_string(width: str, tmp_path: Path) -> None:
    compiler, entry = COMPILERS[width]
    if shutil.which(compiler) is None:
        pytest.skip(f"{compiler} is not installed")
    source, program = tmp_path / "convert.c", tmp_path / "convert.exe"
    source.write_text(STANDARD_PROGRAM, encoding="ascii")
    subprocess.run([compiler, "-O2", "-nostdlib", "-e", entry, str(source), "-o", str(program), "-lkernel32"],
                   check=True, capture_output=True)
    status, out = run(program, tmp_path / "root")
    assert out == b"h\xe9llo \x80\n"       # U+00E9 and U+20AC in code page 1252
    assert status == 9                      # 8 characters and the NUL, in UTF-16 and in 1252 alike
