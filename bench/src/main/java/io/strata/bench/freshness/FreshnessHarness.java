package io.strata.bench.freshness;

import com.sun.net.httpserver.HttpServer;
import io.strata.bench.pipeline.PipelineHarness;
import io.strata.bench.pipeline.PipelineHarness.Target;
import io.strata.bench.pipeline.ProcTree;
import io.strata.bench.tsdb.NodeExporterLikeData;
import io.strata.ingest.kafka.SeriesSamples;
import io.strata.ingest.remotewrite.RemoteWriteV1Encoder;
import io.strata.schemas.model.Labels;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Freshness of every push path (issue 11, item 4): how long after the acknowledgement a sample is queryable, on a
 * fresh {@code strata up} tree, while a background remote_write load flows and then with no load; and what the
 * tree costs when idle afterwards, thread by thread.
 *
 * <p>Probes, one per push path {@code harness.probeMs} (1 s) after the previous one was answered (fewer when the
 * tree answers slowly), each a new series {@code strata_fresh_probe{path,probe}}
 * with a unique {@code probe} label: remote_write 1.0 (one sample at the send time), OTLP/HTTP metrics (JSON, a
 * gauge point), a Pushgateway {@code PUT /metrics/job/fresh-probe/probe/<id>}, and a scraped target (an HTTP
 * exporter in this JVM that the tree scrapes every 1 s; each scrape during a phase adds a probe series, each
 * series stays exposed for 60 scrapes). One poller asks {@code /api/v1/query} every {@code harness.pollMs} (25 ms)
 * for the probes not seen yet ({@code probe=~"id|id..."}); a probe's latency runs from its acknowledgement (for the
 * scraped one: from the moment the exporter began to answer that scrape, a few ms after the scrape's timestamp) to
 * the receipt of the first answer that holds it, so it errs on the long side by at most one query's duration.
 *
 * <p>Background load: SERIES node_exporter-like series ({@link NodeExporterLikeData}, {@code job="fresh-load"}),
 * each round all series at the current time, paced to RATE samples/s, in remote_write 1.0 requests of 2,000 samples
 * over 4 connections (5xx/429 retried with backoff, as Prometheus); encoded live by a generator thread, so the
 * harness's own CPU (reported) competes with the tree on a small machine. When the tree cannot keep up the generator
 * blocks on the senders and the rate reached is what is reported.
 *
 * <p>Phases: {@code load} (LOAD_S seconds of load and probes), then the stages catch up (consumer lag at most 100
 * records), {@code idle} (IDLE_S seconds of probes without load), then the idle cost: the scrape config is
 * replaced by the one a default {@code strata up} writes (its own two ports at 15 s; SIGHUP) and, after
 * {@code harness.idleSettleSeconds} (30),
 * CPU of every thread over {@code harness.idleProfileSeconds} (60) is read from {@code /proc/<pid>/task/*\/stat}.
 *
 * <p>Run from the repository root (bench/README.md):
 * {@code java -cp bench/target/classes:$(cat /tmp/bench.cp) io.strata.bench.freshness.FreshnessHarness [RATE LOAD_S IDLE_S SERIES]},
 * defaults {@code 200000 60 30 20000}; {@code -Dharness.repo=DIR}, {@code -Dharness.probeMs=1000},
 * {@code -Dharness.pollMs=25}, {@code -Dharness.idleProfileSeconds=60}, {@code -Dharness.javaOpts=...} (STRATA_JAVA_OPTS of the tree).
 */
public final class FreshnessHarness {
  static final int PER_REQUEST = 2_000;
  static final int CONNECTIONS = 4;
  static final String[] PATHS = {"remote_write", "otlp", "pushgateway", "scrape"};
  /** How many scrapes a scraped probe series stays exposed. */
  static final int SCRAPE_KEEP = 60;
  static final String METRIC = "strata_fresh_probe";

  private FreshnessHarness() {}

  /** One probe: its path, unique id, phase, when it was acknowledged (nanoTime) and when first seen (0: not yet). */
  static final class Probe {
    final String path;
    final String id;
    final String phase;
    final long ackNanos;
    volatile long seenNanos;

    Probe(String path, String id, String phase, long ackNanos) {
      this.path = path;
      this.id = id;
      this.phase = phase;
      this.ackNanos = ackNanos;
    }
  }

  /** Probes by id; the phase new probes belong to (null: send none). */
  static final Map<String, Probe> probes = new ConcurrentHashMap<>();
  static final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
  static volatile String phase;
  static volatile boolean stopping;

  public static void main(String[] args) throws Exception {
    double rate = args.length > 0 ? Double.parseDouble(args[0]) : 200_000;
    int loadSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    int idleSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    int series = args.length > 3 ? Integer.parseInt(args[3]) : 20_000;
    int probeMs = Integer.getInteger("harness.probeMs", 1000);
    int pollMs = Integer.getInteger("harness.pollMs", 25);
    int profileSeconds = Integer.getInteger("harness.idleProfileSeconds", 60);
    Path repo = Path.of(System.getProperty("harness.repo", ".")).toAbsolutePath().normalize();
    Path strataScript = repo.resolve("strata");
    if (!Files.isExecutable(strataScript)) {
      throw new IllegalArgumentException("no " + strataScript + ": run from the repository root or pass -Dharness.repo=DIR");
    }
    Path work = Files.createTempDirectory("strata-freshness-bench");
    PipelineHarness.progress("rate %,.0f samples/s over %,d series for %d s, then %d s idle; probes every %d ms, polls every %d ms; work dir %s; load average %s",
        rate, series, loadSeconds, idleSeconds, probeMs, pollMs, work, PipelineHarness.loadAverage());

    Process build = new ProcessBuilder(strataScript.toString(), "--help").redirectErrorStream(true).redirectOutput(work.resolve("build.log").toFile()).start();
    if (build.waitFor() != 0) {
      throw new IllegalStateException("strata --help failed: " + Files.readString(work.resolve("build.log")));
    }

    Exporter exporter = new Exporter();
    int queryPort = PipelineHarness.freePort();
    int ingestPort = PipelineHarness.freePort();
    Path scrapeConfig = Files.writeString(work.resolve("prometheus.yml"), "global:\n  scrape_interval: 15s\nscrape_configs:\n"
        + "  - job_name: fresh-scrape\n    scrape_interval: 1s\n    scrape_timeout: 1s\n    static_configs:\n      - targets: ['127.0.0.1:" + exporter.port() + "']\n");
    Path data = work.resolve("strata");
    List<String> cmd = List.of(strataScript.toString(), "up", "--data-dir", data.toString(), "--scrape-config", scrapeConfig.toString(),
        "--query-port", Integer.toString(queryPort), "--ingest-port", Integer.toString(ingestPort), "--kafka-port",
        Integer.toString(PipelineHarness.freePort()), "--kafka-controller-port", Integer.toString(PipelineHarness.freePort()), "--registry-port",
        Integer.toString(PipelineHarness.freePort()), "--connect-port", Integer.toString(PipelineHarness.freePort()));
    String q = "http://127.0.0.1:" + queryPort;
    String ingest = "http://127.0.0.1:" + ingestPort;
    Target strata = new Target("Strata", cmd, data, q, ingest + "/api/v1/write", q + "/-/ready", true);

    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("strata.log").toFile());
    if (System.getProperty("harness.javaOpts") != null) {
      pb.environment().put("STRATA_JAVA_OPTS", System.getProperty("harness.javaOpts"));
    }
    PipelineHarness.progress("starting %s", String.join(" ", cmd));
    long t0 = System.nanoTime();
    Process p = pb.start();
    int pid = (int) p.pid();
    List<Thread> threads = new ArrayList<>();
    try {
      PipelineHarness.awaitReady(strata, p);
      PipelineHarness.progress("ready in %.1f s", (System.nanoTime() - t0) / 1e9);
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
      threads.add(daemon("poller", () -> poll(http, q, pollMs)));
      for (String path : new String[] {"remote_write", "otlp", "pushgateway"}) {
        threads.add(daemon("probe-" + path, () -> probeLoop(http, ingest, path, probeMs)));
      }

      // load phase
      Load load = new Load(strata.writeUrl(), series, rate);
      double treeCpu0 = ProcTree.cpuSeconds(ProcTree.tree(pid));
      double ownCpu0 = ownCpuSeconds();
      double[] commits0 = commits(http, q);
      long l0 = System.nanoTime();
      load.start();
      phase = "load";
      Thread.sleep(loadSeconds * 1000L);
      phase = null;
      load.stop();
      double loadWall = (System.nanoTime() - l0) / 1e9;
      double treeCores = (ProcTree.cpuSeconds(ProcTree.tree(pid)) - treeCpu0) / loadWall;
      double ownCores = (ownCpuSeconds() - ownCpu0) / loadWall;
      PipelineHarness.progress("load: %,d samples acknowledged in %.1f s = %,.0f samples/s (asked %,.0f), %d retries after 5xx/429; tree %.2f cores, harness %.2f cores",
          load.acked.get(), loadWall, load.acked.get() / loadWall, rate, load.retries.get(), treeCores, ownCores);
      double[] commits1 = commits(http, q);
      double n = commits1[0] - commits0[0];
      double secs = commits1[1] - commits0[1];
      String commitLine = String.format("store commits during the load (both sink tasks): %.0f taking %.1f s in all (%.0f ms each; %.0f%% of the load's wall time)",
          n, secs, n == 0 ? 0 : secs / n * 1000, secs / loadWall * 100);
      PipelineHarness.progress("%s", commitLine);
      String loadLine = String.format("%,.0f samples/s acknowledged (asked %,.0f; %,d series, %,d samples in %.0f s, %d retries after 5xx/429); "
          + "tree %.2f cores, harness %.2f cores", load.acked.get() / loadWall, rate, series, load.acked.get(), loadWall, load.retries.get(), treeCores, ownCores);
      long c0 = System.nanoTime();
      PipelineHarness.awaitCaughtUp(strata);
      double catchUp = (System.nanoTime() - c0) / 1e9;
      awaitSeen("load", 60);

      // idle phase
      phase = "idle";
      Thread.sleep(idleSeconds * 1000L);
      phase = null;
      awaitSeen("idle", 30);
      stopping = true;

      // idle cost: the scrape config of a default `strata up`
      Files.writeString(scrapeConfig, "global:\n  scrape_interval: 15s\nscrape_configs:\n  - job_name: strata\n    static_configs:\n      - targets: ['127.0.0.1:"
          + queryPort + "', '127.0.0.1:" + ingestPort + "']\n");
      new ProcessBuilder("kill", "-HUP", Integer.toString(pid)).start().waitFor();
      Thread.sleep(Integer.getInteger("harness.idleSettleSeconds", 30) * 1000L); // the JIT's queue of the load drains
      IdleProfile idle = IdleProfile.measure(pid, profileSeconds);

      System.out.println();
      System.out.printf("load average at the end: %s%n%n", PipelineHarness.loadAverage());
      System.out.printf("background load: %s; stages caught up %.1f s after the load ended; %s%n%n", loadLine, catchUp, commitLine);
      System.out.print(latencyTable());
      System.out.println();
      System.out.print(idle.table());
    } finally {
      stopping = true;
      phase = null;
      PipelineHarness.stop(p);
      exporter.close();
      for (Thread t : threads) {
        t.interrupt();
      }
      PipelineHarness.delete(work);
    }
  }

  private static final Pattern COMMIT_COUNT = Pattern.compile("(?m)^strata_tsdb_commit_duration_seconds_count(?:\\{[^}]*\\})? (\\S+)");
  private static final Pattern COMMIT_SUM = Pattern.compile("(?m)^strata_tsdb_commit_duration_seconds_sum(?:\\{[^}]*\\})? (\\S+)");

  /** The store's commits so far and the seconds they took ({@code strata_tsdb_commit_duration_seconds} on the query port's /metrics). */
  static double[] commits(HttpClient http, String queryUrl) throws Exception {
    String body = http.send(HttpRequest.newBuilder(URI.create(queryUrl + "/metrics")).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Matcher c = COMMIT_COUNT.matcher(body);
    Matcher s = COMMIT_SUM.matcher(body);
    return new double[] {c.find() ? Double.parseDouble(c.group(1)) : Double.NaN, s.find() ? Double.parseDouble(s.group(1)) : Double.NaN};
  }

  static Thread daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  static double ownCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  private static final AtomicLong ids = new AtomicLong();

  static String nextId(String phase) {
    return phase.charAt(0) + Long.toString(ids.incrementAndGet());
  }

  /** Sends a probe on {@code path} every {@code everyMs} (with a random offset) while a phase runs. */
  static void probeLoop(HttpClient http, String ingest, String path, int everyMs) {
    java.util.Random random = new java.util.Random(path.hashCode());
    try {
      Thread.sleep(random.nextInt(everyMs));
      while (!stopping) {
        String ph = phase;
        if (ph != null) {
          String id = nextId(ph);
          try {
            HttpResponse<String> r = http.send(probeRequest(ingest, path, id), HttpResponse.BodyHandlers.ofString());
            long ack = System.nanoTime();
            if (r.statusCode() / 100 == 2) {
              probes.put(id, new Probe(path, id, ph, ack));
            } else {
              failures.computeIfAbsent(path + " " + r.statusCode(), k -> new AtomicLong()).incrementAndGet();
            }
          } catch (java.io.IOException e) {
            failures.computeIfAbsent(path + " " + e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
          }
        }
        Thread.sleep(everyMs);
      }
    } catch (InterruptedException e) {
      // stopped
    }
  }

  static HttpRequest probeRequest(String ingest, String path, String id) {
    long now = System.currentTimeMillis();
    HttpRequest.Builder b;
    switch (path) {
      case "remote_write" -> {
        byte[] body = RemoteWriteV1Encoder.encode(List.of(SeriesSamples.of(
            Labels.of("__name__", METRIC, "job", "fresh-probe", "path", path, "probe", id), now, 1)));
        b = HttpRequest.newBuilder(URI.create(ingest + "/api/v1/write")).header("Content-Type", "application/x-protobuf")
            .header("Content-Encoding", "snappy").header("X-Prometheus-Remote-Write-Version", "0.1.0").POST(HttpRequest.BodyPublishers.ofByteArray(body));
      }
      case "otlp" -> {
        String json = "{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"fresh-probe\"}}]},"
            + "\"scopeMetrics\":[{\"metrics\":[{\"name\":\"" + METRIC + "\",\"gauge\":{\"dataPoints\":[{\"attributes\":["
            + "{\"key\":\"path\",\"value\":{\"stringValue\":\"otlp\"}},{\"key\":\"probe\",\"value\":{\"stringValue\":\"" + id + "\"}}],"
            + "\"timeUnixNano\":\"" + now * 1_000_000 + "\",\"asDouble\":1}]}}]}]}]}";
        b = HttpRequest.newBuilder(URI.create(ingest + "/v1/metrics")).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
      }
      case "pushgateway" -> b = HttpRequest.newBuilder(URI.create(ingest + "/metrics/job/fresh-probe/probe/" + id))
          .PUT(HttpRequest.BodyPublishers.ofString("# TYPE " + METRIC + " gauge\n" + METRIC + "{path=\"pushgateway\"} 1\n"));
      default -> throw new IllegalArgumentException(path);
    }
    return b.timeout(Duration.ofSeconds(30)).build();
  }

  private static final Pattern RESULT_METRIC = Pattern.compile("\"metric\":\\{([^}]*)\\}");
  private static final Pattern PROBE_LABEL = Pattern.compile("\"probe\":\"([^\"]+)\"");

  /** Asks for the probes not seen yet every {@code everyMs}; marks those in the answer seen at its receipt. */
  static void poll(HttpClient http, String queryUrl, int everyMs) {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        StringBuilder ids = new StringBuilder();
        for (Probe pr : probes.values()) {
          if (pr.seenNanos == 0) {
            ids.append(ids.length() == 0 ? "" : "|").append(pr.id);
          }
        }
        if (ids.length() > 0) {
          String promql = METRIC + "{probe=~\"" + ids + "\"}";
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(queryUrl + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
              .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
          long received = System.nanoTime();
          Matcher m = RESULT_METRIC.matcher(r.body());
          while (m.find()) {
            Matcher id = PROBE_LABEL.matcher(m.group(1));
            if (id.find()) {
              Probe pr = probes.get(id.group(1));
              if (pr != null && pr.seenNanos == 0) {
                pr.seenNanos = received;
              }
            }
          }
        }
        Thread.sleep(everyMs);
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        failures.computeIfAbsent("poll " + e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
      }
    }
  }

  /** Waits (at most {@code seconds}) until every probe of the phase has been seen. */
  static void awaitSeen(String ph, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (probes.values().stream().noneMatch(pr -> pr.phase.equals(ph) && pr.seenNanos == 0)) {
        return;
      }
      Thread.sleep(100);
    }
    PipelineHarness.progress("%s: %d probes not seen %d s after the phase", ph,
        probes.values().stream().filter(pr -> pr.phase.equals(ph) && pr.seenNanos == 0).count(), seconds);
  }

  /** Per phase and path: probes, ack-to-queryable p50/p99/max, and probes never seen. */
  static String latencyTable() {
    StringBuilder b = new StringBuilder("| phase | path | probes | p50 (ms) | p99 (ms) | max (ms) | not seen |\n|---|---|---|---|---|---|---|\n");
    for (String ph : new String[] {"load", "idle"}) {
      for (String path : PATHS) {
        List<Double> ms = new ArrayList<>();
        long unseen = 0;
        for (Probe pr : probes.values()) {
          if (pr.phase.equals(ph) && pr.path.equals(path)) {
            if (pr.seenNanos == 0) {
              unseen++;
            } else {
              ms.add((pr.seenNanos - pr.ackNanos) / 1e6);
            }
          }
        }
        ms.sort(null);
        b.append(String.format("| %s | %s | %d | %s | %s | %s | %d |%n", ph, path, ms.size() + unseen, pct(ms, 0.5), pct(ms, 0.99),
            ms.isEmpty() ? "-" : String.format("%.0f", ms.get(ms.size() - 1)), unseen));
      }
    }
    if (!failures.isEmpty()) {
      b.append("\nfailures: ").append(failures).append('\n');
    }
    return b.toString();
  }

  static String pct(List<Double> sorted, double q) {
    if (sorted.isEmpty()) {
      return "-";
    }
    int i = (int) Math.ceil(q * sorted.size()) - 1;
    return String.format("%.0f", sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))));
  }

  /**
   * The scraped target: each scrape during a phase adds a probe series (acknowledged, for the latency, at the
   * moment the request came in: the scrape's timestamp is its start, a few ms before); the last
   * {@link #SCRAPE_KEEP} stay exposed, so a late one is still there when the poller looks.
   */
  static final class Exporter implements AutoCloseable {
    private final HttpServer server;
    private final ArrayDeque<String> exposed = new ArrayDeque<>();

    Exporter() throws java.io.IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
      server.createContext("/metrics", ex -> {
        long at = System.nanoTime();
        String body;
        synchronized (exposed) {
          String ph = phase;
          if (ph != null && !stopping) {
            String id = nextId(ph);
            probes.put(id, new Probe("scrape", id, ph, at));
            exposed.addLast(id);
            while (exposed.size() > SCRAPE_KEEP) {
              exposed.removeFirst();
            }
          }
          StringBuilder s = new StringBuilder("# TYPE " + METRIC + " gauge\n");
          for (String id : exposed) {
            s.append(METRIC).append("{path=\"scrape\",probe=\"").append(id).append("\"} 1\n");
          }
          body = s.toString();
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
      });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /**
   * The background remote_write load: a generator thread encodes rounds (every series at the current time),
   * paced to the rate; four senders post them. A full queue blocks the generator: the rate reached is what the
   * tree acknowledged.
   */
  record Req(byte[] bytes, int samples) {}

  static final class Load {
    final String url;
    final int series;
    final double rate;
    final AtomicLong acked = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final BlockingQueue<Req> queue = new ArrayBlockingQueue<>(CONNECTIONS * 2);
    final List<Thread> threads = new ArrayList<>();
    volatile boolean stop;

    Load(String url, int series, double rate) {
      this.url = url;
      this.series = series;
      this.rate = rate;
    }

    void start() {
      threads.add(daemon("load-generator", this::generate));
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
      for (int c = 0; c < CONNECTIONS; c++) {
        threads.add(daemon("load-sender-" + c, () -> send(http)));
      }
    }

    void stop() throws InterruptedException {
      stop = true;
      for (Thread t : threads) {
        t.join(TimeUnit.MINUTES.toMillis(2));
      }
    }

    void generate() {
      NodeExporterLikeData data = new NodeExporterLikeData(series);
      Labels[] labels = new Labels[series];
      for (int i = 0; i < series; i++) {
        labels[i] = data.labels(i).with("job", "fresh-load");
      }
      long roundNanos = (long) (series / rate * 1e9);
      long next = System.nanoTime();
      long lastTs = 0;
      List<SeriesSamples> batch = new ArrayList<>(PER_REQUEST);
      try {
        while (!stop) {
          long ts = Math.max(System.currentTimeMillis(), lastTs + 1);
          lastTs = ts;
          for (int i = 0; i < series && !stop; i++) {
            batch.add(SeriesSamples.of(labels[i], ts, data.next(i)));
            if (batch.size() == PER_REQUEST || i == series - 1) {
              queue.put(new Req(RemoteWriteV1Encoder.encode(batch), batch.size()));
              batch.clear();
            }
          }
          next += roundNanos;
          long wait = next - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          } else if (wait < -roundNanos) {
            next = System.nanoTime(); // behind: no burst to catch up
          }
        }
      } catch (InterruptedException e) {
        // stopped
      }
    }

    void send(HttpClient http) {
      try {
        while (!stop || !queue.isEmpty()) {
          Req body = queue.poll(100, TimeUnit.MILLISECONDS);
          if (body == null) {
            continue;
          }
          HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2)).header("Content-Type", "application/x-protobuf")
              .header("Content-Encoding", "snappy").header("X-Prometheus-Remote-Write-Version", "0.1.0")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes())).build();
          long backoff = 50;
          while (true) {
            HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() / 100 == 2) {
              break;
            }
            if (r.statusCode() / 100 != 5 && r.statusCode() != 429) {
              throw new IllegalStateException("load refused: " + r.statusCode());
            }
            retries.incrementAndGet();
            Thread.sleep(backoff);
            backoff = Math.min(5_000, backoff * 2);
          }
          acked.addAndGet(body.samples());
        }
      } catch (InterruptedException e) {
        // stopped
      } catch (Exception e) {
        failures.computeIfAbsent("load " + e, k -> new AtomicLong()).incrementAndGet();
      }
    }
  }

  /** CPU of every thread of the root process (and the registry child) over an idle window. */
  record IdleProfile(double seconds, double cores, int threads, Map<String, Double> byStage, Map<String, Double> byName) {
    static IdleProfile measure(int pid, int seconds) throws InterruptedException {
      Map<String, Long> before = ticks(pid);
      double c0 = ProcTree.cpuSeconds(ProcTree.tree(pid));
      long t0 = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      Map<String, Long> after = ticks(pid);
      List<ProcTree.Stat> tree = ProcTree.tree(pid);
      double wall = (System.nanoTime() - t0) / 1e9;
      double cores = (ProcTree.cpuSeconds(tree) - c0) / wall;
      Map<String, Double> stages = new HashMap<>();
      Map<String, Double> names = new HashMap<>();
      for (Map.Entry<String, Long> e : after.entrySet()) {
        double s = (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / ProcTree.TICKS_PER_SECOND / wall;
        String comm = e.getKey().substring(0, e.getKey().lastIndexOf('/'));
        stages.merge(comm.equals("registry") ? "registry (child process)" : ProcTree.stage(comm), s, Double::sum);
        names.merge(comm.replaceAll("[0-9]+", "N"), s, Double::sum);
      }
      PipelineHarness.progress("idle: %.4f cores over %.0f s, %d threads", cores, wall, ProcTree.threads(tree));
      return new IdleProfile(wall, cores, ProcTree.threads(tree), sorted(stages, 100), sorted(names, 30));
    }

    static Map<String, Long> ticks(int pid) {
      Map<String, Long> out = new HashMap<>();
      for (ProcTree.Stat s : ProcTree.tree(pid)) {
        if (s.pid() == pid) {
          for (ProcTree.Stat t : ProcTree.tasks(pid).values()) {
            out.put(t.comm() + "/" + t.pid(), t.cpuTicks());
          }
        } else {
          out.put("registry/" + s.pid(), s.cpuTicks() + s.cutime() + s.cstime());
        }
      }
      return out;
    }

    static Map<String, Double> sorted(Map<String, Double> m, int limit) {
      Map<String, Double> out = new LinkedHashMap<>();
      m.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(limit).forEach(e -> out.put(e.getKey(), e.getValue()));
      return out;
    }

    String table() {
      StringBuilder b = new StringBuilder(String.format("idle: %.4f cores over %.0f s, %d threads%n%n| stage | cores |%n|---|---|%n", cores, seconds, threads));
      byStage.forEach((k, v) -> b.append(String.format("| %s | %.4f |%n", k, v)));
      b.append("\n| thread name (digits as N) | cores |\n|---|---|\n");
      byName.forEach((k, v) -> b.append(String.format("| `%s` | %.4f |%n", k, v)));
      return b.toString();
    }
  }
}
