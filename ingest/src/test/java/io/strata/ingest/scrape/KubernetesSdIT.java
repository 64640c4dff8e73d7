package io.strata.ingest.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.ingest.scrape.config.PrometheusConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kubernetes_sd_configs (pod, service, endpoints, node) against a server speaking the Kubernetes list and
 * watch API: Prometheus 2.42's meta labels, changes followed through the watch, relist after 410, the API
 * server failing.
 */
class KubernetesSdIT {
  @TempDir
  Path dir;

  static ObjectNode pod(String name, String ip, Map<String, String> labels) {
    ObjectNode p = FakeKubernetes.JSON.createObjectNode();
    p.put("kind", "Pod").put("apiVersion", "v1");
    ObjectNode md = p.putObject("metadata");
    md.put("name", name).put("namespace", "default").put("uid", "uid-" + name);
    md.set("labels", FakeKubernetes.JSON.valueToTree(labels));
    md.putObject("annotations").put("prometheus.io/scrape", "true");
    md.putArray("ownerReferences").addObject().put("apiVersion", "apps/v1").put("kind", "ReplicaSet")
        .put("name", "web-abc").put("uid", "rs-1").put("controller", true);
    ObjectNode spec = p.putObject("spec");
    spec.put("nodeName", "node-1");
    var containers = spec.putArray("containers");
    ObjectNode app = containers.addObject().put("name", "app").put("image", "example/app:1");
    app.putArray("ports").add(FakeKubernetes.JSON.createObjectNode().put("name", "metrics").put("containerPort", 9100).put("protocol", "TCP"))
        .add(FakeKubernetes.JSON.createObjectNode().put("name", "http").put("containerPort", 8080).put("protocol", "TCP"));
    containers.addObject().put("name", "sidecar").put("image", "example/side:2");
    spec.putArray("initContainers").addObject().put("name", "init").put("image", "busybox");
    ObjectNode status = p.putObject("status");
    status.put("phase", "Running").put("podIP", ip).put("hostIP", "127.0.0.2");
    status.putArray("conditions").addObject().put("type", "Ready").put("status", "True");
    status.putArray("containerStatuses").addObject().put("name", "app").put("containerID", "containerd://abc");
    return p;
  }

  static ObjectNode service(String name) {
    ObjectNode s = FakeKubernetes.JSON.createObjectNode();
    s.put("kind", "Service").put("apiVersion", "v1");
    ObjectNode md = s.putObject("metadata");
    md.put("name", name).put("namespace", "default");
    md.putObject("labels").put("app", name);
    ObjectNode spec = s.putObject("spec");
    spec.put("type", "ClusterIP").put("clusterIP", "127.0.0.100");
    spec.putArray("ports").addObject().put("name", "metrics").put("port", 9100).put("protocol", "TCP");
    return s;
  }

  static ObjectNode endpoints(String name, String readyIp, String readyPod, String notReadyIp) {
    ObjectNode e = FakeKubernetes.JSON.createObjectNode();
    e.put("kind", "Endpoints").put("apiVersion", "v1");
    ObjectNode md = e.putObject("metadata");
    md.put("name", name).put("namespace", "default");
    md.putObject("labels").put("app", name);
    ObjectNode subset = e.putArray("subsets").addObject();
    ObjectNode a = subset.putArray("addresses").addObject().put("ip", readyIp).put("nodeName", "node-1");
    a.putObject("targetRef").put("kind", "Pod").put("name", readyPod).put("namespace", "default");
    subset.putArray("notReadyAddresses").addObject().put("ip", notReadyIp);
    subset.putArray("ports").addObject().put("name", "metrics").put("port", 9100).put("protocol", "TCP");
    return e;
  }

