#!/usr/bin/env bash
# Runs the rule tests against ESLint 9 (the peer range is ^9.15 || ^10; the main install has ESLint 10).
#
# The project's sources, tests and lock file are copied into .eslint9/ (git-ignored), which gets its own
# node_modules where eslint is 9.x; the main node_modules and package-lock.json are never touched. A copy
# rather than NODE_PATH or symlinks: Node resolves ESM imports and symlinked packages from their real
# location, so @typescript-eslint/rule-tester would still find the main ESLint 10.
#
#   bash scripts/test-eslint9.sh            # ESLint 9.39.5
#   ESLINT9_VERSION=9.15.0 bash scripts/test-eslint9.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
VERSION="${ESLINT9_VERSION:-9.39.5}"
DIR="$ROOT/.eslint9"

mkdir -p "$DIR"
rm -rf "$DIR/src" "$DIR/test"
cp -R src test "$DIR/"
cp package.json package-lock.json vitest.config.ts tsconfig.json tsconfig.build.json "$DIR/"

# Reinstall only when the lock file or the wanted ESLint changed since the last run.
STAMP="$VERSION $(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat "$DIR/.installed" 2>/dev/null)" != "$STAMP" ]; then
  echo "test-eslint9: installing eslint@$VERSION into .eslint9/node_modules"
  rm -rf "$DIR/node_modules" "$DIR/.installed"
  if [ -d node_modules ]; then
    cp -a node_modules "$DIR/node_modules" # same tree as `npm ci` made, without the download
  else
    (cd "$DIR" && npm ci --no-audit --no-fund --ignore-scripts)
  fi
  # --legacy-peer-deps: @eslint/js 10 (for the repo's own eslint.config.js) declares an optional peer on
  # ESLint 10, which the rule tests never load.
  (cd "$DIR" && npm install --no-save --no-audit --no-fund --ignore-scripts --legacy-peer-deps "eslint@$VERSION")
  echo "$STAMP" > "$DIR/.installed"
fi

cd "$DIR"
# The ESLint that the rule tests get is the one @typescript-eslint/rule-tester resolves.
LOADED="$(node -e "
  const { createRequire } = require('node:module');
  const fromRuleTester = createRequire(require.resolve('@typescript-eslint/rule-tester'));
  process.stdout.write(fromRuleTester('eslint/package.json').version);
")"
echo "test-eslint9: @typescript-eslint/rule-tester loads eslint $LOADED"
if [ "$LOADED" != "$VERSION" ]; then
  echo "test-eslint9: expected eslint $VERSION" >&2
  exit 1
fi

# SLEEPLESS_SUMMARY_FILE belongs to the main test run (.ci/run prints it last); do not overwrite it.
env -u SLEEPLESS_SUMMARY_FILE SLEEPLESS_EXPECT_ESLINT_VERSION="$VERSION" \
  npx vitest run test/rules test/eslint-version.test.ts
