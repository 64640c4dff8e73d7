package io.strata.ingest.scrape.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Kubernetes objects (API JSON) to target groups with Prometheus 2.42's {@code __meta_kubernetes_*} labels,
 * one group per object, for the roles node, pod, service, endpoints, endpointslice and ingress.
 */
final class KubernetesTargets {
  private KubernetesTargets() {}

  static final String P = "__meta_kubernetes_";

  private static String text(JsonNode n, String field) {
    return n.path(field).asText("");
  }

  private static void put(Map<String, String> m, String k, String v) {
    m.put(k, v == null ? "" : v);
  }

  /** {@code <prefix>_label_<k>}, {@code _labelpresent_<k>}, {@code _annotation_<k>}, {@code _annotationpresent_<k>}. */
  private static void labelsAndAnnotations(Map<String, String> m, String prefix, JsonNode meta) {
    for (Iterator<Map.Entry<String, JsonNode>> it = meta.path("labels").fields(); it.hasNext(); ) {
      var e = it.next();
      String ln = MetaLabels.sanitize(e.getKey());
      m.put(P + prefix + "_label_" + ln, e.getValue().asText(""));
      m.put(P + prefix + "_labelpresent_" + ln, "true");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = meta.path("annotations").fields(); it.hasNext(); ) {
      var e = it.next();
      String ln = MetaLabels.sanitize(e.getKey());
      m.put(P + prefix + "_annotation_" + ln, e.getValue().asText(""));
      m.put(P + prefix + "_annotationpresent_" + ln, "true");
    }
  }

  private static TargetGroup group(String source, List<Map<String, String>> targets, Map<String, String> labels) {
    for (Map<String, String> t : targets) {
      t.values().removeIf(String::isEmpty);
    }
    labels.values().removeIf(String::isEmpty);
    return new TargetGroup(source, targets, labels);
  }

  // ---- node ----

  static TargetGroup node(JsonNode node) {
    JsonNode md = node.path("metadata");
    String name = text(md, "name");
    Map<String, String> labels = new LinkedHashMap<>();
    put(labels, P + "node_name", name);
    put(labels, P + "node_provider_id", text(node.path("spec"), "providerID"));
    labelsAndAnnotations(labels, "node", md);
    Map<String, List<String>> byType = new LinkedHashMap<>();
    for (JsonNode a : node.path("status").path("addresses")) {
      byType.computeIfAbsent(text(a, "type"), k -> new ArrayList<>()).add(text(a, "address"));
    }
    String addr = null;
    for (String type : List.of("InternalIP", "InternalDNS", "ExternalIP", "ExternalDNS", "LegacyHostIP", "Hostname")) {
      if (byType.containsKey(type)) {
        addr = byType.get(type).get(0);
        break;
      }
    }
    List<Map<String, String>> targets = new ArrayList<>();
    if (addr != null) {
      Map<String, String> t = new LinkedHashMap<>();
      long port = node.path("status").path("daemonEndpoints").path("kubeletEndpoint").path("Port").asLong(0);
      put(t, "__address__", MetaLabels.joinHostPort(addr, port));
      put(t, "instance", name);
      for (var e : byType.entrySet()) {
        put(t, MetaLabels.sanitize(P + "node_address_" + e.getKey()), e.getValue().get(0));
      }
      targets.add(t);
    }
    return group("node/" + name, targets, labels);
  }

  // ---- pod ----

  /** Prometheus's {@code podLabels}: name, IP, ready, phase, node, host IP, uid, controller, labels, annotations. */
  static Map<String, String> podLabels(JsonNode pod) {
    JsonNode md = pod.path("metadata");
    JsonNode status = pod.path("status");
    Map<String, String> m = new LinkedHashMap<>();
    put(m, P + "pod_name", text(md, "name"));
    put(m, P + "pod_ip", text(status, "podIP"));
    String ready = "unknown";
    for (JsonNode c : status.path("conditions")) {
      if (text(c, "type").equals("Ready")) {
        ready = text(c, "status").toLowerCase(Locale.ROOT);
        break;
      }
    }
    put(m, P + "pod_ready", ready);
    put(m, P + "pod_phase", text(status, "phase"));
    put(m, P + "pod_node_name", text(pod.path("spec"), "nodeName"));
    put(m, P + "pod_host_ip", text(status, "hostIP"));
    put(m, P + "pod_uid", text(md, "uid"));
    for (JsonNode ref : md.path("ownerReferences")) {
      if (ref.path("controller").asBoolean(false)) {
        put(m, P + "pod_controller_kind", text(ref, "kind"));
        put(m, P + "pod_controller_name", text(ref, "name"));
        break;
      }
    }
    labelsAndAnnotations(m, "pod", md);
    return m;
  }

