/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-cli-tools: each tool's config file under a throw-away HOME. A fresh Apply creates the
 * file (0600); settings already there are kept; a second Apply changes nothing and takes no
 * backup; status reads not installed, not configured, configured, elsewhere and unreadable;
 * Restore puts the newest backup back; a malformed file is refused and left untouched.
 */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/sy-cli-tools.h"

#define BASE    "http://localhost:20128"
#define BASE_V1 "http://localhost:20128/v1"

static const SyCliToolTarget target = { BASE, "sy-test-key", "openai/gpt-4o" };

typedef struct
{
  char *home;
} Fixture;

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *bin = NULL;

  f->home = g_dir_make_tmp ("sy-cli-tools-XXXXXX", NULL);
  g_assert_nonnull (f->home);
  g_setenv ("HOME", f->home, TRUE);
  /* No real tool on PATH, no override of where the tools keep their files. */
  bin = g_build_filename (f->home, "bin", NULL);
  g_mkdir (bin, 0700);
  g_setenv ("PATH", bin, TRUE);
  g_unsetenv ("CLAUDE_CONFIG_DIR");
  g_unsetenv ("CODEX_HOME");
  g_unsetenv ("OPENCLAW_CONFIG_PATH");
  g_unsetenv ("CONTINUE_GLOBAL_DIR");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  rm_rf (f->home);
  g_free (f->home);
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static char *
write_config (SyCliTool   tool,
              const char *contents)
{
  g_autofree char *path = sy_cli_tool_dup_config_path (tool);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static guint
count_backups (SyCliTool tool)
{
  g_autofree char *path = sy_cli_tool_dup_config_path (tool);
  g_autofree char *dir_name = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *prefix = g_strconcat (base, ".switchyard-backup-", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_name, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    n += g_str_has_prefix (name, prefix);
  return n;
}

static void
apply_ok (SyCliTool              tool,
          const SyCliToolTarget *t,
          gboolean               expect_changed)
{
  g_autoptr(GError) error = NULL;
  gboolean changed = !expect_changed;

  g_assert_true (sy_cli_tool_apply (tool, t, &changed, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (changed, ==, expect_changed);
}

static SyCliToolStatus
status (SyCliTool tool,
        char    **detail)
{
  return sy_cli_tool_get_status (tool, &target, detail);
}

/* --- every tool -------------------------------------------------------------------------- */

static void
test_paths (Fixture       *f,
            gconstpointer  data)
{
  static const char * const expected[] = {
    ".claude/settings.json", ".codex/config.toml", ".openclaw/openclaw.json",
    ".continue/config.yaml",
  };

  for (SyCliTool tool = 0; tool < SY_CLI_TOOL_N; tool++)
    {
      g_autofree char *path = sy_cli_tool_dup_config_path (tool);
      g_autofree char *want = g_build_filename (f->home, expected[tool], NULL);

      g_assert_cmpstr (path, ==, want);
    }
  g_setenv ("CODEX_HOME", "/elsewhere/codex", TRUE);
  {
    g_autofree char *path = sy_cli_tool_dup_config_path (SY_CLI_TOOL_CODEX);

    g_assert_cmpstr (path, ==, "/elsewhere/codex/config.toml");
  }
}

static void
test_fresh (Fixture       *f,
            gconstpointer  data)
{
  SyCliTool tool = GPOINTER_TO_UINT (data);
  g_autofree char *path = sy_cli_tool_dup_config_path (tool);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *contents = NULL;
  g_autofree char *backup = NULL;
  g_autoptr(GError) error = NULL;
  gboolean changed = FALSE;
  GStatBuf st;

  g_assert_cmpint (status (tool, NULL), ==, SY_CLI_TOOL_NOT_INSTALLED);
  g_mkdir (dir, 0700);
  g_assert_cmpint (status (tool, NULL), ==, SY_CLI_TOOL_NOT_CONFIGURED);

  g_assert_true (sy_cli_tool_apply (tool, &target, &changed, &backup, &error));
  g_assert_no_error (error);
  g_assert_true (changed);
  g_assert_null (backup);  /* nothing to back up */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  contents = read_file (path);
  g_assert_nonnull (strstr (contents, tool == SY_CLI_TOOL_CLAUDE_CODE ? BASE "\"" : BASE_V1));
  g_assert_cmpint (status (tool, NULL), ==, SY_CLI_TOOL_CONFIGURED);
  g_assert_null (sy_cli_tool_dup_newest_backup (tool));

  /* Again: nothing to change, no backup. */
  apply_ok (tool, &target, FALSE);
  g_assert_cmpuint (count_backups (tool), ==, 0);
  {
    g_autofree char *again = read_file (path);

    g_assert_cmpstr (again, ==, contents);
  }

  /* With no key given, the key already in the file stays. */
  {
    SyCliToolTarget no_key = { BASE, NULL, "openai/gpt-4o" };

    apply_ok (tool, &no_key, FALSE);
  }

  /* Another port: changed, one backup of the previous file, configured again. */
  {
    SyCliToolTarget other = { "http://127.0.0.1:20200", "sy-test-key", "openai/gpt-4o" };
    g_autofree char *detail = NULL;

    apply_ok (tool, &other, TRUE);
    g_assert_cmpuint (count_backups (tool), ==, 1);
    g_assert_cmpint (status (tool, &detail), ==, SY_CLI_TOOL_ELSEWHERE);
    g_assert_nonnull (strstr (detail, "20200"));
    g_assert_cmpint (sy_cli_tool_get_status (tool, &other, NULL), ==, SY_CLI_TOOL_CONFIGURED);
  }
}

static void
test_restore (Fixture       *f,
              gconstpointer  data)
{
  SyCliTool tool = GPOINTER_TO_UINT (data);
  static const char * const originals[] = {
    "{\n  \"model\": \"opus\"\n}\n",
    "model = \"o3\"\n",
    "{\"models\": {\"providers\": {}}}\n",
    "name: Mine\nversion: 0.0.1\nschema: v1\n",
  };
  g_autofree char *path = write_config (tool, originals[tool]);
  g_autofree char *backup = NULL;
  g_autofree char *restored_from = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (sy_cli_tool_apply (tool, &target, NULL, &backup, &error));
  g_assert_no_error (error);
  g_assert_nonnull (backup);
  g_assert_true (g_str_has_prefix (backup, path));
  g_assert_true (g_regex_match_simple ("\\.switchyard-backup-\\d{8}-\\d{6}$", backup, 0, 0));
  contents = read_file (backup);
  g_assert_cmpstr (contents, ==, originals[tool]);
  g_clear_pointer (&contents, g_free);
  {
    g_autofree char *newest = sy_cli_tool_dup_newest_backup (tool);

    g_assert_cmpstr (newest, ==, backup);
  }

  g_assert_true (sy_cli_tool_restore (tool, &restored_from, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (restored_from, ==, backup);
  contents = read_file (path);
  g_assert_cmpstr (contents, ==, originals[tool]);
  g_assert_false (g_file_test (backup, G_FILE_TEST_EXISTS));

  g_assert_false (sy_cli_tool_restore (tool, NULL, &error));
  g_assert_error (error, SY_CLI_TOOLS_ERROR, SY_CLI_TOOLS_ERROR_NO_BACKUP);
}

/* Two changes within a second: two backups, and the newest is restored first. */
static void
test_restore_steps_back (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *path = write_config (SY_CLI_TOOL_CLAUDE_CODE, "{\"a\": 1}\n");
  SyCliToolTarget other = { "http://localhost:20200", "sy-test-key", NULL };
  g_autofree char *after_first = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  apply_ok (SY_CLI_TOOL_CLAUDE_CODE, &target, TRUE);
  after_first = read_file (path);
  apply_ok (SY_CLI_TOOL_CLAUDE_CODE, &other, TRUE);
  g_assert_cmpuint (count_backups (SY_CLI_TOOL_CLAUDE_CODE), ==, 2);

  g_assert_true (sy_cli_tool_restore (SY_CLI_TOOL_CLAUDE_CODE, NULL, &error));
  contents = read_file (path);
  g_assert_cmpstr (contents, ==, after_first);
  g_clear_pointer (&contents, g_free);
  g_assert_true (sy_cli_tool_restore (SY_CLI_TOOL_CLAUDE_CODE, NULL, &error));
  g_assert_no_error (error);
  contents = read_file (path);
  g_assert_cmpstr (contents, ==, "{\"a\": 1}\n");
}

/* --- Claude Code ------------------------------------------------------------------------- */

static JsonObject *
parse_object (const char *path,
              JsonParser *parser)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_claude_keeps_settings (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *path = write_config (SY_CLI_TOOL_CLAUDE_CODE,
    "{\n  \"model\": \"opus\",\n  \"permissions\": {\"allow\": [\"Bash(ls)\"]},\n"
    "  \"env\": {\"FOO\": \"1\", \"ANTHROPIC_BASE_URL\": \"https://api.example.com\"}\n}\n");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *detail = NULL;
  SyCliToolTarget no_model = { BASE, "sy-test-key", NULL };
  JsonObject *root, *env;

  g_assert_cmpint (status (SY_CLI_TOOL_CLAUDE_CODE, &detail), ==, SY_CLI_TOOL_ELSEWHERE);
  g_assert_cmpstr (detail, ==, "https://api.example.com");
  apply_ok (SY_CLI_TOOL_CLAUDE_CODE, &no_model, TRUE);
  root = parse_object (path, parser);
  g_assert_cmpstr (json_object_get_string_member (root, "model"), ==, "opus");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (
    json_object_get_object_member (root, "permissions"), "allow"), 0), ==, "Bash(ls)");
  env = json_object_get_object_member (root, "env");
  g_assert_cmpstr (json_object_get_string_member (env, "FOO"), ==, "1");
  g_assert_cmpstr (json_object_get_string_member (env, "ANTHROPIC_BASE_URL"), ==, BASE);
  g_assert_cmpstr (json_object_get_string_member (env, "ANTHROPIC_AUTH_TOKEN"), ==,
                   "sy-test-key");
  g_assert_false (json_object_has_member (env, "ANTHROPIC_MODEL"));
  g_assert_cmpuint (count_backups (SY_CLI_TOOL_CLAUDE_CODE), ==, 1);
}

/* An existing ANTHROPIC_API_KEY setup keeps that variable; no key given writes a placeholder,
 * not a key meant for another endpoint. */
static void
test_claude_api_key (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *path = write_config (SY_CLI_TOOL_CLAUDE_CODE,
    "{\"env\": {\"ANTHROPIC_API_KEY\": \"sk-ant-real\"}}");
  g_autoptr(JsonParser) parser = json_parser_new ();
  SyCliToolTarget no_key = { BASE, NULL, NULL };
  JsonObject *env;

  apply_ok (SY_CLI_TOOL_CLAUDE_CODE, &no_key, TRUE);
  env = json_object_get_object_member (parse_object (path, parser), "env");
  g_assert_cmpstr (json_object_get_string_member (env, "ANTHROPIC_API_KEY"), ==,
                   SY_CLI_TOOLS_PLACEHOLDER_KEY);
  g_assert_false (json_object_has_member (env, "ANTHROPIC_AUTH_TOKEN"));
}

static void
test_claude_malformed (Fixture       *f,
                       gconstpointer  data)
{
  static const char * const bad[] = { "{\"env\": ", "[1, 2]", "{\"env\": \"x\"}" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = write_config (SY_CLI_TOOL_CLAUDE_CODE, bad[i]);
      g_autofree char *contents = NULL;
      g_autofree char *detail = NULL;
      g_autoptr(GError) error = NULL;
      gboolean changed = TRUE;

      g_assert_false (sy_cli_tool_apply (SY_CLI_TOOL_CLAUDE_CODE, &target, &changed, NULL,
                                         &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == SY_CLI_TOOLS_ERROR);
      g_assert_true (g_str_has_prefix (error->message, path));
      g_assert_false (changed);
      contents = read_file (path);
      g_assert_cmpstr (contents, ==, bad[i]);
      g_assert_cmpuint (count_backups (SY_CLI_TOOL_CLAUDE_CODE), ==, 0);
      if (i < 2)
        {
          g_assert_cmpint (status (SY_CLI_TOOL_CLAUDE_CODE, &detail), ==,
                           SY_CLI_TOOL_UNREADABLE);
          g_assert_nonnull (strstr (detail, "JSON"));
        }
    }
}

/* A symlinked settings file (a dotfiles repository) stays a link; its target changes. */
static void
test_claude_symlink (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *real = g_build_filename (f->home, "dotfiles-settings.json", NULL);
  g_autofree char *path = write_config (SY_CLI_TOOL_CLAUDE_CODE, "{}");
  g_autofree char *contents = NULL;
  g_autoptr(GFile) link = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_unlink (path);
  g_assert_true (g_file_set_contents (real, "{\"model\": \"opus\"}", -1, NULL));
  /* GIO's call, not symlink (): Windows has symbolic links too, for accounts allowed them. */
  if (!g_file_make_symbolic_link (link, real, NULL, &error))
    {
#ifdef G_OS_WIN32
      g_test_skip ("this account may not make symbolic links");
      return;
#else
      g_assert_no_error (error);
#endif
    }
  apply_ok (SY_CLI_TOOL_CLAUDE_CODE, &target, TRUE);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_SYMLINK));
  contents = read_file (real);
  g_assert_nonnull (strstr (contents, "ANTHROPIC_BASE_URL"));
  g_assert_nonnull (strstr (contents, "opus"));
}

/* --- Codex CLI --------------------------------------------------------------------------- */

static void
test_codex_keeps_settings (Fixture       *f,
                           gconstpointer  data)
{
  const char *original =
    "# my codex\n"
    "model = \"o3\"\n"
    "model_provider = \"openai\"\n"
    "approval_policy = \"on-request\"\n"
    "\n"
    "[mcp_servers.docs]\n"
    "command = \"npx\"\n"
    "args = [\n"
    "  \"-y\",\n"
    "  \"[not a table]\",\n"
    "]\n"
    "\n"
    "[model_providers.switchyard]\n"
    "request_max_retries = 4\n"
    "wire_api = \"chat\"\n"
    "base_url = \"http://localhost:9999/v1\"\n"
    "\n"
    "[profiles.fast]\n"
    "model_provider = \"openai\"\n";
  const char *expected =
    "# my codex\n"
    "model = \"openai/gpt-4o\"\n"
    "model_provider = \"switchyard\"\n"
    "approval_policy = \"on-request\"\n"
    "\n"
    "[mcp_servers.docs]\n"
    "command = \"npx\"\n"
    "args = [\n"
    "  \"-y\",\n"
    "  \"[not a table]\",\n"
    "]\n"
    "\n"
    "[model_providers.switchyard]\n"
    "name = \"Switchyard\"\n"
    "base_url = \"" BASE_V1 "\"\n"
    "wire_api = \"responses\"\n"
    "env_key = \"SWITCHYARD_API_KEY\"\n"
    "request_max_retries = 4\n"
    "\n"
    "[profiles.fast]\n"
    "model_provider = \"openai\"\n";
  g_autofree char *path = write_config (SY_CLI_TOOL_CODEX, original);
  g_autofree char *contents = NULL;
  g_autofree char *detail = NULL;

  g_assert_cmpint (status (SY_CLI_TOOL_CODEX, &detail), ==, SY_CLI_TOOL_ELSEWHERE);
  g_assert_cmpstr (detail, ==, "the model provider “openai”");
  apply_ok (SY_CLI_TOOL_CODEX, &target, TRUE);
  contents = read_file (path);
  g_assert_cmpstr (contents, ==, expected);
  g_assert_cmpint (status (SY_CLI_TOOL_CODEX, NULL), ==, SY_CLI_TOOL_CONFIGURED);
  apply_ok (SY_CLI_TOOL_CODEX, &target, FALSE);
}

static void
test_codex_fresh_layout (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *path = write_config (SY_CLI_TOOL_CODEX, "[tui]\nnotifications = true\n");
  SyCliToolTarget no_key = { BASE, NULL, NULL };
  g_autofree char *contents = NULL;

  g_assert_cmpint (status (SY_CLI_TOOL_CODEX, NULL), ==, SY_CLI_TOOL_NOT_CONFIGURED);
  apply_ok (SY_CLI_TOOL_CODEX, &no_key, TRUE);
  contents = read_file (path);
  g_assert_cmpstr (contents, ==,
                   "model_provider = \"switchyard\"\n"
                   "\n"
                   "[tui]\n"
                   "notifications = true\n"
                   "\n"
                   "[model_providers.switchyard]\n"
                   "name = \"Switchyard\"\n"
                   "base_url = \"" BASE_V1 "\"\n"
                   "wire_api = \"responses\"\n");
  apply_ok (SY_CLI_TOOL_CODEX, &no_key, FALSE);
}

static void
test_codex_refused (Fixture       *f,
                    gconstpointer  data)
{
  static const char * const bad[] = {
    "model = \"\"\"never closed\n",
    "[model_providers\n",
    "model_providers.switchyard.base_url = \"x\"\n",
    "[model_providers]\nswitchyard = { base_url = \"x\" }\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = write_config (SY_CLI_TOOL_CODEX, bad[i]);
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_false (sy_cli_tool_apply (SY_CLI_TOOL_CODEX, &target, NULL, NULL, &error));
      g_assert_true (error != NULL && error->domain == SY_CLI_TOOLS_ERROR);
      contents = read_file (path);
      g_assert_cmpstr (contents, ==, bad[i]);
      g_assert_cmpuint (count_backups (SY_CLI_TOOL_CODEX), ==, 0);
    }
}

/* --- OpenClaw ---------------------------------------------------------------------------- */

static void
test_openclaw_keeps_settings (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *path = write_config (SY_CLI_TOOL_OPENCLAW,
    "{\"gateway\": {\"port\": 18789},\n"
    " \"agents\": {\"defaults\": {\"model\": {\"primary\": \"anthropic/claude-opus-4-6\","
    " \"fallbacks\": [\"openai/gpt-5\"]}, \"workspace\": \"~/w\"}},\n"
    " \"models\": {\"providers\": {\"local\": {\"baseUrl\": \"http://127.0.0.1:8080/v1\"}}}}");
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root, *ours, *model;
  JsonArray *models;

  g_assert_cmpint (status (SY_CLI_TOOL_OPENCLAW, NULL), ==, SY_CLI_TOOL_NOT_CONFIGURED);
  apply_ok (SY_CLI_TOOL_OPENCLAW, &target, TRUE);
  root = parse_object (path, parser);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "gateway"),
                                               "port"), ==, 18789);
  g_assert_true (json_object_has_member (json_object_get_object_member (
    json_object_get_object_member (root, "models"), "providers"), "local"));
  ours = json_object_get_object_member (json_object_get_object_member (
    json_object_get_object_member (root, "models"), "providers"), "switchyard");
  g_assert_cmpstr (json_object_get_string_member (ours, "baseUrl"), ==, BASE_V1);
  g_assert_cmpstr (json_object_get_string_member (ours, "apiKey"), ==, "sy-test-key");
  g_assert_cmpstr (json_object_get_string_member (ours, "api"), ==, "openai-completions");
  models = json_object_get_array_member (ours, "models");
  g_assert_cmpuint (json_array_get_length (models), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (models, 0),
                                                  "id"), ==, "openai/gpt-4o");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (models, 0),
                                                  "name"), ==, "gpt-4o");
  model = json_object_get_object_member (json_object_get_object_member (
    json_object_get_object_member (root, "agents"), "defaults"), "model");
  g_assert_cmpstr (json_object_get_string_member (model, "primary"), ==,
                   "switchyard/openai/gpt-4o");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (model, "fallbacks")),
                    ==, 1);
  g_assert_cmpint (status (SY_CLI_TOOL_OPENCLAW, NULL), ==, SY_CLI_TOOL_CONFIGURED);
  apply_ok (SY_CLI_TOOL_OPENCLAW, &target, FALSE);
}

