/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internals of the upstream adapter shared by its files: the body edits each subscription
 * upstream requires (sy-upstream-body.c). Pure: no I/O.
 */
#pragma once

#include "sy-upstream-adapter.h"

G_BEGIN_DECLS

/* The Codex model id with an effort suffix ("gpt-5-codex-high") split off: *effort is the
 * suffix ("high") or NULL when there is none. Returns the base model id. */
char   *_sy_upstream_split_effort (const char  *model,
                                   const char **effort);

/* Codex's Responses body: stream true, store false, the fields Codex refuses dropped, default
 * instructions, the effort suffix of model as reasoning.effort, encrypted reasoning included. */
GBytes *_sy_upstream_codex_body   (GBytes      *body,
                                   const char  *model,
                                   GError     **error);

/* Copilot's Chat Completions body: no trailing assistant prefill, content parts limited to
 * text and image_url. *has_image says whether an image remains. */
GBytes *_sy_upstream_github_body  (GBytes      *body,
                                   gboolean    *has_image,
                                   GError     **error);

/* body with "member": value (a string) added at its top level, byte for byte otherwise; body
 * itself (a new reference) when it has that member already. */
GBytes *_sy_upstream_add_member   (GBytes      *body,
                                   const char  *member,
                                   const char  *value,
                                   GError     **error);

G_END_DECLS