  static TargetGroup pod(JsonNode pod) {
    JsonNode md = pod.path("metadata");
    String source = "pod/" + text(md, "namespace") + "/" + text(md, "name");
    String ip = text(pod.path("status"), "podIP");
    List<Map<String, String>> targets = new ArrayList<>();
    if (ip.isEmpty()) {
      return group(source, targets, new LinkedHashMap<>()); // starting or evicted
    }
    Map<String, String> labels = podLabels(pod);
    put(labels, P + "namespace", text(md, "namespace"));
    addContainers(targets, pod, ip, "containers", "containerStatuses", false);
    addContainers(targets, pod, ip, "initContainers", "initContainerStatuses", true);
    return group(source, targets, labels);
  }

  private static void addContainers(List<Map<String, String>> targets, JsonNode pod, String ip, String field,
      String statusField, boolean init) {
    for (JsonNode c : pod.path("spec").path(field)) {
      String name = text(c, "name");
      String id = "";
      for (JsonNode s : pod.path("status").path(statusField)) {
        if (text(s, "name").equals(name)) {
          id = text(s, "containerID");
          break;
        }
      }
      if (c.path("ports").isEmpty()) {
        Map<String, String> t = new LinkedHashMap<>();
        put(t, "__address__", ip);
        put(t, P + "pod_container_name", name);
        put(t, P + "pod_container_id", id);
        put(t, P + "pod_container_image", text(c, "image"));
        put(t, P + "pod_container_init", Boolean.toString(init));
        targets.add(t);
        continue;
      }
      for (JsonNode port : c.path("ports")) {
        String number = Long.toString(port.path("containerPort").asLong());
        Map<String, String> t = new LinkedHashMap<>();
        put(t, "__address__", MetaLabels.joinHostPort(ip, number));
        put(t, P + "pod_container_name", name);
        put(t, P + "pod_container_id", id);
        put(t, P + "pod_container_image", text(c, "image"));
        put(t, P + "pod_container_port_number", number);
        put(t, P + "pod_container_port_name", text(port, "name"));
        put(t, P + "pod_container_port_protocol", text(port, "protocol"));
        put(t, P + "pod_container_init", Boolean.toString(init));
        targets.add(t);
      }
    }
  }

  // ---- service ----

  static Map<String, String> serviceLabels(JsonNode svc) {
    JsonNode md = svc.path("metadata");
    Map<String, String> m = new LinkedHashMap<>();
    put(m, P + "service_name", text(md, "name"));
    put(m, P + "namespace", text(md, "namespace"));
    labelsAndAnnotations(m, "service", md);
    return m;
  }

  static TargetGroup service(JsonNode svc) {
    JsonNode md = svc.path("metadata");
    JsonNode spec = svc.path("spec");
    String name = text(md, "name");
    String ns = text(md, "namespace");
    String type = text(spec, "type");
    List<Map<String, String>> targets = new ArrayList<>();
    for (JsonNode port : spec.path("ports")) {
      String number = Long.toString(port.path("port").asLong());
      Map<String, String> t = new LinkedHashMap<>();
      put(t, "__address__", MetaLabels.joinHostPort(name + "." + ns + ".svc", number));
      put(t, P + "service_port_name", text(port, "name"));
      put(t, P + "service_port_number", number);
      put(t, P + "service_port_protocol", text(port, "protocol"));
      put(t, P + "service_type", type);
      if (type.equals("ExternalName")) {
        put(t, P + "service_external_name", text(spec, "externalName"));
      } else {
        put(t, P + "service_cluster_ip", text(spec, "clusterIP"));
      }
      if (type.equals("LoadBalancer")) {
        put(t, P + "service_loadbalancer_ip", text(spec, "loadBalancerIP"));
      }
      targets.add(t);
    }
    return group("svc/" + ns + "/" + name, targets, serviceLabels(svc));
  }