/* --- Continue ---------------------------------------------------------------------------- */

static void
test_continue_yaml_keeps_settings (Fixture       *f,
                                   gconstpointer  data)
{
  const char *original =
    "name: My Config\n"
    "version: 0.0.1\n"
    "schema: v1\n"
    "models:\n"
    "    # local first\n"
    "    - name: Llama\n"
    "      provider: ollama\n"
    "      model: llama3\n"
    "context:\n"
    "  - provider: code\n";
  const char *expected =
    "name: My Config\n"
    "version: 0.0.1\n"
    "schema: v1\n"
    "models:\n"
    "    # switchyard: begin (written by Switchyard: Apply replaces this entry, "
    "Restore undoes it)\n"
    "    - name: Switchyard\n"
    "      provider: openai\n"
    "      model: \"openai/gpt-4o\"\n"
    "      apiBase: \"" BASE_V1 "\"\n"
    "      apiKey: \"sy-test-key\"\n"
    "    # switchyard: end\n"
    "    # local first\n"
    "    - name: Llama\n"
    "      provider: ollama\n"
    "      model: llama3\n"
    "context:\n"
    "  - provider: code\n";
  g_autofree char *path = write_config (SY_CLI_TOOL_CONTINUE, original);
  g_autofree char *contents = NULL;
  SyCliToolTarget other = { "http://localhost:20300", NULL, NULL };

  g_assert_cmpint (status (SY_CLI_TOOL_CONTINUE, NULL), ==, SY_CLI_TOOL_NOT_CONFIGURED);
  apply_ok (SY_CLI_TOOL_CONTINUE, &target, TRUE);
  contents = read_file (path);
  g_assert_cmpstr (contents, ==, expected);
  apply_ok (SY_CLI_TOOL_CONTINUE, &target, FALSE);

  /* Another port replaces our entry in place, keeping its key and model. */
  apply_ok (SY_CLI_TOOL_CONTINUE, &other, TRUE);
  g_clear_pointer (&contents, g_free);
  contents = read_file (path);
  {
    g_autofree char *want = g_strdup (expected);
    g_autoptr(GString) s = g_string_new (want);

    g_string_replace (s, "20128", "20300", 0);
    g_assert_cmpstr (contents, ==, s->str);
  }
}

