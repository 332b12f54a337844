# SPDX-License-Identifier: GPL-3.0-or-later
#
# Turns this machine's glibconfig.h (x86_64 Linux, LP64) into what a 64-bit Windows GLib
# installs (LLP64: long is 32 bits; G_OS_WIN32), so check-win32-sources.sh can syntax-check
# the G_OS_WIN32 branches with mingw-w64 against the other GLib headers of this machine.
# An approximation for -fsyntax-only, not a build configuration.

s/^typedef signed long \(gint64\|gssize\|gintptr\);/typedef signed long long \1;/
s/^typedef unsigned long \(guint64\|gsize\|guintptr\);/typedef unsigned long long \1;/
s/^#define G_GINT64_CONSTANT(val).*/#define G_GINT64_CONSTANT(val) (val##LL)/
s/^#define G_GUINT64_CONSTANT(val).*/#define G_GUINT64_CONSTANT(val) (val##ULL)/
s/^\(#define G_G[A-Z0-9]*_MODIFIER[ \t]*\)"l"/\1"ll"/
s/^\(#define G_G[A-Z0-9]*_FORMAT[ \t]*\)"l\([iu]\)"/\1"ll\2"/
s/^#define GLIB_SIZEOF_LONG .*/#define GLIB_SIZEOF_LONG 4/
s/^#define G_MAXSIZE.*/#define G_MAXSIZE G_MAXUINT64/
s/^#define G_MINSSIZE.*/#define G_MINSSIZE G_MININT64/
s/^#define G_MAXSSIZE.*/#define G_MAXSSIZE G_MAXINT64/
s/(glong) (\([piu]\))/(gint64) (\1)/
s/(gulong) (\([piu]\))/(guint64) (\1)/
/^#define G\(U\)\{0,1\}LONG_TO_[LB]E/s/INT64_TO/INT32_TO/
s/^#define G_OS_UNIX$/#define G_OS_WIN32\n#define G_PLATFORM_WIN32/
s/^#define G_THREADS_IMPL_POSIX$/#define G_THREADS_IMPL_WIN32/
/^#define GLIB_HAVE_ALLOCA_H$/d
/^#define G_HAVE_GNUC_VISIBILITY /d
s/^#define G_MODULE_SUFFIX .*/#define G_MODULE_SUFFIX "dll"/
s/^typedef int GPid;/typedef void * GPid;/
s/^#define G_PID_FORMAT .*/#define G_PID_FORMAT "p"/
s/^#define G_POLLFD_FORMAT .*/#define G_POLLFD_FORMAT "%#llx"/
s/^#define G_DIR_SEPARATOR .*/#define G_DIR_SEPARATOR '\\\\'/
s/^#define G_DIR_SEPARATOR_S .*/#define G_DIR_SEPARATOR_S "\\\\"/
s/^#define G_SEARCHPATH_SEPARATOR .*/#define G_SEARCHPATH_SEPARATOR ';'/
s/^#define G_SEARCHPATH_SEPARATOR_S .*/#define G_SEARCHPATH_SEPARATOR_S ";"/