  static ObjectNode endpointSlice(String name, String service, String ip, String pod) {
    ObjectNode e = FakeKubernetes.JSON.createObjectNode();
    e.put("kind", "EndpointSlice").put("apiVersion", "discovery.k8s.io/v1").put("addressType", "IPv4");
    ObjectNode md = e.putObject("metadata");
    md.put("name", name).put("namespace", "default");
    md.putObject("labels").put("kubernetes.io/service-name", service);
    ObjectNode ep = e.putArray("endpoints").addObject();
    ep.putArray("addresses").add(ip);
    ep.putObject("conditions").put("ready", true).put("serving", true).put("terminating", false);
    ep.put("nodeName", "node-1");
    ep.putObject("targetRef").put("kind", "Pod").put("name", pod).put("namespace", "default");
    ep.putObject("deprecatedTopology").put("kubernetes.io/hostname", "node-1");
    e.putArray("ports").addObject().put("name", "metrics").put("port", 9100).put("protocol", "TCP");
    return e;
  }

  static ObjectNode ingress(String name) {
    ObjectNode i = FakeKubernetes.JSON.createObjectNode();
    i.put("kind", "Ingress").put("apiVersion", "networking.k8s.io/v1");
    ObjectNode md = i.putObject("metadata");
    md.put("name", name).put("namespace", "default");
    md.putObject("labels").put("app", name);
    ObjectNode spec = i.putObject("spec");
    spec.put("ingressClassName", "nginx");
    spec.putArray("tls").addObject().putArray("hosts").add("*.example.test");
    var rules = spec.putArray("rules");
    ObjectNode r1 = rules.addObject().put("host", "web.example.test");
    var paths = r1.putObject("http").putArray("paths");
    paths.addObject().put("path", "/metrics").put("pathType", "Prefix");
    paths.addObject().put("path", "").put("pathType", "ImplementationSpecific");
    rules.addObject().put("host", "plain.other.test");
    return i;
  }

  static ObjectNode node(String name, String ip) {
    ObjectNode n = FakeKubernetes.JSON.createObjectNode();
    n.put("kind", "Node").put("apiVersion", "v1");
    ObjectNode md = n.putObject("metadata");
    md.put("name", name);
    md.putObject("labels").put("kubernetes.io/os", "linux");
    n.putObject("spec").put("providerID", "kind://" + name);
    ObjectNode status = n.putObject("status");
    status.putArray("addresses").add(FakeKubernetes.JSON.createObjectNode().put("type", "Hostname").put("address", name))
        .add(FakeKubernetes.JSON.createObjectNode().put("type", "InternalIP").put("address", ip));
    status.putObject("daemonEndpoints").putObject("kubeletEndpoint").put("Port", 10250);
    return n;
  }

