/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GET /v1/models: the models usable right now, asked of every connected OpenAI-compatible
 * provider in parallel and listed with their prefix ("mock/m1"), in OpenAI's list shape.
 */
#pragma once

#include "gateway/sy-gateway.h"

G_BEGIN_DECLS

void sy_models_endpoint_handle (SyGateway         *gateway,
                                SoupServerMessage *msg);

G_END_DECLS
