package io.strata.schemas.http;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code --web.config.file}, {@code auth.tenants}, {@code --web.enable-lifecycle} and
 * {@code --web.enable-admin-api} do to a Jetty server, implemented once for the query and the ingest ports:
 * {@link #install(Server)} puts TLS on every connector (when the web config has {@code tls_server_config}) and
 * wraps the handler chain in {@link WebSecurityHandler} (headers, basic auth, tenants, admin and lifecycle gates).
 * As Prometheus, the file is re-read on every TLS handshake and every request (parsed again only when its bytes
 * changed); an invalid file at start is an error, and later one fails the handshake or answers 500.
 */
public final class WebSecurity {
  private static final Logger log = LoggerFactory.getLogger(WebSecurity.class);

  /**
   * @param webConfigFile web-config.yml, null for none (plain HTTP, no users)
   * @param tenants user to the tenants they may read and write ({@code auth.tenants}); empty: no binding
   * @param lifecycle {@code --web.enable-lifecycle}: {@code POST|PUT /-/reload} and {@code /-/quit} answer
   * @param adminApi {@code --web.enable-admin-api}: {@code /api/v1/admin/*} answers
   * @param onQuit what {@code POST /-/quit} runs (in a new thread) when lifecycle is enabled
   */
  public record Options(Path webConfigFile, Map<String, List<String>> tenants, boolean lifecycle, boolean adminApi, Runnable onQuit) {
    public Options {
      tenants = tenants == null ? Map.of() : Map.copyOf(tenants);
      tenants.forEach((user, ts) -> {
        if (ts == null || ts.isEmpty()) {
          throw new IllegalArgumentException("auth.tenants." + user + ": a user needs at least one tenant");
        }
      });
    }
  }

  /**
   * The user the process's own scraper sends (the self-scrape config {@code strata up} writes): its password is
   * random per start and never in a file the user edits, and it may only {@code GET /metrics}.
   */
  public static final String SELF_SCRAPE_USER = "strata-self-scrape";

  /** Identity of {@link #SELF_SCRAPE_USER} once authenticated (compared by reference). */
  static final String SELF_SCRAPE = new String(SELF_SCRAPE_USER);
  /** Compared against when the user is unknown, so a wrong user name costs as long as a wrong password. */
  private static final String DUMMY_HASH = BCrypt.withDefaults().hashToString(10, "not a password".toCharArray());
  /** bcrypt costs ~50-100 ms per check; results are kept per (user, hash, password) digest, as exporter-toolkit does. */
  private static final int MAX_CACHED = 10_000;

  private final Map<String, Boolean> verified = new ConcurrentHashMap<>();
  private final Options options;
  private final String selfScrapePassword;
  private final Object lock = new Object();
  private byte[] lastBytes;
  private WebConfig last;
  private WebTls tls;
  private boolean startUsers;

  private WebSecurity(Options options) {
    this.options = options;
    byte[] random = new byte[32];
    new java.security.SecureRandom().nextBytes(random);
    this.selfScrapePassword = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  /** The password of {@link #SELF_SCRAPE_USER} for this process. */
  public String selfScrapePassword() {
    return selfScrapePassword;
  }

  /** True when the web config (at start) has {@code basic_auth_users}. */
  public boolean basicAuth() {
    return startUsers;
  }

  /**
   * Reads and validates the web config (and its TLS files) once.
   *
   * @throws IllegalArgumentException naming the file and exporter-toolkit's message
   */
  public static WebSecurity load(Options options) {
    WebSecurity w = new WebSecurity(options);
    if (options.webConfigFile() != null) {
      try {
        WebConfig c = w.current();
        w.startUsers = !c.users().isEmpty();
        if (c.tls().enabled()) {
          w.tls = WebTls.load(c.tls());
        }
        if (!options.tenants().isEmpty() && c.users().isEmpty()) {
          throw new IllegalArgumentException("auth.tenants binds users, but the web config has no basic_auth_users");
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--web.config.file " + options.webConfigFile() + ": " + e.getMessage(), e);
      }
    } else if (!options.tenants().isEmpty()) {
      throw new IllegalArgumentException("auth.tenants binds users, who are defined by basic_auth_users in --web.config.file (none given)");
    }
    return w;
  }

  /** True when the ports serve TLS (the web config had {@code tls_server_config} at start, as Prometheus decides once). */
  public boolean tls() {
    return tls != null;
  }

  /**
   * The web config's {@code tls_server_config} as the file says now (file names resolved), or null when the ports
   * do not serve TLS: for servers that take their TLS settings once at start (Kafka Connect's REST listener).
   */
  public WebConfig.Tls tlsConfig() {
    return tls == null ? null : current().tls();
  }

  public Options options() {
    return options;
  }

  /** TLS on every ServerConnector of {@code server} (when configured) and the security handler around its handler. */
  public void install(Server server) {
    if (tls != null) {
      for (Connector c : server.getConnectors()) {
        if (c instanceof ServerConnector sc) {
          SslConnectionFactory ssl = new SslConnectionFactory(new ReloadingSslContextFactory(), "http/1.1");
          sc.addFirstConnectionFactory(ssl);
          sc.addFirstConnectionFactory(new PlainHttpRefusal(ssl));
        }
      }
    }
    server.setHandler(new WebSecurityHandler(this, server.getHandler()));
  }

  /**
   * The user {@code authorization} (an HTTP {@code Authorization} header, may be null) logs in as under the web
   * config as it is now; null when the config has no users or the credentials are wrong. For servers that are
   * not Jetty handlers (the Kafka Connect REST extension): {@link #SELF_SCRAPE_USER} is never returned.
   *
   * @throws IllegalArgumentException when the web config file is invalid now
   */
  public String user(String authorization) {
    WebConfig c = current();
    if (c.users().isEmpty()) {
      return null;
    }
    String u = authenticate(c.users(), authorization);
    return u == SELF_SCRAPE ? null : u;
  }

  /** The user whose password matches, or null (no or malformed header, unknown user, wrong password). */
  String authenticate(Map<String, String> users, String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return null;
    }
    String user = decoded.substring(0, colon);
    String password = decoded.substring(colon + 1);
    String hash = users.get(user);
    if (hash == null && user.equals(WebSecurity.SELF_SCRAPE_USER)) {
      return MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8), selfScrapePassword.getBytes(StandardCharsets.UTF_8))
          ? SELF_SCRAPE : null;
    }
    boolean known = hash != null;
    String h = known ? hash : DUMMY_HASH;
    String key = digest(user, h, password);
    Boolean ok = verified.get(key);
    if (ok == null) {
      ok = BCrypt.verifyer().verify(password.toCharArray(), h.toCharArray()).verified;
      if (verified.size() >= MAX_CACHED) {
        verified.clear();
      }
      verified.put(key, ok);
    }
    return ok && known ? user : null;
  }

  private static String digest(String user, String hash, String password) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      for (String s : new String[] {user, hash, password}) {
        d.update(s.getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("BUG: no SHA-256", e);
    }
  }

  /** The web config as the file says now (EMPTY without a file), parsed again only when its bytes changed. */
  WebConfig current() {
    Path f = options.webConfigFile();
    if (f == null) {
      return WebConfig.EMPTY;
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(f);
    } catch (IOException e) {
      throw new IllegalArgumentException("open " + f + ": " + e.getMessage());
    }
    synchronized (lock) {
      if (last == null || !Arrays.equals(bytes, lastBytes)) {
        last = null;
        WebConfig c = WebConfig.parse(f, bytes);
        lastBytes = bytes;
        last = c;
      }
      return last;
    }
  }

  private SSLEngine newEngine(String host, int port) {
    WebTls t;
    try {
      WebConfig c = current();
      if (!c.tls().enabled()) {
        throw new IllegalArgumentException("TLS config is not present");
      }
      synchronized (lock) {
        tls = tls.reloadIfChanged(c.tls());
        t = tls;
      }
    } catch (IllegalArgumentException e) {
      log.error("--web.config.file {}: TLS handshake refused: {}", options.webConfigFile(), e.getMessage());
      throw e;
    }
    return t.newEngine(host, port);
  }

  /** Jetty's TLS factory, but every engine comes from the web config as it is at this handshake. */
  private final class ReloadingSslContextFactory extends SslContextFactory.Server {
    ReloadingSslContextFactory() {
      setSslContext(tls.context());
      setEndpointIdentificationAlgorithm(null);
    }

    @Override
    public SSLEngine newSSLEngine() {
      return newEngine(null, -1);
    }

    @Override
    public SSLEngine newSSLEngine(String host, int port) {
      return newEngine(host, port);
    }
  }

  /**
   * A TLS port answers plain HTTP as Go's server does: {@code 400 Client sent an HTTP request to an HTTPS server.},
   * then closes the connection.
   */
  private static final class PlainHttpRefusal extends DetectorConnectionFactory {
    private static final byte[] ANSWER = "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n"
        .getBytes(StandardCharsets.US_ASCII);

    PlainHttpRefusal(SslConnectionFactory ssl) {
      super(ssl);
    }

    @Override
    protected void nextProtocol(Connector connector, EndPoint endPoint, ByteBuffer buffer) {
      endPoint.write(Callback.from(endPoint::close, x -> endPoint.close()), ByteBuffer.wrap(ANSWER));
    }
  }
}
