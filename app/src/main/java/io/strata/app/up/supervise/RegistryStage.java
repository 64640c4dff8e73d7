package io.strata.app.up.supervise;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.embedded.RegistryProcess;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.registry.SchemaRegistry;
import io.strata.schemas.registry.SubjectSchemas;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema registry child process and Strata's subjects in it ({@link SubjectSchemas#subjects}). Dead
 * (killed, crashed): started again on the same port and H2 file, so every schema id stays what it was. Alive
 * but not answering {@code /subjects} for {@link #HUNG_AFTER}: stopped and started again. Answering, but one of
 * Strata's subjects missing (deleted through the registry's API, or a lost database): every subject registered
 * again, as at start (a no-op for those still there), so producers in any language find them.
 */
public final class RegistryStage implements SupervisedStage {
  private static final Logger log = LoggerFactory.getLogger(RegistryStage.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Start-up takes 5-20 s on a busy 2-core machine; a registry silent for a minute is stuck, not slow. */
  static final Duration HUNG_AFTER = Duration.ofMinutes(1);

  /** What the stage runs: a {@link RegistryProcess}, or in the unit test a registry served in-process. */
  interface Registry {
    boolean isAlive();

    /** Null while it runs. */
    Integer exitCode();

    /** The Confluent-compatible base URL. */
    String url();

    void close();
  }

  private final Supplier<Registry> starter;
  private final String topicPrefix;
  private final List<String> resolutions;
  private final Set<String> subjects;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private volatile Registry current;
  private long failingSince = Long.MIN_VALUE;

  /**
   * Starts the registry and registers Strata's subjects ({@link SubjectSchemas#registerAll}).
   *
   * @param starter starts a registry and returns it once it answers (the first one included)
   */
  public RegistryStage(Supplier<RegistryProcess> starter, String topicPrefix, List<String> resolutions) {
    this(topicPrefix, resolutions, () -> child(starter.get()));
  }

  RegistryStage(String topicPrefix, List<String> resolutions, Supplier<Registry> starter) {
    this.starter = starter;
    this.topicPrefix = topicPrefix;
    this.resolutions = List.copyOf(resolutions);
    this.subjects = SubjectSchemas.subjects(topicPrefix, resolutions).keySet();
    this.current = starter.get();
    try {
      registerSubjects();
    } catch (RuntimeException e) {
      current.close();
      throw e;
    }
  }

  public String url() {
    return current.url();
  }

  @Override
  public String name() {
    return "registry";
  }

  @Override
  public Check check() {
    Registry r = current;
    if (!r.isAlive()) {
      return Check.repair("the registry process exited (code " + r.exitCode() + ")", "starting the registry again", this::restart);
    }
    String problem;
    List<String> missing = List.of();
    try {
      HttpResponse<String> resp = http.send(io.strata.schemas.registry.RegistryUrl.request(r.url(), "/subjects").timeout(Duration.ofSeconds(5)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (resp.statusCode() == 200) {
        missing = missing(resp.body());
        problem = missing == null ? "GET /subjects answered no JSON array of subjects" : null;
      } else {
        problem = "GET /subjects answered " + resp.statusCode();
      }
    } catch (java.io.IOException e) {
      problem = "GET /subjects failed: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Check.problem("interrupted");
    }
    long now = System.nanoTime();
    if (problem == null) {
      failingSince = Long.MIN_VALUE;
      if (!missing.isEmpty()) {
        return Check.repair("subjects missing from the registry: " + missing, "registering Strata's subjects again", this::registerSubjects);
      }
      return Check.OK;
    }
    if (failingSince == Long.MIN_VALUE) {
      failingSince = now;
    }
    if (now - failingSince >= HUNG_AFTER.toNanos()) {
      return Check.repair(problem + " for " + HUNG_AFTER.toSeconds() + " s", "stopping and starting the registry again", this::restart);
    }
    return Check.problem(problem);
  }

  /** Strata's subjects absent from a {@code GET /subjects} answer, or null when it is not a JSON array. */
  private List<String> missing(String body) {
    JsonNode listed;
    try {
      listed = JSON.readTree(body);
    } catch (java.io.IOException e) {
      return null;
    }
    if (listed == null || !listed.isArray()) {
      return null;
    }
    Set<String> present = new HashSet<>();
    listed.forEach(s -> present.add(s.asText()));
    List<String> missing = new ArrayList<>();
    for (String s : subjects) {
      if (!present.contains(s)) {
        missing.add(s);
      }
    }
    return missing;
  }

  private void registerSubjects() {
    try (SchemaRegistry registry = SchemaRegistries.forUrl(current.url())) {
      log.info("registered subjects {}", SubjectSchemas.registerAll(registry, topicPrefix, resolutions));
    }
  }

  private void restart() {
    current.close();
    failingSince = Long.MIN_VALUE;
    current = starter.get();
  }

  @Override
  public void close() {
    current.close();
  }

  private static Registry child(RegistryProcess p) {
    return new Registry() {
      @Override
      public boolean isAlive() {
        return p.isAlive();
      }

      @Override
      public Integer exitCode() {
        return p.exitCode();
      }

      @Override
      public String url() {
        return p.url();
      }

      @Override
      public void close() {
        p.close();
      }
    };
  }
}