  // ---- endpoints ----

  /**
   * Prometheus's {@code buildEndpoints}: one target per address and port (ready and not-ready addresses),
   * with the service's labels on the group, and the pod's labels and matching container port where the
   * address refers to a known pod; then one target per container port of those pods that no endpoint port
   * covered.
   */
  static TargetGroup endpoints(JsonNode eps, Map<String, JsonNode> pods, Map<String, JsonNode> services) {
    JsonNode md = eps.path("metadata");
    String ns = text(md, "namespace");
    String name = text(md, "name");
    Map<String, String> labels = new LinkedHashMap<>();
    put(labels, P + "namespace", ns);
    put(labels, P + "endpoints_name", name);
    JsonNode svc = services.get(ns + "/" + name);
    if (svc != null) {
      labels.putAll(serviceLabels(svc));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = md.path("labels").fields(); it.hasNext(); ) {
      var e = it.next();
      String ln = MetaLabels.sanitize(e.getKey());
      labels.put(P + "endpoints_label_" + ln, e.getValue().asText(""));
      labels.put(P + "endpoints_labelpresent_" + ln, "true");
    }
    List<Map<String, String>> targets = new ArrayList<>();
    Map<String, JsonNode> seenPods = new LinkedHashMap<>();
    Map<String, List<Long>> seenPorts = new HashMap<>();
    for (JsonNode subset : eps.path("subsets")) {
      for (JsonNode port : subset.path("ports")) {
        for (JsonNode addr : subset.path("addresses")) {
          targets.add(endpointTarget(addr, port, "true", pods, seenPods, seenPorts));
        }
        for (JsonNode addr : subset.path("notReadyAddresses")) {
          targets.add(endpointTarget(addr, port, "false", pods, seenPods, seenPorts));
        }
      }
    }
    addUncoveredPorts(targets, seenPods, seenPorts);
    return group("endpoints/" + ns + "/" + name, targets, labels);
  }

  /** Targets for the container ports of seen pods that no endpoint port covered. */
  private static void addUncoveredPorts(List<Map<String, String>> targets, Map<String, JsonNode> seenPods,
      Map<String, List<Long>> seenPorts) {
    for (var e : seenPods.entrySet()) {
      JsonNode pod = e.getValue();
      List<Long> covered = seenPorts.getOrDefault(e.getKey(), List.of());
      for (JsonNode c : pod.path("spec").path("containers")) {
        for (JsonNode cport : c.path("ports")) {
          long number = cport.path("containerPort").asLong();
          if (covered.contains(number)) {
            continue;
          }
          Map<String, String> t = new LinkedHashMap<>();
          put(t, "__address__", MetaLabels.joinHostPort(text(pod.path("status"), "podIP"), number));
          put(t, P + "pod_container_name", text(c, "name"));
          put(t, P + "pod_container_image", text(c, "image"));
          put(t, P + "pod_container_port_name", text(cport, "name"));
          put(t, P + "pod_container_port_number", Long.toString(number));
          put(t, P + "pod_container_port_protocol", text(cport, "protocol"));
          t.putAll(podLabels(pod));
          targets.add(t);
        }
      }
    }
  }

