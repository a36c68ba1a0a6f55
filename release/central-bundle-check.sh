#!/usr/bin/env bash
# The bundle a release hands to Maven Central's Publisher Portal, built here as the release would build
# it, but without uploading it, without the releaser's key and without a Portal token, then checked
# against the Portal's rules that can be checked without the Portal.
#
# 1. Copies the tree (the files git tracks or would track, no target/) to a temporary folder and sets
#    the version of every POM there from X-SNAPSHOT to X, as the release commit does (a snapshot never
#    goes into a bundle: central-publishing-maven-plugin defers snapshots to the snapshot repository).
# 2. Signs with a throwaway GnuPG key made for this run in the temporary folder (never the user's
#    keyring), or with no key at all when gpg is missing or --unsigned is given.
# 3. Runs, in that copy:
#      ./mvnw -B -Prelease -DskipUpload -DskipTests -Dmaven.install.skip=true deploy
#    The release profile's central-publishing-maven-plugin replaces deploy: every module's files are
#    staged, checksummed (md5, sha1, sha256, sha512) and zipped into target/central-publishing/
#    central-bundle.zip; -DskipUpload stops it before it contacts the Portal.
# 4. Checks the bundle: exactly the published components (skrl4j-parent, skrl4j-bom and every artifact
#    the BOM manages; not sample-app or benchmarks), each with its POM and, for jar modules, the jar,
#    -sources.jar and -javadoc.jar; every file with correct .md5 and .sha1 checksums and a .asc
#    signature that verifies (unless unsigned); every POM free of SNAPSHOT versions and carrying (or
#    inheriting from the parent in the bundle) name, description, url, licenses, developers and scm.
#
# What it cannot check: the Portal's own validation after an upload (namespace io.github.skrl4j
# verified for the account, the public key on a key server), which only a real deployment reaches.
#
#   release/central-bundle-check.sh                   signed with a throwaway key when gpg exists
#   release/central-bundle-check.sh --unsigned        -Dgpg.skip; the signature checks are left out
#   release/central-bundle-check.sh --bundle FILE     no build: checks FILE (a .asc must be there for
#                                                     every file, but cannot be verified without its key)
#   SKRL4J_BUNDLE_OUT=FILE release/central-bundle-check.sh   keeps a copy of the bundle it built
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fail() { echo "central-bundle-check: FAILED: $*" >&2; exit 1; }
started=$SECONDS
snapshot=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$root/skrl4j-bom/pom.xml" | head -1)
[[ "$snapshot" == *-SNAPSHOT ]] || fail "the project's version $snapshot is not a snapshot: release it with the release profile itself"
release=${snapshot%-SNAPSHOT}
# signatures: verify (made here with the throwaway key), present (--bundle: only their presence), none
signatures=verify
bundle=""
while (($# > 0)); do
  case "$1" in
    --unsigned) signatures=none ;;
    --bundle) bundle=$(readlink -f "${2:?--bundle needs a file}"); shift
      [[ "$signatures" == none ]] || signatures=present ;;
    *) fail "unknown argument $1" ;;
  esac
  shift
done
if [[ -z "$bundle" && "$signatures" == verify ]] && ! command -v gpg >/dev/null 2>&1; then signatures=none; fi

