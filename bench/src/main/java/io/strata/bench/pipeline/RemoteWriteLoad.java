package io.strata.bench.pipeline;

import static io.strata.bench.pipeline.PipelineHarness.progress;

import io.strata.bench.tsdb.NodeExporterLikeData;
import io.strata.ingest.kafka.SeriesSamples;
import io.strata.ingest.remotewrite.RemoteWriteV1Encoder;
import io.strata.schemas.model.Labels;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The remote_write load and its measurement shared by the pipeline harnesses ({@link PipelineHarness},
 * {@code ScaleOutHarness}): node_exporter-like requests, 4 connections sending them in time order, the wait
 * until every sample is queryable, and the wait until a process tree is idle.
 */
public final class RemoteWriteLoad {
  public static final int PER_REQUEST = 2_000;
  public static final int CONNECTIONS = 4;
  public static final long STEP = 15_000;
  /** A connection waits while it is this many requests ahead of the slowest (2,500 series per connection: about 10 min of data). */
  static final int MAX_LEAD = 50;

  private RemoteWriteLoad() {}

  /**
   * remote_write requests of NodeExporterLikeData ending at the same instant: connection {@code c} owns the
   * series {@code i % 4 == c}, each request holds the next 2,000 (series, time) pairs of its connection in time order.
   */
  public static List<List<byte[]>> requests(int series, int steps, long start, String job) {
    NodeExporterLikeData data = new NodeExporterLikeData(series);
    Labels[] labels = new Labels[series];
    for (int i = 0; i < series; i++) {
      labels[i] = withJob(data.labels(i), job);
    }
    List<List<byte[]>> out = new ArrayList<>();
    List<List<SeriesSamples>> pending = new ArrayList<>();
    for (int c = 0; c < CONNECTIONS; c++) {
      out.add(new ArrayList<>());
      pending.add(new ArrayList<>(PER_REQUEST));
    }
    for (int k = 0; k < steps; k++) {
      long ts = start + k * STEP;
      for (int i = 0; i < series; i++) {
        double v = data.next(i);
        List<SeriesSamples> batch = pending.get(i % CONNECTIONS);
        batch.add(SeriesSamples.of(labels[i], ts, v));
        if (batch.size() == PER_REQUEST) {
          out.get(i % CONNECTIONS).add(RemoteWriteV1Encoder.encode(batch));
          batch.clear();
        }
      }
    }
    for (int c = 0; c < CONNECTIONS; c++) {
      if (!pending.get(c).isEmpty()) {
        out.get(c).add(RemoteWriteV1Encoder.encode(pending.get(c)));
      }
    }
    return out;
  }

  public static Labels withJob(Labels l, String job) {
    String[] nv = new String[l.size() * 2];
    for (int i = 0; i < l.size(); i++) {
      nv[2 * i] = l.name(i);
      nv[2 * i + 1] = l.name(i).equals("job") ? job : l.value(i);
    }
    return Labels.of(nv);
  }

