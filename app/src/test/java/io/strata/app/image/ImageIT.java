package io.strata.app.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.schemas.model.Labels;
import io.strata.tsdb.Store;
import io.strata.tsdb.Stores;
import io.strata.tsdb.TsdbConfig;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The container image that {@code mvn -Pimage package} builds with Jib into {@code target/jib-image.tar} (what
 * {@code docker load} reads): its config starts {@code strata} on the image's own Java runtime, its layers hold the
 * app's jars, the registry distribution and the runtime, and the extracted layers run {@code strata --help} and
 * {@code strata tsdb inspect} (RocksDB's native library) as a container would (own root directory, /proc and /dev, the
 * config's environment and working directory, nothing of this machine's file system). Without -Pimage (the property {@code strata.image.tar} unset) it skips; ./test
 * builds with -Pimage.
 */
class ImageIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String MODULES = "schemas embedded promql tsdb ingest streams flink-jobs sinks query";
  static final long T0 = 1767225600000L;

  static Path tar;
  static Path unpacked;
  static JsonNode manifest;
  static JsonNode config;
  /** Path in the image (no leading slash) → tar entry of the last layer that has it. */
  static final Map<String, TarArchiveEntry> files = new HashMap<>();

  @BeforeAll
  static void readImage() throws IOException, InterruptedException {
    String property = System.getProperty("strata.image.tar");
    assumeTrue(property != null && !property.isEmpty(), "no image built: run with -Pimage (./test does)");
    tar = Path.of(property);
    assertTrue(Files.isRegularFile(tar), "-Pimage builds " + tar + " but it is not there");
    unpacked = tar.resolveSibling("jib-image-unpacked");
    delete(unpacked);
    Files.createDirectories(unpacked);
    untar(tar, unpacked, false);
    manifest = JSON.readTree(unpacked.resolve("manifest.json").toFile()).get(0);
    config = JSON.readTree(unpacked.resolve(manifest.get("Config").asText()).toFile());
    for (JsonNode layer : manifest.get("Layers")) {
      try (TarArchiveInputStream in = new TarArchiveInputStream(new GZIPInputStream(
          new BufferedInputStream(Files.newInputStream(unpacked.resolve(layer.asText())), 1 << 16)))) {
        for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
          files.put(e.getName().replaceFirst("^\\./", "").replaceFirst("/$", ""), e);
        }
      }
    }
  }

  @AfterAll
  static void deleteUnpacked() throws IOException {
    if (unpacked != null) {
      delete(unpacked);
    }
  }

  /** Deletes dir, unless something is mounted under it (the chroot's /dev, should its namespace outlive the test). */
  static void delete(Path dir) throws IOException {
    String mounts = Files.readString(Path.of("/proc/self/mountinfo"));
    if (mounts.contains(" " + dir.toAbsolutePath())) {
      throw new IllegalStateException("not deleting " + dir + ": something is mounted under it");
    }
    FileUtils.deleteDirectory(dir.toFile());
  }

  @Test
  void configStartsStrataOnTheImagesOwnJava() {
    List<String> tags = new ArrayList<>();
    manifest.get("RepoTags").forEach(t -> tags.add(t.asText()));
    assertTrue(tags.contains("strata:latest"), "docker load tags it strata:latest: " + tags);
    assertEquals("linux/amd64", config.get("os").asText() + "/" + config.get("architecture").asText());

    List<String> entrypoint = strings(config.get("config").get("Entrypoint"));
    assertEquals("/opt/java/bin/java", entrypoint.get(0), "entry point " + entrypoint);
    assertEquals("io.strata.app.Main", entrypoint.get(entrypoint.size() - 1), "entry point " + entrypoint);
    assertTrue(entrypoint.contains("-Dstrata.registry.home=/opt/strata/apicurio"), "entry point " + entrypoint);
    assertEquals(List.of("--help"), strings(config.get("config").get("Cmd")));
    assertTrue(strings(config.get("config").get("Env")).contains("MALLOC_ARENA_MAX=2"), "env as ./strata sets it");
    assertEquals("/data", config.get("config").get("WorkingDir").asText());
  }

  @Test
  void layersHoldEveryJarOfLibTheRuntimeAndTheRegistry() throws IOException {
    Set<String> lib;
    try (Stream<Path> s = Files.list(tar.resolveSibling("lib"))) {
      lib = s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
    Set<String> libs = files.keySet().stream().filter(f -> f.startsWith("app/libs/") && f.endsWith(".jar"))
        .map(f -> f.substring("app/libs/".length())).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(lib, libs, "the image's /app/libs is the app's lib/ (what ./strata runs)");
    for (String module : MODULES.split(" ")) {
      assertTrue(libs.contains("strata-" + module + "-0.1.0-SNAPSHOT.jar"), module + " in " + libs);
    }
    assertTrue(files.containsKey("app/classes/io/strata/app/Main.class"));
    assertTrue(files.containsKey("opt/strata/apicurio/apicurio-registry-app-3.0.9-runner.jar"));
    assertTrue(files.keySet().stream().filter(f -> f.startsWith("opt/strata/apicurio/lib/")).count() > 300,
        "the registry's lib/");
    for (String exe : List.of("opt/java/bin/java", "opt/java/lib/jspawnhelper", "lib64/ld-linux-x86-64.so.2")) {
      assertTrue(files.containsKey(exe), exe);
      assertEquals(0755, files.get(exe).getMode() & 0777, exe + " is executable");
    }
    for (String so : List.of("libc.so.6", "libz.so.1", "libstdc++.so.6")) {
      assertTrue(files.containsKey("lib/x86_64-linux-gnu/" + so), so + " (ldd of the runtime and RocksDB)");
    }
  }

  /** As a container runtime does: new mount and PID namespaces, /proc and /dev, chroot into the layers. */
  @Test
  void extractedLayersRunStrataHelpInAChroot() throws Exception {
    String out = runInImage(strings(config.get("config").get("Cmd")));
    assertTrue(out.contains("Usage: strata"), out);
    for (String command : List.of("up", "ingest", "streams", "connect", "query", "delivery")) {
      assertTrue(out.contains("\n  " + command + " "), "strata " + command + " listed:\n" + out);
    }
  }

  /** A store written by this build's TSDB opens in the image: RocksDB's native library and libstdc++ load there. */
  @Test
  void storeOpensInTheImageWithRocksDbsNativeLibrary() throws Exception {
    Path root = rootfs();
    Path data = root.resolve("data").resolve("inspect");
    try (Store store = Stores.open(TsdbConfig.defaults(data.resolve("tsdb")))) {
      for (int s = 0; s < 3; s++) {
        for (int i = 0; i < 500; i++) {
          store.append("default", Labels.of("__name__", "node_load1", "instance", "h" + s), T0 + i * 15_000L, i * 0.25);
        }
      }
      store.commit(Map.of("metrics.samples/0", 1500L));
      store.flush();
    }
    String out = runInImage(List.of("tsdb", "inspect", "--data-dir", "/data/inspect"));
    assertTrue(out.contains("series 3,"), out);
    assertTrue(out.contains("samples 1500"), out);
    assertTrue(out.contains("checksums: all OK"), out);
  }

  /** The image's layers extracted in order: its root file system, as a container runtime lays it out. */
  static synchronized Path rootfs() throws IOException, InterruptedException {
    boolean root = "0".equals(run(List.of("id", "-u"), 10).trim());
    assumeTrue(root && Files.isExecutable(Path.of("/usr/bin/unshare")),
        "running the layers needs root and unshare (util-linux): not here");
    assumeTrue(new ProcessBuilder("/usr/bin/unshare", "--mount", "--pid", "--fork", "true").start().waitFor() == 0,
        "this sandbox does not allow new mount and PID namespaces (unshare --mount --pid fails)");
    Path rootfs = unpacked.resolve("rootfs");
    if (!Files.isDirectory(rootfs)) {
      Files.createDirectories(rootfs);
      for (JsonNode layer : manifest.get("Layers")) {
        untar(unpacked.resolve(layer.asText()), rootfs, true);
      }
      Files.createDirectories(rootfs.resolve("proc"));
      Files.createDirectories(rootfs.resolve("dev"));
    }
    return rootfs;
  }

  /**
   * Runs the image's entry point with {@code args} in the extracted layers: private mount and PID namespaces with
   * /dev and a new /proc, only the config's environment, its working directory, the layers as the root directory.
   */
  static String runInImage(List<String> args) throws IOException, InterruptedException {
    Path rootfs = rootfs();
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/unshare", "--mount", "--pid", "--fork", "--kill-child",
        "/bin/sh", "-c", "mount --rbind /dev \"$0/dev\" && mount -t proc proc \"$0/proc\" && exec \"$@\"",
        rootfs.toString(), "/usr/bin/env", "-i"));
    cmd.addAll(strings(config.get("config").get("Env")));
    cmd.addAll(List.of("/usr/bin/unshare", "--root=" + rootfs, "--wd=" + config.get("config").get("WorkingDir").asText()));
    cmd.addAll(strings(config.get("config").get("Entrypoint")));
    cmd.addAll(args);
    return run(cmd, 60);
  }

  static void untar(Path archive, Path into, boolean gzip) throws IOException, InterruptedException {
    // GNU tar keeps modes, and skips the LIBARCHIVE.* pax keywords Jib writes with a warning we silence
    run(List.of("tar", "--warning=no-unknown-keyword", gzip ? "-xzf" : "-xf", archive.toString(), "-C", into.toString()), 120);
  }

  static String run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
    Path log = Files.createTempFile("image-it", ".log");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      p.getOutputStream().close();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError("timed out after " + timeoutSeconds + " s: " + cmd + "\n" + Files.readString(log));
      }
      String out = Files.readString(log, StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), cmd + " exited " + p.exitValue() + ":\n" + out);
      return out;
    } finally {
      Files.deleteIfExists(log);
    }
  }

  static List<String> strings(JsonNode array) {
    List<String> l = new ArrayList<>();
    array.forEach(n -> l.add(n.asText()));
    return l;
  }
}
