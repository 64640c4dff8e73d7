package io.strata.tsdb.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.tsdb.Resolution;
import io.strata.tsdb.SampleCursor;
import io.strata.tsdb.StoredSeries;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs a child JVM ingesting a known sequence several times mid-ingest (mid-commit, mid-compaction,
 * wherever it is), restarts it from its committed offset each time, and checks that in the end exactly
 * the samples sent are stored: none missing, none doubled, every value right.
 */
class KillRestartTest {
  @TempDir Path dir;

  private Process start() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), KillRestartChild.class.getName(),
        dir.toString()).redirectErrorStream(true).start();
  }

  @Test
  void killedAnywhereAndRestartedFromCommittedOffsetsStoresEverySampleOnce() throws Exception {
    Random r = new Random(11);
    List<String> log = new ArrayList<>();
    long lastStart = -1;
    for (int kill = 0; kill < 5; kill++) {
      Process p = start();
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      int commitsToSee = 1 + r.nextInt(8);
      String line;
      while ((line = out.readLine()) != null) {
        log.add(kill + ": " + line);
        if (line.startsWith("START")) {
          long s = Long.parseLong(line.split(" ")[1]);
          assertTrue(s >= lastStart, "committed offset went back: " + log);
          lastStart = s;
        }
        if (line.startsWith("COMMIT") && --commitsToSee == 0) {
          break;
        }
        assertTrue(!line.startsWith("BAD"), String.join("\n", log));
      }
      Thread.sleep(r.nextInt(40)); // land anywhere: mid-append, mid-commit, mid-compaction
      p.destroyForcibly();
      p.waitFor();
      out.close();
    }
    Process p = start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        log.add("final: " + line);
      }
    }
    assertEquals(0, p.waitFor(), String.join("\n", log));
    assertTrue(log.get(log.size() - 1).startsWith("final: DONE"), String.join("\n", log));

    long total = (long) KillRestartChild.SERIES * KillRestartChild.STEPS;
    try (StrataStore s = StrataStore.open(KillRestartChild.config(dir).withBackgroundCompaction(false), new PrometheusRegistry())) {
      assertEquals(Map.of(KillRestartChild.PARTITION, total), s.committedOffsets());
      List<StoredSeries> all = s.select("t", Resolution.RAW, Long.MIN_VALUE / 2, Long.MAX_VALUE / 2, List.of());
      assertEquals(KillRestartChild.SERIES, all.size());
      long count = 0;
      double sum = 0;
      double expectedSum = 0;
      for (long i = 0; i < total; i++) {
        expectedSum += KillRestartChild.value(i);
      }
      for (StoredSeries ss : all) {
        int series = Integer.parseInt(ss.labels().get("series"));
        SampleCursor c = ss.samples();
        long step = 0;
        while (c.next()) {
          long offset = step * KillRestartChild.SERIES + series;
          assertEquals(KillRestartChild.timestamp(offset), c.timestamp(), "series " + series + " step " + step + " (missing or doubled)");
          assertEquals(KillRestartChild.value(offset), c.value(), "series " + series + " step " + step);
          sum += c.value();
          step++;
          count++;
        }
        assertEquals(KillRestartChild.STEPS, step, "samples of series " + series);
      }
      assertEquals(total, count);
      assertEquals(expectedSum, sum, 1e-6);
    }
    System.out.println(String.join("\n", log.stream().filter(l -> l.contains("START") || l.contains("DONE")).toList()));
  }
}
