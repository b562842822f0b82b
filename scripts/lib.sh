# Shared by scripts/run and scripts/test: finds or installs every tool the
# build needs, from the package registries only, and builds the app.
# Sourced, not run.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Tools installed outside the clone, so every clone on this machine reuses them.
TOOLS="${BARAZA_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/baraza-tools}"
TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132
# Cuts a bundle's `#[lazy]` functions into files of their own (scripts/split.mjs).
WASM_SPLIT_VERSION=0.2.4
ESBUILD_VERSION=0.25.12
TWIGGY_VERSION=0.8.0
CARGO_FUZZ_VERSION=0.13.2
# The Python packages of the tests (tests/requirements.txt) live here, outside
# the clone, so every clone on this machine reuses them.
PYTHON_VENV="${BARAZA_PYTHON_VENV:-$TOOLS/python-venv}"

export PATH="$HOME/.cargo/bin:$TOOLS/node_modules/.bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true

# Panic messages in the wasm name the source file they come from. Crates from
# the registry are named from their own folder (`tachys-0.2.19/src/…`), not
# from this machine's cargo home: the same build on every machine, and shorter
# names in every citizen's download. Only the wasm target: native builds and
# their backtraces keep full paths.
wasm_rustflags=""
for registry in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/; do
  case "$registry" in *" "*) continue ;; esac
  wasm_rustflags+=" --remap-path-prefix=$registry="
done
# Leptos's `erase_components`: each reactive child of a view shares one type
# instead of one per closure, so its rendering code is compiled once per
# output type, not once per call site. 13 KB brotli less on a consultation's
# first load (174.7 -> 161.3 KB of wasm), measured with scripts/wasm-size.
wasm_rustflags+=" --cfg erase_components"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="${wasm_rustflags# }"
unset wasm_rustflags

step() { printf '\n==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_trunk() {
  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    step "installing trunk $TRUNK_VERSION (compiles once, about 15 CPU-minutes)"
    # --locked: trunk's own lockfile pins CSS crates that build together.
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
}

# Trunk only uses a wasm-bindgen CLI whose version equals Cargo.lock's exactly;
# otherwise it tries to download one, which cannot work here.
ensure_wasm_bindgen() {
  local wanted
  wanted=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wanted" ]; then
    step "installing wasm-bindgen-cli $wanted"
    # Not --locked: its lockfile pins a crate version the registry no longer has.
    cargo install wasm-bindgen-cli --version "$wanted"
  fi
}

# wasm-split-cli, of the same line as the wasm_split_helpers that Leptos's
# `#[lazy]` compiles in (0.2): both sides agree on how a split is marked.
ensure_wasm_split() {
  if ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
    step "installing wasm-split-cli $WASM_SPLIT_VERSION"
    cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --locked --features build-binary
  fi
}

# Debian's binaryen 108 builds a wasm that dies in the browser; only 132 is trusted.
ensure_wasm_opt() {
  if ! wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
    step "installing binaryen $BINARYEN_VERSION (wasm-opt) into $TOOLS"
    mkdir -p "$TOOLS"
    npm install --prefix "$TOOLS" --no-audit --no-fund "binaryen@$BINARYEN_VERSION"
  fi
  wasm-opt --version | grep -q "version $BINARYEN_VERSION"
}

# esbuild minifies the JavaScript wasm-bindgen writes, which trunk leaves as is.
ensure_esbuild() {
  if [ "$(esbuild --version 2>/dev/null)" != "$ESBUILD_VERSION" ]; then
    step "installing esbuild $ESBUILD_VERSION into $TOOLS"
    mkdir -p "$TOOLS"
    npm install --prefix "$TOOLS" --no-audit --no-fund "esbuild@$ESBUILD_VERSION"
  fi
  [ "$(esbuild --version)" = "$ESBUILD_VERSION" ]
}