static void
test_continue_yaml_forms (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *path = write_config (SY_CLI_TOOL_CONTINUE, "name: A\nmodels: []\n");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  apply_ok (SY_CLI_TOOL_CONTINUE, &target, TRUE);
  contents = read_file (path);
  g_assert_true (g_str_has_prefix (contents, "name: A\nmodels:\n  # switchyard: begin"));
  g_clear_pointer (&contents, g_free);

  /* Entries at the key's own column, and no list at all. */
  g_free (path);
  path = write_config (SY_CLI_TOOL_CONTINUE, "name: A\nmodels:\n- name: x\n");
  apply_ok (SY_CLI_TOOL_CONTINUE, &target, TRUE);
  contents = read_file (path);
  g_assert_true (g_str_has_prefix (contents, "name: A\nmodels:\n# switchyard: begin"));
  g_assert_nonnull (strstr (contents, "\n- name: Switchyard\n  provider: openai\n"));
  g_assert_true (g_str_has_suffix (contents, "# switchyard: end\n- name: x\n"));
  g_clear_pointer (&contents, g_free);

  g_free (path);
  path = write_config (SY_CLI_TOOL_CONTINUE, "name: A\nschema: v1");
  apply_ok (SY_CLI_TOOL_CONTINUE, &target, TRUE);
  contents = read_file (path);
  g_assert_true (g_str_has_prefix (contents, "name: A\nschema: v1\nmodels:\n  # switchyard"));
  g_clear_pointer (&contents, g_free);
  apply_ok (SY_CLI_TOOL_CONTINUE, &target, FALSE);

  g_free (path);
  path = write_config (SY_CLI_TOOL_CONTINUE, "name: A\nmodels: [{name: x}]\n");
  g_assert_false (sy_cli_tool_apply (SY_CLI_TOOL_CONTINUE, &target, NULL, NULL, &error));
  g_assert_error (error, SY_CLI_TOOLS_ERROR, SY_CLI_TOOLS_ERROR_UNSUPPORTED);
  contents = read_file (path);
  g_assert_cmpstr (contents, ==, "name: A\nmodels: [{name: x}]\n");
}

