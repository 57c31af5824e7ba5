#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The m365sync authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# One entry point for newcomers and CI on Debian 12:
#   scripts/dev.sh demo   install what is missing, build, start the app on the sandbox tenant
#   scripts/dev.sh test   install what is missing, build (GUI and no-GUI), run every test, then fuzz every parser
#                         of outside data for M365_FUZZ_SECONDS each (default 60) under ASan and UBSan
#   scripts/dev.sh deps   only install the packages
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

PACKAGES=(cmake ninja-build g++ pkg-config ccache openssl libssl-dev
    qt6-base-dev qt6-networkauth-dev qt6-httpserver-dev qt6-websockets-dev
    libqt6sql6-sqlite qtkeychain-qt6-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    qt6-translations-l10n libldap-dev slapd ldap-utils
    samba samba-ad-dc samba-ad-provision winbind
    gnome-keyring libsecret-1-0 dbus-daemon dbus-x11 fonts-dejavu-core xvfb xauth clang-format
    clang libclang-rt-14-dev llvm-14)

install_deps() {
    local missing=()
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        return
    fi
    echo "Installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # No system slapd and no default database: the tests start their own on loopback.
    echo 'slapd slapd/no_configuration boolean true' | $SUDO debconf-set-selections
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
}

build() {
    local preset=$1
    shift
    export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
    cmake --preset "$preset" >/dev/null
    if [ $# -gt 0 ]; then
        cmake --build --preset "$preset" -j"$(nproc)" --target "$@"
    else
        cmake --build --preset "$preset" -j"$(nproc)"
    fi
}

check_format() {
    local files
    files=$(git ls-files '*.cpp' '*.h' 2>/dev/null || find core sandbox models widgets wizard app cli tests bench -name '*.cpp' -o -name '*.h')
    if [ -n "$files" ]; then
        echo "$files" | xargs clang-format --dry-run -Werror
    fi
    # Translatable strings use the ellipsis character, never three dots.
    if git grep -nE 'tr\("[^"]*\.\.\.' -- '*.cpp' '*.h' 2>/dev/null; then
        echo 'Translatable strings must use "…" instead of "...".' >&2
        return 1
    fi
}

# Tests need a D-Bus session with an unlocked Secret Service (gnome-keyring) for QtKeychain.
run_ctest() {
    local preset=$1
    dbus-run-session -- bash -c '
        export HOME=$(mktemp -d)
        echo m365sync | gnome-keyring-daemon --unlock --components=secrets >/dev/null
        ctest --preset "$1" -j2
    ' bash "$preset"
}

case "${1:-}" in
deps)
    install_deps
    ;;
test)
    install_deps
    check_format
    build ci
    run_ctest ci
    build ci-nogui
    run_ctest ci-nogui
    # libFuzzer with clang: the parsers of outside data (tests/fuzz), each for a bounded time.
    build fuzz
    ctest --preset fuzz -j2
    ;;
demo)
    install_deps
    build dev m365sync m365sync-cli m365sim
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
        exec ./build/dev/app/m365sync
    else
        echo "No display found: showing the sandbox tenant on the command line instead."
        exec ./build/dev/cli/m365sync-cli status --sandbox
    fi
    ;;
*)
    echo "usage: $0 demo|test|deps" >&2
    exit 2
    ;;
esac
