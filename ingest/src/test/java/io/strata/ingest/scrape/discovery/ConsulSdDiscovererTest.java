package io.strata.ingest.scrape.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Consul's aggregated check status and Prometheus's label name sanitizing. */
class ConsulSdDiscovererTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "[]|passing",
    "[{\"CheckID\":\"a\",\"Status\":\"passing\"}]|passing",
    "[{\"CheckID\":\"a\",\"Status\":\"passing\"},{\"CheckID\":\"b\",\"Status\":\"warning\"}]|warning",
    "[{\"CheckID\":\"a\",\"Status\":\"critical\"},{\"CheckID\":\"b\",\"Status\":\"warning\"}]|critical",
    "[{\"CheckID\":\"_node_maintenance\",\"Status\":\"critical\"},{\"CheckID\":\"b\",\"Status\":\"critical\"}]|maintenance",
    "[{\"CheckID\":\"_service_maintenance:web-1\",\"Status\":\"critical\"}]|maintenance",
    "[{\"CheckID\":\"a\",\"Status\":\"bogus\"}]|''",
  })
  void healthIsConsulsAggregatedStatus(String checks, String expected) throws Exception {
    assertEquals(expected, ConsulSdDiscoverer.aggregatedStatus(new ObjectMapper().readTree(checks)));
  }

  @ParameterizedTest
  @CsvSource({"os-version, os_version", "a.b/c, a_b_c", "ok_1, ok_1", "rück, r_ck"})
  void metaKeysBecomeLabelNames(String key, String expected) {
    assertEquals(expected, MetaLabels.sanitize(key));
  }
}
