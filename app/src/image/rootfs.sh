#!/usr/bin/env bash
# Builds the root file system that the Strata image adds on top of the empty base image (Jib's `scratch`), so
# the image is built without pulling anything from a container registry:
#   opt/java/                  a Java runtime made by jlink from this JDK's jmods (headless, no debug symbols)
#   lib/x86_64-linux-gnu/, lib64/ld-linux-x86-64.so.2
#                              the shared libraries that runtime and the native libraries inside the app's jars
#                              (RocksDB, snappy, zstd, lz4) link against, found with ldd and copied from this machine
#   etc/passwd, etc/group, etc/nsswitch.conf, tmp/
# Usage: rootfs.sh full|empty JAVA_HOME APP_LIB_DIR OUT_DIR   (run by `mvn -Pimage package` in app/, see app/pom.xml)
# `empty` only makes OUT_DIR: the base image brings Java and glibc (-Pimage,image-registry-base).
set -euo pipefail
MODE="$1"; JDK="$2"; APP_LIB="$3"; OUT="$4"
if [ "$MODE" = empty ]; then
  rm -rf "$OUT" && mkdir -p "$OUT"
  exit 0
fi
[ "$MODE" = full ] || { echo "rootfs.sh: mode must be full or empty, got $MODE" >&2; exit 2; }

# java.se plus what Kafka, Flink, Connect, Quarkus (the registry) and RocksDB reach outside it: sun.misc.Unsafe
# (jdk.unsupported), EC and PKCS#11 crypto for TLS, DNS lookups through JNDI, JFR and the management beans
# behind /metrics, jcmd/jstack for whoever debugs a container.
MODULES=java.se,jdk.unsupported,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.charsets,jdk.naming.dns,\
jdk.net,jdk.zipfs,jdk.jfr,jdk.management,jdk.management.jfr,jdk.management.agent,jdk.security.auth,\
jdk.security.jgss,jdk.httpserver,jdk.attach,jdk.jcmd
# native libraries of the runtime that only a desktop (X11, sound, fonts, images) loads; their libraries stay out
GUI='^lib(awt_xawt|splashscreen|jsound|fontmanager|lcms|javajpeg|mlib_image|jawt|atk-wrapper)\.so$'

[ -x "$JDK/bin/jlink" ] || { echo "rootfs.sh: no jlink in $JDK (a JDK with jmods is needed)" >&2; exit 1; }
rm -rf "$OUT"
mkdir -p "$OUT/opt" "$OUT/lib/x86_64-linux-gnu" "$OUT/lib64" "$OUT/etc" "$OUT/tmp" "$OUT/data"
"$JDK/bin/jlink" --module-path "$JDK/jmods" --add-modules "$MODULES" --output "$OUT/opt/java" \
  --strip-debug --no-man-pages --no-header-files

# the ELF files whose dependencies the image must hold
natives="$(mktemp -d)"
trap 'rm -rf "$natives"' EXIT
elfs=("$OUT/opt/java/bin/java" "$OUT/opt/java/lib/server/libjvm.so")
while IFS= read -r so; do
  [[ "$(basename "$so")" =~ $GUI ]] || elfs+=("$so")
done < <(find "$OUT/opt/java/lib" -maxdepth 1 -name '*.so')
for jar in "$APP_LIB"/*.jar; do
  while IFS= read -r entry; do
    (cd "$natives" && unzip -o -q "$jar" "$entry")
    elfs+=("$natives/$entry")
  done < <(unzip -Z1 "$jar" 2>/dev/null | grep -E '\.so$' | grep -iE '(linux.*(x86_64|amd64))|linux64' | grep -viE 'musl|android' || true)
done

libs="$(for f in "${elfs[@]}"; do ldd "$f"; done | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/.*ld-linux/ {print $1}' | sort -u)"
missing="$(for f in "${elfs[@]}"; do ldd "$f" | grep 'not found' | grep -v 'libjvm.so\|libjava.so\|libjli.so\|libnet.so\|libnio.so\|libjsig.so\|libawt.so\|libverify.so' || true; done)"
[ -z "$missing" ] || { echo "rootfs.sh: libraries not found on this machine:"$'\n'"$missing" >&2; exit 1; }
for lib in $libs; do
  case "$lib" in
    /usr/lib/jvm/*|"$OUT"/*) ;;                                  # the runtime's own libraries are in opt/java
    */ld-linux-x86-64.so.2) cp -L "$lib" "$OUT/lib64/ld-linux-x86-64.so.2" ;;
    *) cp -L "$lib" "$OUT/lib/x86_64-linux-gnu/$(basename "$lib")" ;;
  esac
done

cat > "$OUT/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
strata:x:1000:1000:strata:/data:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
EOF
cat > "$OUT/etc/group" <<'EOF'
root:x:0:
strata:x:1000:
nogroup:x:65534:
EOF
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$OUT/etc/nsswitch.conf"
echo "rootfs.sh: $(du -sh "$OUT" | cut -f1) in $OUT ($(ls "$OUT/lib/x86_64-linux-gnu" | wc -l) shared libraries)"
