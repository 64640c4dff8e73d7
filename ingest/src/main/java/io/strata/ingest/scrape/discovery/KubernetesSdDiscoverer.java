package io.strata.ingest.scrape.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.ingest.scrape.config.Authorization;
import io.strata.ingest.scrape.config.HttpClientConfig;
import io.strata.ingest.scrape.config.KubernetesSdConfig;
import io.strata.ingest.scrape.config.TlsConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code kubernetes_sd_configs} for every role of Prometheus 2.42 (node, pod, service, endpoints,
 * endpointslice, ingress): list+watch of the resources the role needs (endpoints and endpointslice also
 * watch pods and services, to label targets with them) in each
 * configured namespace (all when none), with the role's selectors. Groups are rebuilt from the watched
 * objects on every change, once every watch has listed. Without {@code api_server} the in-cluster
 * configuration is used ({@code KUBERNETES_SERVICE_HOST}/{@code _PORT}, the service account's token and CA).
 */
public final class KubernetesSdDiscoverer implements Discoverer, KubernetesWatch.Listener {
  static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

  private final KubernetesSdConfig config;
  private final DiscoveryErrors errors;
  private final Map<String, String> env;
  private final List<KubernetesWatch> watches = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Set<KubernetesWatch> failing = new HashSet<>();
  private Consumer<List<TargetGroup>> onUpdate;
  private List<TargetGroup> lastSent;
  private volatile boolean closed;

  public KubernetesSdDiscoverer(KubernetesSdConfig config, DiscoveryErrors errors) {
    this(config, errors, System.getenv());
  }

  KubernetesSdDiscoverer(KubernetesSdConfig config, DiscoveryErrors errors, Map<String, String> env) {
    this.config = config;
    this.errors = errors;
    this.env = env;
  }

  @Override
  public synchronized void start(Consumer<List<TargetGroup>> onUpdate) {
    this.onUpdate = onUpdate;
    URI base;
    HttpClientConfig http;
    List<String> namespaces = new ArrayList<>(new LinkedHashSet<>(config.namespaces()));
    try {
      if (config.apiServer() != null) {
        base = config.apiServer();
        http = config.http();
      } else {
        String host = env.getOrDefault("KUBERNETES_SERVICE_HOST", "");
        String port = env.getOrDefault("KUBERNETES_SERVICE_PORT", "");
        if (host.isEmpty() || port.isEmpty()) {
          throw new IOException("unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined");
        }
        base = URI.create("https://" + MetaLabels.joinHostPort(host, port));
        http = new HttpClientConfig(null, new Authorization("Bearer", null, SERVICE_ACCOUNT.resolve("token").toString()),
            new TlsConfig(SERVICE_ACCOUNT.resolve("ca.crt").toString(), null, null, null, null));
        if (config.ownNamespace()) {
          namespaces.add(Files.readString(SERVICE_ACCOUNT.resolve("namespace")).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      errors.failed("kubernetes", "kubernetes_sd: " + e.getMessage());
      return;
    }
    if (namespaces.isEmpty()) {
      namespaces.add(""); // all namespaces
    }
    HttpClient client = http.newClient(null, Duration.ofSeconds(10), base.getScheme().equals("https"));
    List<String> kinds = switch (config.role()) {
      case "endpoints" -> List.of("endpoints", "pod", "service");
      case "endpointslice" -> List.of("endpointslice", "pod", "service");
      case "node" -> List.of("node");
      default -> List.of(config.role());
    };
    for (String kind : kinds) {
      String label = "";
      String field = "";
      for (KubernetesSdConfig.Selector s : config.selectors()) {
        if (s.role().equals(kind)) {
          label = s.label();
          field = s.field();
        }
      }
      List<String> nss = kind.equals("node") ? List.of("") : namespaces;
      for (String ns : nss) {
        watches.add(new KubernetesWatch(kind, base, path(kind, ns), label, field, client, http, this));
      }
    }
    for (KubernetesWatch w : watches) {
      w.start();
    }
  }

  private static String path(String kind, String ns) {
    String api = switch (kind) {
      case "endpointslice" -> "/apis/discovery.k8s.io/v1";
      case "ingress" -> "/apis/networking.k8s.io/v1";
      default -> "/api/v1";
    };
    String resource = switch (kind) {
      case "pod" -> "pods";
      case "service" -> "services";
      case "node" -> "nodes";
      case "endpointslice" -> "endpointslices";
      case "ingress" -> "ingresses";
      default -> kind;
    };
    return ns.isEmpty() ? api + "/" + resource : api + "/namespaces/" + ns + "/" + resource;
  }

  private Map<String, JsonNode> objects(String kind) {
    Map<String, JsonNode> out = new HashMap<>();
    for (KubernetesWatch w : watches) {
      if (w.kind.equals(kind)) {
        out.putAll(w.objects);
      }
    }
    return out;
  }

  @Override
  public synchronized void changed() {
    if (closed) {
      return;
    }
    for (KubernetesWatch w : watches) {
      if (!w.synced) {
        return; // the first update waits for every list, so endpoints do not appear without their pods
      }
    }
    List<TargetGroup> groups = new ArrayList<>();
    Function<JsonNode, TargetGroup> build = switch (config.role()) {
      case "pod" -> KubernetesTargets::pod;
      case "service" -> KubernetesTargets::service;
      case "node" -> KubernetesTargets::node;
      case "ingress" -> KubernetesTargets::ingress;
      case "endpointslice" -> {
        Map<String, JsonNode> pods = objects("pod");
        Map<String, JsonNode> services = objects("service");
        yield eps -> KubernetesTargets.endpointSlice(eps, pods, services);
      }
      default -> {
        Map<String, JsonNode> pods = objects("pod");
        Map<String, JsonNode> services = objects("service");
        yield eps -> KubernetesTargets.endpoints(eps, pods, services);
      }
    };
    Map<String, JsonNode> objs = new java.util.TreeMap<>(objects(config.role()));
    for (JsonNode o : objs.values()) {
      groups.add(build.apply(o));
    }
    if (!groups.equals(lastSent)) {
      lastSent = groups;
      onUpdate.accept(List.copyOf(groups));
    }
  }

  @Override
  public synchronized void failed(KubernetesWatch w, String message) {
    failing.add(w);
    errors.failed("kubernetes", message);
  }

  @Override
  public synchronized void ok(KubernetesWatch w) {
    if (failing.remove(w) && failing.isEmpty()) {
      errors.succeeded("kubernetes");
    }
  }

  /** Not synchronized: the pool calls this holding its lock while an update may hold ours waiting for the pool's. */
  @Override
  public void close() {
    closed = true;
    for (KubernetesWatch w : watches) {
      w.close();
    }
  }
}
