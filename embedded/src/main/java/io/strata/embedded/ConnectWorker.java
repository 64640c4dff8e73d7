package io.strata.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka Connect worker (standalone mode) in this JVM with its REST API. Connector plugins are found
 * on the classpath through META-INF/services. Sink connectors keep their offsets in the consumer group
 * {@code connect-<name>}; the standalone offsets file only holds source offsets.
 */
public final class ConnectWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConnectWorker.class);
  private final Connect<StandaloneHerder> connect;
  private final String restUrl;

  private ConnectWorker(Connect<StandaloneHerder> connect, String restUrl) {
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
    Map<String, String> p = new HashMap<>();
    p.put("bootstrap.servers", bootstrap);
    p.put("listeners", "http://" + host + ":" + restPort);
    p.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    p.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    p.put("offset.storage.file.filename", dir.resolve("connect.offsets").toString());
    p.put("offset.flush.interval.ms", Long.toString(offsetFlushMs));
    p.put("plugin.discovery", "service_load");
    p.putAll(overrides);
    Connect<StandaloneHerder> connect = new ConnectStandalone().startConnect(p);
    String url = "http://" + host + ":" + restPort;
    log.info("Kafka Connect worker REST at {}", url);
    return new ConnectWorker(connect, url);
  }

  public String restUrl() {
    return restUrl;
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

  @Override
  public void close() {
    connect.stop();
    connect.awaitStop();
  }
}