# twiggy tells what each function and crate weighs in a wasm (scripts/wasm-size).
ensure_twiggy() {
  # It names itself twiggy-opt.
  if [ "$(twiggy --version 2>/dev/null)" != "twiggy-opt $TWIGGY_VERSION" ]; then
    step "installing twiggy $TWIGGY_VERSION"
    cargo install twiggy --version "$TWIGGY_VERSION" --locked
  fi
}

# cargo-fuzz drives the fuzz targets in fuzz/ (libFuzzer), which need the
# nightly toolchain this kind of machine has beside stable; the product
# itself builds on stable.
ensure_cargo_fuzz() {
  if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "the fuzz targets need the nightly Rust toolchain (cargo +nightly); it is not installed" >&2
    return 1
  fi
  if [ "$(cargo +nightly fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
    step "installing cargo-fuzz $CARGO_FUZZ_VERSION"
    cargo +nightly install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
  fi
}

# Runs one fuzz target of fuzz/ with its seeds, passing libFuzzer the
# options given (-runs=N, -max_total_time=S). What it finds is written to
# fuzz/artifacts/<target>/, and the run fails.
fuzz_target() {
  local target=$1
  shift
  local seeds=() options=()
  case $target in
    definition) seeds=("$ROOT/demo/consultations"); options=(-dict="$ROOT/fuzz/json.dict") ;;
    sync) seeds=("$ROOT/fuzz/seeds/sync"); options=(-dict="$ROOT/fuzz/json.dict") ;;
  esac
  mkdir -p "$ROOT/fuzz/corpus/$target"
  (cd "$ROOT/fuzz" &&
    cargo +nightly fuzz run "$target" "$ROOT/fuzz/corpus/$target" "${seeds[@]}" -- "${options[@]}" "$@")
}

ensure_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    step "installing Chromium from Debian"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
  fi
}

# The newest PostgreSQL server programs Debian installed, installing them
# first if there are none.
postgres_bin() {
  local initdb
  initdb=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$initdb" ]; then
    step "installing PostgreSQL from Debian"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
    initdb=$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)
  fi
  dirname "$initdb"
}

# Starts a throwaway PostgreSQL cluster in a temporary folder, on a free
# loopback port, with the server settings given (`-c name=value` …); exports
# its URL as POSTGRES_URL and stops it and removes the folder when the
# script exits. PostgreSQL refuses to run as root, so as root the cluster
# runs as the `postgres` user.
start_postgres() {
  local settings=$1 bin folder as port
  bin=$(postgres_bin)
  folder=$(mktemp -d "${TMPDIR:-/tmp}/baraza-postgres.XXXXXX")
  as=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$folder"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$bin/initdb" --pgdata "$folder/data" --username postgres --auth trust --no-sync >/dev/null
  POSTGRES_STOP=("${as[@]}" "$bin/pg_ctl" --pgdata "$folder/data" --mode immediate --silent stop)
  POSTGRES_FOLDER=$folder
  trap stop_test_postgres EXIT
  # A port that another program holds makes the start fail: try another.
  for _ in $(seq 1 20); do
    port=$((20000 + RANDOM % 40000))
    if "${as[@]}" "$bin/pg_ctl" --pgdata "$folder/data" --log "$folder/log" --wait --silent start \
      --options "-c listen_addresses=127.0.0.1 -p $port -k $folder -c max_connections=400 $settings"; then
      POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
      return
    fi
  done
  cat "$folder/log" >&2
  return 1
}

# A cluster for the server tests, as BARAZA_TEST_POSTGRES. It is made for
# speed, not for keeping data: no flush to disk (the tests stop the server,
# never the database's machine).
start_test_postgres() {
  start_postgres "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  export BARAZA_TEST_POSTGRES=$POSTGRES_URL
  echo "PostgreSQL for the tests: $BARAZA_TEST_POSTGRES"
}

stop_test_postgres() {
  "${POSTGRES_STOP[@]}" || true
  rm -rf "$POSTGRES_FOLDER"
}

