package io.strata.ingest.scrape.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.strata.ingest.scrape.config.StaticConfig;
import io.strata.schemas.model.Labels;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Reads the file_sd / http_sd target group format: {@code [{"targets": [...], "labels": {...}}]}. */
final class TargetGroupReader {
  private TargetGroupReader() {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static List<TargetGroup> read(byte[] content, boolean yaml, String source, String metaLabel, String metaValue) throws IOException {
    JsonNode root = (yaml ? YAML : JSON).readTree(content);
    List<TargetGroup> out = new ArrayList<>();
    if (root == null || root.isNull() || root.isMissingNode()) {
      return out;
    }
    if (!root.isArray()) {
      throw new IOException("expected a list of target groups");
    }
    int index = 0;
    for (JsonNode g : root) {
      if (!g.isObject()) {
        throw new IOException("target group " + index + " is not an object");
      }
      for (Iterator<String> it = g.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!f.equals("targets") && !f.equals("labels")) {
          throw new IOException("target group " + index + ": unknown field " + f);
        }
      }
      Map<String, String> labels = new HashMap<>();
      JsonNode ln = g.get("labels");
      if (ln != null && !ln.isNull()) {
        if (!ln.isObject()) {
          throw new IOException("target group " + index + ": labels must be a map");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = ln.fields(); it.hasNext(); ) {
          var e = it.next();
          if (!Labels.isValidName(e.getKey())) {
            throw new IOException("\"" + e.getKey() + "\" is not a valid label name");
          }
          labels.put(e.getKey(), e.getValue().asText());
        }
      }
      labels.put(metaLabel, metaValue);
      List<Map<String, String>> targets = new ArrayList<>();
      JsonNode tn = g.get("targets");
      if (tn != null && !tn.isNull()) {
        if (!tn.isArray()) {
          throw new IOException("target group " + index + ": targets must be a list");
        }
        for (JsonNode t : tn) {
          String addr = t.asText();
          try {
            StaticConfig.checkTargetAddress(addr);
          } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage());
          }
          targets.add(Map.of("__address__", addr));
        }
      }
      out.add(new TargetGroup(source + ":" + index, targets, labels));
      index++;
    }
    return out;
  }
}
