package io.strata.ingest.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Whether ingest can write now, for {@code /-/ready}: the broker answers with the samples topic's partitions
 * and the schema registry answers {@code GET /subjects}. Checked every {@code interval} on its own thread
 * (each check bounded by {@link #TIMEOUT}), so {@code /-/ready} answers at once with the last result.
 */
public final class WriteReadiness implements AutoCloseable {
  /** How long one check waits for the broker or the registry: past it, the part counts as unreachable. */
  static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final Admin admin;
  private final String topic;
  private final URI subjects; // null: an in-memory registry (tests), always there
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final ScheduledExecutorService thread;
  private volatile String problem = "not checked yet";

  /**
   * @param clientConfig the producer's connection settings (bootstrap servers and overrides)
   * @param topic the samples topic, prefix included
   * @param registryUrl the registry ({@code mock://} is not checked)
   */
  public WriteReadiness(Map<String, Object> clientConfig, String topic, String registryUrl, Duration interval) {
    Map<String, Object> c = new HashMap<>(clientConfig);
    c.put(AdminClientConfig.CLIENT_ID_CONFIG, "strata-ingest-readiness");
    c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    // only the keys an admin client knows: the producer's own settings would be logged as unknown
    c.keySet().retainAll(AdminClientConfig.configNames());
    this.admin = Admin.create(c);
    this.topic = topic;
    String base = registryUrl.endsWith("/") ? registryUrl.substring(0, registryUrl.length() - 1) : registryUrl;
    this.subjects = base.startsWith("mock://") ? null : URI.create(base + "/subjects");
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "strata-ingest-readiness");
      t.setDaemon(true);
      return t;
    });
    check();
    thread.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Null when the last check found both reachable; else what ingest cannot reach, in a sentence. */
  public String problem() {
    return problem;
  }

  private void check() {
    String kafka = kafkaProblem();
    String registry = registryProblem();
    problem = kafka == null ? registry : registry == null ? kafka : kafka + "; " + registry;
  }

  private String kafkaProblem() {
    try {
      int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS)
          .get(topic).partitions().size();
      return partitions > 0 ? null : "Kafka: " + topic + " has no partitions";
    } catch (ExecutionException e) {
      return "Kafka unreachable or " + topic + " unreadable: " + e.getCause().getMessage();
    } catch (TimeoutException e) {
      return "Kafka unreachable: no answer within " + TIMEOUT.toSeconds() + " s";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private String registryProblem() {
    if (subjects == null) {
      return null;
    }
    try {
      int status = http.send(HttpRequest.newBuilder(subjects).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      return status == 200 ? null : "schema registry: GET " + subjects + " answered " + status;
    } catch (java.io.IOException e) {
      return "schema registry unreachable: GET " + subjects + " failed: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    admin.close(Duration.ofSeconds(2));
  }
}