  /**
   * Sends every connection's requests on its own thread, connection {@code c} to {@code writeUrls[c % size]} (senders
   * spread over several ingests); returns System.nanoTime() of the last acknowledgement.
   */
  public static long send(String name, List<String> writeUrls, List<List<byte[]>> requests) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    AtomicIntegerArray done = new AtomicIntegerArray(requests.size());
    AtomicLong lastAck = new AtomicLong();
    AtomicLong retries = new AtomicLong();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    int total = requests.stream().mapToInt(List::size).sum();
    AtomicLong acked = new AtomicLong();
    for (int c = 0; c < requests.size(); c++) {
      int conn = c;
      Thread th = new Thread(() -> {
        try {
          List<byte[]> mine = requests.get(conn);
          String writeUrl = writeUrls.get(conn % writeUrls.size());
          for (int r = 0; r < mine.size() && errors.isEmpty(); r++) {
            while (r > minDone(done, requests) + MAX_LEAD && errors.isEmpty()) {
              Thread.sleep(1);
            }
            HttpRequest req = HttpRequest.newBuilder(URI.create(writeUrl)).timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0").POST(HttpRequest.BodyPublishers.ofByteArray(mine.get(r))).build();
            long backoff = 50;
            while (true) {
              HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
              if (resp.statusCode() / 100 == 2) {
                break;
              }
              if (resp.statusCode() / 100 == 5 || resp.statusCode() == 429) {
                retries.incrementAndGet(); // as Prometheus: retry with backoff
                Thread.sleep(backoff);
                backoff = Math.min(5_000, backoff * 2);
                continue;
              }
              throw new IllegalStateException(name + " refused a request: " + resp.statusCode() + " " + resp.body());
            }
            lastAck.accumulateAndGet(System.nanoTime(), Math::max);
            done.incrementAndGet(conn);
            long n = acked.incrementAndGet();
            if (n % Math.max(1, total / 10) == 0) {
              progress("%s: %d/%d requests acknowledged", name, n, total);
            }
          }
        } catch (Throwable e) {
          errors.add(e);
        }
      }, "remote-write-" + c);
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    if (!errors.isEmpty()) {
      throw new IllegalStateException("remote_write failed", errors.get(0));
    }
    if (retries.get() > 0) {
      progress("%s: %d requests retried after 5xx/429", name, retries.get());
    }
    return lastAck.get();
  }

  static int minDone(AtomicIntegerArray done, List<List<byte[]>> requests) {
    int min = Integer.MAX_VALUE;
    for (int c = 0; c < done.length(); c++) {
      if (done.get(c) < requests.get(c).size()) {
        min = Math.min(min, done.get(c));
      }
    }
    return min == Integer.MAX_VALUE ? 0 : min;
  }

  /**
   * Polls every 250 ms until every series has its newest sample ({@code count}), then checks the exact number of
   * samples ({@code sum(count_over_time)} over all of them); seconds from the last ack to the poll that saw all.
   */
  public static double awaitQueryable(String name, String queryUrl, int series, int steps, long end, String job, long lastAck) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String selector = "{job=\"" + job + "\"}";
    long expected = (long) series * steps;
    String exact = "sum(count_over_time(" + selector + "[" + (steps * 15 + 60) + "s]))";
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
    while (System.nanoTime() < deadline) {
      long polled = System.nanoTime();
      if (instant(http, queryUrl, "count(" + selector + ")", end) >= series) {
        double total = instant(http, queryUrl, exact, end);
        if (total == expected) {
          return (polled - lastAck) / 1e9;
        }
        if (total > expected) {
          throw new IllegalStateException(name + ": " + (long) total + " samples queryable, more than the " + expected + " sent");
        }
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(name + ": not every sample queryable 15 min after the last ack");
  }

  private static final Pattern VALUE = Pattern.compile("\"value\":\\[[^,]+,\"([^\"]+)\"\\]");

  /** The single value of an instant query at {@code timeMs}; 0 when empty or failing. */
  public static double instant(HttpClient http, String queryUrl, String promql, long timeMs) throws Exception {
    // nocache: VictoriaMetrics would otherwise answer from its rollup cache filled by an earlier, partial answer
    String url = queryUrl + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&time=" + timeMs / 1000.0 + "&nocache=1";
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
      Matcher m = VALUE.matcher(r.body());
      return r.statusCode() == 200 && m.find() ? Double.parseDouble(m.group(1)) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * Waits until the processes {@code roots} and their descendants used under {@code idleCores} in each of 3
   * consecutive seconds (at most 5 min); their CPU-s when that began.
   */
  public static double awaitIdle(List<Integer> roots, double idleCores) throws InterruptedException {
    double prev = ProcTree.cpuSeconds(ProcTree.forest(roots));
    double idleStart = prev;
    int quiet = 0;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (quiet < 3 && System.nanoTime() < deadline) {
      Thread.sleep(1000);
      double now = ProcTree.cpuSeconds(ProcTree.forest(roots));
      if (now - prev < idleCores) {
        if (quiet == 0) {
          idleStart = prev;
        }
        quiet++;
      } else {
        quiet = 0;
      }
      prev = now;
    }
    if (quiet < 3) {
      progress("not idle after 5 min: counting until now");
      return prev;
    }
    return idleStart;
  }
}
