/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The JSON config files: Claude Code's settings.json ("env" block), OpenClaw's openclaw.json
 * (a "switchyard" provider and the default model) and Continue's older config.json (a
 * "Switchyard" model). Each is parsed with json-glib, changed in the few members we own, and
 * written back with every other member kept in its order. Pure: text in, text out.
 */
#define G_LOG_DOMAIN "sy-core"

#include "core/sy-cli-tools-private.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#define CONTINUE_TITLE "Switchyard"

static gboolean
is_blank (const char *s)
{
  for (; *s != '\0'; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

/* The root object of contents ({} for a missing or empty file). */
static JsonNode *
parse_root (const char  *contents,
            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  JsonNode *root;

  if (contents == NULL || is_blank (contents))
    {
      root = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (root, json_object_new ());
      return root;
    }
  if (!json_parser_load_from_data (parser, contents, -1, &local))
    {
      g_set_error (error, SY_CLI_TOOLS_ERROR, SY_CLI_TOOLS_ERROR_MALFORMED,
                   _("it is not valid JSON (%s), so Switchyard left it as it is; fix it or "
                     "move it away, then Apply again"), local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, SY_CLI_TOOLS_ERROR, SY_CLI_TOOLS_ERROR_MALFORMED,
                   _("it holds JSON but not an object ({...}), so Switchyard left it as it "
                     "is"));
      return NULL;
    }
  return json_node_ref (root);
}

static char *
to_text (JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  text = json_generator_to_data (generator, NULL);
  return g_strconcat (text, "\n", NULL);
}

/* The old text when root says the same as it, else root as text. */
static char *
finish (const char  *contents,
        JsonNode    *root,
        GError     **error)
{
  g_autoptr(JsonNode) old = NULL;

  if (contents != NULL && (old = parse_root (contents, NULL)) != NULL &&
      json_node_equal (old, root))
    return g_strdup (contents);
  return to_text (root);
}

/* parent[name] as an object, created when missing or null; NULL (with error) when it is
 * something else, which we will not overwrite. */
static JsonObject *
ensure_object (JsonObject  *parent,
               const char  *name,
               GError     **error)
{
  JsonNode *member = json_object_get_member (parent, name);

  if (member == NULL || JSON_NODE_HOLDS_NULL (member))
    {
      json_object_set_object_member (parent, name, json_object_new ());
      return json_object_get_object_member (parent, name);
    }
  if (!JSON_NODE_HOLDS_OBJECT (member))
    {
      g_set_error (error, SY_CLI_TOOLS_ERROR, SY_CLI_TOOLS_ERROR_UNSUPPORTED,
                   _("its “%s” is not an object, so Switchyard left it as it is"), name);
      return NULL;
    }
  return json_node_get_object (member);
}

static JsonArray *
ensure_array (JsonObject  *parent,
              const char  *name,
              GError     **error)
{
  JsonNode *member = json_object_get_member (parent, name);

  if (member == NULL || JSON_NODE_HOLDS_NULL (member))
    {
      json_object_set_array_member (parent, name, json_array_new ());
      return json_object_get_array_member (parent, name);
    }
  if (!JSON_NODE_HOLDS_ARRAY (member))
    {
      g_set_error (error, SY_CLI_TOOLS_ERROR, SY_CLI_TOOLS_ERROR_UNSUPPORTED,
                   _("its “%s” is not a list, so Switchyard left it as it is"), name);
      return NULL;
    }
  return json_node_get_array (member);
}

/* A string member, or NULL (also when it holds something else). */
static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *member = object ? json_object_get_member (object, name) : NULL;

  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (member);
}

static JsonObject *
get_object (JsonObject *object,
            const char *name)
{
  JsonNode *member = object ? json_object_get_member (object, name) : NULL;

  return member != NULL && JSON_NODE_HOLDS_OBJECT (member) ? json_node_get_object (member) : NULL;
}

/* The key to write: the one given, else the one already there, else the placeholder. */
static const char *
pick_key (const SyCliToolTarget *target,
          const char            *existing)
{
  if (target->api_key != NULL)
    return target->api_key;
  if (existing != NULL && *existing != '\0')
    return existing;
  return SY_CLI_TOOLS_PLACEHOLDER_KEY;
}

static SyCliToolStatus
status_of_url (const char             *url,
               const SyCliToolTarget  *target,
               char                  **detail)
{
  if (url == NULL)
    return SY_CLI_TOOL_NOT_CONFIGURED;
  if (_sy_cli_tools_same_endpoint (url, target->base_url))
    return SY_CLI_TOOL_CONFIGURED;
  if (detail != NULL)
    *detail = g_strdup (url);
  return SY_CLI_TOOL_ELSEWHERE;
}

/* --- Claude Code: ~/.claude/settings.json ------------------------------------------------ */

/* {"env": {"ANTHROPIC_BASE_URL": "http://localhost:PORT", "ANTHROPIC_AUTH_TOKEN": "<key>",
 *          "ANTHROPIC_MODEL": "<model, only when one is given>"}}
 * A file that already authenticates with ANTHROPIC_API_KEY (and no AUTH_TOKEN) gets the key
 * there instead: Claude Code warns when both are set. */
char *
_sy_cli_tools_claude_apply (const char             *contents,
                            const SyCliToolTarget  *target,
                            GError                **error)
{
  g_autoptr(JsonNode) root = parse_root (contents, error);
  g_autofree char *url = NULL;
  JsonObject *env;
  const char *key_member = "ANTHROPIC_AUTH_TOKEN";
  const char *old_key;

  if (root == NULL || (env = ensure_object (json_node_get_object (root), "env", error)) == NULL)
    return NULL;
  if (json_object_has_member (env, "ANTHROPIC_API_KEY") &&
      !json_object_has_member (env, "ANTHROPIC_AUTH_TOKEN"))
    key_member = "ANTHROPIC_API_KEY";
  /* A key already there is kept only if it was for this endpoint. */
  old_key = _sy_cli_tools_same_endpoint (get_string (env, "ANTHROPIC_BASE_URL"),
                                         target->base_url)
            ? get_string (env, key_member) : NULL;

  url = sy_cli_tool_dup_url (SY_CLI_TOOL_CLAUDE_CODE, target->base_url);
  json_object_set_string_member (env, key_member, pick_key (target, old_key));
  json_object_set_string_member (env, "ANTHROPIC_BASE_URL", url);
  if (target->model != NULL)
    json_object_set_string_member (env, "ANTHROPIC_MODEL", target->model);
  return finish (contents, root, error);
}

SyCliToolStatus
_sy_cli_tools_claude_status (const char             *contents,
                             const SyCliToolTarget  *target,
                             char                  **detail,
                             GError                **error)
{
  g_autoptr(JsonNode) root = NULL;

  if (contents == NULL)
    return SY_CLI_TOOL_NOT_CONFIGURED;
  if ((root = parse_root (contents, error)) == NULL)
    return SY_CLI_TOOL_UNREADABLE;
  return status_of_url (get_string (get_object (json_node_get_object (root), "env"),
                                    "ANTHROPIC_BASE_URL"), target, detail);
}

/* --- OpenClaw: ~/.openclaw/openclaw.json ------------------------------------------------- */

/* As our README shows (the OmniRoute guide's "omniroute" provider, renamed):
 * {"agents": {"defaults": {"model": {"primary": "switchyard/<model>"}}},
 *  "models": {"providers": {"switchyard": {"baseUrl": "http://localhost:PORT/v1",
 *    "apiKey": "<key>", "api": "openai-completions",
 *    "models": [{"id": "<model>", "name": "<model after its last />"}]}}}}
 * OpenClaw also reads JSON5 (comments, trailing commas); json-glib does not, so such a file is
 * refused as malformed rather than rewritten. Other providers and models are kept. */
static const char *
switchyard_primary (JsonObject *root)
{
  JsonObject *defaults = get_object (get_object (root, "agents"), "defaults");
  JsonNode *model = defaults ? json_object_get_member (defaults, "model") : NULL;
  const char *primary = NULL;

  if (model != NULL && JSON_NODE_HOLDS_OBJECT (model))
    primary = get_string (json_node_get_object (model), "primary");
  else if (model != NULL && JSON_NODE_HOLDS_VALUE (model) &&
           json_node_get_value_type (model) == G_TYPE_STRING)
    primary = json_node_get_string (model);
  return primary;
}

char *
_sy_cli_tools_openclaw_apply (const char             *contents,
                              const SyCliToolTarget  *target,
                              GError                **error)
{
  g_autoptr(JsonNode) root = parse_root (contents, error);
  g_autofree char *url = NULL;
  g_autofree char *model = NULL;
  g_autofree char *primary = NULL;
  JsonObject *top, *providers, *ours, *defaults;
  JsonArray *models;
  const char *old_primary;
  gboolean listed = FALSE;

  if (root == NULL)
    return NULL;
  top = json_node_get_object (root);
  if ((providers = ensure_object (top, "models", error)) == NULL ||
      (providers = ensure_object (providers, "providers", error)) == NULL ||
      (ours = ensure_object (providers, "switchyard", error)) == NULL ||
      (models = ensure_array (ours, "models", error)) == NULL ||
      (defaults = ensure_object (top, "agents", error)) == NULL ||
      (defaults = ensure_object (defaults, "defaults", error)) == NULL)
    return NULL;

  /* The model: the one given, else the default already ours, else our first, else ours. */
  old_primary = switchyard_primary (top);
  if (target->model != NULL)
    model = g_strdup (target->model);
  else if (old_primary != NULL && g_str_has_prefix (old_primary, "switchyard/"))
    model = g_strdup (old_primary + strlen ("switchyard/"));
  else if (json_array_get_length (models) > 0 &&
           get_string (json_array_get_object_element (models, 0), "id") != NULL)
    model = g_strdup (get_string (json_array_get_object_element (models, 0), "id"));
  else
    model = g_strdup (SY_CLI_TOOLS_DEFAULT_MODEL);

  url = sy_cli_tool_dup_url (SY_CLI_TOOL_OPENCLAW, target->base_url);
  json_object_set_string_member (ours, "baseUrl", url);
  json_object_set_string_member (ours, "apiKey", pick_key (target, get_string (ours, "apiKey")));
  json_object_set_string_member (ours, "api", "openai-completions");
  for (guint i = 0; i < json_array_get_length (models); i++)
    {
      JsonNode *element = json_array_get_element (models, i);

      if (JSON_NODE_HOLDS_OBJECT (element) &&
          g_strcmp0 (get_string (json_node_get_object (element), "id"), model) == 0)
        listed = TRUE;
    }
  if (!listed)
    {
      JsonObject *entry = json_object_new ();

      json_object_set_string_member (entry, "id", model);
      json_object_set_string_member (entry, "name", _sy_cli_tools_model_short_name (model));
      json_array_add_object_element (models, entry);
    }

  /* agents.defaults.model is {"primary": ...} (kept as a plain string if it was one). */
  primary = g_strconcat ("switchyard/", model, NULL);
  if (json_object_has_member (defaults, "model") &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (defaults, "model")))
    json_object_set_string_member (defaults, "model", primary);
  else
    {
      JsonObject *model_object = ensure_object (defaults, "model", error);

      if (model_object == NULL)
        return NULL;
      json_object_set_string_member (model_object, "primary", primary);
    }
  return finish (contents, root, error);
}

