package io.strata.bench.pipeline;

import static io.strata.bench.pipeline.PipelineHarness.freePort;
import static io.strata.bench.pipeline.PipelineHarness.loadAverage;
import static io.strata.bench.pipeline.PipelineHarness.mib;
import static io.strata.bench.pipeline.PipelineHarness.progress;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scale-out throughput (issue 12 "Performance"): the pipeline's stages as separate {@code strata} processes, topology
 * A = 1 ingest + 1 Connect worker (distributed, one group) + 1 Streams against topology B = 2 ingest + 2 Connect workers
 * (one group) + 1 Streams, each on a fresh single KRaft broker and registry, with one query node over the workers'
 * stores. Both get the same remote_write data ({@link RemoteWriteLoad}: N node_exporter-like series x H hours at 15 s,
 * 2,000 samples per request, 4 connections; in B connection c sends to ingest c % 2). Held constant: the data, the 4
 * senders, {@code metrics.samples} with 4 partitions, the connector's {@code tasks.max} 2 (A: both tasks in one
 * worker; B: one each), the heaps (those of {@code strata cluster}), one Streams instance, the broker and registry.
 *
 * <p>Per run: acknowledged samples/s; samples/s from the first request until every sample is queryable through the
 * query node (the exact {@code sum(count_over_time)}, then per series: no series whose count differs from what was
 * sent); CPU-s per 1M samples of every process (each with its descendants: the registry's Apicurio child) over that
 * window and until the processes are idle again (3 s in a row under their idle rate measured before the load + 0.25
 * core, after the rollups' and the sink's consumer groups caught up with {@code metrics.samples}), CPU by role;
 * peak RSS of all processes together (every 200 ms). Runs alternate (default A,B,A,B) so the
 * shared machine's drift falls on both.
 *
 * <p>Run from the repository root after building the app ({@code mvn -o -q -B -DskipTests -pl app -am package}):
 * {@code java -cp bench/target/classes:$(cat bench/target/classpath.txt) io.strata.bench.pipeline.ScaleOutHarness [SERIES HOURS [ORDER]]},
 * defaults {@code 5000 2 ABAB}; {@code -Dharness.repo=DIR}, {@code -Dharness.keep=true} (keep the work dir).
 */
public final class ScaleOutHarness {
  static final int PARTITIONS = 4;
  static final int TASKS = 2;
  static final String CONNECTOR = "strata-tsdb-sink";
  /** The consumer groups reading {@code metrics.samples}: the Streams rollups' application id and the sink connector's group. */
  static final List<String> GROUPS = List.of("strata-rollup-v2", "connect-" + CONNECTOR);
  /** Records a group may be behind and still count as caught up (transaction markers and the last commit interval). */
  static final long CAUGHT_UP_LAG = 100;
  /** Heaps of the roles, as {@code strata cluster} gives them ({@code app/cluster/ClusterTopology}). */
  static final Map<String, String> HEAP = Map.of("kafka", "384m", "registry", "128m", "streams", "256m", "connect", "768m", "ingest", "256m",
      "query", "256m", "topics", "128m");

  private ScaleOutHarness() {}

  /** A topology: how many ingest and Connect workers. */
  record Topology(String name, int ingests, int workers) {}

  static final Topology A = new Topology("A", 1, 1);
  static final Topology B = new Topology("B", 2, 2);

  /** A started {@code strata} process. */
  record Proc(String name, String role, Process process, Path dir) {
    int pid() {
      return (int) process.pid();
    }
  }

  /** What one run measured. */
  record Run(Topology topology, int index, long samples, double ackPerSecond, double queryablePerSecond, double secondsToQueryable,
      double cpuToQueryable, double cpuToIdle, double idleCoresBefore, long peakRss, Map<String, Double> cpuByRole, String loadBefore, String loadAfter,
      String tasks) {
    double cpuPerMillionToQueryable() {
      return cpuToQueryable / (samples / 1e6);
    }

    double cpuPerMillionToIdle() {
      return cpuToIdle / (samples / 1e6);
    }

    /** Cores the processes got from the first request until all was queryable: on a shared machine, their share of it. */
    double coresToQueryable() {
      return cpuToQueryable / secondsToQueryable;
    }
  }

  public static void main(String[] args) throws Exception {
    int series = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
    int hours = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    String order = args.length > 2 ? args[2] : "ABAB";
    Path repo = Path.of(System.getProperty("harness.repo", ".")).toAbsolutePath().normalize();
    Launcher launcher = Launcher.of(repo);
    int steps = hours * 240;
    long end = System.currentTimeMillis() / RemoteWriteLoad.STEP * RemoteWriteLoad.STEP - RemoteWriteLoad.STEP;
    long start = end - (steps - 1) * RemoteWriteLoad.STEP;
    long samples = (long) series * steps;
    Path work = Files.createTempDirectory("strata-scaleout-bench");
    progress("%,d series x %d h at 15 s = %,d samples, %s .. %s; runs %s; work dir %s; load average %s; %d cores", series, hours, samples,
        Instant.ofEpochMilli(start), Instant.ofEpochMilli(end), order, work, loadAverage(), Runtime.getRuntime().availableProcessors());
    Path config = Files.writeString(work.resolve("strata.yml"), "# 2 h of history: ingest's past-grace window (1 h by default) would refuse most of it\n"
        + "limits:\n  past_grace_period: 0s\nkafka:\n  partitions: " + PARTITIONS + "\n");
    List<List<byte[]>> requests = RemoteWriteLoad.requests(series, steps, start, "node");
    List<Run> runs = new ArrayList<>();
    try {
      for (int k = 0; k < order.length(); k++) {
        Topology t = switch (order.charAt(k)) {
          case 'A' -> A;
          case 'B' -> B;
          default -> throw new IllegalArgumentException("ORDER holds A and B only, got " + order);
        };
        runs.add(run(launcher, t, k + 1, work.resolve("run-" + (k + 1) + "-" + t.name()), config, requests, series, steps, end));
      }
    } finally {
      System.out.println();
      System.out.printf("load average at the end: %s%n%n", loadAverage());
      System.out.print(table(runs));
      if (Boolean.getBoolean("harness.keep")) {
        progress("kept the work dir %s (-Dharness.keep=true)", work);
      } else {
        PipelineHarness.delete(work);
      }
    }
  }

  /** One run: a fresh broker and registry, the topology's stages, the load, the measurements; everything stopped afterwards. */
  static Run run(Launcher launcher, Topology t, int index, Path dir, Path config, List<List<byte[]>> requests, int series, int steps, long end)
      throws Exception {
    progress("run %d, topology %s: %d ingest + %d Connect workers + 1 Streams; load average %s", index, t.name(), t.ingests(), t.workers(), loadAverage());
    List<Proc> procs = new ArrayList<>();
    try {
      int kafkaPort = freePort();
      int controllerPort = freePort();
      int registryPort = freePort();
      String bootstrap = "127.0.0.1:" + kafkaPort;
      String registryUrl = "http://127.0.0.1:" + registryPort + "/apis/ccompat/v7";
      Proc kafka = launcher.start(procs, dir, "kafka-1", "kafka", List.of("kafka", "--node-id", "1", "--host", "127.0.0.1", "--port",
          Integer.toString(kafkaPort), "--controller-port", Integer.toString(controllerPort), "--voters", "1@127.0.0.1:" + controllerPort,
          "--replication-factor", "1", "--min-insync-replicas", "1"), true);
      Proc registry = launcher.start(procs, dir, "registry-1", "registry", List.of("registry", "--host", "127.0.0.1", "--port",
          Integer.toString(registryPort)), true);
      awaitReadyLine(kafka);
      awaitReadyLine(registry);
      Proc topics = launcher.start(procs, dir, "topics", "topics", List.of("cluster", "topics", "--bootstrap", bootstrap, "--config", config.toString(),
          "--replication-factor", "1", "--min-insync-replicas", "1"), false);
      if (!topics.process().waitFor(5, TimeUnit.MINUTES) || topics.process().exitValue() != 0) {
        throw new IllegalStateException("strata cluster topics failed: " + Files.readString(topics.dir().resolve("out.log")));
      }
      procs.remove(topics);

      List<String> common = List.of("--bootstrap", bootstrap, "--registry-url", registryUrl, "--config", config.toString(), "--host", "127.0.0.1");
      List<Proc> stages = new ArrayList<>();
      List<String> stores = new ArrayList<>();
      List<Integer> restPorts = new ArrayList<>();
      stages.add(launcher.start(procs, dir, "streams-1", "streams", concat(List.of("streams"), common, List.of("--port", Integer.toString(freePort()), "--application-id", GROUPS.get(0))), true));
      for (int n = 1; n <= t.workers(); n++) {
        int rest = freePort();
        int store = freePort();
        restPorts.add(rest);
        stores.add("http://127.0.0.1:" + store);
        stages.add(launcher.start(procs, dir, "connect-" + n, "connect", concat(List.of("connect", "--distributed", "--group-id", "strata-tsdb-sink"), common,
            List.of("--connect-port", Integer.toString(rest), "--port", Integer.toString(store), "--replication-factor", "1", "--tasks",
                Integer.toString(TASKS))), true));
      }
      List<String> writeUrls = new ArrayList<>();
      List<String> ingestReady = new ArrayList<>();
      for (int n = 1; n <= t.ingests(); n++) {
        int port = freePort();
        writeUrls.add("http://127.0.0.1:" + port + "/api/v1/write");
        ingestReady.add("http://127.0.0.1:" + port + "/-/ready");
        List<String> a = concat(List.of("ingest"), common, List.of("--port", Integer.toString(port)));
        if (n > 1) {
          a = concat(a, List.of("--no-pushgateway"));
        }
        stages.add(launcher.start(procs, dir, "ingest-" + n, "ingest", a, true));
      }
      int queryPort = freePort();
      List<String> q = new ArrayList<>(List.of("query", "--host", "127.0.0.1", "--port", Integer.toString(queryPort), "--no-partial-response"));
      stores.forEach(s -> q.addAll(List.of("--store", s)));
      stages.add(launcher.start(procs, dir, "query-1", "query", q, true));
      for (Proc p : stages) {
        awaitReadyLine(p);
      }
      for (String u : ingestReady) {
        awaitHttp200(u);
      }
      for (String s : stores) {
        awaitHttp200(s + "/-/ready");
      }
      String tasks = awaitTasksSpread(restPorts, t.workers());
      progress("run %d: every process ready (%d processes); sink tasks %s", index, procs.size(), tasks);

      List<Integer> roots = procs.stream().map(Proc::pid).toList();
      double c0 = ProcTree.cpuSeconds(ProcTree.forest(roots));
      Thread.sleep(5_000);
      double idleCores = (ProcTree.cpuSeconds(ProcTree.forest(roots)) - c0) / 5;
      progress("run %d: idle before the load %.2f cores", index, idleCores);

      RssSampler rss = new RssSampler(roots);
      Thread rssThread = new Thread(rss, "rss-sampler");
      rssThread.setDaemon(true);
      rssThread.start();
      String loadBefore = loadAverage();
      Map<Proc, Double> cpuBefore = cpuByProc(procs);
      double cpu0 = ProcTree.cpuSeconds(ProcTree.forest(roots));
      long samples = (long) series * steps;
      long first = System.nanoTime();
      long lastAck = RemoteWriteLoad.send("Strata " + t.name(), writeUrls, requests);
      double ackRate = samples / ((lastAck - first) / 1e9);
      progress("run %d: %,d samples acknowledged at %,.0f samples/s", index, samples, ackRate);
      String queryUrl = "http://127.0.0.1:" + queryPort;
      double afterAck = RemoteWriteLoad.awaitQueryable("Strata " + t.name(), queryUrl, series, steps, end, "node", lastAck);
      double toQueryable = (lastAck - first) / 1e9 + afterAck;
      double cpuQueryable = ProcTree.cpuSeconds(ProcTree.forest(roots)) - cpu0;
      checkEverySeries(queryUrl, series, steps, end);
      progress("run %d: all queryable through the query node %.2f s after the last ack (%.1f s after the first request), every series exact", index,
          afterAck, toQueryable);
      long queryableAt = System.nanoTime();
      awaitCaughtUp(bootstrap);
      progress("run %d: the rollups and the sink caught up %.1f s after all was queryable", index, (System.nanoTime() - queryableAt) / 1e9);
      double cpuIdle = RemoteWriteLoad.awaitIdle(roots, idleCores + 0.25) - cpu0;
      rss.stop = true;
      rssThread.join();
      Map<String, Double> byRole = new LinkedHashMap<>();
      Map<Proc, Double> cpuAfter = cpuByProc(procs);
      for (Proc p : procs) {
        byRole.merge(p.role(), cpuAfter.get(p) - cpuBefore.get(p), Double::sum);
      }
      Run r = new Run(t, index, samples, ackRate, samples / toQueryable, toQueryable, cpuQueryable, cpuIdle, idleCores, rss.peak, byRole, loadBefore,
          loadAverage(), tasks);
      progress("run %d, %s: ack %,.0f samples/s, queryable %,.0f samples/s, %.2f CPU-s per 1M samples until queryable, %.2f until idle, peak RSS %s, "
          + "CPU-s by role %s", index, t.name(), r.ackPerSecond(), r.queryablePerSecond(), r.cpuPerMillionToQueryable(), r.cpuPerMillionToIdle(),
          mib(r.peakRss()), fmt(byRole));
      return r;
    } finally {
      stopAll(procs);
    }
  }

  /** Per series: {@code count_over_time} over the whole range equals what was sent (no series short, none doubled). */
  static void checkEverySeries(String queryUrl, int series, int steps, long end) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String range = "[" + (steps * 15 + 60) + "s]";
    double counted = RemoteWriteLoad.instant(http, queryUrl, "count(count_over_time({job=\"node\"}" + range + "))", end);
    double wrong = RemoteWriteLoad.instant(http, queryUrl, "count(count_over_time({job=\"node\"}" + range + ") != " + steps + ")", end);
    if (counted != series || wrong != 0) {
      throw new IllegalStateException(String.format("%.0f series queryable (sent %d), %.0f of them with a count other than %d", counted, series, wrong, steps));
    }
  }

  /**
   * Waits (at most 5 min) until every group of {@link #GROUPS} has committed offsets within {@link #CAUGHT_UP_LAG}
   * records of the end of {@code metrics.samples}: on a loaded machine the processes' CPU can fall under the idle
   * bound while a starved stage is still behind.
   */
  static void awaitCaughtUp(String bootstrap) throws Exception {
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      Map<String, Long> lag = new LinkedHashMap<>();
      while (System.nanoTime() < deadline) {
        for (String g : GROUPS) {
          Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed =
              admin.listConsumerGroupOffsets(g).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
          Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> ask = new java.util.HashMap<>();
          for (int p = 0; p < PARTITIONS; p++) {
            ask.put(new org.apache.kafka.common.TopicPartition("metrics.samples", p), org.apache.kafka.clients.admin.OffsetSpec.latest());
          }
          long behind = 0;
          for (var e : admin.listOffsets(ask).all().get(30, TimeUnit.SECONDS).entrySet()) {
            var c = committed.get(e.getKey());
            behind += e.getValue().offset() - (c == null ? 0 : c.offset());
          }
          lag.put(g, behind);
        }
        if (lag.values().stream().allMatch(l -> l <= CAUGHT_UP_LAG)) {
          return;
        }
        Thread.sleep(1000);
      }
      progress("still behind 5 min after all was queryable: %s", lag);
    }
  }

  /** Waits until the connector runs its {@link #TASKS} tasks spread over the workers; the task-to-worker assignment. */
  static String awaitTasksSpread(List<Integer> restPorts, int workers) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Pattern task = Pattern.compile("\"id\":(\\d+),\"state\":\"([A-Z]+)\",\"worker_id\":\"([^\"]+)\"");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPorts.get(0) + "/connectors/" + CONNECTOR + "/status"))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = task.matcher(body);
        Set<String> onWorkers = new HashSet<>();
        int running = 0;
        StringBuilder b = new StringBuilder();
        while (m.find()) {
          if (m.group(2).equals("RUNNING")) {
            running++;
            onWorkers.add(m.group(3));
          }
          b.append(b.length() == 0 ? "" : ", ").append("task ").append(m.group(1)).append(' ').append(m.group(2)).append(" on ").append(m.group(3));
        }
        last = b.toString();
        if (running == TASKS && onWorkers.size() == Math.min(workers, TASKS)) {
          return last;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("sink tasks not spread over " + workers + " workers after 3 min: " + last);
  }

  static Map<Proc, Double> cpuByProc(List<Proc> procs) {
    Map<Proc, Double> out = new LinkedHashMap<>();
    for (Proc p : procs) {
      out.put(p, ProcTree.cpuSeconds(ProcTree.tree(p.pid())));
    }
    return out;
  }

  /** Stops the stages at once, then the registry and the broker (SIGTERM, SIGKILL after 60 s). */
  static void stopAll(List<Proc> procs) throws InterruptedException {
    List<Thread> stoppers = new ArrayList<>();
    for (Proc p : procs) {
      if (!p.role().equals("kafka") && !p.role().equals("registry")) {
        Thread th = new Thread(() -> {
          try {
            PipelineHarness.stop(p.process());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        th.start();
        stoppers.add(th);
      }
    }
    for (Thread th : stoppers) {
      th.join();
    }
    for (String role : List.of("registry", "kafka")) {
      for (Proc p : procs) {
        if (p.role().equals(role)) {
          PipelineHarness.stop(p.process());
        }
      }
    }
  }

  /** Waits (at most 5 min) until the process printed the line {@code ready}. */
  static void awaitReadyLine(Proc p) throws Exception {
    Path out = p.dir().resolve("out.log");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (System.nanoTime() < deadline) {
      if (Files.exists(out) && Files.readAllLines(out, StandardCharsets.UTF_8).stream().anyMatch(l -> l.trim().equals("ready"))) {
        return;
      }
      if (!p.process().isAlive()) {
        throw new IllegalStateException(p.name() + " exited with " + p.process().exitValue() + " before ready: " + Files.readString(out));
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(p.name() + " not ready after 5 min; see " + out);
  }

  static void awaitHttp200(String url) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    int last = -1;
    while (System.nanoTime() < deadline) {
      try {
        last = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        if (last == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(url + " answered " + last + " for 3 min");
  }

  /** Peak resident memory of the processes and their descendants, sampled every 200 ms. */
  static final class RssSampler implements Runnable {
    final List<Integer> roots;
    volatile boolean stop;
    volatile long peak;

    RssSampler(List<Integer> roots) {
      this.roots = roots;
    }

    @Override
    public void run() {
      while (!stop) {
        peak = Math.max(peak, ProcTree.rssBytes(ProcTree.forest(roots)));
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /**
   * How to start a {@code strata} role from the built app, as the {@code strata} script does but without its
   * rebuild check (the bench's own sources are newer than the app jar): {@code java -Xmx<role's heap>
   * -XX:+UseParallelGC -cp app/target/strata-app-*.jar:app/target/lib/* io.strata.app.Main ARGS}, with
   * {@code MALLOC_ARENA_MAX=2} and the registry's home.
   */
  record Launcher(Path java, String classPath, Path registryHome) {
    static Launcher of(Path repo) throws IOException {
      Path target = repo.resolve("app/target");
      Path jar;
      try (var s = Files.list(target)) {
        jar = s.filter(f -> f.getFileName().toString().matches("strata-app-.*\\.jar")).findFirst().orElse(null);
      } catch (IOException e) {
        jar = null;
      }
      if (jar == null || !Files.isDirectory(target.resolve("lib"))) {
        throw new IllegalStateException("no built app under " + target + ": run mvn -o -q -B -DskipTests -pl app -am package (or pass -Dharness.repo=DIR)");
      }
      return new Launcher(Path.of(System.getProperty("java.home"), "bin", "java"), jar + ":" + target.resolve("lib") + "/*",
          repo.resolve("embedded/target/apicurio"));
    }

    Proc start(List<Proc> procs, Path runDir, String name, String role, List<String> args, boolean withDirs) throws IOException {
      Path dir = runDir.resolve(name);
      Files.createDirectories(dir);
      List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xmx" + HEAP.get(role), "-XX:+UseParallelGC", "-Dstrata.registry.home=" + registryHome,
          "-cp", classPath, "io.strata.app.Main"));
      cmd.addAll(args);
      if (withDirs) {
        if (!role.equals("ingest") && !role.equals("query")) {
          cmd.addAll(List.of("--data-dir", dir.toString()));
        }
        cmd.addAll(List.of("--log-dir", dir.toString()));
      }
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile());
      pb.environment().put("MALLOC_ARENA_MAX", "2");
      Process p = pb.start();
      Proc proc = new Proc(name, role, p, dir);
      procs.add(proc);
      return proc;
    }
  }

  @SafeVarargs
  static List<String> concat(List<String>... parts) {
    List<String> out = new ArrayList<>();
    for (List<String> p : parts) {
      out.addAll(p);
    }
    return out;
  }

  static String fmt(Map<String, Double> cpu) {
    StringBuilder b = new StringBuilder();
    cpu.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(String.format("%.1f", v)));
    return b.toString();
  }

  static String table(List<Run> runs) {
    StringBuilder b = new StringBuilder("| run | topology | acknowledged samples/s | samples/s until all queryable | s until all queryable "
        + "| cores used until queryable | CPU-s per 1M samples until queryable | same, until idle | idle before (cores) | peak RSS | CPU-s by role until idle | load average before / after |\n"
        + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Run r : runs) {
      b.append(String.format("| %d | %s | %,.0f k | %,.0f k | %.1f | %.2f | %.2f | %.2f | %.2f | %s | %s | %s / %s |%n", r.index(), r.topology().name(),
          r.ackPerSecond() / 1e3, r.queryablePerSecond() / 1e3, r.secondsToQueryable(), r.coresToQueryable(), r.cpuPerMillionToQueryable(), r.cpuPerMillionToIdle(),
          r.idleCoresBefore(), mib(r.peakRss()), fmt(r.cpuByRole()), r.loadBefore(), r.loadAfter()));
    }
    b.append("\n| topology | mean ack samples/s | mean queryable samples/s | mean CPU-s per 1M until queryable | until idle | mean peak RSS |\n|---|---|---|---|---|---|\n");
    Map<String, double[]> means = new LinkedHashMap<>();
    for (Topology t : List.of(A, B)) {
      List<Run> of = runs.stream().filter(r -> r.topology() == t).toList();
      if (of.isEmpty()) {
        continue;
      }
      double[] m = {
          of.stream().mapToDouble(Run::ackPerSecond).average().orElse(Double.NaN),
          of.stream().mapToDouble(Run::queryablePerSecond).average().orElse(Double.NaN),
          of.stream().mapToDouble(Run::cpuPerMillionToQueryable).average().orElse(Double.NaN),
          of.stream().mapToDouble(Run::cpuPerMillionToIdle).average().orElse(Double.NaN),
          of.stream().mapToDouble(Run::peakRss).average().orElse(Double.NaN)};
      means.put(t.name(), m);
      b.append(String.format("| %s (%d runs) | %,.0f k | %,.0f k | %.2f | %.2f | %s |%n", t.name(), of.size(), m[0] / 1e3, m[1] / 1e3, m[2], m[3], mib((long) m[4])));
    }
    if (means.size() == 2) {
      double[] a = means.get("A");
      double[] bb = means.get("B");
      b.append(String.format("| B / A | %.2fx | %.2fx | %.2fx | %.2fx | %.2fx |%n", bb[0] / a[0], bb[1] / a[1], bb[2] / a[2], bb[3] / a[3], bb[4] / a[4]));
    }
    b.append("\nsink tasks per run: ");
    runs.forEach(r -> b.append(String.format("%n- run %d (%s): %s", r.index(), r.topology().name(), r.tasks())));
    b.append('\n');
    return b.toString();
  }
}
