/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Start-up timing marks for bench/startup.sh: with SWITCHYARD_TIMING=1 in the environment,
 * sy_timing_mark () prints one line on stderr, "switchyard-timing: WHAT +N.N ms monotonic=US",
 * N counted from sy_timing_init () (the first thing main () does), US being CLOCK_MONOTONIC
 * (g_get_monotonic_time) so another process can compare it with its own clock. Silent
 * otherwise.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void sy_timing_init (void);
void sy_timing_mark (const char *what);

G_END_DECLS
