#!/usr/bin/env bash
# Install code-server and headless Chromium for ResLint's end-to-end tests.
#
# Usage: scripts/e2e/install-code-server.sh
# Prints the absolute path of the code-server binary as the only line on
# stdout; progress goes to stderr. Safe to run again: a finished install is
# reused and the script returns within a second.
#
# Environment:
#   RESLINT_E2E_CACHE  cache folder (default: ~/.cache/reslint-e2e)
#
# code-server's own postinstall script cannot run on a machine that reaches
# only the npm registry and Debian's mirrors, because @vscode/ripgrep downloads
# its binary from GitHub and several native modules try to download prebuilt
# binaries. So this script installs with --ignore-scripts and then does the
# postinstall steps itself. It builds each native module with node-gyp against
# the local Node headers and links Debian's ripgrep in place of the download.
# It also creates the symlinks that code-server 4.100.3's postinstall.sh creates.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
# code-server 4.100.x requires Node 20 (its postinstall rejects other majors),
# and native modules built here only load in the Node major they were built for.
REQUIRED_NODE_MAJOR=20

# Log lines carry the seconds since the script started, to show slow steps in CI logs.
log() { printf '[install-code-server +%ss] %s\n' "$SECONDS" "$*" >&2; }
fail() { log "error: $*"; exit 1; }

command -v node >/dev/null || fail "node is not installed; install Node $REQUIRED_NODE_MAJOR first."
command -v npm >/dev/null || fail "npm is not installed; install Node $REQUIRED_NODE_MAJOR with npm first."
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" = "$REQUIRED_NODE_MAJOR" ] ||
  fail "code-server $CODE_SERVER_VERSION needs Node $REQUIRED_NODE_MAJOR, but node is $(node --version)."

cache_dir=${RESLINT_E2E_CACHE:-$HOME/.cache/reslint-e2e}
install_dir="$cache_dir/code-server-$CODE_SERVER_VERSION-node$node_major"
package_dir="$install_dir/node_modules/code-server"
binary="$package_dir/out/node/entry.js"
launcher="$install_dir/bin/code-server"
ready_marker="$install_dir/.ready"

mkdir -p "$cache_dir"
# Tests may call this script from several processes at once, so one lock
# serialises apt and npm. The second caller then finds the finished install.
exec 9>"$cache_dir/.install.lock"
flock 9

# --- Debian packages --------------------------------------------------------

missing_packages=()
command -v chromium >/dev/null || missing_packages+=(chromium)
command -v rg >/dev/null || missing_packages+=(ripgrep)
# The kerberos native module needs krb5-config, from libkrb5-dev, to build.
command -v krb5-config >/dev/null || missing_packages+=(libkrb5-dev)
command -v make >/dev/null || missing_packages+=(make)
command -v g++ >/dev/null || missing_packages+=(g++)
command -v python3 >/dev/null || missing_packages+=(python3)

