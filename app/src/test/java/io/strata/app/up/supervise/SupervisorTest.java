package io.strata.app.up.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.StringWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The supervisor with stages written for the test (no mocks): readiness, remedies, lag bound, the status JSON. */
class SupervisorTest {
  private final PrometheusRegistry metrics = new PrometheusRegistry();
  private final Map<String, Long> lags = new HashMap<>();

  /** A stage that is broken until its remedy ran (or for good when {@code repairable} is false). */
  private static final class Breakable implements SupervisedStage {
    final String name;
    final boolean repairable;
    final AtomicBoolean broken = new AtomicBoolean();
    final AtomicInteger remedies = new AtomicInteger();

    Breakable(String name, boolean repairable) {
      this.name = name;
      this.repairable = repairable;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Check check() {
      if (!broken.get()) {
        return Check.OK;
      }
      return repairable ? Check.repair(name + " died", "restarting " + name, () -> {
        remedies.incrementAndGet();
        broken.set(false);
      }) : Check.problem(name + " is stuck");
    }

    @Override
    public String consumerGroup() {
      return "group-" + name;
    }

    @Override
    public void close() {}
  }

  private Supervisor supervisor(SupervisedStage... stages) {
    Supervisor s = new Supervisor(metrics, metrics, groups -> lags, 100, Duration.ofHours(1)); // checks only when the test asks
    for (SupervisedStage st : stages) {
      s.add(st);
    }
    return s;
  }

  @Test
  void aDeadStageIsNotReadyThenRepairedAndCounted() throws Exception {
    Breakable registry = new Breakable("registry", true);
    Breakable sink = new Breakable("sink", true);
    try (Supervisor s = supervisor(registry, sink)) {
      s.start();
      assertEquals(List.of(), s.notReady());
      registry.broken.set(true);
      s.checkNow(); // the first check after the failure runs the remedy at once
      assertEquals(List.of("registry"), s.notReady(), "not ready until a check sees it repaired");
      s.checkNow();
      assertEquals(List.of(), s.notReady());
      assertEquals(1, registry.remedies.get());
      assertEquals(0, sink.remedies.get());
      JsonNode st = stage(s, "registry");
      assertEquals(1, st.get("restarts").asInt());
      assertEquals("registry died", st.get("lastError").asText());
      assertTrue(st.get("problem").isNull(), "no problem now: " + st);
      assertEquals("running", st.get("state").asText());
      assertTrue(metricsText().contains("strata_stage_restarts_total{stage=\"registry\"} 1.0"), metricsText());
      assertTrue(metricsText().contains("strata_stage_restarts_total{stage=\"sink\"} 0.0"), "every stage shows from the start");
    }
  }

  @Test
  void aStageNothingRepairsStaysNotReadyAndIsNamed() throws Exception {
    Breakable rules = new Breakable("rules", false);
    rules.broken.set(true);
    try (Supervisor s = supervisor(new Breakable("kafka", true), rules)) {
      s.start();
      assertEquals(List.of("rules"), s.notReady());
      assertEquals(List.of("rules"), s.awaitReady(Duration.ofMillis(500)));
      JsonNode st = stage(s, "rules");
      assertEquals("down", st.get("state").asText());
      assertEquals("rules is stuck", st.get("problem").asText());
      assertEquals(0, st.get("restarts").asInt());
    }
  }

  @Test
  void consumerLagBeyondTheBoundMakesAStageNotReady() throws Exception {
    Breakable sink = new Breakable("sink", true);
    lags.put("group-sink", 101L);
    try (Supervisor s = supervisor(sink)) {
      s.start();
      assertEquals(List.of("sink"), s.notReady());
      JsonNode st = stage(s, "sink");
      assertEquals("lagging", st.get("state").asText());
      assertEquals(101, st.get("consumerLag").asLong());
      lags.put("group-sink", 100L);
      assertEquals(List.of(), s.awaitReady(Duration.ofSeconds(5)), "a lag at the bound is within it");
    }
  }

  private JsonNode stage(Supervisor s, String name) throws Exception {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
      s.write(g);
    }
    JsonNode data = new ObjectMapper().readTree(w.toString());
    for (JsonNode st : data.get("stages")) {
      if (st.get("name").asText().equals(name)) {
        return st;
      }
    }
    throw new AssertionError("no stage " + name + " in " + data);
  }

  private String metricsText() throws Exception {
    var out = new java.io.ByteArrayOutputStream();
    io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create().write(out, metrics.scrape());
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }
}
