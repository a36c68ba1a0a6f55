#!/usr/bin/env bash
# Proof as a consumer. Deploys the published modules (the parent POM, adam-core, adam-distributed, the starter,
# adam-kotlin, adam-hazelcast, the BOM) to a file repository in target/staging, checks each published module's files there (jar, sources,
# javadoc, POM; the module name the JVM derives), then builds and runs, in a temporary folder with an
# EMPTY local Maven repository, the Spring Boot applications in release/consumer (Java: it names only
# skrl4j-bom and adam-spring-boot-starter) and release/kotlin-consumer (Kotlin, on Boot's managed
# Kotlin, then on the project's: the BOM, the starter and adam-kotlin). Both take skrl4j from
# target/staging, so nothing of skrl4j can come from the reactor or from ~/.m2. Third-party artifacts
# come from Maven Central.
#
#   release/consumer-check.sh              deploy, then check
#   release/consumer-check.sh --no-deploy  check what target/staging already holds
#
# It starts with release/docs-check.sh (the docs' version strings and the BOM jar's README against the POMs).
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

# the docs' version strings and the BOM jar's README against the POMs (seconds, no build)
"$root/release/docs-check.sh" || fail "the docs disagree with the POMs (above)"

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

# The consumers, each in a temporary folder with its own Maven wrapper and the local repository $repo
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
repo=${SKRL4J_CONSUMER_REPO:-$work/repository}
mkdir -p "$repo"

# build_consumer FOLDER [MAVEN ARGS...]: copies release/FOLDER, packages it against target/staging and
# checks that every skrl4j artifact it resolved came from there; the Boot jar is $work/FOLDER/target/FOLDER.jar
build_consumer() {
  local folder=$1; shift
  rm -rf "${work:?}/$folder"
  cp -r "$root/release/$folder" "$work/$folder"
  mkdir -p "$work/$folder/.mvn/wrapper"
  cp "$root/mvnw" "$work/$folder/"
  cp "$root/.mvn/wrapper/maven-wrapper.properties" "$work/$folder/.mvn/wrapper/"
  rm -rf "$repo/io/github/skrl4j"
  # kotlin.compiler.daemon=false: Kotlin compiles inside Maven, so no compile daemon outlives the
  # temporary folder (kotlin-maven-plugin starts one by default)
  (cd "$work/$folder" && ./mvnw -B -q -Dmaven.repo.local="$repo" -Dskrl4j.version="$version" \
    -Dskrl4j.staging="file://$staging" -Dkotlin.compiler.daemon=false "$@" package) || fail "$folder did not build ($*)"
  local resolved
  resolved=$(find "$repo/io/github/skrl4j" -name '_remote.repositories' -exec cat {} + | grep -v '^#' || true)
  [[ -n "$resolved" ]] || fail "$folder resolved no skrl4j artifact"
  if grep -v '>skrl4j-staging=$' <<<"$resolved"; then fail "skrl4j artifacts above came from elsewhere"; fi
}

# 1. release/consumer: a Java Spring Boot application naming only the BOM and the starter
build_consumer consumer
java -jar "$work/consumer/target/consumer.jar" || fail "the consumer application failed"

# 2. release/kotlin-consumer: a Kotlin Spring Boot application naming the BOM, the starter and
# adam-kotlin, compiled by the Kotlin that spring-boot-starter-parent manages (the oldest Kotlin
# adam-kotlin supports) and run on that Kotlin's stdlib, then again with the project's own Kotlin.
# kotlin_stdlib_in JAR: the kotlin-stdlib version packed into a Boot jar
kotlin_stdlib_in() { "$java_home_bin/jar" --list --file "$1" | sed -n 's:^BOOT-INF/lib/kotlin-stdlib-\([0-9.]*\)\.jar$:\1:p'; }
boot_kotlin=$(sed -n 's:^ *<kotlin.version>\(.*\)</kotlin.version>$:\1:p' \
  "$repo"/org/springframework/boot/spring-boot-dependencies/*/spring-boot-dependencies-*.pom | head -1)
our_kotlin=$(sed -n 's:^ *<kotlin.version>\(.*\)</kotlin.version>$:\1:p' "$root/pom.xml" | head -1)
[[ -n "$boot_kotlin" && -n "$our_kotlin" ]] || fail "could not read Boot's or the project's kotlin.version"
for kotlin in "$boot_kotlin" "$our_kotlin"; do
  if [[ "$kotlin" == "$boot_kotlin" ]]; then build_consumer kotlin-consumer; else build_consumer kotlin-consumer -Dkotlin.version="$kotlin"; fi
  jar="$work/kotlin-consumer/target/kotlin-consumer.jar"
  [[ "$(kotlin_stdlib_in "$jar")" == "$kotlin" ]] || fail "the Kotlin consumer packed kotlin-stdlib $(kotlin_stdlib_in "$jar"), not $kotlin"
  # the compiler that built it writes its own major.minor as the metadata version of the consumer's module
  module_file=$(ls "$work"/kotlin-consumer/target/classes/META-INF/*.kotlin_module)
  metadata="$(od -An -tu1 -j7 -N1 "$module_file" | tr -d ' ').$(od -An -tu1 -j11 -N1 "$module_file" | tr -d ' ')"
  [[ "$metadata" == "${kotlin%.*}" ]] || fail "the Kotlin consumer was compiled by Kotlin $metadata, not $kotlin"
  java -jar "$jar" || fail "the Kotlin consumer application failed (Kotlin $kotlin)"
  echo "consumer-check: the Kotlin consumer compiled and ran with Kotlin $kotlin"
  [[ "$boot_kotlin" != "$our_kotlin" ]] || break
done
echo "consumer-check: passed in $((SECONDS - started)) s"
