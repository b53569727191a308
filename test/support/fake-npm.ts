// npm as far as a build of this checkout needs it (scripts/action/install.sh, the pre-commit hook),
// following npm's documented rules for the settings a CI job or a hardened ~/.npmrc brings: `omit`
// defaults to dev when NODE_ENV=production ("tsc: not found" in the prepare script), --include wins
// over omit, ignore-scripts skips lifecycle scripts (prepare) but not `npm run <name>`. Both
// failures were seen with the real npm 11 on a fresh clone. `ci` links node_modules to
// $REAL_NODE_MODULES and marks .fake-npm-dev when the devDependencies are in; the build copies
// $BUILT_DIST to dist/. Each call is appended to $NPM_LOG.
export const FAKE_NPM = `#!/bin/sh
echo "npm $*" >>"$NPM_LOG"
dev=yes; scripts=yes; target=
[ "$NODE_ENV" = production ] && dev=no
case " $npm_config_omit " in *" dev "*) dev=no ;; esac
[ "$npm_config_ignore_scripts" = true ] && scripts=no
for a in "$@"; do
  case "$a" in --include=dev) dev=yes ;; --ignore-scripts) scripts=no ;; build) target=build ;; esac
done
build() {
  [ -f .fake-npm-dev ] || { echo "sh: 1: tsc: not found" >&2; exit 127; }
  cp -R "$BUILT_DIST" dist
}
case "$1" in
  ci) rm -rf node_modules .fake-npm-dev; ln -s "$REAL_NODE_MODULES" node_modules
      [ $dev = no ] || : >.fake-npm-dev
      [ $scripts = no ] || build ;;
  run) [ "$target" = build ] || exit 97; build ;;
  *) exit 97 ;;
esac
`;