  private static Map<String, String> endpointTarget(JsonNode addr, JsonNode port, String ready, Map<String, JsonNode> pods,
      Map<String, JsonNode> seenPods, Map<String, List<Long>> seenPorts) {
    long number = port.path("port").asLong();
    Map<String, String> t = new LinkedHashMap<>();
    put(t, "__address__", MetaLabels.joinHostPort(text(addr, "ip"), number));
    put(t, P + "endpoint_port_name", text(port, "name"));
    put(t, P + "endpoint_port_protocol", text(port, "protocol"));
    put(t, P + "endpoint_ready", ready);
    JsonNode ref = addr.path("targetRef");
    if (!ref.isMissingNode() && !ref.isNull()) {
      put(t, P + "endpoint_address_target_kind", text(ref, "kind"));
      put(t, P + "endpoint_address_target_name", text(ref, "name"));
    }
    if (addr.has("nodeName")) {
      put(t, P + "endpoint_node_name", text(addr, "nodeName"));
    }
    put(t, P + "endpoint_hostname", text(addr, "hostname"));
    JsonNode pod = text(ref, "kind").equals("Pod") ? pods.get(text(ref, "namespace") + "/" + text(ref, "name")) : null;
    if (pod == null) {
      return t;
    }
    String podKey = text(ref, "namespace") + "/" + text(ref, "name");
    seenPods.putIfAbsent(podKey, pod);
    t.putAll(podLabels(pod));
    // as Prometheus: the first matching port of each container; a later container with the port wins
    for (JsonNode c : pod.path("spec").path("containers")) {
      for (JsonNode cport : c.path("ports")) {
        if (cport.path("containerPort").asLong() == number) {
          put(t, P + "pod_container_name", text(c, "name"));
          put(t, P + "pod_container_image", text(c, "image"));
          put(t, P + "pod_container_port_name", text(cport, "name"));
          put(t, P + "pod_container_port_number", Long.toString(number));
          put(t, P + "pod_container_port_protocol", text(port, "protocol"));
          break;
        }
      }
    }
    seenPorts.computeIfAbsent(podKey, k -> new ArrayList<>()).add(number);
    return t;
  }

  // ---- endpointslice ----

  /**
   * Prometheus's {@code buildEndpointSlice} (discovery.k8s.io/v1): one target per endpoint address and
   * port, optional fields only when set, the service (from the {@code kubernetes.io/service-name} label) on
   * the group, pod labels for pod targets, then the pod's uncovered container ports.
   */
  static TargetGroup endpointSlice(JsonNode eps, Map<String, JsonNode> pods, Map<String, JsonNode> services) {
    JsonNode md = eps.path("metadata");
    String ns = text(md, "namespace");
    String name = text(md, "name");
    Map<String, String> labels = new LinkedHashMap<>();
    put(labels, P + "namespace", ns);
    put(labels, P + "endpointslice_name", name);
    put(labels, P + "endpointslice_address_type", text(eps, "addressType"));
    JsonNode svcName = md.path("labels").path("kubernetes.io/service-name");
    if (svcName.isTextual() && services.containsKey(ns + "/" + svcName.asText())) {
      labels.putAll(serviceLabels(services.get(ns + "/" + svcName.asText())));
    }
    List<Map<String, String>> targets = new ArrayList<>();
    Map<String, JsonNode> seenPods = new LinkedHashMap<>();
    Map<String, List<Long>> seenPorts = new HashMap<>();
    for (JsonNode ep : eps.path("endpoints")) {
      for (JsonNode port : eps.path("ports")) {
        for (JsonNode addr : ep.path("addresses")) {
          boolean hasPort = port.path("port").isNumber();
          long number = port.path("port").asLong();
          Map<String, String> t = new LinkedHashMap<>();
          put(t, "__address__", hasPort ? MetaLabels.joinHostPort(addr.asText(), number) : addr.asText());
          optional(t, "endpointslice_port_name", port.path("name"));
          optional(t, "endpointslice_port_protocol", port.path("protocol"));
          optional(t, "endpointslice_port", port.path("port"));
          optional(t, "endpointslice_port_app_protocol", port.path("appProtocol"));
          JsonNode cond = ep.path("conditions");
          optional(t, "endpointslice_endpoint_conditions_ready", cond.path("ready"));
          optional(t, "endpointslice_endpoint_conditions_serving", cond.path("serving"));
          optional(t, "endpointslice_endpoint_conditions_terminating", cond.path("terminating"));
          optional(t, "endpointslice_endpoint_hostname", ep.path("hostname"));
          JsonNode ref = ep.path("targetRef");
          if (ref.isObject()) {
            put(t, P + "endpointslice_address_target_kind", text(ref, "kind"));
            put(t, P + "endpointslice_address_target_name", text(ref, "name"));
          }
          for (Iterator<Map.Entry<String, JsonNode>> it = ep.path("deprecatedTopology").fields(); it.hasNext(); ) {
            var e = it.next();
            String ln = MetaLabels.sanitize(e.getKey());
            put(t, P + "endpointslice_endpoint_topology_" + ln, e.getValue().asText(""));
            put(t, P + "endpointslice_endpoint_topology_present_" + ln, "true");
          }
          JsonNode pod = text(ref, "kind").equals("Pod") ? pods.get(text(ref, "namespace") + "/" + text(ref, "name")) : null;
          if (pod != null) {
            String podKey = text(ref, "namespace") + "/" + text(ref, "name");
            seenPods.putIfAbsent(podKey, pod);
            t.putAll(podLabels(pod));
            for (JsonNode c : pod.path("spec").path("containers")) {
              for (JsonNode cport : c.path("ports")) {
                if (hasPort && cport.path("containerPort").asLong() == number) {
                  put(t, P + "pod_container_name", text(c, "name"));
                  put(t, P + "pod_container_image", text(c, "image"));
                  put(t, P + "pod_container_port_name", text(cport, "name"));
                  put(t, P + "pod_container_port_number", Long.toString(number));
                  put(t, P + "pod_container_port_protocol", text(cport, "protocol"));
                  break;
                }
              }
            }
            if (hasPort) {
              seenPorts.computeIfAbsent(podKey, k -> new ArrayList<>()).add(number);
            }
          }
          targets.add(t);
        }
      }
    }
    addUncoveredPorts(targets, seenPods, seenPorts);
    return group("endpointslice/" + ns + "/" + name, targets, labels);
  }

