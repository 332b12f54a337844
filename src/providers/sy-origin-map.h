/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyOriginMap: rewrites the origin (scheme://host[:port]) of the fixed provider URLs that no
 * connection's base URL covers: OAuth authorize, token and device endpoints, user info, quota
 * endpoints and token exchanges. Tests point them at loopback mocks; an administrator behind a
 * corporate gateway can do the same with SWITCHYARD_ORIGIN_MAP, e.g.
 *   SWITCHYARD_ORIGIN_MAP="https://auth.openai.com=http://127.0.0.1:9000,https://github.com=..."
 * Pure string work; no I/O.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SY_TYPE_ORIGIN_MAP (sy_origin_map_get_type ())
G_DECLARE_FINAL_TYPE (SyOriginMap, sy_origin_map, SY, ORIGIN_MAP, GObject)

SyOriginMap *sy_origin_map_new     (void);
/* from and to are origins without a path; a later mapping of the same origin replaces it. */
gboolean     sy_origin_map_add     (SyOriginMap  *self,
                                    const char   *from,
                                    const char   *to,
                                    GError      **error);
/* "from=to,from=to" (the SWITCHYARD_ORIGIN_MAP form); all or nothing. */
gboolean     sy_origin_map_parse   (SyOriginMap  *self,
                                    const char   *spec,
                                    GError      **error);
/* url with its origin replaced when mapped, else a copy of url. */
char        *sy_origin_map_rewrite (SyOriginMap  *self,
                                    const char   *url);

G_END_DECLS
