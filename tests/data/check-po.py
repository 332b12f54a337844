#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks the translations in po/:
#
#   check-po.py SRCDIR --catalog
#       po/LINGUAS names exactly the po/*.po files there are, and every file in
#       po/POTFILES.in exists.
#   check-po.py SRCDIR LANG
#       `msgfmt --check` accepts po/LANG.po (formats, header, domain) with every message
#       translated and none fuzzy; its Language header is LANG; and each msgstr keeps the
#       technical tokens of its msgid as they are (environment variables, numbers and
#       addresses, flags, API paths, KEY=value settings, product names); and that it has every
#       message the sources mark today (xgettext over POTFILES.in, as meson's glib preset does),
#       so a new string cannot ship untranslated unnoticed.
#
# Exits 77 (skipped) when msgfmt is missing (Debian package gettext).

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

# What a translation must not translate. Checked as substrings of the msgstr.
TOKEN_PATTERNS = [
    r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+(?:=\w+)?",  # SWITCHYARD_HOST, REQUIRE_API_KEY=true
    r"\b[A-Z]{3,}\b",                          # PORT, HOSTNAME, API, POST
    r"\b\d+(?:\.\d+)*\b",                      # 20128, 65535, 127.0.0.1
    r"--[a-z][a-z-]*",                         # --port
    r"(?<![\w])/[a-z][a-z/_-]*",               # /api/keys
    r"\b[a-z]+(?:\|[a-z]+)+",                  # libsecret|file|memory
    r"\bchmod\b",
    r"\bSwitchyard\b|\bOmniRoute\b",
    r"%(?:\d+\$)?[-+ #0]*\d*(?:\.\d+)?(?:h|l|ll|z)?[sdiuxXcf%]",  # printf conversions
]


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def unquote(line):
    return bytes(line.strip()[1:-1], "utf-8").decode("unicode_escape").encode(
        "latin-1").decode("utf-8")


def read_po(path):
    """Returns (header, [(msgid, msgstr, flags)]) for the non-obsolete entries."""
    entries = []
    msgid = msgstr = None
    flags = ""
    field = None

    def flush():
        if msgid is not None:
            entries.append((msgid, msgstr or "", flags))

    with open(path, encoding="utf-8") as po:
        for raw in po:
            line = raw.rstrip("\n")
            if line.startswith("#~"):
                continue
            if line.startswith("#,"):
                flush()
                msgid = msgstr = None
                flags = line[2:]
                continue
            if line.startswith("#") or not line.strip():
                continue
            if line.startswith("msgctxt "):
                # A context starts a new entry; the context itself is not checked.
                if msgid is not None and field in ("msgstr", "other"):
                    flush()
                    flags = ""
                    msgid = msgstr = None
                field = "msgctxt"
            elif line.startswith("msgid "):
                if msgid is not None and field in ("msgstr", "other"):
                    flush()
                    flags = ""
                msgid, msgstr, field = unquote(line[6:]), None, "msgid"
            elif line.startswith("msgid_plural "):
                field = "other"
            elif line.startswith("msgstr "):
                msgstr, field = unquote(line[7:]), "msgstr"
            elif line.startswith("msgstr[0] "):
                # Plural forms: the singular form stands for the entry.
                msgstr, field = unquote(line[10:]), "msgstr"
            elif line.startswith("msgstr["):
                field = "other"
            elif line.startswith('"'):
                if field == "msgid":
                    msgid += unquote(line)
                elif field == "msgstr":
                    msgstr += unquote(line)
            else:
                fail(f"{path}: cannot parse: {line}")
    flush()
    header = next((s for i, s, _ in entries if i == ""), "")
    return header, [e for e in entries if e[0] != ""]


def check_catalog(srcdir):
    po_dir = os.path.join(srcdir, "po")
    with open(os.path.join(po_dir, "LINGUAS"), encoding="utf-8") as linguas:
        listed = [w for line in linguas for w in line.split("#", 1)[0].split()]
    present = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(po_dir, "*.po")))
    if sorted(listed) != present:
        fail(f"LINGUAS lists {sorted(listed)} but po/ holds {present}")
    with open(os.path.join(po_dir, "POTFILES.in"), encoding="utf-8") as potfiles:
        sources = [l.strip() for l in potfiles if l.strip() and not l.startswith("#")]
    missing = [s for s in sources if not os.path.isfile(os.path.join(srcdir, s))]
    if missing:
        fail(f"POTFILES.in names files that do not exist: {missing}")
    print(f"ok: LINGUAS = {' '.join(listed)}; POTFILES.in: {len(sources)} sources")


# The keywords of meson's i18n glib preset that our sources use.
XGETTEXT_KEYWORDS = ["--keyword=_", "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
                     "--keyword=g_dngettext:2,3", "--keyword=ngettext:1,2"]


def check_complete(srcdir, path):
    """Every message of the current sources is in the catalog (msgcmp against a fresh pot)."""
    xgettext, msgcmp = shutil.which("xgettext"), shutil.which("msgcmp")
    if xgettext is None or msgcmp is None:
        return
    with open(os.path.join(srcdir, "po", "POTFILES.in"), encoding="utf-8") as potfiles:
        sources = [l.strip() for l in potfiles if l.strip() and not l.startswith("#")]
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, "switchyard.pot")
        result = subprocess.run([xgettext, "--from-code=UTF-8", "--add-comments", "-o", pot,
                                 *XGETTEXT_KEYWORDS, *sources], cwd=srcdir,
                                capture_output=True, text=True, env=dict(os.environ, LC_ALL="C"))
        if result.returncode != 0:
            fail(f"xgettext over POTFILES.in:\n{result.stderr.strip()}")
        result = subprocess.run([msgcmp, "--use-untranslated", path, pot], capture_output=True,
                                text=True, env=dict(os.environ, LC_ALL="C"))
        if result.returncode != 0:
            fail(f"{path} lacks messages the sources have (run the update-po target and "
                 f"translate them):\n{result.stderr.strip()}")


def check_language(srcdir, lang):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        print("SKIP: msgfmt not found (Debian package gettext)")
        sys.exit(77)
    path = os.path.join(srcdir, "po", lang + ".po")
    result = subprocess.run([msgfmt, "--check", "--statistics", "-o", os.devnull, path],
                            capture_output=True, text=True, env=dict(os.environ, LC_ALL="C"))
    report = (result.stdout + result.stderr).strip()
    if result.returncode != 0:
        fail(f"msgfmt --check {path}:\n{report}")
    if "fuzzy" in report or "untranslated" in report:
        fail(f"{path}: every message must be translated and none fuzzy: {report}")

    header, entries = read_po(path)
    if not re.search(rf"^Language: {re.escape(lang)}$", header, re.MULTILINE):
        fail(f"{path}: the header's Language is not {lang}")

    problems = []
    for msgid, msgstr, _ in entries:
        for pattern in TOKEN_PATTERNS:
            for token in re.findall(pattern, msgid):
                if msgid.count(token) > msgstr.count(token):
                    problems.append(f"  {token!r} is missing from the translation of {msgid!r}")
    if problems:
        fail(f"{path}: technical tokens must stay as they are:\n" + "\n".join(problems))
    check_complete(srcdir, path)
    print(f"ok: {path}: {report}")


def main(argv):
    if len(argv) != 3:
        print("usage: check-po.py SRCDIR --catalog | LANG", file=sys.stderr)
        return 2
    if argv[2] == "--catalog":
        check_catalog(argv[1])
    else:
        check_language(argv[1], argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
