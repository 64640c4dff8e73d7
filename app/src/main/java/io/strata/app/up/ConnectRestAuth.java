package io.strata.app.up;

import io.strata.schemas.http.WebSecurity;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.kafka.connect.rest.ConnectRestExtension;
import org.apache.kafka.connect.rest.ConnectRestExtensionContext;
import org.apache.kafka.connect.runtime.rest.InternalRequestSignature;

/**
 * Kafka Connect REST behind the web config's users, through Connect's own extension point
 * ({@code rest.extension.classes}): every request needs the credentials of a {@code basic_auth_users} user
 * (401 {@code WWW-Authenticate: Basic} otherwise), and a user that {@code auth.tenants} binds to tenants is
 * refused (403): Connect's REST API changes the pipeline of every tenant, so only operators, users of the web
 * config that no tenant binding names, may use it. Requests between the workers of a distributed group pass: a user's
 * request a follower forwards to the leader keeps its {@code Authorization} header, and the internal endpoints are
 * signed with the group's session key ({@link #internal}). The worker gets the {@link WebSecurity} of its command
 * through {@link #workerConfig(WebSecurity)} (same JVM); TLS comes from Connect's own listener settings
 * ({@link ConnectRestTls}).
 */
public final class ConnectRestAuth implements ConnectRestExtension {
  /** Worker config key naming the registered {@link WebSecurity}. */
  static final String KEY = "strata.rest.web.security";
  private static final Map<String, WebSecurity> REGISTERED = new ConcurrentHashMap<>();

  private WebSecurity web;

  /** The worker overrides that put {@code web} in front of Connect's REST API. */
  public static Map<String, String> workerConfig(WebSecurity web) {
    String id = UUID.randomUUID().toString();
    REGISTERED.put(id, web);
    return Map.of("rest.extension.classes", ConnectRestAuth.class.getName(), KEY, id);
  }

  @Override
  public void configure(Map<String, ?> configs) {
    Object id = configs.get(KEY);
    web = id == null ? null : REGISTERED.get(id.toString());
    if (web == null) {
      throw new IllegalStateException("BUG: " + KEY + " names no registered web security: " + id);
    }
  }

  @Override
  public void register(ConnectRestExtensionContext context) {
    context.configurable().register(new Filter());
  }

  /** Before matching, so that no path (an unknown one included) answers without credentials. */
  @PreMatching
  private final class Filter implements ContainerRequestFilter {
    @Override
    public void filter(ContainerRequestContext request) {
      check(request);
    }
  }

  /**
   * A worker's call to another's internal endpoints (a connector's task configs sent to the leader, zombie fencing),
   * signed with the group's session key: it carries no user's credentials, and Connect's herder verifies the signature
   * (refusing an unsigned or wrongly signed one), as Kafka's own basic-auth extension relies on.
   */
  static boolean internal(String method, String path, String signature) {
    return signature != null && (("POST".equals(method) && INTERNAL_TASKS.matcher(path).matches())
        || ("PUT".equals(method) && INTERNAL_FENCE.matcher(path).matches()));
  }

  private static final Pattern INTERNAL_TASKS = Pattern.compile("/?connectors/[^/]+/tasks/?");
  private static final Pattern INTERNAL_FENCE = Pattern.compile("/?connectors/[^/]+/fence/?");

  private void check(ContainerRequestContext request) {
    if (internal(request.getMethod(), request.getUriInfo().getPath(), request.getHeaderString(InternalRequestSignature.SIGNATURE_HEADER))) {
      return;
    }
    String user;
    try {
      user = web.user(request.getHeaderString("Authorization"));
    } catch (IllegalArgumentException e) { // the web config file is invalid now
      request.abortWith(text(Response.Status.INTERNAL_SERVER_ERROR, "Internal Server Error"));
      return;
    }
    if (user == null) {
      request.abortWith(Response.fromResponse(text(Response.Status.UNAUTHORIZED, "Unauthorized")).header("WWW-Authenticate", "Basic").build());
    } else if (web.options().tenants().containsKey(user)) {
      request.abortWith(text(Response.Status.FORBIDDEN,
          "user \"" + user + "\" is bound to tenants (auth.tenants); Kafka Connect's REST API is for operators"));
    }
  }

  private static Response text(Response.Status status, String body) {
    return Response.status(status).type(MediaType.TEXT_PLAIN_TYPE).entity(body + "\n").build();
  }

  @Override
  public String version() {
    return "1";
  }

  @Override
  public void close() {}
}
