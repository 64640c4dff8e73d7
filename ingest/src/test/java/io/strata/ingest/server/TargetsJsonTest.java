package io.strata.ingest.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetsJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void failingDiscoveryIsReportedPerPoolAndMechanism() throws Exception {
    JsonNode root = JSON.readTree(TargetsJson.render(List.of(),
        Map.of("node", Map.of("consul", "Get \"http://127.0.0.1:8500/v1/catalog/services\": connection refused"))));
    assertEquals("success", root.path("status").asText());
    assertTrue(root.path("data").path("activeTargets").isArray());
    assertEquals("Get \"http://127.0.0.1:8500/v1/catalog/services\": connection refused",
        root.path("data").path("discoveryErrors").path("node").path("consul").asText());
  }

  @Test
  void noErrorsIsAnEmptyObject() throws Exception {
    JsonNode root = JSON.readTree(TargetsJson.render(List.of()));
    assertTrue(root.path("data").path("discoveryErrors").isObject());
    assertEquals(0, root.path("data").path("discoveryErrors").size());
  }
}
