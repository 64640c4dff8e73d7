package io.strata.schemas.prom;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * YAML anchors ({@code &name}), aliases ({@code *name}) and merge keys ({@code <<: *name}), as Go's yaml (and so
 * Prometheus, promtool and Alertmanager) resolves them. Jackson's YAML parser reports an alias as a plain string,
 * so a document that uses one is expanded here into the equivalent document without aliases (as JSON text,
 * which is YAML); every other document is returned unchanged, so its error messages keep their line numbers.
 */
public final class YamlAliases {
  private static final YAMLFactory YAML = new YAMLFactory();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private YamlAliases() {}

  /**
   * The document with its aliases expanded, or {@code yaml} itself when it has none.
   *
   * @throws IOException malformed YAML (the caller's own parse then reports it as it does), or an alias of an
   *     anchor not defined before it ({@code unknown anchor 'x' referenced}, Go yaml's words)
   */
  public static String expand(String yaml) throws IOException {
    if (yaml.indexOf('*') < 0 || !hasAlias(yaml)) {
      return yaml;
    }
    try (YAMLParser p = (YAMLParser) YAML.createParser(yaml)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return yaml;
      }
      return JSON.writeValueAsString(read(p, t, new HashMap<>()));
    }
  }

  private static boolean hasAlias(String yaml) {
    try (YAMLParser p = (YAMLParser) YAML.createParser(yaml)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (p.isCurrentAlias()) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      return false; // malformed: the caller's parser words the error
    }
  }

  private static JsonNode read(YAMLParser p, JsonToken t, Map<String, JsonNode> anchors) throws IOException {
    if (p.isCurrentAlias()) {
      String name = p.getText();
      JsonNode n = anchors.get(name);
      if (n == null) {
        throw new IOException("unknown anchor '" + name + "' referenced");
      }
      return n.deepCopy();
    }
    String anchor = p.getObjectId() == null ? null : String.valueOf(p.getObjectId());
    JsonNode n;
    switch (t) {
      case START_OBJECT -> {
        ObjectNode o = NODES.objectNode();
        ObjectNode merged = NODES.objectNode();
        for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
          String key = p.currentName();
          JsonNode v = read(p, p.nextToken(), anchors);
          if (key.equals("<<") && (v.isObject() || v.isArray())) {
            // merge key: the mapping's own keys win, then earlier merged mappings over later ones
            for (JsonNode m : v.isArray() ? v : NODES.arrayNode().add(v)) {
              for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!merged.has(e.getKey())) {
                  merged.set(e.getKey(), e.getValue());
                }
              }
            }
          } else {
            o.set(key, v);
          }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = merged.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          if (!o.has(e.getKey())) {
            o.set(e.getKey(), e.getValue());
          }
        }
        n = o;
      }
      case START_ARRAY -> {
        ArrayNode a = NODES.arrayNode();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          a.add(read(p, e, anchors));
        }
        n = a;
      }
      case VALUE_NULL -> n = NODES.nullNode();
      case VALUE_TRUE, VALUE_FALSE -> n = NODES.booleanNode(t == JsonToken.VALUE_TRUE);
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> n = p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
          ? NODES.numberNode(p.getBigIntegerValue())
          : t == JsonToken.VALUE_NUMBER_INT ? NODES.numberNode(p.getLongValue()) : NODES.numberNode(p.getDecimalValue());
      default -> n = NODES.textNode(p.getText());
    }
    if (anchor != null) {
      anchors.put(anchor, n);
    }
    return n;
  }
}
