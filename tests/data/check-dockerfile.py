#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks data/Dockerfile.server where no Docker engine runs:
#
#   check-dockerfile.py static DOCKERFILE SRCDIR SERVER PKG_CONFIG_NAME...
#       Every stage is Debian 12; every COPY source exists in the tree, and every subdir() of
#       the top-level meson.build and meson_options.txt are copied (or `meson setup` fails in
#       the image); COPY --from names an earlier stage. The build configures without the keyring
#       (-Dkeyring=disabled) and no stage installs libsecret. The build stage installs the Debian package of each
#       pkg-config dependency of the server; the final stage installs the package of each
#       shared library SERVER links (readelf NEEDED), glib-networking and ca-certificates
#       (HTTPS to the providers) and curl (the HEALTHCHECK). The final stage runs as a non-root
#       user with the /data volume, the port it EXPOSEs, the file secret store, and API keys
#       required since it listens on 0.0.0.0.
#   check-dockerfile.py run DOCKERFILE SERVER HEALTHCHECK
#       Runs SERVER with the final stage's ENV (data in a temporary directory, --port 0, fatal
#       warnings): it must start; without REQUIRE_API_KEY it must refuse to. HEALTHCHECK must
#       pass against it, fail with a wrong admin token, and fail once the server has exited 0
#       on SIGTERM. Exits 77 (skipped) without curl.

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def parse(path):
    """Returns the stages: [{"name", "from", "instructions": [(KEYWORD, args)]}]."""
    logical = []
    pending = ""
    with open(path, encoding="utf-8") as dockerfile:
        for raw in dockerfile:
            line = raw.rstrip("\n")
            if not pending and line.lstrip().startswith("#"):
                continue
            if pending and line.lstrip().startswith("#"):
                continue  # comment lines inside a continued instruction are dropped
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            pending += line
            if pending.strip():
                logical.append(pending.strip())
            pending = ""
    if pending.strip():
        fail(f"{path}: the last instruction ends with a line continuation")

    stages = []
    for line in logical:
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            words = args.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append({"name": name, "from": words[0], "instructions": []})
        elif not stages:
            fail(f"{path}: {keyword} before the first FROM")
        else:
            stages[-1]["instructions"].append((keyword, args.strip()))
    return stages


def apt_packages(stage):
    packages = []
    for keyword, args in stage["instructions"]:
        if keyword != "RUN":
            continue
        for command in re.split(r"&&|;|\|\|", args):
            words = shlex.split(command)
            if "apt-get" in words and "install" in words:
                after = words[words.index("install") + 1:]
                packages += [w for w in after if not w.startswith("-")]
    return packages


def env_of(stage):
    env = {}
    for keyword, args in stage["instructions"]:
        if keyword == "ENV":
            for word in shlex.split(args):
                if "=" not in word:
                    fail(f"ENV {args}: use the KEY=value form")
                key, value = word.split("=", 1)
                env[key] = value
    return env


def owning_packages(paths):
    """{path: Debian package that ships it, or None}, from one dpkg-query call. Paths are
    also tried resolved (/lib -> /usr/lib on merged-/usr systems)."""
    candidates = sorted(set(paths) | {os.path.realpath(p) for p in paths})
    result = subprocess.run(["dpkg-query", "-S"] + candidates, capture_output=True, text=True)
    owner = {}
    for line in result.stdout.splitlines():
        package, _, path = line.partition(": ")
        owner[path.strip()] = package.split(",")[0].split(":")[0].strip()
    return {p: owner.get(p) or owner.get(os.path.realpath(p)) for p in paths}


def apt_candidates(packages):
    """{package: candidate version or None} from one `apt-cache policy` call."""
    result = subprocess.run(["apt-cache", "policy"] + packages, capture_output=True, text=True,
                            env=dict(os.environ, LC_ALL="C"))
    found = {}
    current = None
    for line in result.stdout.splitlines():
        if line and not line[0].isspace() and line.endswith(":"):
            current = line[:-1].split(":")[0]
        elif current is not None and line.strip().startswith("Candidate:"):
            version = line.split(":", 1)[1].strip()
            found[current] = None if version == "(none)" else version
    return {p: found.get(p) for p in packages}


def check_packages_exist(packages):
    """Every package the image installs is in Debian 12, judged by this machine's apt lists
    (read locally; nothing is downloaded). Skipped where apt knows no packages at all."""
    if shutil.which("apt-cache") is None:
        print("note: no apt-cache here: package names not checked against Debian")
        return
    candidates = apt_candidates(packages + ["libc6"])
    if candidates.pop("libc6") is None:
        print("note: no apt lists here: package names not checked against Debian")
        return
    unknown = [p for p, version in candidates.items() if version is None]
    if unknown:
        fail(f"not Debian 12 packages (apt-cache policy has no candidate): {unknown}")


