package io.strata.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
  /** The name of the thread Connect's own shutdown hook runs in ({@code Connect.start}). */
  private static final String CONNECT_SHUTDOWN_HOOK = "connect-shutdown-hook";
  private final Connect<? extends Herder> connect;

  private ConnectWorker(Connect<? extends Herder> connect) {
    this.connect = connect;
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
    ConnectWorker w = new ConnectWorker(connect);
    log.info("Kafka Connect worker REST at {}", w.restUrl());
    return w;
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
    ConnectWorker w = new ConnectWorker(connect);
    log.info("Kafka Connect worker of group {} REST at {}", groupId, w.restUrl());
    return w;
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

  /** The REST API's advertised URL (https when the listener is), without a trailing slash. */
  public String restUrl() {
    String u = connect.rest().advertisedUrl().toString();
    return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
  }

  /** How statuses name this worker ({@code worker_id}: the advertised REST host and port). */
  public String workerId() {
    java.net.URI u = connect.rest().advertisedUrl();
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
   * Creates the connector, or updates it if its config differs, through this worker's herder: every worker of a
   * distributed group may call it at start with the same config, and only the first (or a changed config) writes one,
   * so the others' starts do not restart the connector. Only the group's leader writes configs: on a follower a missing
   * connector is waited for (the leader's own start creates it), and a config that differs from the group's is kept
   * with a warning (the leader's start, or a PUT to the REST API, changes it). No HTTP request is made, so this works
   * whatever guards the REST API. Retried while the group rebalances or its leader is not known yet, up to
   * {@code within}.
   *
   * @return null when the group holds this config (created, updated or found), else why it holds another one
   */
  public String putConnectorShared(String name, Map<String, String> config, Duration within) {
    Map<String, String> cfg = new HashMap<>(config);
    cfg.put("name", name);
    long deadline = System.nanoTime() + within.toNanos();
    long backoffMs = 200;
    String last;
    while (true) {
      Map<String, String> current = null;
      try {
        FutureCallback<Map<String, String>> got = new FutureCallback<>();
        connect.herder().connectorConfig(name, got);
        current = got.get(30, TimeUnit.SECONDS);
        if (cfg.equals(current)) {
          log.info("connector {} exists with this config", name);
          return null;
        }
      } catch (java.util.concurrent.ExecutionException e) {
        if (!(e.getCause() instanceof org.apache.kafka.connect.errors.NotFoundException)) {
          last = "reading its config: " + e.getCause().getMessage();
          backoffMs = sleep(name, last, deadline, within, backoffMs);
          continue;
        }
      } catch (java.util.concurrent.TimeoutException e) {
        last = "reading its config timed out";
        backoffMs = sleep(name, last, deadline, within, backoffMs);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while creating connector " + name, e);
      }
      FutureCallback<Herder.Created<org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo>> put = new FutureCallback<>();
      connect.herder().putConnectorConfig(name, cfg, true, put);
      try {
        log.info("connector {} {}", name, put.get(60, TimeUnit.SECONDS).created() ? "created" : "updated");
        return null;
      } catch (java.util.concurrent.ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof org.apache.kafka.connect.runtime.distributed.NotLeaderException nl) {
          if (current != null) {
            String why = "connector " + name + " keeps the group's config, which differs from this worker's: only the leader ("
                + nl.forwardUrl() + ") writes it, at its start or on a PUT to the REST API";
            log.warn(why);
            return why;
          }
          last = "waiting for the group's leader " + nl.forwardUrl() + " to create it";
        } else if (c instanceof org.apache.kafka.connect.runtime.rest.errors.BadRequestException) {
          throw new IllegalStateException("Connect refused connector " + name + ": " + c.getMessage(), c); // retrying changes nothing
        } else {
          last = c.getMessage();
        }
      } catch (java.util.concurrent.TimeoutException e) {
        last = "writing its config timed out";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while creating connector " + name, e);
      }
      backoffMs = sleep(name, last, deadline, within, backoffMs);
    }
  }

  private static long sleep(String name, String last, long deadline, Duration within, long backoffMs) {
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
    return Math.min(2_000, backoffMs * 2);
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