if [ ${#missing_packages[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] ||
    fail "missing Debian packages: ${missing_packages[*]}. Run as root, or install them with: sudo apt-get install -y ${missing_packages[*]}"
  log "installing Debian packages: ${missing_packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt_log="$cache_dir/apt.log"
  if ! { apt-get update && apt-get install -y "${missing_packages[@]}"; } >"$apt_log" 2>&1; then
    tail -n 30 "$apt_log" >&2
    fail "apt-get failed to install ${missing_packages[*]}; full output in $apt_log."
  fi
fi

# --- code-server -----------------------------------------------------------

if [ -f "$ready_marker" ] && [ -x "$launcher" ]; then
  log "using cached code-server $CODE_SERVER_VERSION in $install_dir"
  printf '%s\n' "$launcher"
  exit 0
fi

# node-gyp ships inside npm, so using it avoids a registry fetch. npm's nodedir
# setting points node-gyp at local Node headers, so it does not download them.
# Without that setting the script uses the prefix of the node binary.
npm_root=$(npm root -g)
node_gyp="$npm_root/npm/node_modules/node-gyp/bin/node-gyp.js"
[ -f "$node_gyp" ] || fail "node-gyp not found at $node_gyp (it ships with npm); reinstall npm."
nodedir=$(npm config get nodedir)
if [ -z "$nodedir" ] || [ "$nodedir" = undefined ] || [ "$nodedir" = null ]; then
  nodedir=$(dirname "$(dirname "$(command -v node)")")
fi
[ -f "$nodedir/include/node/node.h" ] ||
  fail "Node headers not found at $nodedir/include/node/node.h; set npm's nodedir to the folder that contains include/node."

# Build in a staging folder and rename it at the end, so an interrupted run
# never leaves an install that looks finished.
staging_dir="$install_dir.partial"
rm -rf "$staging_dir" "$install_dir"
mkdir -p "$staging_dir"
staged_package="$staging_dir/node_modules/code-server"

log "installing code-server@$CODE_SERVER_VERSION from npm into $staging_dir"
npm install --prefix "$staging_dir" --no-save --no-audit --no-fund --ignore-scripts \
  --loglevel=error "code-server@$CODE_SERVER_VERSION" >&2

log "installing VS Code's dependencies in lib/vscode"
(cd "$staged_package/lib/vscode" &&
  npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
log "installing built-in extensions' dependencies in lib/vscode/extensions"
(cd "$staged_package/lib/vscode/extensions" &&
  npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2 &&
  node ./postinstall.mjs >/dev/null)

# Usage: build_native_module DIR [GYP_VARIABLE=VALUE...]
build_native_module() {
  local module_dir=$1
  shift
  log "building native module ${module_dir#"$staging_dir"/}"
  (cd "$module_dir" &&
    node "$node_gyp" rebuild --nodedir="$nodedir" --jobs=max --loglevel=error "$@" >&2) ||
    fail "node-gyp failed to build $module_dir (see the output above)."
}

# argon2 is code-server's own dependency (password hashing), which npm hoists
# next to code-server. --auth none never calls it, but code-server loads it at
# startup. argon2 0.31 loads its addon through @mapbox/node-pre-gyp from
# lib/binding/napi-v3. So node-gyp gets the variables that node-pre-gyp would
# pass, with the values from the "binary" field of argon2's package.json.
argon2_dir=$(node -p 'require("path").dirname(require.resolve("argon2/package.json", { paths: [process.argv[1]] }))' "$staged_package")
build_native_module "$argon2_dir" --module_name=argon2 --module_path="$argon2_dir/lib/binding/napi-v3" \
  --napi_build_version=3

# Every package with a binding.gyp directly under lib/vscode/node_modules is a
# native module. The Windows-only ones are skipped: they do not build on Linux
# and VS Code loads them only on Windows.
vscode_modules="$staged_package/lib/vscode/node_modules"
native_modules=()
while IFS= read -r gyp_file; do
  module_name=$(dirname "${gyp_file#./}")
  case "$module_name" in
  @vscode/windows-*) continue ;;
  esac
  native_modules+=("$module_name")
done < <(cd "$vscode_modules" && find . -mindepth 2 -maxdepth 3 -name binding.gyp | sort)
[ ${#native_modules[@]} -gt 0 ] || fail "found no native modules under $vscode_modules; the npm install above did not finish."
for module_name in "${native_modules[@]}"; do
  build_native_module "$vscode_modules/$module_name"
done

log "checking that the native modules load: ${native_modules[*]}"
(cd "$staged_package/lib/vscode" &&
  node -e 'for (const name of process.argv.slice(1)) require(name)' "${native_modules[@]}") ||
  fail "a native module built above does not load (see the error above)."

log "linking Debian's ripgrep in place of @vscode/ripgrep's download"
rg_bin_dir="$staged_package/lib/vscode/node_modules/@vscode/ripgrep/bin"
mkdir -p "$rg_bin_dir"
ln -sfn "$(command -v rg)" "$rg_bin_dir/rg"

# The symlinks that code-server's postinstall.sh creates.
(cd "$staged_package/lib/vscode" && ln -sfn node_modules node_modules.asar)
(cd "$staged_package/lib/vscode/bin/remote-cli" && ln -sfn code-linux.sh code-server)
(cd "$staged_package/lib/vscode/bin/helpers" && ln -sfn browser-linux.sh browser.sh)

# A launcher with an absolute node path, so the binary works without the
# prefix's node_modules/.bin on PATH. It refers to the final folder, which
# exists once the rename below has run.
mkdir -p "$staging_dir/bin"
cat >"$staging_dir/bin/code-server" <<EOF
#!/bin/sh
exec "$(command -v node)" "$binary" "\$@"
EOF
chmod +x "$staging_dir/bin/code-server"

mv "$staging_dir" "$install_dir"

log "checking that code-server starts"
# Without a config file code-server writes one to ~/.config/code-server, and it
# writes logs under $XDG_DATA_HOME/code-server, so the check points both into
# the install folder to leave the home folder untouched.
check_dir="$install_dir/version-check"
mkdir -p "$check_dir"
: >"$check_dir/config.yaml"
version_output=$(XDG_DATA_HOME="$check_dir" XDG_CONFIG_HOME="$check_dir" \
  "$launcher" --config "$check_dir/config.yaml" --version) || fail "$launcher --version failed."
case "$version_output" in
"$CODE_SERVER_VERSION"*) ;;
*) fail "$launcher --version printed '$version_output', expected $CODE_SERVER_VERSION." ;;
esac

date -u +%Y-%m-%dT%H:%M:%SZ >"$ready_marker"
log "installed code-server $CODE_SERVER_VERSION in $install_dir"
printf '%s\n' "$launcher"
