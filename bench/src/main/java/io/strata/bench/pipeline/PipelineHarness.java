package io.strata.bench.pipeline;

import io.strata.bench.query.DashboardQueries;
import io.strata.bench.tsdb.NodeExporterLikeData;
import java.io.IOException;
import java.net.ServerSocket;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The whole pipeline as a user meets it (issue 11): a fresh {@code strata up} process tree, then N
 * node_exporter-like series x H hours at 15 s ({@link NodeExporterLikeData}, ending now) sent by remote_write 1.0
 * (snappy protobuf, 2,000 samples per request, 4 connections; each connection owns a quarter of the series and
 * sends them in time order, no connection more than 10 minutes of data ahead of another, as Prometheus's shards
 * drain one WAL), side by side with Debian's {@code prometheus} (remote-write receiver) and
 * {@code victoria-metrics} when installed, one after the other on the same samples.
 *
 * <p>Per system: start to ready; acknowledged samples/s; CPU-s per million samples of the whole process tree
 * (every descendant from {@code /proc}, user + system) from the first request until every sample is queryable
 * (an exact PromQL count), for Strata every stage has consumed its input ({@code consumerLag} at most 100 records in
 * {@code /api/v1/status/pipeline}), and the tree is idle (3 s in a row under 0.35 core: Strata's tree idles at 0.1-0.3 core); time from the last ack until
 * queryable; peak RSS of the tree (every 200 ms); data dir right after ingest and after a flush; bytes/sample
 * of the long-term store after the flush; idle CPU and threads over 30 s; the {@link DashboardQueries} right
 * after ingest, each run 4 times in a row: the first (cold: code not compiled yet, nothing cached) and the median of
 * the other 3, geomean of each (VictoriaMetrics with {@code -search.disableCache}, as in {@code RangeQueryHarness}:
 * its rollup result cache would answer the repeats without work). For Strata also the CPU of every thread by stage, and a
 * second load of as many new series into the warm process.
 *
 * <p>Run from the repository root (see bench/README.md):
 * {@code java -Xmx3g -cp bench/target/classes:$(cat /tmp/bench.cp) io.strata.bench.pipeline.PipelineHarness [SERIES] [HOURS]},
 * defaults {@code 10000 2}. {@code -Dharness.peers=false}: Strata only; {@code -Dharness.keep=true}: keep the work dir; {@code -Dharness.warm=false}: no second
 * load; {@code -Dharness.idleSeconds=30}; {@code -Dharness.reps=3}.
 */
public final class PipelineHarness {
  static final long STEP = RemoteWriteLoad.STEP;
  /** Under this many cores for 3 s in a row the tree counts as idle (Strata's idles at 0.1-0.3 core on a busy machine). */
  static final double IDLE_CORES = 0.35;

  private PipelineHarness() {}

  /** What one system measured; NaN where not measured. */
  static final class Figures {
    double readySeconds = Double.NaN;
    Load cold;
    Load warm;
    long peakRss;
    long dirAfterIngest = -1;
    long dirAfterFlush = -1;
    double bytesPerSample = Double.NaN;
    String bytesPerSampleNote = "";
    double idleCores = Double.NaN;
    int idleThreads;
    /** Per dashboard query: the first run (cold) and the median of the next runs. */
    double[] queryColdMs;
    double[] queryWarmMs;
    Map<String, Double> stageCpu = new LinkedHashMap<>();
    Map<String, Double> threadCpu = new LinkedHashMap<>();
    Map<String, Double> warmStageCpu = new LinkedHashMap<>();
    Map<String, Double> warmThreadCpu = new LinkedHashMap<>();
  }

  /** One load: samples, acknowledged rate, CPU of the tree, time until queryable. */
  record Load(long samples, double ackPerSecond, double cpuSeconds, double queryableSeconds, double idleAfterSeconds) {
    double cpuPerMillion() {
      return cpuSeconds / (samples / 1e6);
    }
  }

  /** A system under test: how to start it and where it listens. */
  public record Target(String name, List<String> command, Path dataDir, String queryUrl, String writeUrl, String readyUrl, boolean strata) {}

  public static void main(String[] args) throws Exception {
    int series = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int hours = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    boolean peers = !"false".equals(System.getProperty("harness.peers"));
    boolean warm = !"false".equals(System.getProperty("harness.warm"));
    Path repo = Path.of(System.getProperty("harness.repo", ".")).toAbsolutePath().normalize();
    Path strataScript = repo.resolve("strata");
    if (!Files.isExecutable(strataScript)) {
      throw new IllegalArgumentException("no " + strataScript + ": run from the repository root or pass -Dharness.repo=DIR");
    }
    int steps = hours * 240;
    long end = System.currentTimeMillis() / STEP * STEP - STEP;
    long start = end - (steps - 1) * STEP;
    long samples = (long) series * steps;
    Path work = Files.createTempDirectory("strata-pipeline-bench");
    progress("%,d series x %d h at 15 s = %,d samples, %s .. %s; work dir %s; load average %s", series, hours, samples, Instant.ofEpochMilli(start),
        Instant.ofEpochMilli(end), work, loadAverage());

    List<Process> started = new ArrayList<>();
    Map<String, Figures> results = new LinkedHashMap<>();
    try {
      long t = System.nanoTime();
      List<List<byte[]>> cold = RemoteWriteLoad.requests(series, steps, start, "node");
      progress("encoded %,d requests in %.1f s", cold.stream().mapToInt(List::size).sum(), (System.nanoTime() - t) / 1e9);

      // the strata script builds when sources changed: do it before anything is timed
      progress("strata --help (builds if needed) ...");
      Process build = new ProcessBuilder(strataScript.toString(), "--help").redirectErrorStream(true).redirectOutput(work.resolve("build.log").toFile()).start();
      if (build.waitFor() != 0) {
        throw new IllegalStateException("strata --help failed: " + Files.readString(work.resolve("build.log")));
      }

      Path strataData = work.resolve("strata");
      Path config = Files.writeString(work.resolve("strata.yml"), "# 2 h of history: ingest's past-grace window (1 h by default) would refuse most of it\n"
          + "limits:\n  past_grace_period: 0s\n");
      int queryPort = freePort();
      int ingestPort = freePort();
      List<String> cmd = List.of(strataScript.toString(), "up", "--data-dir", strataData.toString(), "--config", config.toString(),
          "--query-port", Integer.toString(queryPort), "--ingest-port", Integer.toString(ingestPort), "--kafka-port", Integer.toString(freePort()),
          "--kafka-controller-port", Integer.toString(freePort()), "--registry-port", Integer.toString(freePort()), "--connect-port",
          Integer.toString(freePort()), "--web.enable-admin-api");
      String q = "http://127.0.0.1:" + queryPort;
      Target strata = new Target("Strata", cmd, strataData, q, "http://127.0.0.1:" + ingestPort + "/api/v1/write", q + "/-/ready", true);
      results.put(strata.name(), run(strata, work, started, cold, series, steps, start, end, warm ? () -> RemoteWriteLoad.requests(series, steps, start, "node-warm") : null));

      if (peers && onPath("prometheus")) {
        Path data = work.resolve("prometheus");
        Path cfg = Files.writeString(work.resolve("prometheus.yml"), "global:\n  scrape_interval: 15s\n");
        int port = freePort();
        String url = "http://127.0.0.1:" + port;
        results.put("Prometheus", run(new Target("Prometheus", List.of("prometheus", "--config.file=" + cfg, "--storage.tsdb.path=" + data,
            "--storage.tsdb.retention.time=100y", "--web.listen-address=127.0.0.1:" + port, "--web.enable-remote-write-receiver", "--web.enable-admin-api",
            "--log.level=warn"), data, url, url + "/api/v1/write", url + "/-/ready", false), work, started, cold, series, steps, start, end, null));
      } else {
        progress("Prometheus: skipped (%s)", peers ? "no prometheus on the PATH; Debian package prometheus" : "-Dharness.peers=false");
      }
      if (peers && onPath("victoria-metrics")) {
        Path data = work.resolve("victoria-metrics");
        int port = freePort();
        String url = "http://127.0.0.1:" + port;
        results.put("VictoriaMetrics", run(new Target("VictoriaMetrics", List.of("victoria-metrics", "-httpListenAddr=127.0.0.1:" + port,
            "-storageDataPath=" + data, "-retentionPeriod=100y", "-search.disableCache", "-loggerLevel=WARN"), data, url, url + "/api/v1/write", url + "/health", false),
            work, started, cold, series, steps, start, end, null));
      } else {
        progress("VictoriaMetrics: skipped (%s)", peers ? "no victoria-metrics on the PATH; Debian package victoria-metrics" : "-Dharness.peers=false");
      }
      System.out.println();
      System.out.printf("load average at the end: %s%n%n", loadAverage());
      System.out.print(table(results, samples));
      Figures s = results.get("Strata");
      System.out.printf("%nStrata, CPU-s by stage (threads of the java process by name; the registry child as one), first request until idle:%n%n");
      System.out.print(breakdown(s.stageCpu, s.threadCpu));
      if (s.warm != null) {
        System.out.printf("%nthe same for the second load into the warm process:%n%n");
        System.out.print(breakdown(s.warmStageCpu, s.warmThreadCpu));
      }
    } finally {
      for (Process p : started) {
        stop(p);
      }
      if (Boolean.getBoolean("harness.keep")) {
        progress("kept the work dir %s (-Dharness.keep=true): e.g. strata tsdb inspect --store %s", work, work.resolve("strata").resolve("tsdb"));
      } else {
        delete(work);
      }
    }
  }

  interface Requests {
    List<List<byte[]>> get();
  }

  static Figures run(Target target, Path work, List<Process> started, List<List<byte[]>> requests, int series, int steps, long start, long end,
      Requests warmRequests) throws Exception {
    Figures f = new Figures();
    long samples = (long) series * steps;
    progress("%s: starting %s", target.name(), String.join(" ", target.command()));
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(target.command()).redirectErrorStream(true).redirectOutput(work.resolve(target.name() + ".log").toFile()).start();
    started.add(p);
    int pid = (int) p.pid();
    awaitReady(target, p);
    f.readySeconds = (System.nanoTime() - t0) / 1e9;
    progress("%s: ready in %.1f s (%d threads, RSS %s)", target.name(), f.readySeconds, ProcTree.threads(ProcTree.tree(pid)),
        mib(ProcTree.rssBytes(ProcTree.tree(pid))));

    Sampler sampler = new Sampler(pid, target.strata());
    Thread samplerThread = new Thread(sampler, "proc-sampler");
    samplerThread.setDaemon(true);
    samplerThread.start();
    try {
      Map<String, Long> threadsBefore = sampler.threadTicks();
      f.cold = load(target, pid, requests, series, steps, end, "node");
      Map<String, Long> threadsAfter = sampler.threadTicks();
      byThread(threadsBefore, threadsAfter, f.stageCpu, f.threadCpu);
      f.dirAfterIngest = du(target.dataDir());
      progress("%s: data dir after ingest %s", target.name(), mb(f.dirAfterIngest));

      int reps = Integer.getInteger("harness.reps", 3);
      f.queryColdMs = new double[DashboardQueries.ALL.size()];
      f.queryWarmMs = new double[DashboardQueries.ALL.size()];
      for (int i = 0; i < f.queryColdMs.length; i++) {
        DashboardQueries.Query query = DashboardQueries.ALL.get(i);
        double[] ms = DashboardQueries.timesMs(target.queryUrl(), query, end, "", 1 + reps);
        f.queryColdMs[i] = ms[0];
        double[] warmRuns = java.util.Arrays.copyOfRange(ms, 1, ms.length);
        java.util.Arrays.sort(warmRuns);
        f.queryWarmMs[i] = warmRuns[reps / 2];
        progress("%s: %-34s first %8.1f ms, then median %8.1f ms", target.name(), query.name(), f.queryColdMs[i], f.queryWarmMs[i]);
      }

      int idleSeconds = Integer.getInteger("harness.idleSeconds", 30);
      double c0 = ProcTree.cpuSeconds(ProcTree.tree(pid));
      Thread.sleep(idleSeconds * 1000L);
      List<ProcTree.Stat> tree = ProcTree.tree(pid);
      f.idleCores = (ProcTree.cpuSeconds(tree) - c0) / idleSeconds;
      f.idleThreads = ProcTree.threads(tree);
      progress("%s: idle %.3f cores over %d s, %d threads", target.name(), f.idleCores, idleSeconds, f.idleThreads);

      flush(target, f, samples);
      if (warmRequests != null) {
        Map<String, Long> warmBefore = sampler.threadTicks();
        f.warm = load(target, pid, warmRequests.get(), series, steps, end, "node-warm");
        byThread(warmBefore, sampler.threadTicks(), f.warmStageCpu, f.warmThreadCpu);
      }
    } finally {
      sampler.stop = true;
      samplerThread.join();
      f.peakRss = sampler.peakRss;
      progress("%s: peak RSS of the tree %s; stopping", target.name(), mib(f.peakRss));
      stop(p);
      started.remove(p);
    }
    return f;
  }

  /** Sends the requests, waits until all is queryable and the tree idle; the figures of that window. */
  static Load load(Target target, int pid, List<List<byte[]>> requests, int series, int steps, long end, String job) throws Exception {
    long samples = (long) series * steps;
    double cpu0 = ProcTree.cpuSeconds(ProcTree.tree(pid));
    long first = System.nanoTime();
    long lastAck = RemoteWriteLoad.send(target.name(), List.of(target.writeUrl()), requests);
    double ackRate = samples / ((lastAck - first) / 1e9);
    progress("%s: %,d samples acknowledged at %,.0f samples/s", target.name(), samples, ackRate);
    double queryable = RemoteWriteLoad.awaitQueryable(target.name(), target.queryUrl(), series, steps, end, job, lastAck);
    progress("%s: all queryable %.2f s after the last ack", target.name(), queryable);
    long idleFrom = System.nanoTime();
    if (target.strata()) {
      awaitCaughtUp(target);
    }
    double cpu1 = RemoteWriteLoad.awaitIdle(List.of(pid), IDLE_CORES);
    double idleAfter = (System.nanoTime() - first) / 1e9;
    Load l = new Load(samples, ackRate, cpu1 - cpu0, queryable, (System.nanoTime() - idleFrom) / 1e9);
    progress("%s: idle %.1f s after queryable; %.1f CPU-s, %.2f CPU-s per 1M samples, load %.0f s in all", target.name(), l.idleAfterSeconds(),
        l.cpuSeconds(), l.cpuPerMillion(), idleAfter);
    return l;
  }


  static final long CAUGHT_UP_LAG = 100;
  private static final Pattern LAG = Pattern.compile("\"consumerLag\":(\\d+|null)");

  /**
   * Strata: waits (at most 5 min) until every stage has consumed its input: {@code consumerLag} in
   * {@code /api/v1/status/pipeline} at most {@link #CAUGHT_UP_LAG} records (or null), so a stage still working
   * through the load (the rollups) counts even when the tree's CPU dips under the idle bound meanwhile. Not 0: the
   * rule job commits its offsets at checkpoints and the sink at Connect's offset flushes, while the self-scrape
   * keeps writing (a few records behind when idle).
   */
  public static void awaitCaughtUp(Target target) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long t = System.nanoTime();
    long deadline = t + TimeUnit.MINUTES.toNanos(5);
    long worst = -1;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(target.queryUrl() + "/api/v1/status/pipeline")).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      Matcher m = LAG.matcher(r.body());
      worst = r.statusCode() == 200 ? 0 : -1;
      while (worst >= 0 && m.find()) {
        worst = Math.max(worst, m.group(1).equals("null") ? 0 : Long.parseLong(m.group(1)));
      }
      if (worst >= 0 && worst <= CAUGHT_UP_LAG) {
        progress("%s: every stage caught up %.1f s after all was queryable", target.name(), (System.nanoTime() - t) / 1e9);
        return;
      }
      Thread.sleep(1000); // the status computes every consumer group's lag: not too often, its CPU is counted
    }
    progress("%s: a stage still %d records behind 5 min after all was queryable", target.name(), worst);
  }


  /** Strata: POST flush (n/a when not answered 2xx); Prometheus: a snapshot (its head as a block); VictoriaMetrics: force_flush and force_merge. */
  static void flush(Target target, Figures f, long samples) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long t = System.nanoTime();
    switch (target.name()) {
      case "Strata" -> {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(target.queryUrl() + "/api/v1/admin/tsdb/flush"))
            .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofMinutes(10)).build(), HttpResponse.BodyHandlers.ofString());
        Path store = target.dataDir().resolve("tsdb");
        if (r.statusCode() / 100 == 2) {
          f.dirAfterFlush = du(target.dataDir());
          f.bytesPerSample = du(store) / (double) samples;
          f.bytesPerSampleNote = "store dir `tsdb/`";
        } else {
          f.bytesPerSample = du(store) / (double) samples;
          f.bytesPerSampleNote = "store dir `tsdb/`, not flushed: flush answered " + r.statusCode();
        }
        progress("%s: flush answered %d in %.1f s", target.name(), r.statusCode(), (System.nanoTime() - t) / 1e9);
      }
      case "Prometheus" -> {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(target.queryUrl() + "/api/v1/admin/tsdb/snapshot"))
            .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofMinutes(10)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"name\":\"([^\"]+)\"").matcher(r.body());
        if (r.statusCode() == 200 && m.find()) {
          f.bytesPerSample = du(target.dataDir().resolve("snapshots").resolve(m.group(1))) / (double) samples;
          f.bytesPerSampleNote = "snapshot (the head written as a block)";
        }
        progress("%s: snapshot answered %d in %.1f s", target.name(), r.statusCode(), (System.nanoTime() - t) / 1e9);
      }
      default -> {
        http.send(HttpRequest.newBuilder(URI.create(target.queryUrl() + "/internal/force_flush")).build(), HttpResponse.BodyHandlers.discarding());
        http.send(HttpRequest.newBuilder(URI.create(target.queryUrl() + "/internal/force_merge")).build(), HttpResponse.BodyHandlers.discarding());
        Thread.sleep(5000); // force_merge returns before the merge ends
        f.dirAfterFlush = du(target.dataDir());
        f.bytesPerSample = f.dirAfterFlush / (double) samples;
        f.bytesPerSampleNote = "whole data dir";
      }
    }
  }

  /** Samples the tree every 200 ms: peak RSS; every second the CPU ticks of each thread of the root process (and the children as a whole). */
  static final class Sampler implements Runnable {
    final int pid;
    final boolean threads;
    volatile boolean stop;
    volatile long peakRss;
    /** "comm/tid" (for the root's threads) or "registry/pid" (for a child process) to the latest CPU ticks seen. */
    private final Map<String, Long> latest = new HashMap<>();

    Sampler(int pid, boolean threads) {
      this.pid = pid;
      this.threads = threads;
    }

    @Override
    public void run() {
      for (int tick = 0; !stop; tick++) {
        List<ProcTree.Stat> tree = ProcTree.tree(pid);
        peakRss = Math.max(peakRss, ProcTree.rssBytes(tree));
        if (threads && tick % 5 == 0) {
          sampleThreads(tree);
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    synchronized void sampleThreads(List<ProcTree.Stat> tree) {
      for (ProcTree.Stat s : tree) {
        if (s.pid() == pid) {
          for (ProcTree.Stat t : ProcTree.tasks(pid).values()) {
            latest.put(t.comm() + "/" + t.pid(), t.cpuTicks());
          }
        } else {
          latest.put("registry/" + s.pid(), s.cpuTicks() + s.cutime() + s.cstime());
        }
      }
    }

    /** The latest ticks of every thread seen so far, sampled now. */
    synchronized Map<String, Long> threadTicks() {
      if (threads) {
        sampleThreads(ProcTree.tree(pid));
      }
      return new HashMap<>(latest);
    }
  }

  /** CPU seconds by stage and by thread name (numbers folded to N) between two samples. */
  static void byThread(Map<String, Long> before, Map<String, Long> after, Map<String, Double> stageCpu, Map<String, Double> threadCpu) {
    Map<String, Double> stages = new HashMap<>();
    Map<String, Double> names = new HashMap<>();
    for (Map.Entry<String, Long> e : after.entrySet()) {
      double s = (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / ProcTree.TICKS_PER_SECOND;
      String comm = e.getKey().substring(0, e.getKey().lastIndexOf('/'));
      String stage = comm.equals("registry") ? "registry (child process)" : ProcTree.stage(comm);
      stages.merge(stage, s, Double::sum);
      names.merge(comm.replaceAll("[0-9]+", "N"), s, Double::sum);
    }
    stages.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).forEach(e -> stageCpu.put(e.getKey(), e.getValue()));
    names.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(20)
        .forEach(e -> threadCpu.put(e.getKey(), e.getValue()));
  }

  static String table(Map<String, Figures> r, long samples) {
    List<String> cols = new ArrayList<>();
    for (String c : new String[] {"Prometheus", "VictoriaMetrics", "Strata"}) {
      if (r.containsKey(c)) {
        cols.add(c);
      }
    }
    StringBuilder b = new StringBuilder("| figure |");
    cols.forEach(c -> b.append(' ').append(c).append(" |"));
    b.append("\n|---|");
    cols.forEach(c -> b.append("---|"));
    b.append('\n');
    row(b, "start to ready (s)", cols, r, f -> String.format("%.1f", f.readySeconds));
    row(b, "CPU-s per 1M samples (cold process)", cols, r, f -> String.format("%.1f", f.cold.cpuPerMillion()));
    row(b, "same, second load into a warm process", cols, r, f -> f.warm == null ? "" : String.format("%.1f", f.warm.cpuPerMillion()));
    row(b, "acknowledged samples/s", cols, r, f -> String.format("%,.0f k", f.cold.ackPerSecond() / 1e3)
        + (f.warm == null ? "" : String.format(" (warm %,.0f k)", f.warm.ackPerSecond() / 1e3)));
    row(b, "time from last ack until all queryable (s)", cols, r, f -> String.format("%.2f", f.cold.queryableSeconds())
        + (f.warm == null ? "" : String.format(" (warm %.2f)", f.warm.queryableSeconds())));
    row(b, "peak RSS, whole tree", cols, r, f -> mib(f.peakRss));
    row(b, "data dir right after ingest", cols, r, f -> mb(f.dirAfterIngest));
    row(b, "data dir after flush", cols, r, f -> f.dirAfterFlush < 0 ? "n/a" : mb(f.dirAfterFlush));
    row(b, "bytes/sample on disk after flush", cols, r, f -> String.format("%.2f (%s)", f.bytesPerSample, f.bytesPerSampleNote));
    row(b, "idle CPU after the load (cores), threads", cols, r, f -> String.format("%.3f, %d threads", f.idleCores, f.idleThreads));
    row(b, "range-query geomean, " + DashboardQueries.ALL.size() + " dashboard queries right after ingest, first run (ms)", cols, r,
        f -> String.format("%.1f", DashboardQueries.geomean(f.queryColdMs)));
    row(b, "same, median of the next " + Integer.getInteger("harness.reps", 3) + " runs (ms)", cols, r,
        f -> String.format("%.1f", DashboardQueries.geomean(f.queryWarmMs)));
    for (int i = 0; i < DashboardQueries.ALL.size(); i++) {
      int q = i;
      row(b, "&nbsp;&nbsp;" + DashboardQueries.ALL.get(i).name() + ", first / then (ms)", cols, r,
          f -> String.format("%.1f / %.1f", f.queryColdMs[q], f.queryWarmMs[q]));
    }
    return b.toString();
  }

  static void row(StringBuilder b, String name, List<String> cols, Map<String, Figures> r, java.util.function.Function<Figures, String> cell) {
    b.append("| ").append(name).append(" |");
    for (String c : cols) {
      b.append(' ').append(cell.apply(r.get(c))).append(" |");
    }
    b.append('\n');
  }

  static String breakdown(Map<String, Double> stageCpu, Map<String, Double> threadCpu) {
    StringBuilder b = new StringBuilder("| stage | CPU-s |\n|---|---|\n");
    stageCpu.forEach((k, v) -> b.append(String.format("| %s | %.1f |%n", k, v)));
    b.append("\n| thread name (digits as N) | CPU-s |\n|---|---|\n");
    threadCpu.forEach((k, v) -> b.append(String.format("| `%s` | %.1f |%n", k, v)));
    return b.toString();
  }

  public static void awaitReady(Target target, Process p) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(target.name() + " exited with " + p.exitValue() + " before it was ready");
      }
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(target.readyUrl())).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding())
            .statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(target.name() + " not ready after 5 min");
  }

  /** SIGTERM, then SIGKILL after 60 s; descendants still alive afterwards (a registry child) are killed too. */
  public static void stop(Process p) throws InterruptedException {
    List<ProcessHandle> descendants = p.descendants().toList();
    p.destroy();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    for (ProcessHandle d : descendants) {
      if (d.isAlive()) {
        d.destroy();
        d.onExit().completeOnTimeout(d, 10, TimeUnit.SECONDS).join();
        d.destroyForcibly();
      }
    }
  }

  /** Disk usage in bytes, as {@code du} counts it (allocated blocks). */
  static long du(Path dir) throws Exception {
    Process p = new ProcessBuilder("du", "-sB1", dir.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    String last = out.lines().reduce((a, b2) -> b2).orElse("");
    return Long.parseLong(last.split("\\s+")[0]);
  }

  static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  public static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  public static String mib(long bytes) {
    return String.format("%,.0f MiB", bytes / 1048576.0);
  }

  static String mb(long bytes) {
    return bytes < 0 ? "n/a" : String.format("%,.1f MB", bytes / 1e6);
  }

  private static final java.time.format.DateTimeFormatter CLOCK = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss");

  public static void progress(String format, Object... args) {
    System.out.printf("%s  %s%n", java.time.LocalTime.now().format(CLOCK), String.format(format, args));
    System.out.flush();
  }

  public static void delete(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