work=$(mktemp -d)
# the gpg-agent that signing starts for the throwaway keyring ends with it
cleanup() {
  if [[ -d "$work/gnupg" ]]; then GNUPGHOME="$work/gnupg" gpgconf --kill gpg-agent 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
if [[ -z "$bundle" ]]; then
  tree="$work/tree"
  mkdir -p "$tree"
  (cd "$root" && git ls-files -z --cached --others --exclude-standard | tar --null -T - --ignore-failed-read -cf - 2>/dev/null) \
    | tar -xf - -C "$tree"
  poms=$(cd "$tree" && find . -name pom.xml -not -path './release/*' | sort)
  for pom in $poms; do sed -i "s:<version>$snapshot</version>:<version>$release</version>:g" "$tree/$pom"; done
  if (cd "$tree" && grep -l -- "$snapshot" $poms); then fail "the POMs above still name $snapshot"; fi

  maven_args=(-B -q -Prelease -DskipUpload -DskipTests -Dmaven.install.skip=true)
  if [[ "$signatures" == verify ]]; then
    export GNUPGHOME="$work/gnupg"
    mkdir -m 700 "$GNUPGHOME"
    gpg --batch --quiet --passphrase '' --quick-generate-key 'skrl4j bundle check <bundle-check@invalid>' ed25519 sign 1d
  else
    maven_args+=(-Dgpg.skip)
    echo "central-bundle-check: UNSIGNED run (--unsigned or no gpg): the bundle has no .asc files, which the Portal refuses"
  fi
  (cd "$tree" && ./mvnw "${maven_args[@]}" deploy) || fail "the release build failed"

  bundle="$tree/target/central-publishing/central-bundle.zip"
  [[ -s "$bundle" ]] || fail "no bundle at target/central-publishing/central-bundle.zip"
  [[ -z "${SKRL4J_BUNDLE_OUT:-}" ]] || cp "$bundle" "$SKRL4J_BUNDLE_OUT"
fi
[[ -s "$bundle" ]] || fail "no bundle $bundle"
unzip -q "$bundle" -d "$work/bundle"
group_dir="$work/bundle/io/github/skrl4j"

# the components: the parent, the BOM and what the BOM manages, nothing else
managed=$(sed -n '/<dependencyManagement>/,/<\/dependencyManagement>/s:.*<artifactId>\(.*\)</artifactId>.*:\1:p' \
  "$root/skrl4j-bom/pom.xml")
expected=$(printf '%s\n' $managed skrl4j-parent skrl4j-bom | sort -u)
actual=$(cd "$work/bundle" && find . -type f -name '*.pom' | sed -E 's:^\./::' | sort)
found=$(ls "$group_dir" | sort)
[[ "$found" == "$expected" ]] || fail "the bundle holds [$(paste -sd ' ' <<<"$found")], expected [$(paste -sd ' ' <<<"$expected")]"
[[ "$(find "$work/bundle" -mindepth 1 -maxdepth 1 | wc -l)" == 1 ]] || fail "the bundle holds files outside io/github/skrl4j: $actual"

files=0
for artifact in $expected; do
  dir="$group_dir/$artifact/$release"
  [[ -d "$dir" ]] || fail "$artifact has no $release folder in the bundle"
  pom="$dir/$artifact-$release.pom"
  [[ -s "$pom" ]] || fail "$artifact: no POM"
  if grep -q -- '-SNAPSHOT' "$pom"; then fail "$artifact's POM names a snapshot: $(grep -- '-SNAPSHOT' "$pom")"; fi
  for element in '<name>' '<description>' '<url>' '<licenses>' '<developers>' '<scm>'; do
    # a module inherits what it lacks from skrl4j-parent, which is in the bundle and checked as well
    grep -q "$element" "$pom" || grep -q "<artifactId>skrl4j-parent</artifactId>" "$pom" \
      || fail "$artifact's POM lacks $element and has no parent to inherit it from"
  done
  packaging=$(sed -n 's:^  <packaging>\(.*\)</packaging>$:\1:p' "$pom")
  if [[ "${packaging:-jar}" == jar || "$artifact" == skrl4j-bom ]]; then
    classifiers=(-sources.jar -javadoc.jar)
    [[ "${packaging:-jar}" == jar ]] && classifiers+=(.jar)
    for classifier in "${classifiers[@]}"; do
      jar="$dir/$artifact-$release$classifier"
      [[ -s "$jar" ]] || fail "$artifact: no $(basename "$jar")"
      unzip -tq "$jar" >/dev/null || fail "$(basename "$jar") is not a valid jar"
    done
  fi
  for file in "$dir"/*; do
    case "$file" in *.md5|*.sha1|*.sha256|*.sha512|*.asc|*/maven-metadata*) continue ;; esac
    files=$((files + 1))
    [[ "$(cat "$file.md5" 2>/dev/null)" == "$(md5sum <"$file" | cut -d' ' -f1)" ]] || fail "$(basename "$file"): .md5 missing or wrong"
    [[ "$(cat "$file.sha1" 2>/dev/null)" == "$(sha1sum <"$file" | cut -d' ' -f1)" ]] || fail "$(basename "$file"): .sha1 missing or wrong"
    if [[ "$signatures" != none ]]; then
      [[ -s "$file.asc" ]] || fail "$(basename "$file"): no .asc signature"
    fi
    if [[ "$signatures" == verify ]]; then
      gpg --batch --quiet --verify "$file.asc" "$file" 2>/dev/null || fail "$(basename "$file").asc does not verify"
    fi
  done
done
case "$signatures" in
  verify) checked="checksums and verified signatures" ;;
  present) checked="checksums and signatures (present; not verified without their key)" ;;
  none) checked="checksums (UNSIGNED)" ;;
esac
echo "central-bundle-check: $(basename "$bundle") of $release holds $(wc -w <<<"$expected") components, $files files with their $checked, POMs complete; passed in $((SECONDS - started)) s"