  private static void optional(Map<String, String> t, String name, JsonNode v) {
    if (!v.isMissingNode() && !v.isNull()) {
      put(t, P + name, v.asText());
    }
  }

  // ---- ingress ----

  /** Prometheus's {@code buildIngress} (networking.k8s.io/v1): one target per rule host and path. */
  static TargetGroup ingress(JsonNode ing) {
    JsonNode md = ing.path("metadata");
    JsonNode spec = ing.path("spec");
    Map<String, String> labels = new LinkedHashMap<>();
    put(labels, P + "ingress_name", text(md, "name"));
    put(labels, P + "namespace", text(md, "namespace"));
    if (spec.path("ingressClassName").isTextual()) {
      put(labels, P + "ingress_class_name", spec.path("ingressClassName").asText());
    }
    labelsAndAnnotations(labels, "ingress", md);
    List<String> tlsHosts = new ArrayList<>();
    for (JsonNode tls : spec.path("tls")) {
      tls.path("hosts").forEach(h -> tlsHosts.add(h.asText()));
    }
    List<Map<String, String>> targets = new ArrayList<>();
    for (JsonNode rule : spec.path("rules")) {
      String host = text(rule, "host");
      String scheme = "http";
      for (String pattern : tlsHosts) {
        if (matchesHostnamePattern(pattern, host)) {
          scheme = "https";
          break;
        }
      }
      List<String> paths = new ArrayList<>();
      JsonNode httpPaths = rule.path("http").path("paths");
      if (rule.path("http").isObject() && httpPaths.isArray()) {
        httpPaths.forEach(p -> paths.add(text(p, "path").isEmpty() ? "/" : text(p, "path")));
      } else {
        paths.add("/");
      }
      for (String path : paths) {
        Map<String, String> t = new LinkedHashMap<>();
        put(t, "__address__", host);
        put(t, P + "ingress_scheme", scheme);
        put(t, P + "ingress_host", host);
        put(t, P + "ingress_path", path);
        targets.add(t);
      }
    }
    return group("ingress/" + text(md, "namespace") + "/" + text(md, "name"), targets, labels);
  }

  /** A wildcard DNS pattern ({@code *.example.com}, one label) or an equal host. */
  static boolean matchesHostnamePattern(String pattern, String host) {
    if (pattern.equals(host)) {
      return true;
    }
    String[] pp = pattern.split("\\.", -1);
    String[] hp = host.split("\\.", -1);
    if (pp.length == 0 || !pp[0].equals("*") || pp.length != hp.length) {
      return false;
    }
    for (int i = 1; i < pp.length; i++) {
      if (!pp[i].equals(hp[i])) {
        return false;
      }
    }
    return true;
  }
}
