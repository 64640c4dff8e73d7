package io.strata.embedded;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.Herder;
import org.apache.kafka.connect.runtime.distributed.DistributedHerder;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka Connect worker in this JVM with its REST API, standalone ({@link #start}) or one member of a
 * distributed Connect cluster ({@link #startDistributed}). Connector plugins are found on the classpath through
 * META-INF/services. Sink connectors keep their offsets in the consumer group {@code connect-<name>}; the standalone
 * offsets file only holds source offsets.
 */
public final class ConnectWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConnectWorker.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The name of the thread Connect's own shutdown hook runs in ({@code Connect.start}). */
  private static final String CONNECT_SHUTDOWN_HOOK = "connect-shutdown-hook";
  private final Connect<? extends Herder> connect;
  private final String restUrl;

  private ConnectWorker(Connect<? extends Herder> connect, String restUrl) {
    this.connect = connect;
    this.restUrl = restUrl;
  }

  /**
   * @param offsetFlushMs how often the worker asks sink tasks to commit (preCommit): the bound on how much
   *     a crash makes Kafka re-deliver, and how long acknowledged data waits to become durable in a sink
   */
  public static ConnectWorker start(String bootstrap, String host, int restPort, Path dir, long offsetFlushMs, Map<String, String> overrides) {
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot create " + dir, e);
    }
    Map<String, String> p = common(bootstrap, host, restPort, offsetFlushMs);
    p.put("offset.storage.file.filename", dir.resolve("connect.offsets").toString());
    p.putAll(overrides);
    Connect<StandaloneHerder> connect = new ConnectStandalone().startConnect(p);
    String url = "http://" + host + ":" + restPort;
    log.info("Kafka Connect worker REST at {}", url);
    return new ConnectWorker(connect, url);
  }

  /**
   * A worker of the distributed Connect cluster {@code groupId}: connector configs, source offsets and statuses live
   * in the topics {@link #internalTopics} names (created by the worker when missing, at {@code replicationFactor};
   * -1 takes the broker's {@code default.replication.factor}), connectors and tasks are spread over the group's
   * workers and move when one joins or leaves. A worker that leaves without a word (kill -9) keeps its tasks
   * unassigned for {@code scheduled.rebalance.max.delay.ms} (given in {@code overrides}), so that a quick restart
   * takes them back; its sink tasks' partitions move sooner, when their consumers' session expires.
   *
   * @param advertisedHost the host other workers reach this one's REST on (requests a follower forwards to the leader)
   */
  public static ConnectWorker startDistributed(String bootstrap, String host, String advertisedHost, int restPort, String groupId,
      String topicPrefix, short replicationFactor, long offsetFlushMs, Map<String, String> overrides) {
    Map<String, String> p = common(bootstrap, host, restPort, offsetFlushMs);
    p.put("group.id", groupId);
    p.put("rest.advertised.host.name", advertisedHost);
    p.put("rest.advertised.port", Integer.toString(restPort));
    List<String> topics = internalTopics(topicPrefix, groupId);
    p.put("config.storage.topic", topics.get(0));
    p.put("offset.storage.topic", topics.get(1));
    p.put("status.storage.topic", topics.get(2));
    for (String store : List.of("config", "offset", "status")) {
      p.put(store + ".storage.replication.factor", Short.toString(replicationFactor));
    }
    p.putAll(overrides);
    Connect<DistributedHerder> connect = new ConnectDistributed().startConnect(p);
    String url = "http://" + advertisedHost + ":" + restPort;
    log.info("Kafka Connect worker of group {} REST at {}", groupId, url);
    return new ConnectWorker(connect, url);
  }

  /** The distributed group's config, offset and status topics: {@code <prefix>connect-<group>-configs|offsets|status}. */
  public static List<String> internalTopics(String topicPrefix, String groupId) {
    String base = topicPrefix + "connect-" + groupId + "-";
    return List.of(base + "configs", base + "offsets", base + "status");
  }

  private static Map<String, String> common(String bootstrap, String host, int restPort, long offsetFlushMs) {
    Map<String, String> p = new HashMap<>();
    p.put("bootstrap.servers", bootstrap);
    p.put("listeners", "http://" + host + ":" + restPort);
    p.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    p.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    p.put("offset.flush.interval.ms", Long.toString(offsetFlushMs));
    p.put("plugin.discovery", "service_load");
    return p;
  }

  public String restUrl() {
    return restUrl;
  }

  /** How statuses name this worker ({@code worker_id}: the advertised REST host and port). */
  public String workerId() {
    URI u = connect.rest().advertisedUrl();
    return u.getHost() + ":" + u.getPort();
  }

  /** Creates or updates a connector and waits until the worker accepted it. */
  public void putConnector(String name, Map<String, String> config) {
    Map<String, String> cfg = new HashMap<>(config);
    cfg.put("name", name);
    FutureCallback<org.apache.kafka.connect.runtime.Herder.Created<org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo>> cb = new FutureCallback<>();
    connect.herder().putConnectorConfig(name, cfg, true, cb);
    try {
      cb.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Connect refused connector " + name + ": " + (e.getCause() != null ? e.getCause().getMessage() : e), e);
    }
  }

  /**
   * Creates the connector, or updates it if its config differs, through this worker's REST API (a follower forwards it
   * to the leader of a distributed group): every worker of a group may call it at start with the same config, and
   * only the first (or a changed config) writes one, so the others' starts do not restart the connector. Retried
   * while the group rebalances or its leader is not known yet, up to {@code within}.
   */
  public void putConnectorRest(String name, Map<String, String> config, Duration within) {
    Map<String, String> cfg = new TreeMap<>(config);
    cfg.put("name", name);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    URI uri = URI.create(restUrl + "/connectors/" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/config");
    long deadline = System.nanoTime() + within.toNanos();
    String last = "no answer";
    long backoffMs = 200;
    while (true) {
      try {
        HttpResponse<String> got = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        if (got.statusCode() == 200 && cfg.equals(new TreeMap<>(JSON.readValue(got.body(), new TypeReference<Map<String, String>>() {})))) {
          log.info("connector {} exists with this config", name);
          return;
        }
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(cfg))).build(), HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() == 200 || put.statusCode() == 201) {
          log.info("connector {} {}", name, put.statusCode() == 201 ? "created" : "updated");
          return;
        }
        last = "PUT " + uri + " answered " + put.statusCode() + ": " + put.body();
        if (put.statusCode() == 400) { // the config itself is refused: retrying changes nothing
          throw new IllegalStateException("Connect refused connector " + name + ": " + put.body());
        }
      } catch (java.io.IOException e) {
        last = uri + ": " + e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while creating connector " + name, e);
      }
      if (System.nanoTime() + backoffMs * 1_000_000 > deadline) {
        throw new IllegalStateException("cannot create connector " + name + " within " + within.toSeconds() + " s: " + last);
      }
      log.info("connector {} not created yet ({}), retrying", name, last);
      try {
        Thread.sleep(backoffMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while creating connector " + name, e);
      }
      backoffMs = Math.min(2_000, backoffMs * 2);
    }
  }

  /** The connector's and its tasks' states; null when no connector of that name exists. */
  public ConnectorStateInfo status(String name) {
    if (!connect.herder().connectors().contains(name)) {
      return null;
    }
    try {
      return connect.herder().connectorStatus(name);
    } catch (org.apache.kafka.connect.errors.NotFoundException e) {
      return null; // deleted between the two calls
    }
  }

  /** Restarts the connector instance (not its tasks) and waits for the worker to do it. */
  public void restartConnector(String name) {
    FutureCallback<Void> cb = new FutureCallback<>();
    connect.herder().restartConnector(name, cb);
    await(cb, "restart connector " + name);
  }

  /** Restarts one task of the connector and waits for the worker to do it. */
  public void restartTask(String name, int task) {
    FutureCallback<Void> cb = new FutureCallback<>();
    connect.herder().restartTask(new org.apache.kafka.connect.util.ConnectorTaskId(name, task), cb);
    await(cb, "restart task " + name + "-" + task);
  }

  private static void await(FutureCallback<?> cb, String what) {
    try {
      cb.get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + what, e);
    } catch (Exception e) {
      throw new IllegalStateException("Connect could not " + what + ": " + (e.getCause() != null ? e.getCause().getMessage() : e), e);
    }
  }

  /** Stops the worker; its tasks have stopped (committed, or given up after {@code task.shutdown.graceful.timeout.ms}) on return. */
  @Override
  public void close() {
    connect.stop();
    connect.awaitStop();
    // Connect adds its own shutdown hook: on SIGTERM it may be the one stopping the herder, and then stop() above
    // returns at once; wait for it, so that no task still writes into a store its owner closes after this
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals(CONNECT_SHUTDOWN_HOOK) && t != Thread.currentThread()) {
        try {
          t.join(120_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
