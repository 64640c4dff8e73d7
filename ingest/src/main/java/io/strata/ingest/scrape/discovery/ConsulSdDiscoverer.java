package io.strata.ingest.scrape.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.ingest.scrape.config.ConsulSdConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code consul_sd_configs} as Prometheus 2.42: blocking queries ({@code index}, {@code wait=120000ms}) on
 * {@code /v1/catalog/services} (when no fixed service list is given, or tags filter) and on
 * {@code /v1/health/service/<name>} per watched service, each repeated at most once per refresh interval.
 * The datacenter comes from the config or from {@code /v1/agent/self}. One group per service with
 * {@code __meta_consul_service} and {@code __meta_consul_dc}; per instance the address (service address, else
 * node address, and the service port) and {@code __meta_consul_*} labels (see {@link #group}). A failing
 * request keeps what it last gave and is retried after min(15s, refresh interval); a service that leaves
 * the catalog loses its targets. HTTP calls are asynchronous: no thread waits on a blocking query.
 */
public final class ConsulSdDiscoverer implements Discoverer {
  static final Duration WATCH_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration RETRY = Duration.ofSeconds(15);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ConsulSdConfig config;
  private final HttpClient client;
  private final ScheduledExecutorService scheduler;
  private final Executor executor;
  private final DiscoveryErrors errors;
  private final String base;
  private final Duration retry;

  private Consumer<List<TargetGroup>> onUpdate;
  private String datacenter;
  private long catalogIndex;
  private final Map<String, ServiceWatch> watches = new HashMap<>();
  private final Map<String, TargetGroup> groups = new TreeMap<>();
  private final Set<String> failing = new HashSet<>();
  private List<TargetGroup> lastSent;
  private volatile boolean closed;

  public ConsulSdDiscoverer(ConsulSdConfig config, ScheduledExecutorService scheduler, Executor executor,
      DiscoveryErrors errors) {
    this.config = config;
    this.scheduler = scheduler;
    this.executor = executor;
    this.errors = errors;
    this.client = config.http().newClient(executor, Duration.ofSeconds(30), config.scheme().equals("https"));
    this.base = config.scheme() + "://" + config.server();
    this.retry = config.refreshInterval().compareTo(RETRY) < 0 ? config.refreshInterval() : RETRY;
  }

  @Override
  public synchronized void start(Consumer<List<TargetGroup>> onUpdate) {
    this.onUpdate = onUpdate;
    if (!config.datacenter().isEmpty()) {
      datacenter = config.datacenter();
      begin();
    } else {
      fetchDatacenter();
    }
  }

  private synchronized void fetchDatacenter() {
    get("/v1/agent/self", List.of(), false, 0, (resp, err) -> {
      synchronized (this) {
        if (closed) {
          return;
        }
        try {
          JsonNode self = body(resp, err);
          JsonNode dc = self.path("Config").path("Datacenter");
          if (!dc.isTextual()) {
            throw new IOException("invalid value '" + dc + "' for Config.Datacenter");
          }
          datacenter = dc.asText();
          ok("agent");
          begin();
        } catch (IOException e) {
          fail("agent", "consul_sd: error retrieving datacenter name: " + e.getMessage());
          later(this::fetchDatacenter, retry);
        }
      }
    });
  }

  private void begin() {
    if (config.services().isEmpty() || !config.tags().isEmpty()) {
      watchCatalog();
    } else {
      for (String name : config.services()) {
        ServiceWatch w = new ServiceWatch(name);
        watches.put(name, w);
        w.run();
      }
    }
  }

  private synchronized void watchCatalog() {
    long started = System.nanoTime();
    get("/v1/catalog/services", List.of(), true, catalogIndex, (resp, err) -> {
      synchronized (this) {
        if (closed) {
          return;
        }
        long index;
        JsonNode services;
        try {
          services = body(resp, err);
          index = index(resp);
        } catch (IOException e) {
          fail("catalog", "consul_sd: error refreshing service list: " + e.getMessage());
          later(this::watchCatalog, retry);
          return;
        }
        ok("catalog");
        if (index != catalogIndex) {
          catalogIndex = index;
          for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            var e = it.next();
            List<String> tags = new ArrayList<>();
            e.getValue().forEach(t -> tags.add(t.asText()));
            if (shouldWatch(e.getKey(), tags) && !watches.containsKey(e.getKey())) {
              ServiceWatch w = new ServiceWatch(e.getKey());
              watches.put(e.getKey(), w);
              w.run();
            }
          }
          for (Iterator<Map.Entry<String, ServiceWatch>> it = watches.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!services.has(e.getKey())) {
              e.getValue().cancelled = true;
              failing.remove("service " + e.getKey());
              groups.remove(e.getKey());
              it.remove();
            }
          }
          publish();
        }
        later(this::watchCatalog, untilNextTick(started));
      }
    });
  }

  private boolean shouldWatch(String name, List<String> tags) {
    return (config.services().isEmpty() || config.services().contains(name)) && tags.containsAll(config.tags());
  }

  private Duration untilNextTick(long startedNanos) {
    long left = config.refreshInterval().toNanos() - (System.nanoTime() - startedNanos);
    return Duration.ofNanos(Math.max(0, left));
  }

  /** One service's blocking query on the health endpoint. */
  private final class ServiceWatch {
    final String name;
    long index;
    volatile boolean cancelled;

    ServiceWatch(String name) {
      this.name = name;
    }

    void run() {
      synchronized (ConsulSdDiscoverer.this) {
        send();
      }
    }

    private void send() {
      if (cancelled || closed) {
        return;
      }
      long started = System.nanoTime();
      List<String[]> params = new ArrayList<>();
      for (String t : config.tags()) {
        params.add(new String[] {"tag", t});
      }
      get("/v1/health/service/" + pathSegment(name), params, true, index, (resp, err) -> {
        synchronized (ConsulSdDiscoverer.this) {
          if (cancelled || closed) {
            return;
          }
          long newIndex;
          JsonNode entries;
          try {
            entries = body(resp, err);
            newIndex = index(resp);
          } catch (IOException e) {
            fail("service " + name, "consul_sd: error refreshing service " + name + ": " + e.getMessage());
            later(this::run, retry);
            return;
          }
          ok("service " + name);
          if (newIndex != index) {
            index = newIndex;
            groups.put(name, group(name, datacenter, config.tagSeparator(), entries));
            publish();
          }
          later(this::run, untilNextTick(started));
        }
      });
    }
  }

  /** The group of one service from the health endpoint's entries (Prometheus 2.42's labels). */
  static TargetGroup group(String service, String dc, String tagSeparator, JsonNode entries) {
    List<Map<String, String>> targets = new ArrayList<>();
    for (JsonNode e : entries) {
      JsonNode node = e.path("Node");
      JsonNode svc = e.path("Service");
      List<String> tags = new ArrayList<>();
      svc.path("Tags").forEach(t -> tags.add(t.asText()));
      String nodeAddress = node.path("Address").asText("");
      String serviceAddress = svc.path("Address").asText("");
      int port = svc.path("Port").asInt(0);
      Map<String, String> t = new LinkedHashMap<>();
      t.put("__address__", MetaLabels.joinHostPort(serviceAddress.isEmpty() ? nodeAddress : serviceAddress, port));
      t.put("__meta_consul_address", nodeAddress);
      t.put("__meta_consul_node", node.path("Node").asText(""));
      t.put("__meta_consul_namespace", svc.path("Namespace").asText(""));
      t.put("__meta_consul_partition", svc.path("Partition").asText(""));
      t.put("__meta_consul_tags", tagSeparator + String.join(tagSeparator, tags) + tagSeparator);
      t.put("__meta_consul_service_address", serviceAddress);
      t.put("__meta_consul_service_port", Integer.toString(port));
      t.put("__meta_consul_service_id", svc.path("ID").asText(""));
      t.put("__meta_consul_health", aggregatedStatus(e.path("Checks")));
      putAll(t, "__meta_consul_metadata_", node.path("Meta"));
      putAll(t, "__meta_consul_service_metadata_", svc.path("Meta"));
      putAll(t, "__meta_consul_tagged_address_", node.path("TaggedAddresses"));
      t.values().removeIf(String::isEmpty);
      targets.add(t);
    }
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("__meta_consul_service", service);
    if (dc != null && !dc.isEmpty()) {
      labels.put("__meta_consul_dc", dc);
    }
    return new TargetGroup("consul:" + service, targets, labels);
  }

  private static void putAll(Map<String, String> t, String prefix, JsonNode map) {
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
      var e = it.next();
      t.put(prefix + MetaLabels.sanitize(e.getKey()), e.getValue().asText(""));
    }
  }

  /**
   * Consul's {@code HealthChecks.AggregatedStatus}: maintenance (a {@code _node_maintenance} or
   * {@code _service_maintenance:*} check) wins, then critical, warning, passing; an unknown status gives "".
   */
  static String aggregatedStatus(JsonNode checks) {
    boolean maintenance = false;
    boolean critical = false;
    boolean warning = false;
    for (JsonNode c : checks) {
      String id = c.path("CheckID").asText("");
      if (id.equals("_node_maintenance") || id.startsWith("_service_maintenance:")) {
        maintenance = true;
        continue;
      }
      switch (c.path("Status").asText("")) {
        case "passing" -> { }
        case "warning" -> warning = true;
        case "critical" -> critical = true;
        default -> {
          return "";
        }
      }
    }
    return maintenance ? "maintenance" : critical ? "critical" : warning ? "warning" : "passing";
  }

  // ---- HTTP ----

  private interface Handler {
    void handle(HttpResponse<byte[]> resp, Throwable err);
  }

  private void get(String path, List<String[]> extra, boolean blocking, long index, Handler h) {
    StringBuilder q = new StringBuilder();
    List<String[]> params = new ArrayList<>(extra);
    if (!datacenterParam().isEmpty()) {
      params.add(new String[] {"dc", datacenterParam()});
    }
    if (!config.namespace().isEmpty()) {
      params.add(new String[] {"ns", config.namespace()});
    }
    if (!config.partition().isEmpty()) {
      params.add(new String[] {"partition", config.partition()});
    }
    if (blocking) {
      if (config.allowStale()) {
        params.add(new String[] {"stale", ""});
      }
      if (index != 0) {
        params.add(new String[] {"index", Long.toUnsignedString(index)});
      }
      params.add(new String[] {"wait", WATCH_TIMEOUT.toMillis() + "ms"});
      for (var e : config.nodeMeta().entrySet()) {
        params.add(new String[] {"node-meta", e.getKey() + ":" + e.getValue()});
      }
    }
    for (String[] p : params) {
      q.append(q.length() == 0 ? '?' : '&').append(enc(p[0])).append('=').append(enc(p[1]));
    }
    HttpRequest.Builder rb;
    try {
      rb = HttpRequest.newBuilder(URI.create(base + path + q)).timeout(WATCH_TIMEOUT.plusSeconds(15)).GET();
      if (!config.token().isEmpty()) {
        rb.header("X-Consul-Token", config.token());
      }
      String auth = config.http().authorizationHeader();
      if (auth != null) {
        rb.header("Authorization", auth);
      }
    } catch (IOException | IllegalArgumentException e) {
      executor.execute(() -> h.handle(null, e));
      return;
    }
    client.sendAsync(rb.build(), HttpResponse.BodyHandlers.ofByteArray()).whenCompleteAsync(h::handle, executor);
  }

  /** The configured datacenter only: Prometheus's client sends {@code dc} when the config names one. */
  private String datacenterParam() {
    return config.datacenter();
  }

  private static JsonNode body(HttpResponse<byte[]> resp, Throwable err) throws IOException {
    if (err != null) {
      Throwable c = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
      throw new IOException(c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage(), c);
    }
    if (resp.statusCode() != 200) {
      throw new IOException("Unexpected response code: " + resp.statusCode() + " ("
          + new String(resp.body(), StandardCharsets.UTF_8).trim() + ")");
    }
    return JSON.readTree(resp.body());
  }

  private static long index(HttpResponse<byte[]> resp) throws IOException {
    String h = resp.headers().firstValue("X-Consul-Index").orElse("");
    try {
      return Long.parseUnsignedLong(h);
    } catch (NumberFormatException e) {
      throw new IOException("Failed to parse X-Consul-Index: \"" + h + "\"");
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String pathSegment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  // ---- state ----

  private void fail(String what, String message) {
    failing.add(what);
    errors.failed("consul", message);
  }

  private void ok(String what) {
    if (failing.remove(what) && failing.isEmpty()) {
      errors.succeeded("consul");
    }
  }

  private void publish() {
    List<TargetGroup> now = List.copyOf(groups.values());
    if (!now.equals(lastSent)) {
      lastSent = now;
      onUpdate.accept(now);
    }
  }

  private void later(Runnable r, Duration d) {
    if (closed) {
      return;
    }
    try {
      scheduler.schedule(() -> {
        try {
          executor.execute(r);
        } catch (RejectedExecutionException e) {
          // engine shutting down
        }
      }, d.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // engine shutting down
    }
  }

  /**
   * Not synchronized: the pool calls this holding its own lock, while an update holds this object's lock
   * and waits for the pool's. Watches see {@code closed} and stop; a blocking call in flight ends by itself.
   */
  @Override
  public void close() {
    closed = true;
  }
}
