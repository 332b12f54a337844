/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The default prices of the built-in providers' well-known models: data only. SyPricingRepo
 * seeds them into the pricing table at start; this file never touches the database.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *provider;          /* catalog id, as in SyRoute.provider_label */
  const char *model;             /* the upstream model name, as sent */
  double      input_per_mtok;    /* USD per million prompt tokens not read from a cache */
  double      output_per_mtok;
  double      cached_per_mtok;   /* prompt tokens read from the provider's cache */
} SyPriceDefault;

/* When the table was last checked against the providers' public price lists. */
#define SY_PRICING_DEFAULTS_DATE "2025-11"

const SyPriceDefault *sy_pricing_defaults_get (guint *n_defaults);

G_END_DECLS
