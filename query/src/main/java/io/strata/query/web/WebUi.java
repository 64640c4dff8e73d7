package io.strata.query.web;

import io.prometheus.metrics.core.metrics.Counter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The web UI: one HTML page for every UI path (the page's script picks the view from the path), its
 * static assets from the jar under {@code /static/}, and a proxy of the ingest server's targets and
 * Pushgateway endpoints under {@code /ingest/} (the browser talks to the query port only).
 */
public final class WebUi {
  /** Paths that answer with the page; the script renders the view named by the path. */
  static final Set<String> PAGES = Set.of("/", "/graph", "/targets", "/rules", "/alerts", "/pushgateway", "/tsdb-status",
      "/config", "/flags", "/pipeline", "/status");
  private static final String RESOURCES = "/io/strata/query/web/";
  private static final Pattern ASSET = Pattern.compile("[a-z][a-z0-9-]*\\.(js|css|svg)");
  /** The ingest paths the UI reads or deletes through the proxy, nothing else. */
  private static final Pattern INGEST_PATH = Pattern.compile("/api/v1/targets|/api/v1/metrics|/metrics/job/.+");
  private static final String PROXY = "ingest_proxy";
  private static final Map<String, String> TYPES = Map.of("js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8",
      "svg", "image/svg+xml", "html", "text/html; charset=utf-8");

  private final Counter requests;
  private final Map<String, byte[]> assets = new ConcurrentHashMap<>();
  private volatile HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private volatile URI ingestUrl;

  /**
   * @param requests counted as {@code handler="web"} (page and assets) or {@code handler="ingest_proxy"}, by
   *     status code: the query server's {@code strata_query_requests_total{handler,code}}
   */
  public WebUi(Counter requests) {
    this.requests = requests;
  }

  /** The ingest server the {@code /ingest/} proxy forwards to (e.g. {@code http://127.0.0.1:9091}); none by default. */
  public WebUi ingestUrl(URI url) {
    if ("https".equals(url.getScheme())) {
      // the stack's own ingest port on this host, whose certificate may be self-signed: the browser already trusted
      // the query port; the caller's credentials are forwarded, so the ingest's web config still decides
      HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
      io.strata.schemas.http.TlsContexts.configure(b, "", "", "", "", true);
      this.http = b.build();
    }
    this.ingestUrl = url;
    return this;
  }

  /** Answers a UI path and returns true, or returns false (and answers nothing) for any other path. */
  public boolean handle(String path, Request request, Response response, Callback callback) {
    if (PAGES.contains(path)) {
      send(response, callback, "web", 200, TYPES.get("html"), asset("index.html"));
      return true;
    }
    if (path.startsWith("/static/")) {
      String name = path.substring("/static/".length());
      byte[] body = ASSET.matcher(name).matches() ? asset(name) : null;
      if (body == null) {
        send(response, callback, "web", 404, "text/plain; charset=utf-8", "404 page not found\n".getBytes(StandardCharsets.UTF_8));
      } else {
        send(response, callback, "web", 200, TYPES.get(name.substring(name.lastIndexOf('.') + 1)), body);
      }
      return true;
    }
    if (path.startsWith("/ingest/")) {
      proxy(path.substring("/ingest".length()), request, response, callback);
      return true;
    }
    return false;
  }

  private byte[] asset(String name) {
    return assets.computeIfAbsent(name, n -> {
      try (InputStream in = WebUi.class.getResourceAsStream(RESOURCES + (n.equals("index.html") ? n : "static/" + n))) {
        return in == null ? null : in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  private void proxy(String path, Request request, Response response, Callback callback) {
    URI base = ingestUrl;
    String method = request.getMethod();
    if (!INGEST_PATH.matcher(path).matches() || !(method.equals("GET") || method.equals("DELETE"))) {
      send(response, callback, PROXY, 404, "text/plain; charset=utf-8", "404 page not found\n".getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (base == null) {
      sendError(response, callback, 503, "unavailable", "this query server does not know the ingest server's URL");
      return;
    }
    String query = request.getHttpURI().getQuery();
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(request.getHttpURI().getPath().substring("/ingest".length())
            + (query == null ? "" : "?" + query)))
        .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
    String tenant = request.getHeaders().get("X-Scope-OrgID");
    if (tenant != null) {
      b.header("X-Scope-OrgID", tenant);
    }
    String authorization = request.getHeaders().get("Authorization");
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    try {
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      send(response, callback, PROXY, r.statusCode(), r.headers().firstValue("Content-Type").orElse("application/json"), r.body());
    } catch (IOException e) {
      sendError(response, callback, 502, "unavailable", "ingest server " + base + " did not answer: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      sendError(response, callback, 502, "unavailable", "interrupted");
    }
  }

  private void sendError(Response response, Callback callback, int status, String type, String message) {
    String body = "{\"status\":\"error\",\"errorType\":\"" + type + "\",\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    send(response, callback, PROXY, status, "application/json", body.getBytes(StandardCharsets.UTF_8));
  }

  private void send(Response response, Callback callback, String handler, int status, String type, byte[] body) {
    requests.labelValues(handler, Integer.toString(status)).inc();
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    // assets come from the jar they are served with: revalidate so an upgrade is seen at the next load
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