SyCliToolStatus
_sy_cli_tools_openclaw_status (const char             *contents,
                               const SyCliToolTarget  *target,
                               char                  **detail,
                               GError                **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *ours;
  const char *primary;
  SyCliToolStatus status;

  if (contents == NULL)
    return SY_CLI_TOOL_NOT_CONFIGURED;
  if ((root = parse_root (contents, error)) == NULL)
    return SY_CLI_TOOL_UNREADABLE;
  ours = get_object (get_object (get_object (json_node_get_object (root), "models"),
                                 "providers"), "switchyard");
  status = status_of_url (get_string (ours, "baseUrl"), target, detail);
  if (status != SY_CLI_TOOL_CONFIGURED)
    return status;
  primary = switchyard_primary (json_node_get_object (root));
  if (primary != NULL && !g_str_has_prefix (primary, "switchyard/"))
    {
      if (detail != NULL)
        *detail = g_strdup_printf (_("the default model %s"), primary);
      return SY_CLI_TOOL_ELSEWHERE;
    }
  return SY_CLI_TOOL_CONFIGURED;
}

/* --- Continue: ~/.continue/config.json (the format before config.yaml) ------------------- */

/* {"models": [..., {"title": "Switchyard", "provider": "openai", "model": "<model>",
 *                   "apiBase": "http://localhost:PORT/v1", "apiKey": "<key>"}]} */