/* Only an older config.json: that is the file edited, as JSON. */
static void
test_continue_json (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (f->home, ".continue", NULL);
  g_autofree char *json = g_build_filename (dir, "config.json", NULL);
  g_autofree char *path = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *models;
  JsonObject *ours;

  g_mkdir (dir, 0700);
  g_assert_true (g_file_set_contents (json, "{\"models\": [{\"title\": \"GPT\"}], "
                                      "\"tabAutocompleteModel\": {\"title\": \"x\"}}", -1, NULL));
  path = sy_cli_tool_dup_config_path (SY_CLI_TOOL_CONTINUE);
  g_assert_cmpstr (path, ==, json);
  apply_ok (SY_CLI_TOOL_CONTINUE, &target, TRUE);
  models = json_object_get_array_member (parse_object (json, parser), "models");
  g_assert_cmpuint (json_array_get_length (models), ==, 2);
  ours = json_array_get_object_element (models, 1);
  g_assert_cmpstr (json_object_get_string_member (ours, "title"), ==, "Switchyard");
  g_assert_cmpstr (json_object_get_string_member (ours, "provider"), ==, "openai");
  g_assert_cmpstr (json_object_get_string_member (ours, "apiBase"), ==, BASE_V1);
  g_assert_cmpstr (json_object_get_string_member (ours, "apiKey"), ==, "sy-test-key");
  g_assert_cmpint (status (SY_CLI_TOOL_CONTINUE, NULL), ==, SY_CLI_TOOL_CONFIGURED);
  apply_ok (SY_CLI_TOOL_CONTINUE, &target, FALSE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add ("/sy/core/cli-tools/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("paths", test_paths, NULL);
  for (SyCliTool tool = 0; tool < SY_CLI_TOOL_N; tool++)
    {
      g_autofree char *fresh = g_strdup_printf ("/sy/core/cli-tools/fresh/%s",
                                                sy_cli_tool_get_id (tool));
      g_autofree char *restore = g_strdup_printf ("/sy/core/cli-tools/restore/%s",
                                                  sy_cli_tool_get_id (tool));

      g_test_add (fresh, Fixture, GUINT_TO_POINTER (tool), fixture_set_up, test_fresh,
                  fixture_tear_down);
      g_test_add (restore, Fixture, GUINT_TO_POINTER (tool), fixture_set_up, test_restore,
                  fixture_tear_down);
    }
  ADD ("restore-steps-back", test_restore_steps_back, NULL);
  ADD ("claude/keeps-settings", test_claude_keeps_settings, NULL);
  ADD ("claude/api-key", test_claude_api_key, NULL);
  ADD ("claude/malformed", test_claude_malformed, NULL);
  ADD ("claude/symlink", test_claude_symlink, NULL);
  ADD ("codex/keeps-settings", test_codex_keeps_settings, NULL);
  ADD ("codex/fresh-layout", test_codex_fresh_layout, NULL);
  ADD ("codex/refused", test_codex_refused, NULL);
  ADD ("openclaw/keeps-settings", test_openclaw_keeps_settings, NULL);
  ADD ("continue/yaml-keeps-settings", test_continue_yaml_keeps_settings, NULL);
  ADD ("continue/yaml-forms", test_continue_yaml_forms, NULL);
  ADD ("continue/json", test_continue_json, NULL);
  return g_test_run ();
}
