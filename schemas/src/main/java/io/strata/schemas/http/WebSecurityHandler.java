package io.strata.schemas.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request, in this order: the web config is re-read (an invalid file: 500); its
 * {@code http_server_config.headers} go on the answer; with {@code basic_auth_users}, a request without valid
 * credentials gets 401 {@code WWW-Authenticate: Basic} (as exporter-toolkit: every path, {@code /metrics} and
 * health included); with {@code auth.tenants}, {@code X-Scope-OrgID} must name one of the user's tenants (403
 * otherwise; a user with one tenant may omit it and gets that tenant); then the lifecycle and admin gates with
 * Prometheus 2.42's answers. What passes reaches the wrapped handler.
 */
final class WebSecurityHandler extends Handler.Wrapper {
  private static final Logger log = LoggerFactory.getLogger(WebSecurityHandler.class);
  static final String TENANT_HEADER = "X-Scope-OrgID";
  private static final Set<String> ADMIN_PATHS = Set.of("/api/v1/admin/tsdb/snapshot", "/api/v1/admin/tsdb/delete_series",
      "/api/v1/admin/tsdb/clean_tombstones", "/api/v1/admin/tsdb/flush");

  private final WebSecurity web;

  WebSecurityHandler(WebSecurity web, Handler next) {
    super(next);
    this.web = web;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    WebConfig cfg;
    try {
      cfg = web.current();
    } catch (IllegalArgumentException e) {
      log.error("--web.config.file {}: {}", web.options().webConfigFile(), e.getMessage());
      return text(request, response, callback, 500, "Internal Server Error\n");
    }
    cfg.http().headers().forEach((k, v) -> response.getHeaders().put(k, v));
    String user = null;
    if (!cfg.users().isEmpty()) {
      user = web.authenticate(cfg.users(), request.getHeaders().get(HttpHeader.AUTHORIZATION));
      if (user == null) {
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic");
        return text(request, response, callback, 401, "Unauthorized\n");
      }
      if (user == WebSecurity.SELF_SCRAPE) {
        if (Request.getPathInContext(request).equals("/metrics") && request.getMethod().equals("GET")) {
          return super.handle(request, response, callback);
        }
        return text(request, response, callback, 403, WebSecurity.SELF_SCRAPE_USER + " may only GET /metrics\n");
      }
    }
    Request req = request;
    Map<String, List<String>> tenants = web.options().tenants();
    if (!tenants.isEmpty()) {
      if (user == null) { // the file lost its users since start: nobody can be bound to a tenant
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic");
        return text(request, response, callback, 401, "Unauthorized\n");
      }
      List<String> mine = tenants.get(user);
      String asked = request.getHeaders().get(TENANT_HEADER);
      asked = asked == null ? null : asked.trim();
      if (mine == null) {
        return text(request, response, callback, 403, "user \"" + user + "\" is bound to no tenant (auth.tenants)\n");
      }
      if (asked == null || asked.isEmpty()) {
        if (mine.size() != 1) {
          return text(request, response, callback, 403, TENANT_HEADER + " is required: user \"" + user + "\" may use tenants " + mine + "\n");
        }
        req = withTenant(request, mine.get(0));
      } else if (!mine.contains(asked)) {
        return text(request, response, callback, 403, TENANT_HEADER + " \"" + asked + "\" is not a tenant of user \"" + user + "\"\n");
      }
    }
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    boolean write = method.equals("POST") || method.equals("PUT");
    if (path.equals("/-/reload") || path.equals("/-/quit")) {
      if (!write) {
        return text(request, response, callback, 405, "Only POST or PUT requests allowed");
      }
      if (!web.options().lifecycle()) {
        return text(request, response, callback, 403, "Lifecycle API is not enabled.");
      }
      if (path.equals("/-/quit") && web.options().onQuit() != null) {
        Thread t = new Thread(web.options().onQuit(), "strata-quit");
        text(request, response, callback, 200, "Requesting termination... Goodbye!");
        t.start();
        return true;
      }
    }
    if (ADMIN_PATHS.contains(path) && write && !web.options().adminApi()) {
      closeIfBodyUnread(request, response);
      response.setStatus(500); // what Prometheus 2.42 answers (errorType unavailable, yet status 500)
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      response.write(true, ByteBuffer.wrap("{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"admin APIs disabled\"}"
          .getBytes(StandardCharsets.UTF_8)), callback);
      return true;
    }
    return super.handle(req, response, callback);
  }

  /** The largest refused body read and dropped to keep the connection (as Go's net/http server, 256 KiB). */
  static final long DRAIN_BYTES = 256 * 1024;

  /**
   * A refused request's body: one of known length up to {@link #DRAIN_BYTES} is read and dropped, so the answer is
   * not lost to a reset of a connection closed with unread bytes and the connection stays usable; a larger or chunked
   * body is not read: the connection closes after the answer, and says so, so that a client does not send its next
   * request on a connection the server is closing.
   */
  private static void closeIfBodyUnread(Request request, Response response) {
    HttpFields h = request.getHeaders();
    long length = h.getLongField(HttpHeader.CONTENT_LENGTH);
    if (length > 0 && length <= DRAIN_BYTES && !h.contains(HttpHeader.TRANSFER_ENCODING)) {
      try {
        org.eclipse.jetty.io.Content.Source.consumeAll(request);
        return;
      } catch (java.io.IOException | RuntimeException e) {
        // the client went away or sent less: close as for a body left unread
      }
    }
    if (length > 0 || h.contains(HttpHeader.TRANSFER_ENCODING)) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
  }

  private static Request withTenant(Request request, String tenant) {
    HttpFields headers = HttpFields.build(request.getHeaders()).put(TENANT_HEADER, tenant).asImmutable();
    return new Request.Wrapper(request) {
      @Override
      public HttpFields getHeaders() {
        return headers;
      }
    };
  }

  private static boolean text(Request request, Response response, Callback callback, int status, String body) {
    closeIfBodyUnread(request, response);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    return true;
  }
}
