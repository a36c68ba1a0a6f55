#!/usr/bin/env bash
# Checks that the docs agree with the POMs, in a few seconds and without building (run by
# release/consumer-check.sh before it deploys, and on its own):
#
# 1. Every skrl4j version string in the Markdown docs (README.md, the modules' READMEs, docs/,
#    CHANGELOG.md, the BOM jar's README) is the project's version: a <version> right after the
#    <artifactId> of a skrl4j artifact, a Gradle coordinate io.github.skrl4j:<artifact>:<version>, and a
#    file name <artifact>-<version>.jar/.pom of a skrl4j artifact or module.
#    The Spring Boot and Kotlin versions the docs name ("Spring Boot 4.0.7", "Kotlin 2.2.21") are those
#    of pom.xml (spring-boot.version, kotlin.version) or adam-kotlin/pom.xml (kotlin-stdlib.version).
# 2. No doc claims the artifacts are published to Maven Central (they are built for it; see
#    docs/release.md) while the version is a SNAPSHOT.
# 3. The BOM jar's README (skrl4j-bom/src/main/jar/README.md) lists, as "- `artifact`" lines, exactly
#    the artifacts skrl4j-bom/pom.xml manages, whatever they are.
#
# Exits non-zero naming every disagreement.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# the project's version: the first <version> of the BOM, which has no parent
version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' skrl4j-bom/pom.xml | head -1)
[[ -n "$version" ]] || { echo "docs-check: no version in skrl4j-bom/pom.xml" >&2; exit 1; }
problems=0
problem() { echo "docs-check: $*" >&2; problems=$((problems + 1)); }

# the artifacts the BOM manages: the <artifactId>s inside its <dependencyManagement>
managed=$(sed -n '/<dependencyManagement>/,/<\/dependencyManagement>/s:.*<artifactId>\(.*\)</artifactId>.*:\1:p' \
  skrl4j-bom/pom.xml | sort -u)
[[ -n "$managed" ]] || problem "skrl4j-bom/pom.xml manages no artifact"
# every name a skrl4j version string can follow: the managed artifacts, the parent, the BOM, the modules
modules=$(sed -n 's:^ *<module>\(.*\)</module>$:\1:p' pom.xml)
names=$(printf '%s\n' $managed skrl4j-parent skrl4j-bom $modules | sort -u)
names_regex=$(paste -sd '|' <<<"$names")

boot_version=$(sed -n 's:^ *<spring-boot.version>\(.*\)</spring-boot.version>$:\1:p' pom.xml)
kotlin_version=$(sed -n 's:^ *<kotlin.version>\(.*\)</kotlin.version>$:\1:p' pom.xml)
kotlin_oldest=$(sed -n 's:^ *<kotlin-stdlib.version>\(.*\)</kotlin-stdlib.version>$:\1:p' adam-kotlin/pom.xml)
[[ -n "$boot_version" && -n "$kotlin_version" && -n "$kotlin_oldest" ]] \
  || problem "spring-boot.version or kotlin.version (pom.xml) or kotlin-stdlib.version (adam-kotlin/pom.xml) not found"

docs=$(ls README.md CHANGELOG.md */README.md docs/*.md skrl4j-bom/src/main/jar/README.md 2>/dev/null | sort -u)

for doc in $docs; do
  # <artifactId>skrl4j artifact</artifactId> followed (within the same element) by <version>...</version>
  while IFS= read -r hit; do
    problem "$hit"
  done < <(awk -v names="^($names_regex)\$" -v want="$version" -v doc="$doc" '
    match($0, /<artifactId>[^<]*<\/artifactId>/) { last = substr($0, RSTART + 12, RLENGTH - 25); next }
    match($0, /<version>[^<]*<\/version>/) {
      found = substr($0, RSTART + 9, RLENGTH - 19)
      if (last ~ names && found != want) printf "%s:%d: %s <version>%s</version>, the POMs say %s\n", doc, NR, last, found, want
      last = ""
    }
    /<\/dependency>|<\/plugin>|<\/parent>/ { last = "" }
  ' "$doc")

  # Gradle and other coordinates: io.github.skrl4j:artifact:version
  while IFS=: read -r line_no coordinate; do
    found=${coordinate##*:}
    [[ "$found" == "$version" ]] || problem "$doc:$line_no: $coordinate, the POMs say $version"
  done < <(grep -noE "io\.github\.skrl4j:($names_regex):[0-9][0-9A-Za-z.+-]*[0-9A-Za-z]" "$doc" || true)

  # file names: artifact-version.jar, artifact-version-sources.jar, artifact-version.pom
  while IFS=: read -r line_no file; do
    found=$(sed -E "s/^($names_regex)-//; s/(-sources|-javadoc|-tests)?\.(jar|pom)$//" <<<"$file")
    [[ "$found" == "$version" ]] || problem "$doc:$line_no: $file, the POMs say $version"
  done < <(grep -noE "\b($names_regex)-[0-9][0-9A-Za-z.-]*\.(jar|pom)\b" "$doc" || true)

  # the Spring Boot and Kotlin versions the docs name: those the POMs build with (Kotlin: the project's,
  # or adam-kotlin's oldest supported stdlib); "4.0.x" and the like name a line, not a version
  while IFS=: read -r line_no mention; do
    found=$(grep -oE '[0-9]+\.[0-9]+\.[0-9]+$' <<<"$mention")
    case "$mention" in
      Spring*|spring*) allowed=" $boot_version " ;;
      *) allowed=" $kotlin_version $kotlin_oldest " ;;
    esac
    [[ "$allowed" == *" $found "* ]] || problem "$doc:$line_no: $mention, the POMs say${allowed% }"
  done < <(grep -noE '(Spring Boot|spring-boot-starter-parent|Kotlin|kotlin-stdlib)`? `?[0-9]+\.[0-9]+\.[0-9]+' "$doc" || true)

  # a claim of publication while the version is a snapshot
  if [[ "$version" == *-SNAPSHOT ]]; then
    while IFS= read -r hit; do
      problem "$doc:${hit%%:*}: claims publication, but $version is not published: ${hit#*:}"
    done < <(grep -niE "(published|available|released|now|is|are) (to|on|in|from) (maven )?central|central (hosts|has) (it|them|skrl4j)" "$doc" \
      | grep -viE "not (yet )?(published|available|released)|never published|until|once|before" || true)
  fi
done

# the BOM jar's README lists exactly what the BOM manages
readme=skrl4j-bom/src/main/jar/README.md
listed=$(sed -n 's:^- `\([^`]*\)`.*:\1:p' "$readme" | sort -u)
if [[ "$listed" != "$managed" ]]; then
  problem "$readme lists [$(paste -sd ' ' <<<"$listed")] as managed, skrl4j-bom/pom.xml manages [$(paste -sd ' ' <<<"$managed")]"
fi

if ((problems > 0)); then
  echo "docs-check: FAILED: $problems disagreement(s) with the POMs (version $version)" >&2
  exit 1
fi
echo "docs-check: $(wc -w <<<"$docs") docs agree with the POMs (version $version); $readme lists the $(wc -w <<<"$managed") managed artifacts"
