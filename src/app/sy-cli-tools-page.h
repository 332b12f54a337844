/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyCliToolsPage: the endpoint and a key to copy, and one row per coding tool (Claude Code,
 * Codex CLI, OpenClaw, Continue) with its config file's state and Apply / Restore.
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-admin-client.h"

G_BEGIN_DECLS

#define SY_TYPE_CLI_TOOLS_PAGE (sy_cli_tools_page_get_type ())
G_DECLARE_FINAL_TYPE (SyCliToolsPage, sy_cli_tools_page, SY, CLI_TOOLS_PAGE, GtkWidget)

void sy_cli_tools_page_set_client (SyCliToolsPage *self,
                                   SyAdminClient  *client);
/* Reads the endpoint, the key setting and each tool's file again (also every few seconds
 * while the page is shown: the files can change behind our back). */
void sy_cli_tools_page_refresh    (SyCliToolsPage *self);

G_END_DECLS
