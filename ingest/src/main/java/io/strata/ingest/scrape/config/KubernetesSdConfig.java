package io.strata.ingest.scrape.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code kubernetes_sd_configs}: {@code role} (node, service, pod, endpoints, endpointslice, ingress),
 * {@code api_server} (empty = in-cluster configuration), {@code namespaces},
 * {@code selectors}, and Prometheus's HTTP client settings inline. Validation as Prometheus 2.42.
 */
public record KubernetesSdConfig(
    URI apiServer,
    String role,
    boolean ownNamespace,
    List<String> namespaces,
    List<Selector> selectors,
    boolean attachNodeMetadata,
    HttpClientConfig http) {

  public static final Set<String> ROLES = Set.of("node", "pod", "service", "endpoints", "endpointslice", "ingress");
  private static final Map<String, List<String>> ALLOWED_SELECTORS = Map.of(
      "pod", List.of("pod"),
      "service", List.of("service"),
      "endpointslice", List.of("pod", "service", "endpointslice"),
      "endpoints", List.of("pod", "service", "endpoints"),
      "node", List.of("node"),
      "ingress", List.of("ingress"));

  /** One {@code selectors} entry: Kubernetes label and field selectors for the objects of one role. */
  public record Selector(String role, String label, String field) {
    @JsonCreator
    public Selector(@JsonProperty("role") String role, @JsonProperty("label") String label,
        @JsonProperty("field") String field) {
      this.role = role == null ? "" : role;
      this.label = label == null ? "" : label;
      this.field = field == null ? "" : field;
    }
  }

  /** {@code namespaces}: {@code own_namespace} and {@code names}. */
  public record Namespaces(boolean ownNamespace, List<String> names) {
    @JsonCreator
    public Namespaces(@JsonProperty("own_namespace") Boolean ownNamespace, @JsonProperty("names") List<String> names) {
      this(ownNamespace != null && ownNamespace, names == null ? List.of() : List.copyOf(names));
    }
  }

  /** {@code attach_metadata}: {@code node}. */
  public record AttachMetadata(boolean node) {
    @JsonCreator
    public AttachMetadata(@JsonProperty("node") Boolean node) {
      this(node != null && node);
    }
  }

  public KubernetesSdConfig {
    namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
    selectors = selectors == null ? List.of() : List.copyOf(selectors);
    http = http == null ? HttpClientConfig.NONE : http;
    if (role == null || role.isEmpty()) {
      throw new IllegalArgumentException("role missing (one of: pod, service, endpoints, endpointslice, node, ingress)");
    }
    if (!ROLES.contains(role)) {
      throw new IllegalArgumentException("unknown Kubernetes SD role \"" + role + "\"");
    }
    if (apiServer == null && !http.equals(HttpClientConfig.NONE)) {
      throw new IllegalArgumentException("to use custom HTTP client configuration please provide the 'api_server' URL explicitly");
    }
    if (apiServer != null && ownNamespace) {
      throw new IllegalArgumentException("cannot use 'api_server' and 'namespaces.own_namespace' simultaneously");
    }
    if (attachNodeMetadata) {
      throw new IllegalArgumentException("attach_metadata is a Prometheus setting that Strata does not support");
    }
    Set<String> seen = new HashSet<>();
    for (Selector s : selectors) {
      if (!seen.add(s.role())) {
        throw new IllegalArgumentException("duplicated selector role: " + s.role());
      }
      if (!ALLOWED_SELECTORS.get(role).contains(s.role())) {
        throw new IllegalArgumentException(role + " role supports only " + String.join(", ", ALLOWED_SELECTORS.get(role)) + " selectors");
      }
    }
  }

  @JsonCreator
  static KubernetesSdConfig fromYaml(
      @JsonProperty("api_server") String apiServer,
      @JsonProperty("role") String role,
      @JsonProperty("kubeconfig_file") String kubeconfigFile,
      @JsonProperty("namespaces") Namespaces namespaces,
      @JsonProperty("selectors") List<Selector> selectors,
      @JsonProperty("attach_metadata") AttachMetadata attachMetadata,
      @JsonProperty("basic_auth") BasicAuth basicAuth,
      @JsonProperty("authorization") Authorization authorization,
      @JsonProperty("bearer_token") String bearerToken,
      @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = ConfigPath.class) @JsonProperty("bearer_token_file") String bearerTokenFile,
      @JsonProperty("tls_config") TlsConfig tls) {
    if (kubeconfigFile != null && !kubeconfigFile.isEmpty()) {
      throw new IllegalArgumentException("kubeconfig_file is a Prometheus setting that Strata does not support; use api_server with tls_config and a bearer token");
    }
    URI api = null;
    if (apiServer != null && !apiServer.isEmpty()) {
      api = URI.create(apiServer.endsWith("/") ? apiServer.substring(0, apiServer.length() - 1) : apiServer);
      if (!"http".equals(api.getScheme()) && !"https".equals(api.getScheme())) {
        throw new IllegalArgumentException("api_server URL scheme must be 'http' or 'https'");
      }
    }
    Namespaces ns = namespaces == null ? new Namespaces(false, List.of()) : namespaces;
    return new KubernetesSdConfig(api, role, ns.ownNamespace(), ns.names(), selectors,
        attachMetadata != null && attachMetadata.node(),
        HttpClientConfig.of(basicAuth, authorization, bearerToken, bearerTokenFile, tls));
  }
}
