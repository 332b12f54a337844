/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GET /v1/models: the models usable right now, in OpenAI's list shape: combos, the catalog and
 * custom models of every connected built-in provider ("ds/deepseek-chat"), and for connected
 * provider nodes their custom models and what their own /models answers ("mock/m1").
 */
#pragma once

#include "gateway/sy-gateway.h"

G_BEGIN_DECLS

void sy_models_endpoint_handle (SyGateway         *gateway,
                                SoupServerMessage *msg);

G_END_DECLS