def check_static(dockerfile, srcdir, server, pc_names):
    stages = parse(dockerfile)
    if len(stages) < 2:
        fail("expected a build stage and a smaller final stage")
    for stage in stages:
        if not re.fullmatch(r"debian:bookworm(-slim)?", stage["from"]):
            fail(f"stage {stage['name'] or stage['from']} is not Debian 12: FROM {stage['from']}")
    names = [s["name"] for s in stages]

    copied = set()
    for index, stage in enumerate(stages):
        for keyword, args in stage["instructions"]:
            if keyword in ("ADD",):
                fail("use COPY, not ADD")
            if keyword != "COPY":
                continue
            words = shlex.split(args)
            options = [w for w in words if w.startswith("--")]
            paths = [w for w in words if not w.startswith("--")]
            source_stage = next((o.split("=", 1)[1] for o in options if o.startswith("--from=")),
                                None)
            if source_stage is not None:
                if source_stage not in names[:index]:
                    fail(f"COPY --from={source_stage}: no earlier stage of that name")
                continue
            for source in paths[:-1]:
                if not os.path.exists(os.path.join(srcdir, source)):
                    fail(f"COPY {source}: no such file in the source tree")
                copied.add(os.path.normpath(source))

    with open(os.path.join(srcdir, "meson.build"), encoding="utf-8") as top:
        subdirs = re.findall(r"^\s*subdir\(\s*'([^']+)'\s*\)", top.read(), re.MULTILINE)
    if "meson.build" not in copied:
        fail("the top-level meson.build is not copied")
    if os.path.exists(os.path.join(srcdir, "meson_options.txt")) and \
       "meson_options.txt" not in copied:
        fail("meson_options.txt is not copied: meson setup fails on the options it declares")
    for subdir in subdirs:
        if subdir not in copied:
            fail(f"meson.build has subdir('{subdir}') but the Dockerfile does not COPY {subdir}/")

    final = stages[-1]
    keywords = dict(final["instructions"])
    user = keywords.get("USER", "root").split(":")[0]
    if user in ("root", "0"):
        fail("the final stage runs as root: add USER")
    if "/data" not in keywords.get("VOLUME", ""):
        fail("no VOLUME for /data")
    if "HEALTHCHECK" not in keywords:
        fail("no HEALTHCHECK")
    env = env_of(final)
    expect = {"SWITCHYARD_DATA_DIR": "/data", "SWITCHYARD_SECRET_STORE": "file",
              "SWITCHYARD_HOST": "0.0.0.0", "SWITCHYARD_REQUIRE_API_KEY": "true"}
    for key, value in expect.items():
        if env.get(key) != value:
            fail(f"ENV {key} is {env.get(key)!r}, expected {value!r}")
    port = env.get("SWITCHYARD_PORT", "20128")
    if keywords.get("EXPOSE", "").split("/")[0] != port:
        fail(f"EXPOSE {keywords.get('EXPOSE')} is not the port the server listens on ({port})")

    build_packages = set(apt_packages(stages[0]))
    final_packages = set(apt_packages(final))
    # The image keeps secrets in its file store: built without the keyring, it neither needs
    # nor ships libsecret.
    setup = " ".join(args for keyword, args in stages[0]["instructions"] if keyword == "RUN")
    if "-Dkeyring=disabled" not in setup.split():
        fail("the build stage should configure with -Dkeyring=disabled: the image uses the file"
             " secret store and has no Secret Service to talk to")
    pc_names = [name for name in pc_names if name != "libsecret-1"]
    stray = sorted(p for p in build_packages | final_packages if p.startswith("libsecret"))
    if stray:
        fail(f"the image is built without the keyring but installs {stray}")
    for needed in ("glib-networking", "ca-certificates", "curl"):
        if needed not in final_packages:
            fail(f"the final stage does not install {needed}")

    if shutil.which("dpkg-query") is None or shutil.which("pkg-config") is None or \
       shutil.which("readelf") is None:
        print("note: no dpkg-query, pkg-config or readelf: package lists not cross-checked")
    else:
        pc_files = {}
        for name in pc_names:
            pcdir = subprocess.run(["pkg-config", "--variable=pcfiledir", name],
                                   capture_output=True, text=True).stdout.strip()
            pc_files[name] = os.path.join(pcdir, name + ".pc")
        owners = owning_packages(list(pc_files.values()))
        for name, pc_file in pc_files.items():
            package = owners[pc_file]
            if package is None:
                fail(f"no Debian package owns {name}.pc here")
            if package not in build_packages:
                fail(f"the server needs {name} (Debian {package}) but the build stage does not "
                     "install it")

        needed = subprocess.run(["readelf", "-d", server], capture_output=True, text=True,
                                check=True).stdout
        ldd = subprocess.run(["ldd", server], capture_output=True, text=True).stdout
        libraries = {}
        for soname in re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", needed):
            found = re.search(rf"^\s*{re.escape(soname)} => (\S+)", ldd, re.MULTILINE)
            if found is None:
                fail(f"{server} links {soname}, which ldd cannot find")
            libraries[soname] = found.group(1)
        owners = owning_packages(list(libraries.values()))
        for soname, path in libraries.items():
            package = owners[path]
            if package is None:
                fail(f"{server} links {soname}, which no Debian package owns here")
            # The C library and libgcc are in every Debian image; sanitizer runtimes are linked
            # only by a sanitized build (-Db_sanitize), never by the image's release build.
            # libsecret: the local build may have the keyring, the image's does not.
            if package in ("libc6", "libgcc-s1") or package.startswith("libsecret") or \
               re.match(r"lib(asan|ubsan|lsan|tsan)\d+$|libclang-rt-", package):
                continue
            if package not in final_packages:
                fail(f"{server} links {soname} (Debian {package}) but the final stage does not "
                     "install it")
    check_packages_exist(sorted(build_packages | final_packages))
    print(f"ok: {dockerfile}: {len(stages)} stages; copies {', '.join(sorted(copied))}; "
          f"runs as {user}; final packages {' '.join(sorted(final_packages))}")


