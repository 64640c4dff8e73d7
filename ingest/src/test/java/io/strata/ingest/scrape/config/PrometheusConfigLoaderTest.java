package io.strata.ingest.scrape.config;

import io.strata.schemas.prom.PromDuration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.ingest.relabel.RelabelAction;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrometheusConfigLoaderTest {

  @Test
  void defaultsAreThoseOfPrometheus() throws Exception {
    PrometheusConfig c = PrometheusConfigLoader.parse("""
        scrape_configs:
          - job_name: node
            static_configs:
              - targets: ['localhost:9100']
        """);
    ScrapeConfig sc = c.job("node");
    assertEquals(Duration.ofMinutes(1), sc.scrapeInterval());
    assertEquals(Duration.ofSeconds(10), sc.scrapeTimeout());
    assertEquals("/metrics", sc.metricsPath());
    assertEquals("http", sc.scheme());
    assertFalse(sc.honorLabels());
    assertTrue(sc.honorTimestamps());
    assertEquals(0, sc.sampleLimit());
    assertEquals(List.of("localhost:9100"), sc.staticConfigs().get(0).targets());
    assertEquals(Duration.ofMinutes(1), c.global().evaluationInterval());
  }

  @Test
  void fullConfigIsRead() throws Exception {
    PrometheusConfig c = PrometheusConfigLoader.parse("""
        global:
          scrape_interval: 15s
          evaluation_interval: 30s
          external_labels: {region: eu, replica: a, empty: ''}
        rule_files: [rules/*.yml]
        alerting:
          alertmanagers: [{static_configs: [{targets: ['am:9093']}]}]
        scrape_configs:
          - job_name: api
            scrape_interval: 5s
            metrics_path: /internal/metrics
            scheme: https
            params: {module: [http_2xx], debug: ['1', '2']}
            honor_labels: true
            honor_timestamps: false
            basic_auth: {username: u, password_file: /etc/pw}
            tls_config: {ca_file: ca.pem, cert_file: c.pem, key_file: k.pem, server_name: api.local, insecure_skip_verify: true}
            sample_limit: 1000
            label_limit: 30
            body_size_limit: 10MB
            static_configs:
              - targets: ['a:1', 'b:2']
                labels: {env: prod}
            file_sd_configs:
              - files: ['targets/*.json', 'more.yml']
                refresh_interval: 30s
            http_sd_configs:
              - url: http://sd.local:8080/targets
            dns_sd_configs:
              - names: [_api._tcp.example.org]
              - {names: [web.example.org], type: aaaa, port: 9100, refresh_interval: 10s}
            consul_sd_configs:
              - {}
              - {server: 'consul:8501', scheme: https, username: u, password: p, allow_stale: false, services: [a],
                 tags: [t], node_meta: {rack: r1}, tls_config: {insecure_skip_verify: true}}
            relabel_configs:
              - source_labels: [__address__]
                target_label: __param_target
            metric_relabel_configs:
              - {source_labels: [__name__], regex: 'go_.*', action: drop}
          - job_name: legacy
            bearer_token: s3cret
        """);
    assertEquals(Map.of("region", "eu", "replica", "a"), c.global().externalLabels());
    ScrapeConfig api = c.job("api");
    assertEquals(Duration.ofSeconds(5), api.scrapeInterval());
    assertEquals(Duration.ofSeconds(5), api.scrapeTimeout(), "global timeout 10s > interval 5s gives timeout = interval");
    assertEquals("https", api.scheme());
    assertEquals(List.of("1", "2"), api.params().get("debug"));
    assertTrue(api.honorLabels());
    assertFalse(api.honorTimestamps());
    assertEquals("/etc/pw", api.basicAuth().passwordFile());
    assertTrue(api.tlsConfig().insecureSkipVerify());
    assertEquals("api.local", api.tlsConfig().serverName());
    assertEquals(10L << 20, api.bodySizeLimit());
    assertEquals(Duration.ofSeconds(30), api.fileSdConfigs().get(0).refreshInterval());
    assertEquals(URI.create("http://sd.local:8080/targets"), api.httpSdConfigs().get(0).url());
    assertEquals(Duration.ofSeconds(60), api.httpSdConfigs().get(0).refreshInterval());
    assertEquals(RelabelAction.DROP, api.metricRelabelConfigs().get(0).action());
    assertEquals("SRV", api.dnsSdConfigs().get(0).recordType());
    assertEquals(Duration.ofSeconds(30), api.dnsSdConfigs().get(0).refreshInterval());
    assertEquals("AAAA", api.dnsSdConfigs().get(1).recordType());
    assertEquals(9100, api.dnsSdConfigs().get(1).port());
    ConsulSdConfig consulDefaults = api.consulSdConfigs().get(0);
    assertEquals("localhost:8500", consulDefaults.server());
    assertEquals(",", consulDefaults.tagSeparator());
    assertTrue(consulDefaults.allowStale());
    assertEquals(Duration.ofSeconds(30), consulDefaults.refreshInterval());
    ConsulSdConfig consul = api.consulSdConfigs().get(1);
    assertEquals("u", consul.http().basicAuth().username());
    assertFalse(consul.allowStale());
    assertEquals(Map.of("rack", "r1"), consul.nodeMeta());
    assertTrue(consul.http().tlsConfig().insecureSkipVerify());
    ScrapeConfig legacy = c.job("legacy");
    assertEquals(Duration.ofSeconds(15), legacy.scrapeInterval());
    assertEquals(Duration.ofSeconds(10), legacy.scrapeTimeout());
    assertEquals("Bearer", legacy.authorization().type());
    assertEquals("s3cret", legacy.authorization().credentials());
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
    "scrape_configs: [{job_name: a, scrape_intervall: 1m}]|line 1: field scrape_intervall not found in type scrape_config",
    "scrape_configs: [{job_name: a, ec2_sd_configs: []}]|field ec2_sd_configs of type scrape_config is a Prometheus setting that Strata does not support",
    "scrape_configs: [{job_name: a, kubernetes_sd_configs: [{api_server: 'http://k:6443'}]}]|role missing (one of: pod, service, endpoints, endpointslice, node, ingress)",
    "scrape_configs: [{job_name: a, kubernetes_sd_configs: [{role: pods}]}]|unknown Kubernetes SD role \"pods\"",
    "scrape_configs: [{job_name: a, kubernetes_sd_configs: [{role: ingress, kubeconfig_file: k}]}]|kubeconfig_file is a Prometheus setting that Strata does not support",
    "scrape_configs: [{job_name: a, kubernetes_sd_configs: [{role: pod, bearer_token: t}]}]|to use custom HTTP client configuration please provide the 'api_server' URL explicitly",
    "scrape_configs: [{job_name: a, kubernetes_sd_configs: [{role: pod, api_server: 'http://k', namespaces: {own_namespace: true}}]}]|cannot use 'api_server' and 'namespaces.own_namespace' simultaneously",
    "scrape_configs: [{job_name: a, kubernetes_sd_configs: [{role: pod, selectors: [{role: node}]}]}]|pod role supports only pod selectors",
    "scrape_configs: [{job_name: a, kubernetes_sd_configs: [{role: endpoints, selectors: [{role: pod}, {role: pod}]}]}]|duplicated selector role: pod",
    "scrape_configs: [{job_name: a, kubernetes_sd_configs: [{role: pod, namespaces: {name: [x]}}]}]|field name not found in type namespace_discovery",
    "globl: {}|line 1: field globl not found in type config",
    "scrape_configs: [{job_name: a, scrape_interval: 5s, scrape_timeout: 10s}]|scrape timeout greater than scrape interval for scrape config with job name \"a\"",
    "global: {scrape_interval: 5s, scrape_timeout: 6s}|global scrape timeout greater than scrape interval",
    "scrape_configs: [{job_name: a}, {job_name: a}]|found multiple scrape configs with job name \"a\"",
    "scrape_configs: [{scrape_interval: 1m}]|job_name is empty",
    "scrape_configs: [{job_name: a, scrape_interval: 1x}]|not a valid duration string: \"1x\"",
    "scrape_configs: [{job_name: a, scheme: ftp}]|invalid scheme \"ftp\"",
    "scrape_configs: [{job_name: a, static_configs: [{targets: ['http://x:1/metrics']}]}]|\"http://x:1/metrics\" is not a valid hostname",
    "scrape_configs: [{job_name: a, file_sd_configs: [{files: [targets.txt]}]}]|path name \"targets.txt\" is not valid for file discovery",
    "scrape_configs: [{job_name: a, http_sd_configs: [{url: 'ftp://x/y'}]}]|URL scheme must be 'http' or 'https'",
    "scrape_configs: [{job_name: a, consul_sd_configs: [{server: ' '}]}]|consul SD configuration requires a server address",
    "scrape_configs: [{job_name: a, consul_sd_configs: [{username: u, basic_auth: {username: v}}]}]|at most one of consul SD configuration username and password and basic auth can be configured",
    "scrape_configs: [{job_name: a, consul_sd_configs: [{token: t, authorization: {credentials: c}}]}]|at most one of consul SD token, authorization, or oauth2 can be configured",
    "scrape_configs: [{job_name: a, consul_sd_configs: [{bearer_token: t, bearer_token_file: f}]}]|at most one of bearer_token & bearer_token_file must be configured",
    "scrape_configs: [{job_name: a, consul_sd_configs: [{oauth2: {}}]}]|field oauth2 of type consul_sd_config is a Prometheus setting that Strata does not support",
    "scrape_configs: [{job_name: a, dns_sd_configs: [{names: []}]}]|DNS-SD config must contain at least one SRV record name",
    "scrape_configs: [{job_name: a, dns_sd_configs: [{names: [x.test], type: A}]}]|a port is required in DNS-SD configs for all record types except SRV",
    "scrape_configs: [{job_name: a, dns_sd_configs: [{names: [x.test], type: TXT}]}]|invalid DNS-SD records type TXT",
    "scrape_configs: [{job_name: a, dns_sd_configs: [{names: [x.test], nameserver: y}]}]|field nameserver not found in type dns_sd_config",
    "scrape_configs: [{job_name: a, basic_auth: {username: u, password: p, password_file: f}}]|at most one of basic_auth password & password_file must be configured",
    "scrape_configs: [{job_name: a, bearer_token: t, bearer_token_file: f}]|at most one of bearer_token & bearer_token_file must be configured",
    "scrape_configs: [{job_name: a, authorization: {type: Basic, credentials: x}}]|authorization type cannot be set to \"basic\", use \"basic_auth\" instead",
    "scrape_configs: [{job_name: a, tls_config: {cert_file: c.pem}}]|exactly one of key or key_file must be configured when a client certificate is configured",
    "scrape_configs: [{job_name: a, relabel_configs: [{action: hashmod, target_label: x}]}]|relabel configuration for hashmod requires non-zero modulus",
    "scrape_configs: [{job_name: a, metric_relabel_configs: [{action: nope}]}]|unknown relabel action \"nope\"",
    "scrape_configs: [{job_name: a, job_name: b}]|Duplicate field 'job_name'",
    "global: {external_labels: {'1x': y}}|\"1x\" is not a valid label name",
    "scrape_configs: [{job_name: a, sample_limit: lots}]|sample_limit",
  })
  void rejectsInvalidConfig(String yaml, String expected) {
    ConfigException e = assertThrows(ConfigException.class, () -> PrometheusConfigLoader.parse(yaml));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void validationErrorsNameTheSection() {
    ConfigException e = assertThrows(ConfigException.class, () -> PrometheusConfigLoader.parse("""
        scrape_configs:
          - job_name: ok
          - job_name: bad
            relabel_configs:
              - {source_labels: [a]}
        """));
    assertTrue(e.getMessage().contains("scrape_configs[1].relabel_configs[0]: relabel configuration for replace action requires 'target_label' value"),
        e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"1m30s, 90000, 1m30s", "10s, 10000, 10s", "0, 0, 0s", "1h, 3600000, 1h", "500ms, 500, 500ms", "2w, 1209600000, 2w"})
  void durationsParseAndFormatAsPrometheus(String text, long ms, String formatted) {
    assertEquals(Duration.ofMillis(ms), PromDuration.parse(text));
    assertEquals(formatted, PromDuration.format(Duration.ofMillis(ms)));
  }

  @Test
  void durationUnitsOutOfOrderAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> PromDuration.parse("30s1m"));
  }

  @Test
  void relativeFileNamesAreRelativeToTheConfigFilesDirectoryAsInPrometheus() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("strata-config-dir");
    java.nio.file.Path file = dir.resolve("prometheus.yml");
    java.nio.file.Files.writeString(file, """
        scrape_configs:
          - job_name: a
            basic_auth: {username: u, password_file: secrets/pw}
            tls_config: {ca_file: certs/ca.pem, cert_file: /etc/abs/cert.pem, key_file: certs/key.pem}
            file_sd_configs:
              - files: [targets/*.json, /var/sd/more.yml]
        """);
    ScrapeConfig c = PrometheusConfigLoader.load(file).scrapeConfigs().get(0);
    assertEquals(List.of(dir.resolve("targets/*.json").toString(), "/var/sd/more.yml"), c.fileSdConfigs().get(0).files());
    assertEquals(dir.resolve("secrets/pw").toString(), c.basicAuth().passwordFile());
    assertEquals(dir.resolve("certs/ca.pem").toString(), c.tlsConfig().caFile());
    assertEquals("/etc/abs/cert.pem", c.tlsConfig().certFile(), "absolute names stay as written");
    assertEquals(dir.resolve("certs/key.pem").toString(), c.tlsConfig().keyFile());
    // a config given as text has no directory: names are taken as written
    ScrapeConfig text = PrometheusConfigLoader.parse(java.nio.file.Files.readString(file)).scrapeConfigs().get(0);
    assertEquals("targets/*.json", text.fileSdConfigs().get(0).files().get(0));
  }

  @Test
  void anchorsAndAliasesResolveAsInPrometheus() throws Exception {
    // promtool 2.42 `check config`: SUCCESS for this file
    PrometheusConfig c = PrometheusConfigLoader.parse("""
        global:
          scrape_interval: 15s
        scrape_configs:
          - job_name: a
            scrape_interval: 30s
            static_configs: &targets
              - targets: ['127.0.0.1:9100']
                labels: {env: prod}
          - job_name: b
            static_configs: *targets
        """);
    assertEquals(c.scrapeConfigs().get(0).staticConfigs(), c.scrapeConfigs().get(1).staticConfigs());
    assertEquals("b", c.scrapeConfigs().get(1).jobName());
    ConfigException e = assertThrows(ConfigException.class, () -> PrometheusConfigLoader.parse("""
        scrape_configs:
          - job_name: a
            static_configs: *nothing
        """));
    assertTrue(e.getMessage().contains("unknown anchor 'nothing' referenced"), e.getMessage());
  }
}