static JsonObject *
find_continue_model (JsonArray *models)
{
  for (guint i = 0; models != NULL && i < json_array_get_length (models); i++)
    {
      JsonNode *element = json_array_get_element (models, i);

      if (JSON_NODE_HOLDS_OBJECT (element) &&
          g_strcmp0 (get_string (json_node_get_object (element), "title"), CONTINUE_TITLE) == 0)
        return json_node_get_object (element);
    }
  return NULL;
}

char *
_sy_cli_tools_continue_json_apply (const char             *contents,
                                   const SyCliToolTarget  *target,
                                   GError                **error)
{
  g_autoptr(JsonNode) root = parse_root (contents, error);
  g_autofree char *url = NULL;
  g_autofree char *model = NULL;
  JsonArray *models;
  JsonObject *ours;

  if (root == NULL ||
      (models = ensure_array (json_node_get_object (root), "models", error)) == NULL)
    return NULL;
  if ((ours = find_continue_model (models)) == NULL)
    {
      ours = json_object_new ();
      json_object_set_string_member (ours, "title", CONTINUE_TITLE);
      json_array_add_object_element (models, ours);
    }
  model = g_strdup (target->model ? target->model
                    : get_string (ours, "model") ? get_string (ours, "model")
                    : SY_CLI_TOOLS_DEFAULT_MODEL);
  url = sy_cli_tool_dup_url (SY_CLI_TOOL_CONTINUE, target->base_url);
  json_object_set_string_member (ours, "provider", "openai");
  json_object_set_string_member (ours, "model", model);
  json_object_set_string_member (ours, "apiBase", url);
  json_object_set_string_member (ours, "apiKey", pick_key (target, get_string (ours, "apiKey")));
  return finish (contents, root, error);
}

SyCliToolStatus
_sy_cli_tools_continue_json_status (const char             *contents,
                                    const SyCliToolTarget  *target,
                                    char                  **detail,
                                    GError                **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonNode *models;

  if (contents == NULL)
    return SY_CLI_TOOL_NOT_CONFIGURED;
  if ((root = parse_root (contents, error)) == NULL)
    return SY_CLI_TOOL_UNREADABLE;
  models = json_object_get_member (json_node_get_object (root), "models");
  if (models == NULL || !JSON_NODE_HOLDS_ARRAY (models))
    return SY_CLI_TOOL_NOT_CONFIGURED;
  return status_of_url (get_string (find_continue_model (json_node_get_array (models)),
                                    "apiBase"), target, detail);
}
