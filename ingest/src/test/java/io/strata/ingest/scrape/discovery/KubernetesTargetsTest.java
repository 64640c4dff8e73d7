package io.strata.ingest.scrape.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.ingest.scrape.config.PrometheusConfigLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Edge cases of the Kubernetes roles' labels (Prometheus 2.42) and of the in-cluster configuration. */
class KubernetesTargetsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s.replace('\'', '"'));
  }

  @Test
  void externalNameAndLoadBalancerServices() throws Exception {
    TargetGroup ext = KubernetesTargets.service(json("""
        {'metadata': {'name': 'db', 'namespace': 'prod'},
         'spec': {'type': 'ExternalName', 'externalName': 'db.example.org', 'ports': [{'port': 5432, 'protocol': 'TCP'}]}}"""));
    assertEquals(List.of(Map.of("__address__", "db.prod.svc:5432", "__meta_kubernetes_service_port_number", "5432",
        "__meta_kubernetes_service_port_protocol", "TCP", "__meta_kubernetes_service_type", "ExternalName",
        "__meta_kubernetes_service_external_name", "db.example.org")), ext.targets());
    assertEquals(Map.of("__meta_kubernetes_service_name", "db", "__meta_kubernetes_namespace", "prod"), ext.labels());
    TargetGroup lb = KubernetesTargets.service(json("""
        {'metadata': {'name': 'web', 'namespace': 'prod'},
         'spec': {'type': 'LoadBalancer', 'clusterIP': '10.0.0.5', 'loadBalancerIP': '1.2.3.4',
                  'ports': [{'name': 'http', 'port': 80, 'protocol': 'TCP'}, {'name': 'https', 'port': 443, 'protocol': 'TCP'}]}}"""));
    assertEquals(2, lb.targets().size());
    assertEquals("10.0.0.5", lb.targets().get(1).get("__meta_kubernetes_service_cluster_ip"));
    assertEquals("1.2.3.4", lb.targets().get(1).get("__meta_kubernetes_service_loadbalancer_ip"));
  }

  @Test
  void podWithoutIpHasNoTargetsAndReadyDefaultsToUnknown() throws Exception {
    TargetGroup pending = KubernetesTargets.pod(json("""
        {'metadata': {'name': 'p', 'namespace': 'ns'}, 'spec': {'containers': [{'name': 'c'}]}, 'status': {'phase': 'Pending'}}"""));
    assertTrue(pending.targets().isEmpty());
    assertEquals("pod/ns/p", pending.source());
    Map<String, String> labels = KubernetesTargets.podLabels(json("""
        {'metadata': {'name': 'p', 'namespace': 'ns', 'ownerReferences': [{'kind': 'Node', 'name': 'n'}]},
         'status': {'podIP': '10.1.1.1', 'conditions': [{'type': 'PodScheduled', 'status': 'True'}]}}"""));
    assertEquals("unknown", labels.get("__meta_kubernetes_pod_ready"));
    assertFalse(labels.containsKey("__meta_kubernetes_pod_controller_kind"), "an owner that is not the controller");
  }

  @Test
  void ipv6PodAddressesAreBracketed() throws Exception {
    TargetGroup g = KubernetesTargets.pod(json("""
        {'metadata': {'name': 'p', 'namespace': 'ns'},
         'spec': {'containers': [{'name': 'c', 'ports': [{'containerPort': 9100, 'protocol': 'TCP'}]}]},
         'status': {'podIP': 'fd00::1'}}"""));
    assertEquals("[fd00::1]:9100", g.targets().get(0).get("__address__"));
  }

  @Test
  void ingressTlsWildcardsMatchOneLabel() {
    assertTrue(KubernetesTargets.matchesHostnamePattern("*.example.org", "a.example.org"));
    assertFalse(KubernetesTargets.matchesHostnamePattern("*.example.org", "a.b.example.org"));
    assertTrue(KubernetesTargets.matchesHostnamePattern("x.example.org", "x.example.org"));
    assertFalse(KubernetesTargets.matchesHostnamePattern("x.*.org", "x.example.org"));
  }

  @Test
  void inClusterWithoutServiceEnvironmentReportsTheError() throws Exception {
    var cfg = PrometheusConfigLoader.parse("scrape_configs: [{job_name: k, kubernetes_sd_configs: [{role: pod}]}]")
        .scrapeConfigs().get(0).kubernetesSdConfigs().get(0);
    List<String> errors = new ArrayList<>();
    KubernetesSdDiscoverer d = new KubernetesSdDiscoverer(cfg, (mechanism, message) -> errors.add(mechanism + ": " + message), Map.of());
    d.start(groups -> { });
    d.close();
    assertEquals(List.of("kubernetes: kubernetes_sd: unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and "
        + "KUBERNETES_SERVICE_PORT must be defined"), errors);
  }
}
