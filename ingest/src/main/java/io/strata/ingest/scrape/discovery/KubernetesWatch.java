package io.strata.ingest.scrape.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.ingest.scrape.config.HttpClientConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * List and watch of one Kubernetes resource collection, as client-go's reflector: a list gives the objects
 * and a resourceVersion, a watch from that version streams ADDED/MODIFIED/DELETED (and BOOKMARK) events;
 * a watch that ends is resumed from the last version seen, an expired version (HTTP 410 or an ERROR event
 * with code 410) relists. Other failures are reported and retried with a backoff (0.5 s doubling to 30 s);
 * the objects stay as last known meanwhile.
 */
final class KubernetesWatch implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration LIST_TIMEOUT = Duration.ofSeconds(60);

  interface Listener {
    void changed();

    void failed(KubernetesWatch w, String message);

    void ok(KubernetesWatch w);
  }

  final String kind;
  final String path;
  private final URI base;
  private final String selectors;
  private final HttpClient client;
  private final HttpClientConfig http;
  private final Listener listener;
  /** Objects by namespace/name. */
  final Map<String, JsonNode> objects = new ConcurrentHashMap<>();
  volatile boolean synced;
  private volatile boolean closed;
  private volatile InputStream stream;
  private String resourceVersion;
  private Thread thread;

  private static final class Gone extends Exception {
    Gone(String m) {
      super(m);
    }
  }

  KubernetesWatch(String kind, URI base, String path, String labelSelector, String fieldSelector, HttpClient client,
      HttpClientConfig http, Listener listener) {
    this.kind = kind;
    this.base = base;
    this.path = path;
    StringBuilder sb = new StringBuilder();
    if (!labelSelector.isEmpty()) {
      sb.append("&labelSelector=").append(URLEncoder.encode(labelSelector, StandardCharsets.UTF_8));
    }
    if (!fieldSelector.isEmpty()) {
      sb.append("&fieldSelector=").append(URLEncoder.encode(fieldSelector, StandardCharsets.UTF_8));
    }
    this.selectors = sb.toString();
    this.client = client;
    this.http = http;
    this.listener = listener;
  }

  void start() {
    thread = new Thread(this, "strata-kubernetes-sd-" + kind);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void run() {
    long backoffMs = 500;
    while (!closed) {
      try {
        if (resourceVersion == null) {
          list();
        }
        watch();
        backoffMs = 500;
      } catch (Gone e) {
        resourceVersion = null; // relist
      } catch (IOException | RuntimeException e) {
        if (closed) {
          return;
        }
        listener.failed(this, "kubernetes_sd: " + kind + " " + path + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        try {
          Thread.sleep(backoffMs);
        } catch (InterruptedException ie) {
          return;
        }
        backoffMs = Math.min(30_000, backoffMs * 2);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private HttpRequest.Builder request(String query) throws IOException {
    String q = query + selectors;
    if (q.startsWith("&")) {
      q = q.substring(1);
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path + (q.isEmpty() ? "" : "?" + q)))
        .header("Accept", "application/json").GET();
    String auth = http.authorizationHeader();
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return b;
  }

  private void list() throws IOException, InterruptedException, Gone {
    HttpResponse<byte[]> r = client.send(request("").timeout(LIST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() == 410) {
      throw new Gone("list: 410");
    }
    if (r.statusCode() != 200) {
      throw new IOException("list failed: HTTP " + r.statusCode() + ": " + new String(r.body(), StandardCharsets.UTF_8).trim());
    }
    JsonNode list = JSON.readTree(r.body());
    Map<String, JsonNode> fresh = new java.util.HashMap<>();
    for (JsonNode item : list.path("items")) {
      fresh.put(key(item), item);
    }
    objects.keySet().retainAll(fresh.keySet());
    objects.putAll(fresh);
    resourceVersion = list.path("metadata").path("resourceVersion").asText("");
    synced = true;
    listener.ok(this);
    listener.changed();
  }

  private void watch() throws IOException, InterruptedException, Gone {
    // client-go picks a random timeout between 5 and 10 minutes so that watches do not end together
    long timeout = 300 + ThreadLocalRandom.current().nextLong(300);
    String q = "watch=true&allowWatchBookmarks=true&timeoutSeconds=" + timeout + "&resourceVersion="
        + URLEncoder.encode(resourceVersion, StandardCharsets.UTF_8);
    HttpResponse<InputStream> r = client.send(request(q).timeout(LIST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      stream = in;
      if (closed) {
        return;
      }
      if (r.statusCode() == 410) {
        throw new Gone("watch: 410");
      }
      if (r.statusCode() != 200) {
        throw new IOException("watch failed: HTTP " + r.statusCode() + ": " + new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
      }
      listener.ok(this);
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while (!closed && (line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode ev = JSON.readTree(line);
        JsonNode obj = ev.path("object");
        switch (ev.path("type").asText()) {
          case "ADDED", "MODIFIED" -> {
            objects.put(key(obj), obj);
            resourceVersion = obj.path("metadata").path("resourceVersion").asText(resourceVersion);
            listener.changed();
          }
          case "DELETED" -> {
            objects.remove(key(obj));
            resourceVersion = obj.path("metadata").path("resourceVersion").asText(resourceVersion);
            listener.changed();
          }
          case "BOOKMARK" -> resourceVersion = obj.path("metadata").path("resourceVersion").asText(resourceVersion);
          case "ERROR" -> {
            if (obj.path("code").asInt() == 410) {
              throw new Gone(obj.path("message").asText("410"));
            }
            throw new IOException("watch error: " + obj.path("message").asText(obj.toString()));
          }
          default -> throw new IOException("unexpected watch event: " + line);
        }
      }
    } finally {
      stream = null;
    }
  }

  static String key(JsonNode obj) {
    JsonNode md = obj.path("metadata");
    return md.path("namespace").asText("") + "/" + md.path("name").asText("");
  }

  void close() {
    closed = true;
    InputStream s = stream;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing to unblock the reader
      }
    }
    if (thread != null) {
      thread.interrupt();
    }
  }
}