ensure_node_packages() {
  if [ ! -d "$ROOT/tests/node_modules/playwright-core" ] ||
     [ "$ROOT/tests/package-lock.json" -nt "$ROOT/tests/node_modules/.package-lock.json" ]; then
    step "installing the browser test packages"
    (cd "$ROOT/tests" && npm ci --no-audit --no-fund)
  fi
}

# A Python virtual environment with the packages pinned in
# tests/requirements.txt, from the Python package index. Made once; installed
# into again only when that file has changed since (a copy is kept in it).
ensure_python_venv() {
  local requirements="$ROOT/tests/requirements.txt"
  local installed="$PYTHON_VENV/baraza-requirements.txt"
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    step "installing Python's venv module from Debian"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv
  fi
  if [ ! -x "$PYTHON_VENV/bin/python" ]; then
    step "making a Python virtual environment in $PYTHON_VENV"
    python3 -m venv "$PYTHON_VENV"
  fi
  if ! cmp -s "$requirements" "$installed"; then
    step "installing the Python test packages into $PYTHON_VENV"
    "$PYTHON_VENV/bin/pip" install --quiet --disable-pip-version-check --requirement "$requirements"
    cp "$requirements" "$installed"
  fi
}

# Writes the page `$3` for trunk to build the bin `$2` from: the page `$1`
# with that bin, and without the files only `$1` copies into the build (the
# service worker, manifest and icons, once for the whole side) nor the
# keeper of the browser's install offer, which only the home screen uses. A consultation's
# page and the citizen's later screens have the citizen page's head, the
# staff's later screens the staff page's: written from them (and ignored by
# git) rather than kept twice.
write_bundle_page() {
  sed -e '/data-trunk rel="copy-/d' -e '/href="public\/install.js"/d' -e "s/data-bin=\"[^\"]*\"/data-bin=\"$2\"/" "$ROOT/$1" > "$ROOT/$3"
  grep -q "data-bin=\"$2\"" "$ROOT/$3"
}

# Builds the citizen app into dist/ (a consultation's page into
# dist/consultation/, its later screens into dist/later/) and
# the staff side into dist/staff/ (its later screens into dist/staff/later/,
# the editor into dist/staff/editor/, the clerks' screen into dist/staff/clerk/)
# exactly as they are served, then prints what each side's first load and
# each later part weigh (scripts/dist-size.mjs).
build_app() {
  ensure_wasm_target
  ensure_trunk
  ensure_wasm_bindgen
  ensure_wasm_opt
  ensure_wasm_split
  ensure_esbuild
  step "building the app (release) into dist/, dist/consultation/, dist/later/, dist/staff/, dist/staff/later/, dist/staff/editor/ and dist/staff/clerk/"
  write_bundle_page index.html baraza-consultation consultation.html
  write_bundle_page index.html baraza-later later.html
  write_bundle_page staff.html baraza-staff-later staff-later.html
  write_bundle_page staff.html baraza-editor staff-editor.html
  write_bundle_page staff.html baraza-clerk clerk.html
  # A build replaces its folder as a whole, so the pages inside it come after.
  (cd "$ROOT" && cargo fetch --quiet && trunk build --release &&
    trunk build --release true --dist dist/consultation --public-url /consultation/ consultation.html &&
    trunk build --release true --dist dist/later --public-url /later/ later.html &&
    trunk build --release true --dist dist/staff --public-url /staff/ staff.html &&
    trunk build --release true --dist dist/staff/later --public-url /staff/later/ staff-later.html &&
    trunk build --release true --dist dist/staff/editor --public-url /staff/editor/ staff-editor.html &&
    trunk build --release true --dist dist/staff/clerk --public-url /staff/clerk/ clerk.html)
  # The service worker lists the files of every citizen page, so it is
  # written once they are all built; the staff page prefetches its later
  # screens' files, once those are built.
  node "$ROOT/scripts/precache.mjs" "$ROOT/dist"
  node "$ROOT/scripts/prefetch.mjs" "$ROOT/dist" staff/index.html staff/later/index.html
  node "$ROOT/scripts/dist-size.mjs" "$ROOT/dist"
}