def listening_address(port):
    """The IPv4 address a socket listens on at PORT, from /proc/net/tcp (Linux)."""
    with open("/proc/net/tcp", encoding="ascii") as table:
        for row in table.readlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, local_port = local.split(":")
            if state == "0A" and int(local_port, 16) == port:
                return ".".join(str(b) for b in reversed(bytes.fromhex(address)))
    return None


def run(cmd, env, timeout=20):
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)


def base_env():
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SWITCHYARD_") and k not in ("HOSTNAME", "PORT", "DATA_DIR",
                                                            "REQUIRE_API_KEY")}
    env.update(no_proxy="*", NO_PROXY="*", LC_ALL="C.UTF-8")
    env.pop("http_proxy", None)
    env.pop("HTTP_PROXY", None)
    return env


def check_run(dockerfile, server, healthcheck):
    if shutil.which("curl") is None:
        print("SKIP: curl not found (the HEALTHCHECK uses it)")
        sys.exit(77)
    container_env = env_of(parse(dockerfile)[-1])

    with tempfile.TemporaryDirectory() as data:
        os.chmod(data, 0o700)
        env = base_env()
        env.update(container_env)
        env.update(SWITCHYARD_DATA_DIR=data, G_DEBUG="fatal-warnings")

        # Without required API keys the same configuration must be refused.
        refused_env = dict(env)
        refused_env.pop("SWITCHYARD_REQUIRE_API_KEY")
        refused = run([server, "--port", "0"], refused_env)
        if refused.returncode == 0 or "REQUIRE_API_KEY" not in refused.stderr:
            fail(f"without SWITCHYARD_REQUIRE_API_KEY the server should refuse 0.0.0.0 "
                 f"(exit {refused.returncode}):\n{refused.stderr}")

        server_proc = subprocess.Popen([server, "--port", "0"], env=env, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True)
        try:
            line = server_proc.stdout.readline()
            match = re.match(r"listening on http://([^:/]+):(\d+)", line)
            if match is None:
                server_proc.kill()
                fail(f"the server did not start with the container's ENV: {line!r}\n"
                     f"{server_proc.stderr.read()}")
            port = match.group(2)
            # The URL it prints names 127.0.0.1 for a wildcard address; the socket table says
            # what it bound.
            host = listening_address(int(port))
            if host != container_env["SWITCHYARD_HOST"]:
                fail(f"the server listens on {host}, the image sets "
                     f"{container_env['SWITCHYARD_HOST']}")

            probe_env = base_env()
            probe_env.update(SWITCHYARD_PORT=port, SWITCHYARD_DATA_DIR=data)
            healthy = run([healthcheck], probe_env)
            if healthy.returncode != 0:
                fail(f"HEALTHCHECK failed against a running server (exit {healthy.returncode}):\n"
                     f"{healthy.stdout}{healthy.stderr}")

            wrong = dict(probe_env, SWITCHYARD_ADMIN_TOKEN="sya-not-the-admin-token-at-all")
            if run([healthcheck], wrong).returncode != 1:
                fail("HEALTHCHECK passed with a wrong admin token")

            server_proc.send_signal(signal.SIGTERM)
            status = server_proc.wait(timeout=20)
            log = server_proc.stderr.read()
            if status != 0:
                fail(f"SIGTERM: the server exited {status}, expected 0:\n{log}")
            if "Secret store: plaintext file" not in log:
                fail(f"the server did not log its use of the file secret store:\n{log}")
            if run([healthcheck], probe_env).returncode != 1:
                fail("HEALTHCHECK passed after the server exited")
        finally:
            if server_proc.poll() is None:
                server_proc.kill()
                server_proc.wait()
    print(f"ok: the image's ENV starts the server on {host}; the HEALTHCHECK tells up from down")


def main(argv):
    if len(argv) >= 5 and argv[1] == "static":
        check_static(argv[2], argv[3], argv[4], argv[5:])
    elif len(argv) == 5 and argv[1] == "run":
        check_run(argv[2], argv[3], argv[4])
    else:
        print("usage: check-dockerfile.py static DOCKERFILE SRCDIR SERVER PC_NAME... | "
              "run DOCKERFILE SERVER HEALTHCHECK", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
