#!/usr/bin/env bash
# Proof as a consumer. Deploys the published modules (the parent POM, adam-core, adam-distributed, the starter,
# adam-kotlin, adam-hazelcast, the BOM) to a file repository in target/staging, checks each published module's files there (jar, sources,
# javadoc, POM; the module name the JVM derives), then builds and runs, in a temporary folder with an
# EMPTY local Maven repository, the Spring Boot application in release/consumer: it names only
# skrl4j-bom and adam-spring-boot-starter and takes them from target/staging, so nothing of skrl4j can
# come from the reactor or from ~/.m2. Third-party artifacts come from Maven Central.
#
#   release/consumer-check.sh              deploy, then check
#   release/consumer-check.sh --no-deploy  check what target/staging already holds
#
# SKRL4J_CONSUMER_REPO=<dir> keeps the consumer's local repository there between runs (skrl4j's own
# artifacts are deleted from it before each run), so that Central is asked only once.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
staging="$root/target/staging"
# the project's version: the first <version> of the BOM, which has no parent
version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$root/skrl4j-bom/pom.xml" | head -1)
fail() { echo "consumer-check: FAILED: $*" >&2; exit 1; }
started=$SECONDS

if [[ "${1:-}" != "--no-deploy" ]]; then
  rm -rf "$staging"
  # maven.install.skip: the deploy phase would otherwise also install into ~/.m2
  "$root/mvnw" -B -q -f "$root/pom.xml" -pl skrl4j-bom,adam-spring-boot-starter,adam-kotlin,adam-hazelcast -am -DskipTests \
    -Dmaven.install.skip=true -DaltDeploymentRepository="staging::file://$staging" deploy
fi

# what a repository manager and an IDE look for, for each published module
java_home_bin=$(dirname "$(readlink -f "$(command -v java)")")
for module in adam-core adam-distributed adam-spring-boot-starter adam-kotlin adam-hazelcast skrl4j-bom; do
  dir="$staging/io/github/skrl4j/$module/$version"
  [[ -d "$dir" ]] || fail "$module $version was not deployed to $staging"
  base=$(ls "$dir"/"$module"-*.pom | sort | tail -1)
  base=${base%.pom}
  for classifier in -sources.jar -javadoc.jar .pom; do
    [[ -s "$base$classifier" ]] || fail "$module: no $(basename "$base$classifier")"
  done
  if [[ "$module" != skrl4j-bom ]]; then
    [[ -s "$base.jar" ]] || fail "$module: no $(basename "$base.jar")"
    for jar in "$base.jar" "$base-sources.jar" "$base-javadoc.jar"; do
      entries=$("$java_home_bin/jar" --list --file "$jar")
      grep -qx META-INF/LICENSE <<<"$entries" && grep -qx META-INF/NOTICE <<<"$entries" \
        || fail "$(basename "$jar") lacks META-INF/LICENSE or META-INF/NOTICE"
    done
    # API docs, not an empty jar: javadoc's and Dokka's pages both start at index.html
    grep -qx index.html <<<"$("$java_home_bin/jar" --list --file "$base-javadoc.jar")" \
      || fail "$(basename "$base-javadoc.jar") holds no API docs (no index.html)"
    # the name the JVM gives the jar on the module path (module-info or Automatic-Module-Name)
    case "$module" in
      adam-core) expected=io.github.skrl4j.adam ;;
      adam-distributed) expected=io.github.skrl4j.adam.distributed ;;
      adam-spring-boot-starter) expected=io.github.skrl4j.adam.spring ;;
      adam-hazelcast) expected=io.github.skrl4j.adam.hazelcast ;;
      adam-kotlin) expected=io.github.skrl4j.adam.kotlin
        grep -q '^io/github/skrl4j/adam/kotlin/.*\.kt$' <<<"$("$java_home_bin/jar" --list --file "$base-sources.jar")" \
          || fail "$(basename "$base-sources.jar") holds no Kotlin sources" ;;
    esac
    # adam-core and adam-distributed carry a module-info that exports no internal package; the others are automatic
    case "$module" in adam-core|adam-distributed) kind='jar:file:.*!/module-info\.class' ;; *) kind=automatic ;; esac
    description=$("$java_home_bin/jar" --describe-module --file "$base.jar")
    grep -Eq "^$expected(@[^ ]+)? $kind$" <<<"$description" && ! grep -q '^exports .*\.internal' <<<"$description" \
      || fail "$module's jar is not the module $expected ($kind) or exports an internal package"
  fi
done
parent=$(ls "$staging"/io/github/skrl4j/skrl4j-parent/"$version"/*.pom | sort | tail -1)
for element in '<licenses>' '<scm' '<url>https://github.com/skrl4j/skrl4j</url>' '<developers>'; do
  grep -q "$element" "$parent" || fail "the parent POM lacks $element"
  grep -q "$element" "$staging"/io/github/skrl4j/skrl4j-bom/"$version"/*.pom || fail "the BOM lacks $element"
done
echo "consumer-check: target/staging holds jar, sources, javadoc and POM of adam-core, adam-distributed, the starter, adam-kotlin, adam-hazelcast and the BOM"

# the consumer, in a temporary folder, with its own Maven wrapper and local repository
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$root/release/consumer" "$work/consumer"
mkdir -p "$work/consumer/.mvn/wrapper"
cp "$root/mvnw" "$work/consumer/"
cp "$root/.mvn/wrapper/maven-wrapper.properties" "$work/consumer/.mvn/wrapper/"
repo=${SKRL4J_CONSUMER_REPO:-$work/repository}
mkdir -p "$repo"
rm -rf "$repo/io/github/skrl4j"
(cd "$work/consumer" && ./mvnw -B -q -Dmaven.repo.local="$repo" -Dskrl4j.version="$version" \
  -Dskrl4j.staging="file://$staging" package)

# every skrl4j artifact the consumer resolved came from the staging repository
resolved=$(find "$repo/io/github/skrl4j" -name '_remote.repositories' -exec cat {} + | grep -v '^#' || true)
[[ -n "$resolved" ]] || fail "the consumer resolved no skrl4j artifact"
if grep -v '>skrl4j-staging=$' <<<"$resolved"; then fail "skrl4j artifacts above came from elsewhere"; fi

java -jar "$work/consumer/target/consumer.jar" || fail "the consumer application failed"
echo "consumer-check: passed in $((SECONDS - started)) s"