  private static void await(Supplier<Boolean> cond, long ms, Supplier<String> what) throws InterruptedException {
    long deadline = System.nanoTime() + ms * 1_000_000L;
    while (!cond.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what.get());
      }
      Thread.sleep(20);
    }
  }

  private static Set<String> targets(ScrapeEngine engine, String job) {
    Set<String> s = new TreeSet<>();
    for (TargetStatus t : engine.targets()) {
      if (t.job().equals(job)) {
        s.add(t.labels().get("instance") + (t.labels().get("container") == null ? "" : " " + t.labels().get("container")));
      }
    }
    return s;
  }

  private static Map<String, String> discovered(ScrapeEngine engine, String job, String instance) {
    for (TargetStatus t : engine.targets()) {
      if (t.job().equals(job) && instance.equals(t.labels().get("instance"))) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < t.discoveredLabels().size(); i++) {
          m.put(t.discoveredLabels().name(i), t.discoveredLabels().value(i));
        }
        return m;
      }
    }
    throw new AssertionError("no target " + instance + " in job " + job);
  }

  @Test
  void rolesFollowWatchesWithPrometheusLabels() throws Exception {
    try (FakeKubernetes k8s = new FakeKubernetes()) {
      k8s.apply("pods", pod("web-1", "127.0.0.31", Map.of("app", "web", "app.kubernetes.io/name", "web")));
      k8s.apply("services", service("web"));
      k8s.apply("endpoints", endpoints("web", "127.0.0.31", "web-1", "127.0.0.32"));
      k8s.apply("nodes", node("node-1", "127.0.0.2"));
      k8s.apply("endpointslices", endpointSlice("web-x1", "web", "127.0.0.31", "web-1"));
      k8s.apply("ingresses", ingress("web"));
      Path token = dir.resolve("token");
      Files.writeString(token, "tok-1\n");
      try (ScrapeEngine engine = new ScrapeEngine(ScrapeEngineSettings.defaults(), new RecordingSink(), new PrometheusRegistry())) {
        engine.apply(PrometheusConfigLoader.parse("""
            global: {scrape_interval: 1m}
            scrape_configs:
              - job_name: pods
                kubernetes_sd_configs:
                  - {api_server: '%1$s', role: pod, namespaces: {names: [default]}, bearer_token_file: '%2$s',
                     selectors: [{role: pod, label: app=web}]}
                relabel_configs:
                  - {source_labels: [__meta_kubernetes_pod_container_name], target_label: container}
              - job_name: services
                kubernetes_sd_configs: [{api_server: '%1$s', role: service}]
              - job_name: endpoints
                kubernetes_sd_configs: [{api_server: '%1$s', role: endpoints, namespaces: {names: [default]}}]
              - job_name: nodes
                kubernetes_sd_configs: [{api_server: '%1$s', role: node}]
              - job_name: slices
                kubernetes_sd_configs: [{api_server: '%1$s', role: endpointslice, namespaces: {names: [default]}}]
              - job_name: ingresses
                kubernetes_sd_configs: [{api_server: '%1$s', role: ingress}]
                relabel_configs:
                  - {source_labels: [__meta_kubernetes_ingress_path], target_label: path}
            """.formatted(k8s.url(), token)));
        await(() -> targets(engine, "pods").size() == 4 && targets(engine, "endpoints").size() == 3
            && targets(engine, "services").size() == 1 && targets(engine, "nodes").size() == 1
            && targets(engine, "slices").size() == 2 && engine.targets().stream().filter(t -> t.job().equals("ingresses")).count() == 3,
            5000,
            () -> "targets, have " + engine.targets().size());
        assertEquals(Set.of("127.0.0.31 init", "127.0.0.31 sidecar", "127.0.0.31:8080 app", "127.0.0.31:9100 app"),
            targets(engine, "pods"));
        assertEquals(new TreeMap<>(Map.ofEntries(
            Map.entry("__address__", "127.0.0.31:9100"),
            Map.entry("__meta_kubernetes_namespace", "default"),
            Map.entry("__meta_kubernetes_pod_annotation_prometheus_io_scrape", "true"),
            Map.entry("__meta_kubernetes_pod_annotationpresent_prometheus_io_scrape", "true"),
            Map.entry("__meta_kubernetes_pod_container_id", "containerd://abc"),
            Map.entry("__meta_kubernetes_pod_container_image", "example/app:1"),
            Map.entry("__meta_kubernetes_pod_container_init", "false"),
            Map.entry("__meta_kubernetes_pod_container_name", "app"),
            Map.entry("__meta_kubernetes_pod_container_port_name", "metrics"),
            Map.entry("__meta_kubernetes_pod_container_port_number", "9100"),
            Map.entry("__meta_kubernetes_pod_container_port_protocol", "TCP"),
            Map.entry("__meta_kubernetes_pod_controller_kind", "ReplicaSet"),
            Map.entry("__meta_kubernetes_pod_controller_name", "web-abc"),
            Map.entry("__meta_kubernetes_pod_host_ip", "127.0.0.2"),
            Map.entry("__meta_kubernetes_pod_ip", "127.0.0.31"),
            Map.entry("__meta_kubernetes_pod_label_app", "web"),
            Map.entry("__meta_kubernetes_pod_label_app_kubernetes_io_name", "web"),
            Map.entry("__meta_kubernetes_pod_labelpresent_app", "true"),
            Map.entry("__meta_kubernetes_pod_labelpresent_app_kubernetes_io_name", "true"),
            Map.entry("__meta_kubernetes_pod_name", "web-1"),
            Map.entry("__meta_kubernetes_pod_node_name", "node-1"),
            Map.entry("__meta_kubernetes_pod_phase", "Running"),
            Map.entry("__meta_kubernetes_pod_ready", "true"),
            Map.entry("__meta_kubernetes_pod_uid", "uid-web-1"),
            Map.entry("__metrics_path__", "/metrics"),
            Map.entry("__scheme__", "http"),
            Map.entry("__scrape_interval__", "1m"),
            Map.entry("__scrape_timeout__", "10s"),
            Map.entry("job", "pods"))), discovered(engine, "pods", "127.0.0.31:9100"));
        Map<String, String> init = discovered(engine, "pods", "127.0.0.31");
        assertTrue(init.get("__meta_kubernetes_pod_container_init").equals("true")
            || init.get("__meta_kubernetes_pod_container_name").equals("sidecar"), init.toString());

        Map<String, String> svc = discovered(engine, "services", "web.default.svc:9100");
        assertEquals("127.0.0.100", svc.get("__meta_kubernetes_service_cluster_ip"));
        assertEquals("ClusterIP", svc.get("__meta_kubernetes_service_type"));
        assertEquals("web", svc.get("__meta_kubernetes_service_label_app"));
        assertEquals("metrics", svc.get("__meta_kubernetes_service_port_name"));

        assertEquals(Set.of("127.0.0.31:9100", "127.0.0.32:9100", "127.0.0.31:8080"), targets(engine, "endpoints"));
        Map<String, String> ready = discovered(engine, "endpoints", "127.0.0.31:9100");
        assertEquals("true", ready.get("__meta_kubernetes_endpoint_ready"));
        assertEquals("Pod", ready.get("__meta_kubernetes_endpoint_address_target_kind"));
        assertEquals("web-1", ready.get("__meta_kubernetes_endpoint_address_target_name"));
        assertEquals("node-1", ready.get("__meta_kubernetes_endpoint_node_name"));
        assertEquals("web-1", ready.get("__meta_kubernetes_pod_name"));
        assertEquals("app", ready.get("__meta_kubernetes_pod_container_name"));
        assertEquals("web", ready.get("__meta_kubernetes_service_name"));
        assertEquals("web", ready.get("__meta_kubernetes_endpoints_label_app"));
        assertEquals("false", discovered(engine, "endpoints", "127.0.0.32:9100").get("__meta_kubernetes_endpoint_ready"));
        Map<String, String> uncovered = discovered(engine, "endpoints", "127.0.0.31:8080");
        assertEquals("http", uncovered.get("__meta_kubernetes_pod_container_port_name"));
        assertEquals(null, uncovered.get("__meta_kubernetes_endpoint_ready"));

        Map<String, String> node = discovered(engine, "nodes", "node-1");
        assertEquals("127.0.0.2:10250", node.get("__address__"));
        assertEquals("127.0.0.2", node.get("__meta_kubernetes_node_address_InternalIP"));
        assertEquals("node-1", node.get("__meta_kubernetes_node_address_Hostname"));
        assertEquals("linux", node.get("__meta_kubernetes_node_label_kubernetes_io_os"));

        Map<String, String> slice = discovered(engine, "slices", "127.0.0.31:9100");
        assertEquals(new TreeMap<>(Map.ofEntries(
            Map.entry("__address__", "127.0.0.31:9100"),
            Map.entry("__meta_kubernetes_endpointslice_address_target_kind", "Pod"),
            Map.entry("__meta_kubernetes_endpointslice_address_target_name", "web-1"),
            Map.entry("__meta_kubernetes_endpointslice_address_type", "IPv4"),
            Map.entry("__meta_kubernetes_endpointslice_endpoint_conditions_ready", "true"),
            Map.entry("__meta_kubernetes_endpointslice_endpoint_conditions_serving", "true"),
            Map.entry("__meta_kubernetes_endpointslice_endpoint_conditions_terminating", "false"),
            Map.entry("__meta_kubernetes_endpointslice_endpoint_topology_kubernetes_io_hostname", "node-1"),
            Map.entry("__meta_kubernetes_endpointslice_endpoint_topology_present_kubernetes_io_hostname", "true"),
            Map.entry("__meta_kubernetes_endpointslice_name", "web-x1"),
            Map.entry("__meta_kubernetes_endpointslice_port", "9100"),
            Map.entry("__meta_kubernetes_endpointslice_port_name", "metrics"),
            Map.entry("__meta_kubernetes_endpointslice_port_protocol", "TCP"),
            Map.entry("__meta_kubernetes_namespace", "default"),
            Map.entry("__meta_kubernetes_service_label_app", "web"),
            Map.entry("__meta_kubernetes_service_labelpresent_app", "true"),
            Map.entry("__meta_kubernetes_service_name", "web"))),
            slice.entrySet().stream().filter(e -> !e.getKey().startsWith("__meta_kubernetes_pod_") && !e.getKey().startsWith("__s")
                && !e.getKey().equals("job") && !e.getKey().equals("__metrics_path__"))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new)));
        assertEquals("app", slice.get("__meta_kubernetes_pod_container_name"));
        assertEquals(Set.of("127.0.0.31:9100", "127.0.0.31:8080"), targets(engine, "slices"));
        Set<String> ingressTargets = new TreeSet<>();
        for (TargetStatus t : engine.targets()) {
          if (t.job().equals("ingresses")) {
            ingressTargets.add(t.discoveredLabels().get("__meta_kubernetes_ingress_scheme") + "://" + t.labels().get("instance")
                + t.labels().get("path") + " " + t.discoveredLabels().get("__meta_kubernetes_ingress_class_name"));
          }
        }
        assertEquals(Set.of("https://web.example.test/metrics nginx", "https://web.example.test/ nginx",
            "http://plain.other.test/ nginx"), ingressTargets);

        List<String> reqs = List.copyOf(k8s.requests);
        assertTrue(reqs.stream().anyMatch(r -> r.startsWith("/api/v1/namespaces/default/pods?labelSelector=app%3Dweb")
            && r.endsWith(" auth=Bearer tok-1")), reqs.toString());
        assertTrue(reqs.stream().anyMatch(r -> r.startsWith("/api/v1/namespaces/default/pods?watch=true")
            && r.contains("resourceVersion=")), reqs.toString());
        assertTrue(reqs.stream().anyMatch(r -> r.startsWith("/api/v1/services?")), reqs.toString());
        assertTrue(reqs.stream().anyMatch(r -> r.startsWith("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?")), reqs.toString());
        assertTrue(reqs.stream().anyMatch(r -> r.startsWith("/apis/networking.k8s.io/v1/ingresses?")), reqs.toString());

        // watch events: a new pod appears, a deleted one goes, the selector filters
        k8s.apply("pods", pod("web-2", "127.0.0.33", Map.of("app", "web")));
        k8s.apply("pods", pod("db-1", "127.0.0.34", Map.of("app", "db")));
        await(() -> targets(engine, "pods").contains("127.0.0.33:9100 app"), 5000, () -> "web-2, have " + targets(engine, "pods"));
        k8s.delete("pods", "default", "web-1");
        await(() -> targets(engine, "pods").equals(Set.of("127.0.0.33 init", "127.0.0.33 sidecar", "127.0.0.33:8080 app",
            "127.0.0.33:9100 app")), 5000, () -> "web-1 to go, have " + targets(engine, "pods"));
        // endpoints lose the pod's labels with the pod
        await(() -> !discovered(engine, "endpoints", "127.0.0.31:9100").containsKey("__meta_kubernetes_pod_name"), 5000,
            () -> "endpoints without the deleted pod");

        // history compacted: watches get 410 and relist; changes after that still arrive
        long listsBefore = k8s.listRequests("pods");
        k8s.expire();
        k8s.apply("endpoints", endpoints("web", "127.0.0.33", "web-2", "127.0.0.35"));
        await(() -> targets(engine, "endpoints").contains("127.0.0.35:9100"), 5000,
            () -> "endpoints after relist, have " + targets(engine, "endpoints"));
        assertTrue(k8s.listRequests("pods") > listsBefore, "relisted after 410");

        // the API server fails: targets stay, the error shows; it recovers
        k8s.down = true;
        k8s.expire();
        await(() -> engine.discoveryErrors().containsKey("pods"), 5000, () -> "a kubernetes error");
        assertTrue(engine.discoveryErrors().get("pods").get("kubernetes").contains("HTTP 500"), engine.discoveryErrors().toString());
        assertEquals(4, targets(engine, "pods").size());
        k8s.down = false;
        k8s.delete("services", "default", "web");
        await(() -> engine.discoveryErrors().isEmpty() && targets(engine, "services").isEmpty(), 10_000,
            () -> "recovery, errors " + engine.discoveryErrors());
      }
    }
  }

  /**
   * Debian's vmagent and Strata read the same prometheus.yml against the same API server: identical
   * targets and labels after relabeling (every meta label mapped), also after objects change.
   */
  @Test
  void sameTargetsAsVmagent() throws Exception {
    Vmagent.assumeInstalled();
    try (FakeKubernetes k8s = new FakeKubernetes(); ExpositionServer sink = new ExpositionServer()) {
      sink.route("/api/v1/write").body("");
      k8s.apply("pods", pod("web-1", "127.0.0.31", Map.of("app", "web", "app.kubernetes.io/name", "web")));
      k8s.apply("services", service("web"));
      k8s.apply("endpoints", endpoints("web", "127.0.0.31", "web-1", "127.0.0.32"));
      k8s.apply("nodes", node("node-1", "127.0.0.2"));
      // vmagent 1.79 differs from Prometheus 2.42 (whose source Strata follows) in a few labels, dropped here:
      // it lacks pod_container_image, pod_container_id and service_port_number; on endpoints it adds the
      // service's cluster_ip and type and leaves the group's endpoints_* labels off the extra container-port targets.
      String map = "{action: labelmap, regex: '__meta_kubernetes_(.+)', replacement: 'k8s_$1'}";
      String yaml = """
          global: {scrape_interval: 1m}
          scrape_configs:
            - job_name: pods
              kubernetes_sd_configs: [{api_server: '%1$s', role: pod}]
              relabel_configs:
                # containers without ports: Prometheus 2.x and vmagent add port 80 to the bare pod IP, Strata
                # (like Prometheus 3) adds no default port; compare the targets that have a port
                - {source_labels: [__meta_kubernetes_pod_container_port_number], regex: '', action: drop}
                - %2$s
                - {action: labeldrop, regex: 'k8s_pod_container_(image|id)'}
            - job_name: services
              kubernetes_sd_configs: [{api_server: '%1$s', role: service}]
              relabel_configs: [%2$s, {action: labeldrop, regex: k8s_service_port_number}]
            - job_name: endpoints
              kubernetes_sd_configs: [{api_server: '%1$s', role: endpoints, namespaces: {names: [default]}}]
              relabel_configs:
                - %2$s
                - {action: labeldrop, regex: 'k8s_(pod_container_image|service_cluster_ip|service_type|endpoints_.*)'}
            - job_name: nodes
              kubernetes_sd_configs: [{api_server: '%1$s', role: node}]
              relabel_configs: [%2$s]
          """.formatted(k8s.url(), map);
      try (Vmagent vm = Vmagent.start(dir, yaml, sink.address(), "-promscrape.kubernetesSDCheckInterval=1s");
          ScrapeEngine engine = new ScrapeEngine(ScrapeEngineSettings.defaults(), new RecordingSink(), new PrometheusRegistry())) {
        engine.apply(PrometheusConfigLoader.parse(yaml));
        Vmagent.assertSameTargets(vm, engine, 7);
        k8s.apply("pods", pod("web-2", "127.0.0.33", Map.of("app", "web")));
        k8s.delete("services", "default", "web");
        k8s.apply("endpoints", endpoints("web", "127.0.0.33", "web-2", "127.0.0.35"));
        Vmagent.assertSameTargets(vm, engine, 8);
      }
    }
  }
}
