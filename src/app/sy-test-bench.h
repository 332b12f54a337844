/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyTestBench: the Translator page's third view. Run puts each dialect's built-in request and
 * response through every source and target pair (4 x 4 each) and shows a grid of pass or
 * fail, with the error or the number of notes; a cell opens its pair ("open-pair").
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-translation.h"

G_BEGIN_DECLS

#define SY_TYPE_TEST_BENCH (sy_test_bench_get_type ())
G_DECLARE_FINAL_TYPE (SyTestBench, sy_test_bench, SY, TEST_BENCH, GtkWidget)

/* Runs every pair now (pure and quick: 32 translations). */
void  sy_test_bench_run          (SyTestBench *self);
/* How many cells passed and failed in the last run. */
void  sy_test_bench_get_counts   (SyTestBench *self,
                                  guint       *passed,
                                  guint       *failed);

G_END_DECLS
